// name: store_iter_node_values_since
// title: One page of some properties of the nodes of a label, from a value on
// description: As store_iter_node_values, of the nodes whose property `key` is at least `since` only (the disputes reported since a window's start: the others never leave the database).
// template: LABEL (NodeLabel)
// params: after (str) — the last id of the previous page ('' for the first)
// params: keys (list[str]) — the property names, in the order wanted
// params: batch_size (int) — page size
// params: key (str) — the property compared
// params: since (datetime) — its lowest value wanted (compared as an instant; the store passes a value of any property type)
// returns: page — one row holding the page as a list of [id, [value of each key, null where absent]]; temporal values as {datetime: text} or {date: text}
// mode: read
MATCH (n:<<LABEL>>)
WHERE n.id > $after AND n[$key] >= $since
WITH n
ORDER BY n.id
LIMIT $batch_size
RETURN collect([n.id, [k IN $keys | CASE
         WHEN n[k] IS NULL THEN null
         WHEN n[k] IS :: ZONED DATETIME THEN {datetime: toString(n[k])}
         WHEN n[k] IS :: DATE THEN {date: toString(n[k])}
         ELSE n[k] END]]) AS page
