// name: store_upsert_edges
// title: Upsert relationships of one type
// description: Creates or updates relationships by (type, source, target, key); properties are replaced by the given ones (which include the key). Rows whose end nodes do not exist match nothing, so written is smaller than the number of rows.
// template: TYPE (RelType)
// params: rows (list[map]) — {source, target, key, props, datetimes, dates} per relationship: props holds the plain properties (with key), datetimes and dates the temporal ones as ISO text, converted by the server
// returns: written — rows written
// mode: write
UNWIND $rows AS row
MATCH (a:Entity {id: row.source})
MATCH (b:Entity {id: row.target})
MERGE (a)-[r:<<TYPE>> {key: row.key}]->(b)
SET r = row.props
FOREACH (k IN keys(row.datetimes) | SET r[k] = datetime(row.datetimes[k]))
FOREACH (k IN keys(row.dates) | SET r[k] = date(row.dates[k]))
RETURN count(*) AS written
