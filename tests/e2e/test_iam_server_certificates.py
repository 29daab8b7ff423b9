"""IAM server certificates end to end with boto3 and the AWS CLI: a CA-issued certificate,
its key and chain generated with `cryptography`, uploaded, read back (never the key), listed
by path prefix and page, tagged, renamed and moved (the ARN follows), deleted; malformed,
expired, mismatched and duplicate uploads refused with AWS's errors; the account summary
counts them; the audit record of an upload never holds the private key."""

import datetime
import json
import time
import uuid

import pytest
from botocore.exceptions import ClientError
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID

from conftest import ACCOUNT_ID, aws_cli, client


def error_code(err):
    return err.value.response["Error"]["Code"]


def unique(prefix):
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def pem_key(key):
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


def issue(subject_key, subject, issuer_key, issuer, days=365, ca=False):
    now = datetime.datetime.now(datetime.timezone.utc)
    builder = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)]))
        .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, issuer)]))
        .public_key(subject_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=2))
        .not_valid_after(now + datetime.timedelta(days=days))
    )
    if ca:
        builder = builder.add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
    return builder.sign(issuer_key, hashes.SHA256())


def server_certificate(key=None, days=365):
    """(certificate PEM, private key PEM, chain PEM, notAfter) of a certificate issued by a
    fresh CA."""
    ca_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ca_name = unique("ca")
    ca = issue(ca_key, ca_name, ca_key, ca_name, ca=True)
    key = key or rsa.generate_private_key(public_exponent=65537, key_size=2048)
    cert = issue(key, unique("www") + ".example.com", ca_key, ca_name, days=days)
    return (
        cert.public_bytes(serialization.Encoding.PEM).decode(),
        pem_key(key),
        ca.public_bytes(serialization.Encoding.PEM).decode(),
        cert.not_valid_after_utc,
    )


def key_lines(private_key):
    return [line for line in private_key.splitlines() if line and not line.startswith("-----")]


def test_server_certificate_lifecycle(server, iam):
    body, key, chain, not_after = server_certificate()
    name = unique("web")
    before = iam.get_account_summary()["SummaryMap"]
    assert before["ServerCertificatesQuota"] == 20
    uploaded = iam.upload_server_certificate(
        Path="/edge/",
        ServerCertificateName=name,
        CertificateBody=body,
        PrivateKey=key,
        CertificateChain=chain,
        Tags=[{"Key": "team", "Value": "web"}],
    )
    meta = uploaded["ServerCertificateMetadata"]
    assert meta["ServerCertificateId"].startswith("ASCA") and len(meta["ServerCertificateId"]) == 21
    assert meta["Arn"] == f"arn:aws:iam::{ACCOUNT_ID}:server-certificate/edge/{name}"
    assert meta["Path"] == "/edge/" and meta["ServerCertificateName"] == name
    assert meta["Expiration"] == not_after.replace(microsecond=0)
    assert abs((meta["UploadDate"] - datetime.datetime.now(datetime.timezone.utc)).total_seconds()) < 300
    assert uploaded["Tags"] == [{"Key": "team", "Value": "web"}]
    assert iam.get_account_summary()["SummaryMap"]["ServerCertificates"] == before["ServerCertificates"] + 1

    got = iam.get_server_certificate(ServerCertificateName=name.upper())["ServerCertificate"]
    assert got["ServerCertificateMetadata"] == meta
    assert got["CertificateBody"] == body and got["CertificateChain"] == chain
    assert got["Tags"] == [{"Key": "team", "Value": "web"}]
    assert "PrivateKey" not in got
    raw = json.dumps(got, default=str)
    assert not any(line in raw for line in key_lines(key))

    listed = iam.list_server_certificates(PathPrefix="/edge/")["ServerCertificateMetadataList"]
    assert meta in listed
    assert all(m["Path"].startswith("/edge/") for m in listed)
    assert meta not in iam.list_server_certificates(PathPrefix="/other/")["ServerCertificateMetadataList"]

    iam.tag_server_certificate(ServerCertificateName=name, Tags=[{"Key": "env", "Value": "prod"}])
    iam.untag_server_certificate(ServerCertificateName=name, TagKeys=["TEAM"])
    assert iam.list_server_certificate_tags(ServerCertificateName=name)["Tags"] == [
        {"Key": "env", "Value": "prod"}
    ]

    renamed = unique("www")
    iam.update_server_certificate(ServerCertificateName=name, NewServerCertificateName=renamed, NewPath="/moved/")
    with pytest.raises(ClientError) as gone:
        iam.get_server_certificate(ServerCertificateName=name)
    assert error_code(gone) == "NoSuchEntity"
    assert gone.value.response["Error"]["Message"] == f"The Server Certificate with name {name} cannot be found."
    moved = iam.get_server_certificate(ServerCertificateName=renamed)["ServerCertificate"]
    assert moved["ServerCertificateMetadata"]["Arn"] == f"arn:aws:iam::{ACCOUNT_ID}:server-certificate/moved/{renamed}"
    assert moved["ServerCertificateMetadata"]["ServerCertificateId"] == meta["ServerCertificateId"]
    assert moved["Tags"] == [{"Key": "env", "Value": "prod"}]

    iam.delete_server_certificate(ServerCertificateName=renamed)
    with pytest.raises(ClientError) as missing:
        iam.delete_server_certificate(ServerCertificateName=renamed)
    assert error_code(missing) == "NoSuchEntity"
    assert missing.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404
    assert iam.get_account_summary()["SummaryMap"]["ServerCertificates"] == before["ServerCertificates"]


def test_uploads_iam_refuses(server, iam):
    body, key, chain, _ = server_certificate()
    name = unique("refused")
    cases = [
        (dict(CertificateBody="not a certificate", PrivateKey=key), "MalformedCertificate"),
        (dict(CertificateBody=body, PrivateKey="not a key"), "MalformedCertificate"),
        (dict(CertificateBody=body, PrivateKey=key, CertificateChain="junk"), "MalformedCertificate"),
        (dict(CertificateBody=body, PrivateKey=server_certificate()[1]), "KeyPairMismatch"),
    ]
    expired_body, expired_key, _, _ = server_certificate(days=-1)
    cases.append((dict(CertificateBody=expired_body, PrivateKey=expired_key), "MalformedCertificate"))
    for arguments, code in cases:
        with pytest.raises(ClientError) as refused:
            iam.upload_server_certificate(ServerCertificateName=name, **arguments)
        assert error_code(refused) == code, arguments
        assert refused.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    # An elliptic-curve key works as well.
    ec_body, ec_key, _, _ = server_certificate(key=ec.generate_private_key(ec.SECP256R1()))
    iam.upload_server_certificate(ServerCertificateName=name, CertificateBody=ec_body, PrivateKey=ec_key)
    with pytest.raises(ClientError) as taken:
        iam.upload_server_certificate(ServerCertificateName=name.upper(), CertificateBody=body, PrivateKey=key)
    assert error_code(taken) == "EntityAlreadyExists"
    assert taken.value.response["ResponseMetadata"]["HTTPStatusCode"] == 409
    assert taken.value.response["Error"]["Message"] == f"The Server Certificate with name {name.upper()} already exists."
    iam.delete_server_certificate(ServerCertificateName=name)


def test_listing_pages(server, iam):
    body, key, _, _ = server_certificate()
    path = f"/{unique('paged')}/"
    names = sorted(unique("page") for _ in range(3))
    for name in names:
        iam.upload_server_certificate(Path=path, ServerCertificateName=name, CertificateBody=body, PrivateKey=key)
    first = iam.list_server_certificates(PathPrefix=path, MaxItems=2)
    assert first["IsTruncated"] and first["Marker"]
    second = iam.list_server_certificates(PathPrefix=path, MaxItems=2, Marker=first["Marker"])
    assert not second["IsTruncated"]
    seen = [m["ServerCertificateName"] for m in first["ServerCertificateMetadataList"] + second["ServerCertificateMetadataList"]]
    assert seen == names
    paginated = [
        m["ServerCertificateName"]
        for page in iam.get_paginator("list_server_certificates").paginate(
            PathPrefix=path, PaginationConfig={"PageSize": 1}
        )
        for m in page["ServerCertificateMetadataList"]
    ]
    assert paginated == names
    for name in names:
        iam.delete_server_certificate(ServerCertificateName=name)


def test_the_private_key_is_not_in_the_audit_record(server, iam):
    body, key, _, _ = server_certificate()
    name = unique("audited")
    iam.upload_server_certificate(ServerCertificateName=name, CertificateBody=body, PrivateKey=key)
    cloudtrail = client("cloudtrail", server.endpoint)
    deadline = time.time() + 10
    events = []
    while time.time() < deadline:
        events = [
            json.loads(e["CloudTrailEvent"])
            for e in cloudtrail.lookup_events(
                LookupAttributes=[{"AttributeKey": "ResourceName", "AttributeValue": name}]
            )["Events"]
        ] or [
            json.loads(e["CloudTrailEvent"])
            for e in cloudtrail.lookup_events(
                LookupAttributes=[{"AttributeKey": "EventName", "AttributeValue": "UploadServerCertificate"}]
            )["Events"]
            if name in e["CloudTrailEvent"]
        ]
        if events:
            break
        time.sleep(0.2)
    assert events, "no record of the upload"
    for event in events:
        assert event["eventName"] == "UploadServerCertificate"
        assert event["requestParameters"]["serverCertificateName"] == name
        assert "privateKey" not in event["requestParameters"]
        text = json.dumps(event)
        assert not any(line in text for line in key_lines(key))
    iam.delete_server_certificate(ServerCertificateName=name)


def test_with_the_aws_cli(server, iam, tmp_path):
    body, key, chain, _ = server_certificate()
    for file_name, text in [("cert.pem", body), ("key.pem", key), ("chain.pem", chain)]:
        (tmp_path / file_name).write_text(text)
    name = unique("cli")

    def cli(*args):
        done = aws_cli(server.endpoint, "iam", *args)
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout) if done.stdout.strip() else {}

    meta = cli(
        "upload-server-certificate",
        "--server-certificate-name", name,
        "--path", "/cli/",
        "--certificate-body", f"file://{tmp_path / 'cert.pem'}",
        "--private-key", f"file://{tmp_path / 'key.pem'}",
        "--certificate-chain", f"file://{tmp_path / 'chain.pem'}",
        "--tags", "Key=origin,Value=cli",
    )["ServerCertificateMetadata"]
    assert meta["Arn"] == f"arn:aws:iam::{ACCOUNT_ID}:server-certificate/cli/{name}"
    got = cli("get-server-certificate", "--server-certificate-name", name)["ServerCertificate"]
    assert got["CertificateBody"] == body and got["CertificateChain"] == chain
    assert got["Tags"] == [{"Key": "origin", "Value": "cli"}]
    listed = cli("list-server-certificates", "--path-prefix", "/cli/")["ServerCertificateMetadataList"]
    assert name in [m["ServerCertificateName"] for m in listed]
    assert cli("list-server-certificate-tags", "--server-certificate-name", name)["Tags"] == [
        {"Key": "origin", "Value": "cli"}
    ]
    cli("update-server-certificate", "--server-certificate-name", name, "--new-path", "/cli2/")
    assert iam.get_server_certificate(ServerCertificateName=name)["ServerCertificate"][
        "ServerCertificateMetadata"
    ]["Path"] == "/cli2/"
    mismatched = aws_cli(
        server.endpoint,
        "iam", "upload-server-certificate",
        "--server-certificate-name", unique("cli"),
        "--certificate-body", f"file://{tmp_path / 'cert.pem'}",
        "--private-key", server_certificate()[1],
    )
    assert mismatched.returncode != 0 and "KeyPairMismatch" in mismatched.stderr
    cli("delete-server-certificate", "--server-certificate-name", name)
    missing = aws_cli(server.endpoint, "iam", "get-server-certificate", "--server-certificate-name", name)
    assert missing.returncode != 0 and "NoSuchEntity" in missing.stderr
