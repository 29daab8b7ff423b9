//! Rendered responses, frozen as snapshots.

use warden_protocol::render::{
    render_json_error, render_json_success, render_query_error, render_query_success,
};
use warden_protocol::{AwsError, ResponseFormat, iam, kms, sts};

fn bob() -> iam::User {
    iam::User {
        path: "/".into(),
        user_name: "bob".into(),
        user_id: "AIDAEXAMPLEBOB".into(),
        arn: "arn:aws:iam::123456789012:user/bob".into(),
        create_date: "2026-01-01T12:00:00.123Z".parse().unwrap(),
        tags: Some(vec![iam::Tag {
            key: "team".into(),
            value: "a&b <c>".into(),
        }]),
        ..Default::default()
    }
}

#[test]
fn create_user_xml() {
    let output = iam::CreateUserResponse { user: Some(bob()) };
    let xml = render_query_success(
        &iam::META,
        "CreateUser",
        Some(&output),
        "req-1",
        ResponseFormat::Xml,
    );
    insta::assert_snapshot!(xml);
}

#[test]
fn create_user_json() {
    let output = iam::CreateUserResponse { user: Some(bob()) };
    let json = render_query_success(
        &iam::META,
        "CreateUser",
        Some(&output),
        "req-1",
        ResponseFormat::Json,
    );
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    // Key order is not part of the wire format (and serde_json's depends on features).
    insta::with_settings!({ sort_maps => true }, {
        insta::assert_json_snapshot!(value);
    });
}

#[test]
fn no_output_has_no_result_element() {
    let xml = render_query_success(&iam::META, "DeleteUser", None, "req-2", ResponseFormat::Xml);
    assert_eq!(
        xml,
        "<DeleteUserResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\">\
         <ResponseMetadata><RequestId>req-2</RequestId></ResponseMetadata></DeleteUserResponse>"
    );
}

#[test]
fn lists_maps_and_policy_documents() {
    let output = iam::GetRolePolicyResponse {
        role_name: "r".into(),
        policy_name: "p".into(),
        policy_document: r#"{"Version":"2012-10-17","Statement":[]}"#.into(),
    };
    let xml = render_query_success(
        &iam::META,
        "GetRolePolicy",
        Some(&output),
        "req-3",
        ResponseFormat::Xml,
    );
    insta::assert_snapshot!("policy_document", xml);

    let summary = iam::GetAccountSummaryResponse {
        summary_map: Some(
            [("Users".to_owned(), 3), ("Groups".to_owned(), 1)]
                .into_iter()
                .collect(),
        ),
    };
    let xml = render_query_success(
        &iam::META,
        "GetAccountSummary",
        Some(&summary),
        "req-4",
        ResponseFormat::Xml,
    );
    insta::assert_snapshot!("summary_map", xml);

    let users = iam::ListUsersResponse {
        users: vec![bob(), bob()],
        is_truncated: Some(false),
        marker: None,
    };
    let xml = render_query_success(
        &iam::META,
        "ListUsers",
        Some(&users),
        "req-5",
        ResponseFormat::Xml,
    );
    assert!(xml.contains("<Users><member><Path>/</Path>"), "{xml}");
    assert!(xml.contains("</member><member>"), "{xml}");
    assert!(xml.contains("<IsTruncated>false</IsTruncated>"), "{xml}");
}

#[test]
fn error_xml() {
    let error = iam::errors::NO_SUCH_ENTITY.with_message("The user with name bob cannot be found.");
    let xml = render_query_error(&iam::META, &error, "req-6", ResponseFormat::Xml);
    insta::assert_snapshot!(xml);
}

#[test]
fn error_json_and_internal_failure() {
    let json = render_query_error(
        &sts::META,
        &AwsError::internal(),
        "req-7",
        ResponseFormat::Json,
    );
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    // Key order is not part of the wire format (and serde_json's depends on features).
    insta::with_settings!({ sort_maps => true }, {
        insta::assert_json_snapshot!(value);
    });
}

#[test]
fn json_1_1_bodies() {
    let error = kms::errors::NOT_FOUND.with_message("Key 'arn:x' does not exist");
    assert_eq!(
        render_json_error(&error),
        r#"{"__type":"NotFoundException","message":"Key 'arn:x' does not exist"}"#
    );
    assert_eq!(render_json_success(None), "{}");
}

#[test]
fn response_format_from_accept() {
    assert_eq!(
        ResponseFormat::from_accept(Some("application/json")),
        ResponseFormat::Json
    );
    assert_eq!(
        ResponseFormat::from_accept(Some("*/*")),
        ResponseFormat::Xml
    );
    assert_eq!(ResponseFormat::from_accept(None).content_type(), "text/xml");
}
