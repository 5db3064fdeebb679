// name: store_schema_await_indexes
// title: Wait for indexes
// description: Blocks until every index is online (after creating them).
// params: timeout_s (int) — seconds to wait at most
// returns: nothing
// mode: schema
CALL db.awaitIndexes($timeout_s)
