// name: store_schema_party_id_number_hash
// title: Id-number hash index
// description: Finds parties by the keyed hash of their id number.
// params: none
// returns: nothing
// mode: schema
CREATE INDEX party_id_number_hash IF NOT EXISTS FOR (n:Party) ON (n.id_number_hash)
