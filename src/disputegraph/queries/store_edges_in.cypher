// name: store_edges_in
// title: Incoming relationships of a node
// description: Relationships arriving at one node, optionally of some types only.
// params: id (str) — node id
// params: types (list[str] = none) — relationship types to keep; none keeps all
// returns: type, source, target, props (props as [key, value] pairs; temporal values as {datetime: text} or {date: text}, which the store parses faster than the driver
// mode: read
MATCH (a)-[r]->(b:Entity {id: $id})
WHERE $types IS NULL OR type(r) IN $types
RETURN type(r) AS type, a.id AS source, b.id AS target, [k IN keys(r) | [k, CASE
         WHEN r[k] IS :: ZONED DATETIME THEN {datetime: toString(r[k])}
         WHEN r[k] IS :: DATE THEN {date: toString(r[k])}
         ELSE r[k] END]] AS props
