// name: store_edges_among
// title: Relationships among nodes
// description: Every relationship whose two ends are both among the given nodes.
// params: ids (list[str]) — node ids
// returns: type, source, target, props (props as [key, value] pairs; temporal values as {datetime: text} or {date: text}, which the store parses faster than the driver
// mode: read
UNWIND $ids AS id
MATCH (a:Entity {id: id})-[r]->(b:Entity)
WHERE b.id IN $ids
RETURN type(r) AS type, a.id AS source, b.id AS target, [k IN keys(r) | [k, CASE
         WHEN r[k] IS :: ZONED DATETIME THEN {datetime: toString(r[k])}
         WHEN r[k] IS :: DATE THEN {date: toString(r[k])}
         ELSE r[k] END]] AS props
