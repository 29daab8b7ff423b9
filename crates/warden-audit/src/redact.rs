//! Removing secrets from `requestParameters` and `responseElements` before they are recorded.
//!
//! CloudTrail never records passwords, secret access keys, session tokens, MFA codes or
//! seeds; neither does Warden. Fields are matched by name at any depth, ignoring ASCII case
//! and `-`/`_`, so `SecretAccessKey` (Query), `secretAccessKey` (CloudTrail) and
//! `secret_access_key` are all caught. Policy documents, names, ARNs and ids are kept.

use serde_json::Value;

/// The field names that are never recorded, folded (lower case, no `-`/`_`).
pub const SECRET_FIELDS: &[&str] = &[
    "authenticationcode1",
    "authenticationcode2",
    "base32stringseed",
    "newpassword",
    "oldpassword",
    "password",
    "plaintext",
    "privatekey",
    "qrcodepng",
    "samlassertion",
    "secretaccesskey",
    "sessiontoken",
    "tokencode",
    "webidentitytoken",
];

/// Whether a field of this name holds a secret and must not be recorded.
#[must_use]
pub fn is_secret_field(name: &str) -> bool {
    let folded: String = name
        .chars()
        .filter(|c| *c != '-' && *c != '_')
        .map(|c| c.to_ascii_lowercase())
        .collect();
    SECRET_FIELDS.contains(&folded.as_str())
}

/// `value` with every secret field (see [`SECRET_FIELDS`]) removed, at any depth, including
/// inside arrays. Use it for both `requestParameters` and `responseElements`.
#[must_use]
pub fn redacted(mut value: Value) -> Value {
    redact_in_place(&mut value);
    value
}

/// Removes every secret field from `value`, at any depth.
pub fn redact_in_place(value: &mut Value) {
    match value {
        Value::Object(map) => {
            map.retain(|name, _| !is_secret_field(name));
            map.values_mut().for_each(redact_in_place);
        }
        Value::Array(items) => items.iter_mut().for_each(redact_in_place),
        Value::Null | Value::Bool(_) | Value::Number(_) | Value::String(_) => {}
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::{is_secret_field, redacted};

    #[test]
    fn drops_secrets_at_any_depth_and_in_any_spelling() {
        let response = json!({
            "credentials": {
                "accessKeyId": "ASIAEXAMPLE",
                "secretAccessKey": "wJalrXUtnFEMI",
                "sessionToken": "FwoGZXIvYXdzE",
                "expiration": "Jan 1, 2026, 1:00:00 AM"
            },
            "assumedRoleUser": {"arn": "arn:aws:sts::111122223333:assumed-role/App/app"}
        });
        assert_eq!(
            redacted(response),
            json!({
                "credentials": {"accessKeyId": "ASIAEXAMPLE", "expiration": "Jan 1, 2026, 1:00:00 AM"},
                "assumedRoleUser": {"arn": "arn:aws:sts::111122223333:assumed-role/App/app"}
            })
        );
        let request = json!({
            "userName": "alice",
            "Password": "hunter2",
            "items": [{"old_password": "a", "NewPassword": "b", "keep": 1}],
            "PolicyDocument": "{\"Version\":\"2012-10-17\"}",
            "SecretAccessKey": "x",
            "private-key": "y",
            "tokenCode": "123456"
        });
        assert_eq!(
            redacted(request),
            json!({
                "userName": "alice",
                "items": [{"keep": 1}],
                "PolicyDocument": "{\"Version\":\"2012-10-17\"}"
            })
        );
    }

    #[test]
    fn keeps_ordinary_fields() {
        for name in [
            "accessKeyId",
            "policyDocument",
            "userName",
            "passwordResetRequired",
            "secret",
        ] {
            assert!(!is_secret_field(name), "{name}");
        }
        assert_eq!(redacted(json!("password")), json!("password"));
        assert_eq!(redacted(json!(null)), json!(null));
    }
}
