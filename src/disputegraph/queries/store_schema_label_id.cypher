// name: store_schema_label_id
// title: Id index per node label
// description: A range index on id for one node label, so nodes of a label stream in id order (keyset pagination).
// template: LABEL (NodeLabel)
// params: none
// returns: nothing
// mode: schema
CREATE INDEX label_id_<<LABEL>> IF NOT EXISTS FOR (n:<<LABEL>>) ON (n.id)
