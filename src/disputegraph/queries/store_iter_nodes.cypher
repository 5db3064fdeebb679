// name: store_iter_nodes
// title: One page of nodes of a label
// description: Nodes of one label with ids after a given one, in id order (keyset pagination).
// template: LABEL (NodeLabel)
// params: after (str) — the last id of the previous page ('' for the first)
// params: batch_size (int) — page size
// returns: page — one row holding the page as a list of [id, props] (one message instead of one per node, much faster to receive); props as [key, value] pairs; temporal values as {datetime: text} or {date: text}, which the store parses faster than the driver
// mode: read
MATCH (n:<<LABEL>>)
WHERE n.id > $after
WITH n
ORDER BY n.id
LIMIT $batch_size
RETURN collect([n.id, [k IN keys(n) | [k, CASE
         WHEN n[k] IS :: ZONED DATETIME THEN {datetime: toString(n[k])}
         WHEN n[k] IS :: DATE THEN {date: toString(n[k])}
         ELSE n[k] END]]]) AS page
