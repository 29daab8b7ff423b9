"""Web identity federation through real clients: boto3's own AssumeRoleWithWebIdentity
credential provider (`AWS_WEB_IDENTITY_TOKEN_FILE`, `AWS_ROLE_ARN`,
`AWS_ROLE_SESSION_NAME`) against an OpenID Connect issuer this module runs on loopback
(discovery document and JWKS over http.server, tokens signed with PyJWT), and the refusals
AWS answers (a forged token, an expired one, a subject the trust policy does not name); and
GetWebIdentityToken's tokens verified by PyJWT against the JWKS Warden publishes for the
account's issuer."""

import json
import threading
import time
import urllib.request
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import boto3
import jwt
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from cryptography.hazmat.primitives.asymmetric import ec

from conftest import ACCOUNT_ID, REGION

AUDIENCE = "warden-e2e"


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


class Issuer:
    """An OpenID Connect issuer on loopback: /.well-known/openid-configuration and /keys."""

    def __init__(self):
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.kid = uuid.uuid4().hex
        jwk = json.loads(jwt.algorithms.ECAlgorithm.to_jwk(self.key.public_key()))
        jwk.update({"kid": self.kid, "alg": "ES256", "use": "sig"})
        issuer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                pages = {
                    "/.well-known/openid-configuration": {
                        "issuer": issuer.url,
                        "jwks_uri": f"{issuer.url}/keys",
                        "id_token_signing_alg_values_supported": ["ES256"],
                    },
                    "/keys": {"keys": [jwk]},
                }
                page = pages.get(self.path)
                body = json.dumps(page).encode() if page else b"{}"
                self.send_response(200 if page else 404)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.http = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.http.server_address[1]}"
        self.thread = threading.Thread(target=self.http.serve_forever, daemon=True)
        self.thread.start()

    def token(self, sub: str, lifetime: int = 3600, key=None) -> str:
        now = int(time.time())
        claims = {"iss": self.url, "sub": sub, "aud": AUDIENCE, "iat": now, "exp": now + lifetime}
        return jwt.encode(claims, key or self.key, algorithm="ES256", headers={"kid": self.kid})

    def stop(self):
        self.http.shutdown()
        self.http.server_close()


@pytest.fixture
def issuer(iam):
    issuer = Issuer()
    arn = iam.create_open_id_connect_provider(Url=issuer.url, ClientIDList=[AUDIENCE])[
        "OpenIDConnectProviderArn"
    ]
    issuer.provider_arn = arn
    try:
        yield issuer
    finally:
        iam.delete_open_id_connect_provider(OpenIDConnectProviderArn=arn)
        issuer.stop()


@pytest.fixture
def web_role(iam, issuer):
    name = unique("web-role")
    bare = issuer.url.removeprefix("http://")
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Federated": issuer.provider_arn},
                "Action": "sts:AssumeRoleWithWebIdentity",
                "Condition": {"StringEquals": {f"{bare}:aud": AUDIENCE, f"{bare}:sub": "alice"}},
            }
        ],
    }
    arn = iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
    allow = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:ListRoles", "Resource": "*"}]}
    iam.put_role_policy(RoleName=name, PolicyName="work", PolicyDocument=json.dumps(allow))
    try:
        yield arn
    finally:
        iam.delete_role_policy(RoleName=name, PolicyName="work")
        iam.delete_role(RoleName=name)


def test_boto3_web_identity_credential_provider(server, issuer, web_role, tmp_path, monkeypatch):
    token_file = tmp_path / "token"
    token_file.write_text(issuer.token("alice"))
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-credentials"))
    monkeypatch.setenv("AWS_WEB_IDENTITY_TOKEN_FILE", str(token_file))
    monkeypatch.setenv("AWS_ROLE_ARN", web_role)
    monkeypatch.setenv("AWS_ROLE_SESSION_NAME", "alice-session")
    # The provider's own STS client must reach Warden too.
    monkeypatch.setenv("AWS_ENDPOINT_URL", server.endpoint)
    session = boto3.Session(region_name=REGION)
    config = Config(retries={"max_attempts": 1})
    sts = session.client("sts", endpoint_url=server.endpoint, config=config)
    identity = sts.get_caller_identity()
    role_name = web_role.rsplit("/", 1)[1]
    assert identity["Arn"] == f"arn:aws:sts::{ACCOUNT_ID}:assumed-role/{role_name}/alice-session"
    assert identity["Account"] == ACCOUNT_ID
    assert session.get_credentials().method == "assume-role-with-web-identity"
    iam = session.client("iam", endpoint_url=server.endpoint, config=config)
    assert any(role["Arn"] == web_role for role in iam.list_roles()["Roles"])
    with pytest.raises(ClientError) as err:
        iam.list_users()
    assert err.value.response["Error"]["Code"] == "AccessDenied"


def unsigned_sts(server):
    from botocore import UNSIGNED

    return boto3.client(
        "sts",
        endpoint_url=server.endpoint,
        region_name=REGION,
        config=Config(signature_version=UNSIGNED, retries={"max_attempts": 1}),
    )


def test_the_answer_names_subject_audience_and_provider(server, issuer, web_role):
    answer = unsigned_sts(server).assume_role_with_web_identity(
        RoleArn=web_role, RoleSessionName="s1", WebIdentityToken=issuer.token("alice")
    )
    assert answer["SubjectFromWebIdentityToken"] == "alice"
    assert answer["Audience"] == AUDIENCE
    assert answer["Provider"] == issuer.provider_arn
    assert answer["Credentials"]["AccessKeyId"].startswith("ASIA")


@pytest.mark.parametrize(
    "case, code",
    [
        ("forged", "InvalidIdentityToken"),
        ("expired", "ExpiredTokenException"),
        ("other-subject", "AccessDenied"),
    ],
)
def test_refusals(server, issuer, web_role, case, code):
    token = {
        "forged": lambda: issuer.token("alice", key=ec.generate_private_key(ec.SECP256R1())),
        "expired": lambda: issuer.token("alice", lifetime=-10),
        "other-subject": lambda: issuer.token("mallory"),
    }[case]()
    with pytest.raises(ClientError) as err:
        unsigned_sts(server).assume_role_with_web_identity(
            RoleArn=web_role, RoleSessionName="s1", WebIdentityToken=token
        )
    assert err.value.response["Error"]["Code"] == code


def test_get_web_identity_token_verifies_against_wardens_jwks(server, iam, sts):
    issuer = iam.enable_outbound_web_identity_federation()["IssuerIdentifier"]
    try:
        info = iam.get_outbound_web_identity_federation_info()
        assert info["IssuerIdentifier"] == issuer
        assert info["JwtVendingEnabled"] is True
        with urllib.request.urlopen(f"{issuer}/.well-known/openid-configuration", timeout=5) as answer:
            discovery = json.load(answer)
        assert discovery["issuer"] == issuer
        keys = jwt.PyJWKClient(discovery["jwks_uri"])
        for algorithm in ("RS256", "ES384"):
            answer = sts.get_web_identity_token(
                Audience=["external.example"], SigningAlgorithm=algorithm, DurationSeconds=120
            )
            token = answer["WebIdentityToken"]
            key = keys.get_signing_key_from_jwt(token)
            claims = jwt.decode(
                token, key.key, algorithms=[algorithm], audience="external.example", issuer=issuer
            )
            assert claims["sub"] == f"arn:aws:iam::{ACCOUNT_ID}:root"
            assert claims["exp"] - claims["iat"] == 120
            # A token whose signature is altered does not verify.
            forged = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
            with pytest.raises(jwt.InvalidSignatureError):
                jwt.decode(forged, key.key, algorithms=[algorithm], audience="external.example")
    finally:
        iam.disable_outbound_web_identity_federation()
    with pytest.raises(ClientError) as err:
        sts.get_web_identity_token(Audience=["external.example"], SigningAlgorithm="RS256")
    assert err.value.response["Error"]["Code"] == "OutboundWebIdentityFederationDisabledException"
