// name: store_schema_dispute_reported_at
// title: Dispute report-time index
// description: Range index for time-window filters on disputes.
// params: none
// returns: nothing
// mode: schema
CREATE INDEX dispute_reported_at IF NOT EXISTS FOR (n:Dispute) ON (n.reported_at)
