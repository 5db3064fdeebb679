// name: store_find_by_hash
// title: Parties by id-number or phone hash
// description: Parties whose id-number hash or phone hash equals the digest, by id.
// params: digest (str) — the keyed hash (hex)
// params: limit (int = 50) — most rows returned
// returns: id, label, props (props as [key, value] pairs; temporal values as {datetime: text} or {date: text}, which the store parses faster than the driver
// mode: read
CALL () {
  MATCH (n:Party {id_number_hash: $digest})
  RETURN n
  UNION
  MATCH (n:Party {phone_hash: $digest})
  RETURN n
}
RETURN n.id AS id, n.label AS label, [k IN keys(n) | [k, CASE
         WHEN n[k] IS :: ZONED DATETIME THEN {datetime: toString(n[k])}
         WHEN n[k] IS :: DATE THEN {date: toString(n[k])}
         ELSE n[k] END]] AS props
ORDER BY n.id
LIMIT $limit
