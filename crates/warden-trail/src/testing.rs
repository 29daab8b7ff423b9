//! Shared test fixture: an in-memory store and audit log, a digest key, a buckets
//! directory, and helpers to add events and read back what was delivered.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;
use warden_store::StoreExt;

use jiff::Timestamp;
use warden_audit::digest::{DigestFile, DigestKeys};
use warden_audit::logfile::{ParsedLogFile, gunzip};
use warden_audit::verify::{PublicKeys, verify_trail};
use warden_journal::SqliteAuditLog;
use warden_store::{AccountRecord, AuditLog, NewAuditRecord, TrailRecord};
use warden_store_sqlite::SqliteStore;

use crate::bucket::{self, ListRequest};
use crate::{BucketSource, Delivery, DeliverySettings, location};

pub(crate) const ACCOUNT: &str = "111122223333";
pub(crate) const OTHER: &str = "444455556666";
/// 2026-01-01T00:00:00Z
pub(crate) const T0: i64 = 1_767_225_600;

pub(crate) fn at(second: i64) -> Timestamp {
    Timestamp::from_second(T0 + second).unwrap()
}

pub(crate) struct Fixture {
    pub(crate) store: Arc<SqliteStore>,
    pub(crate) audit: Arc<SqliteAuditLog>,
    pub(crate) keys: Arc<DigestKeys>,
    pub(crate) dir: tempfile::TempDir,
}

impl Fixture {
    pub(crate) fn new() -> Self {
        let store = Arc::new(SqliteStore::open_in_memory().unwrap());
        for account in [ACCOUNT, OTHER] {
            store
                .write(|tx| {
                    tx.accounts().create(&AccountRecord {
                        account_id: account.to_owned(),
                        create_date: 0,
                    })
                })
                .unwrap();
        }
        let keys = Arc::new(DigestKeys::generate(at(0)).unwrap().0);
        Self {
            store,
            audit: Arc::new(SqliteAuditLog::open_in_memory().unwrap()),
            keys,
            dir: tempfile::tempdir().unwrap(),
        }
    }

    pub(crate) fn root(&self) -> &Path {
        self.dir.path()
    }

    pub(crate) fn delivery(&self, digest_seconds: u64) -> Delivery {
        Delivery::new(
            self.store.clone(),
            self.audit.clone(),
            self.keys.clone(),
            self.root().to_owned(),
            DeliverySettings {
                log_interval: Duration::from_secs(1),
                digest_interval: Duration::from_secs(digest_seconds),
            },
        )
    }

    pub(crate) fn create_trail(
        &self,
        name: &str,
        edit: impl FnOnce(&mut TrailRecord),
    ) -> TrailRecord {
        let mut trail = TrailRecord {
            account_id: ACCOUNT.to_owned(),
            name: name.to_owned(),
            home_region: "us-east-1".to_owned(),
            arn: format!("arn:aws:cloudtrail:us-east-1:{ACCOUNT}:trail/{name}"),
            s3_bucket_name: "trail-bucket".to_owned(),
            s3_key_prefix: Some("warden".to_owned()),
            sns_topic_name: None,
            include_global_service_events: true,
            is_multi_region_trail: false,
            log_file_validation_enabled: true,
            is_organization_trail: false,
            cloud_watch_logs_log_group_arn: None,
            cloud_watch_logs_role_arn: None,
            kms_key_id: None,
            logging: true,
            start_logging_time: Some(at(0).as_millisecond()),
            stop_logging_time: None,
            create_date: at(0).as_millisecond(),
            tags: Vec::new(),
        };
        edit(&mut trail);
        self.store.write(|tx| tx.trails().create(&trail)).unwrap();
        trail
    }

    /// Appends one event; returns its sequence.
    pub(crate) fn event(&self, account: &str, second: i64, source: &str, region: &str) -> u64 {
        let body = format!(
            r#"{{"eventVersion":"1.11","eventTime":"{}","eventSource":"{source}","eventName":"Op","awsRegion":"{region}","recipientAccountId":"{account}"}}"#,
            warden_audit::time::format(at(second))
        );
        let record = NewAuditRecord {
            account_id: account.to_owned(),
            event_time: at(second).as_millisecond(),
            event_id: format!("id-{second}-{source}"),
            event_name: "Op".to_owned(),
            event_source: source.to_owned(),
            read_only: false,
            username: None,
            access_key_id: None,
            resources: Vec::new(),
            body: body.into_bytes(),
        };
        self.audit.append(&[record]).unwrap()[0]
    }

    pub(crate) fn iam(&self, second: i64) -> u64 {
        self.event(ACCOUNT, second, "iam.amazonaws.com", "us-east-1")
    }

    pub(crate) fn keys_under(&self, prefix: &str) -> Vec<String> {
        let request = ListRequest {
            prefix: prefix.to_owned(),
            max_keys: 1000,
            ..ListRequest::default()
        };
        bucket::list_objects(self.root(), "trail-bucket", &request)
            .map(|page| page.objects.into_iter().map(|o| o.key).collect())
            .unwrap_or_default()
    }

    pub(crate) fn log_keys(&self, region: &str) -> Vec<String> {
        self.keys_under(&format!("warden/AWSLogs/{ACCOUNT}/CloudTrail/{region}/"))
    }

    pub(crate) fn digest_keys(&self, region: &str) -> Vec<String> {
        self.keys_under(&format!(
            "warden/AWSLogs/{ACCOUNT}/CloudTrail-Digest/{region}/"
        ))
    }

    /// The sequences of every delivered record of `region`, in key order.
    pub(crate) fn delivered_sequences(&self, region: &str) -> Vec<u64> {
        let mut sequences = Vec::new();
        for key in self.log_keys(region) {
            let object = bucket::get_object(self.root(), "trail-bucket", &key).unwrap();
            let json = gunzip(&object.bytes).unwrap();
            let parsed = ParsedLogFile::parse(&json).unwrap();
            sequences.extend(parsed.links().unwrap().unwrap().iter().map(|l| l.sequence));
        }
        sequences.sort_unstable();
        sequences
    }

    pub(crate) fn digest(&self, key: &str) -> DigestFile {
        let object = bucket::get_object(self.root(), "trail-bucket", key).unwrap();
        serde_json::from_slice(&gunzip(&object.bytes).unwrap()).unwrap()
    }

    pub(crate) fn verify(&self, trail: &TrailRecord, region: &str) -> warden_audit::verify::Report {
        let source = BucketSource {
            root: self.root().to_owned(),
            bucket: "trail-bucket".to_owned(),
        };
        let keys = PublicKeys::from_der(self.keys.public_keys().into_iter().map(|k| k.der));
        verify_trail(&source, &location(trail, region), &keys).unwrap()
    }
}
