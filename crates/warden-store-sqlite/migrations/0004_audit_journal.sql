-- Warden store schema, version 4: the audit journal (hash-chained segment files in the
-- audit directory) becomes the record of truth. The tables below are only its index for
-- LookupEvents and chain-order reads: each row points at its record's frame
-- (`segment` = the segment's first sequence, `frame_offset` = the frame's byte offset).
-- The index is filled in the background and rebuilt from the journal after
-- `indexed_through` whenever the log opens, so it is never fsynced on its own.
--
-- Version-2 audit tables are kept as audit_v2_* until the audit log copies their records
-- into the journal (on its first open), then dropped.

DROP INDEX audit_events_by_time;
DROP INDEX audit_events_by_event_id;
DROP INDEX audit_events_by_event_name;
DROP INDEX audit_events_by_username;
DROP INDEX audit_events_by_access_key;
DROP INDEX audit_resources_by_name;
DROP INDEX audit_resources_by_type;
ALTER TABLE audit_events RENAME TO audit_v2_events;
ALTER TABLE audit_resources RENAME TO audit_v2_resources;
ALTER TABLE audit_anchor RENAME TO audit_v2_anchor;

-- Where each record's frame is, by sequence (chain-order reads, pruning).
CREATE TABLE audit_index_records (
    sequence       INTEGER PRIMARY KEY,
    account_id     TEXT NOT NULL,
    event_time     INTEGER NOT NULL,
    segment        INTEGER NOT NULL,
    frame_offset   INTEGER NOT NULL
) STRICT;

-- LookupEvents: one account's records newest first. The attributes LookupEvents filters
-- on ride along, so a filtered lookup scans this one B-tree back in time without touching
-- another. There is deliberately no index per attribute: records arrive in time order, so
-- this tree (like the two others) grows at its end, while per-attribute indexes (event
-- IDs are random) cost random page writes on every record and about tripled the cost of
-- indexing; a lookup by a rare attribute scans instead.
CREATE TABLE audit_index_lookup (
    account_id     TEXT NOT NULL,
    event_time     INTEGER NOT NULL,
    sequence       INTEGER NOT NULL,
    event_id       TEXT NOT NULL,
    event_name     TEXT NOT NULL,
    event_source   TEXT NOT NULL,
    read_only      INTEGER NOT NULL CHECK (read_only IN (0, 1)),
    username       TEXT,
    access_key_id  TEXT,
    PRIMARY KEY (account_id, event_time, sequence)
) STRICT, WITHOUT ROWID;

-- The resources of each record (for the ResourceType and ResourceName filters).
CREATE TABLE audit_index_resources (
    sequence       INTEGER NOT NULL,
    ordinal        INTEGER NOT NULL,
    resource_type  TEXT NOT NULL,
    resource_name  TEXT NOT NULL,
    PRIMARY KEY (sequence, ordinal)
) STRICT, WITHOUT ROWID;

-- How far the index is: every record with a sequence up to this one is indexed.
CREATE TABLE audit_index_state (
    id               INTEGER PRIMARY KEY CHECK (id = 1),
    indexed_through  INTEGER NOT NULL
) STRICT;
INSERT INTO audit_index_state (id, indexed_through) VALUES (1, 0);
