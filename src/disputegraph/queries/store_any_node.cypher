// name: store_any_node
// title: Is the database empty
// description: Whether the database holds any node at all (entities, documents, the generation stamp); a bulk import only goes into an empty one.
// params: none
// returns: n — 0 or 1
// mode: read
MATCH (n)
WITH n LIMIT 1
RETURN count(n) AS n
