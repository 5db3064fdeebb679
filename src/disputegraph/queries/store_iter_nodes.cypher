// name: store_iter_nodes
// title: One page of nodes of a label
// description: Nodes of one label with ids after a given one, in id order (keyset pagination).
// template: LABEL (NodeLabel)
// params: after (str) — the last id of the previous page ('' for the first)
// params: batch_size (int) — page size
// returns: id, props
// mode: read
MATCH (n:<<LABEL>>)
WHERE n.id > $after
RETURN n.id AS id, properties(n) AS props
ORDER BY n.id
LIMIT $batch_size
