//! The public API as a downstream crate sees it.

use warden_audit::chain::{Anchor, Link, verify};
use warden_audit::redact::redacted;

#[test]
fn a_redacted_record_chains_and_verifies() {
    let record = redacted(
        serde_json::json!({"password": "p", "userName": "u"}),
        &["Password"],
    )
    .to_string();
    let link = Link::after(&Anchor::GENESIS, record.as_bytes());
    assert_eq!(record, r#"{"userName":"u"}"#);
    assert_eq!(verify(Anchor::GENESIS, [link]).unwrap().sequence, 1);
}
