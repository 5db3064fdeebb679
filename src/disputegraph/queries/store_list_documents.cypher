// name: store_list_documents
// title: Keys of stored documents
// description: The keys of the stored documents of one kind, sorted.
// params: kind (str) — document kind
// returns: key
// mode: read
MATCH (d:Document {kind: $kind})
RETURN d.key AS key
ORDER BY key
