//! Validation messages, table-driven (cases follow IAM's behaviour as recorded by moto).

use super::*;

fn error(kind: PolicyKind, doc: &str) -> Option<String> {
    validate(doc, kind, ParseOptions::default()).err()
}

fn stmt(body: &str) -> String {
    format!(r#"{{"Version":"2012-10-17","Statement":{body}}}"#)
}

#[test]
fn identity_policy_messages() {
    let cases: &[(&str, Option<&str>)] = &[
        ("This is not a json document", Some(SYNTAX)),
        (
            r#"{"Version":"2013-10-17","Statement":{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::b"}}"#,
            Some(SYNTAX),
        ),
        (r#"{"Version":"2012-10-17"}"#, Some(SYNTAX)),
        (
            r#"{"Version":"2012-10-17","Statement":["afd"]}"#,
            Some(SYNTAX),
        ),
        (r#"{"Version":"2012-10-17","Statement":[]}"#, Some(SYNTAX)),
        (
            r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::b"},"Extra field":"value"}"#,
            Some(SYNTAX),
        ),
        (
            r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::b","Action":"s3:x"}}"#,
            Some(SYNTAX),
        ),
        (
            &stmt(r#"{"Effect":"invalid","Action":"s3:ListBucket","Resource":"arn:aws:s3:::b"}"#),
            Some(SYNTAX),
        ),
        (
            &stmt(r#"{"Effect":"Allow","Action":"invalid","Resource":"arn:aws:s3:::b"}"#),
            Some(NO_VENDOR),
        ),
        (
            &stmt(r#"{"Effect":"Allow","NotAction":"","Resource":"arn:aws:s3:::b"}"#),
            Some(NO_VENDOR),
        ),
        (
            &stmt(r#"{"Effect":"Allow","Action":"a a:ListBucket","Resource":"arn:aws:s3:::b"}"#),
            Some("Vendor a a is not valid"),
        ),
        (
            &stmt(r#"{"Effect":"Allow","Action":"s3:List:Bucket","Resource":"arn:aws:s3:::b"}"#),
            Some(ONE_COLON),
        ),
        (
            &stmt(r#"{"Effect":"Allow","Action":"s3:ListBucket","Resource":"invalid resource"}"#),
            Some("Resource invalid resource must be in ARN format or \"*\"."),
        ),
        (
            &stmt(r#"{"Effect":"Allow","Action":"s:3:ListBucket","Resource":"sdfsadf"}"#),
            Some("Resource sdfsadf must be in ARN format or \"*\"."),
        ),
        (
            &stmt(r#"{"Effect":"Allow","NotAction":"s3s:ListBucket","Resource":"a:bsdfdsafsad"}"#),
            Some(
                "Partition \"bsdfdsafsad\" is not valid for resource \"arn:bsdfdsafsad:*:*:*:*\".",
            ),
        ),
        (
            &stmt(
                r#"{"Effect":"Allow","NotAction":"s3s:ListBucket","Resource":"a:b:c:d:e:f:g:h"}"#,
            ),
            Some("Partition \"b\" is not valid for resource \"arn:b:c:d:e:f:g:h\"."),
        ),
        (
            &stmt(
                r#"{"Effect":"Allow","Action":"s3:ListBucket","Resource":"aws:s3:::example_bucket"}"#,
            ),
            Some("Partition \"s3\" is not valid for resource \"arn:s3:::example_bucket:*\"."),
        ),
        (
            &stmt(
                r#"{"Effect":"Allow","Action":"s3:ListBucket","Resource":["arn:error:s3:::example_bucket","arn:error:s3::example_bucket"]}"#,
            ),
            Some(
                "Partition \"error\" is not valid for resource \"arn:error:s3:::example_bucket\".",
            ),
        ),
        (
            &stmt(r#"{"Effect":"Allow","Action":"s3:ListBucket"}"#),
            Some(NO_RESOURCES),
        ),
        (
            &stmt(r#"{"Effect":"Allow","Action":"s3:ListBucket","Resource":[]}"#),
            Some(NO_RESOURCES),
        ),
        (
            &stmt(r#"{"Effect":"Allow","Action":"invalid"}"#),
            Some(NO_VENDOR),
        ),
        (
            &stmt(r#"{"Effect":"Allow","Resource":"arn:aws:s3:::b"}"#),
            Some(NO_ACTIONS),
        ),
        (
            &stmt(r#"{"Action":"s3:ListBucket","Resource":"arn:aws:s3:::b"}"#),
            Some(SYNTAX),
        ),
        (
            &stmt(
                r#"[{"Effect":"Deny"},{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::b"}]"#,
            ),
            Some(NO_ACTIONS),
        ),
        (
            &stmt(
                r#"{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:iam:::example_bucket"}"#,
            ),
            Some(
                "IAM resource path must either be \"*\" or start with user/, federated-user/, role/, group/, instance-profile/, mfa/, server-certificate/, policy/, sms-mfa/, saml-provider/, oidc-provider/, report/, access-report/.",
            ),
        ),
        (
            &stmt(
                r#"{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3::example_bucket"}"#,
            ),
            Some(LEGACY),
        ),
        (
            &stmt(r#"{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws"}"#),
            Some("Resource vendor must be fully qualified and cannot contain regexes."),
        ),
        (
            &stmt(
                r#"{"Effect":"Allow","Action":"s3:ListBucket","Resource":{"a":"arn:aws:s3:::b"}}"#,
            ),
            Some(SYNTAX),
        ),
        (
            &stmt(
                r#"{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::b","Condition":{"a":"b"}}"#,
            ),
            Some(SYNTAX),
        ),
        (
            &stmt(
                r#"{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::b","Condition":{"x":{"a":"1"}}}"#,
            ),
            Some(SYNTAX),
        ),
        (
            &stmt(
                r#"{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::b","Condition":{"ForAnyValue::StringEqualsIfExists":{"a":"asf"}}}"#,
            ),
            Some(SYNTAX),
        ),
        (
            &stmt(
                r#"{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:iam:us-east-1::example_bucket"}"#,
            ),
            Some(
                "IAM resource arn:aws:iam:us-east-1::example_bucket cannot contain region information.",
            ),
        ),
        (
            &stmt(
                r#"{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:us-east-1::example_bucket"}"#,
            ),
            Some(
                "Resource arn:aws:s3:us-east-1::example_bucket can not contain region information.",
            ),
        ),
        (
            &stmt(
                r#"[{"Sid":"sdf","Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::b"},{"Sid":"sdf","Effect":"Allow"}]"#,
            ),
            Some(SID_UNIQUE),
        ),
        (
            &stmt(r#"{"Effect":"denY","Action":"s3:ListBucket","Resource":"arn:aws:s3:::b"}"#),
            Some(LEGACY),
        ),
        (
            &stmt(
                r#"{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::b","Condition":{"DateGreaterThan":{"a":"sdfdsf"}}}"#,
            ),
            Some(LEGACY),
        ),
        (
            &stmt(
                r#"{"Effect":"Allow","NotAction":"s3:ListBucket","Resource":"arn:aws::::example_bucket"}"#,
            ),
            Some(LEGACY),
        ),
        (
            &stmt(r#"{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws::fdsasf"}"#),
            Some(LEGACY),
        ),
        (
            &stmt(
                r#"{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::b","Condition":{"DateLessThan":{"a":"9223372036854775808"}}}"#,
            ),
            Some(LEGACY),
        ),
        (
            &stmt(r#"{"Sid":"a-b","Effect":"Allow","Action":"s3:ListBucket","Resource":"*"}"#),
            Some(SID_ALNUM),
        ),
        (
            &stmt(r#"{"Effect":"Allow","Principal":"*","Action":"s3:ListBucket","Resource":"*"}"#),
            Some(NO_PRINCIPAL_ALLOWED),
        ),
        (
            r#"{"Version":"2012-10-17","Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:x","Resource":"*"}}"#,
            Some(SYNTAX),
        ),
        // accepted documents
        (
            &stmt(
                r#"{"Effect":"Allow","Action":"iam: asdf safdsf af ","Resource":"arn:aws:s3:::b"}"#,
            ),
            None,
        ),
        (
            &stmt(
                r#"{"Effect":"Allow","Action":"s3:ListBucket","Resource":["arn:aws:s3:::b","*"]}"#,
            ),
            None,
        ),
        (
            &stmt(r#"{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:fdsasf"}"#),
            None,
        ),
        (
            &stmt(
                r#"{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:iam:::user/x"}"#,
            ),
            None,
        ),
        (
            &stmt(
                r#"{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:ec2:us-east-1::x","Condition":{"a":{},"DateGreaterThan":{"a":[]}}}"#,
            ),
            None,
        ),
        (
            &stmt(
                r#"{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:us-west-2:123456789012:accesspoint/my-access-point"}"#,
            ),
            None,
        ),
        (
            &stmt(
                r#"{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*","Condition":{"DateLessThanEquals":{"a":"2016-12-13t2:00:00.593194+23"},"Bool":{"aws:SecureTransport":true},"NumericLessThan":{"s3:max-keys":10}}}"#,
            ),
            None,
        ),
        (
            &stmt(
                r#"[{"Sid":"","Effect":"Allow","Action":"rds:*","Resource":"*"},{"Sid":"","Effect":"Deny","NotAction":"rds:x","NotResource":"*"}]"#,
            ),
            None,
        ),
    ];
    for (doc, expected) in cases {
        assert_eq!(
            error(PolicyKind::Identity, doc).as_deref(),
            *expected,
            "{doc}"
        );
    }
}

#[test]
fn managed_policy_version_rule_is_an_option() {
    let doc =
        r#"{"Statement":{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::b"}}"#;
    let managed = ParseOptions {
        require_version_2012: true,
        ..ParseOptions::default()
    };
    assert_eq!(
        validate(doc, PolicyKind::Identity, managed)
            .err()
            .as_deref(),
        Some(VERSION)
    );
    assert!(validate(doc, PolicyKind::Identity, ParseOptions::default()).is_ok());
    let old = doc.replace(
        "{\"Statement\"",
        "{\"Version\":\"2008-10-17\",\"Statement\"",
    );
    assert_eq!(
        validate(&old, PolicyKind::Identity, managed)
            .err()
            .as_deref(),
        Some(VERSION)
    );
}

#[test]
fn kind_rules() {
    let trust_ok = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":"123456789012"},"Action":"sts:AssumeRole"}}"#;
    assert_eq!(error(PolicyKind::Trust, trust_ok), None);
    assert_eq!(
        error(PolicyKind::Trust, "{not json"),
        Some(INVALID_JSON.into())
    );
    let trust_resource = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole","Resource":"*"}}"#;
    assert_eq!(
        error(PolicyKind::Trust, trust_resource).as_deref(),
        Some("Has prohibited field Resource")
    );
    let trust_no_principal =
        r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"sts:AssumeRole"}}"#;
    assert_eq!(
        error(PolicyKind::Trust, trust_no_principal).as_deref(),
        Some(PRINCIPAL_REQUIRED)
    );
    let trust_s3 = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":"*","Action":"s3:GetObject"}}"#;
    assert_eq!(
        error(PolicyKind::Trust, trust_s3).as_deref(),
        Some(TRUST_ACTIONS)
    );
    let bad_principal = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":"bob"},"Action":"sts:AssumeRole"}}"#;
    assert_eq!(
        error(PolicyKind::Trust, bad_principal).as_deref(),
        Some("Invalid principal in policy: \"AWS\":\"bob\"")
    );
    let resource_policy = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::123456789012:user/a"]},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}}"#;
    assert_eq!(error(PolicyKind::Resource, resource_policy), None);
    assert_eq!(
        error(PolicyKind::Identity, resource_policy).as_deref(),
        Some(NO_PRINCIPAL_ALLOWED)
    );
    assert_eq!(
        error(PolicyKind::Scp, resource_policy).as_deref(),
        Some(NO_PRINCIPAL_ALLOWED)
    );
    let rcp = r#"{"Version":"2012-10-17","Statement":{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*"}}"#;
    assert_eq!(error(PolicyKind::Rcp, rcp), None);
    let float_date = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"DateLessThan":{"aws:EpochTime":1.5}}}}"#;
    assert_eq!(
        error(PolicyKind::Identity, float_date).as_deref(),
        Some(LEGACY),
        "numbers are checked as printed"
    );
    let epoch_number = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"DateLessThan":{"aws:EpochTime":1700000000}}}}"#;
    assert_eq!(error(PolicyKind::Identity, epoch_number), None);
    let rcp_aws_star = r#"{"Version":"2012-10-17","Statement":{"Effect":"Deny","Principal":{"AWS":["*"]},"Action":"s3:*","Resource":"*"}}"#;
    assert_eq!(error(PolicyKind::Rcp, rcp_aws_star), None);
    let rcp_not_action = r#"{"Version":"2012-10-17","Statement":{"Effect":"Deny","Principal":"*","NotAction":"s3:*","Resource":"*"}}"#;
    assert_eq!(
        error(PolicyKind::Rcp, rcp_not_action).as_deref(),
        Some(SYNTAX)
    );
}

#[test]
fn aws_authored_documents_skip_the_resource_arn_shape_rules() {
    let doc = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:*:*:access-grants/default/grant/*"}}"#;
    assert!(validate(doc, PolicyKind::Identity, ParseOptions::default()).is_err());
    let aws = ParseOptions {
        authored_by_aws: true,
        ..ParseOptions::default()
    };
    assert!(validate(doc, PolicyKind::Identity, aws).is_ok());
    // Everything else still applies.
    let no_action = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Resource":"*"}}"#;
    assert!(validate(no_action, PolicyKind::Identity, aws).is_err());
}
