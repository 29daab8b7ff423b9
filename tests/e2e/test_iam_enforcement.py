"""The pipeline end to end: a user gets a key and an inline policy, and is allowed exactly
what the policy grants and denied the rest, with AWS's error codes and messages."""

import json
import time

import pytest
from botocore.exceptions import ClientError

from conftest import ACCOUNT_ID, aws_cli, client


def wait_for_key(endpoint, key):
    """AWS keys are eventually consistent; Warden's are usable at once. Poll briefly anyway."""
    sts = client("sts", endpoint, key["AccessKeyId"], key["SecretAccessKey"])
    for _ in range(20):
        try:
            return sts.get_caller_identity()
        except ClientError:
            time.sleep(0.05)
    return sts.get_caller_identity()


def test_boto3_user_allowed_exactly_what_policy_grants(server, iam):
    user = iam.create_user(UserName="alice", Path="/team/")["User"]
    assert user["Arn"] == f"arn:aws:iam::{ACCOUNT_ID}:user/team/alice"
    assert user["UserId"].startswith("AIDA") and len(user["UserId"]) == 21
    key = iam.create_access_key(UserName="alice")["AccessKey"]
    assert len(key["SecretAccessKey"]) == 40
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": "iam:GetUser", "Resource": "arn:aws:iam::*:user/team/*"},
            {"Effect": "Allow", "Action": "iam:ListAccessKeys", "Resource": "*"},
        ],
    }
    iam.put_user_policy(UserName="alice", PolicyName="team-read", PolicyDocument=json.dumps(policy))
    got = iam.get_user_policy(UserName="alice", PolicyName="team-read")
    assert got["PolicyDocument"] == policy  # botocore url-decodes and parses it

    identity = wait_for_key(server.endpoint, key)
    assert identity["Arn"] == f"arn:aws:iam::{ACCOUNT_ID}:user/team/alice"
    assert identity["UserId"] == user["UserId"]

    as_alice = client("iam", server.endpoint, key["AccessKeyId"], key["SecretAccessKey"])
    assert as_alice.get_user(UserName="alice")["User"]["UserName"] == "alice"
    assert as_alice.list_access_keys(UserName="alice")["AccessKeyMetadata"][0]["AccessKeyId"] == key["AccessKeyId"]

    with pytest.raises(ClientError) as err:
        as_alice.create_user(UserName="mallory")
    error = err.value.response["Error"]
    assert err.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    assert error["Code"] == "AccessDenied"
    assert error["Message"] == (
        f"User: arn:aws:iam::{ACCOUNT_ID}:user/team/alice is not authorized to perform: iam:CreateUser "
        f"on resource: arn:aws:iam::{ACCOUNT_ID}:user/mallory because no identity-based policy allows "
        "the iam:CreateUser action"
    )

    # An explicit deny wins over the allow.
    deny = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Deny", "Action": "iam:GetUser", "Resource": "*"}],
    }
    iam.put_user_policy(UserName="alice", PolicyName="deny-get", PolicyDocument=json.dumps(deny))
    with pytest.raises(ClientError) as err:
        as_alice.get_user(UserName="alice")
    assert err.value.response["Error"]["Code"] == "AccessDenied"
    assert "with an explicit deny in an identity-based policy" in err.value.response["Error"]["Message"]

    # Clean up: AWS refuses to delete a user who still has keys or policies.
    with pytest.raises(ClientError) as err:
        iam.delete_user(UserName="alice")
    assert err.value.response["Error"]["Code"] == "DeleteConflict"
    iam.delete_user_policy(UserName="alice", PolicyName="team-read")
    iam.delete_user_policy(UserName="alice", PolicyName="deny-get")
    iam.delete_access_key(UserName="alice", AccessKeyId=key["AccessKeyId"])
    iam.delete_user(UserName="alice")
    with pytest.raises(ClientError) as err:
        iam.get_user(UserName="alice")
    assert err.value.response["Error"]["Code"] == "NoSuchEntity"
    assert err.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404


def test_cli_user_allowed_exactly_what_policy_grants(server):
    ep = server.endpoint
    assert aws_cli(ep, "iam", "create-user", "--user-name", "bob").returncode == 0
    created = aws_cli(ep, "iam", "create-access-key", "--user-name", "bob")
    assert created.returncode == 0, created.stderr
    key = json.loads(created.stdout)["AccessKey"]
    policy = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "iam:Get*", "Resource": "arn:aws:iam::*:user/${aws:username}"}],
        }
    )
    put = aws_cli(ep, "iam", "put-user-policy", "--user-name", "bob", "--policy-name", "self", "--policy-document", policy)
    assert put.returncode == 0, put.stderr
    as_bob = dict(key_id=key["AccessKeyId"], secret=key["SecretAccessKey"])
    mine = aws_cli(ep, "iam", "get-user", "--user-name", "bob", **as_bob)
    assert mine.returncode == 0, mine.stderr
    assert json.loads(mine.stdout)["User"]["UserName"] == "bob"
    other = aws_cli(ep, "iam", "get-user", "--user-name", "carol", **as_bob)
    assert other.returncode != 0
    assert "AccessDenied" in other.stderr
    create = aws_cli(ep, "iam", "create-user", "--user-name", "eve", **as_bob)
    assert create.returncode != 0 and "AccessDenied" in create.stderr


def test_validation_errors_follow_aws(iam):
    with pytest.raises(ClientError) as err:
        iam.create_user(UserName="bad name!")
    error = err.value.response["Error"]
    assert error["Code"] == "ValidationError"
    assert error["Message"].startswith("1 validation error detected: Value 'bad name!' at 'userName' failed to satisfy constraint")


def test_malformed_policy_document(iam):
    iam.create_user(UserName="policy-target")
    try:
        with pytest.raises(ClientError) as err:
            iam.put_user_policy(
                UserName="policy-target",
                PolicyName="p",
                PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Resource": "*"}]}),
            )
        assert err.value.response["Error"]["Code"] == "MalformedPolicyDocument"
        assert err.value.response["Error"]["Message"] == "Policy statement must contain actions."
    finally:
        iam.delete_user(UserName="policy-target")


def test_duplicate_user_is_entity_already_exists(iam):
    iam.create_user(UserName="dupe")
    try:
        with pytest.raises(ClientError) as err:
            iam.create_user(UserName="DUPE")  # names are unique case-insensitively
        assert err.value.response["Error"]["Code"] == "EntityAlreadyExists"
        assert err.value.response["ResponseMetadata"]["HTTPStatusCode"] == 409
    finally:
        iam.delete_user(UserName="dupe")


def test_inactive_key_is_refused_until_reactivated(server, iam):
    iam.create_user(UserName="sleeper")
    key = iam.create_access_key(UserName="sleeper")["AccessKey"]
    sts = client("sts", server.endpoint, key["AccessKeyId"], key["SecretAccessKey"])
    try:
        assert sts.get_caller_identity()["Arn"].endswith(":user/sleeper")
        iam.update_access_key(UserName="sleeper", AccessKeyId=key["AccessKeyId"], Status="Inactive")
        listed = iam.list_access_keys(UserName="sleeper")["AccessKeyMetadata"]
        assert [k["Status"] for k in listed] == ["Inactive"]
        with pytest.raises(ClientError) as err:
            sts.get_caller_identity()
        assert err.value.response["Error"]["Code"] == "InvalidClientTokenId"
        iam.update_access_key(UserName="sleeper", AccessKeyId=key["AccessKeyId"], Status="Active")
        assert sts.get_caller_identity()["Arn"].endswith(":user/sleeper")
        # AWS allows two keys per user.
        second = iam.create_access_key(UserName="sleeper")["AccessKey"]
        with pytest.raises(ClientError) as err:
            iam.create_access_key(UserName="sleeper")
        assert err.value.response["Error"]["Code"] == "LimitExceeded"
        iam.delete_access_key(UserName="sleeper", AccessKeyId=second["AccessKeyId"])
    finally:
        iam.delete_access_key(UserName="sleeper", AccessKeyId=key["AccessKeyId"])
        iam.delete_user(UserName="sleeper")


def test_user_tags_reach_policy_conditions(server, iam):
    """aws:PrincipalTag comes from the user's tags; aws:RequestTag/aws:TagKeys from the request."""
    iam.create_user(UserName="tagged", Tags=[{"Key": "team", "Value": "blue"}])
    key = iam.create_access_key(UserName="tagged")["AccessKey"]
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": "iam:CreateUser",
                "Resource": "*",
                "Condition": {
                    "StringEquals": {"aws:RequestTag/team": "${aws:PrincipalTag/team}"},
                    "ForAllValues:StringEquals": {"aws:TagKeys": ["team"]},
                },
            }
        ],
    }
    iam.put_user_policy(UserName="tagged", PolicyName="same-team", PolicyDocument=json.dumps(policy))
    as_tagged = client("iam", server.endpoint, key["AccessKeyId"], key["SecretAccessKey"])
    try:
        as_tagged.create_user(UserName="blue-recruit", Tags=[{"Key": "team", "Value": "blue"}])
        with pytest.raises(ClientError) as err:
            as_tagged.create_user(UserName="red-recruit", Tags=[{"Key": "team", "Value": "red"}])
        assert err.value.response["Error"]["Code"] == "AccessDenied"
        with pytest.raises(ClientError) as err:
            as_tagged.create_user(UserName="untagged-recruit")
        assert err.value.response["Error"]["Code"] == "AccessDenied"
    finally:
        iam.delete_user(UserName="blue-recruit")
        iam.delete_user_policy(UserName="tagged", PolicyName="same-team")
        iam.delete_access_key(UserName="tagged", AccessKeyId=key["AccessKeyId"])
        iam.delete_user(UserName="tagged")
