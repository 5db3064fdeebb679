// name: party_disputes
// title: Disputes of a party or employer
// description: Every dispute a party or employer is party to, with its role, oldest first.
// params: party_id (str) — a party or employer id
// returns: dispute_id, title, role, category, status, reported_at
// mode: read
MATCH (s:Entity {id: $party_id})-[r:PARTY_TO]->(d:Dispute)
RETURN d.id AS dispute_id, d.title AS title, r.role AS role, d.category AS category,
       d.status AS status, d.reported_at AS reported_at
ORDER BY reported_at, dispute_id, role
