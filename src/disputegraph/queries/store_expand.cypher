// name: store_expand
// title: Expand a frontier
// description: For each given node, its degree (relationships) and, when the degree is at most max_degree, the ids of its neighbours (one breadth-first step).
// params: ids (list[str]) — the frontier
// params: max_degree (int) — nodes with more relationships are not expanded
// returns: id, degree, neighbours
// mode: read
UNWIND $ids AS id
MATCH (n:Entity {id: id})
WITH n, COUNT { (n)--() } AS degree
RETURN n.id AS id, degree,
       CASE WHEN degree > $max_degree THEN [] ELSE [(n)--(m) | m.id] END AS neighbours
