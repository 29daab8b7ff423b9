"""KMS through real clients (boto3, the AWS CLI, Python `cryptography`): envelope
encryption as the courses teach it, the encryption context, disabled keys, rotation, key
policies that do or do not delegate to IAM, grants, and signatures verified independently
with GetPublicKey's key."""

import base64
import json
import os
import uuid

import pytest
from botocore.exceptions import ClientError
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from conftest import ACCOUNT_ID, ROOT_KEY_ID, ROOT_SECRET, aws_cli, client


@pytest.fixture
def kms(server):
    return client("kms", server.endpoint)


@pytest.fixture
def key_id(kms):
    key = kms.create_key(Description="e2e")["KeyMetadata"]["KeyId"]
    yield key
    kms.schedule_key_deletion(KeyId=key, PendingWindowInDays=7)


def error_code(err) -> str:
    return err.value.response["Error"]["Code"]


@pytest.fixture
def iam_user(iam, server):
    """Creates users with an inline policy and a key; deletes them afterwards."""
    made = []

    def make(policy: dict | None):
        name = f"kms-e2e-{uuid.uuid4().hex[:8]}"
        iam.create_user(UserName=name)
        if policy is not None:
            iam.put_user_policy(UserName=name, PolicyName="p", PolicyDocument=json.dumps(policy))
        key = iam.create_access_key(UserName=name)["AccessKey"]
        made.append((name, key["AccessKeyId"], policy is not None))
        return name, client("kms", server.endpoint, key["AccessKeyId"], key["SecretAccessKey"])

    yield make
    for name, access_key, has_policy in made:
        iam.delete_access_key(UserName=name, AccessKeyId=access_key)
        if has_policy:
            iam.delete_user_policy(UserName=name, PolicyName="p")
        iam.delete_user(UserName=name)


def test_envelope_encryption(kms, key_id):
    context = {"file": "report.csv"}
    data_key = kms.generate_data_key(KeyId=key_id, KeySpec="AES_256", EncryptionContext=context)
    assert data_key["KeyId"] == f"arn:aws:kms:us-east-1:{ACCOUNT_ID}:key/{key_id}"
    # Encrypt locally with the plaintext data key, keep only its encrypted copy.
    nonce = os.urandom(12)
    sealed = AESGCM(data_key["Plaintext"]).encrypt(nonce, b"quarterly numbers", None)
    stored = data_key["CiphertextBlob"]
    del data_key
    # Later: KMS decrypts the data key (no KeyId needed), which decrypts the data.
    plain_key = kms.decrypt(CiphertextBlob=stored, EncryptionContext=context)["Plaintext"]
    assert AESGCM(plain_key).decrypt(nonce, sealed, None) == b"quarterly numbers"


def test_wrong_encryption_context_is_refused(kms, key_id):
    blob = kms.encrypt(KeyId=key_id, Plaintext=b"x", EncryptionContext={"a": "1"})["CiphertextBlob"]
    with pytest.raises(ClientError) as err:
        kms.decrypt(CiphertextBlob=blob, EncryptionContext={"a": "2"})
    assert error_code(err) == "InvalidCiphertextException"


def test_disabled_key_is_refused_then_reenabled(kms, key_id):
    kms.disable_key(KeyId=key_id)
    with pytest.raises(ClientError) as err:
        kms.encrypt(KeyId=key_id, Plaintext=b"x")
    assert error_code(err) == "DisabledException"
    kms.enable_key(KeyId=key_id)
    assert kms.encrypt(KeyId=key_id, Plaintext=b"x")["CiphertextBlob"]


def test_rotation_keeps_old_ciphertexts_readable(kms, key_id):
    old = kms.encrypt(KeyId=key_id, Plaintext=b"before")["CiphertextBlob"]
    kms.enable_key_rotation(KeyId=key_id, RotationPeriodInDays=90)
    assert kms.get_key_rotation_status(KeyId=key_id)["RotationPeriodInDays"] == 90
    kms.rotate_key_on_demand(KeyId=key_id)
    new = kms.encrypt(KeyId=key_id, Plaintext=b"after")["CiphertextBlob"]
    assert kms.decrypt(CiphertextBlob=old)["Plaintext"] == b"before"
    assert kms.decrypt(CiphertextBlob=new)["Plaintext"] == b"after"
    rotations = kms.list_key_rotations(KeyId=key_id)["Rotations"]
    assert [r["RotationType"] for r in rotations] == ["ON_DEMAND"]


def test_iam_alone_does_not_open_a_key_whose_policy_does_not_delegate(kms, iam_user):
    name, user_kms = iam_user(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "kms:*", "Resource": "*"}]}
    )
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT_ID}:root"},
                "Action": "kms:*",
                "Resource": "*",
                "Condition": {"StringEquals": {"aws:PrincipalType": "Account"}},
            }
        ],
    }
    strict = kms.create_key(Policy=json.dumps(policy))["KeyMetadata"]["KeyId"]
    delegating = kms.create_key()["KeyMetadata"]["KeyId"]
    try:
        assert user_kms.encrypt(KeyId=delegating, Plaintext=b"x")["CiphertextBlob"]
        with pytest.raises(ClientError) as err:
            user_kms.encrypt(KeyId=strict, Plaintext=b"x")
        assert error_code(err) == "AccessDeniedException"
        assert err.value.response["Error"]["Message"] == (
            f"User: arn:aws:iam::{ACCOUNT_ID}:user/{name} is not authorized to perform: kms:Encrypt "
            f"on resource: arn:aws:kms:us-east-1:{ACCOUNT_ID}:key/{strict} because no resource-based "
            "policy allows the kms:Encrypt action"
        )
    finally:
        for key in (strict, delegating):
            kms.schedule_key_deletion(KeyId=key, PendingWindowInDays=7)


def test_a_grant_lets_a_user_decrypt_until_retired(kms, key_id, iam_user):
    name, user_kms = iam_user(None)
    blob = kms.encrypt(KeyId=key_id, Plaintext=b"shared")["CiphertextBlob"]
    with pytest.raises(ClientError):
        user_kms.decrypt(CiphertextBlob=blob)
    grant = kms.create_grant(
        KeyId=key_id,
        GranteePrincipal=f"arn:aws:iam::{ACCOUNT_ID}:user/{name}",
        RetiringPrincipal=f"arn:aws:iam::{ACCOUNT_ID}:user/{name}",
        Operations=["Decrypt"],
    )
    assert user_kms.decrypt(CiphertextBlob=blob, GrantTokens=[grant["GrantToken"]])["Plaintext"] == b"shared"
    user_kms.retire_grant(GrantToken=grant["GrantToken"])
    with pytest.raises(ClientError) as err:
        user_kms.decrypt(CiphertextBlob=blob)
    assert error_code(err) == "AccessDeniedException"


@pytest.mark.parametrize(
    "spec,algorithm",
    [
        ("ECC_NIST_P256", "ECDSA_SHA_256"),
        ("ECC_NIST_P384", "ECDSA_SHA_384"),
        ("ECC_NIST_P521", "ECDSA_SHA_512"),
        ("ECC_SECG_P256K1", "ECDSA_SHA_256"),
        ("RSA_2048", "RSASSA_PSS_SHA_256"),
        ("RSA_3072", "RSASSA_PKCS1_V1_5_SHA_384"),
    ],
)
def test_signatures_verify_with_an_independent_library(kms, spec, algorithm):
    key = kms.create_key(KeySpec=spec, KeyUsage="SIGN_VERIFY")["KeyMetadata"]["KeyId"]
    try:
        message = b"signed by warden"
        signature = kms.sign(KeyId=key, Message=message, SigningAlgorithm=algorithm)["Signature"]
        public = serialization.load_der_public_key(kms.get_public_key(KeyId=key)["PublicKey"])
        digest = {"256": hashes.SHA256(), "384": hashes.SHA384(), "512": hashes.SHA512()}[algorithm[-3:]]
        if algorithm.startswith("ECDSA"):
            public.verify(signature, message, ec.ECDSA(digest))
        elif "PSS" in algorithm:
            public.verify(
                signature,
                message,
                padding.PSS(mgf=padding.MGF1(digest), salt_length=digest.digest_size),
                digest,
            )
        else:
            public.verify(signature, message, padding.PKCS1v15(), digest)
        assert kms.verify(KeyId=key, Message=message, Signature=signature, SigningAlgorithm=algorithm)[
            "SignatureValid"
        ]
    finally:
        kms.schedule_key_deletion(KeyId=key, PendingWindowInDays=7)


def test_cli_encrypts_and_decrypts_through_an_alias(server, kms, key_id, tmp_path):
    alias = f"alias/e2e-{uuid.uuid4().hex[:8]}"
    kms.create_alias(AliasName=alias, TargetKeyId=key_id)
    try:
        plain = tmp_path / "plain"
        plain.write_bytes(b"from the cli")
        encrypted = aws_cli(server.endpoint, "kms", "encrypt", "--key-id", alias, "--plaintext", f"fileb://{plain}")
        assert encrypted.returncode == 0, encrypted.stderr
        sealed = tmp_path / "sealed"
        sealed.write_bytes(base64.b64decode(json.loads(encrypted.stdout)["CiphertextBlob"]))
        decrypted = aws_cli(server.endpoint, "kms", "decrypt", "--ciphertext-blob", f"fileb://{sealed}")
        assert decrypted.returncode == 0, decrypted.stderr
        assert base64.b64decode(json.loads(decrypted.stdout)["Plaintext"]) == b"from the cli"
        described = aws_cli(server.endpoint, "kms", "describe-key", "--key-id", alias)
        assert json.loads(described.stdout)["KeyMetadata"]["KeyId"] == key_id
    finally:
        kms.delete_alias(AliasName=alias)


def test_kms_calls_are_audited_without_plaintext(server, kms, key_id):
    secret = b"audit-must-not-see-this"
    blob = kms.encrypt(KeyId=key_id, Plaintext=secret)["CiphertextBlob"]
    kms.decrypt(CiphertextBlob=blob)
    trail = client("cloudtrail", server.endpoint)
    events = trail.lookup_events(
        LookupAttributes=[{"AttributeKey": "EventSource", "AttributeValue": "kms.amazonaws.com"}]
    )["Events"]
    records = [json.loads(event["CloudTrailEvent"]) for event in events]
    decrypts = [r for r in records if r["eventName"] == "Decrypt"]
    assert decrypts and decrypts[0]["readOnly"] is True
    text = json.dumps(records)
    assert base64.b64encode(secret).decode() not in text
    assert "audit-must-not-see-this" not in text


def test_the_aws_encryption_sdk_encrypts_and_decrypts_with_a_warden_key(server, kms, key_id, tmp_path):
    """The AWS Encryption SDK for Python: a message encrypted under a Warden key (its data
    key from GenerateDataKey) and decrypted again (Decrypt with the key named, strict mode)."""
    import aws_encryption_sdk
    import botocore.session
    from aws_encryption_sdk.identifiers import CommitmentPolicy

    session = botocore.session.Session()
    session.set_credentials(ROOT_KEY_ID, ROOT_SECRET)
    session.set_config_variable("region", "us-east-1")

    class WardenKmsProvider(aws_encryption_sdk.StrictAwsKmsMasterKeyProvider):
        def _client(self, key_id):
            return client("kms", server.endpoint)

    arn = kms.describe_key(KeyId=key_id)["KeyMetadata"]["Arn"]
    provider = WardenKmsProvider(key_ids=[arn], botocore_session=session)
    sdk = aws_encryption_sdk.EncryptionSDKClient(
        commitment_policy=CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT
    )
    document = os.urandom(4096)
    sealed, header = sdk.encrypt(source=document, key_provider=provider, encryption_context={"file": "doc.bin"})
    (tmp_path / "doc.bin.encrypted").write_bytes(sealed)
    opened, decrypted_header = sdk.decrypt(source=(tmp_path / "doc.bin.encrypted").read_bytes(), key_provider=provider)
    assert opened == document
    assert decrypted_header.encryption_context["file"] == "doc.bin"
