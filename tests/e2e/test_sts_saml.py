"""AssumeRoleWithSAML through real clients: a test IdP (a key and certificate made here, its
metadata registered as an IAM SAML provider) signs a SAML response with PyPI `pysaml2` and
the Debian `xmlsec1`; boto3's `assume_role_with_saml` and the AWS CLI's
`assume-role-with-saml` get a role session from it, and the session works; the same response
tampered with, or wrapped, is refused."""

import base64
import datetime
import json
import shutil
import uuid

import pytest
from botocore.exceptions import ClientError
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from saml2 import saml, samlp
from saml2.sigver import CryptoBackendXmlSec1, pre_signature_part

from conftest import ACCOUNT_ID, aws_cli, client

# The Debian xmlsec1 (scripts/test.sh installs it when missing); its absence fails the tests.
XMLSEC1 = shutil.which("xmlsec1") or "xmlsec1 (not installed: run scripts/test.sh)"

SIGN_IN = "https://signin.aws.amazon.com/saml"
ASSERTION_NODE = "urn:oasis:names:tc:SAML:2.0:assertion:Assertion"


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


class SigningIdp:
    """A SAML IdP with its own RSA key, signing with xmlsec1 through pysaml2."""

    def __init__(self, directory, entity_id: str):
        self.entity_id = entity_id
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "idp.e2e.warden.test")])
        now = datetime.datetime.now(datetime.timezone.utc)
        cert = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=365))
            .sign(key, hashes.SHA256())
        )
        self.key_file = directory / f"{uuid.uuid4().hex}.key.pem"
        self.key_file.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
        self.cert_b64 = base64.b64encode(cert.public_bytes(serialization.Encoding.DER)).decode()
        self.backend = CryptoBackendXmlSec1(XMLSEC1)

    def metadata(self) -> str:
        return (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" '
            f'xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="{self.entity_id}">'
            '<md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">'
            '<md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data>'
            f"<ds:X509Certificate>{self.cert_b64}</ds:X509Certificate>"
            "</ds:X509Data></ds:KeyInfo></md:KeyDescriptor>"
            '<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" '
            'Location="https://idp.e2e.warden.test/sso"/>'
            "</md:IDPSSODescriptor></md:EntityDescriptor>"
        )

    def response(self, role_arn: str, provider_arn: str, subject: str, session_name: str) -> str:
        """A samlp:Response (XML text) whose assertion this IdP signed."""
        now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
        instant = now.strftime("%Y-%m-%dT%H:%M:%SZ")
        until = (now + datetime.timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M:%SZ")
        assertion_id = f"_{uuid.uuid4().hex}"

        def attribute(name: str, *values: str):
            return saml.Attribute(
                name=name,
                name_format="urn:oasis:names:tc:SAML:2.0:attrname-format:uri",
                attribute_value=[saml.AttributeValue(text=value) for value in values],
            )

        assertion = saml.Assertion(
            id=assertion_id,
            version="2.0",
            issue_instant=instant,
            issuer=saml.Issuer(text=self.entity_id, format=saml.NAMEID_FORMAT_ENTITY),
            signature=pre_signature_part(
                ident=assertion_id,
                sign_alg="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
                digest_alg="http://www.w3.org/2001/04/xmlenc#sha256",
            ),
            subject=saml.Subject(
                name_id=saml.NameID(text=subject, format=saml.NAMEID_FORMAT_PERSISTENT),
                subject_confirmation=[
                    saml.SubjectConfirmation(
                        method=saml.SCM_BEARER,
                        subject_confirmation_data=saml.SubjectConfirmationData(
                            not_on_or_after=until, recipient=SIGN_IN
                        ),
                    )
                ],
            ),
            conditions=saml.Conditions(
                not_before=instant,
                not_on_or_after=until,
                audience_restriction=[
                    saml.AudienceRestriction(audience=[saml.Audience(text="urn:amazon:webservices")])
                ],
            ),
            authn_statement=[
                saml.AuthnStatement(
                    authn_instant=instant,
                    authn_context=saml.AuthnContext(
                        authn_context_class_ref=saml.AuthnContextClassRef(
                            text="urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"
                        )
                    ),
                )
            ],
            attribute_statement=[
                saml.AttributeStatement(
                    attribute=[
                        attribute("https://aws.amazon.com/SAML/Attributes/Role", f"{role_arn},{provider_arn}"),
                        attribute("https://aws.amazon.com/SAML/Attributes/RoleSessionName", session_name),
                    ]
                )
            ],
        )
        response = samlp.Response(
            id=f"_{uuid.uuid4().hex}",
            version="2.0",
            issue_instant=instant,
            destination=SIGN_IN,
            issuer=saml.Issuer(text=self.entity_id, format=saml.NAMEID_FORMAT_ENTITY),
            status=samlp.Status(status_code=samlp.StatusCode(value=samlp.STATUS_SUCCESS)),
            assertion=[assertion],
        )
        return self.backend.sign_statement(
            str(response), ASSERTION_NODE, str(self.key_file), node_id=assertion_id
        )


def encode(xml: str) -> str:
    return base64.b64encode(xml.encode()).decode()


@pytest.fixture
def federation(server, iam, tmp_path):
    """A test IdP, its IAM SAML provider and a role trusting it; all deleted afterwards."""
    idp = SigningIdp(tmp_path, f"https://{unique('idp')}.e2e.warden.test/saml")
    provider_name, role_name = unique("e2e-idp"), unique("e2e-saml-role")
    provider_arn = iam.create_saml_provider(Name=provider_name, SAMLMetadataDocument=idp.metadata())[
        "SAMLProviderArn"
    ]
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Federated": provider_arn},
                "Action": "sts:AssumeRoleWithSAML",
                "Condition": {"StringEquals": {"SAML:aud": SIGN_IN}},
            }
        ],
    }
    role_arn = iam.create_role(RoleName=role_name, AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
    iam.put_role_policy(
        RoleName=role_name,
        PolicyName="read",
        PolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:GetRole", "Resource": "*"}]}
        ),
    )
    yield idp, provider_arn, role_arn, role_name
    iam.delete_role_policy(RoleName=role_name, PolicyName="read")
    iam.delete_role(RoleName=role_name)
    iam.delete_saml_provider(SAMLProviderArn=provider_arn)


def test_boto3_assumes_a_role_with_an_assertion_signed_by_xmlsec1(server, sts, federation):
    idp, provider_arn, role_arn, role_name = federation
    xml = idp.response(role_arn, provider_arn, "carol@e2e.warden.test", "carol")
    answer = sts.assume_role_with_saml(RoleArn=role_arn, PrincipalArn=provider_arn, SAMLAssertion=encode(xml))
    assert answer["Subject"] == "carol@e2e.warden.test"
    assert answer["SubjectType"] == "persistent"
    assert answer["Issuer"] == idp.entity_id
    assert answer["Audience"] == SIGN_IN
    assert answer["AssumedRoleUser"]["Arn"] == f"arn:aws:sts::{ACCOUNT_ID}:assumed-role/{role_name}/carol"
    credentials = answer["Credentials"]
    session = dict(
        key_id=credentials["AccessKeyId"], secret=credentials["SecretAccessKey"], token=credentials["SessionToken"]
    )
    identity = client("sts", server.endpoint, **session).get_caller_identity()
    assert identity["Arn"] == answer["AssumedRoleUser"]["Arn"]
    assert client("iam", server.endpoint, **session).get_role(RoleName=role_name)["Role"]["Arn"] == role_arn


def test_the_cli_assumes_a_role_with_saml(server, federation):
    idp, provider_arn, role_arn, role_name = federation
    xml = idp.response(role_arn, provider_arn, "dave@e2e.warden.test", "dave")
    result = aws_cli(
        server.endpoint,
        "sts",
        "assume-role-with-saml",
        "--role-arn",
        role_arn,
        "--principal-arn",
        provider_arn,
        "--saml-assertion",
        encode(xml),
        key_id="",
        secret="",
    )
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert answer["AssumedRoleUser"]["Arn"] == f"arn:aws:sts::{ACCOUNT_ID}:assumed-role/{role_name}/dave"


def test_a_tampered_or_wrapped_assertion_is_refused(sts, federation):
    idp, provider_arn, role_arn, _ = federation
    xml = idp.response(role_arn, provider_arn, "erin@e2e.warden.test", "erin")
    tampered = xml.replace("erin@e2e.warden.test", "root@e2e.warden.test")
    assert tampered != xml
    # pysaml2 writes the protocol namespace as ns0 and the assertion namespace as ns1.
    start, end = xml.index("<ns1:Assertion"), xml.rindex("</ns0:Response>")
    signed_assertion = xml[start:end]
    # An unsigned copy of the assertion, claiming another subject, beside the signed one.
    evil = signed_assertion.replace("erin@e2e.warden.test", "root@e2e.warden.test")
    evil = evil.replace('ID="_', 'ID="_evil')
    wrapped = xml[:start] + evil + signed_assertion + xml[end:]
    for document in (tampered, wrapped):
        with pytest.raises(ClientError) as refused:
            sts.assume_role_with_saml(RoleArn=role_arn, PrincipalArn=provider_arn, SAMLAssertion=encode(document))
        assert refused.value.response["Error"]["Code"] == "InvalidIdentityToken"
