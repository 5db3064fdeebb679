// name: open_disputes_by_district
// title: Open disputes by district
// description: Disputes whose status is open, per district ('' when unknown), with people involved and the oldest report time.
// params: statuses (list[str] = reported,accepted,in_mediation,failed,rebounded,litigated) — status codes counted as open
// returns: district, open_disputes, people, oldest_reported_at
// mode: read
MATCH (d:Dispute)
WHERE d.status IN $statuses
RETURN coalesce(d.district, '') AS district, count(*) AS open_disputes,
       sum(d.headcount) AS people, min(d.reported_at) AS oldest_reported_at
ORDER BY open_disputes DESC, district
