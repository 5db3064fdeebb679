// name: store_iter_edges
// title: One page of relationships of a type
// description: Relationships of one type after a given (source, target, key), in that order (keyset pagination).
// template: TYPE (RelType)
// params: after_source (str) — source id of the last row of the previous page ('' for the first)
// params: after_target (str) — its target id
// params: after_key (str) — its key
// params: batch_size (int) — page size
// returns: page — one row holding the page as a list of [source, target, props] (one message instead of one per relationship); props as [key, value] pairs; temporal values as {datetime: text} or {date: text}, which the store parses faster than the driver
// mode: read
MATCH (a:Entity)-[r:<<TYPE>>]->(b:Entity)
USING INDEX a:Entity(id)
WHERE a.id >= $after_source
  AND (a.id > $after_source
       OR b.id > $after_target
       OR (b.id = $after_target AND r.key > $after_key))
WITH a, r, b
ORDER BY a.id, b.id, r.key
LIMIT $batch_size
RETURN collect([a.id, b.id, [k IN keys(r) | [k, CASE
         WHEN r[k] IS :: ZONED DATETIME THEN {datetime: toString(r[k])}
         WHEN r[k] IS :: DATE THEN {date: toString(r[k])}
         ELSE r[k] END]]]) AS page
