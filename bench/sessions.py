#!/usr/bin/env python3
"""Temporary credentials under load (issue #15), against Warden and moto's server in the same
run, driven by the same generator (warden-loadgen, closed loop, busy-polling its own core):

- AssumeRole throughput: a user whose identity policy allows sts:AssumeRole on a role whose
  trust policy names the user, calling AssumeRole as fast as it can (Warden evaluates both
  policies, seals a session token and audits the call; moto answers without evaluating any
  policy). Ratio Warden/moto.
- What a signed call costs with session credentials against the same call with long-term keys:
  GetCallerIdentity signed with the user's access key, then with the session credentials
  AssumeRole returned (the token opened, its key id and expiry checked, the signature verified
  with its secret), alternating, on the same Warden. Ratio session/long-term (the issue's
  target: at most 1.2x the cost, i.e. at least 0.83x the throughput).

Usage: python3 bench/sessions.py [--seconds 4] [--rounds 3] [--no-build]
Helpers (servers, moto venv, loadgen, pinning) are bench/load.py's.
"""

import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from load import (  # noqa: E402
    GENERATOR_CORE, KEY_ID, SECRET, SERVER_CORE, VENV, build, ensure_moto, free_port, pinned, wait_http,
)

ACCOUNT = "123456789012"
TRUST = {"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:user/bench-user"},
    "Action": "sts:AssumeRole"}]}
ALLOW_ASSUME = {"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Action": "sts:AssumeRole", "Resource": f"arn:aws:iam::{ACCOUNT}:role/bench-role"}]}
ASSUME_BODY = (f"Action=AssumeRole&Version=2011-06-15&RoleSessionName=bench"
               f"&RoleArn=arn%3Aaws%3Aiam%3A%3A{ACCOUNT}%3Arole%2Fbench-role")
IDENTITY_BODY = "Action=GetCallerIdentity&Version=2011-06-15"


def setup(python, endpoint):
    """The user (with a key and the policy), the role, and one session; their credentials."""
    script = f"""
import boto3, json
kw = dict(endpoint_url='{endpoint}', region_name='us-east-1')
iam = boto3.client('iam', aws_access_key_id='{KEY_ID}', aws_secret_access_key='{SECRET}', **kw)
iam.create_user(UserName='bench-user')
iam.put_user_policy(UserName='bench-user', PolicyName='assume', PolicyDocument={json.dumps(json.dumps(ALLOW_ASSUME))})
iam.create_role(RoleName='bench-role', AssumeRolePolicyDocument={json.dumps(json.dumps(TRUST))})
key = iam.create_access_key(UserName='bench-user')['AccessKey']
sts = boto3.client('sts', aws_access_key_id=key['AccessKeyId'], aws_secret_access_key=key['SecretAccessKey'], **kw)
creds = sts.assume_role(RoleArn='arn:aws:iam::{ACCOUNT}:role/bench-role', RoleSessionName='bench',
                        DurationSeconds=3600)['Credentials']
print(json.dumps({{'user': [key['AccessKeyId'], key['SecretAccessKey']],
                  'session': [creds['AccessKeyId'], creds['SecretAccessKey'], creds['SessionToken']]}}))
"""
    out = subprocess.run([str(python), "-c", script], check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def drive(loadgen_bin, endpoint, body, keys, seconds, connections, label):
    cmd = [*pinned([str(loadgen_bin)], GENERATOR_CORE), "--endpoint", endpoint, "--service", "sts",
           "--body", body, "--access-key-id", keys[0], "--secret-access-key", keys[1],
           "--connections", str(connections), "--seconds", str(seconds), "--label", label, "--busy-poll"]
    if len(keys) > 2:
        cmd += ["--session-token", keys[2]]
    result = subprocess.run(cmd, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"loadgen against {endpoint} failed: {result.stderr.strip()}")
    # The generator stops at the first answer that is not 2xx (a refused session would).
    return json.loads(result.stdout.strip().splitlines()[-1])


def show(label, runs):
    rps = [r["rps"] for r in runs]
    print(f"{label:42} median {statistics.median(rps):9.0f} req/s  "
          f"(runs: {', '.join('%.0f' % x for x in rps)})", flush=True)
    return statistics.median(rps)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=4.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--no-build", action="store_true", help="use the release binaries already built")
    args = parser.parse_args()
    python = ensure_moto()
    warden_bin, loadgen_bin = build(not args.no_build)
    workdir = Path(tempfile.mkdtemp(prefix="warden-bench-sessions-"))
    procs = []
    try:
        warden_port, moto_port = free_port(), free_port()
        env = dict(os.environ, WARDEN_ROOT_ACCESS_KEY_ID=KEY_ID, WARDEN_ROOT_SECRET_ACCESS_KEY=SECRET,
                   WARDEN_ACCOUNT_ID=ACCOUNT, WARDEN_LOG="warn", TOKIO_WORKER_THREADS="1")
        procs.append(subprocess.Popen(pinned([str(warden_bin), "serve", "--listen", f"127.0.0.1:{warden_port}",
                                              "--data-dir", str(workdir / "data")], SERVER_CORE), env=env,
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        procs.append(subprocess.Popen(pinned([str(VENV / "bin" / "moto_server"), "-p", str(moto_port)], SERVER_CORE),
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        warden = f"http://127.0.0.1:{warden_port}"
        moto = f"http://127.0.0.1:{moto_port}"
        wait_http(f"{warden}/_warden/health")
        wait_http(f"{moto}/moto-api/")
        creds = {name: setup(python, endpoint) for name, endpoint in (("warden", warden), ("moto", moto))}

        assume = {name: [] for name in creds}
        for _ in range(args.rounds):
            for name, endpoint in (("warden", warden), ("moto", moto)):
                assume[name].append(drive(loadgen_bin, endpoint, ASSUME_BODY, creds[name]["user"],
                                          args.seconds, args.connections, f"AssumeRole {name}"))
        w = show("AssumeRole, Warden", assume["warden"])
        m = show("AssumeRole, moto", assume["moto"])
        print(f"ratio AssumeRole warden/moto = {w / m:.1f}", flush=True)

        long_term, session = [], []
        for _ in range(args.rounds):
            long_term.append(drive(loadgen_bin, warden, IDENTITY_BODY, creds["warden"]["user"],
                                   args.seconds, args.connections, "GetCallerIdentity long-term"))
            session.append(drive(loadgen_bin, warden, IDENTITY_BODY, creds["warden"]["session"],
                                 args.seconds, args.connections, "GetCallerIdentity session"))
        lt = show("GetCallerIdentity, long-term key, Warden", long_term)
        se = show("GetCallerIdentity, session credentials, Warden", session)
        pairs = [s["rps"] / l["rps"] for s, l in zip(session, long_term)]
        print(f"ratio session/long-term throughput = {se / lt:.2f} "
              f"(per round: {', '.join('%.2f' % p for p in pairs)}); cost ratio = {lt / se:.2f}", flush=True)
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
