// name: linked_disputes
// title: Linked disputes
// description: Disputes within a few hops of a dispute, party or employer, not passing through agencies (they touch everything). Each row has the shortest linking path and the relationship types along it.
// params: entity_id (str) — the dispute, party or employer to start from
// params: hops (int = 2) — most hops (1 to 4)
// params: limit (int = 200) — most rows returned
// returns: dispute_id, title, status, category, hops, path (ids), via (relationship types)
// mode: read
MATCH (s:Entity {id: $entity_id})
MATCH p = ANY SHORTEST (s) (()-[]-(x WHERE NOT x:Agency)){1,4} (d:Dispute)
WHERE d <> s AND length(p) <= $hops
RETURN d.id AS dispute_id, d.title AS title, d.status AS status, d.category AS category,
       length(p) AS hops, [n IN nodes(p) | n.id] AS path, [r IN relationships(p) | type(r)] AS via
ORDER BY hops, dispute_id
LIMIT $limit
