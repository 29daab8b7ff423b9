-- Warden store schema, version 5: IAM groups, their members and their inline policies.
-- As in version 1, names are unique by their `*_key` column (ASCII lower case, folded in
-- Rust); renames follow through ON UPDATE CASCADE.

CREATE TABLE groups (
    account_id   TEXT NOT NULL REFERENCES accounts (account_id),
    name_key     TEXT NOT NULL,
    group_name   TEXT NOT NULL,
    group_id     TEXT NOT NULL UNIQUE,
    path         TEXT NOT NULL,
    arn          TEXT NOT NULL,
    create_date  INTEGER NOT NULL,
    PRIMARY KEY (account_id, name_key)
) STRICT;

CREATE TABLE group_members (
    account_id  TEXT NOT NULL,
    group_key   TEXT NOT NULL,
    user_key    TEXT NOT NULL,
    PRIMARY KEY (account_id, group_key, user_key),
    FOREIGN KEY (account_id, group_key) REFERENCES groups (account_id, name_key)
        ON UPDATE CASCADE,
    FOREIGN KEY (account_id, user_key) REFERENCES users (account_id, name_key)
        ON UPDATE CASCADE
) STRICT;
CREATE INDEX group_members_by_user ON group_members (account_id, user_key);

CREATE TABLE group_policies (
    account_id   TEXT NOT NULL,
    group_key    TEXT NOT NULL,
    policy_key   TEXT NOT NULL,
    policy_name  TEXT NOT NULL,
    document     TEXT NOT NULL,
    PRIMARY KEY (account_id, group_key, policy_key),
    FOREIGN KEY (account_id, group_key) REFERENCES groups (account_id, name_key)
        ON UPDATE CASCADE
) STRICT;
