-- KMS keys (material versions sealed under the data key, never in clear), their tags,
-- aliases and grants.

CREATE TABLE kms_keys (
    key_id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts (account_id),
    region TEXT NOT NULL,
    arn TEXT NOT NULL,
    description TEXT NOT NULL,
    key_spec TEXT NOT NULL,
    key_usage TEXT NOT NULL,
    origin TEXT NOT NULL,
    state TEXT NOT NULL,
    created INTEGER NOT NULL,
    deletion_date INTEGER,
    pending_window_days INTEGER,
    policy TEXT NOT NULL,
    rotation_period_days INTEGER,
    next_rotation INTEGER
) STRICT;

CREATE INDEX kms_keys_by_account ON kms_keys (account_id, region, key_id);

CREATE TABLE kms_key_materials (
    key_id TEXT NOT NULL,
    ordinal INTEGER NOT NULL,
    material_id TEXT NOT NULL,
    sealed BLOB NOT NULL,
    created INTEGER NOT NULL,
    rotation_type TEXT,
    PRIMARY KEY (key_id, ordinal)
) STRICT;

CREATE TABLE kms_key_tags (
    key_id TEXT NOT NULL,
    ordinal INTEGER NOT NULL,
    tag_key TEXT NOT NULL,
    tag_value TEXT NOT NULL,
    PRIMARY KEY (key_id, ordinal)
) STRICT;

CREATE TABLE kms_aliases (
    account_id TEXT NOT NULL REFERENCES accounts (account_id),
    region TEXT NOT NULL,
    name TEXT NOT NULL,
    target_key_id TEXT NOT NULL,
    created INTEGER NOT NULL,
    updated INTEGER NOT NULL,
    PRIMARY KEY (account_id, region, name)
) STRICT;

CREATE INDEX kms_aliases_by_key ON kms_aliases (target_key_id);

CREATE TABLE kms_grants (
    key_id TEXT NOT NULL,
    grant_id TEXT NOT NULL,
    name TEXT NOT NULL,
    grantee_principal TEXT NOT NULL,
    retiring_principal TEXT,
    issuing_account TEXT NOT NULL,
    operations TEXT NOT NULL,
    has_context_equals INTEGER NOT NULL,
    has_context_subset INTEGER NOT NULL,
    created INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    PRIMARY KEY (key_id, grant_id)
) STRICT;

CREATE INDEX kms_grants_by_retiring ON kms_grants (retiring_principal);

CREATE TABLE kms_grant_context (
    key_id TEXT NOT NULL,
    grant_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    context_key TEXT NOT NULL,
    context_value TEXT NOT NULL,
    PRIMARY KEY (key_id, grant_id, kind, context_key)
) STRICT;
