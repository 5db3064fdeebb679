// name: store_count_ids
// title: Count existing ids
// description: How many of the given (distinct) ids name an existing node; a cheap check before a large write.
// params: ids (list[str]) — distinct node ids
// returns: n — how many exist
// mode: read
UNWIND $ids AS id
MATCH (n:Entity {id: id})
RETURN count(n) AS n
