//! KMS in process: envelope encryption, the encryption context bound to ciphertexts,
//! disabled keys, rotation keeping old ciphertexts readable, key policies deciding with or
//! without IAM, grants, signatures and MACs, and that no audit record holds a plaintext or
//! key byte sequence.
#![allow(
    clippy::indexing_slicing,
    clippy::string_slice,
    reason = "test code: a failure should panic"
)]

use axum::http::StatusCode;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};
use warden_protocol::{iam, kms};
use warden_store::StoreExt as _;

use super::operations::{Harness, json_request, query_request};

const ROOT_KEY: &str = "AKIAIOSFODNN7EXAMPLE";
const ROOT_SECRET: &str = "root-secret";
const ACCOUNT: &str = "123456789012";

type Keys = (String, String);

fn root() -> Keys {
    (ROOT_KEY.to_owned(), ROOT_SECRET.to_owned())
}

async fn harness() -> Harness {
    Harness::with_limits(warden_server::Limits::default()).await
}

/// A KMS call: its status and JSON answer.
async fn call(harness: &Harness, who: &Keys, operation: &str, input: Value) -> (StatusCode, Value) {
    let (status, body) = harness
        .send(json_request(
            &kms::META,
            operation,
            &input.to_string(),
            &who.0,
            &who.1,
        ))
        .await;
    (status, serde_json::from_str(&body).unwrap_or(Value::Null))
}

/// A KMS call that must succeed.
async fn ok(harness: &Harness, who: &Keys, operation: &str, input: Value) -> Value {
    let (status, answer) = call(harness, who, operation, input).await;
    assert_eq!(status, StatusCode::OK, "{operation}: {answer}");
    answer
}

/// A KMS call that must fail with `code`; its message.
async fn fails(harness: &Harness, who: &Keys, operation: &str, input: Value, code: &str) -> String {
    let (status, answer) = call(harness, who, operation, input).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{operation}: {answer}");
    assert_eq!(answer["__type"], code, "{operation}: {answer}");
    answer["message"].as_str().unwrap_or_default().to_owned()
}

/// An IAM call by root that must succeed; its body.
async fn iam_root(harness: &Harness, body: &str) -> String {
    let (status, answer) = harness
        .send(query_request(
            &iam::META,
            &format!("{body}&Version=2010-05-08"),
            ROOT_KEY,
            ROOT_SECRET,
        ))
        .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    answer
}

fn element(body: &str, name: &str) -> String {
    let open = format!("<{name}>");
    let start = body.find(&open).unwrap() + open.len();
    let end = start + body[start..].find('<').unwrap();
    body[start..end].to_owned()
}

/// A user with an access key and, when given, an inline policy.
async fn user(harness: &Harness, name: &str, policy: Option<&str>) -> Keys {
    iam_root(harness, &format!("Action=CreateUser&UserName={name}")).await;
    if let Some(policy) = policy {
        let encoded: String = form_urlencoded::byte_serialize(policy.as_bytes()).collect();
        iam_root(
            harness,
            &format!("Action=PutUserPolicy&UserName={name}&PolicyName=p&PolicyDocument={encoded}"),
        )
        .await;
    }
    let created = iam_root(harness, &format!("Action=CreateAccessKey&UserName={name}")).await;
    (
        element(&created, "AccessKeyId"),
        element(&created, "SecretAccessKey"),
    )
}

const KMS_ALL: &str =
    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:*","Resource":"*"}]}"#;

async fn new_key(harness: &Harness, who: &Keys, input: Value) -> String {
    ok(harness, who, "CreateKey", input).await["KeyMetadata"]["KeyId"]
        .as_str()
        .unwrap()
        .to_owned()
}

fn b64(bytes: &[u8]) -> String {
    STANDARD.encode(bytes)
}

fn bytes(value: &Value) -> Vec<u8> {
    STANDARD.decode(value.as_str().unwrap()).unwrap()
}

#[tokio::test]
async fn envelope_encryption_and_the_encryption_context() {
    let harness = harness().await;
    let key = new_key(&harness, &root(), json!({"Description": "envelope"})).await;
    let context = json!({"bucket": "reports", "object": "q3.csv"});
    let data_key = ok(
        &harness,
        &root(),
        "GenerateDataKey",
        json!({"KeyId": key, "KeySpec": "AES_256", "EncryptionContext": context}),
    )
    .await;
    let plaintext = bytes(&data_key["Plaintext"]);
    assert_eq!(plaintext.len(), 32);
    assert_eq!(
        data_key["KeyId"],
        format!("arn:aws:kms:us-east-1:{ACCOUNT}:key/{key}")
    );
    // Later: the data key decrypts with no KeyId, under the same context only.
    let decrypted = ok(
        &harness,
        &root(),
        "Decrypt",
        json!({"CiphertextBlob": data_key["CiphertextBlob"], "EncryptionContext": context}),
    )
    .await;
    assert_eq!(bytes(&decrypted["Plaintext"]), plaintext);
    assert_eq!(decrypted["EncryptionAlgorithm"], "SYMMETRIC_DEFAULT");
    for wrong in [json!({}), json!({"bucket": "reports", "object": "q4.csv"})] {
        fails(
            &harness,
            &root(),
            "Decrypt",
            json!({"CiphertextBlob": data_key["CiphertextBlob"], "EncryptionContext": wrong}),
            "InvalidCiphertextException",
        )
        .await;
    }
    let mut tampered = bytes(&data_key["CiphertextBlob"]);
    let last = tampered.len() - 1;
    tampered[last] ^= 1;
    fails(
        &harness,
        &root(),
        "Decrypt",
        json!({"CiphertextBlob": b64(&tampered), "EncryptionContext": context}),
        "InvalidCiphertextException",
    )
    .await;
    fails(
        &harness,
        &root(),
        "Decrypt",
        json!({"CiphertextBlob": b64(b"not a ciphertext")}),
        "InvalidCiphertextException",
    )
    .await;
    // Naming another key than the ciphertext's.
    let other = new_key(&harness, &root(), json!({})).await;
    let message = fails(
        &harness,
        &root(),
        "Decrypt",
        json!({"CiphertextBlob": data_key["CiphertextBlob"], "EncryptionContext": context, "KeyId": other}),
        "IncorrectKeyException",
    )
    .await;
    assert!(message.contains("does not identify"), "{message}");
    // ReEncrypt moves it under the other key.
    let moved = ok(
        &harness,
        &root(),
        "ReEncrypt",
        json!({"CiphertextBlob": data_key["CiphertextBlob"], "SourceEncryptionContext": context,
               "DestinationKeyId": other}),
    )
    .await;
    assert_eq!(
        bytes(
            &ok(
                &harness,
                &root(),
                "Decrypt",
                json!({"CiphertextBlob": moved["CiphertextBlob"]})
            )
            .await["Plaintext"]
        ),
        plaintext
    );
}

#[tokio::test]
async fn disabled_and_pending_deletion_keys_are_refused() {
    let harness = harness().await;
    let key = new_key(&harness, &root(), json!({})).await;
    let encrypt = json!({"KeyId": key, "Plaintext": b64(b"hello")});
    let blob = ok(&harness, &root(), "Encrypt", encrypt.clone()).await["CiphertextBlob"].clone();
    ok(&harness, &root(), "DisableKey", json!({"KeyId": key})).await;
    let message = fails(
        &harness,
        &root(),
        "Encrypt",
        encrypt.clone(),
        "DisabledException",
    )
    .await;
    assert_eq!(
        message,
        format!("arn:aws:kms:us-east-1:{ACCOUNT}:key/{key} is disabled.")
    );
    fails(
        &harness,
        &root(),
        "Decrypt",
        json!({"CiphertextBlob": blob}),
        "DisabledException",
    )
    .await;
    let described = ok(&harness, &root(), "DescribeKey", json!({"KeyId": key})).await;
    assert_eq!(described["KeyMetadata"]["KeyState"], "Disabled");
    assert_eq!(described["KeyMetadata"]["Enabled"], false);
    ok(&harness, &root(), "EnableKey", json!({"KeyId": key})).await;
    ok(
        &harness,
        &root(),
        "Decrypt",
        json!({"CiphertextBlob": blob}),
    )
    .await;

    let scheduled = ok(
        &harness,
        &root(),
        "ScheduleKeyDeletion",
        json!({"KeyId": key, "PendingWindowInDays": 7}),
    )
    .await;
    assert_eq!(scheduled["KeyState"], "PendingDeletion");
    assert_eq!(scheduled["PendingWindowInDays"], 7);
    fails(
        &harness,
        &root(),
        "Encrypt",
        encrypt.clone(),
        "KMSInvalidStateException",
    )
    .await;
    fails(
        &harness,
        &root(),
        "ScheduleKeyDeletion",
        json!({"KeyId": key, "PendingWindowInDays": 6}),
        "ValidationException",
    )
    .await;
    ok(
        &harness,
        &root(),
        "CancelKeyDeletion",
        json!({"KeyId": key}),
    )
    .await;
    let described = ok(&harness, &root(), "DescribeKey", json!({"KeyId": key})).await;
    assert_eq!(described["KeyMetadata"]["KeyState"], "Disabled");
    fails(
        &harness,
        &root(),
        "DescribeKey",
        json!({"KeyId": "1234abcd-12ab-34cd-56ef-1234567890ab"}),
        "NotFoundException",
    )
    .await;
}

#[tokio::test]
async fn rotation_keeps_old_ciphertexts_readable() {
    let harness = harness().await;
    let key = new_key(&harness, &root(), json!({})).await;
    let old = ok(
        &harness,
        &root(),
        "Encrypt",
        json!({"KeyId": key, "Plaintext": b64(b"before")}),
    )
    .await;
    ok(
        &harness,
        &root(),
        "EnableKeyRotation",
        json!({"KeyId": key}),
    )
    .await;
    let status = ok(
        &harness,
        &root(),
        "GetKeyRotationStatus",
        json!({"KeyId": key}),
    )
    .await;
    assert_eq!(status["KeyRotationEnabled"], true);
    assert_eq!(status["RotationPeriodInDays"], 365);
    ok(
        &harness,
        &root(),
        "RotateKeyOnDemand",
        json!({"KeyId": key}),
    )
    .await;
    let new = ok(
        &harness,
        &root(),
        "Encrypt",
        json!({"KeyId": key, "Plaintext": b64(b"after")}),
    )
    .await;
    let rotations = ok(&harness, &root(), "ListKeyRotations", json!({"KeyId": key})).await;
    assert_eq!(rotations["Rotations"].as_array().unwrap().len(), 1);
    assert_eq!(rotations["Rotations"][0]["RotationType"], "ON_DEMAND");
    for (blob, plaintext) in [(&old, b"before".as_slice()), (&new, b"after".as_slice())] {
        let decrypted = ok(
            &harness,
            &root(),
            "Decrypt",
            json!({"CiphertextBlob": blob["CiphertextBlob"]}),
        )
        .await;
        assert_eq!(bytes(&decrypted["Plaintext"]), plaintext);
    }
    let old_material = ok(
        &harness,
        &root(),
        "Decrypt",
        json!({"CiphertextBlob": old["CiphertextBlob"]}),
    )
    .await["KeyMaterialId"]
        .clone();
    let new_material = ok(
        &harness,
        &root(),
        "Decrypt",
        json!({"CiphertextBlob": new["CiphertextBlob"]}),
    )
    .await["KeyMaterialId"]
        .clone();
    assert_ne!(old_material, new_material);
}

#[tokio::test]
async fn the_key_policy_must_allow_and_delegates_only_through_the_account() {
    let harness = harness().await;
    let alice = user(&harness, "kms-alice", Some(KMS_ALL)).await;
    let bob = user(&harness, "kms-bob", None).await;
    // The default key policy delegates to IAM: alice (allowed by IAM) may, bob may not.
    let key = new_key(&harness, &root(), json!({})).await;
    let encrypt = json!({"KeyId": key, "Plaintext": b64(b"x")});
    ok(&harness, &alice, "Encrypt", encrypt.clone()).await;
    let message = fails(
        &harness,
        &bob,
        "Encrypt",
        encrypt.clone(),
        "AccessDeniedException",
    )
    .await;
    assert_eq!(
        message,
        format!(
            "User: arn:aws:iam::{ACCOUNT}:user/kms-bob is not authorized to perform: kms:Encrypt \
             on resource: arn:aws:kms:us-east-1:{ACCOUNT}:key/{key} because no identity-based \
             policy allows the kms:Encrypt action"
        )
    );
    // A policy that names bob (and root) but not the account: bob may without IAM, alice
    // may not although IAM allows her.
    let policy = json!({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": format!("arn:aws:iam::{ACCOUNT}:user/kms-bob")},
         "Action": ["kms:Encrypt", "kms:Decrypt"], "Resource": "*"},
        {"Effect": "Allow", "Principal": {"AWS": format!("arn:aws:iam::{ACCOUNT}:root")},
         "Action": "kms:*", "Resource": "*",
         "Condition": {"StringEquals": {"aws:PrincipalType": "Account"}}}
    ]});
    let strict = new_key(&harness, &root(), json!({"Policy": policy.to_string()})).await;
    let encrypt = json!({"KeyId": strict, "Plaintext": b64(b"x")});
    ok(&harness, &bob, "Encrypt", encrypt.clone()).await;
    let message = fails(
        &harness,
        &alice,
        "Encrypt",
        encrypt,
        "AccessDeniedException",
    )
    .await;
    assert_eq!(
        message,
        format!(
            "User: arn:aws:iam::{ACCOUNT}:user/kms-alice is not authorized to perform: kms:Encrypt \
             on resource: arn:aws:kms:us-east-1:{ACCOUNT}:key/{strict} because no \
             resource-based policy allows the kms:Encrypt action"
        )
    );
    // The lockout safety check: a policy that would lock the caller out is refused.
    let lockout = json!({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": format!("arn:aws:iam::{ACCOUNT}:user/kms-bob")},
         "Action": "kms:Encrypt", "Resource": "*"}]});
    let message = fails(
        &harness,
        &root(),
        "PutKeyPolicy",
        json!({"KeyId": key, "PolicyName": "default", "Policy": lockout.to_string()}),
        "MalformedPolicyDocumentException",
    )
    .await;
    assert_eq!(
        message,
        "The new key policy will not allow you to update the key policy in the future."
    );
    let default = ok(&harness, &root(), "GetKeyPolicy", json!({"KeyId": key})).await;
    let default: Value = serde_json::from_str(default["Policy"].as_str().unwrap()).unwrap();
    assert_eq!(
        default["Statement"][0]["Sid"],
        "Enable IAM User Permissions"
    );
    assert_eq!(
        default["Statement"][0]["Principal"]["AWS"],
        format!("arn:aws:iam::{ACCOUNT}:root")
    );
}

#[tokio::test]
async fn a_grant_allows_its_operations_until_retired() {
    let harness = harness().await;
    let bob = user(&harness, "kms-bob", None).await;
    let key = new_key(&harness, &root(), json!({})).await;
    let context = json!({"tenant": "a"});
    let blob = ok(
        &harness,
        &root(),
        "Encrypt",
        json!({"KeyId": key, "Plaintext": b64(b"secret"), "EncryptionContext": context}),
    )
    .await["CiphertextBlob"]
        .clone();
    let decrypt = json!({"CiphertextBlob": blob, "EncryptionContext": context});
    fails(
        &harness,
        &bob,
        "Decrypt",
        decrypt.clone(),
        "AccessDeniedException",
    )
    .await;
    let grant = ok(
        &harness,
        &root(),
        "CreateGrant",
        json!({"KeyId": key, "GranteePrincipal": format!("arn:aws:iam::{ACCOUNT}:user/kms-bob"),
               "RetiringPrincipal": format!("arn:aws:iam::{ACCOUNT}:user/kms-bob"),
               "Operations": ["Decrypt"],
               "Constraints": {"EncryptionContextSubset": {"tenant": "a"}}}),
    )
    .await;
    ok(&harness, &bob, "Decrypt", decrypt.clone()).await;
    // Exactly its operations, and only under its constraints.
    fails(
        &harness,
        &bob,
        "Encrypt",
        json!({"KeyId": key, "Plaintext": b64(b"x"), "EncryptionContext": context}),
        "AccessDeniedException",
    )
    .await;
    let listed = ok(&harness, &root(), "ListGrants", json!({"KeyId": key})).await;
    assert_eq!(listed["Grants"][0]["GrantId"], grant["GrantId"]);
    assert_eq!(listed["Grants"][0]["Operations"], json!(["Decrypt"]));
    ok(
        &harness,
        &bob,
        "RetireGrant",
        json!({"GrantToken": grant["GrantToken"]}),
    )
    .await;
    fails(&harness, &bob, "Decrypt", decrypt, "AccessDeniedException").await;
}

#[tokio::test]
async fn signatures_macs_and_aliases() {
    let harness = harness().await;
    for (spec, algorithm) in [
        ("ECC_NIST_P256", "ECDSA_SHA_256"),
        ("ECC_NIST_P384", "ECDSA_SHA_384"),
        ("ECC_SECG_P256K1", "ECDSA_SHA_256"),
        ("RSA_2048", "RSASSA_PSS_SHA_256"),
    ] {
        let key = new_key(
            &harness,
            &root(),
            json!({"KeySpec": spec, "KeyUsage": "SIGN_VERIFY"}),
        )
        .await;
        let signed = ok(
            &harness,
            &root(),
            "Sign",
            json!({"KeyId": key, "Message": b64(b"message"), "SigningAlgorithm": algorithm}),
        )
        .await;
        ok(
            &harness,
            &root(),
            "Verify",
            json!({"KeyId": key, "Message": b64(b"message"), "Signature": signed["Signature"],
                   "SigningAlgorithm": algorithm}),
        )
        .await;
        fails(
            &harness,
            &root(),
            "Verify",
            json!({"KeyId": key, "Message": b64(b"massage"), "Signature": signed["Signature"],
                   "SigningAlgorithm": algorithm}),
            "KMSInvalidSignatureException",
        )
        .await;
        let public = ok(&harness, &root(), "GetPublicKey", json!({"KeyId": key})).await;
        assert_eq!(public["KeySpec"], spec);
        assert!(!bytes(&public["PublicKey"]).is_empty());
        fails(
            &harness,
            &root(),
            "Encrypt",
            json!({"KeyId": key, "Plaintext": b64(b"x")}),
            "InvalidKeyUsageException",
        )
        .await;
    }
    let mac_key = new_key(
        &harness,
        &root(),
        json!({"KeySpec": "HMAC_384", "KeyUsage": "GENERATE_VERIFY_MAC"}),
    )
    .await;
    let mac = ok(
        &harness,
        &root(),
        "GenerateMac",
        json!({"KeyId": mac_key, "Message": b64(b"m"), "MacAlgorithm": "HMAC_SHA_384"}),
    )
    .await;
    assert_eq!(bytes(&mac["Mac"]).len(), 48);
    fails(
        &harness,
        &root(),
        "VerifyMac",
        json!({"KeyId": mac_key, "Message": b64(b"n"), "Mac": mac["Mac"],
               "MacAlgorithm": "HMAC_SHA_384"}),
        "KMSInvalidMacException",
    )
    .await;
    // Aliases work wherever a key id does, by name and by ARN.
    let key = new_key(&harness, &root(), json!({})).await;
    ok(
        &harness,
        &root(),
        "CreateAlias",
        json!({"AliasName": "alias/app", "TargetKeyId": key}),
    )
    .await;
    for name in [
        "alias/app".to_owned(),
        format!("arn:aws:kms:us-east-1:{ACCOUNT}:alias/app"),
        format!("arn:aws:kms:us-east-1:{ACCOUNT}:key/{key}"),
    ] {
        let described = ok(&harness, &root(), "DescribeKey", json!({"KeyId": name})).await;
        assert_eq!(described["KeyMetadata"]["KeyId"], key);
    }
    fails(
        &harness,
        &root(),
        "CreateAlias",
        json!({"AliasName": "alias/aws/mine", "TargetKeyId": key}),
        "InvalidAliasNameException",
    )
    .await;
    let message = fails(
        &harness,
        &root(),
        "DescribeKey",
        json!({"KeyId": "alias/missing"}),
        "NotFoundException",
    )
    .await;
    assert_eq!(
        message,
        format!("Alias arn:aws:kms:us-east-1:{ACCOUNT}:alias/missing is not found.")
    );
}

#[tokio::test]
async fn no_kms_audit_record_holds_a_plaintext_or_key_bytes() {
    let harness = harness().await;
    let key = new_key(&harness, &root(), json!({})).await;
    let plaintext = b"the-plaintext-that-must-never-be-recorded";
    let mut secrets: Vec<String> = vec![b64(plaintext)];
    let blob = ok(
        &harness,
        &root(),
        "Encrypt",
        json!({"KeyId": key, "Plaintext": b64(plaintext)}),
    )
    .await["CiphertextBlob"]
        .clone();
    ok(
        &harness,
        &root(),
        "Decrypt",
        json!({"CiphertextBlob": blob}),
    )
    .await;
    let data_key = ok(
        &harness,
        &root(),
        "GenerateDataKey",
        json!({"KeyId": key, "NumberOfBytes": 32}),
    )
    .await;
    secrets.push(data_key["Plaintext"].as_str().unwrap().to_owned());
    let pair = ok(
        &harness,
        &root(),
        "GenerateDataKeyPair",
        json!({"KeyId": key, "KeyPairSpec": "ECC_NIST_P256"}),
    )
    .await;
    secrets.push(pair["PrivateKeyPlaintext"].as_str().unwrap().to_owned());
    let random = ok(
        &harness,
        &root(),
        "GenerateRandom",
        json!({"NumberOfBytes": 32}),
    )
    .await;
    secrets.push(random["Plaintext"].as_str().unwrap().to_owned());
    // The key material itself, as stored: only sealed, and never in a record.
    let stored = harness
        .warden
        .store()
        .read(|tx| tx.kms().key(&key))
        .unwrap()
        .unwrap();
    for material in &stored.materials {
        secrets.push(b64(&material.sealed));
    }
    let events = harness.events();
    let kms_events: Vec<&Value> = events
        .iter()
        .filter(|event| event["eventSource"] == "kms.amazonaws.com")
        .collect();
    assert!(kms_events.len() >= 6);
    for event in &kms_events {
        let text = event.to_string();
        for secret in &secrets {
            assert!(!text.contains(secret.as_str()), "recorded: {text}");
        }
        // Nor the raw plaintext, in any encoding serde would give it.
        assert!(!text.contains("the-plaintext-that-must-never-be-recorded"));
    }
    let decrypt = kms_events
        .iter()
        .find(|event| event["eventName"] == "Decrypt")
        .unwrap();
    assert_eq!(decrypt["readOnly"], true);
    assert_eq!(decrypt["eventCategory"], "Management");
}
