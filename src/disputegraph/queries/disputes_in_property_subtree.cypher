// name: disputes_in_property_subtree
// title: Disputes in a property and everything inside it
// description: Disputes concerning a property or any property that is part of it (buildings of a community, parcels of a village), optionally only some statuses.
// params: property_id (str) — the root property
// params: statuses (list[str] = none) — status codes to keep; none keeps all
// returns: dispute_id, title, category, status, reported_at, properties (ids in the subtree it concerns)
// mode: read
MATCH (root:Property {id: $property_id})
MATCH (p:Property)-[:PART_OF*0..6]->(root)
MATCH (d:Dispute)-[:CONCERNS]->(p)
WHERE $statuses IS NULL OR d.status IN $statuses
WITH d, collect(DISTINCT p.id) AS properties
RETURN d.id AS dispute_id, d.title AS title, d.category AS category, d.status AS status,
       d.reported_at AS reported_at, properties
ORDER BY reported_at, dispute_id
