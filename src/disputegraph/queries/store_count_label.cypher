// name: store_count_label
// title: Count nodes of one label
// description: Number of nodes with one label (answered from the count store).
// template: LABEL (NodeLabel)
// params: none
// returns: n — the count
// mode: read
MATCH (n:<<LABEL>>)
RETURN count(n) AS n
