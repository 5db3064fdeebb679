// name: store_schema_party_phone_hash
// title: Phone hash index
// description: Finds parties by the keyed hash of their phone number.
// params: none
// returns: nothing
// mode: schema
CREATE INDEX party_phone_hash IF NOT EXISTS FOR (n:Party) ON (n.phone_hash)
