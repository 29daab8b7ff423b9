//! Validation messages, checked against AWS's exact text.

use warden_protocol::{AwsError, QueryParams, iam, kms};

fn iam_error(body: &str) -> AwsError {
    let params = QueryParams::parse(body.as_bytes()).unwrap();
    iam::Operation::from_query(params.action().unwrap(), &params).unwrap_err()
}

#[test]
fn pattern() {
    let error = iam_error("Action=CreateUser&UserName=bad%20name");
    assert_eq!(
        (error.code.as_ref(), error.status, error.sender_fault),
        ("ValidationError", 400, true)
    );
    assert_eq!(
        error.message,
        "1 validation error detected: Value 'bad name' at 'userName' failed to satisfy constraint: \
         Member must satisfy regular expression pattern: [\\w+=,.@-]+"
    );
}

#[test]
fn length() {
    let name = "a".repeat(65);
    let error = iam_error(&format!("Action=CreateUser&UserName={name}"));
    assert_eq!(
        error.message,
        format!(
            "1 validation error detected: Value '{name}' at 'userName' failed to satisfy constraint: \
             Member must have length less than or equal to 64"
        )
    );
}

#[test]
fn enum_value_set() {
    let error = iam_error("Action=ListPolicies&Scope=Everything");
    assert_eq!(
        error.message,
        "1 validation error detected: Value 'Everything' at 'scope' failed to satisfy constraint: \
         Member must satisfy enum value set: [All, AWS, Local]"
    );
}

#[test]
fn missing_required_member() {
    let error = iam_error("Action=CreateUser");
    assert_eq!(
        error.message,
        "1 validation error detected: Value null at 'userName' failed to satisfy constraint: Member must not be null"
    );
}

#[test]
fn two_errors_at_once() {
    let error = iam_error(
        "Action=CreateUser&UserName=ok&Path=no-slashes&Tags.member.1.Key=k&Tags.member.1.Value=%7Bbad%7D",
    );
    assert_eq!(
        error.message,
        "2 validation errors detected: Value 'no-slashes' at 'path' failed to satisfy constraint: \
         Member must satisfy regular expression pattern: (\\u002F)|(\\u002F[\\u0021-\\u007E]+\\u002F); \
         Value '{bad}' at 'tags.1.member.value' failed to satisfy constraint: \
         Member must satisfy regular expression pattern: [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*"
    );
}

#[test]
fn integer_range_and_type() {
    let error = iam_error("Action=ListUsers&MaxItems=0");
    assert_eq!(
        error.message,
        "1 validation error detected: Value '0' at 'maxItems' failed to satisfy constraint: \
         Member must have value greater than or equal to 1"
    );
    let error = iam_error("Action=ListUsers&MaxItems=lots");
    assert_eq!(error.code, "ValidationError");
}

#[test]
fn sensitive_values_are_not_echoed() {
    let error = iam_error("Action=CreateLoginProfile&UserName=bob&Password=");
    assert_eq!(
        error.message,
        "2 validation errors detected: Value at 'password' failed to satisfy constraint: \
         Member must have length greater than or equal to 1; Value at 'password' failed to satisfy constraint: \
         Member must satisfy regular expression pattern: [\\u0009\\u000A\\u000D\\u0020-\\u00FF]+"
    );
}

#[test]
fn json_services_use_validation_exception() {
    let error = kms::Operation::from_json("DescribeKey", br#"{"KeyId":""}"#).unwrap_err();
    assert_eq!(error.code, "ValidationException");
    assert_eq!(
        error.message,
        "1 validation error detected: Value '' at 'keyId' failed to satisfy constraint: \
         Member must have length greater than or equal to 1"
    );
    assert_eq!(
        kms::Operation::from_json("Nope", b"{}").unwrap_err().code,
        "UnknownOperationException"
    );
    assert_eq!(
        kms::Operation::from_json("DescribeKey", b"[")
            .unwrap_err()
            .code,
        "SerializationException"
    );
    let op = kms::Operation::from_json("DescribeKey", br#"{"KeyId":"alias/x"}"#).unwrap();
    assert_eq!(op.name(), "DescribeKey");
}

#[test]
fn json_type_mismatch_is_a_serialization_error() {
    let error = kms::Operation::from_json("DescribeKey", br#"{"KeyId":5}"#).unwrap_err();
    assert_eq!(error.code, "SerializationException");
    assert_eq!(error.message, "Value 5 at 'keyId' is not a string.");
    let error = kms::Operation::from_json("ListKeys", br#"{"Limit":"ten"}"#).unwrap_err();
    assert_eq!(error.code, "SerializationException");
}

#[test]
fn string_list_elements_are_reported_once_for_the_list() {
    let long = "x".repeat(129);
    let error = iam_error(&format!(
        "Action=SimulateCustomPolicy&PolicyInputList.member.1=p&ActionNames.member.1=ok&ActionNames.member.2={long}"
    ));
    assert_eq!(
        error.message,
        format!(
            "1 validation error detected: Value '[ok, {long}]' at 'actionNames' failed to satisfy constraint: \
             Member must satisfy constraint: [Member must have length less than or equal to 128, \
             Member must have length greater than or equal to 3]"
        )
    );
}

#[test]
fn look_around_patterns_are_enforced() {
    let params = QueryParams::parse(b"Action=CreateAccountAlias&AccountAlias=my-alias").unwrap();
    assert!(iam::Operation::from_query("CreateAccountAlias", &params).is_ok());
    let error = iam_error("Action=CreateAccountAlias&AccountAlias=my--alias");
    assert_eq!(
        error.message,
        "1 validation error detected: Value 'my--alias' at 'accountAlias' failed to satisfy constraint: \
         Member must satisfy regular expression pattern: ^[a-z0-9]([a-z0-9]|-(?!-)){1,61}[a-z0-9]$"
    );
}

#[test]
fn json_structures_must_be_objects() {
    let error =
        kms::Operation::from_json("TagResource", br#"{"KeyId":"k","Tags":[1]}"#).unwrap_err();
    assert_eq!(error.code, "SerializationException");
    assert_eq!(
        error.message,
        "Value 1 at 'tags.1.member' is not a structure."
    );
}
