// name: store_labels_of
// title: Labels of ids
// description: The domain label of each given id that exists (reference checks; no properties are read).
// params: ids (list[str]) — node ids
// returns: id, label
// mode: read
UNWIND $ids AS id
MATCH (n:Entity {id: id})
RETURN n.id AS id, n.label AS label
