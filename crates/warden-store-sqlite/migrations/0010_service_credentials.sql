-- Warden store schema, version 10: users' service-specific credentials (a user name and
-- password, or an API key, for one service), the secret sealed.

CREATE TABLE service_credentials (
    credential_id      TEXT PRIMARY KEY,
    account_id         TEXT NOT NULL,
    user_key           TEXT NOT NULL,
    service_name       TEXT NOT NULL,
    service_user_name  TEXT NOT NULL,
    secret_sealed      BLOB NOT NULL,
    status             TEXT NOT NULL CHECK (status IN ('Active', 'Inactive')),
    create_date        INTEGER NOT NULL,
    expiration_date    INTEGER,
    FOREIGN KEY (account_id, user_key) REFERENCES users (account_id, name_key)
        ON UPDATE CASCADE
) STRICT;
CREATE INDEX service_credentials_by_user ON service_credentials (account_id, user_key, service_name);
