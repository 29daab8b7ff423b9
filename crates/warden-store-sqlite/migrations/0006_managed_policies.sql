-- Warden store schema, version 6: customer managed policies with their versions and tags,
-- and the attachments of managed policies (customer or AWS managed) to users and groups.
-- Policies are looked up by ARN and never renamed; attachments are keyed by the entity's
-- case-folded name and follow its renames through ON UPDATE CASCADE.

CREATE TABLE managed_policies (
    account_id       TEXT NOT NULL REFERENCES accounts (account_id),
    name_key         TEXT NOT NULL,
    policy_name      TEXT NOT NULL,
    policy_id        TEXT NOT NULL UNIQUE,
    path             TEXT NOT NULL,
    arn              TEXT NOT NULL UNIQUE,
    description      TEXT,
    default_version  INTEGER NOT NULL,
    -- The highest version number the policy ever had: numbers are never reused.
    last_version     INTEGER NOT NULL,
    create_date      INTEGER NOT NULL,
    update_date      INTEGER NOT NULL,
    PRIMARY KEY (account_id, name_key)
) STRICT;

CREATE TABLE policy_versions (
    policy_arn   TEXT NOT NULL REFERENCES managed_policies (arn) ON DELETE CASCADE,
    version      INTEGER NOT NULL,
    document     TEXT NOT NULL,
    create_date  INTEGER NOT NULL,
    PRIMARY KEY (policy_arn, version)
) STRICT;

CREATE TABLE managed_policy_tags (
    policy_arn  TEXT NOT NULL REFERENCES managed_policies (arn) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    tag_key     TEXT NOT NULL,
    tag_value   TEXT NOT NULL,
    PRIMARY KEY (policy_arn, position)
) STRICT;

-- The policy ARN has no foreign key: AWS managed policies are attached but not stored.
-- `position` orders an entity's attachments as they were made.
CREATE TABLE user_attachments (
    account_id  TEXT NOT NULL,
    user_key    TEXT NOT NULL,
    policy_arn  TEXT NOT NULL,
    position    INTEGER NOT NULL,
    PRIMARY KEY (account_id, user_key, policy_arn),
    FOREIGN KEY (account_id, user_key) REFERENCES users (account_id, name_key)
        ON UPDATE CASCADE
) STRICT;
CREATE INDEX user_attachments_by_policy ON user_attachments (policy_arn, account_id);

CREATE TABLE group_attachments (
    account_id  TEXT NOT NULL,
    group_key   TEXT NOT NULL,
    policy_arn  TEXT NOT NULL,
    position    INTEGER NOT NULL,
    PRIMARY KEY (account_id, group_key, policy_arn),
    FOREIGN KEY (account_id, group_key) REFERENCES groups (account_id, name_key)
        ON UPDATE CASCADE
) STRICT;
CREATE INDEX group_attachments_by_policy ON group_attachments (policy_arn, account_id);

-- Finding the users whose permissions boundary a policy is (boundary usage, deletion).
CREATE INDEX users_by_boundary ON users (permissions_boundary, account_id)
    WHERE permissions_boundary IS NOT NULL;
