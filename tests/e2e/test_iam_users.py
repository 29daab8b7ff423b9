"""Users beyond create/delete: UpdateUser (rename and move keep the user's id, keys and
policies) and tags (TagUser, UntagUser, ListUserTags), which are also the user's
aws:PrincipalTag keys and take effect on its next request."""

import json

import pytest
from botocore.exceptions import ClientError

from conftest import ACCOUNT_ID, client


def error_code(err):
    return err.value.response["Error"]["Code"]


def test_rename_and_move_keep_id_keys_and_policies(server, iam):
    created = iam.create_user(UserName="rick")["User"]
    key = iam.create_access_key(UserName="rick")["AccessKey"]
    iam.put_user_policy(
        UserName="rick",
        PolicyName="self",
        PolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:GetUser", "Resource": "*"}]}
        ),
    )
    iam.create_user(UserName="taken")
    sts = client("sts", server.endpoint, key["AccessKeyId"], key["SecretAccessKey"])
    as_user = client("iam", server.endpoint, key["AccessKeyId"], key["SecretAccessKey"])
    try:
        iam.update_user(UserName="rick", NewUserName="richard", NewPath="/ops/")
        me = sts.get_caller_identity()
        assert me["Arn"] == f"arn:aws:iam::{ACCOUNT_ID}:user/ops/richard"
        assert me["UserId"] == created["UserId"]
        user = as_user.get_user()["User"]
        assert (user["UserName"], user["Path"], user["UserId"]) == ("richard", "/ops/", created["UserId"])
        assert iam.list_user_policies(UserName="richard")["PolicyNames"] == ["self"]
        with pytest.raises(ClientError) as err:
            iam.get_user(UserName="rick")
        assert error_code(err) == "NoSuchEntity"
        with pytest.raises(ClientError) as err:
            iam.update_user(UserName="richard", NewUserName="TAKEN")
        assert error_code(err) == "EntityAlreadyExists"
        assert err.value.response["ResponseMetadata"]["HTTPStatusCode"] == 409
        with pytest.raises(ClientError) as err:
            iam.update_user(UserName="nobody-here", NewPath="/x/")
        assert error_code(err) == "NoSuchEntity"
    finally:
        iam.delete_user(UserName="taken")
        iam.delete_user_policy(UserName="richard", PolicyName="self")
        iam.delete_access_key(UserName="richard", AccessKeyId=key["AccessKeyId"])
        iam.delete_user(UserName="richard")


def test_a_rename_needs_permission_on_the_new_name_too(server, iam):
    iam.create_user(UserName="renamer")
    key = iam.create_access_key(UserName="renamer")["AccessKey"]
    iam.create_user(UserName="subject")
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": "iam:UpdateUser", "Resource": f"arn:aws:iam::{ACCOUNT_ID}:user/subject"}
        ],
    }
    iam.put_user_policy(UserName="renamer", PolicyName="one-user", PolicyDocument=json.dumps(policy))
    as_renamer = client("iam", server.endpoint, key["AccessKeyId"], key["SecretAccessKey"])
    try:
        with pytest.raises(ClientError) as err:
            as_renamer.update_user(UserName="subject", NewUserName="renamed")
        assert error_code(err) == "AccessDenied"
        assert "user/renamed" in err.value.response["Error"]["Message"]
        assert iam.get_user(UserName="subject")["User"]["UserName"] == "subject"
    finally:
        iam.delete_user(UserName="subject")
        iam.delete_user_policy(UserName="renamer", PolicyName="one-user")
        iam.delete_access_key(UserName="renamer", AccessKeyId=key["AccessKeyId"])
        iam.delete_user(UserName="renamer")


def test_tags_are_listed_paged_and_become_principal_tags(server, iam):
    iam.create_user(UserName="tagme")
    key = iam.create_access_key(UserName="tagme")["AccessKey"]
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": "iam:ListUsers",
                "Resource": "*",
                "Condition": {"StringEquals": {"aws:PrincipalTag/team": "blue"}},
            }
        ],
    }
    iam.put_user_policy(UserName="tagme", PolicyName="blue-only", PolicyDocument=json.dumps(policy))
    as_user = client("iam", server.endpoint, key["AccessKeyId"], key["SecretAccessKey"])
    try:
        with pytest.raises(ClientError) as err:
            as_user.list_users()
        assert error_code(err) == "AccessDenied"
        iam.tag_user(UserName="tagme", Tags=[{"Key": "team", "Value": "blue"}, {"Key": "a", "Value": "1"}])
        as_user.list_users()
        # A key matching case-insensitively replaces the value (and spelling).
        iam.tag_user(UserName="tagme", Tags=[{"Key": "A", "Value": "2"}, {"Key": "b", "Value": "3"}])
        first = iam.list_user_tags(UserName="tagme", MaxItems=2)
        assert first["IsTruncated"] is True
        rest = iam.list_user_tags(UserName="tagme", Marker=first["Marker"])
        assert rest["IsTruncated"] is False
        tags = first["Tags"] + rest["Tags"]
        assert tags == [{"Key": "team", "Value": "blue"}, {"Key": "A", "Value": "2"}, {"Key": "b", "Value": "3"}]
        paginated = [t for page in iam.get_paginator("list_user_tags").paginate(UserName="tagme", PaginationConfig={"PageSize": 1}) for t in page["Tags"]]
        assert paginated == tags
        iam.untag_user(UserName="tagme", TagKeys=["TEAM"])
        with pytest.raises(ClientError) as err:
            as_user.list_users()
        assert error_code(err) == "AccessDenied"
        with pytest.raises(ClientError) as err:
            iam.tag_user(UserName="tagme", Tags=[{"Key": f"k{i}", "Value": "v"} for i in range(49)])
        assert error_code(err) == "LimitExceeded"
        with pytest.raises(ClientError) as err:
            iam.list_user_tags(UserName="ghost")
        assert error_code(err) == "NoSuchEntity"
    finally:
        iam.delete_user_policy(UserName="tagme", PolicyName="blue-only")
        iam.delete_access_key(UserName="tagme", AccessKeyId=key["AccessKeyId"])
        iam.delete_user(UserName="tagme")
