// name: dashboard_disputes
// title: Disputes of a dashboard view
// description: The disputes the dashboard's overview counts for its filters: reported before the end of the as-of day and either reported in the window or still open, optionally of one district, one category (or city category with the ones below it) and some statuses. The KPIs and the charts of the overview are counts over these rows.
// params: since (datetime) — window start, inclusive (the day after as_of minus the window, at midnight)
// params: until (datetime) — window end, exclusive (the day after as_of, at midnight)
// params: district (str = none) — only this district
// params: category (str = none) — only this category code
// params: source_categories (list[str] = none) — only disputes whose city category (the taxonomy's code) is one of these: a city category and the ones below it
// params: statuses (list[str] = none) — only these status codes; none keeps all
// params: open_statuses (list[str] = reported,accepted,in_mediation,failed,rebounded,litigated) — status codes counted as open
// returns: dispute_id, title, category, status, open, channel, district, reported_at, headcount, amount_yuan
// mode: read
MATCH (d:Dispute)
WHERE d.reported_at < $until
  AND (d.reported_at >= $since OR d.status IN $open_statuses)
  AND ($district IS NULL OR d.district = $district)
  AND ($category IS NULL OR d.category = $category)
  AND ($source_categories IS NULL OR d.source_category IN $source_categories)
  AND ($statuses IS NULL OR d.status IN $statuses)
RETURN d.id AS dispute_id, d.title AS title, d.category AS category, d.status AS status,
       d.status IN $open_statuses AS open, d.channel AS channel, d.district AS district,
       d.reported_at AS reported_at, coalesce(d.headcount, 1) AS headcount,
       coalesce(d.amount_yuan, 0.0) AS amount_yuan
ORDER BY reported_at, dispute_id
