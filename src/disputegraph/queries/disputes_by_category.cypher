// name: disputes_by_category
// title: Disputes by category in a window
// description: Disputes reported in [since, until) per category: how many, how many still open, people involved (summed headcount) and money at stake.
// params: since (datetime) — window start, inclusive (a date means its midnight, configured time zone)
// params: until (datetime) — window end, exclusive
// params: open_statuses (list[str] = reported,accepted,in_mediation,failed,rebounded,litigated) — status codes counted as open
// returns: category, disputes, open, people, amount_yuan
// mode: read
MATCH (d:Dispute)
WHERE d.reported_at >= $since AND d.reported_at < $until
RETURN d.category AS category, count(*) AS disputes,
       count(CASE WHEN d.status IN $open_statuses THEN 1 END) AS open,
       sum(d.headcount) AS people, sum(coalesce(d.amount_yuan, 0.0)) AS amount_yuan
ORDER BY disputes DESC, category
