-- The nodes of a deployment, each with the schema version it runs and a heartbeat, so a node
-- of another version, or a restore onto a running deployment, is refused with a clear message,
-- and each node knows how many share the public rate limits.
CREATE TABLE sems_nodes (
    node_id TEXT PRIMARY KEY,
    host TEXT NOT NULL,
    pid BIGINT NOT NULL,
    schema_version BIGINT NOT NULL,
    started_at_ms BIGINT NOT NULL,
    heartbeat_ms BIGINT NOT NULL
);

-- Failed sign-ins counted per user name and client: the client is a keyed hash of its
-- address (never the address), '' for the count over every client; the user name is '' for
-- the count of one client over every name.
DROP TABLE sign_in_throttle;
CREATE TABLE sign_in_failures (
    username TEXT NOT NULL,
    client TEXT NOT NULL,
    failures BIGINT NOT NULL,
    first_failure_ms BIGINT NOT NULL,
    locked_until_ms BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (username, client)
);
CREATE INDEX sign_in_failures_client ON sign_in_failures (client);
CREATE INDEX sign_in_failures_first ON sign_in_failures (first_failure_ms);

-- The files rows name, found by checksum when unnamed files are swept after a crash.
CREATE INDEX report_attachments_sha256 ON report_attachments (sha256);
CREATE INDEX item_evidence_sha256 ON item_evidence (sha256);
