// name: store_get_many
// title: Nodes by id
// description: The nodes with the given ids (missing ids are skipped).
// params: ids (list[str]) — node ids
// returns: id, label, props (props as [key, value] pairs; temporal values as {datetime: text} or {date: text}, which the store parses faster than the driver
// mode: read
UNWIND $ids AS id
MATCH (n:Entity {id: id})
RETURN n.id AS id, n.label AS label, [k IN keys(n) | [k, CASE
         WHEN n[k] IS :: ZONED DATETIME THEN {datetime: toString(n[k])}
         WHEN n[k] IS :: DATE THEN {date: toString(n[k])}
         ELSE n[k] END]] AS props
