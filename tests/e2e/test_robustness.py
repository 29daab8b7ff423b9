"""Bad input gets the AWS error a client expects: never a crash, a hang or a 500 with
internals. And nothing acknowledged is lost when the server is killed."""

import datetime
import http.client
import os
import random
import signal
import socket
import threading
import urllib.parse

import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from botocore.exceptions import ClientError

from conftest import ROOT_KEY_ID, ROOT_SECRET, client, start_server, stop_server

FORM = "application/x-www-form-urlencoded; charset=utf-8"


def raw(endpoint, method="POST", path="/", body=b"", headers=None, timeout=30):
    url = urllib.parse.urlparse(endpoint)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.read().decode("utf-8", "replace"), dict(response.getheaders())
    finally:
        conn.close()


def signed(endpoint, body: str, service="sts", when=None, secret=ROOT_SECRET):
    request = AWSRequest(method="POST", url=endpoint + "/", data=body, headers={"Content-Type": FORM})
    auth = SigV4Auth(Credentials(ROOT_KEY_ID, secret), service, "us-east-1")
    if when is not None:
        # botocore reads the clock through datetime; sign as if at `when`.
        class Frozen(datetime.datetime):
            @classmethod
            def utcnow(cls):
                return when.replace(tzinfo=None)

            @classmethod
            def now(cls, tz=None):
                return when if tz else when.replace(tzinfo=None)

        import botocore.auth as botocore_auth

        original = botocore_auth.datetime.datetime
        botocore_auth.datetime.datetime = Frozen
        try:
            auth.add_auth(request)
        finally:
            botocore_auth.datetime.datetime = original
    else:
        auth.add_auth(request)
    return dict(request.headers.items())


def assert_aws_error(status, body, code, expected_status):
    assert status == expected_status, body
    assert f"<Code>{code}</Code>" in body, body
    assert "<RequestId>" in body


def test_unsigned_request_is_missing_authentication_token(server):
    status, body, _ = raw(server.endpoint, body=b"Action=GetCallerIdentity&Version=2011-06-15", headers={"Content-Type": FORM})
    assert_aws_error(status, body, "MissingAuthenticationToken", 403)


def test_stale_date_is_signature_expired(server):
    body = "Action=GetCallerIdentity&Version=2011-06-15"
    when = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=20)
    headers = signed(server.endpoint, body, when=when)
    status, text, _ = raw(server.endpoint, body=body.encode(), headers=headers)
    assert_aws_error(status, text, "SignatureDoesNotMatch", 403)
    assert "Signature expired:" in text


def test_tampered_body_is_signature_does_not_match(server):
    body = "Action=GetCallerIdentity&Version=2011-06-15"
    headers = signed(server.endpoint, body)
    status, text, _ = raw(server.endpoint, body=(body + "&X=1").encode(), headers=headers)
    assert_aws_error(status, text, "SignatureDoesNotMatch", 403)


def test_missing_and_unknown_action(server):
    headers = signed(server.endpoint, "Version=2010-05-08", service="iam")
    status, text, _ = raw(server.endpoint, body=b"Version=2010-05-08", headers=headers)
    assert_aws_error(status, text, "MissingAction", 400)
    body = "Action=FlyToTheMoon&Version=2010-05-08"
    headers = signed(server.endpoint, body, service="iam")
    status, text, _ = raw(server.endpoint, body=body.encode(), headers=headers)
    assert_aws_error(status, text, "InvalidAction", 400)


def test_malformed_burst_never_crashes(server):
    rng = random.Random(7)
    samples = [
        b"Action=CreateUser&Version=2010-05-08&UserName=%",
        b"Action=CreateUser&Version=2010-05-08&Tags.member.99999999999999999999.Key=a",
        b"Action=CreateUser&Version=2010-05-08&&&&====",
        b"\xff\xfe\x00garbage",
        b"Action=" + b"A" * 100_000,
    ] + [bytes(rng.getrandbits(8) for _ in range(rng.randint(1, 2048))) for _ in range(200)]
    header_sets = [
        {"Content-Type": FORM},
        {"Content-Type": FORM, "Authorization": "AWS4-HMAC-SHA256 garbage"},
        {"Content-Type": FORM, "Authorization": "AWS4-HMAC-SHA256 Credential=AKIA/2020/x, SignedHeaders=host, Signature=zz"},
        {"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "TrentService.ListKeys"},
    ]
    for i, body in enumerate(samples):
        status, text, _ = raw(server.endpoint, body=body, headers=header_sets[i % len(header_sets)])
        assert 400 <= status < 500, (status, text)
        assert "panicked" not in text
    # Deeply nested JSON on the JSON protocol.
    nested = b"[" * 100_000 + b"]" * 100_000
    status, text, _ = raw(server.endpoint, body=nested, headers={"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "TrentService.ListKeys"})
    assert 400 <= status < 500, (status, text)
    # The server is still healthy and still authenticates.
    assert client("sts", server.endpoint).get_caller_identity()["Account"]


def post_huge(endpoint, head_extra: str, chunked: bool):
    """Streams ~100 MB at the server from a thread; returns the first bytes it answers."""
    url = urllib.parse.urlparse(endpoint)
    sock = socket.create_connection((url.hostname, url.port), timeout=30)
    size = 100 * 1024 * 1024
    framing = "Transfer-Encoding: chunked" if chunked else f"Content-Length: {size}"
    head = f"POST / HTTP/1.1\r\nHost: {url.hostname}\r\nContent-Type: {FORM}\r\n{head_extra}{framing}\r\n\r\n"

    def pump():
        chunk = b"A" * 65536
        framed = (b"10000\r\n" + chunk + b"\r\n") if chunked else chunk
        try:
            sock.sendall(head.encode())
            for _ in range(size // len(chunk)):
                sock.sendall(framed)
        except OSError:
            pass  # the server stopped reading: expected

    sender = threading.Thread(target=pump, daemon=True)
    sender.start()
    try:
        return sock.recv(65536).decode("utf-8", "replace")
    finally:
        sock.close()
        sender.join(timeout=30)


@pytest.mark.parametrize("chunked", [False, True])
def test_huge_body_is_refused_without_reading_it_all(server, chunked):
    response = post_huge(server.endpoint, "", chunked)
    assert response.startswith("HTTP/1.1 413"), response[:300]
    assert "<Code>RequestEntityTooLarge</Code>" in response or "RequestEntityTooLarge" in response
    assert client("sts", server.endpoint).get_caller_identity()["Account"]


def test_kill_9_loses_no_acknowledged_user(tmp_path):
    srv = start_server(tmp_path / "data")
    iam = client("iam", srv.endpoint)
    acknowledged = []
    stop = threading.Event()

    def create_users():
        n = 0
        while not stop.is_set():
            name = f"durable-{n}"
            try:
                iam.create_user(UserName=name)
                acknowledged.append(name)
            except Exception:  # the server died mid-call: not acknowledged
                return
            n += 1

    worker = threading.Thread(target=create_users)
    worker.start()
    while len(acknowledged) < 30:
        worker.join(timeout=0.05)
        if not worker.is_alive():
            break
    os.kill(srv.process.pid, signal.SIGKILL)
    srv.process.wait()
    stop.set()
    worker.join(timeout=30)
    assert len(acknowledged) >= 30, srv.log()

    again = start_server(tmp_path / "data")
    try:
        iam = client("iam", again.endpoint)
        names = set()
        paginator = iam.get_paginator("list_users")
        for page in paginator.paginate():
            names.update(u["UserName"] for u in page["Users"])
        missing = [n for n in acknowledged if n not in names]
        assert not missing, f"lost acknowledged users: {missing}"
    finally:
        stop_server(again)
