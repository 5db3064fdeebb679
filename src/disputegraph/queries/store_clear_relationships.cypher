// name: store_clear
// title: Delete everything
// description: Deletes every node, relationship and stored document, in batches (run in auto-commit mode). Constraints and indexes stay.
// params: batch_size (int) — nodes deleted per inner transaction
// returns: nothing
// mode: write
MATCH (n)
CALL (n) {
  DETACH DELETE n
} IN TRANSACTIONS OF $batch_size ROWS
