//! A role session through aws-sdk-sts: AssumeRole's credentials, used by aws-sdk-iam and
//! aws-sdk-sts, carry the role's permissions instead of the user's.

use aws_sdk_iam::error::ProvideErrorMetadata as _;

use crate::harness::{ACCOUNT_ID, ROOT_KEY_ID, ROOT_SECRET, config, start};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sdk_user_assumes_a_role_and_acts_as_its_session() {
    let server = start();
    let root = config(&server.endpoint, ROOT_KEY_ID, ROOT_SECRET).await;
    let iam = aws_sdk_iam::Client::new(&root);
    iam.create_user().user_name("ferris").send().await.unwrap();
    let key = iam
        .create_access_key()
        .user_name("ferris")
        .send()
        .await
        .unwrap();
    let key = key.access_key().unwrap();
    let trust = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{ACCOUNT_ID}:user/ferris"}},"Action":"sts:AssumeRole"}}]}}"#
    );
    let role = iam
        .create_role()
        .role_name("crab-reader")
        .assume_role_policy_document(trust)
        .send()
        .await
        .unwrap();
    let role_arn = role.role().unwrap().arn().to_owned();
    iam.put_role_policy()
        .role_name("crab-reader")
        .policy_name("read")
        .policy_document(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:ListUsers","Resource":"*"}]}"#,
        )
        .send()
        .await
        .unwrap();

    let as_user = config(
        &server.endpoint,
        key.access_key_id(),
        key.secret_access_key(),
    )
    .await;
    let assumed = aws_sdk_sts::Client::new(&as_user)
        .assume_role()
        .role_arn(&role_arn)
        .role_session_name("rusty-session")
        .send()
        .await
        .unwrap();
    let credentials = assumed.credentials().unwrap();
    assert!(credentials.access_key_id().starts_with("ASIA"));
    let session = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .endpoint_url(&server.endpoint)
        .region(aws_config::Region::new("us-east-1"))
        .credentials_provider(aws_credential_types::Credentials::new(
            credentials.access_key_id(),
            credentials.secret_access_key(),
            Some(credentials.session_token().to_owned()),
            None,
            "warden-session",
        ))
        .retry_config(aws_config::retry::RetryConfig::disabled())
        .load()
        .await;
    let me = aws_sdk_sts::Client::new(&session)
        .get_caller_identity()
        .send()
        .await
        .unwrap();
    assert_eq!(
        me.arn(),
        Some(format!("arn:aws:sts::{ACCOUNT_ID}:assumed-role/crab-reader/rusty-session").as_str())
    );
    let session_iam = aws_sdk_iam::Client::new(&session);
    session_iam.list_users().send().await.unwrap();
    let denied = session_iam.list_roles().send().await.unwrap_err();
    assert_eq!(denied.into_service_error().code(), Some("AccessDenied"));
}
