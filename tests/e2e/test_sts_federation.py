"""Session tags and federated users through real clients: boto3 passes session tags that
override the role's own tag, transitive tags follow a role chain; GetFederationToken issues a
federated user's session that GetCallerIdentity names and that cannot call IAM."""

import json
import uuid

import pytest
from botocore.exceptions import ClientError

from conftest import ACCOUNT_ID, aws_cli, client


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def policy(*statements) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def allow(action, condition: dict | None = None) -> dict:
    statement = {"Effect": "Allow", "Action": action, "Resource": "*"}
    if condition:
        statement["Condition"] = condition
    return statement


def session_client(service: str, server, credentials: dict):
    return client(service, server.endpoint, credentials["AccessKeyId"],
                  credentials["SecretAccessKey"], credentials["SessionToken"])


@pytest.fixture
def user(iam):
    """A user with an access key and the given inline statements; deleted afterwards."""
    made = []

    def make(*statements):
        name = unique("fed-user")
        iam.create_user(UserName=name)
        iam.put_user_policy(UserName=name, PolicyName="own", PolicyDocument=policy(*statements))
        key = iam.create_access_key(UserName=name)["AccessKey"]
        made.append((name, key["AccessKeyId"]))
        return name, key["AccessKeyId"], key["SecretAccessKey"]

    yield make
    for name, key_id in made:
        iam.delete_access_key(UserName=name, AccessKeyId=key_id)
        iam.delete_user_policy(UserName=name, PolicyName="own")
        iam.delete_user(UserName=name)


@pytest.fixture
def role(iam):
    """A role with the given trust statement and inline statements; deleted afterwards."""
    made = []

    def make(trust: dict, *statements, tags=()):
        name = unique("fed-role")
        arn = iam.create_role(RoleName=name, AssumeRolePolicyDocument=policy(trust),
                              Tags=list(tags))["Role"]["Arn"]
        iam.put_role_policy(RoleName=name, PolicyName="work", PolicyDocument=policy(*statements))
        made.append(name)
        return arn

    yield make
    for name in made:
        iam.delete_role_policy(RoleName=name, PolicyName="work")
        iam.delete_role(RoleName=name)


def trusts_with_tags(principal: str) -> dict:
    return {"Effect": "Allow", "Principal": {"AWS": principal},
            "Action": ["sts:AssumeRole", "sts:TagSession"]}


BLUE_ONLY = {"StringEquals": {"aws:PrincipalTag/team": "blue"}}


def test_session_tags_override_the_roles_tag_and_transitive_tags_follow_the_chain(server, user, role):
    name, key_id, secret = user(allow("sts:AssumeRole"))
    first = role(trusts_with_tags(f"arn:aws:iam::{ACCOUNT_ID}:user/{name}"),
                 allow("sts:AssumeRole"), allow("iam:ListUsers", BLUE_ONLY),
                 tags=[{"Key": "team", "Value": "red"}])
    second = role(trusts_with_tags(first), allow("iam:ListUsers", BLUE_ONLY))
    sts = client("sts", server.endpoint, key_id, secret)

    red = sts.assume_role(RoleArn=first, RoleSessionName="red")["Credentials"]
    with pytest.raises(ClientError) as err:
        session_client("iam", server, red).list_users()
    assert err.value.response["Error"]["Code"] == "AccessDenied"

    answer = sts.assume_role(RoleArn=first, RoleSessionName="blue",
                             Tags=[{"Key": "Team", "Value": "blue"}], TransitiveTagKeys=["Team"])
    assert answer["PackedPolicySize"] >= 1
    blue = answer["Credentials"]
    session_client("iam", server, blue).list_users()

    chained = session_client("sts", server, blue).assume_role(RoleArn=second, RoleSessionName="next")
    session_client("iam", server, chained["Credentials"]).list_users()
    with pytest.raises(ClientError) as err:
        session_client("sts", server, blue).assume_role(
            RoleArn=second, RoleSessionName="override", Tags=[{"Key": "team", "Value": "red"}])
    assert err.value.response["Error"]["Code"] == "InvalidParameterValue"


def test_a_federated_user_from_boto3_and_the_cli(server, user):
    name, key_id, secret = user(allow("sts:GetFederationToken"), allow("iam:ListUsers"))
    sts = client("sts", server.endpoint, key_id, secret)
    answer = sts.get_federation_token(Name="Bob", Policy=policy(allow("iam:ListUsers")),
                                      DurationSeconds=900)
    assert answer["FederatedUser"] == {
        "FederatedUserId": f"{ACCOUNT_ID}:Bob",
        "Arn": f"arn:aws:sts::{ACCOUNT_ID}:federated-user/Bob",
    }
    credentials = answer["Credentials"]
    identity = session_client("sts", server, credentials).get_caller_identity()
    assert identity["Arn"] == f"arn:aws:sts::{ACCOUNT_ID}:federated-user/Bob"
    assert identity["UserId"] == f"{ACCOUNT_ID}:Bob"
    # GetFederationToken's API reference: no IAM calls with these credentials.
    with pytest.raises(ClientError) as err:
        session_client("iam", server, credentials).list_users()
    assert err.value.response["Error"]["Code"] == "InvalidClientTokenId"

    result = aws_cli(server.endpoint, "sts", "get-federation-token", "--name", "Carol",
                     "--policy-arns", "arn=arn:aws:iam::aws:policy/ReadOnlyAccess",
                     key_id=key_id, secret=secret)
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["FederatedUser"]["Arn"] == f"arn:aws:sts::{ACCOUNT_ID}:federated-user/Carol"
    assert out["Credentials"]["AccessKeyId"].startswith("ASIA")
