// name: store_latest_value
// title: The greatest value of a property over one label
// description: The greatest value of one property over the nodes of one label that have it (null when none has): the latest report date, in one aggregate instead of reading every date.
// template: LABEL (NodeLabel)
// params: key (str) — the property name
// returns: value — the greatest value; a temporal value as {datetime: text} or {date: text}
// mode: read
MATCH (n:<<LABEL>>)
WHERE n[$key] IS NOT NULL
WITH max(n[$key]) AS v
RETURN CASE
         WHEN v IS NULL THEN null
         WHEN v IS :: ZONED DATETIME THEN {datetime: toString(v)}
         WHEN v IS :: DATE THEN {date: toString(v)}
         ELSE v END AS value
