//! Inputs the `policy_parse` fuzz target found (`fuzz/`), replayed on every test run.
//!
//! Each file in `tests/cases/fuzz-regressions/` is fed to `check` and `Policy::parse` for every
//! policy kind. Neither may panic, `check` must report an error exactly when `parse` rejects,
//! and a parsed policy must print to JSON that parses again (for the same kind) and prints the same.

use std::path::Path;

use warden_policy::{Policy, PolicyKind, Severity, check};

const KINDS: [PolicyKind; 7] = [
    PolicyKind::Identity,
    PolicyKind::Resource,
    PolicyKind::Trust,
    PolicyKind::Boundary,
    PolicyKind::Scp,
    PolicyKind::Rcp,
    PolicyKind::Session,
];

#[test]
fn fuzz_found_inputs_round_trip() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases/fuzz-regressions");
    let mut failures = Vec::new();
    let mut inputs = 0;
    for entry in std::fs::read_dir(&dir).expect("fuzz-regressions directory") {
        let path = entry.expect("directory entry").path();
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        inputs += 1;
        for kind in KINDS {
            let has_error = check(&text, kind)
                .iter()
                .any(|f| f.severity == Severity::Error);
            let Ok(policy) = Policy::parse("fuzz", &text, kind) else {
                if !has_error {
                    failures.push(format!(
                        "{name} ({kind:?}): parse rejects but check reports no error"
                    ));
                }
                continue;
            };
            if has_error {
                failures.push(format!(
                    "{name} ({kind:?}): parse accepts but check reports an error"
                ));
            }
            let printed = policy.to_json();
            match Policy::parse("fuzz", &printed, kind) {
                Ok(again) if again.to_json() == printed => {}
                Ok(again) => failures.push(format!(
                    "{name} ({kind:?}): print is not stable: {printed} then {}",
                    again.to_json()
                )),
                Err(e) => failures.push(format!(
                    "{name} ({kind:?}): printed {printed} does not parse again: {e}"
                )),
            }
        }
    }
    assert!(inputs > 0, "no inputs in {}", dir.display());
    assert!(
        failures.is_empty(),
        "{} fuzz regressions fail:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
