// name: store_labels_of
// title: Labels of ids
// description: The domain label of each given id that exists (reference checks; no properties are read), as two lists in one row: a row per id costs the driver more than the lookup.
// params: ids (list[str]) — node ids
// returns: ids, labels — the ids found and the label of each, in the same order
// mode: read
UNWIND $ids AS id
MATCH (n:Entity {id: id})
RETURN collect(n.id) AS ids, collect(n.label) AS labels
