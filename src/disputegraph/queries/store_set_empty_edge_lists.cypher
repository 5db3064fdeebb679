// name: store_set_empty_edge_lists
// title: Empty list properties of relationships after a bulk import
// description: neo4j-admin import cannot write an empty list; after a bulk import these relationship properties are set as the UNWIND upsert sets them.
// template: TYPE (RelType)
// params: rows (list[map]) — {source, target, key, keys} per relationship: the keys whose value is an empty list
// returns: written — rows written
// mode: write
UNWIND $rows AS row
MATCH (:Entity {id: row.source})-[r:<<TYPE>> {key: row.key}]->(:Entity {id: row.target})
FOREACH (k IN row.keys | SET r[k] = [])
RETURN count(*) AS written
