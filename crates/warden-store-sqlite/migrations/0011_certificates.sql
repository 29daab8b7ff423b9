-- Warden store schema, version 11: users' SSH public keys and the signing certificates of
-- users and root users. As in version 9, dependent rows are keyed by the user's case-folded
-- name and follow renames through ON UPDATE CASCADE; a user with either cannot be deleted
-- (checked in Rust).

CREATE TABLE ssh_public_keys (
    ssh_public_key_id  TEXT PRIMARY KEY,
    account_id         TEXT NOT NULL,
    user_key           TEXT NOT NULL,
    fingerprint        TEXT NOT NULL,
    body_ssh           TEXT NOT NULL,
    body_pem           TEXT NOT NULL,
    status             TEXT NOT NULL CHECK (status IN ('Active', 'Inactive')),
    upload_date        INTEGER NOT NULL,
    UNIQUE (account_id, user_key, fingerprint),
    FOREIGN KEY (account_id, user_key) REFERENCES users (account_id, name_key)
        ON UPDATE CASCADE
) STRICT;

-- `user_key` is NULL for the account's root user.
CREATE TABLE signing_certificates (
    certificate_id    TEXT PRIMARY KEY,
    account_id        TEXT NOT NULL REFERENCES accounts (account_id),
    user_key          TEXT,
    certificate_body  TEXT NOT NULL,
    digest            TEXT NOT NULL,
    status            TEXT NOT NULL CHECK (status IN ('Active', 'Inactive')),
    upload_date       INTEGER NOT NULL,
    UNIQUE (account_id, digest),
    FOREIGN KEY (account_id, user_key) REFERENCES users (account_id, name_key)
        ON UPDATE CASCADE
) STRICT;
CREATE INDEX signing_certificates_by_owner ON signing_certificates (account_id, user_key);
