-- Warden store schema, version 9: credentials other than access keys (password policies,
-- login profiles, virtual MFA devices with their tags), the last use of access keys and
-- account aliases. As in version 1, names are unique by their `*_key` column (ASCII lower
-- case, folded in Rust); dependent rows are keyed by the user's (or device's) case-folded
-- name and follow renames through ON UPDATE CASCADE. Booleans are INTEGER 0 or 1.

-- At most one per account, stored whole.
CREATE TABLE password_policies (
    account_id                      TEXT PRIMARY KEY REFERENCES accounts (account_id),
    minimum_password_length         INTEGER NOT NULL,
    require_symbols                 INTEGER NOT NULL,
    require_numbers                 INTEGER NOT NULL,
    require_uppercase_characters    INTEGER NOT NULL,
    require_lowercase_characters    INTEGER NOT NULL,
    allow_users_to_change_password  INTEGER NOT NULL,
    max_password_age                INTEGER,
    password_reuse_prevention       INTEGER,
    hard_expiry                     INTEGER NOT NULL
) STRICT;

-- At most one per user; a user with one cannot be deleted (checked in Rust).
CREATE TABLE login_profiles (
    account_id               TEXT NOT NULL,
    user_key                 TEXT NOT NULL,
    password_hash_sealed     BLOB NOT NULL,
    password_reset_required  INTEGER NOT NULL,
    create_date              INTEGER NOT NULL,
    password_last_changed    INTEGER NOT NULL,
    password_last_used       INTEGER,
    PRIMARY KEY (account_id, user_key),
    FOREIGN KEY (account_id, user_key) REFERENCES users (account_id, name_key)
        ON UPDATE CASCADE
) STRICT;

-- The sealed hashes of a login profile's earlier passwords, newest first (position 0).
CREATE TABLE login_profile_previous_hashes (
    account_id   TEXT NOT NULL,
    user_key     TEXT NOT NULL,
    position     INTEGER NOT NULL,
    hash_sealed  BLOB NOT NULL,
    PRIMARY KEY (account_id, user_key, position),
    FOREIGN KEY (account_id, user_key) REFERENCES login_profiles (account_id, user_key)
        ON DELETE CASCADE ON UPDATE CASCADE
) STRICT;

-- Virtual MFA devices, unique by name and by serial number (their ARN) within the account,
-- both case-insensitively. `assigned_to` is NULL (unassigned), 'root' or 'user' (then
-- `user_key` names the user); a user with a device assigned cannot be deleted (checked in
-- Rust).
CREATE TABLE mfa_devices (
    account_id     TEXT NOT NULL REFERENCES accounts (account_id),
    name_key       TEXT NOT NULL,
    device_name    TEXT NOT NULL,
    serial_key     TEXT NOT NULL,
    serial_number  TEXT NOT NULL,
    path           TEXT NOT NULL,
    seed_sealed    BLOB NOT NULL,
    create_date    INTEGER NOT NULL,
    assigned_to    TEXT CHECK (assigned_to IN ('root', 'user')),
    user_key       TEXT,
    enable_date    INTEGER,
    last_step      INTEGER,
    PRIMARY KEY (account_id, name_key),
    UNIQUE (account_id, serial_key),
    CHECK (CASE assigned_to WHEN 'user' THEN user_key IS NOT NULL ELSE user_key IS NULL END),
    CHECK ((assigned_to IS NULL) = (enable_date IS NULL)),
    FOREIGN KEY (account_id, user_key) REFERENCES users (account_id, name_key)
        ON UPDATE CASCADE
) STRICT;
-- The devices of a user (assignments, renames and the delete check).
CREATE INDEX mfa_devices_by_user ON mfa_devices (account_id, user_key);

CREATE TABLE mfa_device_tags (
    account_id  TEXT NOT NULL,
    device_key  TEXT NOT NULL,
    position    INTEGER NOT NULL,
    tag_key     TEXT NOT NULL,
    tag_value   TEXT NOT NULL,
    PRIMARY KEY (account_id, device_key, position),
    FOREIGN KEY (account_id, device_key) REFERENCES mfa_devices (account_id, name_key)
        ON DELETE CASCADE ON UPDATE CASCADE
) STRICT;

-- The last authenticated use of each access key that was ever used; goes with the key.
CREATE TABLE access_key_uses (
    access_key_id  TEXT PRIMARY KEY REFERENCES access_keys (access_key_id) ON DELETE CASCADE,
    used_at        INTEGER NOT NULL,
    service        TEXT NOT NULL,
    region         TEXT NOT NULL
) STRICT;

-- At most one alias per account, unique across accounts (exact match).
CREATE TABLE account_aliases (
    account_id  TEXT PRIMARY KEY REFERENCES accounts (account_id),
    alias       TEXT NOT NULL UNIQUE
) STRICT;
