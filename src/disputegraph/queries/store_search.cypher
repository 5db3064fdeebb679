// name: store_search
// title: Search entities by name or id
// description: Entities whose normalised name contains the normalised text, or whose id equals the text; exact id first, then shorter names, then by id.
// params: id (str) — the text as typed (trimmed), matched against ids
// params: needle (str) — the normalised text, matched inside name_norm
// params: labels (list[str] = none) — node labels to keep; none keeps all
// params: limit (int = 50) — most rows returned
// returns: id, label, props (props as [key, value] pairs; temporal values as {datetime: text} or {date: text}, which the store parses faster than the driver
// mode: read
CALL () {
  MATCH (n:Entity {id: $id})
  RETURN n
  UNION
  MATCH (n:Entity)
  WHERE n.name_norm CONTAINS $needle
  RETURN n
}
WITH n
WHERE $labels IS NULL OR n.label IN $labels
RETURN n.id AS id, n.label AS label, [k IN keys(n) | [k, CASE
         WHEN n[k] IS :: ZONED DATETIME THEN {datetime: toString(n[k])}
         WHEN n[k] IS :: DATE THEN {date: toString(n[k])}
         ELSE n[k] END]] AS props
ORDER BY CASE WHEN n.id = $id THEN 0 ELSE 1 END, size(coalesce(n.name_norm, '')), n.id
LIMIT $limit
