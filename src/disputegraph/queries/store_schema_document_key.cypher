// name: store_schema_document_key
// title: Unique stored documents
// description: A stored document (analysis results, review decisions) is identified by its kind and key.
// params: none
// returns: nothing
// mode: schema
CREATE CONSTRAINT document_kind_key IF NOT EXISTS FOR (d:Document) REQUIRE (d.kind, d.key) IS UNIQUE
