// name: store_get_document
// title: One stored document
// description: The JSON text of one stored document, if any.
// params: kind (str) — document kind
// params: key (str) — key within the kind
// returns: json
// mode: read
MATCH (d:Document {kind: $kind, key: $key})
RETURN d.json AS json
