// name: store_bump_generation
// title: Mark a new generation of the store
// description: Called when a load, a resolution or an analysis has committed, so that readers (the dashboard) see the change.
// params: value (int) — the new generation
// returns: nothing
// mode: write
MERGE (g:StoreGeneration {key: 'generation'})
SET g.value = $value
