// name: store_iter_edge_values_from
// title: Some properties of the relationships of a type leaving given nodes
// description: Ends and the values of the given properties of the relationships of one type that leave the given nodes, in (source, target, key) order; the projection reads a window's hand-offs this way instead of every hand-off of the city.
// template: TYPE (RelType)
// params: sources (list[str]) — source ids, sorted (one page's worth)
// params: keys (list[str]) — the property names, in the order wanted
// returns: page — one row holding the page as a list of [source, target, key, [value of each key, null where absent]]; temporal values as {datetime: text} or {date: text}, which the store parses faster than the driver
// mode: read
UNWIND $sources AS source
MATCH (a:Entity {id: source})-[r:<<TYPE>>]->(b:Entity)
WITH a, r, b
ORDER BY a.id, b.id, r.key
RETURN collect([a.id, b.id, r.key, [k IN $keys | CASE
         WHEN r[k] IS NULL THEN null
         WHEN r[k] IS :: ZONED DATETIME THEN {datetime: toString(r[k])}
         WHEN r[k] IS :: DATE THEN {date: toString(r[k])}
         ELSE r[k] END]]) AS page
