// name: store_upsert_nodes
// title: Upsert nodes of one label
// description: Creates or updates nodes by id; properties are replaced by the given ones (which include id and label), the node gets its label and Entity, and loses any other domain label.
// template: LABEL (NodeLabel)
// params: rows (list[map]) — {id, props, datetimes, dates} per node: props holds the plain properties (with id and label), datetimes and dates the temporal ones as ISO text (a zone id in brackets), converted by the server
// returns: written — rows written
// mode: write
UNWIND $rows AS row
MERGE (n:Entity {id: row.id})
SET n = row.props
FOREACH (k IN keys(row.datetimes) | SET n[k] = datetime(row.datetimes[k]))
FOREACH (k IN keys(row.dates) | SET n[k] = date(row.dates[k]))
REMOVE n:<<OTHER_LABELS>>
SET n:<<LABEL>>
RETURN count(*) AS written
