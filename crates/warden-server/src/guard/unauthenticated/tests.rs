use std::sync::atomic::Ordering;

use warden_audit::{
    AuditEvent, EVENT_VERSION, EventCategory, EventType, IdentityType, UserIdentity,
};

use super::{MAX_AGGREGATES, MAX_SAMPLES, Unauthenticated};
use crate::guard::Headroom;

fn failed(source: &str, key_id: &str, second: i64) -> AuditEvent {
    AuditEvent {
        event_version: EVENT_VERSION.to_owned(),
        user_identity: UserIdentity {
            identity_type: IdentityType::Unknown,
            principal_id: None,
            arn: None,
            account_id: None,
            access_key_id: Some(key_id.to_owned()),
            user_name: None,
            session_context: None,
            invoked_by: None,
            identity_provider: None,
        },
        event_time: jiff::Timestamp::from_second(1_796_083_200 + second).unwrap(),
        event_source: "sts.amazonaws.com".to_owned(),
        event_name: "GetCallerIdentity".to_owned(),
        aws_region: "us-east-1".to_owned(),
        source_ip_address: source.to_owned(),
        user_agent: "flood".to_owned(),
        error_code: Some("InvalidClientTokenId".to_owned()),
        error_message: Some("The security token included in the request is invalid.".to_owned()),
        request_parameters: None,
        response_elements: None,
        additional_event_data: None,
        request_id: format!("req-{second}"),
        event_id: format!("event-{second}"),
        read_only: true,
        resources: Vec::new(),
        event_type: EventType::AwsApiCall,
        management_event: true,
        recipient_account_id: "123456789012".to_owned(),
        event_category: EventCategory::Management,
        tls_details: None,
    }
}

const PLENTY: u64 = 1 << 40;

#[test]
fn a_flood_from_one_source_is_one_record_naming_its_count_and_samples() {
    let log = Unauthenticated::new(Headroom::Fixed(PLENTY), 1024);
    for i in 0..1000 {
        log.note(failed("203.0.113.9", &format!("AKIAMADEUP{i:010}"), i));
    }
    let [record] = <[AuditEvent; 1]>::try_from(log.take_records()).unwrap();
    assert_eq!(
        record.request_id, "req-0",
        "the first call's record stands for all"
    );
    let data = record.additional_event_data.unwrap();
    assert_eq!(data["aggregatedEventCount"], 1000);
    assert_eq!(data["firstEventTime"], "2026-12-01T00:00:00Z");
    assert_eq!(data["lastEventTime"], "2026-12-01T00:16:39Z");
    assert_eq!(data["accessKeyIds"].as_array().unwrap().len(), MAX_SAMPLES);
    assert_eq!(data["eventNames"], serde_json::json!(["GetCallerIdentity"]));
    assert_eq!(data["samplesTruncated"], true);
    assert_eq!(log.calls.load(Ordering::Relaxed), 1000);
    assert!(log.take_records().is_empty(), "the interval was emptied");
}

#[test]
fn records_per_interval_are_bounded_whatever_the_sources() {
    let log = Unauthenticated::new(Headroom::Fixed(PLENTY), 1024);
    for i in 0..(MAX_AGGREGATES * 4) {
        let source = format!("10.0.{}.{}", i / 256, i % 256);
        log.note(failed(&source, "AKIAMADEUP", i64::try_from(i).unwrap()));
    }
    let records = log.take_records();
    assert_eq!(
        records.len(),
        MAX_AGGREGATES + 1,
        "the rest fold into one overflow"
    );
    let total: u64 = records
        .iter()
        .map(|r| {
            r.additional_event_data.as_ref().unwrap()["aggregatedEventCount"]
                .as_u64()
                .unwrap()
        })
        .sum();
    assert_eq!(total, u64::try_from(MAX_AGGREGATES * 4).unwrap());
}

#[test]
fn below_the_disk_reserve_aggregates_are_dropped_and_counted() {
    let log = Unauthenticated::new(Headroom::Fixed(10), 1024);
    log.note(failed("203.0.113.9", "AKIAMADEUP", 0));
    log.note(failed("203.0.113.10", "AKIAMADEUP", 1));
    assert!(log.take_records().is_empty());
    assert_eq!(log.dropped_low_disk.load(Ordering::Relaxed), 2);
    assert!(log.low_disk.load(Ordering::Relaxed));
}
