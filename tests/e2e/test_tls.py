"""HTTPS: `warden serve --tls-cert/--tls-key` with a test CA made here (Python `cryptography`);
the AWS CLI and boto3 trust it through `AWS_CA_BUNDLE` / `verify=`. Over TLS,
`aws:SecureTransport` is true; unusable certificate files stop the start with a clear error."""

import datetime
import ipaddress
import json
import ssl
import subprocess
import urllib.request
from pathlib import Path

import boto3
import pytest
from botocore.config import Config
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from conftest import (
    ACCOUNT_ID,
    REGION,
    ROOT_KEY_ID,
    ROOT_SECRET,
    aws_cli,
    free_port,
    start_server,
    stop_server,
    warden_binary,
)


def make_pki(directory: Path) -> tuple[Path, Path, Path]:
    """A CA and a certificate for 127.0.0.1 it issued; returns (ca.pem, cert.pem, key.pem)."""
    now = datetime.datetime.now(datetime.timezone.utc)
    validity = (now - datetime.timedelta(days=1), now + datetime.timedelta(days=1))
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Warden e2e test CA")])
    ca_ski = x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key())
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(validity[0])
        .not_valid_after(validity[1])
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True, content_commitment=False, key_encipherment=False,
                data_encipherment=False, key_agreement=False, key_cert_sign=True,
                crl_sign=True, encipher_only=False, decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(ca_ski, critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    leaf = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(validity[0])
        .not_valid_after(validity[1])
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ca_ski), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    ca_path, cert_path, key_path = directory / "ca.pem", directory / "cert.pem", directory / "key.pem"
    ca_path.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    cert_path.write_bytes(leaf.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return ca_path, cert_path, key_path


@pytest.fixture(scope="module")
def tls_server(workdir):
    directory = workdir / "tls"
    directory.mkdir()
    ca, cert, key = make_pki(directory)
    server = start_server(
        directory / "data",
        extra_args=("--tls-cert", str(cert), "--tls-key", str(key)),
        ca_file=ca,
    )
    try:
        yield server, ca
    finally:
        stop_server(server)


def test_cli_over_https(tls_server):
    server, ca = tls_server
    assert server.endpoint.startswith("https://")
    result = aws_cli(server.endpoint, "sts", "get-caller-identity", extra_env={"AWS_CA_BUNDLE": str(ca)})
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["Arn"] == f"arn:aws:iam::{ACCOUNT_ID}:root"


def test_cli_refuses_an_untrusted_certificate(tls_server):
    server, _ = tls_server
    result = aws_cli(server.endpoint, "sts", "get-caller-identity")
    assert result.returncode != 0
    assert "SSL" in result.stderr or "certificate" in result.stderr, result.stderr


def test_secure_transport_is_true_over_https(tls_server):
    server, ca = tls_server

    def client(service, key_id=ROOT_KEY_ID, secret=ROOT_SECRET):
        return boto3.client(
            service,
            endpoint_url=server.endpoint,
            region_name=REGION,
            aws_access_key_id=key_id,
            aws_secret_access_key=secret,
            verify=str(ca),
            config=Config(retries={"max_attempts": 1}),
        )

    iam = client("iam")
    iam.create_user(UserName="tls-only")
    iam.put_user_policy(
        UserName="tls-only",
        PolicyName="tls-only",
        PolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Action": "iam:GetUser",
                        "Resource": "*",
                        "Condition": {"Bool": {"aws:SecureTransport": "true"}},
                    }
                ],
            }
        ),
    )
    key = iam.create_access_key(UserName="tls-only")["AccessKey"]
    user = client("iam", key["AccessKeyId"], key["SecretAccessKey"]).get_user()["User"]
    assert user["UserName"] == "tls-only"

    # The metrics endpoint is served over the same HTTPS listener.
    context = ssl.create_default_context(cafile=str(ca))
    with urllib.request.urlopen(f"{server.endpoint}/_warden/metrics", timeout=5, context=context) as response:
        metrics = response.read().decode()
    assert 'warden_requests_total{service="iam",operation="GetUser",outcome="success"} 1' in metrics


@pytest.mark.parametrize("which", ["missing", "garbage"])
def test_unusable_certificate_stops_the_start(workdir, which):
    directory = workdir / f"bad-tls-{which}"
    directory.mkdir()
    cert = directory / "cert.pem"
    if which == "garbage":
        cert.write_text("not a certificate\n")
    key = directory / "key.pem"
    key.write_text("not a key\n")
    result = subprocess.run(
        [
            warden_binary(), "serve",
            "--listen", f"127.0.0.1:{free_port()}",
            "--data-dir", str(directory / "data"),
            "--tls-cert", str(cert), "--tls-key", str(key),
        ],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode != 0
    assert "cannot load the TLS certificate" in result.stderr, result.stderr
    assert "panicked" not in result.stderr, result.stderr


def test_tls_flags_go_together(workdir):
    result = subprocess.run(
        [warden_binary(), "serve", "--data-dir", str(workdir / "half-tls"), "--tls-cert", "cert.pem"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode != 0
    assert "--tls-key" in result.stderr, result.stderr
