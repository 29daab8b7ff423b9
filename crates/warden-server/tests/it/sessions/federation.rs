//! Session tags (AssumeRole) and federated users (GetFederationToken), in process.

use axum::http::StatusCode;

use super::{
    ACCOUNT, Keys, ROOT, World, allow, code, element, encoded, policy, role_arn, user_arn,
};

/// A trust policy letting `principal` assume the role and pass session tags.
fn trusts_with_tags(principal: &str) -> String {
    format!(
        r#"{{"Effect":"Allow","Principal":{{"AWS":"{principal}"}},"Action":["sts:AssumeRole","sts:TagSession"]}}"#
    )
}

/// An Allow of `action` only for a principal tagged `team=blue`.
fn allow_for_blue_team(action: &str) -> String {
    format!(
        r#"{{"Effect":"Allow","Action":"{action}","Resource":"*","Condition":{{"StringEquals":{{"aws:PrincipalTag/team":"blue"}}}}}}"#
    )
}

fn tags(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .enumerate()
        .map(|(index, (key, value))| {
            let n = index + 1;
            format!("&Tags.member.{n}.Key={key}&Tags.member.{n}.Value={value}")
        })
        .collect()
}

#[tokio::test]
async fn a_session_tag_overrides_the_roles_tag_with_the_same_key_ignoring_case() {
    // IAM User Guide, "Pass session tags in AWS STS": "session tags override a role tag with
    // the same key"; "Tag key–value pairs are not case sensitive".
    let world = World::new().await;
    let alice = world.user("alice", &allow("sts:AssumeRole")).await;
    world
        .role(
            "abac",
            &trusts_with_tags(&user_arn("alice")),
            &allow_for_blue_team("iam:ListUsers"),
        )
        .await;
    world
        .root("Action=TagRole&RoleName=abac&Tags.member.1.Key=team&Tags.member.1.Value=red")
        .await;
    let (status, body) = world.assume(&alice, "abac", "").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let red = World::session(&body);
    let (status, body) = world.iam(&red, "Action=ListUsers").await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "the role's own tag is red: {body}"
    );

    let (status, body) = world
        .assume(&alice, "abac", &tags(&[("Team", "blue")]))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(
        element(&body, "PackedPolicySize").parse::<u32>().unwrap() >= 1,
        "{body}"
    );
    let blue = World::session(&body);
    let (status, body) = world.iam(&blue, "Action=ListUsers").await;
    assert_eq!(status, StatusCode::OK, "the session tag wins: {body}");
}

#[tokio::test]
async fn passing_session_tags_needs_sts_tag_session_and_unique_keys() {
    // IAM User Guide, "Permissions required to add session tags": the trust policy must
    // allow sts:TagSession.
    let world = World::new().await;
    let alice = world.user("alice", &allow("sts:*")).await;
    world
        .role(
            "plain",
            &super::trusts(&user_arn("alice")),
            &allow("iam:ListUsers"),
        )
        .await;
    let (status, body) = world
        .assume(&alice, "plain", &tags(&[("team", "blue")]))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert!(
        element(&body, "Message").contains("sts:TagSession"),
        "{body}"
    );
    world
        .role(
            "tagged",
            &trusts_with_tags(&user_arn("alice")),
            &allow("iam:ListUsers"),
        )
        .await;
    let (status, body) = world
        .assume(
            &alice,
            "tagged",
            &tags(&[("team", "blue"), ("TEAM", "red")]),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(code(&body), "InvalidParameterValue");
    // Tags that do not fit the packed budget.
    let big = "v".repeat(256);
    let many: Vec<(String, &str)> = (0..10).map(|n| (format!("k{n}"), big.as_str())).collect();
    let many: Vec<(&str, &str)> = many.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    let (status, body) = world.assume(&alice, "tagged", &tags(&many)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(code(&body), "PackedPolicyTooLarge");
    assert!(
        element(&body, "Message").starts_with("Packed size of session tags consumes"),
        "{body}"
    );
}

#[tokio::test]
async fn transitive_tags_pass_along_a_role_chain_and_cannot_be_overridden() {
    // IAM User Guide, "Chaining roles with session tags".
    let world = World::new().await;
    let alice = world.user("alice", &allow("sts:AssumeRole")).await;
    world
        .role(
            "first",
            &trusts_with_tags(&user_arn("alice")),
            &allow("sts:AssumeRole"),
        )
        .await;
    world
        .role(
            "second",
            &trusts_with_tags(&role_arn("first")),
            &allow_for_blue_team("iam:ListUsers"),
        )
        .await;
    let (status, body) = world
        .assume(
            &alice,
            "first",
            &format!(
                "{}&TransitiveTagKeys.member.1=team",
                tags(&[("team", "blue"), ("desk", "7")])
            ),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let first = World::session(&body);
    // A key of an inherited transitive tag cannot be passed again.
    let (status, body) = world
        .assume(&first, "second", &tags(&[("Team", "red")]))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(code(&body), "InvalidParameterValue");
    // A non-transitive one can.
    let (status, body) = world
        .assume(&first, "second", &tags(&[("desk", "8")]))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let second = World::session(&body);
    let (status, body) = world.iam(&second, "Action=ListUsers").await;
    assert_eq!(status, StatusCode::OK, "team=blue was inherited: {body}");
    // A transitive key must name a tag passed.
    let (status, body) = world
        .assume(
            &alice,
            "first",
            &format!(
                "{}&TransitiveTagKeys.member.1=other",
                tags(&[("team", "blue")])
            ),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
}

/// GetFederationToken as `keys`.
async fn federate(world: &World, keys: &Keys, extra: &str) -> (StatusCode, String) {
    world
        .sts(keys, &format!("Action=GetFederationToken&Name=Bob{extra}"))
        .await
}

#[tokio::test]
async fn a_federated_user_is_who_get_caller_identity_says_and_is_recorded_as_such() {
    let world = World::new().await;
    let broker = world.user("broker", &allow("sts:GetFederationToken")).await;
    let session_policy = encoded(&policy(&allow("s3:GetObject")));
    let (status, body) = federate(&world, &broker, &format!("&Policy={session_policy}")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        element(&body, "Arn"),
        format!("arn:aws:sts::{ACCOUNT}:federated-user/Bob")
    );
    assert_eq!(element(&body, "FederatedUserId"), format!("{ACCOUNT}:Bob"));
    assert!(element(&body, "AccessKeyId").starts_with("ASIA"), "{body}");
    let bob = World::session(&body);
    let (status, body) = world.sts(&bob, "Action=GetCallerIdentity").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(element(&body, "UserId"), format!("{ACCOUNT}:Bob"));
    assert_eq!(
        element(&body, "Arn"),
        format!("arn:aws:sts::{ACCOUNT}:federated-user/Bob")
    );
    let event = world
        .events()
        .into_iter()
        .rev()
        .find(|event| event["eventName"] == "GetCallerIdentity")
        .unwrap();
    let identity = &event["userIdentity"];
    assert_eq!(identity["type"], "FederatedUser");
    assert_eq!(identity["principalId"], format!("{ACCOUNT}:Bob"));
    assert_eq!(
        identity["sessionContext"]["sessionIssuer"]["type"],
        "IAMUser"
    );
    assert_eq!(
        identity["sessionContext"]["sessionIssuer"]["arn"],
        user_arn("broker")
    );
}

#[tokio::test]
async fn a_federated_users_credentials_call_neither_iam_nor_sts_beyond_get_caller_identity() {
    // GetFederationToken API reference: "You cannot call any IAM operations using the CLI or
    // the AWS API"; "You cannot call any STS operations except GetCallerIdentity".
    let world = World::new().await;
    let broker = world.user("broker", &allow("*")).await;
    let (status, body) = federate(
        &world,
        &broker,
        &format!("&Policy={}", encoded(&policy(&allow("*")))),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let bob = World::session(&body);
    let (status, body) = world.iam(&bob, "Action=ListUsers").await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(code(&body), "InvalidClientTokenId");
    let (status, body) = world
        .sts(
            &bob,
            &format!(
                "Action=AssumeRole&RoleArn={}&RoleSessionName=s1",
                encoded(&role_arn("any"))
            ),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(
        element(&body, "Message"),
        "Cannot call AssumeRole with session credentials"
    );
    let (status, body) = federate(&world, &bob, "").await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(
        element(&body, "Message"),
        "Cannot call GetFederationToken with session credentials"
    );
}

#[tokio::test]
async fn get_federation_token_needs_permission_and_tag_session_for_tags() {
    let world = World::new().await;
    let nobody = world.user("nobody", "").await;
    let (status, body) = federate(&world, &nobody, "").await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert!(
        element(&body, "Message").contains(&format!(
            "sts:GetFederationToken on resource: arn:aws:sts::{ACCOUNT}:federated-user/Bob"
        )),
        "{body}"
    );
    let broker = world.user("broker", &allow("sts:GetFederationToken")).await;
    let (status, body) = federate(&world, &broker, &tags(&[("team", "blue")])).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert!(
        element(&body, "Message").contains("sts:TagSession"),
        "{body}"
    );
    let tagger = world
        .user(
            "tagger",
            r#"{"Effect":"Allow","Action":["sts:GetFederationToken","sts:TagSession"],"Resource":"*"}"#,
        )
        .await;
    let (status, body) = federate(&world, &tagger, &tags(&[("team", "blue")])).await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

#[tokio::test]
async fn the_root_users_federation_lasts_at_most_an_hour() {
    // GetFederationToken API reference: "If the specified duration is longer than one hour,
    // the session obtained by using root user credentials defaults to one hour."
    let world = World::new().await;
    let root = Keys::long_term(ROOT.0, ROOT.1);
    let (status, body) = federate(&world, &root, "&DurationSeconds=7200").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let expires = element(&body, "Expiration")
        .parse::<jiff::Timestamp>()
        .unwrap();
    assert_eq!(expires.as_second() - world.now(), 3_600, "{body}");
    let broker = world.user("broker", &allow("sts:GetFederationToken")).await;
    let (status, body) = federate(&world, &broker, "&DurationSeconds=129600").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let expires = element(&body, "Expiration")
        .parse::<jiff::Timestamp>()
        .unwrap();
    assert_eq!(expires.as_second() - world.now(), 129_600, "{body}");
}
