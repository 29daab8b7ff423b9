-- Warden store schema, version 1: accounts, users, inline user policies, access keys,
-- wrapped data keys and the write generation counter.
-- Names are unique by their `*_key` column: the name folded to ASCII lower case in Rust.
-- Timestamps are INTEGER milliseconds since the Unix epoch.

CREATE TABLE store_meta (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    generation  INTEGER NOT NULL
) STRICT;
INSERT INTO store_meta (id, generation) VALUES (1, 0);

CREATE TABLE accounts (
    account_id   TEXT PRIMARY KEY,
    create_date  INTEGER NOT NULL
) STRICT;

CREATE TABLE users (
    account_id            TEXT NOT NULL REFERENCES accounts (account_id),
    name_key              TEXT NOT NULL,
    user_name             TEXT NOT NULL,
    user_id               TEXT NOT NULL UNIQUE,
    path                  TEXT NOT NULL,
    arn                   TEXT NOT NULL,
    create_date           INTEGER NOT NULL,
    permissions_boundary  TEXT,
    PRIMARY KEY (account_id, name_key)
) STRICT;

CREATE TABLE user_tags (
    account_id  TEXT NOT NULL,
    user_key    TEXT NOT NULL,
    position    INTEGER NOT NULL,
    tag_key     TEXT NOT NULL,
    tag_value   TEXT NOT NULL,
    PRIMARY KEY (account_id, user_key, position),
    FOREIGN KEY (account_id, user_key) REFERENCES users (account_id, name_key)
        ON DELETE CASCADE ON UPDATE CASCADE
) STRICT;

CREATE TABLE user_policies (
    account_id   TEXT NOT NULL,
    user_key     TEXT NOT NULL,
    policy_key   TEXT NOT NULL,
    policy_name  TEXT NOT NULL,
    document     TEXT NOT NULL,
    PRIMARY KEY (account_id, user_key, policy_key),
    FOREIGN KEY (account_id, user_key) REFERENCES users (account_id, name_key)
        ON UPDATE CASCADE
) STRICT;

CREATE TABLE access_keys (
    access_key_id  TEXT PRIMARY KEY,
    account_id     TEXT NOT NULL REFERENCES accounts (account_id),
    -- NULL for the account's root user.
    user_key       TEXT,
    secret_sealed  BLOB NOT NULL,
    status         TEXT NOT NULL CHECK (status IN ('Active', 'Inactive')),
    create_date    INTEGER NOT NULL,
    FOREIGN KEY (account_id, user_key) REFERENCES users (account_id, name_key)
        ON UPDATE CASCADE
) STRICT;
CREATE INDEX access_keys_by_owner ON access_keys (account_id, user_key);

CREATE TABLE wrapped_keys (
    name         TEXT PRIMARY KEY,
    wrapped      BLOB NOT NULL,
    create_date  INTEGER NOT NULL
) STRICT;
