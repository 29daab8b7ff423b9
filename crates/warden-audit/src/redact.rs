//! Removing secrets from `requestParameters` and `responseElements` before they are recorded.
//!
//! Which members hold secrets is not guessed here: the caller passes the operation's
//! sensitive member names from the generated operation table (the members whose shapes the
//! model marks `sensitive`, plus the few Warden adds; see `xtask`'s `reference.rs`).
//! Members are matched by name at any depth, ignoring ASCII case and `-`/`_`, so
//! `SecretAccessKey` (the wire name), `secretAccessKey` (CloudTrail's spelling) and
//! `secret_access_key` are all caught. Everything else — names, ARNs, ids, policy
//! documents — is kept.

use serde_json::Value;

/// `value` with every member named in `sensitive` removed, at any depth, including inside
/// arrays. Use it for both `requestParameters` and `responseElements`.
#[must_use]
pub fn redacted(mut value: Value, sensitive: &[&str]) -> Value {
    redact_in_place(&mut value, sensitive);
    value
}

/// Removes every member named in `sensitive` from `value`, at any depth.
pub fn redact_in_place(value: &mut Value, sensitive: &[&str]) {
    match value {
        Value::Object(map) => {
            map.retain(|name, _| !is_named(name, sensitive));
            map.values_mut()
                .for_each(|value| redact_in_place(value, sensitive));
        }
        Value::Array(items) => items
            .iter_mut()
            .for_each(|value| redact_in_place(value, sensitive)),
        Value::Null | Value::Bool(_) | Value::Number(_) | Value::String(_) => {}
    }
}

/// Whether `name` is one of `names`, ignoring ASCII case, `-` and `_`.
fn is_named(name: &str, names: &[&str]) -> bool {
    let folded = |text: &str| -> Vec<u8> {
        text.bytes()
            .filter(|b| *b != b'-' && *b != b'_')
            .map(|b| b.to_ascii_lowercase())
            .collect()
    };
    let name = folded(name);
    names.iter().any(|candidate| folded(candidate) == name)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::redacted;

    #[test]
    fn drops_the_named_members_at_any_depth_and_in_any_spelling() {
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
            redacted(response, &["SecretAccessKey", "SessionToken"]),
            json!({
                "credentials": {"accessKeyId": "ASIAEXAMPLE", "expiration": "Jan 1, 2026, 1:00:00 AM"},
                "assumedRoleUser": {"arn": "arn:aws:sts::111122223333:assumed-role/App/app"}
            })
        );
        let request = json!({
            "userName": "alice",
            "items": [{"old_password": "a", "NewPassword": "b", "keep": 1}],
            "PolicyDocument": "{\"Version\":\"2012-10-17\"}",
            "private-key": "y"
        });
        assert_eq!(
            redacted(request, &["OldPassword", "NewPassword", "PrivateKey"]),
            json!({
                "userName": "alice",
                "items": [{"keep": 1}],
                "PolicyDocument": "{\"Version\":\"2012-10-17\"}"
            })
        );
    }

    #[test]
    fn keeps_members_not_named() {
        let value = json!({"password": "kept: not named", "passwordResetRequired": true});
        assert_eq!(redacted(value.clone(), &["PasswordResetRequired2"]), value);
        assert_eq!(
            redacted(json!("password"), &["Password"]),
            json!("password")
        );
        assert_eq!(redacted(json!(null), &["Password"]), json!(null));
    }
}
