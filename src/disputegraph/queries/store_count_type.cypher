// name: store_count_type
// title: Count relationships of one type
// description: Number of relationships of one type (answered from the count store).
// template: TYPE (RelType)
// params: none
// returns: n — the count
// mode: read
MATCH ()-[r:<<TYPE>>]->()
RETURN count(r) AS n
