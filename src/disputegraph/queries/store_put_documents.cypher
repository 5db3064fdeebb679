// name: store_put_documents
// title: Store documents
// description: Creates or replaces stored JSON documents (analysis results, review decisions), several in one write transaction.
// params: docs (list[map]) — one {kind, key, json} per document: its kind (e.g. analysis), its key within the kind and the document as JSON text
// returns: nothing
// mode: write
UNWIND $docs AS doc
MERGE (d:Document {kind: doc.kind, key: doc.key})
SET d.json = doc.json
