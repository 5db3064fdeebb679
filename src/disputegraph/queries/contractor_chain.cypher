// name: contractor_chain
// title: Contractor chain above an employer
// description: The contractors above an employer along SUBCONTRACTOR_OF (tier 1 is its direct contractor), with the chain of ids and the projects of each contract.
// params: employer_id (str) — the employer at the bottom (a labour team or subcontractor)
// returns: tier, employer_id, name, kind, chain (ids from the given employer up), projects
// mode: read
MATCH p = (e:Employer {id: $employer_id})-[:SUBCONTRACTOR_OF*1..8]->(c:Employer)
RETURN length(p) AS tier, c.id AS employer_id, c.name AS name, c.kind AS kind,
       [n IN nodes(p) | n.id] AS chain, [r IN relationships(p) | r.project_id] AS projects
ORDER BY tier, employer_id
