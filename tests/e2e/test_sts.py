"""STS through real clients: GetCallerIdentity and GetAccessKeyInfo."""

import json

import pytest
from botocore.exceptions import ClientError

from conftest import ACCOUNT_ID, ROOT_KEY_ID, aws_cli, client


def test_boto3_get_caller_identity_as_root(sts):
    identity = sts.get_caller_identity()
    assert identity["Account"] == ACCOUNT_ID
    assert identity["Arn"] == f"arn:aws:iam::{ACCOUNT_ID}:root"
    assert identity["UserId"] == ACCOUNT_ID


def test_cli_get_caller_identity_as_root(server):
    result = aws_cli(server.endpoint, "sts", "get-caller-identity")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["Arn"] == f"arn:aws:iam::{ACCOUNT_ID}:root"


def test_get_access_key_info_decodes_the_account(sts, iam):
    # Keys Warden generates encode their account, as AWS's do.
    iam.create_user(UserName="keyinfo-user")
    key = iam.create_access_key(UserName="keyinfo-user")["AccessKey"]
    assert key["AccessKeyId"].startswith("AKIA") and len(key["AccessKeyId"]) == 20
    assert sts.get_access_key_info(AccessKeyId=key["AccessKeyId"])["Account"] == ACCOUNT_ID
    iam.delete_access_key(UserName="keyinfo-user", AccessKeyId=key["AccessKeyId"])
    iam.delete_user(UserName="keyinfo-user")


def test_unknown_key_is_invalid_client_token_id(server):
    stranger = client("sts", server.endpoint, key_id="AKIAZZZZZZZZZZZZZZZZ", secret="x" * 40)
    with pytest.raises(ClientError) as err:
        stranger.get_caller_identity()
    assert err.value.response["Error"]["Code"] == "InvalidClientTokenId"
    assert err.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403


def test_wrong_secret_is_signature_does_not_match(server):
    tampered = client("sts", server.endpoint, key_id=ROOT_KEY_ID, secret="y" * 40)
    with pytest.raises(ClientError) as err:
        tampered.get_caller_identity()
    assert err.value.response["Error"]["Code"] == "SignatureDoesNotMatch"
    assert err.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403


def test_cli_unknown_key_fails_with_aws_error(server):
    result = aws_cli(server.endpoint, "sts", "get-caller-identity", key_id="AKIAZZZZZZZZZZZZZZZZ", secret="x" * 40)
    assert result.returncode != 0
    assert "InvalidClientTokenId" in result.stderr


def test_presigned_get_caller_identity_url(sts):
    """EKS and Vault authenticate with a presigned GET GetCallerIdentity URL."""
    import urllib.request

    url = sts.generate_presigned_url("get_caller_identity", ExpiresIn=60, HttpMethod="GET")
    assert "X-Amz-Signature=" in url
    with urllib.request.urlopen(url, timeout=10) as response:
        body = response.read().decode()
    assert response.status == 200
    assert f"<Arn>arn:aws:iam::{ACCOUNT_ID}:root</Arn>" in body


def test_presigned_url_tampered_is_refused(sts):
    import urllib.error
    import urllib.request

    url = sts.generate_presigned_url("get_caller_identity", ExpiresIn=60, HttpMethod="GET")
    tampered = url.replace("X-Amz-Expires=60", "X-Amz-Expires=61")
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(tampered, timeout=10)
    assert err.value.code == 403
    assert "<Code>SignatureDoesNotMatch</Code>" in err.value.read().decode()


def test_presigned_url_past_its_expiry_is_request_expired(sts):
    import time
    import urllib.error
    import urllib.request

    url = sts.generate_presigned_url("get_caller_identity", ExpiresIn=1, HttpMethod="GET")
    time.sleep(2.5)
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(url, timeout=10)
    body = err.value.read().decode()
    assert "<Code>RequestExpired</Code>" in body, body
