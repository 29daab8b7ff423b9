//! Encoded authorization messages and STS's DecodeAuthorizationMessage, in process.

use axum::http::StatusCode;
use serde_json::Value;

use super::{World, allow, code, element, encoded, user_arn};

const ENCODED: &str = ". Encoded authorization failure message: ";

#[tokio::test]
async fn a_refusal_carries_a_message_only_a_caller_allowed_to_decode_reads() {
    // DecodeAuthorizationMessage API reference: the decoded message tells whether an explicit
    // Deny decided, the principal, the action, the resource and the request's condition keys;
    // decoding needs sts:DecodeAuthorizationMessage.
    let world = World::encoding_messages(true).await;
    let alice = world
        .user(
            "alice",
            &format!(
                r#"{},{{"Sid":"NoListing","Effect":"Deny","Action":"iam:ListUsers","Resource":"*"}}"#,
                allow("sts:DecodeAuthorizationMessage")
            ),
        )
        .await;
    let (status, body) = world.iam(&alice, "Action=ListUsers").await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    let message = element(&body, "Message");
    let (plain, message) = message.split_once(ENCODED).expect(&body);
    assert_eq!(
        plain,
        format!(
            "User: {} is not authorized to perform: iam:ListUsers on resource: arn:aws:iam::123456789012:user/ with an explicit deny in an identity-based policy",
            user_arn("alice")
        )
    );

    let (status, body) = world
        .sts(
            &alice,
            &format!(
                "Action=DecodeAuthorizationMessage&EncodedMessage={}",
                encoded(message)
            ),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let decoded: Value = serde_json::from_str(
        &element(&body, "DecodedMessage")
            .replace("&quot;", "\"")
            .replace("&amp;", "&"),
    )
    .unwrap();
    assert_eq!(decoded["allowed"], false);
    assert_eq!(decoded["explicitDeny"], true);
    assert_eq!(
        decoded["matchedStatements"]["items"][0]["statementId"],
        "NoListing"
    );
    assert_eq!(decoded["matchedStatements"]["items"][0]["effect"], "DENY");
    assert_eq!(decoded["context"]["action"], "iam:ListUsers");
    assert_eq!(decoded["context"]["principal"]["arn"], user_arn("alice"));
    let conditions = decoded["context"]["conditions"]["items"]
        .as_array()
        .unwrap();
    assert!(
        conditions.iter().any(|item| item["key"]
            .as_str()
            .unwrap()
            .eq_ignore_ascii_case("aws:username")
            && item["values"]["items"][0]["value"] == "alice"),
        "{decoded}"
    );

    // Without sts:DecodeAuthorizationMessage: refused.
    let bob = world.user("bob", &allow("iam:GetUser")).await;
    let (status, body) = world
        .sts(
            &bob,
            &format!(
                "Action=DecodeAuthorizationMessage&EncodedMessage={}",
                encoded(message)
            ),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert!(
        element(&body, "Message").contains("sts:DecodeAuthorizationMessage"),
        "{body}"
    );

    // Altered: not a message Warden encoded.
    let mut altered = message.to_owned();
    altered.replace_range(10..11, if &message[10..11] == "A" { "B" } else { "A" });
    let (status, body) = world
        .sts(
            &alice,
            &format!(
                "Action=DecodeAuthorizationMessage&EncodedMessage={}",
                encoded(&altered)
            ),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(code(&body), "InvalidAuthorizationMessageException");
}

#[tokio::test]
async fn refusals_carry_no_encoded_message_unless_the_server_encodes_them() {
    let world = World::new().await;
    let nobody = world.user("nobody", "").await;
    let (status, body) = world.iam(&nobody, "Action=ListUsers").await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert!(!body.contains(ENCODED), "{body}");
}
