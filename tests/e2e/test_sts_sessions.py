"""Temporary credentials through real clients: a user assumes a role and trades its own
permissions for the role's; a trust policy without the user refuses; a role requiring MFA is
refused without a code and granted with a pyotp one; GetCallerIdentity shows the session;
GetSessionToken; the AWS CLI's own `role_arn` + `source_profile` (+ `mfa_serial`) profile configuration."""

import json
import time
import uuid

import pyotp
import pytest
from botocore.exceptions import ClientError

from conftest import ACCOUNT_ID, REGION, aws_cli, client


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def policy(*statements) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def allow(action: str) -> dict:
    return {"Effect": "Allow", "Action": action, "Resource": "*"}


def trusts(principal: str, condition: dict | None = None) -> dict:
    statement = {"Effect": "Allow", "Principal": {"AWS": principal}, "Action": "sts:AssumeRole"}
    if condition:
        statement["Condition"] = condition
    return statement


def user_with_key(iam, name: str, *statements):
    iam.create_user(UserName=name)
    if statements:
        iam.put_user_policy(UserName=name, PolicyName="own", PolicyDocument=policy(*statements))
    key = iam.create_access_key(UserName=name)["AccessKey"]
    return key["AccessKeyId"], key["SecretAccessKey"]


def role(iam, name: str, trust: dict, *statements) -> str:
    arn = iam.create_role(RoleName=name, AssumeRolePolicyDocument=policy(trust))["Role"]["Arn"]
    iam.put_role_policy(RoleName=name, PolicyName="work", PolicyDocument=policy(*statements))
    return arn


def session_client(service: str, server, credentials: dict):
    return client(service, server.endpoint, credentials["AccessKeyId"],
                  credentials["SecretAccessKey"], credentials["SessionToken"])


def error_code(err) -> str:
    return err.value.response["Error"]["Code"]


def test_a_user_assumes_a_role_and_loses_its_own_permissions(server, iam):
    user, role_name = unique("sts-user"), unique("sts-reader")
    key = user_with_key(iam, user, allow("iam:ListGroups"))
    arn = role(iam, role_name, trusts(f"arn:aws:iam::{ACCOUNT_ID}:user/{user}"), allow("iam:ListUsers"))
    own_iam = client("iam", server.endpoint, *key)
    own_iam.list_groups()
    with pytest.raises(ClientError) as err:
        own_iam.list_users()
    assert error_code(err) == "AccessDenied"

    sts = client("sts", server.endpoint, *key)
    answer = sts.assume_role(RoleArn=arn, RoleSessionName="work-session")
    credentials = answer["Credentials"]
    assert credentials["AccessKeyId"].startswith("ASIA")
    assert answer["AssumedRoleUser"]["Arn"] == f"arn:aws:sts::{ACCOUNT_ID}:assumed-role/{role_name}/work-session"
    assert answer["AssumedRoleUser"]["AssumedRoleId"].startswith("AROA")
    assert answer["AssumedRoleUser"]["AssumedRoleId"].endswith(":work-session")

    session_iam = session_client("iam", server, credentials)
    session_iam.list_users()
    with pytest.raises(ClientError) as err:
        session_iam.list_groups()
    assert error_code(err) == "AccessDenied"
    assert f"assumed-role/{role_name}/work-session is not authorized" in err.value.response["Error"]["Message"]

    identity = session_client("sts", server, credentials).get_caller_identity()
    assert identity["Arn"] == f"arn:aws:sts::{ACCOUNT_ID}:assumed-role/{role_name}/work-session"
    assert identity["UserId"] == answer["AssumedRoleUser"]["AssumedRoleId"]
    assert identity["Account"] == ACCOUNT_ID


def test_a_trust_policy_without_the_user_answers_access_denied(server, iam):
    user, other, role_name = unique("sts-outsider"), unique("sts-insider"), unique("sts-private")
    key = user_with_key(iam, user, allow("sts:AssumeRole"))
    iam.create_user(UserName=other)
    arn = role(iam, role_name, trusts(f"arn:aws:iam::{ACCOUNT_ID}:user/{other}"), allow("iam:ListUsers"))
    with pytest.raises(ClientError) as err:
        client("sts", server.endpoint, *key).assume_role(RoleArn=arn, RoleSessionName="nope")
    assert error_code(err) == "AccessDenied"
    assert err.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    assert err.value.response["Error"]["Message"] == (
        f"User: arn:aws:iam::{ACCOUNT_ID}:user/{user} is not authorized to perform: "
        f"sts:AssumeRole on resource: {arn}"
    )


def test_a_role_requiring_mfa_is_refused_without_a_code_and_granted_with_one(server, iam):
    user, role_name = unique("sts-admin"), unique("sts-mfa-role")
    key = user_with_key(iam, user)
    device = iam.create_virtual_mfa_device(VirtualMFADeviceName=unique("sts-phone"))["VirtualMFADevice"]
    serial = device["SerialNumber"]
    totp = pyotp.TOTP(device["Base32StringSeed"].decode())
    now = time.time()
    iam.enable_mfa_device(UserName=user, SerialNumber=serial,
                          AuthenticationCode1=totp.at(now - 30), AuthenticationCode2=totp.at(now))
    arn = role(
        iam,
        role_name,
        trusts(f"arn:aws:iam::{ACCOUNT_ID}:user/{user}", {"Bool": {"aws:MultiFactorAuthPresent": "true"}}),
        allow("iam:ListUsers"),
    )
    sts = client("sts", server.endpoint, *key)
    with pytest.raises(ClientError) as err:
        sts.assume_role(RoleArn=arn, RoleSessionName="no-mfa")
    assert error_code(err) == "AccessDenied"
    # The next step's code: the enabling codes' steps are spent.
    answer = sts.assume_role(RoleArn=arn, RoleSessionName="with-mfa",
                             SerialNumber=serial, TokenCode=totp.at(time.time() + 30))
    session_client("iam", server, answer["Credentials"]).list_users()


def test_get_session_token_with_and_without_mfa(server, iam):
    user = unique("sts-gst")
    key = user_with_key(iam, user, allow("iam:ListUsers"))
    sts = client("sts", server.endpoint, *key)
    credentials = sts.get_session_token(DurationSeconds=900)["Credentials"]
    assert credentials["AccessKeyId"].startswith("ASIA")
    identity = session_client("sts", server, credentials).get_caller_identity()
    assert identity["Arn"] == f"arn:aws:iam::{ACCOUNT_ID}:user/{user}"
    with pytest.raises(ClientError) as err:
        session_client("iam", server, credentials).list_users()
    assert error_code(err) == "InvalidClientTokenId"
    with pytest.raises(ClientError) as err:
        session_client("sts", server, credentials).get_session_token()
    assert error_code(err) == "AccessDenied"

    device = iam.create_virtual_mfa_device(VirtualMFADeviceName=unique("sts-gst-phone"))["VirtualMFADevice"]
    totp = pyotp.TOTP(device["Base32StringSeed"].decode())
    now = time.time()
    iam.enable_mfa_device(UserName=user, SerialNumber=device["SerialNumber"],
                          AuthenticationCode1=totp.at(now - 30), AuthenticationCode2=totp.at(now))
    credentials = sts.get_session_token(SerialNumber=device["SerialNumber"],
                                        TokenCode=totp.at(time.time() + 30))["Credentials"]
    session_client("iam", server, credentials).list_users()


def test_the_cli_role_arn_and_source_profile_configuration(server, iam, tmp_path):
    user, role_name = unique("sts-cli"), unique("sts-cli-role")
    key_id, secret = user_with_key(iam, user)
    arn = role(iam, role_name, trusts(f"arn:aws:iam::{ACCOUNT_ID}:user/{user}"), allow("iam:ListUsers"))
    config = tmp_path / "config"
    config.write_text(
        f"[profile base]\n"
        f"aws_access_key_id = {key_id}\n"
        f"aws_secret_access_key = {secret}\n"
        f"region = {REGION}\n"
        f"\n"
        f"[profile deploy]\n"
        f"role_arn = {arn}\n"
        f"source_profile = base\n"
        f"role_session_name = cli-session\n"
        f"region = {REGION}\n"
    )
    env = {
        "AWS_CONFIG_FILE": str(config),
        "AWS_PROFILE": "deploy",
        "AWS_ENDPOINT_URL": server.endpoint,
    }
    # The CLI reads credentials from the profile, not the environment.
    result = aws_cli(server.endpoint, "sts", "get-caller-identity", extra_env=env, key_id="", secret="")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["Arn"] == f"arn:aws:sts::{ACCOUNT_ID}:assumed-role/{role_name}/cli-session"
    result = aws_cli(server.endpoint, "iam", "list-users", extra_env=env, key_id="", secret="")
    assert result.returncode == 0, result.stderr


def test_the_cli_mfa_serial_profile_configuration_prompts_for_a_code(server, iam, tmp_path):
    # The CLI's own `mfa_serial` profile setting: it asks for the code and passes it to
    # AssumeRole; the role's trust policy requires MFA.
    user, role_name = unique("sts-cli-mfa"), unique("sts-cli-mfa-role")
    key_id, secret = user_with_key(iam, user)
    device = iam.create_virtual_mfa_device(VirtualMFADeviceName=unique("sts-cli-phone"))["VirtualMFADevice"]
    totp = pyotp.TOTP(device["Base32StringSeed"].decode())
    now = time.time()
    iam.enable_mfa_device(UserName=user, SerialNumber=device["SerialNumber"],
                          AuthenticationCode1=totp.at(now - 30), AuthenticationCode2=totp.at(now))
    arn = role(
        iam,
        role_name,
        trusts(f"arn:aws:iam::{ACCOUNT_ID}:user/{user}", {"Bool": {"aws:MultiFactorAuthPresent": "true"}}),
        allow("iam:ListUsers"),
    )
    config = tmp_path / "config"
    config.write_text(
        f"[profile base]\n"
        f"aws_access_key_id = {key_id}\n"
        f"aws_secret_access_key = {secret}\n"
        f"region = {REGION}\n"
        f"\n"
        f"[profile admin]\n"
        f"role_arn = {arn}\n"
        f"source_profile = base\n"
        f"mfa_serial = {device['SerialNumber']}\n"
        f"role_session_name = cli-mfa\n"
        f"region = {REGION}\n"
    )
    env = {
        "AWS_CONFIG_FILE": str(config),
        "AWS_PROFILE": "admin",
        "AWS_ENDPOINT_URL": server.endpoint,
        "HOME": str(tmp_path),
    }
    result = aws_cli(server.endpoint, "sts", "get-caller-identity", extra_env=env, key_id="",
                     secret="", input_text=totp.at(time.time() + 30) + "\n")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["Arn"] == f"arn:aws:sts::{ACCOUNT_ID}:assumed-role/{role_name}/cli-mfa"
    # A wrong code is refused.
    config_wrong = tmp_path / "config-wrong"
    config_wrong.write_text(config.read_text().replace("cli-mfa\n", "cli-mfa-wrong\n"))
    env["AWS_CONFIG_FILE"] = str(config_wrong)
    env["HOME"] = str(tmp_path / "other-home")
    result = aws_cli(server.endpoint, "sts", "get-caller-identity", extra_env=env, key_id="",
                     secret="", input_text="000000\n")
    assert result.returncode != 0
    assert "AccessDenied" in result.stderr


def test_a_presigned_url_signed_with_session_credentials(server, iam):
    """EKS-style authentication: a presigned GetCallerIdentity URL carries the token in its query."""
    import urllib.request

    user, role_name = unique("sts-presign"), unique("sts-presign-role")
    key = user_with_key(iam, user)
    arn = role(iam, role_name, trusts(f"arn:aws:iam::{ACCOUNT_ID}:user/{user}"), allow("iam:ListUsers"))
    credentials = client("sts", server.endpoint, *key).assume_role(
        RoleArn=arn, RoleSessionName="presigned")["Credentials"]
    url = session_client("sts", server, credentials).generate_presigned_url(
        "get_caller_identity", ExpiresIn=60, HttpMethod="GET")
    assert "X-Amz-Security-Token=" in url
    with urllib.request.urlopen(url, timeout=10) as response:
        body = response.read().decode()
    assert f"assumed-role/{role_name}/presigned" in body
    # The session's call is recorded as the role session's, without its token or secret.
    trail = client("cloudtrail", server.endpoint)
    events = trail.lookup_events(LookupAttributes=[
        {"AttributeKey": "AccessKeyId", "AttributeValue": credentials["AccessKeyId"]}])["Events"]
    assert events, "no event for the session's key"
    for event in events:
        record = event["CloudTrailEvent"]
        assert credentials["SessionToken"] not in record
        assert credentials["SecretAccessKey"] not in record
        identity = json.loads(record)["userIdentity"]
        assert identity["type"] == "AssumedRole"
        assert identity["sessionContext"]["sessionIssuer"]["arn"] == arn
