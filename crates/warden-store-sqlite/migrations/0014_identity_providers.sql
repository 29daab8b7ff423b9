-- Warden store schema, version 14: IAM identity providers with their tags.
--
-- OpenID Connect providers are keyed by their URL without scheme (`name_key`, byte-wise:
-- the ARN's resource name), their client ids kept in order in their own table and their
-- thumbprints (40 hex digits each) comma-separated. SAML providers are keyed by their
-- case-folded name (`name_key`, folded in Rust); the IdP's signing certificates (base64
-- DER) are newline-separated; their assertion decryption keys are sealed (AES-256-GCM under
-- the data key) before they reach the store. Tags are keyed as in version 13.

CREATE TABLE oidc_providers (
    account_id   TEXT NOT NULL REFERENCES accounts (account_id),
    name_key     TEXT NOT NULL,
    url          TEXT NOT NULL,
    arn          TEXT NOT NULL,
    thumbprints  TEXT NOT NULL,
    create_date  INTEGER NOT NULL,
    PRIMARY KEY (account_id, name_key)
) STRICT;

CREATE TABLE oidc_provider_client_ids (
    account_id    TEXT NOT NULL,
    provider_key  TEXT NOT NULL,
    position      INTEGER NOT NULL,
    client_id     TEXT NOT NULL,
    PRIMARY KEY (account_id, provider_key, position),
    FOREIGN KEY (account_id, provider_key)
        REFERENCES oidc_providers (account_id, name_key)
        ON DELETE CASCADE ON UPDATE CASCADE
) STRICT;

CREATE TABLE oidc_provider_tags (
    account_id    TEXT NOT NULL,
    provider_key  TEXT NOT NULL,
    position      INTEGER NOT NULL,
    tag_key       TEXT NOT NULL,
    tag_value     TEXT NOT NULL,
    PRIMARY KEY (account_id, provider_key, position),
    FOREIGN KEY (account_id, provider_key)
        REFERENCES oidc_providers (account_id, name_key)
        ON DELETE CASCADE ON UPDATE CASCADE
) STRICT;

CREATE TABLE saml_providers (
    account_id            TEXT NOT NULL REFERENCES accounts (account_id),
    name_key              TEXT NOT NULL,
    name                  TEXT NOT NULL,
    arn                   TEXT NOT NULL,
    uuid                  TEXT NOT NULL,
    create_date           INTEGER NOT NULL,
    metadata_document     TEXT NOT NULL,
    entity_id             TEXT NOT NULL,
    signing_certificates  TEXT NOT NULL,
    valid_until           INTEGER NOT NULL,
    encryption_mode       TEXT,
    PRIMARY KEY (account_id, name_key)
) STRICT;

CREATE TABLE saml_provider_private_keys (
    account_id          TEXT NOT NULL,
    provider_key        TEXT NOT NULL,
    position            INTEGER NOT NULL,
    key_id              TEXT NOT NULL,
    private_key_sealed  BLOB NOT NULL,
    upload_date         INTEGER NOT NULL,
    PRIMARY KEY (account_id, provider_key, position),
    FOREIGN KEY (account_id, provider_key)
        REFERENCES saml_providers (account_id, name_key)
        ON DELETE CASCADE ON UPDATE CASCADE
) STRICT;

CREATE TABLE saml_provider_tags (
    account_id    TEXT NOT NULL,
    provider_key  TEXT NOT NULL,
    position      INTEGER NOT NULL,
    tag_key       TEXT NOT NULL,
    tag_value     TEXT NOT NULL,
    PRIMARY KEY (account_id, provider_key, position),
    FOREIGN KEY (account_id, provider_key)
        REFERENCES saml_providers (account_id, name_key)
        ON DELETE CASCADE ON UPDATE CASCADE
) STRICT;
