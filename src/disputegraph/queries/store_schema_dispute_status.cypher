// name: store_schema_dispute_status
// title: Dispute status index
// description: Range index for status filters on disputes (open disputes).
// params: none
// returns: nothing
// mode: schema
CREATE INDEX dispute_status IF NOT EXISTS FOR (n:Dispute) ON (n.status)
