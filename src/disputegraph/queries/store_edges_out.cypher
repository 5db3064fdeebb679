// name: store_edges_out
// title: Outgoing relationships of a node
// description: Relationships leaving one node, optionally of some types only.
// params: id (str) — node id
// params: types (list[str] = none) — relationship types to keep; none keeps all
// returns: type, source, target, props
// mode: read
MATCH (a:Entity {id: $id})-[r]->(b)
WHERE $types IS NULL OR type(r) IN $types
RETURN type(r) AS type, a.id AS source, b.id AS target, properties(r) AS props
