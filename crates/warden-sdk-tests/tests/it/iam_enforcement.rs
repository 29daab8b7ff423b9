//! A user created through aws-sdk-iam is allowed exactly what its inline policy grants.

use aws_sdk_iam::error::ProvideErrorMetadata as _;

use crate::harness::{ACCOUNT_ID, ROOT_KEY_ID, ROOT_SECRET, config, start};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sdk_user_is_allowed_exactly_what_its_policy_grants() {
    let server = start();
    let root = config(&server.endpoint, ROOT_KEY_ID, ROOT_SECRET).await;
    let iam = aws_sdk_iam::Client::new(&root);
    let sts = aws_sdk_sts::Client::new(&root);

    let identity = sts.get_caller_identity().send().await.unwrap();
    assert_eq!(identity.account(), Some(ACCOUNT_ID));
    assert_eq!(
        identity.arn(),
        Some(format!("arn:aws:iam::{ACCOUNT_ID}:root").as_str())
    );

    let user = iam.create_user().user_name("rusty").send().await.unwrap();
    let user = user.user().unwrap();
    assert_eq!(user.arn(), format!("arn:aws:iam::{ACCOUNT_ID}:user/rusty"));
    let key = iam
        .create_access_key()
        .user_name("rusty")
        .send()
        .await
        .unwrap();
    let key = key.access_key().unwrap();
    let policy = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:GetUser","Resource":"arn:aws:iam::*:user/${aws:username}"}]}"#;
    iam.put_user_policy()
        .user_name("rusty")
        .policy_name("self")
        .policy_document(policy)
        .send()
        .await
        .unwrap();

    let as_user = config(
        &server.endpoint,
        key.access_key_id(),
        key.secret_access_key(),
    )
    .await;
    let user_iam = aws_sdk_iam::Client::new(&as_user);
    let user_sts = aws_sdk_sts::Client::new(&as_user);
    let me = user_sts.get_caller_identity().send().await.unwrap();
    assert_eq!(me.arn(), Some(user.arn()));
    let got = user_iam.get_user().user_name("rusty").send().await.unwrap();
    assert_eq!(got.user().unwrap().user_id(), user.user_id());

    let denied = user_iam
        .create_user()
        .user_name("intruder")
        .send()
        .await
        .unwrap_err();
    let denied = denied.into_service_error();
    assert_eq!(denied.code(), Some("AccessDenied"));
    assert_eq!(
        denied.message(),
        Some(
            format!(
                "User: arn:aws:iam::{ACCOUNT_ID}:user/rusty is not authorized to perform: iam:CreateUser on resource: arn:aws:iam::{ACCOUNT_ID}:user/intruder because no identity-based policy allows the iam:CreateUser action"
            )
            .as_str()
        )
    );
    let other = user_iam
        .get_user()
        .user_name("someone-else")
        .send()
        .await
        .unwrap_err();
    assert_eq!(other.into_service_error().code(), Some("AccessDenied"));

    // A wrong secret and an unknown key get AWS's authentication errors.
    let wrong = config(
        &server.endpoint,
        key.access_key_id(),
        "not-the-secret-not-the-secret-not-the-se",
    )
    .await;
    let err = aws_sdk_sts::Client::new(&wrong)
        .get_caller_identity()
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        err.into_service_error().code(),
        Some("SignatureDoesNotMatch")
    );
    let unknown = config(&server.endpoint, "AKIAXXXXXXXXXXXXXXXX", ROOT_SECRET).await;
    let err = aws_sdk_sts::Client::new(&unknown)
        .get_caller_identity()
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        err.into_service_error().code(),
        Some("InvalidClientTokenId")
    );
}
