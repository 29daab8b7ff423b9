-- Warden store schema, version 12: the last attempt of each IAM user and role to call each
-- action (IAM's service and action last accessed reports). Keyed by the principal's unique
-- id, which is never reused; rows of deleted principals are simply never asked for.

CREATE TABLE service_accesses (
    principal_id  TEXT NOT NULL,
    service       TEXT NOT NULL,
    action        TEXT NOT NULL,
    account_id    TEXT NOT NULL,
    accessed_at   INTEGER NOT NULL,
    region        TEXT NOT NULL,
    PRIMARY KEY (principal_id, service, action)
) STRICT, WITHOUT ROWID;
