"""`warden serve` as an operator meets it: readiness, clear start-up errors, clean shutdown."""

import json
import signal
import socket
import subprocess
import urllib.request

from conftest import free_port, start_server, stop_server, warden_binary


def test_health_answers_ok(server):
    with urllib.request.urlopen(f"{server.endpoint}/_warden/health", timeout=5) as response:
        assert response.status == 200
        assert json.loads(response.read()) == {"status": "ok"}


def test_port_taken_exits_with_clear_message(tmp_path):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        result = subprocess.run(
            [warden_binary(), "serve", "--listen", f"127.0.0.1:{port}", "--data-dir", str(tmp_path / "d")],
            capture_output=True,
            text=True,
            timeout=30,
        )
    assert result.returncode != 0
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr
    assert "panicked" not in result.stderr


def test_unusable_data_dir_exits_with_clear_message(tmp_path):
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the data directory should be")
    result = subprocess.run(
        [warden_binary(), "serve", "--listen", f"127.0.0.1:{free_port()}", "--data-dir", str(blocker)],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode != 0
    assert "data directory" in result.stderr and "unusable" in result.stderr
    assert "panicked" not in result.stderr


def test_ctrl_c_shuts_down_cleanly(tmp_path):
    srv = start_server(tmp_path / "data")
    code = stop_server(srv, signal.SIGINT)
    assert code == 0, srv.log()
    assert "panicked" not in srv.log()


def test_first_start_generates_root_credentials_file(tmp_path):
    import configparser
    import stat

    from conftest import client

    srv = start_server(tmp_path / "data", root_env=False)
    try:
        creds_path = tmp_path / "data" / "root-credentials"
        assert creds_path.exists(), srv.log()
        assert stat.S_IMODE(creds_path.stat().st_mode) == 0o600
        assert str(creds_path) in srv.log()  # the path is printed
        key_mode = stat.S_IMODE((tmp_path / "data" / "root.key").stat().st_mode)
        assert key_mode == 0o600
        parser = configparser.ConfigParser()
        parser.read(creds_path)
        key_id = parser["default"]["aws_access_key_id"]
        secret = parser["default"]["aws_secret_access_key"]
        assert key_id.startswith("AKIA") and len(key_id) == 20 and len(secret) == 40
        assert secret not in srv.log()  # printed path, never the secret
        identity = client("sts", srv.endpoint, key_id, secret).get_caller_identity()
        assert identity["Arn"].endswith(":root") and len(identity["Account"]) == 12
        assert client("sts", srv.endpoint, key_id, secret).get_access_key_info(AccessKeyId=key_id)["Account"] == identity["Account"]
    finally:
        stop_server(srv)
    # A restart reuses the data directory: same account, same key, no new credentials.
    again = start_server(tmp_path / "data", root_env=False)
    try:
        assert client("sts", again.endpoint, key_id, secret).get_caller_identity()["Arn"] == identity["Arn"]
    finally:
        stop_server(again)


def test_restart_restores_users_keys_and_policies(tmp_path):
    """The authorization snapshot is rebuilt from the store at start-up."""
    from conftest import client

    srv = start_server(tmp_path / "data")
    try:
        iam = client("iam", srv.endpoint)
        iam.create_user(UserName="persisted")
        key = iam.create_access_key(UserName="persisted")["AccessKey"]
        iam.put_user_policy(
            UserName="persisted",
            PolicyName="self",
            PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Action": "iam:GetUser", "Resource": "arn:aws:iam::*:user/${aws:username}"}]}),
        )
    finally:
        stop_server(srv)
    again = start_server(tmp_path / "data")
    try:
        as_user = client("iam", again.endpoint, key["AccessKeyId"], key["SecretAccessKey"])
        assert as_user.get_user(UserName="persisted")["User"]["UserName"] == "persisted"
        import botocore.exceptions
        import pytest

        with pytest.raises(botocore.exceptions.ClientError) as err:
            as_user.create_user(UserName="not-allowed")
        assert err.value.response["Error"]["Code"] == "AccessDenied"
    finally:
        stop_server(again)
