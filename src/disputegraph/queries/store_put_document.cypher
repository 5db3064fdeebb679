// name: store_put_document
// title: Store a document
// description: Creates or replaces one stored JSON document (analysis results, review decisions).
// params: kind (str) — document kind, e.g. analysis
// params: key (str) — key within the kind
// params: json (str) — the document as JSON text
// returns: nothing
// mode: write
MERGE (d:Document {kind: $kind, key: $key})
SET d.json = $json
