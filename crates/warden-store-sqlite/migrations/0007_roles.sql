-- Warden store schema, version 7: IAM roles with their tags, inline policies and
-- managed-policy attachments. As in version 1, names are unique by their `*_key` column
-- (ASCII lower case, folded in Rust); dependent rows are keyed by the role's case-folded
-- name.

CREATE TABLE roles (
    account_id                   TEXT NOT NULL REFERENCES accounts (account_id),
    name_key                     TEXT NOT NULL,
    role_name                    TEXT NOT NULL,
    role_id                      TEXT NOT NULL UNIQUE,
    path                         TEXT NOT NULL,
    arn                          TEXT NOT NULL,
    create_date                  INTEGER NOT NULL,
    assume_role_policy_document  TEXT NOT NULL,
    description                  TEXT,
    max_session_duration         INTEGER NOT NULL,
    permissions_boundary         TEXT,
    -- When and where the role was last used: both or neither.
    last_used_date               INTEGER,
    last_used_region             TEXT,
    PRIMARY KEY (account_id, name_key),
    CHECK ((last_used_date IS NULL) = (last_used_region IS NULL))
) STRICT;

CREATE TABLE role_tags (
    account_id  TEXT NOT NULL,
    role_key    TEXT NOT NULL,
    position    INTEGER NOT NULL,
    tag_key     TEXT NOT NULL,
    tag_value   TEXT NOT NULL,
    PRIMARY KEY (account_id, role_key, position),
    FOREIGN KEY (account_id, role_key) REFERENCES roles (account_id, name_key)
        ON DELETE CASCADE ON UPDATE CASCADE
) STRICT;

CREATE TABLE role_policies (
    account_id   TEXT NOT NULL,
    role_key     TEXT NOT NULL,
    policy_key   TEXT NOT NULL,
    policy_name  TEXT NOT NULL,
    document     TEXT NOT NULL,
    PRIMARY KEY (account_id, role_key, policy_key),
    FOREIGN KEY (account_id, role_key) REFERENCES roles (account_id, name_key)
        ON UPDATE CASCADE
) STRICT;

-- As for users and groups, the policy ARN has no foreign key (AWS managed policies are
-- attached but not stored); `position` orders a role's attachments as they were made.
CREATE TABLE role_attachments (
    account_id  TEXT NOT NULL,
    role_key    TEXT NOT NULL,
    policy_arn  TEXT NOT NULL,
    position    INTEGER NOT NULL,
    PRIMARY KEY (account_id, role_key, policy_arn),
    FOREIGN KEY (account_id, role_key) REFERENCES roles (account_id, name_key)
        ON UPDATE CASCADE
) STRICT;
CREATE INDEX role_attachments_by_policy ON role_attachments (policy_arn, account_id);

-- Finding the roles whose permissions boundary a policy is (boundary usage, deletion).
CREATE INDEX roles_by_boundary ON roles (permissions_boundary, account_id)
    WHERE permissions_boundary IS NOT NULL;
