//! `warden policy simulate --batch`: one answer per line, in order, errors per line.

use serde_json::json;

use super::{Files, policy, warden};

#[test]
fn batch_answers_each_line_and_reports_bad_lines_without_stopping() {
    let files = Files::new();
    let allow = files.write(
        "allow.json",
        &policy(json!([{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}])),
    );
    let broken = files.write("broken.json", &json!({"Statement": "nope"}));
    let lines = [
        json!({"id": 1, "policy": allow, "action": "s3:GetObject", "resource": "arn:aws:s3:::b/k"}).to_string(),
        "not json".to_owned(),
        String::new(),
        json!({"id": "two", "policy": [allow], "action": "s3:PutObject", "resource": "arn:aws:s3:::b/k"}).to_string(),
        json!({"id": 3, "policy": broken, "action": "s3:GetObject", "resource": "*"}).to_string(),
        json!({"id": 4, "action": "s3:GetObject"}).to_string(),
        json!({"id": 5, "action": "s3:GetObject", "resource": "*", "unknown": true}).to_string(),
        json!({"id": 6, "action": "sts:GetCallerIdentity", "resource": "*", "principal": "arn:aws:iam::111122223333:root"}).to_string(),
        json!({"id": 7, "check": broken, "kind": "identity"}).to_string(),
        json!({"id": 8, "policy": allow, "action": "s3:GetObject", "resource": "arn:aws:s3:::b/k",
               "context": {"aws:TagKeys": ["a", "b"], "aws:SourceIp": "10.0.0.1"}}).to_string(),
    ];
    let run = warden(&["policy", "simulate", "--batch", "-"], &lines.join("\n"));
    assert!(!run.success, "a bad line makes the exit status 1");
    let answers = run.json_lines();
    let line_numbers: Vec<_> = answers
        .iter()
        .map(|a| a["line"].as_u64().unwrap())
        .collect();
    assert_eq!(
        line_numbers,
        [1, 2, 4, 5, 6, 7, 8, 9, 10],
        "blank lines are skipped"
    );
    assert_eq!(answers[0]["id"], 1);
    assert_eq!(answers[0]["decision"], "Allowed");
    assert!(
        answers[1]["error"]
            .as_str()
            .unwrap()
            .contains("not a JSON object")
    );
    assert_eq!(answers[2]["id"], "two");
    assert_eq!(answers[2]["decision"], "ImplicitDeny");
    assert!(
        answers[3]["error"]
            .as_str()
            .unwrap()
            .contains("MalformedPolicyDocument"),
        "{}",
        answers[3]
    );
    assert!(
        answers[4]["error"].as_str().unwrap().contains("resource"),
        "{}",
        answers[4]
    );
    assert!(
        answers[5]["error"].as_str().unwrap().contains("unknown"),
        "{}",
        answers[5]
    );
    assert_eq!(answers[6]["decision"], "Allowed");
    assert_eq!(answers[6]["layer"], "Exempt");
    assert_eq!(answers[7]["valid"], false);
    assert_eq!(answers[8]["decision"], "Allowed");
}

#[test]
fn batch_reads_a_file_and_exits_zero_when_every_line_is_answered() {
    let files = Files::new();
    let key = files.write(
        "key.json",
        &policy(json!([{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "kms:*", "Resource": "*"}])),
    );
    let input = json!({"key_policy": key, "action": "kms:Decrypt",
        "resource": "arn:aws:kms:us-east-1:111122223333:key/k", "principal": "arn:aws:iam::111122223333:user/alice"});
    let path = files.path().join("in.jsonl");
    std::fs::write(&path, format!("{input}\n{input}\n")).unwrap();
    let run = warden(
        &["policy", "simulate", "--batch", &path.to_string_lossy()],
        "",
    );
    assert!(run.success, "{}", run.stderr);
    let answers = run.json_lines();
    assert_eq!(answers.len(), 2);
    assert!(
        answers
            .iter()
            .all(|a| a["decision"] == "ImplicitDeny" && a["layer"] == "Identity")
    );
    let conflicting = warden(
        &[
            "policy",
            "simulate",
            "--batch",
            "-",
            "--action",
            "s3:GetObject",
        ],
        "",
    );
    assert!(!conflicting.success);
}
