//! Query decoding: flattening conventions, through the generated IAM types.

use warden_protocol::{QueryParams, iam, sts};

fn iam_op(body: &str) -> iam::Operation {
    let params = QueryParams::parse(body.as_bytes()).unwrap();
    iam::Operation::from_query(params.action().unwrap(), &params).unwrap()
}

#[test]
fn create_user_with_tags_in_any_order() {
    let op = iam_op(
        "Action=CreateUser&Version=2010-05-08&UserName=bob&Path=%2Fteam%2F\
         &Tags.member.2.Key=b&Tags.member.2.Value=2&Tags.member.1.Value=1&Tags.member.1.Key=a&Unknown=x",
    );
    let iam::Operation::CreateUser(input) = op else {
        panic!("{op:?}")
    };
    assert_eq!(input.user_name, "bob");
    assert_eq!(input.path.as_deref(), Some("/team/"));
    let tags: Vec<(&str, &str)> = input
        .tags
        .as_deref()
        .unwrap()
        .iter()
        .map(|t| (t.key.as_str(), t.value.as_str()))
        .collect();
    assert_eq!(tags, [("a", "1"), ("b", "2")]);
}

#[test]
fn list_indices_sort_numerically_and_may_be_sparse() {
    let op = iam_op(
        "Action=TagUser&UserName=bob&Tags.member.10.Key=ten&Tags.member.10.Value=&Tags.member.2.Key=two&Tags.member.2.Value=",
    );
    let iam::Operation::TagUser(input) = op else {
        panic!("{op:?}")
    };
    let keys: Vec<&str> = input.tags.iter().map(|t| t.key.as_str()).collect();
    assert_eq!(keys, ["two", "ten"]);
}

#[test]
fn scalar_lists_and_empty_lists() {
    let op = iam_op(
        "Action=RemoveClientIDFromOpenIDConnectProvider&OpenIDConnectProviderArn=arn:aws:iam::123456789012:oidc-provider/x&ClientID=c",
    );
    assert_eq!(op.name(), "RemoveClientIDFromOpenIDConnectProvider");

    let op = iam_op(
        "Action=SimulateCustomPolicy&PolicyInputList.member.1=%7B%7D&ActionNames.member.2=iam%3AB&ActionNames.member.1=iam%3AA&ResourceArns=",
    );
    let iam::Operation::SimulateCustomPolicy(input) = op else {
        panic!("{op:?}")
    };
    assert_eq!(input.action_names, ["iam:A", "iam:B"]);
    assert_eq!(
        input.resource_arns,
        Some(Vec::new()),
        "`Name=` is an empty list"
    );
    assert_eq!(input.policy_input_list, ["{}"]);
}

#[test]
fn lists_of_structures_with_nested_lists() {
    let op = iam_op(
        "Action=SimulateCustomPolicy&PolicyInputList.member.1=p&ActionNames.member.1=s3%3AGetObject\
         &ContextEntries.member.1.ContextKeyName=aws%3ASourceIp&ContextEntries.member.1.ContextKeyType=ip\
         &ContextEntries.member.1.ContextKeyValues.member.1=10.0.0.1",
    );
    let iam::Operation::SimulateCustomPolicy(input) = op else {
        panic!("{op:?}")
    };
    let entries = input.context_entries.unwrap();
    assert_eq!(entries[0].context_key_name.as_deref(), Some("aws:SourceIp"));
    assert_eq!(
        entries[0].context_key_values.as_deref(),
        Some(&["10.0.0.1".to_owned()][..])
    );
}

#[test]
fn integers_booleans_and_defaults() {
    let op = iam_op("Action=ListUsers&MaxItems=5&Marker=m");
    let iam::Operation::ListUsers(input) = op else {
        panic!("{op:?}")
    };
    assert_eq!(input.max_items, Some(5));
    assert_eq!(input.marker.as_deref(), Some("m"));

    let op =
        iam_op("Action=UpdateAccountPasswordPolicy&RequireSymbols=true&MinimumPasswordLength=12");
    let iam::Operation::UpdateAccountPasswordPolicy(input) = op else {
        panic!("{op:?}")
    };
    assert_eq!(input.require_symbols, Some(true));
    assert_eq!(input.minimum_password_length, Some(12));
}

#[test]
fn operations_without_input_are_unit_variants() {
    assert!(matches!(
        iam_op("Action=GetAccountSummary"),
        iam::Operation::GetAccountSummary
    ));
}

#[test]
fn maps_use_entry_key_value() {
    let op = iam_op(
        "Action=AcquireRole&TemplateArn=arn:aws:iam::aws:role-template/t\
         &ReplacementValues.entry.2.key=b&ReplacementValues.entry.2.value.Values.member.1=two\
         &ReplacementValues.entry.1.key=a&ReplacementValues.entry.1.value.Values.member.1=one\
         &ReplacementValues.entry.1.value.Values.member.2=uno",
    );
    let iam::Operation::AcquireRole(input) = op else {
        panic!("{op:?}")
    };
    let values = input.replacement_values.unwrap();
    assert_eq!(values.keys().collect::<Vec<_>>(), ["a", "b"]);
    assert_eq!(values["a"].values, ["one", "uno"]);
    assert_eq!(values["b"].values, ["two"]);
}

#[test]
fn map_entries_without_key_are_skipped() {
    use warden_protocol::decode::Source as _;
    let params =
        QueryParams::parse(b"M.entry.1.value=1&M.entry.2.key=k&M.entry.2.value=2").unwrap();
    let entries = params.root().member("M").map().unwrap().unwrap();
    let keys: Vec<&str> = entries.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(keys, ["k"]);
}

#[test]
fn unknown_action_and_version() {
    let params = QueryParams::parse(b"Action=Nope&Version=2010-05-08").unwrap();
    let error = iam::Operation::from_query("Nope", &params).unwrap_err();
    assert_eq!(error.code, "InvalidAction");
    assert_eq!(
        error.message,
        "Could not find operation Nope for version 2010-05-08"
    );

    let params = QueryParams::parse(b"Action=GetCallerIdentity&Version=2010-05-08").unwrap();
    let error = sts::Operation::from_query("GetCallerIdentity", &params).unwrap_err();
    assert_eq!(
        error.message,
        "Could not find operation GetCallerIdentity for version 2010-05-08"
    );
}

#[test]
fn sts_unauthenticated_operations() {
    let params = QueryParams::parse(b"Action=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleArn=arn:aws:iam::123456789012:role/r&RoleSessionName=session&WebIdentityToken=token-abc").unwrap();
    let op = sts::Operation::from_query(params.action().unwrap(), &params).unwrap();
    assert!(op.is_unauthenticated());
    assert!(
        sts::META
            .operation("AssumeRoleWithSAML")
            .unwrap()
            .unauthenticated
    );
    assert!(!sts::META.operation("AssumeRole").unwrap().unauthenticated);
}

#[test]
fn missing_action_message() {
    let error = QueryParams::parse(b"Version=2010-05-08")
        .unwrap()
        .action()
        .unwrap_err();
    assert_eq!((error.code.as_ref(), error.status), ("MissingAction", 400));
    assert_eq!(error.message, "No action was supplied with this request.");
}
