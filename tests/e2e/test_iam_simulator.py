"""The policy simulator against real enforcement: a "cashier" allowed to list one bucket
and nothing else (SimulatePrincipalPolicy and real S3 and IAM calls agree), a condition on
aws:SourceIp (real calls come from loopback; simulations see only the ContextEntries given),
MatchedStatements with positions, and the context keys a policy needs."""

import json
import time

import pytest
from botocore.exceptions import ClientError

from conftest import ACCOUNT_ID, client, start_server, stop_server

BUCKET = "shop-receipts"


def error_code(err):
    return err.value.response["Error"]["Code"]


def decisions(results):
    return {(r["EvalActionName"], r["EvalResourceName"]): r["EvalDecision"] for r in results["EvaluationResults"]}


def test_a_cashier_can_list_one_bucket_and_nothing_else(tmp_path):
    server = start_server(tmp_path / "data", extra_args=("--trail-delivery-interval", "1"))
    try:
        iam = client("iam", server.endpoint)
        cloudtrail = client("cloudtrail", server.endpoint)
        cloudtrail.create_trail(Name="receipts", S3BucketName=BUCKET)
        cloudtrail.start_logging(Name="receipts")
        s3_root = client("s3", server.endpoint)
        deadline = time.monotonic() + 30
        while True:  # the bucket exists once the first log file is delivered
            try:
                s3_root.list_objects_v2(Bucket=BUCKET)
                break
            except ClientError:
                if time.monotonic() > deadline:
                    raise
                iam.list_users()
                time.sleep(0.2)
        iam.create_user(UserName="cashier")
        key = iam.create_access_key(UserName="cashier")["AccessKey"]
        iam.put_user_policy(UserName="cashier", PolicyName="list-receipts", PolicyDocument=json.dumps({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "s3:ListBucket", "Resource": f"arn:aws:s3:::{BUCKET}"}],
        }))
        bucket_arn = f"arn:aws:s3:::{BUCKET}"
        simulated = iam.simulate_principal_policy(
            PolicySourceArn=f"arn:aws:iam::{ACCOUNT_ID}:user/cashier",
            ActionNames=["s3:ListBucket", "s3:GetObject", "iam:ListUsers"],
            ResourceArns=[bucket_arn, "arn:aws:s3:::other-bucket"],
        )
        assert decisions(simulated) == {
            ("s3:ListBucket", bucket_arn): "allowed",
            ("s3:ListBucket", "arn:aws:s3:::other-bucket"): "implicitDeny",
            ("s3:GetObject", bucket_arn): "implicitDeny",
            ("s3:GetObject", "arn:aws:s3:::other-bucket"): "implicitDeny",
            ("iam:ListUsers", bucket_arn): "implicitDeny",
            ("iam:ListUsers", "arn:aws:s3:::other-bucket"): "implicitDeny",
        }
        allowed = simulated["EvaluationResults"][0]
        assert allowed["MatchedStatements"][0]["SourcePolicyId"] == "list-receipts"
        assert allowed["MatchedStatements"][0]["SourcePolicyType"] == "user"
        assert allowed["MatchedStatements"][0]["StartPosition"]["Line"] == 1
        # The real calls agree.
        s3 = client("s3", server.endpoint, key["AccessKeyId"], key["SecretAccessKey"])
        as_cashier = client("iam", server.endpoint, key["AccessKeyId"], key["SecretAccessKey"])
        listed = s3.list_objects_v2(Bucket=BUCKET)
        assert listed["KeyCount"] >= 1
        with pytest.raises(ClientError) as err:
            s3.get_object(Bucket=BUCKET, Key=listed["Contents"][0]["Key"])
        assert error_code(err) == "AccessDenied"
        with pytest.raises(ClientError) as err:
            as_cashier.list_users()
        assert error_code(err) == "AccessDenied"
    finally:
        stop_server(server)


def test_a_source_ip_condition_in_real_calls_and_simulations(server, iam):
    policy = {
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "FromTheOffice",
            "Effect": "Allow",
            "Action": "iam:ListUsers",
            "Resource": "*",
            "Condition": {"IpAddress": {"aws:SourceIp": "127.0.0.0/8"}},
        }],
    }
    iam.create_user(UserName="office-worker")
    key = iam.create_access_key(UserName="office-worker")["AccessKey"]
    iam.put_user_policy(UserName="office-worker", PolicyName="office", PolicyDocument=json.dumps(policy, indent=2))
    try:
        client("iam", server.endpoint, key["AccessKeyId"], key["SecretAccessKey"]).list_users()
        arn = f"arn:aws:iam::{ACCOUNT_ID}:user/office-worker"
        inside = iam.simulate_principal_policy(
            PolicySourceArn=arn, ActionNames=["iam:ListUsers"],
            ContextEntries=[{"ContextKeyName": "aws:SourceIp", "ContextKeyValues": ["127.0.0.1"], "ContextKeyType": "ip"}],
        )["EvaluationResults"][0]
        assert inside["EvalDecision"] == "allowed"
        matched = inside["MatchedStatements"][0]
        assert matched["StartPosition"] == {"Line": 4, "Column": 5}
        assert matched["EndPosition"] == {"Line": 14, "Column": 5}
        outside = iam.simulate_principal_policy(
            PolicySourceArn=arn, ActionNames=["iam:ListUsers"],
            ContextEntries=[{"ContextKeyName": "aws:SourceIp", "ContextKeyValues": ["10.1.1.1"], "ContextKeyType": "ip"}],
        )["EvaluationResults"][0]
        assert outside["EvalDecision"] == "implicitDeny"
        unknown = iam.simulate_principal_policy(PolicySourceArn=arn, ActionNames=["iam:ListUsers"])["EvaluationResults"][0]
        assert unknown["EvalDecision"] == "implicitDeny"
        assert unknown["MissingContextValues"] == ["aws:SourceIp"]
        keys = iam.get_context_keys_for_principal_policy(PolicySourceArn=arn)["ContextKeyNames"]
        assert keys == ["aws:SourceIp"]
        custom = iam.simulate_custom_policy(
            PolicyInputList=[json.dumps(policy)], ActionNames=["iam:ListUsers", "iam:CreateUser"],
            ContextEntries=[{"ContextKeyName": "aws:SourceIp", "ContextKeyValues": ["127.0.0.1"], "ContextKeyType": "ip"}],
        )
        assert decisions(custom) == {("iam:ListUsers", "*"): "allowed", ("iam:CreateUser", "*"): "implicitDeny"}
        # AWS: no EvalDecisionDetails for `*`, an empty one for a named resource in the account.
        assert "EvalDecisionDetails" not in custom["EvaluationResults"][0]
        named = iam.simulate_custom_policy(
            PolicyInputList=[json.dumps(policy)], ActionNames=["iam:ListUsers"], ResourceArns=[arn],
        )["EvaluationResults"][0]
        assert named["EvalDecisionDetails"] == {}
        deny = {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "iam:*", "Resource": "*"}]}
        denied = iam.simulate_custom_policy(PolicyInputList=[json.dumps(policy), json.dumps(deny)], ActionNames=["iam:ListUsers"])
        assert denied["EvaluationResults"][0]["EvalDecision"] == "explicitDeny"
        assert denied["EvaluationResults"][0]["MatchedStatements"][0]["SourcePolicyId"] == "PolicyInputList.2"
        assert iam.get_context_keys_for_custom_policy(PolicyInputList=[json.dumps(policy)])["ContextKeyNames"] == ["aws:SourceIp"]
        with pytest.raises(ClientError) as err:
            iam.simulate_custom_policy(PolicyInputList=["{not json"], ActionNames=["iam:ListUsers"])
        assert error_code(err) == "MalformedPolicyDocument"
    finally:
        iam.delete_user_policy(UserName="office-worker", PolicyName="office")
        iam.delete_access_key(UserName="office-worker", AccessKeyId=key["AccessKeyId"])
        iam.delete_user(UserName="office-worker")
