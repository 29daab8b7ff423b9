"""Credentials end to end with boto3 and the AWS CLI: the account password policy enforced on
every password set, login profiles and ChangePassword, virtual MFA devices enabled with codes
computed by pyotp (a replayed code refused) and their QR code decoded, access keys' last use,
the account summary, aliases and the credential report."""

import base64
import csv
import io
import json
import time

import pyotp
import pytest
import zxingcpp
from botocore.exceptions import ClientError
from PIL import Image

from conftest import ACCOUNT_ID, ROOT_KEY_ID, aws_cli, client, start_server, stop_server


def error_code(err):
    return err.value.response["Error"]["Code"]


def error_message(err):
    return err.value.response["Error"]["Message"]


def test_password_policy_is_enforced_on_every_password(server, iam):
    with pytest.raises(ClientError) as err:
        iam.get_account_password_policy()
    assert error_code(err) == "NoSuchEntity"
    assert error_message(err) == f"The Password Policy with domain name {ACCOUNT_ID} cannot be found."
    iam.update_account_password_policy(
        MinimumPasswordLength=14, RequireSymbols=True, RequireNumbers=True,
        RequireUppercaseCharacters=True, RequireLowercaseCharacters=True,
        AllowUsersToChangePassword=True, MaxPasswordAge=90, PasswordReusePrevention=2,
    )
    policy = iam.get_account_password_policy()["PasswordPolicy"]
    assert policy["MinimumPasswordLength"] == 14
    assert policy["ExpirePasswords"] is True and policy["MaxPasswordAge"] == 90
    assert policy["PasswordReusePrevention"] == 2
    iam.create_user(UserName="console-user")
    try:
        with pytest.raises(ClientError) as err:
            iam.create_login_profile(UserName="console-user", Password="weak")
        assert error_code(err) == "PasswordPolicyViolation"
        assert err.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
        assert error_message(err) == "Password should have a minimum length of 14"
        with pytest.raises(ClientError) as err:
            iam.create_login_profile(UserName="console-user", Password="nouppercase-123!")
        assert error_message(err) == "Password should have at least one uppercase letter"
        profile = iam.create_login_profile(
            UserName="console-user", Password="Str0ng-Passw0rd!", PasswordResetRequired=True
        )["LoginProfile"]
        assert profile["UserName"] == "console-user" and profile["PasswordResetRequired"] is True
        assert set(profile) == {"UserName", "CreateDate", "PasswordResetRequired"}
        with pytest.raises(ClientError) as err:
            iam.create_login_profile(UserName="console-user", Password="Str0ng-Passw0rd!")
        assert error_code(err) == "EntityAlreadyExists"
        with pytest.raises(ClientError) as err:
            iam.delete_user(UserName="console-user")
        assert error_code(err) == "DeleteConflict"
        assert error_message(err) == "Cannot delete entity, must delete login profile first."

        # The user changes its own password without any policy (AllowUsersToChangePassword
        # grants it): the old one is checked, reuse is refused.
        key = iam.create_access_key(UserName="console-user")["AccessKey"]
        own = client("iam", server.endpoint, key["AccessKeyId"], key["SecretAccessKey"])
        with pytest.raises(ClientError) as err:
            own.change_password(OldPassword="Wrong-Passw0rd!!", NewPassword="An0ther-Passw0rd!")
        assert error_code(err) == "AccessDenied"
        own.change_password(OldPassword="Str0ng-Passw0rd!", NewPassword="An0ther-Passw0rd!")
        assert iam.get_login_profile(UserName="console-user")["LoginProfile"]["PasswordResetRequired"] is False
        with pytest.raises(ClientError) as err:
            own.change_password(OldPassword="An0ther-Passw0rd!", NewPassword="Str0ng-Passw0rd!")
        assert error_code(err) == "PasswordPolicyViolation"
        with pytest.raises(ClientError) as err:
            iam.change_password(OldPassword="x", NewPassword="y")
        assert error_code(err) == "InvalidUserType"
        # An explicit Deny still refuses it.
        iam.put_user_policy(
            UserName="console-user", PolicyName="no-self-service",
            PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [{
                "Effect": "Deny", "Action": "iam:ChangePassword", "Resource": "*"}]}),
        )
        with pytest.raises(ClientError) as err:
            own.change_password(OldPassword="An0ther-Passw0rd!", NewPassword="Thi3d-Passw0rd!!")
        assert error_code(err) == "AccessDenied"
        iam.delete_user_policy(UserName="console-user", PolicyName="no-self-service")
        iam.delete_access_key(UserName="console-user", AccessKeyId=key["AccessKeyId"])
        iam.delete_login_profile(UserName="console-user")
        with pytest.raises(ClientError) as err:
            iam.get_login_profile(UserName="console-user")
        assert error_message(err) == "Login Profile for User console-user cannot be found."
    finally:
        iam.delete_user(UserName="console-user")
        iam.delete_account_password_policy()


def test_virtual_mfa_with_pyotp_codes_and_a_decodable_qr_code(iam):
    device = iam.create_virtual_mfa_device(VirtualMFADeviceName="phone")["VirtualMFADevice"]
    serial = device["SerialNumber"]
    assert serial == f"arn:aws:iam::{ACCOUNT_ID}:mfa/phone"
    seed = device["Base32StringSeed"].decode()
    assert len(seed) == 64
    image = Image.open(io.BytesIO(device["QRCodePNG"]))
    decoded = zxingcpp.read_barcodes(image)
    assert [code.text for code in decoded] == [f"otpauth://totp/phone@{ACCOUNT_ID}?secret={seed}"]

    totp = pyotp.TOTP(seed)
    iam.create_user(UserName="mfa-user")
    try:
        with pytest.raises(ClientError) as err:
            iam.enable_mfa_device(UserName="mfa-user", SerialNumber=serial,
                                  AuthenticationCode1="000000", AuthenticationCode2="000001")
        assert error_code(err) == "InvalidAuthenticationCode"
        assert err.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
        now = time.time()
        first, second = totp.at(now - 30), totp.at(now)
        iam.enable_mfa_device(UserName="mfa-user", SerialNumber=serial,
                              AuthenticationCode1=first, AuthenticationCode2=second)
        listed = iam.list_mfa_devices(UserName="mfa-user")["MFADevices"]
        assert [d["SerialNumber"] for d in listed] == [serial]
        assigned = iam.list_virtual_mfa_devices(AssignmentStatus="Assigned")["VirtualMFADevices"]
        assert [d["User"]["UserName"] for d in assigned] == ["mfa-user"]
        assert "Base32StringSeed" not in assigned[0]
        assert iam.list_virtual_mfa_devices(AssignmentStatus="Unassigned")["VirtualMFADevices"] == []
        with pytest.raises(ClientError) as err:
            iam.delete_user(UserName="mfa-user")
        assert error_message(err) == "Cannot delete entity, must delete MFA device first."

        # A code is never accepted twice: re-enabling with the same two codes is refused.
        iam.deactivate_mfa_device(UserName="mfa-user", SerialNumber=serial)
        with pytest.raises(ClientError) as err:
            iam.enable_mfa_device(UserName="mfa-user", SerialNumber=serial,
                                  AuthenticationCode1=first, AuthenticationCode2=second)
        assert error_code(err) == "InvalidAuthenticationCode"
    finally:
        try:
            iam.deactivate_mfa_device(UserName="mfa-user", SerialNumber=serial)
        except ClientError:
            pass
        iam.delete_virtual_mfa_device(SerialNumber=serial)
        iam.delete_user(UserName="mfa-user")
    with pytest.raises(ClientError) as err:
        iam.delete_virtual_mfa_device(SerialNumber=serial)
    assert error_code(err) == "NoSuchEntity"


def test_root_mfa_and_root_keys_show_in_the_account_summary(iam):
    summary = iam.get_account_summary()["SummaryMap"]
    assert summary["AccountAccessKeysPresent"] == 1  # the root user's bootstrap key
    assert summary["AccountMFAEnabled"] == 0
    assert summary["UsersQuota"] == 5000 and summary["AttachedPoliciesPerUserQuota"] == 10
    device = iam.create_virtual_mfa_device(VirtualMFADeviceName="root-phone")["VirtualMFADevice"]
    totp = pyotp.TOTP(device["Base32StringSeed"].decode())
    now = time.time()
    # The root user has no user name: it names itself by its account id.
    iam.enable_mfa_device(UserName=ACCOUNT_ID, SerialNumber=device["SerialNumber"],
                          AuthenticationCode1=totp.at(now - 30), AuthenticationCode2=totp.at(now))
    try:
        summary = iam.get_account_summary()["SummaryMap"]
        assert summary["AccountMFAEnabled"] == 1
        assert summary["MFADevices"] == 1 and summary["MFADevicesInUse"] == 1
    finally:
        iam.deactivate_mfa_device(SerialNumber=device["SerialNumber"])
        iam.delete_virtual_mfa_device(SerialNumber=device["SerialNumber"])


def test_credential_report_lists_an_unused_key_then_its_use(tmp_path):
    """A report is current for four hours (as in AWS) and kept in memory: the key's use shows
    in the report generated after a restart, its last use having been written at shutdown."""
    srv = start_server(tmp_path / "data")
    try:
        iam = client("iam", srv.endpoint)
        iam.create_user(UserName="reported")
        key = iam.create_access_key(UserName="reported")["AccessKey"]
        with pytest.raises(ClientError) as err:
            iam.get_credential_report()
        assert error_code(err) == "ReportNotPresent"
        assert iam.generate_credential_report()["State"] == "STARTED"
        report = iam.get_credential_report()
        assert report["ReportFormat"] == "text/csv"
        rows = list(csv.DictReader(io.StringIO(report["Content"].decode())))
        assert rows[0]["user"] == "<root_account>"
        assert rows[0]["arn"] == f"arn:aws:iam::{ACCOUNT_ID}:root"
        assert rows[0]["password_enabled"] == "not_supported"
        assert rows[0]["access_key_1_active"] == "true"
        row = next(r for r in rows if r["user"] == "reported")
        assert row["access_key_1_active"] == "true"
        assert row["access_key_1_last_used_date"] == "N/A"
        assert row["access_key_2_active"] == "false"
        assert row["password_enabled"] == "false" and row["mfa_active"] == "false"
        unused = iam.get_access_key_last_used(AccessKeyId=key["AccessKeyId"])["AccessKeyLastUsed"]
        assert unused == {"ServiceName": "N/A", "Region": "N/A"}

        iam.put_user_policy(
            UserName="reported", PolicyName="read",
            PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Action": "iam:GetUser", "Resource": "*"}]}),
        )
        client("iam", srv.endpoint, key["AccessKeyId"], key["SecretAccessKey"]).get_user()
        used = iam.get_access_key_last_used(AccessKeyId=key["AccessKeyId"])
        assert used["UserName"] == "reported"
        assert used["AccessKeyLastUsed"]["ServiceName"] == "iam"
        assert used["AccessKeyLastUsed"]["Region"] == "us-east-1"
        assert "LastUsedDate" in used["AccessKeyLastUsed"]
        assert iam.generate_credential_report()["State"] == "COMPLETE"
    finally:
        stop_server(srv)
    again = start_server(tmp_path / "data")
    try:
        iam = client("iam", again.endpoint)
        assert iam.generate_credential_report()["State"] == "STARTED"
        done = aws_cli(again.endpoint, "iam", "get-credential-report")
        assert done.returncode == 0, done.stderr
        content = base64.b64decode(json.loads(done.stdout)["Content"]).decode()
        row = next(r for r in csv.DictReader(io.StringIO(content)) if r["user"] == "reported")
        assert row["access_key_1_last_used_date"] != "N/A"
        assert row["access_key_1_last_used_region"] == "us-east-1"
        assert row["access_key_1_last_used_service"] == "iam"
    finally:
        stop_server(again)


def test_account_alias_with_the_cli(server):
    def cli(*args):
        done = aws_cli(server.endpoint, "iam", *args)
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout) if done.stdout.strip() else {}

    cli("create-account-alias", "--account-alias", "example-corp")
    assert cli("list-account-aliases")["AccountAliases"] == ["example-corp"]
    cli("delete-account-alias", "--account-alias", "example-corp")
    assert cli("list-account-aliases")["AccountAliases"] == []


def test_a_deleted_root_key_stays_deleted_across_restarts(tmp_path):
    """AWS advises deleting the root user's access keys; the credentials Warden was started
    with are used at the first start only, so a restart does not bring the key back."""
    srv = start_server(tmp_path / "data")
    try:
        root = client("iam", srv.endpoint)
        root.create_user(UserName="admin")
        root.attach_user_policy(UserName="admin", PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess")
        key = root.create_access_key(UserName="admin")["AccessKey"]
        root.delete_access_key(AccessKeyId=ROOT_KEY_ID)
    finally:
        stop_server(srv)
    again = start_server(tmp_path / "data")
    try:
        with pytest.raises(ClientError) as err:
            client("iam", again.endpoint).list_users()
        assert error_code(err) == "InvalidClientTokenId"
        admin = client("iam", again.endpoint, key["AccessKeyId"], key["SecretAccessKey"])
        assert admin.get_account_summary()["SummaryMap"]["AccountAccessKeysPresent"] == 0
    finally:
        stop_server(again)


def test_service_specific_credentials_show_their_secret_once(iam):
    iam.create_user(UserName="git-user")
    try:
        created = iam.create_service_specific_credential(
            UserName="git-user", ServiceName="codecommit.amazonaws.com"
        )["ServiceSpecificCredential"]
        assert created["ServiceUserName"] == f"git-user-at-{ACCOUNT_ID}"
        assert len(created["ServicePassword"]) == 44 and created["Status"] == "Active"
        assert created["ServiceSpecificCredentialId"].startswith("ACCA")
        credential_id = created["ServiceSpecificCredentialId"]
        listed = iam.list_service_specific_credentials(UserName="git-user")["ServiceSpecificCredentials"]
        assert [c["ServiceSpecificCredentialId"] for c in listed] == [credential_id]
        assert "ServicePassword" not in listed[0]
        api_key = iam.create_service_specific_credential(
            UserName="git-user", ServiceName="bedrock.amazonaws.com", CredentialAgeDays=30
        )["ServiceSpecificCredential"]
        assert "ServiceCredentialSecret" in api_key and "ServicePassword" not in api_key
        assert "ExpirationDate" in api_key
        iam.create_service_specific_credential(UserName="git-user", ServiceName="codecommit.amazonaws.com")
        with pytest.raises(ClientError) as err:
            iam.create_service_specific_credential(UserName="git-user", ServiceName="codecommit.amazonaws.com")
        assert error_code(err) == "LimitExceeded"
        with pytest.raises(ClientError) as err:
            iam.create_service_specific_credential(UserName="git-user", ServiceName="s3.amazonaws.com")
        assert error_code(err) == "NotSupportedService"
        reset = iam.reset_service_specific_credential(
            UserName="git-user", ServiceSpecificCredentialId=credential_id
        )["ServiceSpecificCredential"]
        assert reset["ServicePassword"] != created["ServicePassword"]
        iam.update_service_specific_credential(
            UserName="git-user", ServiceSpecificCredentialId=credential_id, Status="Inactive"
        )
        with pytest.raises(ClientError) as err:
            iam.delete_user(UserName="git-user")
        assert error_code(err) == "DeleteConflict"
        for credential in iam.list_service_specific_credentials(UserName="git-user")["ServiceSpecificCredentials"]:
            iam.delete_service_specific_credential(
                UserName="git-user", ServiceSpecificCredentialId=credential["ServiceSpecificCredentialId"]
            )
        with pytest.raises(ClientError) as err:
            iam.delete_service_specific_credential(UserName="git-user", ServiceSpecificCredentialId=credential_id)
        assert error_code(err) == "NoSuchEntity"
    finally:
        iam.delete_user(UserName="git-user")
