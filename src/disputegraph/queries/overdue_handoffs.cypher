// name: overdue_handoffs
// title: Overdue open steps
// description: Handling steps still open at a moment (started, not ended, not followed by a later step, dispute not closed) whose due_at has passed, most overdue first.
// params: as_of (datetime) — the moment to judge at (a date means its midnight, configured time zone)
// returns: dispute_id, seq, agency_id, agency_name, action, started_at, due_at, days_overdue
// mode: read
MATCH (d:Dispute)-[h:HANDLED_BY]->(a:Agency)
WHERE h.due_at IS NOT NULL AND h.due_at < $as_of AND h.started_at <= $as_of
  AND (h.ended_at IS NULL OR h.ended_at > $as_of)
  AND (d.closed_at IS NULL OR d.closed_at > $as_of)
  AND NOT EXISTS {
    MATCH (d)-[later:HANDLED_BY]->(:Agency)
    WHERE later.seq > h.seq AND later.started_at <= $as_of
  }
RETURN d.id AS dispute_id, h.seq AS seq, a.id AS agency_id, a.name AS agency_name,
       h.action AS action, h.started_at AS started_at, h.due_at AS due_at,
       duration.inSeconds(h.due_at, $as_of).seconds / 86400.0 AS days_overdue
ORDER BY days_overdue DESC, dispute_id, seq
