// name: edges_among
// title: Network relationships among entities
// description: The relationships of the stakeholder network (no hand-offs, no reports) whose two ends are both among the given ids — the edges of a cluster's network view when given its disputes and members.
// params: ids (list[str]) — entity ids (a cluster's disputes and members)
// params: types (list[str] = PARTY_TO,CONCERNS,EMPLOYED_BY,SUBCONTRACTOR_OF,RESIDES_AT,OWNS,RENTS,MANAGES,DEVELOPED,LEASES,RELATED_TO,PART_OF) — relationship types to keep
// returns: source, type, target, source_label, target_label
// mode: read
UNWIND $ids AS id
MATCH (a:Entity {id: id})-[r]->(b:Entity)
WHERE b.id IN $ids AND type(r) IN $types
RETURN a.id AS source, type(r) AS type, b.id AS target, a.label AS source_label,
       b.label AS target_label
ORDER BY source, type, target
