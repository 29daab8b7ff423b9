"""End-to-end harness: starts the real `warden` binary on a free loopback port with a fresh
data directory, waits until it is ready, hands tests an endpoint and root credentials, and
always stops the server."""

import os
import shutil
import signal
import socket
import ssl
import subprocess
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import boto3
import pytest
from botocore.config import Config

REPO = Path(__file__).resolve().parents[2]
ACCOUNT_ID = "123456789012"
ROOT_KEY_ID = "AKIAIOSFODNN7EXAMPLE"
ROOT_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
REGION = "us-east-1"


def warden_binary() -> str:
    path = os.environ.get("WARDEN_BIN") or str(REPO / "target" / "debug" / "warden")
    if not Path(path).exists():
        raise RuntimeError(f"warden binary not found at {path}; run `cargo build -p warden`")
    return path


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    endpoint: str
    data_dir: Path
    process: subprocess.Popen
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


def start_server(
    data_dir: Path,
    extra_env: dict | None = None,
    port: int | None = None,
    root_env: bool = True,
    log_dir: Path | None = None,
    extra_args: tuple = (),
    ca_file: Path | None = None,
) -> Server:
    """Starts `warden serve`. With `ca_file` the server is expected to serve HTTPS (pass
    `--tls-cert`/`--tls-key` in `extra_args`) with a certificate that CA issued."""
    port = port or free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("WARDEN_ROOT_")}
    env["WARDEN_LOG"] = "warn"
    if root_env:
        env.update(
            {
                "WARDEN_ROOT_ACCESS_KEY_ID": ROOT_KEY_ID,
                "WARDEN_ROOT_SECRET_ACCESS_KEY": ROOT_SECRET,
                "WARDEN_ACCOUNT_ID": ACCOUNT_ID,
            }
        )
    env.update(extra_env or {})
    log_path = (log_dir or data_dir.parent) / f"{data_dir.name}.log"
    log = open(log_path, "wb")
    process = subprocess.Popen(
        [warden_binary(), "serve", "--listen", f"127.0.0.1:{port}", "--data-dir", str(data_dir), *extra_args],
        stdout=log,
        stderr=subprocess.STDOUT,
        env=env,
    )
    endpoint = f"{'https' if ca_file else 'http'}://127.0.0.1:{port}"
    context = ssl.create_default_context(cafile=str(ca_file)) if ca_file else None
    server = Server(endpoint, data_dir, process, log_path)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"warden exited early ({process.returncode}):\n{server.log()}")
        try:
            with urllib.request.urlopen(f"{endpoint}/_warden/health", timeout=1, context=context) as response:
                if response.status == 200:
                    return server
        except OSError:
            time.sleep(0.05)
    stop_server(server)
    raise RuntimeError(f"warden did not become ready:\n{server.log()}")


def stop_server(server: Server, sig: int = signal.SIGTERM) -> int:
    if server.process.poll() is None:
        server.process.send_signal(sig)
        try:
            server.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait()
    return server.process.returncode


@pytest.fixture(scope="session")
def workdir():
    path = Path(tempfile.mkdtemp(prefix="warden-e2e-"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope="session")
def server(workdir):
    # Many tests here fail authentication on purpose from one address: a higher failure
    # limit keeps them from throttling each other (test_abuse.py tests the defaults), and a
    # one-second aggregation interval makes failed calls' records visible quickly.
    srv = start_server(
        workdir / "data",
        extra_args=("--auth-failure-limit", "1000", "--audit-aggregate-interval", "1"),
    )
    try:
        yield srv
    finally:
        stop_server(srv)


def client(service: str, endpoint: str, key_id: str = ROOT_KEY_ID, secret: str = ROOT_SECRET, token=None):
    return boto3.client(
        service,
        endpoint_url=endpoint,
        region_name=REGION,
        aws_access_key_id=key_id,
        aws_secret_access_key=secret,
        aws_session_token=token,
        config=Config(retries={"max_attempts": 1}),
    )


@pytest.fixture
def iam(server):
    return client("iam", server.endpoint)


@pytest.fixture
def sts(server):
    return client("sts", server.endpoint)


def aws_cli(
    endpoint: str,
    *args: str,
    key_id: str = ROOT_KEY_ID,
    secret: str = ROOT_SECRET,
    extra_env: dict | None = None,
    input_text: str | None = None,
):
    """Runs the AWS CLI from the venv against Warden (answering its prompts with
    `input_text`); returns the CompletedProcess."""
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": os.environ.get("HOME", "/tmp"),
        "AWS_ACCESS_KEY_ID": key_id,
        "AWS_SECRET_ACCESS_KEY": secret,
        "AWS_DEFAULT_REGION": REGION,
        "AWS_CONFIG_FILE": "/dev/null",
        "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
        "AWS_MAX_ATTEMPTS": "1",
        **(extra_env or {}),
    }
    return subprocess.run(
        ["aws", "--endpoint-url", endpoint, "--output", "json", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        input=input_text,
    )
