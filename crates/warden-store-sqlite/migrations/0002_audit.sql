-- Warden store schema, version 2: the audit log (one hash-chained CloudTrail record per
-- API call) and the anchor the chain restarts from after pruning.
-- `sequence` is the chain position (consecutive from 1, assigned in commit order);
-- `hash` = SHA-256 chain link over (sequence, prev_hash, body), see warden_audit::chain.
-- Timestamps are INTEGER milliseconds since the Unix epoch.

CREATE TABLE audit_events (
    sequence       INTEGER PRIMARY KEY,
    prev_hash      BLOB NOT NULL CHECK (length(prev_hash) = 32),
    hash           BLOB NOT NULL CHECK (length(hash) = 32),
    account_id     TEXT NOT NULL,
    event_time     INTEGER NOT NULL,
    event_id       TEXT NOT NULL,
    event_name     TEXT NOT NULL,
    event_source   TEXT NOT NULL,
    read_only      INTEGER NOT NULL CHECK (read_only IN (0, 1)),
    username       TEXT,
    access_key_id  TEXT,
    body           BLOB NOT NULL
) STRICT;

-- LookupEvents: one account's records newest first, optionally by one attribute.
CREATE INDEX audit_events_by_time ON audit_events (account_id, event_time, sequence);
CREATE INDEX audit_events_by_event_id ON audit_events (event_id);
CREATE INDEX audit_events_by_event_name ON audit_events (account_id, event_name, event_time);
CREATE INDEX audit_events_by_username ON audit_events (account_id, username, event_time);
CREATE INDEX audit_events_by_access_key ON audit_events (access_key_id, event_time);

-- The resources of each record (pruned with it; no foreign key, to keep appends cheap).
CREATE TABLE audit_resources (
    sequence       INTEGER NOT NULL,
    ordinal        INTEGER NOT NULL,
    resource_type  TEXT NOT NULL,
    resource_name  TEXT NOT NULL,
    PRIMARY KEY (sequence, ordinal)
) STRICT, WITHOUT ROWID;
CREATE INDEX audit_resources_by_name ON audit_resources (resource_name, sequence);
CREATE INDEX audit_resources_by_type ON audit_resources (resource_type, sequence);

-- Where the stored chain starts: the last pruned record (sequence 0, zero hash: genesis).
CREATE TABLE audit_anchor (
    id        INTEGER PRIMARY KEY CHECK (id = 1),
    sequence  INTEGER NOT NULL,
    hash      BLOB NOT NULL CHECK (length(hash) = 32)
) STRICT;
INSERT INTO audit_anchor (id, sequence, hash) VALUES (1, 0, zeroblob(32));
