//! Property tests: the decoder never panics, and escaped text reads back.

use proptest::prelude::*;
use warden_protocol::xml::{XmlWriter, is_xml_char};
use warden_protocol::{QueryParams, iam, kms, sts};

proptest! {
    #[test]
    fn query_decoding_never_panics(body in proptest::collection::vec(any::<u8>(), 0..512)) {
        if let Ok(params) = QueryParams::parse(&body) {
            let action = params.get("Action").unwrap_or("CreateUser");
            let _ = iam::Operation::from_query(action, &params);
            let _ = sts::Operation::from_query(action, &params);
        }
    }

    #[test]
    fn structured_query_decoding_never_panics(
        action in prop::sample::select(vec!["CreateUser", "TagUser", "SimulateCustomPolicy", "ListUsers", "PutRolePolicy", "AssumeRole"]),
        keys in proptest::collection::vec(
            prop::sample::select(vec!["UserName", "Tags", "Tags.member.", "Tags.member.1.Key", "ActionNames.member.",
                "ContextEntries.member.1.ContextKeyValues.member.", "MaxItems", "Path", "PolicyArns.member.0.arn", "RoleArn",
                "DurationSeconds", "Tags.entry.1.key", "."]),
            0..12),
        suffixes in proptest::collection::vec("[0-9a-z.%]{0,4}", 12),
        values in proptest::collection::vec(".{0,8}", 12),
    ) {
        let body: Vec<String> = keys.iter().zip(&suffixes).zip(&values)
            .map(|((k, s), v)| format!("{k}{s}={}", percent(v))).collect();
        let params = QueryParams::parse(body.join("&").as_bytes()).unwrap();
        let _ = iam::Operation::from_query(action, &params);
        let _ = sts::Operation::from_query(action, &params);
    }

    #[test]
    fn json_decoding_never_panics(
        op in prop::sample::select(vec!["CreateKey", "Encrypt", "TagResource", "ListKeys", "PutKeyPolicy", "Nope"]),
        body in json_value(),
    ) {
        let _ = kms::Operation::from_json(op, body.to_string().as_bytes());
    }

    #[test]
    fn xml_text_round_trips(text in "\\PC*") {
        let text: String = text.chars().filter(|c| is_xml_char(*c)).collect();
        let mut writer = XmlWriter::new();
        writer.text_element("T", &text);
        prop_assert_eq!(read_text(&writer.finish()), text);
    }

    #[test]
    fn xml_text_with_controls_is_still_well_formed(text in ".*") {
        let mut writer = XmlWriter::new();
        writer.text_element("T", &text);
        let read = read_text(&writer.finish());
        let expected: String = text.chars().map(|c| if is_xml_char(c) { c } else { '\u{FFFD}' }).collect();
        prop_assert_eq!(read, expected);
    }
}

/// Arbitrary JSON, biased towards KMS member names.
fn json_value() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        any::<f64>().prop_map(serde_json::Value::from),
        ".{0,6}".prop_map(serde_json::Value::from),
    ];
    leaf.prop_recursive(4, 32, 6, |inner| {
        let names = prop::sample::select(vec![
            "KeyId",
            "Plaintext",
            "Tags",
            "TagKey",
            "TagValue",
            "Limit",
            "Policy",
            "KeySpec",
            "x",
        ]);
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::from),
            proptest::collection::btree_map(names, inner, 0..5).prop_map(|m| {
                serde_json::Value::Object(m.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
            }),
        ]
    })
}

fn percent(value: &str) -> String {
    form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

/// Reads the text of the single element `<T>` with quick-xml.
fn read_text(xml: &str) -> String {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut text = String::new();
    loop {
        match reader.read_event().unwrap() {
            Event::Text(t) => text.push_str(&t.xml10_content()),
            Event::GeneralRef(r) => {
                let name = r.xml10_content();
                if let Some(c) = r.resolve_char_ref().unwrap() {
                    text.push(c);
                } else {
                    text.push_str(quick_xml::escape::resolve_xml_entity(&name).unwrap());
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    text
}
