//! The policy engine's whole corpus (`warden-policy/tests/cases/*.json`) answered by
//! `warden policy simulate --batch` in one process: every evaluation case becomes a
//! simulation line (its inline documents written to files, identical documents shared so the
//! cache is exercised), every validation case a check line; every answer must be the case's
//! expected one.

use std::collections::HashMap;
use std::fmt::Write as _;

use serde_json::{Value, json};

use super::{Files, corpus_dir, warden};

/// A case, turned into a batch line, and what it expects.
struct Converted {
    name: String,
    line: Value,
    expect: Expect,
}

enum Expect {
    Decision(String),
    Valid,
    Error(String),
}

/// Writes documents to files, one file per distinct document.
struct Documents<'f> {
    files: &'f Files,
    written: HashMap<String, String>,
}

impl Documents<'_> {
    fn path(&mut self, text: String) -> String {
        let count = self.written.len();
        let files = self.files;
        self.written
            .entry(text)
            .or_insert_with_key(|text| {
                let path = files.path().join(format!("doc{count}.json"));
                std::fs::write(&path, text).unwrap();
                path.to_string_lossy().into_owned()
            })
            .clone()
    }

    fn value(&mut self, document: &Value) -> Value {
        json!(self.path(document.to_string()))
    }

    fn list(&mut self, documents: Option<&Value>) -> Value {
        let items = documents
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        Value::Array(items.iter().map(|d| self.value(d)).collect())
    }

    fn levels(&mut self, levels: Option<&Value>) -> Value {
        let levels = levels
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        Value::Array(levels.iter().map(|level| self.list(Some(level))).collect())
    }
}

fn convert(case: &Value, documents: &mut Documents<'_>) -> Converted {
    let name = case["name"].as_str().unwrap().to_owned();
    if let Some(validate) = case.get("validate") {
        let kind = validate["kind"].as_str().unwrap();
        let path = documents.path(validate["document"].as_str().unwrap().to_owned());
        // As the engine's runner: identity and boundary cases model CreatePolicy.
        let managed = matches!(kind, "identity" | "boundary");
        let expect = match case.get("expect_error").and_then(Value::as_str) {
            Some(error) => Expect::Error(error.to_owned()),
            None => Expect::Valid,
        };
        return Converted {
            name,
            line: json!({"id": case["name"], "check": path, "kind": kind, "managed": managed}),
            expect,
        };
    }
    let none = json!({});
    let policies = case.get("policies").unwrap_or(&none);
    let request = &case["request"];
    let principal = &request["principal"];
    let mut line = json!({
        "id": case["name"],
        "action": request["action"],
        "resource": request["resource"],
        "context": request.get("context").cloned().unwrap_or_else(|| json!({})),
        "policy": documents.list(policies.get("identity")),
        "session_policy": documents.list(policies.get("session")),
        "scp": documents.levels(policies.get("scp")),
        "rcp": documents.levels(policies.get("rcp")),
    });
    let object = line.as_object_mut().unwrap();
    if let Some(boundary) = policies.get("boundary") {
        object.insert("boundary".into(), documents.value(boundary));
    }
    if let Some(resource) = policies.get("resource") {
        let path = documents.value(resource);
        match policies.get("resource_kind").and_then(Value::as_str) {
            None | Some("ordinary") => {
                object.insert("resource_policy".into(), path);
            }
            Some("must_allow") => {
                object.insert("resource_policy".into(), path);
                object.insert("trust".into(), json!(true));
            }
            Some("key") => {
                object.insert("key_policy".into(), path);
            }
            Some(other) => panic!("{name}: unknown resource_kind {other}"),
        }
    }
    let arn = principal["arn"].as_str().unwrap();
    let caller = match principal["type"].as_str().unwrap() {
        "Service" => format!("service:{arn}"),
        "Anonymous" => "anonymous".to_owned(),
        _ => arn.to_owned(),
    };
    object.insert("principal".into(), json!(caller));
    if let Some(role) = principal.get("role_arn") {
        object.insert("role_arn".into(), role.clone());
    }
    if let Some(user) = principal.get("federating_user_arn") {
        object.insert("federating_user".into(), user.clone());
    }
    // The engine's runner: no resource account means the caller's own.
    let account = request
        .get("resource_account")
        .and_then(Value::as_str)
        .or(principal["account"].as_str())
        .filter(|account| !account.is_empty());
    if let Some(account) = account {
        object.insert("resource_account".into(), json!(account));
    }
    Converted {
        name,
        line,
        expect: Expect::Decision(case["expect"].as_str().unwrap().to_owned()),
    }
}

fn mismatch(expect: &Expect, answer: &Value) -> Option<String> {
    match expect {
        Expect::Decision(want) => {
            (answer["decision"] != *want.as_str()).then(|| format!("expected {want}, got {answer}"))
        }
        Expect::Valid => (answer["valid"] != true).then(|| format!("expected valid, got {answer}")),
        Expect::Error(want) => (answer["valid"] != false
            || answer["findings"][0]["message"] != *want.as_str())
        .then(|| format!("expected error {want:?}, got {answer}")),
    }
}

#[test]
fn the_whole_corpus_in_one_batch_process() {
    let files = Files::new();
    let mut documents = Documents {
        files: &files,
        written: HashMap::new(),
    };
    let mut cases = Vec::new();
    let mut paths: Vec<_> = std::fs::read_dir(corpus_dir())
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    paths.sort();
    for path in &paths {
        let file: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        for case in file["cases"].as_array().unwrap() {
            cases.push(convert(case, &mut documents));
        }
    }
    assert!(cases.len() >= 528, "the corpus has {} cases", cases.len());
    assert!(
        documents.written.len() < cases.len(),
        "identical documents share a file"
    );
    let mut input = String::new();
    for case in &cases {
        writeln!(input, "{}", case.line).unwrap();
    }
    let batch = files.path().join("batch.jsonl");
    std::fs::write(&batch, &input).unwrap();
    let run = warden(
        &["policy", "simulate", "--batch", &batch.to_string_lossy()],
        "",
    );
    assert!(run.success, "{}", run.stderr);
    let answers = run.json_lines();
    assert_eq!(answers.len(), cases.len(), "one answer per line");
    let mut failures = Vec::new();
    for (number, (case, answer)) in cases.iter().zip(&answers).enumerate() {
        assert_eq!(answer["line"], number + 1);
        assert_eq!(answer["id"], *case.name.as_str());
        if let Some(why) = mismatch(&case.expect, answer) {
            failures.push(format!("{} — {why}", case.name));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases answered differently in batch mode:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}
