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
