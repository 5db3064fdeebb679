// name: repeat_petitioners
// title: Repeat petitioners
// description: Parties who filed at least a number of reports through petition channels, with the disputes those reports are about. Names are left out (personal data): join on party_id where the role allows.
// params: min_reports (int = 3) — fewest petition reports
// params: channels (list[str] = petition_letter,petition_visit,petition_online) — channel codes that count as petitions
// returns: party_id, kind, reports, disputes, dispute_ids, first_at, last_at
// mode: read
MATCH (p:Party)<-[:FILED_BY]-(r:Report)
WHERE r.channel IN $channels
OPTIONAL MATCH (r)-[:ABOUT]->(d:Dispute)
WITH p, count(DISTINCT r) AS reports, collect(DISTINCT d.id) AS dispute_ids,
     min(r.received_at) AS first_at, max(r.received_at) AS last_at
WHERE reports >= $min_reports
RETURN p.id AS party_id, p.kind AS kind, reports, size(dispute_ids) AS disputes, dispute_ids,
       first_at, last_at
ORDER BY reports DESC, party_id
