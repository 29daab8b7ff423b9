"""IAM identity providers end to end with boto3 and the AWS CLI: OpenID Connect providers
created (with and without thumbprints), read back with the URL as AWS shows it, their client
ids and thumbprints changed, tagged, listed and deleted (idempotently); SAML providers created
from IdP metadata generated here (a fresh self-signed certificate), read, updated, tagged,
listed and deleted, with assertion decryption keys added and removed (never shown); refusals
with AWS's errors; GetAccountSummary's Providers counts both."""

import base64
import datetime
import json
import uuid

import pytest
from botocore.exceptions import ClientError
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from conftest import ACCOUNT_ID, aws_cli

THUMBPRINT = "6938fd4d98bab03faadb97b34396831e3780aea1"
OTHER_THUMBPRINT = "1c58a3a8518e8759bf075b76b750d4f2df264fcd"


def error(err):
    return err.value.response["Error"]["Code"], err.value.response["Error"]["Message"]


def unique(prefix):
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def signing_certificate_b64():
    """A fresh self-signed RSA certificate, base64 DER as SAML metadata carries it."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, unique("idp") + ".example.com")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=3650))
        .sign(key, hashes.SHA256())
    )
    der = cert.public_bytes(serialization.Encoding.DER)
    return base64.b64encode(der).decode()


def metadata(entity_id, valid_until=None):
    until = f' validUntil="{valid_until}"' if valid_until else ""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="{entity_id}"{until}>
  <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    <md:KeyDescriptor use="signing">
      <ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#">
        <ds:X509Data>
          <ds:X509Certificate>{signing_certificate_b64()}</ds:X509Certificate>
        </ds:X509Data>
      </ds:KeyInfo>
    </md:KeyDescriptor>
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"
        Location="https://idp.example.com/sso"/>
  </md:IDPSSODescriptor>
</md:EntityDescriptor>
"""


def providers(iam):
    return iam.get_account_summary()["SummaryMap"]["Providers"]


def test_open_id_connect_provider_lifecycle(server, iam):
    before = providers(iam)
    host = unique("oidc") + ".example.com"
    url = f"https://{host}/tenant"
    arn = f"arn:aws:iam::{ACCOUNT_ID}:oidc-provider/{host}/tenant"
    created = iam.create_open_id_connect_provider(
        Url=url,
        ClientIDList=["sts.amazonaws.com", "my-app"],
        ThumbprintList=[THUMBPRINT],
        Tags=[{"Key": "team", "Value": "ci"}],
    )
    assert created["OpenIDConnectProviderArn"] == arn
    assert created["Tags"] == [{"Key": "team", "Value": "ci"}]
    assert providers(iam) == before + 1

    got = iam.get_open_id_connect_provider(OpenIDConnectProviderArn=arn)
    assert got["Url"] == f"{host}/tenant"
    assert got["ClientIDList"] == ["sts.amazonaws.com", "my-app"]
    assert got["ThumbprintList"] == [THUMBPRINT]
    assert got["Tags"] == [{"Key": "team", "Value": "ci"}]
    assert abs(got["CreateDate"] - datetime.datetime.now(datetime.timezone.utc)) < datetime.timedelta(minutes=5)
    listed = [p["Arn"] for p in iam.list_open_id_connect_providers()["OpenIDConnectProviderList"]]
    assert arn in listed

    with pytest.raises(ClientError) as err:
        iam.create_open_id_connect_provider(Url=url, ThumbprintList=[THUMBPRINT])
    assert error(err) == ("EntityAlreadyExists", f"Provider with url {url} already exists.")

    iam.add_client_id_to_open_id_connect_provider(OpenIDConnectProviderArn=arn, ClientID="other-app")
    iam.add_client_id_to_open_id_connect_provider(OpenIDConnectProviderArn=arn, ClientID="my-app")
    iam.remove_client_id_from_open_id_connect_provider(OpenIDConnectProviderArn=arn, ClientID="sts.amazonaws.com")
    iam.remove_client_id_from_open_id_connect_provider(OpenIDConnectProviderArn=arn, ClientID="never-added")
    iam.update_open_id_connect_provider_thumbprint(
        OpenIDConnectProviderArn=arn, ThumbprintList=[OTHER_THUMBPRINT, THUMBPRINT]
    )
    got = iam.get_open_id_connect_provider(OpenIDConnectProviderArn=arn)
    assert got["ClientIDList"] == ["my-app", "other-app"]
    assert got["ThumbprintList"] == [OTHER_THUMBPRINT, THUMBPRINT]

    iam.tag_open_id_connect_provider(OpenIDConnectProviderArn=arn, Tags=[{"Key": "env", "Value": "prod"}])
    iam.untag_open_id_connect_provider(OpenIDConnectProviderArn=arn, TagKeys=["TEAM"])
    tags = iam.list_open_id_connect_provider_tags(OpenIDConnectProviderArn=arn)
    assert tags["Tags"] == [{"Key": "env", "Value": "prod"}]
    assert tags["IsTruncated"] is False

    iam.delete_open_id_connect_provider(OpenIDConnectProviderArn=arn)
    assert providers(iam) == before
    with pytest.raises(ClientError) as err:
        iam.get_open_id_connect_provider(OpenIDConnectProviderArn=arn)
    assert error(err) == ("NoSuchEntity", f"OpenIDConnect Provider not found for arn {arn}")
    # Deleting again is not an error, as AWS documents.
    iam.delete_open_id_connect_provider(OpenIDConnectProviderArn=arn)


def test_open_id_connect_refusals(server, iam):
    host = unique("bad") + ".example.com"
    for url in [f"http://{host}", host, f"https://{host}:8443", f"https://{host}?a=b"]:
        with pytest.raises(ClientError) as err:
            iam.create_open_id_connect_provider(Url=url)
        assert error(err) == ("InvalidInput", "Invalid Open ID Connect Provider URL.")
    with pytest.raises(ClientError) as err:
        iam.create_open_id_connect_provider(
            Url=f"https://{host}", ThumbprintList=[THUMBPRINT[:-1] + str(n) for n in range(6)]
        )
    assert error(err) == ("InvalidInput", "Thumbprint list must contain fewer than 5 entries.")
    with pytest.raises(ClientError) as err:
        iam.create_open_id_connect_provider(Url=f"https://{host}", ThumbprintList=["x" * 40])
    assert error(err)[0] == "InvalidInput"
    with pytest.raises(ClientError) as err:
        iam.create_open_id_connect_provider(Url=f"https://{host}", ClientIDList=[f"c{n}" for n in range(101)])
    assert error(err) == ("LimitExceeded", "Cannot exceed quota for ClientIdsPerOpenIdConnectProvider: 100")
    # Thumbprints are optional.
    arn = iam.create_open_id_connect_provider(Url=f"https://{host}")["OpenIDConnectProviderArn"]
    assert iam.get_open_id_connect_provider(OpenIDConnectProviderArn=arn)["ThumbprintList"] == []
    iam.delete_open_id_connect_provider(OpenIDConnectProviderArn=arn)


def test_saml_provider_lifecycle(server, iam):
    before = providers(iam)
    name = unique("Okta")
    arn = f"arn:aws:iam::{ACCOUNT_ID}:saml-provider/{name}"
    document = metadata("https://idp.example.com/saml", "2099-01-01T00:00:00Z")
    created = iam.create_saml_provider(
        Name=name, SAMLMetadataDocument=document, Tags=[{"Key": "team", "Value": "sso"}]
    )
    assert created["SAMLProviderArn"] == arn
    assert providers(iam) == before + 1

    got = iam.get_saml_provider(SAMLProviderArn=arn)
    assert got["SAMLMetadataDocument"] == document
    assert got["ValidUntil"] == datetime.datetime(2099, 1, 1, tzinfo=datetime.timezone.utc)
    assert str(uuid.UUID(got["SAMLProviderUUID"])) == got["SAMLProviderUUID"]
    assert got["Tags"] == [{"Key": "team", "Value": "sso"}]
    entry = next(p for p in iam.list_saml_providers()["SAMLProviderList"] if p["Arn"] == arn)
    assert entry["ValidUntil"] == got["ValidUntil"] and entry["CreateDate"] == got["CreateDate"]

    with pytest.raises(ClientError) as err:
        iam.create_saml_provider(Name=name.upper(), SAMLMetadataDocument=document)
    assert error(err)[0] == "EntityAlreadyExists"

    # New metadata without validUntil: valid for a hundred years.
    updated = iam.update_saml_provider(SAMLProviderArn=arn, SAMLMetadataDocument=metadata("urn:idp"))
    assert updated["SAMLProviderArn"] == arn
    got = iam.get_saml_provider(SAMLProviderArn=arn)
    assert got["ValidUntil"].year == got["CreateDate"].year + 100

    iam.tag_saml_provider(SAMLProviderArn=arn, Tags=[{"Key": "env", "Value": "prod"}])
    iam.untag_saml_provider(SAMLProviderArn=arn, TagKeys=["team"])
    assert iam.list_saml_provider_tags(SAMLProviderArn=arn)["Tags"] == [{"Key": "env", "Value": "prod"}]

    iam.delete_saml_provider(SAMLProviderArn=arn)
    assert providers(iam) == before
    for call in (iam.get_saml_provider, iam.delete_saml_provider):
        with pytest.raises(ClientError) as err:
            call(SAMLProviderArn=arn)
        assert error(err) == ("NoSuchEntity", f"Manifest not found for arn {arn}")


def test_saml_refusals(server, iam):
    name = unique("bad")
    for document in [
        "<a>" + "x" * 1000 + "</a>",
        metadata("urn:idp").replace("IDPSSODescriptor", "SPSSODescriptor"),
        metadata("urn:idp").replace('use="signing"', 'use="encryption"'),
    ]:
        with pytest.raises(ClientError) as err:
            iam.create_saml_provider(Name=name, SAMLMetadataDocument=document)
        assert error(err) == ("InvalidInput", "Could not parse metadata")
    with pytest.raises(ClientError) as err:
        iam.create_saml_provider(
            Name=name, SAMLMetadataDocument=metadata("urn:idp"), AssertionEncryptionMode="Required"
        )
    assert error(err)[0] == "InvalidInput"
    with pytest.raises(ClientError) as err:
        iam.create_saml_provider(Name=name, SAMLMetadataDocument=metadata("urn:idp"), AddPrivateKey="nope")
    assert error(err) == ("InvalidInput", "Invalid private key: Key format is not recognized.")


def decryption_key():
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


def test_saml_assertion_encryption(server, iam):
    name = unique("enc")
    first = decryption_key()
    arn = iam.create_saml_provider(
        Name=name,
        SAMLMetadataDocument=metadata("urn:idp"),
        AssertionEncryptionMode="Required",
        AddPrivateKey=first,
    )["SAMLProviderArn"]
    iam.update_saml_provider(SAMLProviderArn=arn, AddPrivateKey=decryption_key())
    with pytest.raises(ClientError) as err:
        iam.update_saml_provider(SAMLProviderArn=arn, AddPrivateKey=decryption_key())
    assert error(err) == ("LimitExceeded", "Private key limit of 2 is reached.")
    got = iam.get_saml_provider(SAMLProviderArn=arn)
    assert got["AssertionEncryptionMode"] == "Required"
    ids = [key["KeyId"] for key in got["PrivateKeyList"]]
    assert len(ids) == 2 and all(key["Timestamp"] for key in got["PrivateKeyList"])
    assert "PRIVATE KEY" not in json.dumps(got, default=str)
    iam.update_saml_provider(SAMLProviderArn=arn, RemovePrivateKey=ids[0])
    with pytest.raises(ClientError) as err:
        iam.update_saml_provider(SAMLProviderArn=arn, RemovePrivateKey=ids[1])
    assert error(err)[0] == "InvalidInput"
    iam.update_saml_provider(SAMLProviderArn=arn, AssertionEncryptionMode="Allowed")
    iam.update_saml_provider(SAMLProviderArn=arn, RemovePrivateKey=ids[1])
    got = iam.get_saml_provider(SAMLProviderArn=arn)
    assert got["AssertionEncryptionMode"] == "Allowed" and "PrivateKeyList" not in got
    iam.delete_saml_provider(SAMLProviderArn=arn)


def test_with_the_aws_cli(server, iam, tmp_path):
    def cli(*args):
        done = aws_cli(server.endpoint, "iam", *args)
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout) if done.stdout.strip() else {}

    host = unique("cli") + ".example.com"
    arn = cli(
        "create-open-id-connect-provider",
        "--url", f"https://{host}",
        "--client-id-list", "sts.amazonaws.com",
        "--thumbprint-list", THUMBPRINT,
    )["OpenIDConnectProviderArn"]
    assert arn == f"arn:aws:iam::{ACCOUNT_ID}:oidc-provider/{host}"
    got = cli("get-open-id-connect-provider", "--open-id-connect-provider-arn", arn)
    assert got["Url"] == host and got["ClientIDList"] == ["sts.amazonaws.com"]
    assert arn in [p["Arn"] for p in cli("list-open-id-connect-providers")["OpenIDConnectProviderList"]]
    cli("delete-open-id-connect-provider", "--open-id-connect-provider-arn", arn)

    (tmp_path / "metadata.xml").write_text(metadata("https://cli.example.com/saml"))
    name = unique("cli")
    arn = cli(
        "create-saml-provider",
        "--name", name,
        "--saml-metadata-document", f"file://{tmp_path / 'metadata.xml'}",
    )["SAMLProviderArn"]
    assert arn == f"arn:aws:iam::{ACCOUNT_ID}:saml-provider/{name}"
    got = cli("get-saml-provider", "--saml-provider-arn", arn)
    assert "https://cli.example.com/saml" in got["SAMLMetadataDocument"]
    assert arn in [p["Arn"] for p in cli("list-saml-providers")["SAMLProviderList"]]
    cli("delete-saml-provider", "--saml-provider-arn", arn)
    missing = aws_cli(server.endpoint, "iam", "get-saml-provider", "--saml-provider-arn", arn)
    assert missing.returncode != 0 and "NoSuchEntity" in missing.stderr


def test_trust_policies_name_providers_that_exist(server, iam):
    host = unique("trust") + ".example.com"
    arn = f"arn:aws:iam::{ACCOUNT_ID}:oidc-provider/{host}"
    trust = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Federated": arn},
                    "Action": "sts:AssumeRoleWithWebIdentity",
                    "Condition": {"StringEquals": {f"{host}:aud": "sts.amazonaws.com"}},
                }
            ],
        }
    )
    role = unique("web-identity")
    with pytest.raises(ClientError) as err:
        iam.create_role(RoleName=role, AssumeRolePolicyDocument=trust)
    assert error(err) == ("MalformedPolicyDocument", f'Invalid principal in policy: "Federated":"{arn}"')
    iam.create_open_id_connect_provider(Url=f"https://{host}", ClientIDList=["sts.amazonaws.com"])
    iam.create_role(RoleName=role, AssumeRolePolicyDocument=trust)
    iam.delete_role(RoleName=role)
    iam.delete_open_id_connect_provider(OpenIDConnectProviderArn=arn)
