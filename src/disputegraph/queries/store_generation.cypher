// name: store_generation
// title: The store's generation
// description: A number that changes with every committed load or analysis; readers compare it to know their view is stale.
// params: none
// returns: generation
// mode: read
OPTIONAL MATCH (g:StoreGeneration {key: 'generation'})
RETURN coalesce(g.value, 0) AS generation
