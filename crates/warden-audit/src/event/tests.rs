use serde_json::json;

use super::{
    AuditEvent, EVENT_VERSION, EventCategory, EventType, IdentityType, Resource, SessionAttributes,
    SessionContext, SessionIssuer, UserIdentity,
};
use crate::time;

fn assumed_role_call() -> AuditEvent {
    AuditEvent {
        event_version: EVENT_VERSION.to_owned(),
        user_identity: UserIdentity {
            identity_type: IdentityType::AssumedRole,
            principal_id: Some("AROAEXAMPLE:app".to_owned()),
            arn: Some("arn:aws:sts::111122223333:assumed-role/App/app".to_owned()),
            account_id: Some("111122223333".to_owned()),
            access_key_id: Some("ASIAEXAMPLE".to_owned()),
            user_name: None,
            session_context: Some(SessionContext {
                session_issuer: Some(SessionIssuer {
                    issuer_type: "Role".to_owned(),
                    principal_id: "AROAEXAMPLE".to_owned(),
                    arn: "arn:aws:iam::111122223333:role/App".to_owned(),
                    account_id: "111122223333".to_owned(),
                    user_name: "App".to_owned(),
                }),
                attributes: SessionAttributes {
                    creation_date: time::parse("2026-01-01T00:00:00Z").unwrap(),
                    mfa_authenticated: false,
                },
                source_identity: None,
            }),
            invoked_by: None,
            identity_provider: None,
        },
        event_time: time::parse("2026-01-01T00:00:05.250Z").unwrap(),
        event_source: "iam.amazonaws.com".to_owned(),
        event_name: "GetUser".to_owned(),
        aws_region: "us-east-1".to_owned(),
        source_ip_address: "192.0.2.10".to_owned(),
        user_agent: "Boto3/1.40.0".to_owned(),
        error_code: Some("AccessDenied".to_owned()),
        error_message: Some("not authorized".to_owned()),
        request_parameters: Some(json!({"userName": "alice"})),
        response_elements: None,
        request_id: "c0ffee00-0000-4000-8000-000000000001".to_owned(),
        event_id: "2afbb991-0000-4000-8000-000000000002".to_owned(),
        read_only: true,
        resources: vec![Resource {
            account_id: Some("111122223333".to_owned()),
            resource_type: "AWS::IAM::User".to_owned(),
            arn: "arn:aws:iam::111122223333:user/alice".to_owned(),
        }],
        event_type: EventType::AwsApiCall,
        management_event: true,
        recipient_account_id: "111122223333".to_owned(),
        event_category: EventCategory::Management,
        additional_event_data: None,
        tls_details: None,
    }
}

#[test]
fn serialises_with_cloudtrail_field_names_and_order() {
    let json = String::from_utf8(assumed_role_call().to_json().unwrap()).unwrap();
    let expected = concat!(
        r#"{"eventVersion":"1.11","userIdentity":{"type":"AssumedRole","principalId":"AROAEXAMPLE:app","#,
        r#""arn":"arn:aws:sts::111122223333:assumed-role/App/app","accountId":"111122223333","accessKeyId":"ASIAEXAMPLE","#,
        r#""sessionContext":{"sessionIssuer":{"type":"Role","principalId":"AROAEXAMPLE","arn":"arn:aws:iam::111122223333:role/App","#,
        r#""accountId":"111122223333","userName":"App"},"attributes":{"creationDate":"2026-01-01T00:00:00Z","mfaAuthenticated":"false"}}},"#,
        r#""eventTime":"2026-01-01T00:00:05Z","eventSource":"iam.amazonaws.com","eventName":"GetUser","awsRegion":"us-east-1","#,
        r#""sourceIPAddress":"192.0.2.10","userAgent":"Boto3/1.40.0","errorCode":"AccessDenied","errorMessage":"not authorized","#,
        r#""requestParameters":{"userName":"alice"},"responseElements":null,"#,
        r#""requestID":"c0ffee00-0000-4000-8000-000000000001","eventID":"2afbb991-0000-4000-8000-000000000002","readOnly":true,"#,
        r#""resources":[{"accountId":"111122223333","type":"AWS::IAM::User","ARN":"arn:aws:iam::111122223333:user/alice"}],"#,
        r#""eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"111122223333","eventCategory":"Management"}"#,
    );
    assert_eq!(json, expected);
}

#[test]
fn round_trips_and_omits_absent_fields() {
    let mut event = assumed_role_call();
    event.event_time = time::parse("2026-01-01T00:00:05Z").unwrap();
    let parsed = AuditEvent::from_json(&event.to_json().unwrap()).unwrap();
    assert_eq!(parsed, event);

    event.error_code = None;
    event.error_message = None;
    event.resources.clear();
    event.user_identity.session_context = None;
    event.request_parameters = None;
    let json = String::from_utf8(event.to_json().unwrap()).unwrap();
    for absent in [
        "errorCode",
        "errorMessage",
        "resources",
        "sessionContext",
        "tlsDetails",
        "userName",
    ] {
        assert!(!json.contains(absent), "{absent} in {json}");
    }
}

#[test]
fn identity_types_use_cloudtrail_spellings() {
    for (identity_type, spelling) in [
        (IdentityType::Root, "Root"),
        (IdentityType::IamUser, "IAMUser"),
        (IdentityType::AssumedRole, "AssumedRole"),
        (IdentityType::FederatedUser, "FederatedUser"),
        (IdentityType::AwsAccount, "AWSAccount"),
        (IdentityType::AwsService, "AWSService"),
        (IdentityType::Unknown, "Unknown"),
    ] {
        assert_eq!(
            serde_json::to_value(identity_type).unwrap(),
            json!(spelling)
        );
    }
}

#[test]
fn mfa_authenticated_is_a_string_and_rejects_other_values() {
    let attributes: SessionAttributes = serde_json::from_value(
        json!({"creationDate": "2026-01-01T00:00:00Z", "mfaAuthenticated": "true"}),
    )
    .unwrap();
    assert!(attributes.mfa_authenticated);
    assert!(
        serde_json::from_value::<SessionAttributes>(
            json!({"creationDate": "2026-01-01T00:00:00Z", "mfaAuthenticated": true})
        )
        .is_err()
    );
}

#[test]
fn username_follows_cloudtrail_rules() {
    let mut event = assumed_role_call();
    assert_eq!(event.username(), Some("app"));
    event.user_identity.identity_type = IdentityType::IamUser;
    event.user_identity.user_name = Some("alice".to_owned());
    assert_eq!(event.username(), Some("alice"));
    event.user_identity.user_name = None;
    event.user_identity.arn = Some("arn:aws:iam::111122223333:user/ops/bob".to_owned());
    assert_eq!(event.username(), Some("bob"));
    event.user_identity.arn = None;
    assert_eq!(event.username(), None);
}
