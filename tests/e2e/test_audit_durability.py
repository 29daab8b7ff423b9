"""The audit trail under failure: `kill -9` under load loses no record of an answered call,
and a full disk makes calls fail with a clear error instead of proceeding unaudited."""

import json
import os
import subprocess
import threading
import time
import uuid

import pytest
from botocore.exceptions import ClientError

from conftest import client, start_server, stop_server


def lookup_request_ids(endpoint, event_name):
    cloudtrail = client("cloudtrail", endpoint)
    ids, token = set(), None
    while True:
        page = cloudtrail.lookup_events(
            LookupAttributes=[{"AttributeKey": "EventName", "AttributeValue": event_name}],
            **({"NextToken": token} if token else {}),
        )
        ids.update(json.loads(e["CloudTrailEvent"])["requestID"] for e in page["Events"])
        token = page.get("NextToken")
        if not token:
            return ids


def hammer(endpoint, answered, stop):
    """GetCallerIdentity in a loop; keeps the request id of every answered call."""
    sts = client("sts", endpoint)
    while not stop.is_set():
        try:
            response = sts.get_caller_identity()
            answered.append(response["ResponseMetadata"]["RequestId"])
        except Exception:  # the server is being killed: unanswered calls do not count
            return


def test_kill_9_under_load_loses_no_record_of_an_answered_call(workdir):
    data = workdir / f"kill9-audit-{uuid.uuid4().hex[:6]}"
    server = start_server(data)
    answered, stop = [], threading.Event()
    threads = [threading.Thread(target=hammer, args=(server.endpoint, answered, stop)) for _ in range(8)]
    for thread in threads:
        thread.start()
    time.sleep(2.0)
    server.process.kill()  # SIGKILL while requests are in flight
    server.process.wait()
    stop.set()
    for thread in threads:
        thread.join()
    assert len(answered) > 50, "the load ran"
    restarted = start_server(data)
    try:
        recorded = lookup_request_ids(restarted.endpoint, "GetCallerIdentity")
        missing = set(answered) - recorded
        assert not missing, f"{len(missing)} answered calls have no record"
    finally:
        stop_server(restarted)


@pytest.fixture
def small_disk(workdir):
    """A 4 MiB filesystem (tmpfs) for the data directory, so that it can fill up."""
    if os.geteuid() != 0:
        pytest.skip("mounting a small filesystem needs root")
    mountpoint = workdir / f"small-disk-{uuid.uuid4().hex[:6]}"
    mountpoint.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(mountpoint)], check=True)
    try:
        yield mountpoint
    finally:
        subprocess.run(["umount", "-l", str(mountpoint)], check=False)


def test_a_full_disk_fails_calls_instead_of_proceeding_unaudited(small_disk, workdir):
    server = start_server(small_disk / "data", log_dir=workdir)
    try:
        sts = client("sts", server.endpoint)
        answered, refusal = 0, None
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                sts.get_caller_identity()
                answered += 1
            except ClientError as error:
                refusal = error.response
                break
        assert refusal is not None, f"the disk never filled ({answered} calls answered)"
        assert answered > 20, "calls succeeded while there was room"
        assert refusal["ResponseMetadata"]["HTTPStatusCode"] == 503
        assert refusal["Error"]["Code"] == "ServiceUnavailable"
        assert "audit" in refusal["Error"]["Message"]
        # Fail closed: nothing is answered unaudited afterwards, and the server stays up.
        for _ in range(5):
            with pytest.raises(ClientError) as again:
                sts.get_caller_identity()
            assert again.value.response["Error"]["Code"] == "ServiceUnavailable"
        assert server.process.poll() is None
        assert "audit" in server.log()
    finally:
        stop_server(server)
