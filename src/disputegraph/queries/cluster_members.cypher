// name: cluster_members
// title: Stored analysis containing a cluster
// description: Analyses are persisted only as JSON documents, not as properties on nodes, and Cypher cannot parse JSON without plugins. An analysis (key '<as_of>:<window_days>'; the pointer kind analysis_latest holds the latest key) keeps its ranked clusters in chunks of 1,000 (kind analysis_part, key '<key>/clusters/<n>'); an analysis stored whole by an older version is one document of kind analysis. This query returns the documents whose text mentions the cluster id, newest analysis first, each with a clusters list. Parse the json column (json.loads) and pick the cluster by id for its disputes, members, score and reasons.
// params: cluster_id (str) — the cluster id ('C-' + 10 hex)
// params: key (str = none) — one analysis key ('2026-01-31:180'); none searches every stored analysis
// returns: key (the analysis key), json (a document with a clusters list)
// mode: read
MATCH (doc:Document)
WHERE (doc.kind = 'analysis_part' AND doc.key CONTAINS '/clusters/' OR doc.kind = 'analysis')
  AND ($key IS NULL OR doc.key = $key OR doc.key STARTS WITH $key + '/')
  AND doc.json CONTAINS $cluster_id
RETURN split(doc.key, '/')[0] AS key, doc.json AS json
ORDER BY key DESC
