-- Warden store schema, version 13: IAM server certificates with their tags. As in version
-- 8, names are unique by `name_key` (ASCII lower case, folded in Rust) and tags are keyed
-- by the certificate's case-folded name, following renames through ON UPDATE CASCADE. The
-- private key is sealed (AES-256-GCM under the data key) before it reaches the store.

CREATE TABLE server_certificates (
    account_id               TEXT NOT NULL REFERENCES accounts (account_id),
    name_key                 TEXT NOT NULL,
    server_certificate_name  TEXT NOT NULL,
    server_certificate_id    TEXT NOT NULL,
    path                     TEXT NOT NULL,
    arn                      TEXT NOT NULL,
    certificate_body         TEXT NOT NULL,
    certificate_chain        TEXT,
    private_key_sealed       BLOB NOT NULL,
    upload_date              INTEGER NOT NULL,
    expiration               INTEGER NOT NULL,
    PRIMARY KEY (account_id, name_key)
) STRICT;
CREATE UNIQUE INDEX server_certificates_by_id ON server_certificates (server_certificate_id);

CREATE TABLE server_certificate_tags (
    account_id       TEXT NOT NULL,
    certificate_key  TEXT NOT NULL,
    position         INTEGER NOT NULL,
    tag_key          TEXT NOT NULL,
    tag_value        TEXT NOT NULL,
    PRIMARY KEY (account_id, certificate_key, position),
    FOREIGN KEY (account_id, certificate_key)
        REFERENCES server_certificates (account_id, name_key)
        ON DELETE CASCADE ON UPDATE CASCADE
) STRICT;
