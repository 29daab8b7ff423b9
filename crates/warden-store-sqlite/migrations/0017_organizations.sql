-- AWS Organizations: organizations, their trees (root, OUs, member accounts), policies,
-- attachments, enabled policy types, tags and CreateAccount requests.

CREATE TABLE organizations (
    org_id TEXT PRIMARY KEY,
    management_account_id TEXT NOT NULL UNIQUE REFERENCES accounts (account_id),
    feature_set TEXT NOT NULL,
    create_date INTEGER NOT NULL
) STRICT;

-- One tree per organization; an account is in at most one organization (node ids are
-- unique across organizations).
CREATE TABLE org_nodes (
    node_id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES organizations (org_id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    parent_id TEXT,
    name TEXT NOT NULL,
    email TEXT UNIQUE,
    status TEXT,
    joined_method TEXT,
    create_date INTEGER NOT NULL
) STRICT;

CREATE INDEX org_nodes_by_org ON org_nodes (org_id, node_id);

CREATE TABLE org_policies (
    policy_id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES organizations (org_id) ON DELETE CASCADE,
    policy_type TEXT NOT NULL,
    name TEXT NOT NULL,
    description TEXT NOT NULL,
    content TEXT NOT NULL,
    UNIQUE (org_id, policy_type, name)
) STRICT;

CREATE TABLE org_policy_attachments (
    org_id TEXT NOT NULL REFERENCES organizations (org_id) ON DELETE CASCADE,
    policy_id TEXT NOT NULL,
    target_id TEXT NOT NULL,
    PRIMARY KEY (org_id, policy_id, target_id)
) STRICT;

CREATE TABLE org_policy_types (
    org_id TEXT NOT NULL REFERENCES organizations (org_id) ON DELETE CASCADE,
    policy_type TEXT NOT NULL,
    PRIMARY KEY (org_id, policy_type)
) STRICT;

CREATE TABLE org_tags (
    org_id TEXT NOT NULL REFERENCES organizations (org_id) ON DELETE CASCADE,
    resource_id TEXT NOT NULL,
    tag_key TEXT NOT NULL,
    tag_value TEXT NOT NULL,
    PRIMARY KEY (org_id, resource_id, tag_key)
) STRICT;

CREATE TABLE org_create_account_statuses (
    request_id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES organizations (org_id) ON DELETE CASCADE,
    account_name TEXT NOT NULL,
    state TEXT NOT NULL,
    requested INTEGER NOT NULL,
    completed INTEGER,
    account_id TEXT,
    failure_reason TEXT
) STRICT;
