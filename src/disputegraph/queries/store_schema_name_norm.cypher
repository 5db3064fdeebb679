// name: store_schema_name_norm
// title: Name search index
// description: A text index on the normalised name of every entity, for CONTAINS searches.
// params: none
// returns: nothing
// mode: schema
CREATE TEXT INDEX entity_name_norm IF NOT EXISTS FOR (n:Entity) ON (n.name_norm)
