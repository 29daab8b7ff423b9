//! Feeds arbitrary UTF-8 to `Policy::parse` for every policy kind and to `check`.
//! Neither may panic; when parsing succeeds, printing and re-parsing must succeed too.
#![no_main]

use libfuzzer_sys::fuzz_target;
use warden_policy::{Policy, PolicyKind, check};

const KINDS: [PolicyKind; 7] = [
    PolicyKind::Identity,
    PolicyKind::Resource,
    PolicyKind::Trust,
    PolicyKind::Boundary,
    PolicyKind::Scp,
    PolicyKind::Rcp,
    PolicyKind::Session,
];

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    for kind in KINDS {
        let findings = check(text, kind);
        if let Ok(policy) = Policy::parse("fuzz", text, kind) {
            let printed = policy.to_json();
            let reparsed = Policy::parse("fuzz", &printed, kind);
            assert!(reparsed.is_ok(), "printed policy does not parse again: {printed}");
            assert!(
                findings.iter().all(|f| f.severity != warden_policy::Severity::Error),
                "check reports an error for a document parse accepts"
            );
        }
    }
});
