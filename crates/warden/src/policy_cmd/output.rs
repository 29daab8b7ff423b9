//! A simulation's answer, as text or JSON.

use warden_policy::{Decision, Layer};

use super::question::{Answer, ResourcePolicyRole};

/// KMS's rule, shown with a decision about a key policy.
const KMS_RULE: &str = "KMS key policy: it must allow the caller, or delegate to IAM through the \
    account principal (then an identity policy must allow too); without it, identity policies \
    that allow have no effect; across accounts both the key policy and the caller's identity \
    policies must allow";

/// The notes explaining rules that shaped the answer.
fn notes(answer: &Answer) -> Vec<String> {
    let mut notes = Vec::new();
    if let Some(exemption) = answer.exemption {
        notes.push(exemption.rule.to_owned());
    }
    if answer.resource_role == Some(ResourcePolicyRole::Key) {
        notes.push(KMS_RULE.to_owned());
    }
    notes
}

/// The answer for a human.
pub(crate) fn print_text(answer: &Answer) {
    let decision = &answer.decision;
    let action = &answer.request.action;
    println!("decision: {:?}", decision.outcome);
    println!("deciding layer: {:?}", decision.layer);
    for statement in &decision.matched {
        println!(
            "matched: {} statement {}{} ({:?}, {:?})",
            statement.policy_id,
            statement.index,
            statement
                .sid
                .as_deref()
                .map(|sid| format!(" [{sid}]"))
                .unwrap_or_default(),
            statement.effect,
            statement.layer,
        );
    }
    for key in &decision.missing_keys {
        println!("missing key: {key}");
    }
    for reason in &decision.unevaluable {
        println!("unevaluable: {reason}");
    }
    println!("explanation: {}", decision.explain(action));
    if let Some(alone) = &answer.policies_alone {
        println!("policies alone: {}", alone.explain(action));
    }
    for note in notes(answer) {
        println!("rule: {note}");
    }
}

/// The answer as one JSON object.
pub(crate) fn json(answer: &Answer) -> serde_json::Value {
    let action = &answer.request.action;
    let mut value = decision_json(&answer.decision, action);
    if let Some(object) = value.as_object_mut() {
        object.insert(
            "principal".to_owned(),
            serde_json::json!({
                "arn": answer.request.principal.arn,
                "type": format!("{:?}", answer.request.principal.kind),
                "account": answer.request.principal.account,
                "role_arn": answer.request.principal.role_arn,
            }),
        );
        object.insert(
            "resource_account".to_owned(),
            serde_json::json!(answer.request.resource_account),
        );
        if let Some(alone) = &answer.policies_alone {
            object.insert("policies_alone".to_owned(), decision_json(alone, action));
        }
        object.insert("rules".to_owned(), serde_json::json!(notes(answer)));
    }
    value
}

fn decision_json(decision: &Decision, action: &str) -> serde_json::Value {
    serde_json::json!({
        "decision": format!("{:?}", decision.outcome),
        "layer": format!("{:?}", decision.layer),
        "exempt": decision.layer == Layer::Exempt,
        "matched": decision.matched.iter().map(|s| serde_json::json!({
            "policy": &*s.policy_id,
            "sid": s.sid.as_deref(),
            "index": s.index,
            "effect": format!("{:?}", s.effect),
            "layer": format!("{:?}", s.layer),
        })).collect::<Vec<_>>(),
        "missing_keys": decision.missing_keys,
        "unevaluable": decision.unevaluable,
        "explanation": decision.explain(action),
        "aws_reason": decision.aws_reason(action),
    })
}
