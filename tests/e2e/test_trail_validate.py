"""Trail delivery end to end: Warden writes CloudTrail log and digest files into a local
bucket, serves them over its read-only S3 endpoint, and the unmodified AWS CLI
(`aws cloudtrail validate-logs`) validates them; then one log file is altered, one is
deleted, one digest is removed, and both the CLI and `warden audit verify` report it.

Each scenario runs its own server (delivery every second, a digest every 3 seconds):
`warden audit verify` opens the audit journal itself, so it runs once the server stopped."""

import datetime
import gzip
import json
import os
import subprocess
import time
from pathlib import Path

import pytest

from conftest import ROOT_KEY_ID, ROOT_SECRET, REGION, client, start_server, stop_server, warden_binary

BUCKET = "trail-bucket"
TRAIL = "main"


class Trail:
    """A server with a validated trail that has delivered at least two digests, one of
    which lists a log file."""

    def __init__(self, workdir: Path, name: str):
        self.data_dir = workdir / name
        self.server = start_server(
            self.data_dir,
            extra_args=("--trail-delivery-interval", "1", "--trail-digest-interval", "3"),
        )
        self.start = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=2)
        cloudtrail = client("cloudtrail", self.server.endpoint)
        created = cloudtrail.create_trail(Name=TRAIL, S3BucketName=BUCKET, EnableLogFileValidation=True)
        self.arn = created["TrailARN"]
        cloudtrail.start_logging(Name=TRAIL)
        iam = client("iam", self.server.endpoint)
        for index in range(3):
            iam.create_user(UserName=f"{name}-user-{index}")
        self.wait_for_digests()

    @property
    def bucket(self) -> Path:
        return self.data_dir / "buckets" / BUCKET

    def digests(self) -> list[Path]:
        return sorted(self.bucket.rglob("*_CloudTrail-Digest_*.json.gz"))

    def digested_logs(self) -> list[Path]:
        """Log files listed by some digest, oldest first."""
        listed = []
        for digest in self.digests():
            content = json.loads(gzip.decompress(digest.read_bytes()))
            listed.extend(self.bucket / log["s3Object"] for log in content["logFiles"])
        return sorted(set(listed))

    def wait_for_digests(self):
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if len(self.digests()) >= 2 and self.digested_logs():
                return
            time.sleep(0.25)
        raise AssertionError(f"no digests delivered:\n{self.server.log()}")

    def validate_logs(self) -> subprocess.CompletedProcess:
        """The AWS CLI's validator, CloudTrail at --endpoint-url, S3 via AWS_ENDPOINT_URL_S3."""
        env = {
            "PATH": os.environ.get("PATH", ""),
            "HOME": os.environ.get("HOME", "/tmp"),
            "AWS_ACCESS_KEY_ID": ROOT_KEY_ID,
            "AWS_SECRET_ACCESS_KEY": ROOT_SECRET,
            "AWS_DEFAULT_REGION": REGION,
            "AWS_CONFIG_FILE": "/dev/null",
            "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
            "AWS_MAX_ATTEMPTS": "1",
            "AWS_ENDPOINT_URL_S3": self.server.endpoint,
        }
        return subprocess.run(
            [
                "aws", "--endpoint-url", self.server.endpoint, "cloudtrail", "validate-logs",
                "--trail-arn", self.arn,
                "--start-time", self.start.strftime("%Y-%m-%dT%H:%M:%SZ"),
                "--verbose",
            ],
            capture_output=True, text=True, env=env, timeout=120,
        )

    def stop_and_audit_verify(self) -> subprocess.CompletedProcess:
        stop_server(self.server)
        return subprocess.run(
            [warden_binary(), "audit", "verify", "--data-dir", str(self.data_dir)],
            capture_output=True, text=True, timeout=120,
        )

    def key(self, path: Path) -> str:
        return str(path.relative_to(self.bucket))


@pytest.fixture
def trail(workdir, request):
    trail = Trail(workdir, request.node.name.replace("[", "-").replace("]", ""))
    try:
        yield trail
    finally:
        stop_server(trail.server)


def output(result: subprocess.CompletedProcess) -> str:
    return result.stdout + result.stderr


def test_the_aws_cli_and_warden_validate_an_untouched_trail(trail):
    result = trail.validate_logs()
    text = output(result)
    assert result.returncode == 0, text
    digests = len(trail.digests())
    assert f"{digests}/{digests} digest files valid" in text, text
    logs = len(trail.digested_logs())
    assert f"{logs}/{logs} log files valid" in text, text
    assert "INVALID" not in text

    verified = trail.stop_and_audit_verify()
    assert verified.returncode == 0, output(verified)
    assert "Verification passed" in verified.stdout
    assert "hash chain intact" in verified.stdout


def test_an_altered_log_file_is_reported(trail):
    # One byte of the log (a letter of an event name), re-compressed as a forger would.
    altered = trail.digested_logs()[0]
    content = bytearray(gzip.decompress(altered.read_bytes()))
    at = content.index(b'"eventName":"') + len(b'"eventName":"')
    content[at] ^= 0x20
    altered.write_bytes(gzip.compress(bytes(content)))

    result = trail.validate_logs()
    text = output(result)
    assert result.returncode != 0, text
    assert f"{trail.key(altered)}\tINVALID: hash value doesn't match" in text, text

    verified = trail.stop_and_audit_verify()
    assert verified.returncode == 1, output(verified)
    assert (
        f"the first: Log file {trail.key(altered)}: INVALID: hash value doesn't match"
        in verified.stderr
    ), output(verified)


def test_a_deleted_log_file_is_reported(trail):
    deleted = trail.digested_logs()[0]
    deleted.unlink()

    result = trail.validate_logs()
    text = output(result)
    assert result.returncode != 0, text
    assert f"{trail.key(deleted)}\tINVALID: not found" in text, text

    verified = trail.stop_and_audit_verify()
    assert verified.returncode == 1, output(verified)
    assert f"the first: Log file {trail.key(deleted)}: INVALID: not found" in verified.stderr, output(
        verified
    )


def test_a_removed_digest_is_reported(trail):
    removed = trail.digests()[0]
    removed.unlink()

    result = trail.validate_logs()
    text = output(result)
    assert result.returncode != 0, text
    assert f"{trail.key(removed)}\tINVALID: not found" in text, text

    verified = trail.stop_and_audit_verify()
    assert verified.returncode == 1, output(verified)
    assert f"the first: Digest file {trail.key(removed)}: INVALID: not found" in verified.stderr, output(
        verified
    )
