// name: store_edges_in
// title: Incoming relationships of a node
// description: Relationships arriving at one node, optionally of some types only.
// params: id (str) — node id
// params: types (list[str] = none) — relationship types to keep; none keeps all
// returns: type, source, target, props
// mode: read
MATCH (a)-[r]->(b:Entity {id: $id})
WHERE $types IS NULL OR type(r) IN $types
RETURN type(r) AS type, a.id AS source, b.id AS target, properties(r) AS props
