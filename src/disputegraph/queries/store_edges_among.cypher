// name: store_edges_among
// title: Relationships among nodes
// description: Every relationship whose two ends are both among the given nodes.
// params: ids (list[str]) — node ids
// returns: type, source, target, props
// mode: read
UNWIND $ids AS id
MATCH (a:Entity {id: id})-[r]->(b:Entity)
WHERE b.id IN $ids
RETURN type(r) AS type, a.id AS source, b.id AS target, properties(r) AS props
