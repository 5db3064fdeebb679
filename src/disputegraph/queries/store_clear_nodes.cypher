// name: store_clear_nodes
// title: Delete every node
// description: Deletes every node, entities and stored documents alike, in batches (run in auto-commit mode, after store_clear_relationships). Constraints and indexes stay.
// params: batch_size (int) — nodes deleted per inner transaction
// returns: nothing
// mode: write
MATCH (n)
CALL (n) {
  DETACH DELETE n
} IN TRANSACTIONS OF $batch_size ROWS
