// name: cluster_members
// title: Stored analysis containing a cluster
// description: Analyses are persisted only as JSON documents (kind analysis, key '<as_of>:<window_days>'; the pointer kind analysis_latest holds the latest key), not as properties on nodes, and Cypher cannot parse JSON without plugins: this query returns the stored analyses whose text mentions the cluster id, newest key first. Parse the json column (json.loads) and pick the cluster by id for its disputes, members, score and reasons.
// params: cluster_id (str) — the cluster id ('C-' + 10 hex)
// params: key (str = none) — one analysis key ('2026-01-31:180'); none searches every stored analysis
// params: kind (str = analysis) — the document kind analyses are stored under
// returns: key, json (the whole analysis document)
// mode: read
MATCH (doc:Document {kind: $kind})
WHERE ($key IS NULL OR doc.key = $key) AND doc.json CONTAINS $cluster_id
RETURN doc.key AS key, doc.json AS json
ORDER BY key DESC
