#!/usr/bin/env python3
"""Server benchmark: signed GetCallerIdentity and GetUser requests per second against Warden
and against moto's server, driven by the same load generator (warden-loadgen) in the same run,
reported as ratios of medians. Also Warden's p99 latency at half of its peak rate.

The generator busy-polls its own core (`--busy-poll`): over loopback, an answer to a
sleeping client would make the server's core pay for waking it, which a client on another
machine never costs the server. Every server is driven the same way.

Usage: python3 bench/load.py [--seconds 5] [--rounds 3] [--baseline-bin OLD_WARDEN] [--no-build]
With --baseline-bin, an earlier binary runs beside this build (audited, same core, same
generator), for an A/B comparison in one run.
Installs moto[server] into bench/.venv on first use; builds release binaries with cargo (into
$CARGO_TARGET_DIR, default target/).
"""

import argparse
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
VENV = REPO / "bench" / ".venv"
KEY_ID = "AKIAIOSFODNN7EXAMPLE"
SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
CALLS = {
    "GetCallerIdentity": ("sts", "Action=GetCallerIdentity&Version=2011-06-15"),
    "GetUser": ("iam", "Action=GetUser&Version=2010-05-08&UserName=bench-user"),
}


def pinned(cmd, core):
    """Pin a process to one core when taskset exists, so server and generator never share a
    core (on a 2-core machine they otherwise fight over both, which shows up as latency tail)."""
    if shutil.which("taskset") and (os.cpu_count() or 1) >= 2:
        return ["taskset", "-c", str(core), *cmd]
    return cmd


SERVER_CORE, GENERATOR_CORE = 0, 1


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=1)
            return
        except urllib.error.HTTPError:
            return  # answering at all is ready enough
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not come up")


def ensure_moto():
    python = VENV / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", "moto[server]>=5,<6", "boto3"], check=True)
    return python


def build(run_cargo=True):
    if run_cargo:
        subprocess.run(["cargo", "build", "--release", "-p", "warden", "-p", "warden-loadgen"], cwd=REPO, check=True)
    target = Path(os.environ.get("CARGO_TARGET_DIR") or REPO / "target") / "release"
    return target / "warden", target / "warden-loadgen"


def loadgen(binary, endpoint, call, seconds, connections, rate=None):
    service, body = CALLS[call]
    cmd = [*pinned([str(binary)], GENERATOR_CORE), "--endpoint", endpoint, "--service", service, "--body", body,
           "--access-key-id", KEY_ID, "--secret-access-key", SECRET,
           "--connections", str(connections), "--seconds", str(seconds), "--label", call, "--busy-poll"]
    if rate:
        cmd += ["--rate", str(rate)]
    result = subprocess.run(cmd, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"loadgen against {endpoint} failed: {result.stderr.strip()}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def create_bench_user(python, endpoint):
    script = (
        "import boto3,sys;"
        f"c=boto3.client('iam',endpoint_url='{endpoint}',region_name='us-east-1',"
        f"aws_access_key_id='{KEY_ID}',aws_secret_access_key='{SECRET}');"
        "c.create_user(UserName='bench-user')"
    )
    subprocess.run([str(python), "-c", script], check=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--baseline-bin", type=Path,
                        help="an earlier warden binary, run beside this build (A/B in one run)")
    parser.add_argument("--no-build", action="store_true", help="use the release binaries already built")
    args = parser.parse_args()
    python = ensure_moto()
    warden_bin, loadgen_bin = build(not args.no_build)
    workdir = Path(tempfile.mkdtemp(prefix="warden-bench-"))
    procs = []
    try:
        warden_port, unaudited_port, moto_port, baseline_port = free_port(), free_port(), free_port(), free_port()
        # Each server gets the same single core; Warden runs one runtime worker on it. Warden
        # runs twice: as shipped (every call durably audited before its reply) and with
        # `--no-audit`, which isolates the request pipeline (SigV4, routing, authorization).
        env = dict(os.environ, WARDEN_ROOT_ACCESS_KEY_ID=KEY_ID, WARDEN_ROOT_SECRET_ACCESS_KEY=SECRET,
                   WARDEN_ACCOUNT_ID="123456789012", WARDEN_LOG="warn", TOKIO_WORKER_THREADS="1")
        wardens = [(warden_bin, warden_port, "data", []), (warden_bin, unaudited_port, "data-unaudited", ["--no-audit"])]
        if args.baseline_bin:
            wardens.append((args.baseline_bin, baseline_port, "data-baseline", []))
        for binary, port, name, extra in wardens:
            procs.append(subprocess.Popen(pinned([str(binary), "serve", "--listen", f"127.0.0.1:{port}",
                                                  "--data-dir", str(workdir / name), *extra], SERVER_CORE), env=env,
                                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        procs.append(subprocess.Popen(pinned([str(VENV / "bin" / "moto_server"), "-p", str(moto_port)], SERVER_CORE),
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        targets = {
            "warden": f"http://127.0.0.1:{warden_port}",
            "warden-no-audit": f"http://127.0.0.1:{unaudited_port}",
            "moto": f"http://127.0.0.1:{moto_port}",
        }
        if args.baseline_bin:
            targets["warden-baseline"] = f"http://127.0.0.1:{baseline_port}"
        for name, endpoint in targets.items():
            wait_http(f"{endpoint}/moto-api/" if name == "moto" else f"{endpoint}/_warden/health")
            create_bench_user(python, endpoint)
        results = {}
        for call in CALLS:
            for target, endpoint in targets.items():
                runs = [loadgen(loadgen_bin, endpoint, call, args.seconds, args.connections)
                        for _ in range(args.rounds)]
                results[(call, target)] = runs
                rps = statistics.median(r["rps"] for r in runs)
                p99 = statistics.median(r["p99_us"] for r in runs)
                print(f"{call:18} {target:15} median {rps:10.0f} req/s  p99 {p99:8.0f} µs  "
                      f"(runs: {', '.join('%.0f' % r['rps'] for r in runs)})", flush=True)
        for target in ("warden", "warden-no-audit"):
            peak = statistics.median(r["rps"] for r in results[("GetCallerIdentity", target)])
            half = [loadgen(loadgen_bin, targets[target], "GetCallerIdentity", args.seconds, args.connections,
                            rate=peak / 2) for _ in range(args.rounds)]
            print(f"GetCallerIdentity  {target} at half peak ({peak / 2:.0f} req/s offered): "
                  f"median p50 {statistics.median(r['p50_us'] for r in half):.0f} µs, "
                  f"p99 {statistics.median(r['p99_us'] for r in half):.0f} µs "
                  f"(p99 runs: {', '.join('%.0f' % r['p99_us'] for r in half)}; the generator's own "
                  f"send delay p99: {', '.join('%.0f' % r['generator_delay_p99_us'] for r in half)} µs)",
                  flush=True)
        for call in CALLS:
            m = statistics.median(r["rps"] for r in results[(call, "moto")])
            for target in ("warden", "warden-no-audit"):
                w = statistics.median(r["rps"] for r in results[(call, target)])
                print(f"ratio {target}/moto {call} = {w / m:.1f}")
            if args.baseline_bin:
                b = statistics.median(r["rps"] for r in results[(call, "warden-baseline")])
                w = statistics.median(r["rps"] for r in results[(call, "warden")])
                print(f"ratio warden/warden-baseline {call} = {w / b:.2f}")
    finally:
        for proc in procs:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
