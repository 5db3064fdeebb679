// name: store_iter_edge_values
// title: One page of some properties of the relationships of a type
// description: Ends and the values of the given properties of relationships of one type after a given (source, target, key), in that order (keyset pagination); what the projection reads, without the other properties. The relationships are found by their type (the relationship type index), not by walking every node: a page costs the relationships of the type, whatever the size of the graph.
// template: TYPE (RelType)
// params: after_source (str) — source id of the last row of the previous page ('' for the first)
// params: after_target (str) — its target id
// params: after_key (str) — its key
// params: keys (list[str]) — the property names, in the order wanted
// params: batch_size (int) — page size
// returns: page — one row holding the page as a list of [source, target, key, [value of each key, null where absent]] (an absent property is null, which `IS ::` of any type would accept); temporal values as {datetime: text} or {date: text}, which the store parses faster than the driver
// mode: read
MATCH (a)-[r:<<TYPE>>]->(b)
WITH a.id AS source, b.id AS target, r
WHERE source > $after_source
   OR (source = $after_source
       AND (target > $after_target OR (target = $after_target AND r.key > $after_key)))
WITH source, target, r
ORDER BY source, target, r.key
LIMIT $batch_size
RETURN collect([source, target, r.key, [k IN $keys | CASE
         WHEN r[k] IS NULL THEN null
         WHEN r[k] IS :: ZONED DATETIME THEN {datetime: toString(r[k])}
         WHEN r[k] IS :: DATE THEN {date: toString(r[k])}
         ELSE r[k] END]]) AS page
