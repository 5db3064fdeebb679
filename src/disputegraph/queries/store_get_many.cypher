// name: store_get_many
// title: Nodes by id
// description: The nodes with the given ids (missing ids are skipped).
// params: ids (list[str]) — node ids
// returns: id, label, props
// mode: read
UNWIND $ids AS id
MATCH (n:Entity {id: id})
RETURN n.id AS id, n.label AS label, properties(n) AS props
