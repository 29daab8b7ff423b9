//! The committed generated code is what the generator produces now, and
//! the generated tables agree with the models.

#[test]
fn generated_code_is_fresh() {
    let stale = xtask::codegen::stale_files(&xtask::workspace_root()).unwrap();
    assert!(
        stale.is_empty(),
        "stale generated files (run `cargo run -p xtask -- codegen`): {stale:?}"
    );
}

#[test]
fn error_table() {
    use warden_protocol::{iam, sts};
    assert_eq!(iam::error_status("NoSuchEntity"), Some((404, true)));
    assert_eq!(iam::error_status("EntityAlreadyExists"), Some((409, true)));
    assert_eq!(iam::error_status("ServiceFailure"), Some((500, false)));
    assert_eq!(
        sts::error_status("ExpiredTokenException"),
        Some((400, true))
    );
    assert_eq!(iam::error_status("Nope"), None);
    let error = iam::errors::NO_SUCH_ENTITY.with_message("The user with name bob cannot be found.");
    assert_eq!((error.code.as_ref(), error.status), ("NoSuchEntity", 404));
}

#[test]
fn metadata() {
    use warden_protocol::{Protocol, iam, kms, sts};
    assert_eq!(
        iam::META.xml_namespace,
        "https://iam.amazonaws.com/doc/2010-05-08/"
    );
    assert_eq!(iam::META.api_version, "2010-05-08");
    assert_eq!(iam::META.protocol, Protocol::Query);
    assert_eq!(sts::META.signing_name, "sts");
    assert_eq!(kms::META.target_prefix, "TrentService");
    assert_eq!(
        kms::META.operation_from_target("TrentService.CreateKey"),
        Some("CreateKey")
    );
    assert_eq!(iam::OPERATIONS.len(), iam::META.operations.len());
    assert!(iam::OPERATIONS.windows(2).all(|w| w[0].name < w[1].name));
    assert_eq!(
        iam::META.operation("CreateUser").unwrap().result_wrapper,
        Some("CreateUserResult")
    );
}

#[test]
fn operations_know_their_iam_action() {
    use warden_protocol::{QueryParams, iam, kms};
    let params = QueryParams::parse(b"Action=ListUsers").unwrap();
    let op = iam::Operation::from_query("ListUsers", &params).unwrap();
    assert_eq!((op.name(), op.iam_action()), ("ListUsers", "iam:ListUsers"));
    let op = kms::Operation::from_json("ListKeys", b"").unwrap();
    assert_eq!(op.iam_action(), "kms:ListKeys");
}

#[test]
fn sensitive_members_are_redacted_in_debug() {
    use warden_protocol::iam;
    let key = iam::AccessKey {
        secret_access_key: "wJalrXUtnFEMI/K7MDENG".into(),
        ..Default::default()
    };
    let debug = format!("{key:?}");
    assert!(!debug.contains("wJalr"), "{debug}");
    assert!(
        debug.contains("secret_access_key: \"<redacted>\""),
        "{debug}"
    );
}

#[test]
fn every_operation_decodes_or_reports_validation_errors() {
    use warden_protocol::{QueryParams, cloudtrail, iam, kms, organizations, sts};
    let empty = QueryParams::parse(b"").unwrap();
    for info in iam::OPERATIONS {
        match iam::Operation::from_query(info.name, &empty) {
            Ok(op) => assert_eq!(op.name(), info.name),
            Err(error) => assert_eq!(error.code, "ValidationError", "{}: {error}", info.name),
        }
    }
    for info in sts::OPERATIONS {
        match sts::Operation::from_query(info.name, &empty) {
            Ok(op) => assert_eq!(op.name(), info.name),
            Err(error) => assert_eq!(error.code, "ValidationError", "{}: {error}", info.name),
        }
    }
    type Decoder = fn(&str) -> Result<&'static str, warden_protocol::AwsError>;
    let json_services: [(&warden_protocol::ServiceMeta, Decoder); 3] = [
        (&kms::META, |op| {
            kms::Operation::from_json(op, b"{}").map(|o| o.name())
        }),
        (&cloudtrail::META, |op| {
            cloudtrail::Operation::from_json(op, b"{}").map(|o| o.name())
        }),
        (&organizations::META, |op| {
            organizations::Operation::from_json(op, b"{}").map(|o| o.name())
        }),
    ];
    for (meta, decode) in json_services {
        for info in meta.operations {
            match decode(info.name) {
                Ok(name) => assert_eq!(name, info.name),
                Err(error) => {
                    assert_eq!(error.code, "ValidationException", "{}: {error}", info.name)
                }
            }
        }
    }
}
