// name: store_clear_relationships
// title: Delete every relationship
// description: Deletes every relationship in batches (run in auto-commit mode), first step of clearing the store: deleting relationships on their own keeps each inner transaction small even around hubs, where DETACH DELETE of a node with many relationships can exceed the transaction memory limit.
// params: batch_size (int) — relationships deleted per inner transaction
// returns: nothing
// mode: write
MATCH ()-[r]->()
CALL (r) {
  DELETE r
} IN TRANSACTIONS OF $batch_size ROWS
