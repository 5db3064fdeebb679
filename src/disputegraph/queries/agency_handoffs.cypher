// name: agency_handoffs
// title: Hand-offs between agencies
// description: For each pair of agencies, how many times a dispute passed from one to the other (consecutive HANDLED_BY steps by seq, different agencies) and the median days between the two steps' starts (the time spent at the sending agency).
// params: since (date = none) — only hand-offs received on or after this date
// params: until (date = none) — only hand-offs received before this date
// returns: from_agency, from_name, to_agency, to_name, handoffs, median_days
// mode: read
MATCH (d:Dispute)-[h:HANDLED_BY]->(a:Agency)
WITH d, h, a
ORDER BY d.id, h.seq
WITH d, collect({agency: a.id, started: h.started_at}) AS steps
UNWIND range(0, size(steps) - 2) AS i
WITH steps[i] AS s1, steps[i + 1] AS s2
WHERE s1.agency <> s2.agency
  AND ($since IS NULL OR date(s2.started) >= $since)
  AND ($until IS NULL OR date(s2.started) < $until)
WITH s1.agency AS from_agency, s2.agency AS to_agency,
     duration.inSeconds(s1.started, s2.started).seconds / 86400.0 AS days
WITH from_agency, to_agency, count(*) AS handoffs, percentileCont(days, 0.5) AS median_days
MATCH (fa:Agency {id: from_agency}), (ta:Agency {id: to_agency})
RETURN from_agency, fa.name AS from_name, to_agency, ta.name AS to_name, handoffs, median_days
ORDER BY handoffs DESC, from_agency, to_agency
