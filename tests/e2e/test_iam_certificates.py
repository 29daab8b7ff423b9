"""SSH public keys and signing certificates end to end with boto3 and the AWS CLI: keys
generated with `cryptography` uploaded in OpenSSH and PEM form, fingerprints checked against
the MD5 of the key's wire encoding, both encodings read back, the quotas, duplicates and
garbage refused with AWS's errors; X.509 signing certificates of a user and of the root user,
their statuses, quota and duplicates; a user holding either cannot be deleted; the account
summary and credential report count them."""

import base64
import csv
import datetime
import hashlib
import io
import json
import time
import uuid

import pytest
from botocore.exceptions import ClientError
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from cryptography.x509.oid import NameOID

from conftest import ACCOUNT_ID, aws_cli


def error_code(err):
    return err.value.response["Error"]["Code"]


def unique(prefix):
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def rsa_key(bits=2048):
    return rsa.generate_private_key(public_exponent=65537, key_size=bits)


def openssh(key):
    return key.public_key().public_bytes(
        serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH
    ).decode()


def md5_fingerprint(openssh_text):
    blob = base64.b64decode(openssh_text.split()[1])
    digest = hashlib.md5(blob).hexdigest()
    return ":".join(digest[i:i + 2] for i in range(0, 32, 2))


def certificate(days=365, start_days=-1):
    key = rsa_key()
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, unique("signing"))])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now + datetime.timedelta(days=start_days))
        .not_valid_after(now + datetime.timedelta(days=days))
        .sign(key, hashes.SHA256())
    )
    return cert.public_bytes(serialization.Encoding.PEM).decode()


def test_ssh_public_keys(server, iam):
    user = unique("ssh-user")
    iam.create_user(UserName=user)
    key = rsa_key()
    text = openssh(key)
    uploaded = iam.upload_ssh_public_key(UserName=user, SSHPublicKeyBody=text + " me@host\n")[
        "SSHPublicKey"
    ]
    assert uploaded["SSHPublicKeyId"].startswith("APKA")
    assert uploaded["Fingerprint"] == md5_fingerprint(text)
    assert uploaded["SSHPublicKeyBody"] == text
    assert uploaded["Status"] == "Active" and uploaded["UserName"] == user
    key_id = uploaded["SSHPublicKeyId"]

    pem = iam.get_ssh_public_key(UserName=user, SSHPublicKeyId=key_id, Encoding="PEM")[
        "SSHPublicKey"
    ]["SSHPublicKeyBody"]
    loaded = serialization.load_pem_public_key(pem.encode())
    assert loaded.public_numbers() == key.public_key().public_numbers()
    ssh = iam.get_ssh_public_key(UserName=user, SSHPublicKeyId=key_id, Encoding="SSH")
    assert ssh["SSHPublicKey"]["SSHPublicKeyBody"] == text

    # The same key again (as PEM this time) is a duplicate.
    with pytest.raises(ClientError) as err:
        iam.upload_ssh_public_key(
            UserName=user,
            SSHPublicKeyBody=key.public_key().public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            ).decode(),
        )
    assert error_code(err) == "DuplicateSSHPublicKey"

    for body, code in [
        ("not a key", "UnrecognizedPublicKeyEncoding"),
        ("ssh-rsa AAAA%%%%", "InvalidPublicKey"),
        (openssh(rsa_key(1024)), "InvalidPublicKey"),
    ]:
        with pytest.raises(ClientError) as err:
            iam.upload_ssh_public_key(UserName=user, SSHPublicKeyBody=body)
        assert error_code(err) == code, body
        assert err.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400

    ed = ed25519.Ed25519PrivateKey.generate()
    iam.upload_ssh_public_key(UserName=user, SSHPublicKeyBody=openssh(ed))
    iam.upload_ssh_public_key(UserName=user, SSHPublicKeyBody=openssh(ec.generate_private_key(ec.SECP256R1())))
    iam.upload_ssh_public_key(UserName=user, SSHPublicKeyBody=openssh(rsa_key()))
    iam.upload_ssh_public_key(UserName=user, SSHPublicKeyBody=openssh(rsa_key()))
    with pytest.raises(ClientError) as err:
        iam.upload_ssh_public_key(UserName=user, SSHPublicKeyBody=openssh(rsa_key()))
    assert error_code(err) == "LimitExceeded"

    listed = iam.list_ssh_public_keys(UserName=user)
    assert len(listed["SSHPublicKeys"]) == 5 and listed["IsTruncated"] is False
    assert set(listed["SSHPublicKeys"][0]) == {"UserName", "SSHPublicKeyId", "Status", "UploadDate"}
    page = iam.list_ssh_public_keys(UserName=user, MaxItems=2)
    assert len(page["SSHPublicKeys"]) == 2 and page["IsTruncated"] is True

    iam.update_ssh_public_key(UserName=user, SSHPublicKeyId=key_id, Status="Inactive")
    got = iam.get_ssh_public_key(UserName=user, SSHPublicKeyId=key_id, Encoding="SSH")
    assert got["SSHPublicKey"]["Status"] == "Inactive"

    with pytest.raises(ClientError) as err:
        iam.delete_user(UserName=user)
    assert error_code(err) == "DeleteConflict"
    assert err.value.response["Error"]["Message"] == (
        "Cannot delete entity, must delete SSH public keys first."
    )
    for key in iam.list_ssh_public_keys(UserName=user)["SSHPublicKeys"]:
        iam.delete_ssh_public_key(UserName=user, SSHPublicKeyId=key["SSHPublicKeyId"])
    with pytest.raises(ClientError) as err:
        iam.get_ssh_public_key(UserName=user, SSHPublicKeyId=key_id, Encoding="SSH")
    assert error_code(err) == "NoSuchEntity"
    assert err.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404
    iam.delete_user(UserName=user)


def test_signing_certificates_of_a_user_and_of_root(server, iam):
    user = unique("cert-user")
    iam.create_user(UserName=user)
    body = certificate()
    uploaded = iam.upload_signing_certificate(UserName=user, CertificateBody=body)["Certificate"]
    assert uploaded["UserName"] == user and uploaded["Status"] == "Active"
    assert len(uploaded["CertificateId"]) >= 24 and uploaded["CertificateBody"] == body
    cert_id = uploaded["CertificateId"]

    with pytest.raises(ClientError) as err:
        iam.upload_signing_certificate(UserName=user, CertificateBody=body)
    assert error_code(err) == "DuplicateCertificate"
    assert err.value.response["ResponseMetadata"]["HTTPStatusCode"] == 409
    for bad in ["garbage", certificate(days=-1, start_days=-10)]:
        with pytest.raises(ClientError) as err:
            iam.upload_signing_certificate(UserName=user, CertificateBody=bad)
        assert error_code(err) == "MalformedCertificate"
    iam.upload_signing_certificate(UserName=user, CertificateBody=certificate())
    with pytest.raises(ClientError) as err:
        iam.upload_signing_certificate(UserName=user, CertificateBody=certificate())
    assert error_code(err) == "LimitExceeded"

    iam.update_signing_certificate(UserName=user, CertificateId=cert_id, Status="Inactive")
    listed = iam.list_signing_certificates(UserName=user)["Certificates"]
    assert [c["Status"] for c in listed if c["CertificateId"] == cert_id] == ["Inactive"]

    with pytest.raises(ClientError) as err:
        iam.delete_user(UserName=user)
    assert err.value.response["Error"]["Message"] == (
        "Cannot delete entity, must delete signing certificates first."
    )

    # The credential report shows the user's certificates.
    while iam.generate_credential_report()["State"] != "COMPLETE":
        time.sleep(0.1)
    report = iam.get_credential_report()["Content"].decode()
    rows = {row["user"]: row for row in csv.DictReader(io.StringIO(report))}
    assert rows[user]["cert_1_active"] == "false" or rows[user]["cert_2_active"] == "false"
    assert rows[user]["cert_1_last_rotated"] != "N/A" and rows[user]["cert_2_last_rotated"] != "N/A"

    for cert in listed:
        iam.delete_signing_certificate(UserName=user, CertificateId=cert["CertificateId"])
    with pytest.raises(ClientError) as err:
        iam.delete_signing_certificate(UserName=user, CertificateId=cert_id)
    assert error_code(err) == "NoSuchEntity"
    iam.delete_user(UserName=user)

    # Root's own certificate, with the AWS CLI (no UserName: the caller).
    def cli(*args):
        done = aws_cli(server.endpoint, "iam", *args)
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout) if done.stdout.strip() else {}

    root_cert = cli("upload-signing-certificate", "--certificate-body", certificate())["Certificate"]
    assert root_cert["UserName"] == ACCOUNT_ID
    assert iam.get_account_summary()["SummaryMap"]["AccountSigningCertificatesPresent"] == 1
    assert [c["CertificateId"] for c in cli("list-signing-certificates")["Certificates"]] == [
        root_cert["CertificateId"]
    ]
    cli("delete-signing-certificate", "--certificate-id", root_cert["CertificateId"])
    assert iam.get_account_summary()["SummaryMap"]["AccountSigningCertificatesPresent"] == 0
