use serde_json::json;
use warden_audit::IdentityType;

use warden_protocol::{cloudtrail, iam, kms, sts};

use super::{CallRecord, lower_camel_keys, parameters_from_query};
use crate::RequestFacts;
use crate::caller::{Caller, CallerKind};

fn facts() -> RequestFacts {
    RequestFacts {
        source_ip: Some("192.0.2.7".parse().unwrap()),
        user_agent: "aws-cli/1.0".to_owned(),
        secure_transport: false,
        region: "eu-west-1".to_owned(),
        now: jiff::Timestamp::from_second(1_790_000_000).unwrap(),
    }
}

fn alice() -> Caller {
    Caller {
        account_id: "111122223333".to_owned(),
        arn: "arn:aws:iam::111122223333:user/alice".to_owned(),
        kind: CallerKind::User {
            user_name: "alice".to_owned(),
            user_id: "AIDAALICE".to_owned(),
        },
        access_key_id: "AKIAALICE".to_owned(),
        session: None,
    }
}

#[test]
fn a_successful_write_records_identity_parameters_and_redacted_response() {
    let facts = facts();
    let caller = alice();
    let record = CallRecord {
        event_source: "iam.amazonaws.com",
        event_name: "CreateAccessKey",
        operation: iam::META.operation("CreateAccessKey"),
        resources: &[iam::arn::user("aws", "111122223333", "bob")],
        caller: Some(&caller),
        federated: None,
        access_key_id: Some("AKIAALICE"),
        recipient_account_id: "111122223333",
        facts: &facts,
        request_parameters: Some(json!({"userName": "bob"})),
        response_elements: Some(
            json!({"accessKey": {"accessKeyId": "AKIABOB", "secretAccessKey": "s3cr3t"}}),
        ),
        error: None,
        request_id: "req-1",
    };
    let event = record.to_event("evt-1".to_owned());
    assert_eq!(event.user_identity.identity_type, IdentityType::IamUser);
    assert_eq!(event.user_identity.user_name.as_deref(), Some("alice"));
    assert_eq!(
        event.user_identity.principal_id.as_deref(),
        Some("AIDAALICE")
    );
    assert_eq!(
        event.aws_region, "us-east-1",
        "IAM is recorded in us-east-1"
    );
    assert_eq!(event.source_ip_address, "192.0.2.7");
    assert!(!event.read_only);
    assert_eq!(
        event.response_elements,
        Some(json!({"accessKey": {"accessKeyId": "AKIABOB"}}))
    );
    let text = String::from_utf8(event.to_json().unwrap()).unwrap();
    assert!(!text.contains("s3cr3t"), "{text}");
    assert_eq!(event.resources.len(), 1);
    assert_eq!(event.resources[0].resource_type, "AWS::IAM::User");
    assert_eq!(event.resources[0].arn, "arn:aws:iam::111122223333:user/bob");
}

#[test]
fn a_failed_authentication_records_the_claimed_key_and_the_error() {
    let facts = facts();
    let record = CallRecord {
        event_source: "sts.amazonaws.com",
        event_name: "GetCallerIdentity",
        operation: sts::META.operation("GetCallerIdentity"),
        resources: &[],
        caller: None,
        federated: None,
        access_key_id: Some("AKIAUNKNOWN"),
        recipient_account_id: "111122223333",
        facts: &facts,
        request_parameters: None,
        response_elements: Some(json!({"ignored": true})),
        error: Some((
            "InvalidClientTokenId",
            "The security token included in the request is invalid.",
        )),
        request_id: "req-2",
    };
    let event = record.to_event("evt-2".to_owned());
    assert_eq!(event.user_identity.identity_type, IdentityType::Unknown);
    assert_eq!(
        event.user_identity.access_key_id.as_deref(),
        Some("AKIAUNKNOWN")
    );
    assert_eq!(event.error_code.as_deref(), Some("InvalidClientTokenId"));
    assert_eq!(event.response_elements, None, "failures record no response");
    assert_eq!(event.aws_region, "eu-west-1");
    assert!(event.read_only);
}

#[test]
fn secrets_in_parameters_are_never_recorded() {
    let facts = facts();
    let record = CallRecord {
        event_source: "iam.amazonaws.com",
        event_name: "CreateLoginProfile",
        operation: iam::META.operation("CreateLoginProfile"),
        resources: &[],
        caller: None,
        federated: None,
        access_key_id: None,
        recipient_account_id: "111122223333",
        facts: &facts,
        request_parameters: Some(json!({"userName": "bob", "password": "hunter2"})),
        response_elements: None,
        error: None,
        request_id: "req-3",
    };
    let event = record.to_event("evt-3".to_owned());
    assert_eq!(event.request_parameters, Some(json!({"userName": "bob"})));
}

#[test]
fn read_only_and_secrets_come_from_the_operation_table() {
    let facts = facts();
    let record = |operation, parameters, elements| CallRecord {
        event_source: "kms.amazonaws.com",
        event_name: "anything",
        operation,
        resources: &[],
        caller: None,
        federated: None,
        access_key_id: None,
        recipient_account_id: "111122223333",
        facts: &facts,
        request_parameters: Some(parameters),
        response_elements: Some(elements),
        error: None,
        request_id: "req-5",
    };
    let decrypt = record(
        kms::META.operation("Decrypt"),
        json!({"keyId": "k"}),
        json!({"plaintext": "cGxhaW4="}),
    )
    .to_event("evt-5".to_owned());
    assert!(decrypt.read_only, "CloudTrail records Decrypt as read-only");
    assert_eq!(decrypt.response_elements, None, "reads record no response");
    let pair = record(
        kms::META.operation("GenerateDataKeyPair"),
        json!({"keyId": "k"}),
        json!({"privateKeyPlaintext": "c2VjcmV0", "publicKey": "cHVi", "keyId": "k"}),
    )
    .to_event("evt-6".to_owned());
    assert!(!pair.read_only);
    assert_eq!(
        pair.response_elements,
        Some(json!({"publicKey": "cHVi", "keyId": "k"}))
    );
    let unknown = record(None, json!({"password": "p"}), json!({})).to_event("evt-7".to_owned());
    assert!(!unknown.read_only);
    assert_eq!(
        unknown.request_parameters, None,
        "an unknown operation's parameters are not recorded: nothing says which are secret"
    );
}

#[test]
fn keys_become_lower_camel_at_every_depth() {
    assert_eq!(
        lower_camel_keys(json!({"User": {"UserName": "a", "Tags": [{"Key": "k"}]}})),
        json!({"user": {"userName": "a", "tags": [{"key": "k"}]}})
    );
}

#[test]
fn query_parameters_become_nested_lower_camel_json() {
    let pairs = [
        ("Action", "CreateUser"),
        ("Version", "2010-05-08"),
        ("UserName", "bob"),
        ("Tags.member.1.Key", "team"),
        ("Tags.member.1.Value", "red"),
        ("Tags.member.2.Key", "env"),
        ("Huge.member.99999", "x"),
    ];
    assert_eq!(
        parameters_from_query(pairs.into_iter()),
        Some(json!({
            "userName": "bob",
            "tags": [{"key": "team", "value": "red"}, {"key": "env"}],
            "huge": {"99999": "x"}
        }))
    );
    assert_eq!(
        parameters_from_query([("Action", "GetUser")].into_iter()),
        None
    );
    // A presigned request's signing parameters, the session token among them, are not kept.
    let presigned = [
        ("Action", "GetCallerIdentity"),
        ("X-Amz-Algorithm", "AWS4-HMAC-SHA256"),
        (
            "X-Amz-Credential",
            "ASIAEXAMPLE/20261201/us-east-1/sts/aws4_request",
        ),
        ("X-Amz-Security-Token", "c2Vzc2lvbi10b2tlbg=="),
        ("x-amz-signature", "abc"),
    ];
    assert_eq!(parameters_from_query(presigned.into_iter()), None);
}

#[test]
fn resources_are_what_the_call_was_authorized_on_except_for_lists() {
    let facts = facts();
    let trail = cloudtrail::arn::trail("aws", "eu-west-1", "111122223333", "main");
    let record = |operation, resources| CallRecord {
        event_source: "cloudtrail.amazonaws.com",
        event_name: "StartLogging",
        operation,
        resources,
        caller: None,
        federated: None,
        access_key_id: None,
        recipient_account_id: "111122223333",
        facts: &facts,
        request_parameters: Some(json!({"name": "main"})),
        response_elements: None,
        error: None,
        request_id: "req-4",
    };
    let resources = [trail];
    let event =
        record(cloudtrail::META.operation("StartLogging"), &resources).to_event("evt-4".to_owned());
    assert_eq!(event.resources.len(), 1);
    assert_eq!(event.resources[0].resource_type, "AWS::CloudTrail::Trail");
    assert_eq!(
        event.resources[0].arn,
        "arn:aws:cloudtrail:eu-west-1:111122223333:trail/main"
    );
    let users = [iam::arn::user("aws", "111122223333", "")];
    assert!(
        record(iam::META.operation("ListUsers"), &users)
            .to_event("evt-5".to_owned())
            .resources
            .is_empty()
    );
}
