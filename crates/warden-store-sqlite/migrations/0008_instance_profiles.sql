-- Warden store schema, version 8: IAM instance profiles with their tags and the roles in
-- them. As in version 1, names are unique by their `*_key` column (ASCII lower case,
-- folded in Rust); dependent rows are keyed by the profile's (or role's) case-folded name.

CREATE TABLE instance_profiles (
    account_id             TEXT NOT NULL REFERENCES accounts (account_id),
    name_key               TEXT NOT NULL,
    instance_profile_name  TEXT NOT NULL,
    instance_profile_id    TEXT NOT NULL UNIQUE,
    path                   TEXT NOT NULL,
    arn                    TEXT NOT NULL,
    create_date            INTEGER NOT NULL,
    PRIMARY KEY (account_id, name_key)
) STRICT;

CREATE TABLE instance_profile_tags (
    account_id   TEXT NOT NULL,
    profile_key  TEXT NOT NULL,
    position     INTEGER NOT NULL,
    tag_key      TEXT NOT NULL,
    tag_value    TEXT NOT NULL,
    PRIMARY KEY (account_id, profile_key, position),
    FOREIGN KEY (account_id, profile_key) REFERENCES instance_profiles (account_id, name_key)
        ON DELETE CASCADE ON UPDATE CASCADE
) STRICT;

-- Roles are never renamed; ON UPDATE CASCADE is kept for symmetry with the other
-- dependent tables. A profile or role with rows here cannot be deleted (checked in Rust).
CREATE TABLE instance_profile_roles (
    account_id   TEXT NOT NULL,
    profile_key  TEXT NOT NULL,
    role_key     TEXT NOT NULL,
    PRIMARY KEY (account_id, profile_key, role_key),
    FOREIGN KEY (account_id, profile_key) REFERENCES instance_profiles (account_id, name_key)
        ON UPDATE CASCADE,
    FOREIGN KEY (account_id, role_key) REFERENCES roles (account_id, name_key)
        ON UPDATE CASCADE
) STRICT;
CREATE INDEX instance_profile_roles_by_role ON instance_profile_roles (account_id, role_key);
