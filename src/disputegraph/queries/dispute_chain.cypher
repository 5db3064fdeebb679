// name: dispute_chain
// title: Responsibility chain of a dispute
// description: The handling steps of one dispute in order (HANDLED_BY by seq): which agency, what action, when, until when, by when, in which role and with what outcome.
// params: dispute_id (str) — the dispute
// returns: seq, agency_id, agency_name, agency_kind, agency_level, action, role, outcome, started_at, ended_at, due_at
// mode: read
MATCH (d:Dispute {id: $dispute_id})-[h:HANDLED_BY]->(a:Agency)
RETURN h.seq AS seq, a.id AS agency_id, a.name AS agency_name, a.kind AS agency_kind,
       a.level AS agency_level, h.action AS action, h.role AS role, h.outcome AS outcome,
       h.started_at AS started_at, h.ended_at AS ended_at, h.due_at AS due_at
ORDER BY seq
