//! The generated operation table: the facts joined from the models and the service
//! authorization reference.

use warden_protocol::{AccessLevel, OperationShape, cloudtrail, iam, kms, sts};

#[test]
fn actions_access_levels_and_read_only_come_from_the_reference() {
    let create_user = iam::META.operation("CreateUser").unwrap();
    assert_eq!(create_user.actions, ["iam:CreateUser"]);
    assert_eq!(create_user.access_level, Some(AccessLevel::Write));
    assert!(!create_user.read_only);
    assert!(create_user.condition_keys.contains(&"aws:TagKeys"));
    assert!(iam::META.operation("ListUsers").unwrap().read_only);
    assert!(iam::META.operation("GetUser").unwrap().read_only);
    assert!(
        cloudtrail::META
            .operation("LookupEvents")
            .unwrap()
            .read_only
    );
    assert!(
        !cloudtrail::META
            .operation("StartLogging")
            .unwrap()
            .read_only
    );
    // CloudTrail records KMS's cryptographic calls as read-only, but not the key-pair ones.
    assert!(kms::META.operation("Decrypt").unwrap().read_only);
    assert!(
        !kms::META
            .operation("GenerateDataKeyPair")
            .unwrap()
            .read_only
    );
    assert!(!kms::META.operation("CreateKey").unwrap().read_only);
    assert_eq!(
        kms::META.operation("ReEncrypt").unwrap().actions,
        ["kms:ReEncryptFrom", "kms:ReEncryptTo"]
    );
}

#[test]
fn resources_carry_their_arn_templates() {
    let info = iam::META.operation("CreateAccessKey").unwrap();
    let [user] = info.resources else {
        panic!("{:?}", info.resources)
    };
    assert!(user.required);
    assert_eq!(
        user.resource_type.arn_template,
        "arn:${Partition}:iam::${Account}:user/${UserNameWithPath}"
    );
    assert_eq!(user.resource_type.cloudtrail_type, "AWS::IAM::User");
    assert!(
        sts::META
            .operation("GetCallerIdentity")
            .unwrap()
            .resources
            .is_empty()
    );
    let arn = iam::arn::user("aws-cn", "111122223333", "division/alice");
    assert_eq!(
        arn.as_str(),
        "arn:aws-cn:iam::111122223333:user/division/alice"
    );
    assert_eq!(arn.resource_type, &iam::arn::USER);
    let trail = cloudtrail::arn::trail("aws", "eu-west-1", "111122223333", "main");
    assert_eq!(
        trail.as_str(),
        "arn:aws:cloudtrail:eu-west-1:111122223333:trail/main"
    );
    assert_eq!(
        trail.resource_type.cloudtrail_type,
        "AWS::CloudTrail::Trail"
    );
}

#[test]
fn sensitive_members_come_from_the_model() {
    let key_pair = kms::META.operation("GenerateDataKeyPair").unwrap();
    assert!(key_pair.sensitive_output.contains(&"PrivateKeyPlaintext"));
    assert!(
        kms::META
            .operation("DeriveSharedSecret")
            .unwrap()
            .sensitive_output
            .contains(&"SharedSecret")
    );
    assert_eq!(
        iam::META
            .operation("CreateAccessKey")
            .unwrap()
            .sensitive_output,
        ["SecretAccessKey"]
    );
    assert!(
        iam::META
            .operation("CreateLoginProfile")
            .unwrap()
            .sensitive_input
            .contains(&"Password")
    );
    assert!(
        iam::META
            .operation("ResetServiceSpecificCredential")
            .unwrap()
            .sensitive_output
            .contains(&"ServicePassword")
    );
    // Session tokens and MFA codes are never recorded either (docs/COMPATIBILITY.md).
    assert!(
        sts::META
            .operation("AssumeRole")
            .unwrap()
            .sensitive_output
            .contains(&"SessionToken")
    );
    assert!(
        sts::META
            .operation("AssumeRole")
            .unwrap()
            .sensitive_input
            .contains(&"TokenCode")
    );
}

#[test]
fn every_input_type_names_its_operation_and_output() {
    assert_eq!(
        <iam::CreateUserRequest as OperationShape>::INFO.name,
        "CreateUser"
    );
    assert_eq!(
        <sts::GetCallerIdentityRequest as OperationShape>::INFO.name,
        "GetCallerIdentity"
    );
    for meta in [&iam::META, &sts::META, &kms::META, &cloudtrail::META] {
        for info in meta.operations {
            assert!(!info.actions.is_empty(), "{}", info.name);
        }
    }
}
