-- CloudTrail trails and what the delivery worker recorded for each.

CREATE TABLE trails (
    account_id TEXT NOT NULL REFERENCES accounts (account_id),
    name TEXT NOT NULL,
    home_region TEXT NOT NULL,
    arn TEXT NOT NULL,
    s3_bucket_name TEXT NOT NULL,
    s3_key_prefix TEXT,
    sns_topic_name TEXT,
    include_global_service_events INTEGER NOT NULL,
    is_multi_region_trail INTEGER NOT NULL,
    log_file_validation_enabled INTEGER NOT NULL,
    is_organization_trail INTEGER NOT NULL,
    cloud_watch_logs_log_group_arn TEXT,
    cloud_watch_logs_role_arn TEXT,
    kms_key_id TEXT,
    logging INTEGER NOT NULL,
    start_logging_time INTEGER,
    stop_logging_time INTEGER,
    create_date INTEGER NOT NULL,
    latest_delivery_time INTEGER,
    latest_digest_delivery_time INTEGER,
    latest_delivery_error TEXT,
    delivery_state BLOB NOT NULL DEFAULT x'',
    PRIMARY KEY (account_id, name)
) STRICT;

CREATE TABLE trail_tags (
    account_id TEXT NOT NULL,
    trail_name TEXT NOT NULL,
    ordinal INTEGER NOT NULL,
    tag_key TEXT NOT NULL,
    tag_value TEXT NOT NULL,
    PRIMARY KEY (account_id, trail_name, ordinal),
    FOREIGN KEY (account_id, trail_name) REFERENCES trails (account_id, name) ON DELETE CASCADE
) STRICT;
