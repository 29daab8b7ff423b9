"""Abuse resistance with real clients, on a server with the default limits: a flood of
made-up keys is throttled per source address (boto3 sees `Throttling`) while a client on
another loopback address is served; the SDK's standard retry mode recovers once the flood
stops; failed unauthenticated calls cost aggregate records, not one record each; slow
request heads are cut at the header timeout. bench/abuse.py measures the same at scale."""

import socket
import threading
import time
import urllib.request
import uuid

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from conftest import ROOT_KEY_ID, ROOT_SECRET, start_server, stop_server

import boto3

_source = threading.local()


def _bind_by_thread():
    """urllib3 (so botocore) connections leave from the calling thread's `_source.address`,
    when set: one process can then be two clients on two loopback addresses."""
    import urllib3.util.connection as connection

    original = connection.create_connection

    def create_connection(address, *args, **kwargs):
        source = getattr(_source, "address", None)
        if source:
            kwargs["source_address"] = (source, 0)
        return original(address, *args, **kwargs)

    connection.create_connection = create_connection


_bind_by_thread()


def sts(endpoint, key=ROOT_KEY_ID, secret=ROOT_SECRET, retries=None):
    return boto3.client(
        "sts",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id=key,
        aws_secret_access_key=secret,
        config=Config(retries=retries or {"mode": "standard", "total_max_attempts": 1}),
    )


def metric(endpoint, name):
    with urllib.request.urlopen(f"{endpoint}/_warden/metrics", timeout=5) as response:
        for line in response.read().decode().splitlines():
            if line.startswith(name + " "):
                return float(line.split()[1])
    return None


@pytest.fixture(scope="module")
def guarded(tmp_path_factory):
    data = tmp_path_factory.mktemp("abuse") / "data"
    server = start_server(data, extra_args=("--audit-aggregate-interval", "1", "--header-timeout", "1"))
    try:
        yield server
    finally:
        stop_server(server)


def flood(endpoint, calls):
    """Made-up keys from 127.0.0.1, no retries: the error codes, in order."""
    _source.address = None
    codes = []
    for _ in range(calls):
        made_up = "AKIA" + uuid.uuid4().hex[:16].upper()
        try:
            sts(endpoint, made_up, "x" * 40).get_caller_identity()
            codes.append("OK")
        except ClientError as error:
            codes.append(error.response["Error"]["Code"])
    return codes


def test_a_made_up_key_flood_is_throttled_and_another_address_is_served(guarded):
    codes = flood(guarded.endpoint, 300)
    # The default burst (10 a second, five seconds' worth) is checked and refused as AWS does…
    assert set(codes[:50]) == {"InvalidClientTokenId"}
    # …then the source is throttled, with the error the SDKs retry.
    assert "Throttling" in codes[50:]
    assert "OK" not in codes

    # Meanwhile, a client on 127.0.0.2 is served.
    _source.address = "127.0.0.2"
    try:
        legit = sts(guarded.endpoint)
        for _ in range(20):
            assert legit.get_caller_identity()["Arn"].endswith(":root")
    finally:
        _source.address = None

    # Standard retry mode recovers: the throttled address is served once tokens refill.
    flood(guarded.endpoint, 100)
    patient = sts(guarded.endpoint, retries={"mode": "standard", "max_attempts": 10})
    assert patient.get_caller_identity()["Arn"].endswith(":root")


def test_failed_calls_cost_aggregate_records_not_one_each(guarded):
    before_calls = metric(guarded.endpoint, "warden_unauthenticated_calls_total")
    before_records = metric(guarded.endpoint, "warden_unauthenticated_records_total")
    started = time.monotonic()
    flood(guarded.endpoint, 500)
    time.sleep(2.5)  # past the one-second interval, so its aggregates are written
    elapsed = time.monotonic() - started
    calls = metric(guarded.endpoint, "warden_unauthenticated_calls_total") - before_calls
    records = metric(guarded.endpoint, "warden_unauthenticated_records_total") - before_records
    assert calls == 500
    # One source, one event source, two error codes: at most two records per interval.
    assert 1 <= records <= 2 * (elapsed + 2)


def test_slow_request_heads_are_closed_at_the_header_timeout(guarded):
    port = int(guarded.endpoint.rsplit(":", 1)[1])
    slow = []
    for _ in range(5):
        sock = socket.create_connection(("127.0.0.1", port), timeout=30)
        sock.sendall(b"POST / HTTP/1.1\r\nHost: x\r\n")
        slow.append(sock)
    for sock in slow:
        # The server ends the connection (EOF or reset) once the head times out; a server
        # that kept it would leave recv waiting until the socket's own 30 s timeout fails.
        try:
            received = sock.recv(1024)
        except ConnectionResetError:
            received = b""
        assert not received.startswith(b"HTTP/1.1 2"), received
        sock.close()
    # The server still serves.
    _source.address = "127.0.0.2"
    try:
        assert sts(guarded.endpoint).get_caller_identity()["Account"]
    finally:
        _source.address = None
