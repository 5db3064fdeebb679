// name: store_schema_entity_id
// title: Unique entity ids
// description: Every graph node carries the label Entity with a unique id; this constraint (and its index) makes MERGE on id fast and safe.
// params: none
// returns: nothing
// mode: schema
CREATE CONSTRAINT entity_id IF NOT EXISTS FOR (n:Entity) REQUIRE n.id IS UNIQUE
