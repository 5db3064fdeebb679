// name: trace_disputes
// title: Disputes traced from an entity
// description: Disputes within a few hops of an entity through the stakeholder graph (parties, employers, properties, disputes; never agencies or reports), each with one shortest path — what the case tracer lists. Records of one resolved person or organisation count as one stakeholder: active SAME_AS steps (a record, its canonical entity, the entity's other records) cost no hop and appear in the path. A node with more than max_degree relationships is reached but not passed through (the source and its own records always are); from an agency or a report the first hop goes to its disputes.
// params: entity_id (str) — the entity to start from
// params: hops (int = 2) — most hops (1 to 8)
// params: max_degree (int = 200) — nodes with more relationships are not passed through
// returns: dispute_id, title, status, category, hops, path (ids), via (relationship types)
// mode: read
// A breadth-first walk, one hop per step of the reduce. Each entry of a frontier
// is [node, nodes on its path, relationship types on its path]; `seen` holds every
// node reached. Per hop: two identity rounds (the frontier's canonical entities,
// then their other records), then one step out through the stakeholder graph.
MATCH (s:Entity {id: $entity_id})
WITH s, reduce(st = {seen: [s], front: [[s, [s], []]], found: []}, hop IN range(1, $hops) |
  [i1 IN [reduce(acc = {ids: [], rows: []}, c IN reduce(l = [], e IN st.front | l + reduce(k = [], x IN [y IN [e[0]] WHERE hop = 1 OR COUNT { (y)--() } <= $max_degree] |
      k + [(x)-[r:SAME_AS]-(m) WHERE coalesce(r.active, true) AND NOT m IN st.seen | [m, e[1] + [m], e[2] + [type(r)]]])) |
    CASE WHEN c[0] IN acc.ids THEN acc ELSE {ids: acc.ids + [c[0]], rows: acc.rows + [c]} END)] |
  [i2 IN [reduce(acc = {ids: [], rows: []}, c IN reduce(l = [], e IN i1.rows | l + reduce(k = [], x IN [y IN [e[0]] WHERE hop = 1 OR COUNT { (y)--() } <= $max_degree] |
      k + [(x)-[r:SAME_AS]-(m) WHERE coalesce(r.active, true) AND NOT m IN st.seen + i1.ids | [m, e[1] + [m], e[2] + [type(r)]]])) |
    CASE WHEN c[0] IN acc.ids THEN acc ELSE {ids: acc.ids + [c[0]], rows: acc.rows + [c]} END)] |
  [seen IN [st.seen + i1.ids + i2.ids] |
  [nx IN [reduce(acc = {ids: [], rows: []}, c IN reduce(l = [], e IN st.front + i1.rows + i2.rows | l + reduce(k = [], x IN [y IN [e[0]] WHERE hop = 1 OR COUNT { (y)--() } <= $max_degree] |
      k + [(x)-[r:PARTY_TO|CONCERNS|EMPLOYED_BY|SUBCONTRACTOR_OF|PART_OF|RELATED_TO|RESIDES_AT|OWNS|RENTS|MANAGES|DEVELOPED|LEASES|HANDLED_BY|ABOUT]-(m)
             WHERE (hop = 1 OR NOT r:HANDLED_BY|ABOUT) AND NOT m IN seen | [m, e[1] + [m], e[2] + [type(r)]]])) |
    CASE WHEN c[0] IN acc.ids THEN acc ELSE {ids: acc.ids + [c[0]], rows: acc.rows + [c]} END)] |
  {seen: seen + nx.ids, front: nx.rows, found: st.found + [c IN nx.rows WHERE 'Dispute' IN labels(c[0]) | c + [hop]]}
  ][0]][0]][0]][0]) AS st
UNWIND st.found AS f
WITH f[0] AS d, f[1] AS nodes, f[2] AS via, f[3] AS hops
RETURN d.id AS dispute_id, d.title AS title, d.status AS status, d.category AS category,
       hops, [n IN nodes | n.id] AS path, via
ORDER BY hops, dispute_id
