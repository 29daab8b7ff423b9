#!/usr/bin/env python3
"""Provisioning write throughput: N concurrent clients (--clients, 8) together create U users
(--users, 20,000), each with one access key and one inline policy (CreateUser, CreateAccessKey,
PutUserPolicy: 3 writes per user, 60,000 by default), against Warden and against moto's server
in the same run. Reported per server: wall time, successful writes/s, per-call latency p50/p99
(the whole call as the client sees it: building, signing, sending, reading), every error by
code; the ratio Warden/moto of writes/s; the CPU (user+sys) the client processes and the server
used during the timed phase, per call and as a share of their core, and how busy each core was
with anything at all (a client share near 100 % means the client, not the server, set the pace;
a core busier than our own processes make it means the shared machine was not quiet); the
client processes' CPU including start-up (RUSAGE_CHILDREN); each server's RSS (end, peak) and
Warden's data-dir size (du: total, audit/, SQLite WAL; live and once stopped). Each round also
times this disk's fdatasync of 4 KiB, the floor of a durable write.

Each client is its own process (no GIL shared between clients), all of them pinned to core 1;
each server runs alone, pinned to core 0 (Warden with one runtime worker, fresh data dir, as in
bench/load.py and bench/abuse.py). Every round starts both servers afresh (empty store) and
alternates which goes first; figures are medians over rounds with their min–max.

Drivers (--driver):
- boto3: each process has its own boto3 IAM client (endpoint_url, retries standard mode with
         max_attempts=1: a failed call is counted, never retried), as a provisioning tool would.
- raw:   each process signs with botocore.auth.SigV4Auth and sends over one persistent
         http.client.HTTPConnection (reopened when the server closes it, as moto's does): a much
         cheaper client, so that the server is what is measured.
Both check for HTTP 200 and count anything else. Before the servers, a calibration
(--no-calibrate skips it) drives a canned-answer HTTP server on core 0 with one client process
per driver and with all --clients of the chosen one: what the client side alone can produce.
It is a ceiling: against a real server the same clients spend more CPU per call (measured in
each run, and shown as "CPU per call").

Usage: python3 bench/provision.py [--users 20000] [--clients 8] [--rounds 1] [--driver boto3|raw]
           [--warden-bin PATH | --no-build] [--skip-moto] [--no-calibrate] [--json out.json]
           [--warden-args="--no-audit"]
Installs moto[server] and boto3 into bench/.venv and re-runs itself there; unless --warden-bin
or --no-build, builds with `cargo build --release -p warden` (into $CARGO_TARGET_DIR, default
target/) and runs the release binary from there.
"""

import argparse
import json
import multiprocessing as mp
import os
import re
import resource
import selectors
import shlex
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from array import array
from collections import Counter
from pathlib import Path
import urllib.request
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))
from abuse import (ACCOUNT, CLIENT_CORE, KEY_ID, MB, SECRET, SERVER_CORE, boto_kwargs, disk, quantile,  # noqa: E402
                   rss_mb, sampler, start_moto, start_warden)

REPO = Path(__file__).resolve().parents[1]
VENV = REPO / "bench" / ".venv"
TARGET_DIR = Path(os.environ.get("CARGO_TARGET_DIR") or REPO / "target")
CTYPE = "application/x-www-form-urlencoded; charset=utf-8"
ACTIONS = ("CreateUser", "CreateAccessKey", "PutUserPolicy")
CTX = mp.get_context("fork")  # children of this process, so RUSAGE_CHILDREN counts them


# ---------------------------------------------------------------- setup
def ensure_venv(script=__file__):
    """As bench/abuse.py's, but re-running `script` (this file unless another bench passes its own)."""
    python = VENV / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", "moto[server]>=5,<6", "boto3"], check=True)
    if Path(sys.prefix).resolve() != VENV.resolve():
        os.execv(str(python), [str(python), str(script), *sys.argv[1:]])


def warden_binary(args):
    if args.warden_bin:
        return Path(args.warden_bin).resolve()
    if not args.no_build:
        subprocess.run(["cargo", "build", "--release", "-p", "warden"], cwd=REPO, check=True,
                       env=dict(os.environ, CARGO_TARGET_DIR=str(TARGET_DIR)))
    return TARGET_DIR / "release" / "warden"


def cpu_seconds(pid):
    """(user, sys) CPU seconds of a running process (all its threads), from /proc/<pid>/stat."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return int(fields[11]) / os.sysconf("SC_CLK_TCK"), int(fields[12]) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0, 0.0


def core_times():
    """Per-core jiffies from /proc/stat: {core: (busy, iowait, steal, total)}."""
    times = {}
    for line in Path("/proc/stat").read_text().splitlines():
        if re.match(r"cpu\d", line):
            name, *values = line.split()
            v = [int(x) for x in values[:8]]
            times[int(name[3:])] = (v[0] + v[1] + v[2] + v[5] + v[6] + v[7], v[4], v[7], sum(v))
    return times


def core_use(before, after):
    """Each core's busy (by any process), iowait and steal shares between two core_times()."""
    use = {}
    for core in (SERVER_CORE, CLIENT_CORE):
        if core in before and core in after:
            d = [a - b for a, b in zip(after[core], before[core])]
            use[core] = {k: round(v / d[3], 3) if d[3] else None for k, v in zip(("busy", "iowait", "steal"), d)}
    return use


def children_cpu():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


# ---------------------------------------------------------------- the clients
def user_calls(name):
    """The three writes that provision one user, as Query-protocol parameters."""
    policy = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "iam:GetUser", "Resource": f"arn:aws:iam::{ACCOUNT}:user/{name}"}]})
    return (("CreateUser", {"UserName": name}),
            ("CreateAccessKey", {"UserName": name}),
            ("PutUserPolicy", {"UserName": name, "PolicyName": "read-self", "PolicyDocument": policy}))


def boto3_caller(endpoint):
    import boto3
    from botocore.exceptions import ClientError
    iam = boto3.client("iam", **boto_kwargs(endpoint, KEY_ID, SECRET, retries={"mode": "standard", "max_attempts": 1}))
    methods = {"CreateUser": iam.create_user, "CreateAccessKey": iam.create_access_key,
               "PutUserPolicy": iam.put_user_policy, "ListUsers": iam.list_users}
    stats = {"connections": None}  # urllib3 pools its connections out of sight

    def call(action, params):
        try:
            answer = methods[action](**params)
        except ClientError as e:
            status = e.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
            return f"HTTP {status} {e.response.get('Error', {}).get('Code') or ''}".strip()
        except Exception as e:  # noqa: BLE001 — every failure is a data point
            return type(e).__name__
        status = answer["ResponseMetadata"]["HTTPStatusCode"]
        return "OK" if status == 200 else f"HTTP {status}"

    return call, stats


def raw_caller(endpoint, timeout=10):
    """As the raw driver calls; `stats["body"]` keeps the last answer's body (for readers)."""
    import http.client
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials
    signer, url = SigV4Auth(Credentials(KEY_ID, SECRET), "iam", "us-east-1"), endpoint + "/"
    host, port = endpoint.split("//", 1)[1].rsplit(":", 1)
    conn = http.client.HTTPConnection(host, int(port), timeout=timeout)
    stats = {"connections": 0, "body": b""}

    def call(action, params):
        body = urlencode({"Action": action, "Version": "2010-05-08", **params}).encode()
        request = AWSRequest(method="POST", url=url, data=body, headers={"Content-Type": CTYPE})
        signer.add_auth(request)
        try:
            if conn.sock is None:
                stats["connections"] += 1  # http.client reopens by itself; count how often
            conn.request("POST", "/", body=body, headers=dict(request.headers.items()))
            answer = conn.getresponse()
            data = answer.read()
        except (OSError, http.client.HTTPException) as e:
            conn.close()
            return type(e).__name__
        stats["body"] = data
        if answer.status == 200:
            return "OK"
        code = re.search(rb"<Code>([^<]+)</Code>", data)
        return f"HTTP {answer.status} {code.group(1).decode() if code else ''}".strip()

    return call, stats


def client_worker(driver, endpoint, names, barrier, queue):
    """Provision `names` one after another once every client is ready; put back per-call
    latencies (seconds) by action, outcomes, the timed phase's bounds and this process's CPU."""
    try:
        call, stats = (raw_caller if driver == "raw" else boto3_caller)(endpoint)
        call("ListUsers", {"MaxItems": "1"} if driver == "raw" else {"MaxItems": 1})  # warm-up: connection, caches
        latencies, outcomes = {a: array("d") for a in ACTIONS}, Counter()
        barrier.wait(timeout=300)
        usage, started = resource.getrusage(resource.RUSAGE_SELF), time.monotonic()
        for name in names:
            for action, params in user_calls(name):
                t0 = time.monotonic()
                result = call(action, params)
                latencies[action].append(time.monotonic() - t0)
                outcomes[f"{action}: {result}" if result != "OK" else "OK"] += 1
        ended, after = time.monotonic(), resource.getrusage(resource.RUSAGE_SELF)
        cpu = (after.ru_utime - usage.ru_utime) + (after.ru_stime - usage.ru_stime)
        queue.put({"started": started, "ended": ended, "cpu_s": cpu, "outcomes": dict(outcomes),
                   "latencies": {a: v.tobytes() for a, v in latencies.items()}, "connections": stats["connections"]})
    except Exception as e:  # noqa: BLE001 — reported by the parent
        barrier.abort()
        queue.put({"failed": f"{type(e).__name__}: {e}"})


def drive(driver, endpoint, users, clients, prefix, server_pid=None):
    """Run `clients` processes that together provision `users` users named `<prefix><i>`;
    merge what they measured. `server_pid`'s CPU use over the timed phase is reported too."""
    names = [f"{prefix}{i:06d}" for i in range(users)]
    barrier, queue = CTX.Barrier(clients + 1), CTX.Queue()
    cpu_before = children_cpu()
    procs = [CTX.Process(target=client_worker, args=(driver, endpoint, names[i::clients], barrier, queue))
             for i in range(clients)]
    for p in procs:
        p.start()
    try:
        barrier.wait(timeout=300)
    except Exception as e:  # threading.BrokenBarrierError: a client could not get ready
        failed = []
        while len(failed) < clients:
            try:
                failed.append(queue.get(timeout=5).get("failed"))
            except Exception:  # noqa: BLE001 — queue.Empty
                break
        for p in procs:
            p.kill()
        raise RuntimeError(f"client processes did not get ready: {[f for f in failed if f]}") from e
    server_cpu, cores = cpu_seconds(server_pid) if server_pid else None, core_times()
    results = []
    while len(results) < clients:
        try:
            results.append(queue.get(timeout=5))
        except Exception:  # noqa: BLE001 — queue.Empty: check nobody died without answering
            if any(p.exitcode not in (None, 0) for p in procs):
                raise RuntimeError(f"a client process died: exit codes {[p.exitcode for p in procs]}")
    if server_pid:
        server_user, server_sys = (a - b for a, b in zip(cpu_seconds(server_pid), server_cpu))
        server_cpu = server_user + server_sys
    cores = core_use(cores, core_times())
    for p in procs:
        p.join()
    failed = [r["failed"] for r in results if "failed" in r]
    if failed:
        raise RuntimeError(f"client processes failed: {failed}")
    wall = max(r["ended"] for r in results) - min(r["started"] for r in results)
    outcomes, by_action = Counter(), {a: array("d") for a in ACTIONS}
    for r in results:
        outcomes.update(r["outcomes"])
        for action, raw in r["latencies"].items():
            by_action[action].frombytes(raw)
    every = [x * 1000 for v in by_action.values() for x in v]
    ok, calls = outcomes["OK"], sum(outcomes.values())
    client_cpu = sum(r["cpu_s"] for r in results)
    connections = [r["connections"] for r in results]
    return {
        "wall_s": round(wall, 3), "calls": calls, "ok": ok, "errors": calls - ok,
        "writes_per_s": round(ok / wall, 1), "calls_per_s": round(calls / wall, 1),
        "p50_ms": quantile(every, 0.5), "p99_ms": quantile(every, 0.99),
        "by_action_ms": {a: {"p50": quantile([x * 1000 for x in v], 0.5), "p99": quantile([x * 1000 for x in v], 0.99)}
                         for a, v in by_action.items()},
        "error_codes": dict(Counter({k: v for k, v in outcomes.items() if k != "OK"}).most_common()),
        "client_cpu_s": round(client_cpu, 2), "client_core_share": round(client_cpu / wall, 3),
        "client_cpu_total_s": round(children_cpu() - cpu_before, 2),  # with imports, setup, warm-up
        "server_cpu_s": round(server_cpu, 2) if server_cpu is not None else None,
        "server_core_share": round(server_cpu / wall, 3) if server_cpu is not None else None,
        "server_sys_cpu_s": round(server_sys, 2) if server_pid else None,
        "client_cpu_us_per_call": round(client_cpu / calls * 1e6) if calls else None,
        "server_cpu_us_per_call": round(server_cpu / calls * 1e6) if calls and server_cpu is not None else None,
        "connections_opened": None if None in connections else sum(connections),
        "cores": cores,  # what the machine's cores did meanwhile, our processes and any others
    }


# ---------------------------------------------------------------- calibration
def canned_answer(request_body):
    """An answer shaped like AWS's (the same members for boto3 to parse, dates included)."""
    action = re.search(rb"Action=(\w+)", request_body)
    action = action.group(1).decode() if action else "Unknown"
    user = re.search(rb"UserName=([^&]+)", request_body)
    user = user.group(1).decode() if user else "someone"
    member = {
        "CreateUser": f"<User><Path>/</Path><UserName>{user}</UserName><UserId>AIDAEXAMPLEEXAMPLE01</UserId>"
                      f"<Arn>arn:aws:iam::{ACCOUNT}:user/{user}</Arn><CreateDate>2026-01-01T00:00:00Z</CreateDate></User>",
        "CreateAccessKey": f"<AccessKey><UserName>{user}</UserName><AccessKeyId>AKIAEXAMPLEEXAMPLE01</AccessKeyId>"
                           f"<Status>Active</Status><SecretAccessKey>{SECRET}</SecretAccessKey>"
                           f"<CreateDate>2026-01-01T00:00:00Z</CreateDate></AccessKey>",
        "ListUsers": "<Users/><IsTruncated>false</IsTruncated>",
    }.get(action, "")
    result = f"<{action}Result>{member}</{action}Result>" if member or action != "PutUserPolicy" else ""
    return (f'<{action}Response xmlns="https://iam.amazonaws.com/doc/2010-05-08/">{result}<ResponseMetadata>'
            f"<RequestId>0e6c2f4a-0000-4000-8000-000000000000</RequestId></ResponseMetadata></{action}Response>").encode()


def canned_server(listener, halt):
    """A trivially fast target on core 0: every request answered 200 with a canned answer
    (keep-alive), so that only the client's own cost sets the pace."""
    if (os.cpu_count() or 1) >= 2:
        os.sched_setaffinity(0, {SERVER_CORE})
    sel = selectors.DefaultSelector()
    listener.setblocking(False)
    sel.register(listener, selectors.EVENT_READ, None)
    while not halt.is_set():
        for key, _ in sel.select(0.1):
            if key.data is None:
                conn, _ = listener.accept()
                conn.setblocking(False)
                conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                sel.register(conn, selectors.EVENT_READ, bytearray())
                continue
            conn, buf = key.fileobj, key.data
            try:
                data = conn.recv(65536)
            except OSError:
                data = b""
            if not data:
                sel.unregister(conn)
                conn.close()
                continue
            buf += data
            out = []
            while (end := buf.find(b"\r\n\r\n")) >= 0:
                length = re.search(rb"\r\ncontent-length:\s*(\d+)", bytes(buf[:end]), re.I)
                used = end + 4 + (int(length.group(1)) if length else 0)
                if len(buf) < used:
                    break
                body = canned_answer(bytes(buf[end + 4:used]))
                del buf[:used]
                out.append(b"HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body))
            if out:
                conn.setblocking(True)
                conn.sendall(b"".join(out))
                conn.setblocking(False)


def calibrate(args):
    """Calls/s the client side alone produces on core 1 against the canned server: one process
    of each driver, then all --clients of the chosen one."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(128)
    halt = CTX.Event()
    server = CTX.Process(target=canned_server, args=(listener, halt))
    server.start()
    endpoint, results = f"http://127.0.0.1:{listener.getsockname()[1]}", {}
    try:
        runs = [(d, 1) for d in ("boto3", "raw")] + [(args.driver, args.clients)] * (args.clients > 1)
        for driver, clients in runs:
            users = min(args.users, 300 if driver == "boto3" else 1000)  # a second or two either way
            r = drive(driver, endpoint, users, clients, "calibrate-", server.pid)
            results[f"{driver} x{clients}"] = {k: r[k] for k in ("calls_per_s", "errors", "client_core_share",
                                                                  "server_core_share")}
            print(f"calibration: {driver:5} x{clients}: {r['calls_per_s']:8,.0f} calls/s from the client side "
                  f"(clients use {100 * r['client_core_share']:.0f} % of core 1, the canned server "
                  f"{100 * r['server_core_share']:.0f} % of core 0; errors {r['errors']})", flush=True)
    finally:
        halt.set()
        server.join(10)
        listener.close()
    return results


def fsync_probe(directory, count=100):
    """fdatasync latency of 4 KiB appends in `directory` (where Warden's data dir lives): a
    durable write cannot be faster than this, so it tells a disk-bound figure from a slow server."""
    fd, path = tempfile.mkstemp(dir=directory)
    took = []
    try:
        for _ in range(count):
            os.write(fd, b"x" * 4096)
            t0 = time.perf_counter()
            os.fdatasync(fd)
            took.append((time.perf_counter() - t0) * 1000)
    finally:
        os.close(fd)
        os.unlink(path)
    return {"p50_ms": quantile(took, 0.5), "p99_ms": quantile(took, 0.99)}


# ---------------------------------------------------------------- the servers
def run_server(kind, binary, workdir, extra, args, round_no):
    server = start_warden(binary, workdir, f"warden-{round_no}", extra) if kind == "warden" else start_moto(workdir)
    try:
        stop_sampling = sampler(server.pid)
        result = drive(args.driver, server.endpoint, args.users, args.clients, "prov-", server.pid)
        time.sleep(1)  # let the audit journal's group commit and the store settle
        result["rss_mb"] = {"end": rss_mb(server.pid), "peak": stop_sampling()["peak_rss_mb"]}
        if server.data_dir:
            result["data_dir_mb"] = {k: round(v / MB, 2) for k, v in disk(server.data_dir).items()}
        if kind == "warden":
            result["store_commits"] = store_commits(server.endpoint)
    finally:
        server.stop()
    if server.data_dir:
        result["data_dir_mb_stopped"] = {k: round(v / MB, 2) for k, v in disk(server.data_dir).items()}
        shutil.rmtree(server.data_dir, ignore_errors=True)
    return result


def store_commits(endpoint):
    """Warden's group commit: store commits and the writes they carried (from its metrics)."""
    try:
        text = urllib.request.urlopen(endpoint + "/_warden/metrics", timeout=5).read().decode()
    except OSError:
        return None
    values = {}
    for line in text.splitlines():
        for name in ("warden_store_commits_total", "warden_store_committed_writes_total"):
            if line.startswith(name + " "):
                values[name] = float(line.split()[1])
    if len(values) < 2:
        return None  # a build from before group commit
    commits, writes = values["warden_store_commits_total"], values["warden_store_committed_writes_total"]
    return {"commits": int(commits), "writes": int(writes),
            "writes_per_commit": round(writes / commits, 2) if commits else None}


def show(kind, r):
    line = (f"  {kind:6} wall {r['wall_s']:8.2f} s  {r['writes_per_s']:9,.1f} writes/s  p50 {r['p50_ms']:7.2f} ms  "
            f"p99 {r['p99_ms']:7.2f} ms  errors {r['errors']}  client CPU {r['client_cpu_s']:.1f} s "
            f"({100 * r['client_core_share']:.0f} % of core 1; {r['client_cpu_total_s']:.1f} s with start-up)  server CPU {r['server_cpu_s']:.1f} s "
            f"({100 * r['server_core_share']:.0f} % of core 0; sys {r['server_sys_cpu_s']:.1f} s)  RSS {r['rss_mb']['end']} MB (peak {r['rss_mb']['peak']})")
    line += (f"\n         CPU per call: client {r['client_cpu_us_per_call']} µs, server {r['server_cpu_us_per_call']} µs")
    c = r["cores"]
    if c:
        line += ("\n         cores busy (any process): " + ", ".join(
            f"core {k} {100 * v['busy']:.0f} % (iowait {100 * v['iowait']:.0f} %, steal {100 * v['steal']:.0f} %)"
            for k, v in c.items()))
    if "data_dir_mb" in r:
        d, s = r["data_dir_mb"], r["data_dir_mb_stopped"]
        line += f"\n         data dir {d['total']} MB (audit {d['audit']}, WAL {d['wal']}; {s['total']} MB once stopped)"
    if r["connections_opened"] is not None:
        line += f"  connections opened {r['connections_opened']}"
    if r.get("store_commits"):
        sc = r["store_commits"]
        line += (f"\n         store: {sc['writes']:,} writes in {sc['commits']:,} commits "
                 f"({sc['writes_per_commit']} writes per commit)")
    line += "\n         by call p50/p99 ms: " + ", ".join(
        f"{a} {v['p50']}/{v['p99']}" for a, v in r["by_action_ms"].items())
    print(line, flush=True)
    if r["errors"]:
        print(f"         ERRORS ({r['errors']} of {r['calls']} calls): {json.dumps(r['error_codes'])}", flush=True)
    for note in notes(r):
        print(f"         note: {note}", flush=True)


def notes(r):
    """What the CPU figures say about who set the pace, and whether the machine was shared."""
    said, cores = [], r["cores"]
    client_core = cores.get(CLIENT_CORE, {}).get("busy", 0)
    if r["client_core_share"] >= 0.85 or (client_core >= 0.95 and client_core - r["client_core_share"] < 0.2):
        said.append(f"client-bound: core {CLIENT_CORE} was {100 * client_core:.0f} % busy "
                    f"(the clients {100 * r['client_core_share']:.0f} %); the server may be faster than shown")
    elif r["server_core_share"] >= 0.85:
        said.append(f"server-bound: the server used {100 * r['server_core_share']:.0f} % of core {SERVER_CORE}")
    else:
        said.append("neither the clients nor the server filled its core: waiting set the pace (fsync, locks, "
                    "round trips), or other processes took the cores")
    for core, ours in ((SERVER_CORE, r["server_core_share"]), (CLIENT_CORE, r["client_core_share"])):
        other = cores.get(core, {}).get("busy", 0) - ours
        if other > 0.2:
            said.append(f"about {100 * other:.0f} % of core {core} went to other processes or the kernel "
                        f"(a shared machine? compare with a quiet run)")
    return said


def spread(values, fmt="{:,.1f}"):
    return f"{fmt.format(statistics.median(values))} ({fmt.format(min(values))}–{fmt.format(max(values))})"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=20000)
    parser.add_argument("--clients", type=int, default=8, help="concurrent client processes")
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--driver", choices=["boto3", "raw"], default="boto3")
    parser.add_argument("--warden-bin", help="use this binary (no build)")
    parser.add_argument("--no-build", action="store_true", help=f"use {TARGET_DIR}/release/warden as it is")
    parser.add_argument("--skip-moto", action="store_true")
    parser.add_argument("--no-calibrate", action="store_true", help="skip the client-only calibration")
    parser.add_argument("--warden-args", default="", help='extra `warden serve` flags; write --warden-args="--no-audit" (with =)')
    parser.add_argument("--json", type=Path, help="write the results here")
    args = parser.parse_args()
    ensure_venv()
    binary = warden_binary(args)
    if not binary.exists():
        sys.exit(f"no Warden binary at {binary}")
    if (os.cpu_count() or 1) >= 2:
        os.sched_setaffinity(0, {CLIENT_CORE})  # clients on core 1 (inherited); servers are pinned to core 0
    print(f"{args.users:,} users x 3 writes = {3 * args.users:,} writes, {args.clients} {args.driver} client "
          f"processes, {args.rounds} round(s); Warden {binary} {args.warden_args}".rstrip(), flush=True)
    kinds = ["warden"] if args.skip_moto else ["warden", "moto"]
    results = {"config": {k: str(v) for k, v in vars(args).items()}, "rounds": []}
    if not args.no_calibrate:
        results["calibration"] = calibrate(args)
    workdir = Path(tempfile.mkdtemp(prefix="warden-provision-"))
    try:
        for round_no in range(args.rounds):
            this = {"fsync": fsync_probe(workdir)}
            print(f"round {round_no + 1}/{args.rounds} (this disk's fdatasync of 4 KiB: p50 {this['fsync']['p50_ms']} ms, "
                  f"p99 {this['fsync']['p99_ms']} ms)", flush=True)
            for kind in (kinds if round_no % 2 == 0 else kinds[::-1]):  # alternate which server goes first
                this[kind] = run_server(kind, binary, workdir, shlex.split(args.warden_args), args, round_no)
                show(kind, this[kind])
            if "moto" in this:
                this["ratio"] = round(this["warden"]["writes_per_s"] / this["moto"]["writes_per_s"], 2)
                print(f"  ratio warden/moto writes/s = {this['ratio']:.2f}x", flush=True)
            results["rounds"].append(this)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    rounds = results["rounds"]
    print(f"\nsummary: median (min–max) of {len(rounds)} round(s), {args.driver} driver, {args.clients} clients, "
          f"{args.users:,} users")
    summary = {}
    for kind in kinds:
        rs = [r[kind] for r in rounds]
        summary[kind] = {k: round(statistics.median(r[k] for r in rs), 3)
                         for k in ("wall_s", "writes_per_s", "p50_ms", "p99_ms", "client_core_share",
                                   "server_core_share")}
        summary[kind]["errors_total"] = sum(r["errors"] for r in rs)
        print(f"  {kind:6} wall {spread([r['wall_s'] for r in rs], '{:.2f}')} s, "
              f"{spread([r['writes_per_s'] for r in rs])} writes/s, p50 {spread([r['p50_ms'] for r in rs], '{:.2f}')} ms, "
              f"p99 {spread([r['p99_ms'] for r in rs], '{:.2f}')} ms, errors {sum(r['errors'] for r in rs)}, "
              f"client {spread([100 * r['client_core_share'] for r in rs], '{:.0f}')} % of core 1, "
              f"server {spread([100 * r['server_core_share'] for r in rs], '{:.0f}')} % of core 0, "
              f"RSS peak {spread([r['rss_mb']['peak'] for r in rs])} MB"
              + (f", data dir {spread([r['data_dir_mb']['total'] for r in rs])} MB" if kind == "warden" else ""))
    if "moto" in kinds:
        summary["ratio"] = round(statistics.median(r["ratio"] for r in rounds), 3)
        print(f"  ratio warden/moto writes/s {spread([r['ratio'] for r in rounds], '{:.2f}')}x")
    summary["fsync_p50_ms"] = round(statistics.median(r["fsync"]["p50_ms"] for r in rounds), 3)
    print(f"  this disk's fdatasync p50 {spread([r['fsync']['p50_ms'] for r in rounds], '{:.2f}')} ms")
    results["summary"] = summary
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, default=str))
        print(f"\nresults written to {args.json}")


if __name__ == "__main__":
    main()
