// name: shortest_path
// title: Shortest path between two entities
// description: One shortest path between two entities, ignoring direction; by default it does not pass through agencies.
// params: source_id (str) — the first entity
// params: target_id (str) — the second entity
// params: max_hops (int = 8) — longest path considered (at most 12)
// params: through_agencies (bool = false) — allow the path to pass through agencies
// returns: hops, path (ids), labels, types (relationship types)
// mode: read
MATCH (a:Entity {id: $source_id}), (b:Entity {id: $target_id})
MATCH p = ANY SHORTEST (a) (()-[]-(x WHERE $through_agencies OR NOT x:Agency OR x.id = $target_id)){1,12} (b)
WHERE length(p) <= $max_hops
RETURN length(p) AS hops, [n IN nodes(p) | n.id] AS path, [n IN nodes(p) | n.label] AS labels,
       [r IN relationships(p) | type(r)] AS types
