// name: trace_disputes
// title: Disputes traced from an entity
// description: Disputes within a few hops of an entity through the stakeholder graph (parties, employers, properties, disputes; never agencies or reports), each with one shortest path; a node with more than max_degree such relationships is reached but not passed through (the source always is). This is what the case tracer lists.
// params: entity_id (str) — the entity to start from
// params: hops (int = 2) — most hops (1 to 8)
// params: max_degree (int = 200) — nodes with more relationships are not passed through
// returns: dispute_id, title, status, category, hops, path (ids), via (relationship types)
// mode: read
MATCH (s:Entity {id: $entity_id})
MATCH p = ANY SHORTEST (s) ((a)-[:PARTY_TO|CONCERNS|EMPLOYED_BY|SUBCONTRACTOR_OF|PART_OF|RELATED_TO|RESIDES_AT|OWNS|RENTS|MANAGES|DEVELOPED|LEASES]-(b)
    WHERE a.id = $entity_id
       OR COUNT { (a)-[:PARTY_TO|CONCERNS|EMPLOYED_BY|SUBCONTRACTOR_OF|PART_OF|RELATED_TO|RESIDES_AT|OWNS|RENTS|MANAGES|DEVELOPED|LEASES]-() } <= $max_degree){1,8} (d:Dispute)
WHERE d <> s AND length(p) <= $hops
RETURN d.id AS dispute_id, d.title AS title, d.status AS status, d.category AS category,
       length(p) AS hops, [n IN nodes(p) | n.id] AS path, [r IN relationships(p) | type(r)] AS via
ORDER BY hops, dispute_id
