// name: store_upsert_nodes
// title: Upsert nodes of one label
// description: Creates or updates nodes by id; properties are replaced by the given ones (which include id and label), the node gets its label and Entity, and loses any other domain label.
// template: LABEL (NodeLabel)
// params: rows (list[map]) — {id, props} per node; props holds every property to keep
// returns: written — rows written
// mode: write
UNWIND $rows AS row
MERGE (n:Entity {id: row.id})
SET n = row.props
REMOVE n:<<OTHER_LABELS>>
SET n:<<LABEL>>
RETURN count(*) AS written
