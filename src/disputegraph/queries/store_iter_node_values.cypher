// name: store_iter_node_values
// title: One page of some properties of the nodes of a label
// description: Ids and the values of the given properties of nodes of one label with ids after a given one, in id order (keyset pagination); what the projection reads, without the other properties; with `key`, only the nodes whose `key` is at least `since` (the disputes reported since a window's start: the others never leave the database).
// template: LABEL (NodeLabel)
// params: after (str) — the last id of the previous page ('' for the first)
// params: keys (list[str]) — the property names, in the order wanted
// params: batch_size (int) — page size
// params: key (str) — a property to filter on, or null for every node
// params: since (datetime) — with `key`, only the nodes whose `key` is at least this (compared as an instant; the store passes a value of any property type)
// returns: page — one row holding the page as a list of [id, [value of each key, null where absent]] (an absent property is null, which `IS ::` of any type would accept); temporal values as {datetime: text} or {date: text}, which the store parses faster than the driver
// mode: read
MATCH (n:<<LABEL>>)
WHERE n.id > $after AND ($key IS NULL OR n[$key] >= $since)
WITH n
ORDER BY n.id
LIMIT $batch_size
RETURN collect([n.id, [k IN $keys | CASE
         WHEN n[k] IS NULL THEN null
         WHEN n[k] IS :: ZONED DATETIME THEN {datetime: toString(n[k])}
         WHEN n[k] IS :: DATE THEN {date: toString(n[k])}
         ELSE n[k] END]]) AS page
