// name: store_set_empty_lists
// title: Empty list properties after a bulk import
// description: neo4j-admin import cannot write an empty list (an empty field is no property); after a bulk import these properties are set as the UNWIND upsert sets them.
// params: rows (list[map]) — {id, keys} per node: the keys whose value is an empty list
// returns: written — rows written
// mode: write
UNWIND $rows AS row
MATCH (n:Entity {id: row.id})
FOREACH (k IN row.keys | SET n[k] = [])
RETURN count(*) AS written
