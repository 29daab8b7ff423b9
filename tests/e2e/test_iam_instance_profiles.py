"""Instance profiles end to end: a profile carries at most one role, lists and tags as AWS
does, and neither the profile nor its role can be deleted while they are joined."""

import json

import pytest
from botocore.exceptions import ClientError

from conftest import ACCOUNT_ID

EC2_TRUST = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}],
}


def error_code(err):
    return err.value.response["Error"]["Code"]


def test_instance_profile_lifecycle(iam):
    profile = iam.create_instance_profile(InstanceProfileName="web", Path="/app/")["InstanceProfile"]
    assert profile["Arn"] == f"arn:aws:iam::{ACCOUNT_ID}:instance-profile/app/web"
    assert profile["InstanceProfileId"].startswith("AIPA") and profile["Roles"] == []
    iam.create_role(RoleName="web-role", AssumeRolePolicyDocument=json.dumps(EC2_TRUST))
    iam.create_role(RoleName="other-role", AssumeRolePolicyDocument=json.dumps(EC2_TRUST))
    try:
        iam.add_role_to_instance_profile(InstanceProfileName="web", RoleName="web-role")
        got = iam.get_instance_profile(InstanceProfileName="WEB")["InstanceProfile"]
        assert [r["RoleName"] for r in got["Roles"]] == ["web-role"]
        assert got["Roles"][0]["AssumeRolePolicyDocument"] == EC2_TRUST
        with pytest.raises(ClientError) as err:
            iam.add_role_to_instance_profile(InstanceProfileName="web", RoleName="other-role")
        assert error_code(err) == "LimitExceeded"
        for_role = iam.list_instance_profiles_for_role(RoleName="web-role")["InstanceProfiles"]
        assert [p["InstanceProfileName"] for p in for_role] == ["web"]
        assert [p["InstanceProfileName"] for p in iam.list_instance_profiles(PathPrefix="/app/")["InstanceProfiles"]] == ["web"]
        with pytest.raises(ClientError) as err:
            iam.delete_role(RoleName="web-role")
        assert error_code(err) == "DeleteConflict"
        with pytest.raises(ClientError) as err:
            iam.delete_instance_profile(InstanceProfileName="web")
        assert error_code(err) == "DeleteConflict"
        iam.tag_instance_profile(InstanceProfileName="web", Tags=[{"Key": "tier", "Value": "front"}])
        assert iam.list_instance_profile_tags(InstanceProfileName="web")["Tags"] == [{"Key": "tier", "Value": "front"}]
        iam.untag_instance_profile(InstanceProfileName="web", TagKeys=["tier"])
        details = iam.get_account_authorization_details(Filter=["Role"])["RoleDetailList"]
        role = next(r for r in details if r["RoleName"] == "web-role")
        assert [p["InstanceProfileName"] for p in role["InstanceProfileList"]] == ["web"]
        iam.remove_role_from_instance_profile(InstanceProfileName="web", RoleName="web-role")
        with pytest.raises(ClientError) as err:
            iam.remove_role_from_instance_profile(InstanceProfileName="web", RoleName="web-role")
        assert error_code(err) == "NoSuchEntity"
    finally:
        iam.delete_instance_profile(InstanceProfileName="web")
        iam.delete_role(RoleName="web-role")
        iam.delete_role(RoleName="other-role")
    with pytest.raises(ClientError) as err:
        iam.get_instance_profile(InstanceProfileName="web")
    assert error_code(err) == "NoSuchEntity"
