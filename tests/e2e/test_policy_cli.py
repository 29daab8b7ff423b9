"""`warden policy check` and `warden policy simulate`, as a security engineer runs them."""

import json
import subprocess

from conftest import warden_binary


def run(*args):
    return subprocess.run([warden_binary(), "policy", *args], capture_output=True, text=True, timeout=60)


def write(tmp_path, name, document):
    path = tmp_path / name
    path.write_text(json.dumps(document) if not isinstance(document, str) else document)
    return str(path)


ALLOW_S3_READ = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "ReadOwnPrefix",
            "Effect": "Allow",
            "Action": "s3:GetObject",
            "Resource": "arn:aws:s3:::data/${aws:username}/*",
            "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}},
        }
    ],
}


def test_check_accepts_a_valid_policy(tmp_path):
    result = run("check", write(tmp_path, "p.json", ALLOW_S3_READ), "--kind", "identity")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "valid" in result.stdout


def test_check_reports_aws_message_and_fails(tmp_path):
    bad = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Resource": "*"}]}
    result = run("check", write(tmp_path, "bad.json", bad))
    assert result.returncode != 0
    assert "Policy statement must contain actions." in result.stdout


def test_check_trust_policy_needs_a_principal(tmp_path):
    trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole"}]}
    assert run("check", write(tmp_path, "t.json", trust), "--kind", "trust").returncode != 0
    trust["Statement"][0]["Principal"] = {"AWS": "arn:aws:iam::123456789012:root"}
    assert run("check", write(tmp_path, "t.json", trust), "--kind", "trust").returncode == 0


def test_simulate_allows_with_variable_and_condition(tmp_path):
    policy = write(tmp_path, "p.json", ALLOW_S3_READ)
    result = run(
        "simulate", "--policy", policy, "--action", "s3:GetObject",
        "--resource", "arn:aws:s3:::data/alice/report.csv",
        "--principal", "arn:aws:iam::123456789012:user/alice",
        "--context", "aws:MultiFactorAuthPresent=true", "--json",
    )
    assert result.returncode == 0, result.stderr
    decision = json.loads(result.stdout)
    assert decision["decision"] == "Allowed"
    assert decision["matched"][0]["sid"] == "ReadOwnPrefix"


def test_simulate_explains_a_denial_and_the_missing_key(tmp_path):
    policy = write(tmp_path, "p.json", ALLOW_S3_READ)
    result = run(
        "simulate", "--policy", policy, "--action", "s3:GetObject",
        "--resource", "arn:aws:s3:::data/alice/report.csv",
        "--principal", "arn:aws:iam::123456789012:user/alice",
    )
    assert result.returncode == 0, result.stderr
    assert "decision: ImplicitDeny" in result.stdout
    assert "aws:MultiFactorAuthPresent" in result.stdout


def test_simulate_explicit_deny_in_boundary(tmp_path):
    policy = write(tmp_path, "p.json", {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})
    boundary = write(tmp_path, "b.json", {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]})
    result = run("simulate", "--policy", policy, "--boundary", boundary, "--action", "iam:CreateUser",
                 "--resource", "arn:aws:iam::123456789012:user/bob", "--json")
    decision = json.loads(result.stdout)
    assert decision["decision"] == "ImplicitDeny"
    assert decision["layer"] == "Boundary"
    assert "no permissions boundary allows the iam:CreateUser action" in decision["aws_reason"]


def test_simulate_needs_no_identity_policy_and_takes_the_resource_account_from_its_arn(tmp_path):
    """A question about a resource policy alone is valid; the resource's account comes from its
    ARN, so a cross-account request without a resource policy is denied."""
    bucket_policy = {
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::123456789012:user/alice"},
            "Action": "sqs:SendMessage",
            "Resource": "arn:aws:sqs:us-east-1:123456789012:jobs",
        }],
    }
    same_account = run(
        "simulate", "--resource-policy", write(tmp_path, "r.json", bucket_policy),
        "--action", "sqs:SendMessage", "--resource", "arn:aws:sqs:us-east-1:123456789012:jobs",
        "--principal", "arn:aws:iam::123456789012:user/alice", "--json",
    )
    assert same_account.returncode == 0, same_account.stderr
    assert json.loads(same_account.stdout)["decision"] == "Allowed"
    identity = write(tmp_path, "p.json", {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": "*"}],
    })
    cross_account = run(
        "simulate", "--policy", identity,
        "--action", "sqs:SendMessage", "--resource", "arn:aws:sqs:us-east-1:999988887777:jobs",
        "--principal", "arn:aws:iam::123456789012:user/alice", "--json",
    )
    assert cross_account.returncode == 0, cross_account.stderr
    assert json.loads(cross_account.stdout)["decision"] == "ImplicitDeny"
