// name: agency_handoffs_window
// title: Hand-offs between agencies in an analysis window
// description: The agency-to-agency hand-offs the analysis counts for a window: over the disputes reported in (as_of − window_days, as_of], their handling steps started on or before as_of in seq order, every change of agency is one hand-off; returned counts the hand-offs whose sending step was a return (退回). The agencies page's hand-off flows are these rows.
// params: as_of (date) — the analysis date
// params: window_days (int = 180) — the analysis window in days
// returns: from_agency, from_name, to_agency, to_name, handoffs, returned
// mode: read
MATCH (d:Dispute)
WHERE date(d.reported_at) > $as_of - duration({days: $window_days}) AND date(d.reported_at) <= $as_of
MATCH (d)-[h:HANDLED_BY]->(a:Agency)
WHERE date(h.started_at) <= $as_of
WITH d, h, a
ORDER BY d.id, h.seq
WITH d, collect({agency: a.id, action: h.action}) AS steps
UNWIND range(0, size(steps) - 2) AS i
WITH steps[i] AS s1, steps[i + 1] AS s2
WHERE s1.agency <> s2.agency
WITH s1.agency AS from_agency, s2.agency AS to_agency, count(*) AS handoffs,
     count(CASE WHEN s1.action = 'returned' THEN 1 END) AS returned
MATCH (fa:Agency {id: from_agency}), (ta:Agency {id: to_agency})
RETURN from_agency, fa.name AS from_name, to_agency, ta.name AS to_name, handoffs, returned
ORDER BY handoffs DESC, from_agency, to_agency
