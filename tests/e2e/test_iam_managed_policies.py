"""Managed policies end to end: AWS managed policies attach and apply (an Administrators
group with AdministratorAccess), customer managed policies with versions (the default one
applies; a sixth version is refused), DeleteConflict rules, usage counts, ListPolicies and
ListEntitiesForPolicy, and a permissions boundary that caps a delegated administrator."""

import json

import pytest
from botocore.exceptions import ClientError

from conftest import ACCOUNT_ID, client

ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess"
READ_ONLY_IAM = "arn:aws:iam::aws:policy/IAMReadOnlyAccess"


def error_code(err):
    return err.value.response["Error"]["Code"]


def allow(action, resource="*"):
    return json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": action, "Resource": resource}]})


def user_client(server, iam, name):
    iam.create_user(UserName=name)
    key = iam.create_access_key(UserName=name)["AccessKey"]
    return key, client("iam", server.endpoint, key["AccessKeyId"], key["SecretAccessKey"])


def test_an_administrators_group_with_administrator_access(server, iam):
    iam.create_group(GroupName="Administrators")
    key, as_admin = user_client(server, iam, "alice-admin")
    try:
        with pytest.raises(ClientError) as err:
            as_admin.create_user(UserName="made-by-admin")
        assert error_code(err) == "AccessDenied"
        iam.attach_group_policy(GroupName="Administrators", PolicyArn=ADMIN)
        iam.add_user_to_group(GroupName="Administrators", UserName="alice-admin")
        as_admin.create_user(UserName="made-by-admin")
        as_admin.delete_user(UserName="made-by-admin")
        attached = iam.list_attached_group_policies(GroupName="Administrators")["AttachedPolicies"]
        assert attached == [{"PolicyName": "AdministratorAccess", "PolicyArn": ADMIN}]
        policy = iam.get_policy(PolicyArn=ADMIN)["Policy"]
        assert policy["AttachmentCount"] == 1 and policy["IsAttachable"] is True
        assert policy["PolicyId"].startswith("ANPA")
        version = iam.get_policy_version(PolicyArn=ADMIN, VersionId=policy["DefaultVersionId"])["PolicyVersion"]
        assert version["Document"]["Statement"][0]["Action"] == "*"
        entities = iam.list_entities_for_policy(PolicyArn=ADMIN)
        assert [g["GroupName"] for g in entities["PolicyGroups"]] == ["Administrators"]
        with pytest.raises(ClientError) as err:
            iam.create_policy_version(PolicyArn=ADMIN, PolicyDocument=allow("s3:*"))
        assert error_code(err) == "UnmodifiableEntity"
        with pytest.raises(ClientError) as err:
            iam.attach_user_policy(UserName="alice-admin", PolicyArn="arn:aws:iam::aws:policy/NoSuchPolicyAtAll")
        assert error_code(err) == "NoSuchEntity"
        with pytest.raises(ClientError) as err:
            iam.delete_group(GroupName="Administrators")
        assert error_code(err) == "DeleteConflict"
        iam.detach_group_policy(GroupName="Administrators", PolicyArn=ADMIN)
        with pytest.raises(ClientError) as err:
            as_admin.list_users()
        assert error_code(err) == "AccessDenied"
        with pytest.raises(ClientError) as err:
            iam.detach_group_policy(GroupName="Administrators", PolicyArn=ADMIN)
        assert error_code(err) == "NoSuchEntity"
    finally:
        iam.remove_user_from_group(GroupName="Administrators", UserName="alice-admin")
        iam.delete_access_key(UserName="alice-admin", AccessKeyId=key["AccessKeyId"])
        iam.delete_user(UserName="alice-admin")
        iam.delete_group(GroupName="Administrators")


def test_customer_managed_policy_versions_apply_and_are_limited(server, iam):
    created = iam.create_policy(
        PolicyName="ListUsersOnly", Path="/team/", PolicyDocument=allow("iam:ListUsers"),
        Description="what it says", Tags=[{"Key": "team", "Value": "red"}],
    )["Policy"]
    arn = created["Arn"]
    assert arn == f"arn:aws:iam::{ACCOUNT_ID}:policy/team/ListUsersOnly"
    assert created["DefaultVersionId"] == "v1" and created["AttachmentCount"] == 0
    assert "Description" not in created
    key, as_user = user_client(server, iam, "versioned")
    try:
        iam.attach_user_policy(UserName="versioned", PolicyArn=arn)
        as_user.list_users()
        with pytest.raises(ClientError) as err:
            as_user.list_groups()
        assert error_code(err) == "AccessDenied"
        # A new version applies only once it is the default.
        v2 = iam.create_policy_version(PolicyArn=arn, PolicyDocument=allow("iam:ListGroups"))["PolicyVersion"]
        assert (v2["VersionId"], v2["IsDefaultVersion"]) == ("v2", False)
        as_user.list_users()
        iam.set_default_policy_version(PolicyArn=arn, VersionId="v2")
        as_user.list_groups()
        with pytest.raises(ClientError) as err:
            as_user.list_users()
        assert error_code(err) == "AccessDenied"
        for _ in range(3):
            iam.create_policy_version(PolicyArn=arn, PolicyDocument=allow("iam:GetUser"))
        with pytest.raises(ClientError) as err:
            iam.create_policy_version(PolicyArn=arn, PolicyDocument=allow("iam:GetUser"))
        assert error_code(err) == "LimitExceeded"
        assert err.value.response["Error"]["Message"] == (
            "A managed policy can have up to 5 versions. Before you create a new version, you must delete an existing version."
        )
        versions = iam.list_policy_versions(PolicyArn=arn)["Versions"]
        assert sorted(v["VersionId"] for v in versions) == ["v1", "v2", "v3", "v4", "v5"]
        assert [v["VersionId"] for v in versions if v["IsDefaultVersion"]] == ["v2"]
        with pytest.raises(ClientError) as err:
            iam.delete_policy_version(PolicyArn=arn, VersionId="v2")
        assert error_code(err) == "DeleteConflict"
        policy = iam.get_policy(PolicyArn=arn)["Policy"]
        assert (policy["DefaultVersionId"], policy["AttachmentCount"], policy["Description"]) == ("v2", 1, "what it says")
        assert policy["Tags"] == [{"Key": "team", "Value": "red"}]
        local = [p["PolicyName"] for p in iam.list_policies(Scope="Local")["Policies"]]
        assert local == ["ListUsersOnly"]
        attached = [p["PolicyName"] for p in iam.list_policies(Scope="Local", OnlyAttached=True)["Policies"]]
        assert attached == ["ListUsersOnly"]
        with pytest.raises(ClientError) as err:
            iam.delete_policy(PolicyArn=arn)
        assert error_code(err) == "DeleteConflict"
        iam.detach_user_policy(UserName="versioned", PolicyArn=arn)
        with pytest.raises(ClientError) as err:
            iam.delete_policy(PolicyArn=arn)
        assert error_code(err) == "DeleteConflict"
        assert "more than one version" in err.value.response["Error"]["Message"]
        with pytest.raises(ClientError) as err:
            iam.create_policy(PolicyName="listusersonly", PolicyDocument=allow("iam:GetUser"))
        assert error_code(err) == "EntityAlreadyExists"
    finally:
        for version in iam.list_policy_versions(PolicyArn=arn)["Versions"]:
            if not version["IsDefaultVersion"]:
                iam.delete_policy_version(PolicyArn=arn, VersionId=version["VersionId"])
        iam.delete_policy(PolicyArn=arn)
        iam.delete_access_key(UserName="versioned", AccessKeyId=key["AccessKeyId"])
        iam.delete_user(UserName="versioned")
    with pytest.raises(ClientError) as err:
        iam.get_policy(PolicyArn=arn)
    assert error_code(err) == "NoSuchEntity"


def test_a_permissions_boundary_caps_a_delegated_administrator(server, iam):
    boundary = iam.create_policy(PolicyName="DelegatedBoundary", PolicyDocument=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": ["iam:List*", "iam:Get*"], "Resource": "*"}],
    }))["Policy"]["Arn"]
    key, as_delegate = user_client(server, iam, "delegate")
    try:
        iam.attach_user_policy(UserName="delegate", PolicyArn=ADMIN)
        as_delegate.create_user(UserName="before-boundary")
        iam.put_user_permissions_boundary(UserName="delegate", PermissionsBoundary=boundary)
        user = iam.get_user(UserName="delegate")["User"]
        assert user["PermissionsBoundary"] == {"PermissionsBoundaryType": "Policy", "PermissionsBoundaryArn": boundary}
        as_delegate.list_users()
        with pytest.raises(ClientError) as err:
            as_delegate.create_user(UserName="after-boundary")
        assert error_code(err) == "AccessDenied"
        assert "permissions boundary" in err.value.response["Error"]["Message"]
        assert iam.get_policy(PolicyArn=boundary)["Policy"]["PermissionsBoundaryUsageCount"] == 1
        by_boundary = iam.list_entities_for_policy(PolicyArn=boundary, PolicyUsageFilter="PermissionsBoundary")
        assert [u["UserName"] for u in by_boundary["PolicyUsers"]] == ["delegate"]
        with pytest.raises(ClientError) as err:
            iam.delete_policy(PolicyArn=boundary)
        assert error_code(err) == "DeleteConflict"
        iam.delete_user_permissions_boundary(UserName="delegate")
        as_delegate.create_user(UserName="after-boundary")
        # CreateUser can set a boundary; it must name an existing policy.
        with pytest.raises(ClientError) as err:
            iam.create_user(UserName="bounded", PermissionsBoundary=f"arn:aws:iam::{ACCOUNT_ID}:policy/Nope")
        assert error_code(err) == "NoSuchEntity"
        iam.create_user(UserName="bounded", PermissionsBoundary=READ_ONLY_IAM)
        assert iam.get_user(UserName="bounded")["User"]["PermissionsBoundary"]["PermissionsBoundaryArn"] == READ_ONLY_IAM
    finally:
        for name in ["before-boundary", "after-boundary"]:
            iam.delete_user(UserName=name)
        iam.delete_user_permissions_boundary(UserName="bounded")
        iam.delete_user(UserName="bounded")
        iam.detach_user_policy(UserName="delegate", PolicyArn=ADMIN)
        iam.delete_access_key(UserName="delegate", AccessKeyId=key["AccessKeyId"])
        iam.delete_user(UserName="delegate")
        iam.delete_policy(PolicyArn=boundary)


def test_attachment_quota_and_aws_scope_listing(iam):
    iam.create_user(UserName="collector")
    arns = [
        iam.create_policy(PolicyName=f"quota-{n}", PolicyDocument=allow("iam:GetUser"))["Policy"]["Arn"]
        for n in range(11)
    ]
    try:
        for arn in arns[:10]:
            iam.attach_user_policy(UserName="collector", PolicyArn=arn)
        iam.attach_user_policy(UserName="collector", PolicyArn=arns[0])  # again: no change
        with pytest.raises(ClientError) as err:
            iam.attach_user_policy(UserName="collector", PolicyArn=arns[10])
        assert error_code(err) == "LimitExceeded"
        assert err.value.response["Error"]["Message"] == "Cannot exceed quota for PoliciesPerUser: 10"
        page = iam.list_attached_user_policies(UserName="collector", MaxItems=4)
        assert page["IsTruncated"] and len(page["AttachedPolicies"]) == 4
        aws = iam.list_policies(Scope="AWS", MaxItems=50)
        assert aws["IsTruncated"] and len(aws["Policies"]) == 50
        assert all(p["Arn"].startswith("arn:aws:iam::aws:policy/") for p in aws["Policies"])
        job = [p["PolicyName"] for p in iam.list_policies(Scope="AWS", PathPrefix="/job-function/")["Policies"]]
        assert "ViewOnlyAccess" in job
    finally:
        for arn in arns[:10]:
            iam.detach_user_policy(UserName="collector", PolicyArn=arn)
        for arn in arns:
            iam.delete_policy(PolicyArn=arn)
        iam.delete_user(UserName="collector")
