"""Groups end to end: members gain and lose a group's permissions with membership, a Deny in
a group policy beats an Allow in the user's own policy, rename keeps members and policies,
DeleteConflict and LimitExceeded as AWS answers them, and groups survive a restart."""

import json

import pytest
from botocore.exceptions import ClientError

from conftest import ACCOUNT_ID, client, start_server, stop_server


def error_code(err):
    return err.value.response["Error"]["Code"]


def allow(action, resource="*"):
    return json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": action, "Resource": resource}]})


def deny(action, resource="*"):
    return json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": action, "Resource": resource}]})


def user_with_key(iam, name):
    iam.create_user(UserName=name)
    return iam.create_access_key(UserName=name)["AccessKey"]


def remove_user(iam, name, key):
    iam.delete_access_key(UserName=name, AccessKeyId=key["AccessKeyId"])
    for policy in iam.list_user_policies(UserName=name)["PolicyNames"]:
        iam.delete_user_policy(UserName=name, PolicyName=policy)
    for group in iam.list_groups_for_user(UserName=name)["Groups"]:
        iam.remove_user_from_group(GroupName=group["GroupName"], UserName=name)
    iam.delete_user(UserName=name)


def remove_group(iam, name):
    for policy in iam.list_group_policies(GroupName=name)["PolicyNames"]:
        iam.delete_group_policy(GroupName=name, PolicyName=policy)
    for user in iam.get_group(GroupName=name)["Users"]:
        iam.remove_user_from_group(GroupName=name, UserName=user["UserName"])
    iam.delete_group(GroupName=name)


def test_members_gain_and_lose_the_group_permissions(server, iam):
    created = iam.create_group(GroupName="developers", Path="/eng/")["Group"]
    assert created["Arn"] == f"arn:aws:iam::{ACCOUNT_ID}:group/eng/developers"
    assert created["GroupId"].startswith("AGPA") and len(created["GroupId"]) == 21
    iam.put_group_policy(GroupName="developers", PolicyName="list-users", PolicyDocument=allow("iam:ListUsers"))
    key = user_with_key(iam, "dev1")
    as_dev = client("iam", server.endpoint, key["AccessKeyId"], key["SecretAccessKey"])
    try:
        with pytest.raises(ClientError) as err:
            as_dev.list_users()
        assert error_code(err) == "AccessDenied"
        iam.add_user_to_group(GroupName="DEVELOPERS", UserName="dev1")
        as_dev.list_users()
        group = iam.get_group(GroupName="developers")
        assert [u["UserName"] for u in group["Users"]] == ["dev1"]
        assert group["Group"]["GroupId"] == created["GroupId"]
        assert [g["GroupName"] for g in iam.list_groups_for_user(UserName="dev1")["Groups"]] == ["developers"]
        # A change to the group's policy reaches its members on their next request.
        iam.put_group_policy(GroupName="developers", PolicyName="list-users", PolicyDocument=allow("iam:GetUser"))
        with pytest.raises(ClientError) as err:
            as_dev.list_users()
        assert error_code(err) == "AccessDenied"
        iam.put_group_policy(GroupName="developers", PolicyName="list-users", PolicyDocument=allow("iam:ListUsers"))
        as_dev.list_users()
        # Rename: members keep the group's permissions.
        iam.update_group(GroupName="developers", NewGroupName="builders", NewPath="/build/")
        as_dev.list_users()
        assert iam.get_group(GroupName="builders")["Group"]["Arn"] == f"arn:aws:iam::{ACCOUNT_ID}:group/build/builders"
        with pytest.raises(ClientError) as err:
            iam.get_group(GroupName="developers")
        assert error_code(err) == "NoSuchEntity"
        assert err.value.response["Error"]["Message"] == "The group with name developers cannot be found."
        iam.remove_user_from_group(GroupName="builders", UserName="dev1")
        with pytest.raises(ClientError) as err:
            as_dev.list_users()
        assert error_code(err) == "AccessDenied"
        with pytest.raises(ClientError) as err:
            iam.remove_user_from_group(GroupName="builders", UserName="dev1")
        assert error_code(err) == "NoSuchEntity"
    finally:
        remove_user(iam, "dev1", key)
        remove_group(iam, "builders")


def test_a_deny_in_a_group_policy_beats_the_users_allow(server, iam):
    iam.create_group(GroupName="no-deletes")
    iam.put_group_policy(GroupName="no-deletes", PolicyName="deny", PolicyDocument=deny("iam:DeleteUser"))
    key = user_with_key(iam, "careful")
    iam.put_user_policy(UserName="careful", PolicyName="admin", PolicyDocument=allow("iam:*"))
    as_user = client("iam", server.endpoint, key["AccessKeyId"], key["SecretAccessKey"])
    try:
        as_user.create_user(UserName="victim")
        iam.add_user_to_group(GroupName="no-deletes", UserName="careful")
        with pytest.raises(ClientError) as err:
            as_user.delete_user(UserName="victim")
        assert error_code(err) == "AccessDenied"
        assert "explicit deny in an identity-based policy" in err.value.response["Error"]["Message"]
        as_user.list_users()
    finally:
        iam.delete_user(UserName="victim")
        remove_user(iam, "careful", key)
        remove_group(iam, "no-deletes")


def test_conflicts_quotas_and_errors_follow_aws(iam):
    iam.create_group(GroupName="g-main")
    iam.create_user(UserName="joiner")
    try:
        with pytest.raises(ClientError) as err:
            iam.create_group(GroupName="G-MAIN")
        assert error_code(err) == "EntityAlreadyExists"
        assert err.value.response["Error"]["Message"] == "Group with name G-MAIN already exists."
        iam.add_user_to_group(GroupName="g-main", UserName="joiner")
        with pytest.raises(ClientError) as err:
            iam.delete_group(GroupName="g-main")
        assert error_code(err) == "DeleteConflict"
        assert err.value.response["ResponseMetadata"]["HTTPStatusCode"] == 409
        with pytest.raises(ClientError) as err:
            iam.delete_user(UserName="joiner")
        assert error_code(err) == "DeleteConflict"
        for n in range(9):
            iam.create_group(GroupName=f"g-{n}")
            iam.add_user_to_group(GroupName=f"g-{n}", UserName="joiner")
        iam.create_group(GroupName="g-eleventh")
        with pytest.raises(ClientError) as err:
            iam.add_user_to_group(GroupName="g-eleventh", UserName="joiner")
        assert error_code(err) == "LimitExceeded"
        assert err.value.response["Error"]["Message"] == "Cannot exceed quota for GroupsPerUser: 10"
        page = iam.list_groups_for_user(UserName="joiner", MaxItems=4)
        assert page["IsTruncated"] and len(page["Groups"]) == 4
        names = [g["GroupName"] for p in iam.get_paginator("list_groups_for_user").paginate(UserName="joiner", PaginationConfig={"PageSize": 3}) for g in p["Groups"]]
        assert len(names) == 10 and "g-main" in names
        listed = [g["GroupName"] for p in iam.get_paginator("list_groups").paginate(PaginationConfig={"PageSize": 4}) for g in p["Groups"]]
        assert listed == sorted(listed, key=str.lower) and len(listed) >= 11
        # Inline group policies share a 5,120-character quota (whitespace not counted).
        big = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:GetUser", "Resource": f"arn:aws:iam::{ACCOUNT_ID}:user/{'x' * 2400}"}]})
        iam.put_group_policy(GroupName="g-main", PolicyName="one", PolicyDocument=big)
        iam.put_group_policy(GroupName="g-main", PolicyName="two", PolicyDocument=big)
        with pytest.raises(ClientError) as err:
            iam.put_group_policy(GroupName="g-main", PolicyName="three", PolicyDocument=big)
        assert error_code(err) == "LimitExceeded"
        with pytest.raises(ClientError) as err:
            iam.put_group_policy(GroupName="g-main", PolicyName="bad", PolicyDocument="{not json")
        assert error_code(err) == "MalformedPolicyDocument"
        with pytest.raises(ClientError) as err:
            iam.get_group_policy(GroupName="g-main", PolicyName="missing")
        assert error_code(err) == "NoSuchEntity"
        assert err.value.response["Error"]["Message"] == "The group policy with name missing cannot be found."
        doc = iam.get_group_policy(GroupName="g-main", PolicyName="ONE")
        assert doc["PolicyName"] == "one" and doc["PolicyDocument"] == json.loads(big)
        with pytest.raises(ClientError) as err:
            iam.delete_group(GroupName="g-eleventh-missing")
        assert error_code(err) == "NoSuchEntity"
    finally:
        for group in iam.list_groups()["Groups"]:
            if group["GroupName"].startswith("g-"):
                remove_group(iam, group["GroupName"])
        iam.delete_user(UserName="joiner")


def test_groups_survive_a_restart(tmp_path):
    srv = start_server(tmp_path / "data")
    try:
        iam = client("iam", srv.endpoint)
        iam.create_group(GroupName="readers")
        iam.put_group_policy(GroupName="readers", PolicyName="read", PolicyDocument=allow("iam:ListUsers"))
        key = user_with_key(iam, "reader")
        iam.add_user_to_group(GroupName="readers", UserName="reader")
    finally:
        stop_server(srv)
    again = start_server(tmp_path / "data")
    try:
        as_reader = client("iam", again.endpoint, key["AccessKeyId"], key["SecretAccessKey"])
        as_reader.list_users()
        with pytest.raises(ClientError) as err:
            as_reader.list_groups()
        assert error_code(err) == "AccessDenied"
    finally:
        stop_server(again)
