//! IAM identity providers in process: what CreateOpenIDConnectProvider and the client-id and
//! thumbprint operations refuse, SAML metadata that is not IdP metadata, assertion
//! encryption's rules (keys sealed, never shown), NoSuchEntity for both kinds, idempotent client-id changes and OIDC
//! deletes, the quotas, GetAccountSummary's `Providers`, and authorization on the ARN.
#![allow(
    clippy::indexing_slicing,
    clippy::string_slice,
    reason = "test code: a failure should panic"
)]

use axum::http::StatusCode;
use warden_protocol::iam;
use warden_store::StoreExt as _;

use super::operations::{Harness, query_request};

const ROOT_KEY: &str = "AKIAIOSFODNN7EXAMPLE";
const ROOT_SECRET: &str = "root-secret";
const ACCOUNT: &str = "123456789012";

/// IdP metadata with one signing certificate, valid until 2126.
const METADATA: &str = include_str!("data/saml_metadata.xml");

/// An RSA private key (PKCS #8) for assertion decryption.
const KEY: &str = include_str!("data/saml_private_key.pem");

const THUMBPRINT: &str = "6938fd4d98bab03faadb97b34396831e3780aea1";

fn encoded(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

fn oidc_arn(url: &str) -> String {
    format!("arn:aws:iam::{ACCOUNT}:oidc-provider/{url}")
}

fn saml_arn(name: &str) -> String {
    format!("arn:aws:iam::{ACCOUNT}:saml-provider/{name}")
}

/// An IAM Query call by root: its status and body.
async fn call(harness: &Harness, action: &str, input: &str) -> (StatusCode, String) {
    let body = format!("Action={action}&Version=2010-05-08&{input}");
    harness
        .send(query_request(&iam::META, &body, ROOT_KEY, ROOT_SECRET))
        .await
}

/// CreateOpenIDConnectProvider by root, with `rest` appended.
async fn create_oidc(harness: &Harness, url: &str, rest: &str) -> (StatusCode, String) {
    call(
        harness,
        "CreateOpenIDConnectProvider",
        &format!("Url={}{rest}", encoded(url)),
    )
    .await
}

/// CreateSAMLProvider by root, with `rest` appended.
async fn create_saml(
    harness: &Harness,
    name: &str,
    document: &str,
    rest: &str,
) -> (StatusCode, String) {
    call(
        harness,
        "CreateSAMLProvider",
        &format!(
            "Name={name}&SAMLMetadataDocument={}{rest}",
            encoded(document)
        ),
    )
    .await
}

/// Asserts an AWS error answer of this status, code and message part.
fn assert_error(answer: &(StatusCode, String), status: StatusCode, code: &str, message: &str) {
    let (actual, body) = answer;
    assert_eq!(*actual, status, "{body}");
    assert!(body.contains(&format!("<Code>{code}</Code>")), "{body}");
    assert!(body.contains(message), "{body}");
}

fn assert_ok(answer: &(StatusCode, String)) {
    assert_eq!(answer.0, StatusCode::OK, "{}", answer.1);
}

#[tokio::test]
async fn open_id_connect_providers_keep_to_iam_rules() {
    let harness = Harness::with_limits(warden_server::Limits::default()).await;
    let invalid = "Invalid Open ID Connect Provider URL.";
    for url in [
        "http://example.com",
        "example.com",
        "https://",
        "https://example.com:8443",
        "https://example.com?x=1",
        "https://example.com#f",
        "https://user@example.com",
    ] {
        assert_error(
            &create_oidc(&harness, url, "").await,
            StatusCode::BAD_REQUEST,
            "InvalidInput",
            invalid,
        );
    }
    let six: String = (1..=6)
        .map(|n| format!("&ThumbprintList.member.{n}={}", format!("{n}").repeat(40)))
        .collect();
    assert_error(
        &create_oidc(&harness, "https://idp.example.com", &six).await,
        StatusCode::BAD_REQUEST,
        "InvalidInput",
        "Thumbprint list must contain fewer than 5 entries.",
    );
    assert_error(
        &create_oidc(
            &harness,
            "https://idp.example.com",
            &format!("&ThumbprintList.member.1={}", "z".repeat(40)),
        )
        .await,
        StatusCode::BAD_REQUEST,
        "InvalidInput",
        "is not a hex-encoded SHA-1 hash",
    );
    let many: String = (1..=101)
        .map(|n| format!("&ClientIDList.member.{n}=client{n}"))
        .collect();
    assert_error(
        &create_oidc(&harness, "https://idp.example.com", &many).await,
        StatusCode::CONFLICT,
        "LimitExceeded",
        "Cannot exceed quota for ClientIdsPerOpenIdConnectProvider: 100",
    );
    // Nothing refused was kept.
    let (_, listed) = call(&harness, "ListOpenIDConnectProviders", "").await;
    assert!(!listed.contains("<member>"), "{listed}");

    // A path is kept (trailing slash too); thumbprints are optional; client ids are unique.
    let created = create_oidc(
        &harness,
        "https://idp.example.com/tenant/",
        "&ClientIDList.member.1=a&ClientIDList.member.2=a&ClientIDList.member.3=b",
    )
    .await;
    assert_ok(&created);
    let arn = oidc_arn("idp.example.com/tenant/");
    assert!(
        created
            .1
            .contains(&format!("<OpenIDConnectProviderArn>{arn}<")),
        "{}",
        created.1
    );
    assert_error(
        &create_oidc(&harness, "https://idp.example.com/tenant/", "").await,
        StatusCode::CONFLICT,
        "EntityAlreadyExists",
        "Provider with url https://idp.example.com/tenant/ already exists.",
    );
    let on = format!("OpenIDConnectProviderArn={}", encoded(&arn));
    let (_, got) = call(&harness, "GetOpenIDConnectProvider", &on).await;
    assert!(got.contains("<Url>idp.example.com/tenant/</Url>"), "{got}");
    assert!(
        got.contains("<ClientIDList><member>a</member><member>b</member></ClientIDList>"),
        "{got}"
    );

    // Client ids: adding one twice or removing a missing one is not an error.
    for (action, client) in [
        ("AddClientIDToOpenIDConnectProvider", "c"),
        ("AddClientIDToOpenIDConnectProvider", "a"),
        ("RemoveClientIDFromOpenIDConnectProvider", "b"),
        ("RemoveClientIDFromOpenIDConnectProvider", "missing"),
    ] {
        assert_ok(&call(&harness, action, &format!("{on}&ClientID={client}")).await);
    }
    let (_, got) = call(&harness, "GetOpenIDConnectProvider", &on).await;
    assert!(
        got.contains("<ClientIDList><member>a</member><member>c</member></ClientIDList>"),
        "{got}"
    );
    assert_error(
        &call(
            &harness,
            "UpdateOpenIDConnectProviderThumbprint",
            &format!("{on}&ThumbprintList.member.1={}", "g".repeat(40)),
        )
        .await,
        StatusCode::BAD_REQUEST,
        "InvalidInput",
        "hex-encoded",
    );
    assert_ok(
        &call(
            &harness,
            "UpdateOpenIDConnectProviderThumbprint",
            &format!("{on}&ThumbprintList.member.1={THUMBPRINT}"),
        )
        .await,
    );
    let (_, got) = call(&harness, "GetOpenIDConnectProvider", &on).await;
    assert!(
        got.contains(&format!("<ThumbprintList><member>{THUMBPRINT}</member>")),
        "{got}"
    );

    // Missing providers, in this account or another, and ARNs of other kinds.
    let missing = oidc_arn("nobody.example.com");
    let elsewhere = "arn:aws:iam::999988887777:oidc-provider/idp.example.com/tenant/".to_owned();
    let other_partition =
        format!("arn:aws-cn:iam::{ACCOUNT}:oidc-provider/idp.example.com/tenant/");
    for arn in [&missing, &elsewhere, &other_partition] {
        let on = format!("OpenIDConnectProviderArn={}", encoded(arn));
        for action in ["GetOpenIDConnectProvider", "ListOpenIDConnectProviderTags"] {
            assert_error(
                &call(&harness, action, &on).await,
                StatusCode::NOT_FOUND,
                "NoSuchEntity",
                &format!("OpenIDConnect Provider not found for arn {arn}"),
            );
        }
        assert_error(
            &call(
                &harness,
                "AddClientIDToOpenIDConnectProvider",
                &format!("{on}&ClientID=x"),
            )
            .await,
            StatusCode::NOT_FOUND,
            "NoSuchEntity",
            "OpenIDConnect Provider not found",
        );
        // Deleting is idempotent, as AWS documents.
        assert_ok(&call(&harness, "DeleteOpenIDConnectProvider", &on).await);
    }
    assert_error(
        &call(
            &harness,
            "GetOpenIDConnectProvider",
            &format!("OpenIDConnectProviderArn={}", encoded(&saml_arn("idp"))),
        )
        .await,
        StatusCode::BAD_REQUEST,
        "InvalidInput",
        "is not valid.",
    );

    assert_ok(&call(&harness, "DeleteOpenIDConnectProvider", &on).await);
    assert_error(
        &call(&harness, "GetOpenIDConnectProvider", &on).await,
        StatusCode::NOT_FOUND,
        "NoSuchEntity",
        "OpenIDConnect Provider not found",
    );
}

#[tokio::test]
async fn the_client_id_quota_holds_when_adding() {
    let harness = Harness::with_limits(warden_server::Limits::default()).await;
    let hundred: String = (1..=100)
        .map(|n| format!("&ClientIDList.member.{n}=client{n}"))
        .collect();
    assert_ok(&create_oidc(&harness, "https://idp.example.com", &hundred).await);
    let on = format!(
        "OpenIDConnectProviderArn={}",
        encoded(&oidc_arn("idp.example.com"))
    );
    assert_ok(
        &call(
            &harness,
            "AddClientIDToOpenIDConnectProvider",
            &format!("{on}&ClientID=client7"),
        )
        .await,
    );
    assert_error(
        &call(
            &harness,
            "AddClientIDToOpenIDConnectProvider",
            &format!("{on}&ClientID=one-more"),
        )
        .await,
        StatusCode::CONFLICT,
        "LimitExceeded",
        "ClientIdsPerOpenIdConnectProvider: 100",
    );
}

#[tokio::test]
async fn saml_providers_keep_to_iam_rules() {
    let harness = Harness::with_limits(warden_server::Limits::default()).await;
    let not_metadata = format!("<a>{}</a>", "x".repeat(1000));
    let sp_metadata = METADATA.replace("IDPSSODescriptor", "SPSSODescriptor");
    let with_doctype = METADATA.replace(
        "<md:EntityDescriptor",
        "<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><md:EntityDescriptor",
    );
    for document in [&not_metadata, &sp_metadata, &with_doctype] {
        assert_error(
            &create_saml(&harness, "idp", document, "").await,
            StatusCode::BAD_REQUEST,
            "InvalidInput",
            "Could not parse metadata",
        );
    }
    for (rest, message) in [
        (
            "&AssertionEncryptionMode=Required".to_owned(),
            "Cannot set AssertionEncryptionMode to Required because no private key is provided.",
        ),
        (
            "&AddPrivateKey=not-a-key".to_owned(),
            "Invalid private key: Key format is not recognized.",
        ),
        (
            format!(
                "&AddPrivateKey={}",
                encoded(&KEY.replace("PRIVATE KEY", "EC PRIVATE KEY"))
            ),
            "Invalid private key",
        ),
    ] {
        assert_error(
            &create_saml(&harness, "idp", METADATA, &rest).await,
            StatusCode::BAD_REQUEST,
            "InvalidInput",
            message,
        );
    }
    let (_, listed) = call(&harness, "ListSAMLProviders", "").await;
    assert!(!listed.contains("<member>"), "{listed}");

    // Created; the name is unique in any case and found in any case; the document kept.
    assert_ok(&create_saml(&harness, "Okta", METADATA, "").await);
    assert_error(
        &create_saml(&harness, "OKTA", METADATA, "").await,
        StatusCode::CONFLICT,
        "EntityAlreadyExists",
        "OKTA",
    );
    let on = format!("SAMLProviderArn={}", encoded(&saml_arn("okta")));
    let (_, got) = call(&harness, "GetSAMLProvider", &on).await;
    assert!(
        got.contains("<ValidUntil>2126-01-01T00:00:00Z</ValidUntil>"),
        "{got}"
    );
    assert!(
        got.contains("entityID=&quot;https://idp.example.com/saml&quot;"),
        "{got}"
    );
    assert!(got.contains("<SAMLProviderUUID>"), "{got}");

    // Updates: a document is required, checked as on create; encryption refused.
    assert_error(
        &call(&harness, "UpdateSAMLProvider", &on).await,
        StatusCode::BAD_REQUEST,
        "InvalidInput",
        "No updates are defined",
    );
    assert_error(
        &call(
            &harness,
            "UpdateSAMLProvider",
            &format!("{on}&SAMLMetadataDocument={}", encoded(&sp_metadata)),
        )
        .await,
        StatusCode::BAD_REQUEST,
        "InvalidInput",
        "Could not parse metadata",
    );
    // Without validUntil, a provider is valid for a hundred years from now.
    let undated = METADATA.replace(r#" validUntil="2126-01-01T00:00:00Z""#, "");
    let (status, updated) = call(
        &harness,
        "UpdateSAMLProvider",
        &format!("{on}&SAMLMetadataDocument={}", encoded(&undated)),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{updated}");
    assert!(
        updated.contains(&format!(
            "<SAMLProviderArn>{}</SAMLProviderArn>",
            saml_arn("Okta")
        )),
        "{updated}"
    );
    let (_, got) = call(&harness, "GetSAMLProvider", &on).await;
    let year = |tag: &str| -> i32 {
        let start = got.find(&format!("<{tag}>")).unwrap() + tag.len() + 2;
        got[start..start + 4].parse().unwrap()
    };
    assert_eq!(year("ValidUntil"), year("CreateDate") + 100, "{got}");

    // Assertion encryption: at most two RSA keys, never shown; Required needs one.
    let add = format!("&AddPrivateKey={}", encoded(KEY));
    let reference = &harness;
    let update = |rest: String| {
        let input = format!("{on}{rest}");
        async move { call(reference, "UpdateSAMLProvider", &input).await }
    };
    assert_error(
        &update(format!("{add}&RemovePrivateKey={}", "A".repeat(32))).await,
        StatusCode::BAD_REQUEST,
        "InvalidInput",
        "Unable to add and remove private keys in the same request.",
    );
    assert_error(
        &update(format!("&RemovePrivateKey={}", "A".repeat(32))).await,
        StatusCode::BAD_REQUEST,
        "InvalidInput",
        "does not match a private key",
    );
    assert_ok(&update(format!("{add}&AssertionEncryptionMode=Required")).await);
    assert_ok(&update(add.clone()).await);
    assert_error(
        &update(add.clone()).await,
        StatusCode::CONFLICT,
        "LimitExceeded",
        "Private key limit of 2 is reached.",
    );
    let (_, got) = call(&harness, "GetSAMLProvider", &on).await;
    assert!(
        got.contains("<AssertionEncryptionMode>Required</AssertionEncryptionMode>"),
        "{got}"
    );
    let key_ids: Vec<String> = got
        .split("<KeyId>")
        .skip(1)
        .map(|rest| rest.split("</KeyId>").next().unwrap().to_owned())
        .collect();
    assert_eq!(key_ids.len(), 2, "{got}");
    assert!(got.contains("<Timestamp>"), "{got}");
    assert!(!got.contains("PRIVATE KEY"), "{got}");
    let stored = harness
        .warden
        .store()
        .read(|tx| tx.saml_providers().get(ACCOUNT, "okta"))
        .unwrap()
        .unwrap();
    for key in &stored.encryption.private_keys {
        let sealed = String::from_utf8_lossy(&key.private_key_sealed).into_owned();
        for line in KEY.lines().filter(|line| !line.starts_with("-----")) {
            assert!(!sealed.contains(line));
        }
    }
    assert!(!format!("{stored:?}").contains("private_key_sealed"));
    assert_ok(&update(format!("&RemovePrivateKey={}", key_ids[0])).await);
    assert_error(
        &update(format!("&RemovePrivateKey={}", key_ids[1])).await,
        StatusCode::BAD_REQUEST,
        "InvalidInput",
        "Failed to remove private key.",
    );
    assert_ok(&update("&AssertionEncryptionMode=Allowed".to_owned()).await);
    assert_ok(&update(format!("&RemovePrivateKey={}", key_ids[1])).await);
    let (_, got) = call(&harness, "GetSAMLProvider", &on).await;
    assert!(!got.contains("PrivateKeyList"), "{got}");
    assert!(
        got.contains("<AssertionEncryptionMode>Allowed</AssertionEncryptionMode>"),
        "{got}"
    );

    // Missing providers answer AWS's words; a malformed ARN is invalid input.
    let missing = saml_arn("nobody");
    for action in [
        "GetSAMLProvider",
        "DeleteSAMLProvider",
        "ListSAMLProviderTags",
        "UpdateSAMLProvider",
    ] {
        let mut input = format!("SAMLProviderArn={}", encoded(&missing));
        if action == "UpdateSAMLProvider" {
            input.push_str(&format!("&SAMLMetadataDocument={}", encoded(METADATA)));
        }
        assert_error(
            &call(&harness, action, &input).await,
            StatusCode::NOT_FOUND,
            "NoSuchEntity",
            &format!("Manifest not found for arn {missing}"),
        );
    }
    assert_error(
        &call(
            &harness,
            "GetSAMLProvider",
            &format!(
                "SAMLProviderArn={}",
                encoded(&format!("arn:aws:iam::{ACCOUNT}:saml-provider/a/b"))
            ),
        )
        .await,
        StatusCode::BAD_REQUEST,
        "InvalidInput",
        "is not valid.",
    );
    assert_ok(&call(&harness, "DeleteSAMLProvider", &on).await);
    assert_error(
        &call(&harness, "DeleteSAMLProvider", &on).await,
        StatusCode::NOT_FOUND,
        "NoSuchEntity",
        "Manifest not found for arn",
    );
}

#[tokio::test]
async fn quotas_hold_and_the_summary_counts_both_kinds() {
    let harness = Harness::with_limits(warden_server::Limits::default()).await;
    for n in 0..100 {
        assert_ok(&create_oidc(&harness, &format!("https://idp{n}.example.com"), "").await);
    }
    assert_error(
        &create_oidc(&harness, "https://one-more.example.com", "").await,
        StatusCode::CONFLICT,
        "LimitExceeded",
        "Cannot exceed quota for OpenIdConnectProvidersPerAccount: 100",
    );
    for n in 0..3 {
        assert_ok(&create_saml(&harness, &format!("p{n}"), METADATA, "").await);
    }
    let (_, summary) = call(&harness, "GetAccountSummary", "").await;
    assert!(
        summary.contains("<entry><key>Providers</key><value>103</value></entry>"),
        "{summary}"
    );
}

#[tokio::test]
async fn the_provider_arn_is_what_policies_grant() {
    let harness = Harness::with_limits(warden_server::Limits::default()).await;
    assert_ok(&create_saml(&harness, "Mine", METADATA, "").await);
    assert_ok(&create_saml(&harness, "Theirs", METADATA, "").await);
    let policy = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"iam:GetSAMLProvider","Resource":"{}"}}]}}"#,
        saml_arn("Mine")
    );
    assert_ok(&call(&harness, "CreateUser", "UserName=idp-reader").await);
    assert_ok(
        &call(
            &harness,
            "PutUserPolicy",
            &format!(
                "UserName=idp-reader&PolicyName=p&PolicyDocument={}",
                encoded(&policy)
            ),
        )
        .await,
    );
    let (status, created) = call(&harness, "CreateAccessKey", "UserName=idp-reader").await;
    assert_eq!(status, StatusCode::OK, "{created}");
    let between = |open: &str, close: &str| {
        let start = created.find(open).unwrap() + open.len();
        let end = created[start..].find(close).unwrap() + start;
        created[start..end].to_owned()
    };
    let key = between("<AccessKeyId>", "</AccessKeyId>");
    let secret = between("<SecretAccessKey>", "</SecretAccessKey>");
    let get = |name: &str| {
        format!(
            "Action=GetSAMLProvider&Version=2010-05-08&SAMLProviderArn={}",
            encoded(&saml_arn(name))
        )
    };
    let (status, body) = harness
        .send(query_request(&iam::META, &get("Mine"), &key, &secret))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = harness
        .send(query_request(&iam::META, &get("Theirs"), &key, &secret))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert!(
        body.contains(&format!(
            "is not authorized to perform: iam:GetSAMLProvider on resource: {}",
            saml_arn("Theirs")
        )),
        "{body}"
    );
}

#[tokio::test]
async fn trust_policies_may_name_only_providers_that_exist() {
    let harness = Harness::with_limits(warden_server::Limits::default()).await;
    let trust = |federated: &str, action: &str| {
        encoded(&format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"Federated":{federated}}},"Action":"{action}"}}]}}"#
        ))
    };
    let oidc = oidc_arn("token.actions.example.com");
    let saml = saml_arn("Corp");
    for (n, (federated, action)) in [
        (format!("\"{oidc}\""), "sts:AssumeRoleWithWebIdentity"),
        (format!("[\"{saml}\"]"), "sts:AssumeRoleWithSAML"),
    ]
    .iter()
    .enumerate()
    {
        let create = format!(
            "RoleName=federated{n}&AssumeRolePolicyDocument={}",
            trust(federated, action)
        );
        let provider = federated.trim_matches(['[', ']', '"']);
        assert_error(
            &call(&harness, "CreateRole", &create).await,
            StatusCode::BAD_REQUEST,
            "MalformedPolicyDocument",
            &format!("Invalid principal in policy: &quot;Federated&quot;:&quot;{provider}&quot;"),
        );
        if n == 0 {
            assert_ok(&create_oidc(&harness, "https://token.actions.example.com", "").await);
        } else {
            assert_ok(&create_saml(&harness, "corp", METADATA, "").await);
        }
        assert_ok(&call(&harness, "CreateRole", &create).await);
    }
    // AWS's built-in providers need no IAM provider.
    assert_ok(
        &call(
            &harness,
            "CreateRole",
            &format!(
                "RoleName=google&AssumeRolePolicyDocument={}",
                trust("\"accounts.google.com\"", "sts:AssumeRoleWithWebIdentity")
            ),
        )
        .await,
    );
}
