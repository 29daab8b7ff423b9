"""Roles end to end with boto3 and the AWS CLI: creation with a trust policy (validated as a
trust policy, account principals normalized to root ARNs, named users stored by unique id), reads, updates, tags, inline and
managed policies, boundaries, and AWS's conflicts and errors."""

import json

import pytest
from botocore.exceptions import ClientError

from conftest import ACCOUNT_ID, aws_cli

TRUST = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"AWS": ACCOUNT_ID}, "Action": "sts:AssumeRole"}],
}
EC2_TRUST = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}],
}
READ_ONLY = "arn:aws:iam::aws:policy/ReadOnlyAccess"


def error_code(err):
    return err.value.response["Error"]["Code"]


def test_role_lifecycle(iam):
    created = iam.create_role(
        RoleName="deployer", Path="/ci/", AssumeRolePolicyDocument=json.dumps(TRUST),
        Description="deploys", Tags=[{"Key": "team", "Value": "red"}],
    )["Role"]
    try:
        assert created["Arn"] == f"arn:aws:iam::{ACCOUNT_ID}:role/ci/deployer"
        assert created["RoleId"].startswith("AROA") and len(created["RoleId"]) == 21
        role = iam.get_role(RoleName="DEPLOYER")["Role"]
        assert role["RoleName"] == "deployer" and role["MaxSessionDuration"] == 3600
        principal = role["AssumeRolePolicyDocument"]["Statement"][0]["Principal"]["AWS"]
        assert principal == f"arn:aws:iam::{ACCOUNT_ID}:root"
        assert role["Tags"] == [{"Key": "team", "Value": "red"}]
        assert "RoleLastUsed" in role
        iam.update_role(RoleName="deployer", MaxSessionDuration=7200, Description="ships")
        described = iam.update_role_description(RoleName="deployer", Description="ships it")["Role"]
        assert described["Description"] == "ships it" and described["MaxSessionDuration"] == 7200
        iam.update_assume_role_policy(RoleName="deployer", PolicyDocument=json.dumps(EC2_TRUST))
        trust = iam.get_role(RoleName="deployer")["Role"]["AssumeRolePolicyDocument"]
        assert trust["Statement"][0]["Principal"] == {"Service": "ec2.amazonaws.com"}
        listed = [r for r in iam.list_roles(PathPrefix="/ci/")["Roles"]]
        assert [r["RoleName"] for r in listed] == ["deployer"]
        assert "Tags" not in listed[0]
        iam.put_role_policy(RoleName="deployer", PolicyName="read", PolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}))
        assert iam.list_role_policies(RoleName="deployer")["PolicyNames"] == ["read"]
        iam.attach_role_policy(RoleName="deployer", PolicyArn=READ_ONLY)
        assert iam.list_attached_role_policies(RoleName="deployer")["AttachedPolicies"][0]["PolicyArn"] == READ_ONLY
        roles = iam.list_entities_for_policy(PolicyArn=READ_ONLY, EntityFilter="Role")["PolicyRoles"]
        assert [r["RoleName"] for r in roles] == ["deployer"]
        iam.put_role_permissions_boundary(RoleName="deployer", PermissionsBoundary=READ_ONLY)
        assert iam.get_role(RoleName="deployer")["Role"]["PermissionsBoundary"]["PermissionsBoundaryArn"] == READ_ONLY
        iam.tag_role(RoleName="deployer", Tags=[{"Key": "env", "Value": "prod"}])
        iam.untag_role(RoleName="deployer", TagKeys=["team"])
        assert iam.list_role_tags(RoleName="deployer")["Tags"] == [{"Key": "env", "Value": "prod"}]
        with pytest.raises(ClientError) as err:
            iam.delete_role(RoleName="deployer")
        assert error_code(err) == "DeleteConflict"
        iam.delete_role_policy(RoleName="deployer", PolicyName="read")
        with pytest.raises(ClientError) as err:
            iam.delete_role(RoleName="deployer")
        assert error_code(err) == "DeleteConflict"
        assert err.value.response["Error"]["Message"] == "Cannot delete entity, must detach all policies first."
        iam.detach_role_policy(RoleName="deployer", PolicyArn=READ_ONLY)
        iam.delete_role_permissions_boundary(RoleName="deployer")
    finally:
        iam.delete_role(RoleName="deployer")
    with pytest.raises(ClientError) as err:
        iam.get_role(RoleName="deployer")
    assert error_code(err) == "NoSuchEntity"
    assert err.value.response["Error"]["Message"] == "The role with name deployer cannot be found."


def test_trust_policies_are_validated_as_trust_policies(iam):
    identity = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}
    with pytest.raises(ClientError) as err:
        iam.create_role(RoleName="bad-trust", AssumeRolePolicyDocument=json.dumps(identity))
    assert error_code(err) == "MalformedPolicyDocument"
    iam.create_role(RoleName="dup", AssumeRolePolicyDocument=json.dumps(TRUST))
    try:
        with pytest.raises(ClientError) as err:
            iam.create_role(RoleName="DUP", AssumeRolePolicyDocument=json.dumps(TRUST))
        assert error_code(err) == "EntityAlreadyExists"
        assert err.value.response["Error"]["Message"] == "Role with name DUP already exists."
    finally:
        iam.delete_role(RoleName="dup")


def test_a_trusted_user_is_stored_by_unique_id(iam):
    """AWS stores a principal that names a user as the user's unique id: GetRole shows the
    ARN while the user exists and the id once it is deleted, so a re-created user of the
    same name is not trusted again."""
    bob_arn = f"arn:aws:iam::{ACCOUNT_ID}:user/trusted-bob"
    trust = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"AWS": bob_arn}, "Action": "sts:AssumeRole"}],
    }
    with pytest.raises(ClientError) as err:
        iam.create_role(RoleName="trusts-bob", AssumeRolePolicyDocument=json.dumps(trust))
    assert error_code(err) == "MalformedPolicyDocument"
    assert err.value.response["Error"]["Message"] == f'Invalid principal in policy: "AWS":"{bob_arn}"'

    bob_id = iam.create_user(UserName="trusted-bob")["User"]["UserId"]
    iam.create_role(RoleName="trusts-bob", AssumeRolePolicyDocument=json.dumps(trust))
    try:
        principal = lambda: iam.get_role(RoleName="trusts-bob")["Role"]["AssumeRolePolicyDocument"][
            "Statement"
        ][0]["Principal"]["AWS"]
        assert principal() == bob_arn
        iam.delete_user(UserName="trusted-bob")
        assert principal() == bob_id
        new_id = iam.create_user(UserName="trusted-bob")["User"]["UserId"]
        assert new_id != bob_id
        assert principal() == bob_id
        listed = [r for r in iam.list_roles()["Roles"] if r["RoleName"] == "trusts-bob"]
        assert listed[0]["AssumeRolePolicyDocument"]["Statement"][0]["Principal"]["AWS"] == bob_id
        iam.update_assume_role_policy(RoleName="trusts-bob", PolicyDocument=json.dumps(trust))
        assert principal() == bob_arn
    finally:
        iam.delete_role(RoleName="trusts-bob")
        iam.delete_user(UserName="trusted-bob")


def test_cli_creates_and_reads_a_role(server):
    trust = json.dumps(EC2_TRUST)

    def cli(*args):
        done = aws_cli(server.endpoint, "iam", *args)
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout) if done.stdout.strip() else {}

    created = cli("create-role", "--role-name", "cli-role", "--assume-role-policy-document", trust)
    assert created["Role"]["RoleName"] == "cli-role"
    got = cli("get-role", "--role-name", "cli-role")
    assert got["Role"]["AssumeRolePolicyDocument"]["Statement"][0]["Principal"]["Service"] == "ec2.amazonaws.com"
    cli("delete-role", "--role-name", "cli-role")


def test_service_linked_roles_are_protected(iam):
    role = iam.create_service_linked_role(AWSServiceName="elasticbeanstalk.amazonaws.com")["Role"]
    assert role["RoleName"] == "AWSServiceRoleForElasticbeanstalk"
    assert role["Path"] == "/aws-service-role/elasticbeanstalk.amazonaws.com/"
    assert role["AssumeRolePolicyDocument"]["Statement"][0]["Principal"] == {"Service": ["elasticbeanstalk.amazonaws.com"]}
    with pytest.raises(ClientError) as err:
        iam.create_service_linked_role(AWSServiceName="elasticbeanstalk.amazonaws.com")
    assert error_code(err) == "InvalidInput"
    with pytest.raises(ClientError) as err:
        iam.delete_role(RoleName=role["RoleName"])
    assert error_code(err) == "UnmodifiableEntity"
    with pytest.raises(ClientError) as err:
        iam.update_assume_role_policy(RoleName=role["RoleName"], PolicyDocument=json.dumps(TRUST))
    assert error_code(err) == "UnmodifiableEntity"
    with pytest.raises(ClientError) as err:
        iam.attach_role_policy(RoleName=role["RoleName"], PolicyArn=READ_ONLY)
    assert error_code(err) == "UnmodifiableEntity"
    task = iam.delete_service_linked_role(RoleName=role["RoleName"])["DeletionTaskId"]
    assert task.startswith("task/aws-service-role/elasticbeanstalk.amazonaws.com/AWSServiceRoleForElasticbeanstalk/")
    assert iam.get_service_linked_role_deletion_status(DeletionTaskId=task)["Status"] == "SUCCEEDED"
    with pytest.raises(ClientError) as err:
        iam.get_role(RoleName=role["RoleName"])
    assert error_code(err) == "NoSuchEntity"
