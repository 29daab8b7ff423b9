#!/usr/bin/env python3
"""Abuse resistance: what unauthenticated floods, half-open connections and secret guessing
cost Warden and the legitimate clients it serves at the same time. Each scenario starts its own
server (fresh data dir, free port); abusers connect from 127.0.0.1, the legitimate boto3 client
binds its connections to 127.0.0.2, so per-source limits can tell them apart.

- flood:    SigV4 requests signed with a made-up access key id at full speed (--flood-seconds,
            60) while the legitimate client (root credentials) calls sts.GetCallerIdentity and
            iam.GetUser, first against the idle server (--idle-seconds, 10). Targets: data-dir
            growth (du; audit/ and the SQLite WAL shown apart) under 10 MB for the minute, net of
            what the legitimate client's own audited calls write (its idle-phase rate); its
            median latency during the flood within 2x of idle; its success rate >= 99 %.
            Also: the flood's answer mix per second, server RSS before/after/peak.
- halfopen: --halfopen connections (20,000, or what RLIMIT_NOFILE's hard limit allows), each
            sending `POST / HTTP/1.1\\r\\nHost: x\\r\\n` and nothing more, from 127.0.0.1 or
            spread over --halfopen-sources addresses (to reach the global cap). Targets: none left
            open past the header timeout; the legitimate client >= 99 % successful, and so are
            new connections from 127.0.0.2 (a probe every 0.2 s). Also: connects refused, closed
            at once or at the timeout, server RSS and fd peak.
- guess:    an IAM user's real access key id signed with wrong secrets, as fast as possible
            (--guess-seconds, 10; --guess-spread: each worker from its own address), while the
            user's own correct calls go on from 127.0.0.2. Targets: guesses get Throttling
            (reported: after how many attempts); the user's calls >= 99 % successful; afterwards
            a boto3 client with retries={"mode": "standard"} from the guesser's address succeeds.
- peer:     the flood scenario against moto's server (no protection), side by side.

Abusers are Python processes with their own small SigV4 signer: warden-loadgen stops at the
first non-2xx answer, and wrk (not used even when installed) counts no error codes. Warden runs
pinned to core 0 with one runtime worker (as in bench/load.py); everything else runs on core 1,
the abusers at nice 10, the legitimate client when allowed at SCHED_FIFO (it sleeps between
calls; so the abusers' use of its core does not count as server latency). Each Warden scenario
ends with the /_warden/metrics lines on connections, throttling, unauthenticated calls, disk.

Usage: python3 bench/abuse.py [--scenario flood|halfopen|guess|peer|all] [--flood-seconds 60]
           [--warden-args="--header-timeout 10 --auth-failure-limit 10"] [--json out.json]
Installs moto[server] and boto3 into bench/.venv and re-runs itself there; builds release
binaries with cargo (into $CARGO_TARGET_DIR or target/; --no-build uses what is there).
"""

import argparse
import errno
import hashlib
import hmac
import json
import multiprocessing as mp
import os
import re
import resource
import secrets
import selectors
import shlex
import shutil
import socket
import string
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
VENV = REPO / "bench" / ".venv"
KEY_ID, SECRET, ACCOUNT = "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "123456789012"
SERVER_CORE, CLIENT_CORE = 0, 1
LEGIT_SOURCE = "127.0.0.2"
METRIC_PREFIXES = ("warden_connections", "warden_throttled", "warden_unauthenticated", "warden_audit_disk")
STS_BODY = b"Action=GetCallerIdentity&Version=2011-06-15"
MB = 1024 * 1024


# ---------------------------------------------------------------- setup
def ensure_venv():
    python = VENV / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", "moto[server]>=5,<6", "boto3"], check=True)
    if Path(sys.prefix).resolve() != VENV.resolve():
        os.execv(str(python), [str(python), __file__, *sys.argv[1:]])


def build(skip):
    if not skip:
        subprocess.run(["cargo", "build", "--release", "-p", "warden", "-p", "warden-loadgen"], cwd=REPO, check=True)
    return Path(os.environ.get("CARGO_TARGET_DIR") or REPO / "target").resolve() / "release" / "warden"


def pinned(cmd, core):
    if shutil.which("taskset") and (os.cpu_count() or 1) >= 2:
        return ["taskset", "-c", str(core), *cmd]
    return cmd


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A server process pinned to core 0 on a free port, its output in `<workdir>/<name>.log`."""

    def __init__(self, name, cmd, workdir, port, health, env=None, data_dir=None):
        self.port, self.data_dir, self.endpoint = port, data_dir, f"http://127.0.0.1:{port}"
        log = workdir / f"{name}.log"
        with open(log, "w") as out:
            self.proc = subprocess.Popen(pinned(cmd, SERVER_CORE), env=env, stdout=out, stderr=subprocess.STDOUT)
        self.pid, deadline = self.proc.pid, time.monotonic() + 60  # taskset execs the server in place
        while self.proc.poll() is None and time.monotonic() < deadline:
            try:
                urllib.request.urlopen(self.endpoint + health, timeout=1)
                return
            except urllib.error.HTTPError:
                return  # answering at all is ready enough
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"{name} did not come up: {' '.join(cmd)}\n{log.read_text()[-2000:]}")

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def start_warden(binary, workdir, name, extra):
    port, data = free_port(), workdir / f"{name}-data"
    env = dict(os.environ, WARDEN_ROOT_ACCESS_KEY_ID=KEY_ID, WARDEN_ROOT_SECRET_ACCESS_KEY=SECRET,
               WARDEN_ACCOUNT_ID=ACCOUNT, WARDEN_LOG="warn", TOKIO_WORKER_THREADS="1")
    cmd = [str(binary), "serve", "--listen", f"127.0.0.1:{port}", "--data-dir", str(data), *extra]
    return Server(name, cmd, workdir, port, "/_warden/health", env=env, data_dir=data)


def start_moto(workdir):
    port = free_port()
    return Server("moto", [str(VENV / "bin" / "moto_server"), "-p", str(port)], workdir, port, "/moto-api/")


# ---------------------------------------------------------------- measurements
def rss_mb(pid):
    try:
        return round(int(re.search(r"VmRSS:\s*(\d+)", Path(f"/proc/{pid}/status").read_text()).group(1)) / 1024, 1)
    except (OSError, AttributeError):
        return 0.0


def sampler(pid):
    """Sample `pid`'s resident memory and open file descriptors every 0.25 s; the function
    returned stops the sampling and answers the peaks."""
    peak, halt = {"peak_rss_mb": 0.0, "peak_fds": 0}, threading.Event()

    def run():
        while not halt.wait(0.25):
            fds = len(os.listdir(f"/proc/{pid}/fd")) if os.path.exists(f"/proc/{pid}/fd") else 0
            peak.update(peak_rss_mb=max(peak["peak_rss_mb"], rss_mb(pid)), peak_fds=max(peak["peak_fds"], fds))

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return lambda: (halt.set(), thread.join(), peak)[-1]


def disk(data_dir):
    """Bytes on disk (allocated blocks, as du counts): the data dir, its audit/, its SQLite WAL files."""
    usage = Counter()
    for path in Path(data_dir).rglob("*"):
        if path.is_file() and not path.is_symlink():
            size = path.stat().st_blocks * 512
            usage["total"] += size
            usage["audit"] += size if path.relative_to(data_dir).parts[0] == "audit" else 0
            usage["wal"] += size if path.name.endswith("-wal") else 0
    return {k: usage[k] for k in ("total", "audit", "wal")}


def metrics(server):
    try:
        text = urllib.request.urlopen(server.endpoint + "/_warden/metrics", timeout=5).read().decode()
    except OSError as e:
        return [f"(metrics unavailable: {e})"]
    return [line for line in text.splitlines() if line.startswith(METRIC_PREFIXES)] or [f"(no {'/'.join(METRIC_PREFIXES)} lines)"]


def quantile(values, q):
    values = sorted(values)
    return round(values[round((len(values) - 1) * q)], 2) if values else None


# ---------------------------------------------------------------- abusers
def signed_request(host, service, body, key_id, secret):
    """A SigV4-signed HTTP/1.1 POST of a Query-protocol form body (headers as the SDKs sign)."""
    amz_date = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    scope = f"{amz_date[:8]}/us-east-1/{service}/aws4_request"
    ctype = "application/x-www-form-urlencoded; charset=utf-8"
    signed = "content-type;host;x-amz-date"
    canonical = (f"POST\n/\n\ncontent-type:{ctype}\nhost:{host}\nx-amz-date:{amz_date}\n\n{signed}\n"
                 + hashlib.sha256(body).hexdigest())
    to_sign = f"AWS4-HMAC-SHA256\n{amz_date}\n{scope}\n{hashlib.sha256(canonical.encode()).hexdigest()}"
    key = ("AWS4" + secret).encode()
    for part in scope.split("/"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    signature = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    return (f"POST / HTTP/1.1\r\nHost: {host}\r\nContent-Type: {ctype}\r\nX-Amz-Date: {amz_date}\r\n"
            f"Authorization: AWS4-HMAC-SHA256 Credential={key_id}/{scope}, SignedHeaders={signed}, "
            f"Signature={signature}\r\nContent-Length: {len(body)}\r\n\r\n").encode() + body


def parse_answer(buf):
    """(bytes used, "status Code", close?) once `buf` holds a whole answer, else None."""
    end = buf.find(b"\r\n\r\n")
    if end < 0:
        return None
    head = bytes(buf[:end]).lower()
    length = re.search(rb"\r\ncontent-length:\s*(\d+)", head)
    used = end + 4 + (int(length.group(1)) if length else 0)
    if len(buf) < used:
        return None
    code = re.search(rb"<Code>([^<]+)</Code>", bytes(buf[end + 4:used]))
    label = f"{head[9:12].decode()} {code.group(1).decode() if code else ''}".strip()
    return used, label, b"\r\nconnection: close" in head or head.startswith(b"http/1.0")


def flood_worker(port, key_id, secret, conns, t0, deadline, guess, source, queue):
    """Keep `conns` keep-alive connections busy with signed requests until `deadline` (a guesser
    signs each with a new random secret); count answers by status and error code, per second."""
    os.nice(10)
    host, sel = f"127.0.0.1:{port}", selectors.DefaultSelector()
    counts, timeline, state, signed = Counter(), Counter(), {"answers": 0, "first_throttle": None}, {}

    def drop(s, label=None):
        sel.unregister(s)
        s.close()
        if label:
            counts[label] += 1

    def send(s):
        second = int(time.time())
        if guess or second not in signed:  # a flood re-signs once a second, a guesser every time
            signed.clear()
            signed[second] = signed_request(host, "sts", STS_BODY, key_id, secrets.token_urlsafe(30) if guess else secret)
        try:
            s.sendall(signed[second])
        except OSError:
            drop(s, "conn: send failed")

    while (now := time.monotonic()) < deadline:
        while len(sel.get_map()) < conns and time.monotonic() < deadline:
            try:
                s = socket.create_connection(("127.0.0.1", port), timeout=2, source_address=(source, 0))
            except OSError as e:
                counts[f"conn: connect failed ({type(e).__name__})"] += 1
                time.sleep(0.01)
                continue
            s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            s.setblocking(False)
            sel.register(s, selectors.EVENT_READ, bytearray())
            send(s)
        for key, _ in sel.select(0.1):
            s, buf = key.fileobj, key.data
            try:
                data = s.recv(65536)
            except OSError:
                data = None
            if not data:
                drop(s, "conn: closed by server" if data == b"" else "conn: reset by server")
                continue
            buf += data
            while answer := parse_answer(buf):
                used, label, close = answer
                del buf[:used]
                counts[label] += 1
                timeline[(int(now - t0), label)] += 1
                state["answers"] += 1
                if "Throttling" in label and not state["first_throttle"]:
                    state["first_throttle"] = {"attempt": state["answers"], "after_s": round(now - t0, 3)}
                if close:
                    drop(s)
                    break
                send(s)
    queue.put({"counts": counts, "timeline": list(timeline.items()), **state})


def run_flood(port, key_id, secret, seconds, workers, conns, guess=False, spread=False):
    """Run abuser processes for `seconds`, from 127.0.0.1 or (`spread`) each from its own address;
    their answers merged: mix, rate, per-second timeline."""
    queue, t0 = mp.Queue(), time.monotonic()
    procs = [mp.Process(target=flood_worker, args=(port, key_id, secret, conns // workers + (i < conns % workers),
                                                   t0, t0 + seconds, guess,
                                                   f"127.0.0.{10 + i}" if spread else "127.0.0.1", queue))
             for i in range(workers)]
    for p in procs:
        p.start()
    results = [queue.get(timeout=seconds + 120) for _ in procs]
    for p in procs:
        p.join()
    counts, timeline = Counter(), {}
    for r in results:
        counts.update(r["counts"])
        for (second, label), n in r["timeline"]:
            timeline.setdefault(second, Counter())[label] += n
    answers = sum(r["answers"] for r in results)
    firsts = [r["first_throttle"] for r in results if r["first_throttle"]]
    return {"answers": answers, "answers_per_s": round(answers / seconds), "mix": dict(counts.most_common()),
            "first_throttle": {"attempts_before": sum(f["attempt"] - 1 for f in firsts),
                               "after_s": min(f["after_s"] for f in firsts)} if firsts else None,
            "timeline": {s: dict(c.most_common()) for s, c in sorted(timeline.items())}}


def made_up_key():
    return "AKIA" + "".join(secrets.choice(string.ascii_uppercase + string.digits) for _ in range(16))


# ---------------------------------------------------------------- the legitimate client
def bind_source(address):
    """Every urllib3 (so botocore) connection of this process leaves from `address`."""
    import urllib3.util.connection as connection

    original = connection.create_connection

    def create_connection(target, *args, **kwargs):
        kwargs["source_address"] = (address, 0)
        return original(target, *args[:1], **kwargs)

    connection.create_connection = create_connection


def boto_kwargs(endpoint, key, secret, **config):
    from botocore.config import Config
    return dict(endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id=key, aws_secret_access_key=secret,
                config=Config(connect_timeout=5, read_timeout=10, **config))


def outcome(call):
    """"OK" or the error code (the exception's name when there is no AWS answer)."""
    try:
        call()
        return "OK"
    except Exception as e:  # noqa: BLE001 — every failure is a data point
        return getattr(e, "response", {}).get("Error", {}).get("Code") or type(e).__name__


def legit_worker(endpoint, key, secret, interval, ready, halt, queue):
    bind_source(LEGIT_SOURCE)
    import boto3
    kw = boto_kwargs(endpoint, key, secret, retries={"mode": "standard", "max_attempts": 1})
    calls, records = [boto3.client("sts", **kw).get_caller_identity, boto3.client("iam", **kw).get_user], []
    for call in calls:  # warm-up: connections, client caches
        outcome(call)
    try:  # keep the abusers' use of this shared core out of the legitimate client's latency
        os.sched_setscheduler(0, os.SCHED_FIFO, os.sched_param(1))
    except OSError:
        pass
    ready.set()
    while not halt.is_set():
        started = time.monotonic()
        records.append((started, outcome(calls[len(records) % 2]), time.monotonic() - started))
        halt.wait(interval)
    queue.put(records)


class Legit:
    """The legitimate boto3 client in its own process (core 1, connections from 127.0.0.2):
    GetCallerIdentity and GetUser in turn, a pause of `interval` s between calls, no retries."""

    def __init__(self, endpoint, key, secret, interval):
        self.queue, ready, self.halt = mp.Queue(), mp.Event(), mp.Event()
        self.proc = mp.Process(target=legit_worker, args=(endpoint, key, secret, interval, ready, self.halt, self.queue))
        self.proc.start()
        ready.wait(60)

    def stop(self):
        self.halt.set()
        self.records = self.queue.get(timeout=60)
        self.proc.join()

    def summary(self, start=0.0, end=float("inf")):
        chosen = [r for r in self.records if start <= r[0] < end]
        ok = [r[2] * 1000 for r in chosen if r[1] == "OK"]
        return {"calls": len(chosen), "success_rate": round(len(ok) / len(chosen), 4) if chosen else None,
                "codes": dict(Counter(r[1] for r in chosen)), "p50_ms": quantile(ok, 0.5), "p99_ms": quantile(ok, 0.99)}


# ---------------------------------------------------------------- scenarios
def scenario_flood(server, args):
    legit, t_idle = Legit(server.endpoint, KEY_ID, SECRET, args.legit_interval), time.monotonic()
    disk_idle = disk(server.data_dir) if server.data_dir else None
    time.sleep(args.idle_seconds)
    rss_before, disk_before = rss_mb(server.pid), disk(server.data_dir) if server.data_dir else None
    stop_sampling, t_flood = sampler(server.pid), time.monotonic()
    flood = run_flood(server.port, made_up_key(), secrets.token_urlsafe(30), args.flood_seconds,
                      args.flood_workers, args.flood_connections)
    t_end = time.monotonic()
    legit.stop()
    time.sleep(1)  # let the audit writer settle
    idle, during = legit.summary(t_idle, t_flood), legit.summary(t_flood, t_end)
    ratio = round(during["p50_ms"] / idle["p50_ms"], 2) if during["p50_ms"] and idle["p50_ms"] else None
    result = {"flood": flood, "legit_idle": idle, "legit_flood": during, "p50_ratio": ratio,
              "rss_mb": {"before": rss_before, "after": rss_mb(server.pid), **stop_sampling()}}
    if server.data_dir:
        after = disk(server.data_dir)
        result["disk_growth_mb"] = {k: round((after[k] - disk_before[k]) / MB, 2) for k in after}
        result["disk_after_mb"] = {k: round(v / MB, 2) for k, v in after.items()}
        result["disk_growth_mb_per_min"] = round(result["disk_growth_mb"]["total"] * 60 / args.flood_seconds, 2)
        result["disk_growth_mb_per_min_idle"] = round((disk_before["total"] - disk_idle["total"]) / MB * 60
                                                      / (t_flood - t_idle), 2)  # the legitimate client's share
        result["targets"] = {  # per minute: extrapolated linearly from shorter floods; net of the legit share
            "flood_disk_growth_under_10mb_per_min":
                result["disk_growth_mb_per_min"] - result["disk_growth_mb_per_min_idle"] < 10,
            "legit_p50_within_2x": ratio is not None and ratio <= 2,
            "legit_success_99pct": (during["success_rate"] or 0) >= 0.99}
    return result


def scenario_halfopen(server, args):
    """Half-open connections, as many as the hard RLIMIT_NOFILE allows up to --halfopen, opened
    non-blocking in batches; each socket's fate is watched until header timeout + 5 s after
    the last connect was issued. Meanwhile a prober opens a new connection from 127.0.0.2 every
    0.2 s (GET /_warden/health): the kept-alive legitimate client alone would not show whether
    newcomers still get in."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    target, sel = min(args.halfopen, hard - 100), selectors.DefaultSelector()
    legit, stop_sampling = Legit(server.endpoint, KEY_ID, SECRET, args.legit_interval), sampler(server.pid)
    rss_before, t_start, issued, end = rss_mb(server.pid), time.monotonic(), 0, None
    sockets, errors, answers, fresh, halt = [], Counter(), Counter(), Counter(), threading.Event()

    def probe():
        while not halt.wait(0.2):
            try:
                with socket.create_connection(("127.0.0.1", server.port), 2, (LEGIT_SOURCE, 0)) as c:
                    c.sendall(b"GET /_warden/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                    fresh[c.recv(4096)[:12].decode(errors="replace") or "closed"] += 1
            except OSError as e:
                fresh[type(e).__name__] += 1

    prober = threading.Thread(target=probe, daemon=True)
    prober.start()
    while end is None or time.monotonic() < end:
        for _ in range(min(500, target - issued)):
            s = socket.socket()
            s.setblocking(False)
            source = issued % args.halfopen_sources
            s.bind(("127.0.0.1" if args.halfopen_sources == 1 else f"127.0.{1 + source // 200}.{10 + source % 200}", 0))
            err, issued = s.connect_ex(("127.0.0.1", server.port)), issued + 1
            if err in (0, errno.EINPROGRESS):
                sockets.append(st := {"sock": s, "state": "connecting"})
                sel.register(s, selectors.EVENT_WRITE, st)
            else:
                errors[os.strerror(err)] += 1
                s.close()
        if issued == target and end is None:
            connect_phase_s, end = time.monotonic() - t_start, time.monotonic() + args.header_timeout + 5
        for key, _ in sel.select(0.05):
            s, st, now = key.fileobj, key.data, time.monotonic()
            if st["state"] == "connecting":
                try:
                    if err := s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR):
                        raise OSError(err, os.strerror(err))
                    s.send(b"POST / HTTP/1.1\r\nHost: x\r\n")
                    st.update(state="open", sent=now)
                    sel.modify(s, selectors.EVENT_READ, st)
                except OSError as e:
                    errors[e.strerror or str(e)] += 1
                    st["state"] = "failed"
                    sel.unregister(s)
                    s.close()
                continue
            try:
                data, how = s.recv(4096), "eof"
            except OSError:
                data, how = b"", "rst"
            if data:  # an answer (e.g. 408, 503) before the close
                answers[data.split(b"\r\n")[0].decode(errors="replace")] += 1
                continue
            st.update(state="closed", how=how, after=now - st["sent"])
            sel.unregister(s)
            s.close()
    now = time.monotonic()
    closed = [st for st in sockets if st["state"] == "closed"]
    still_open = [st for st in sockets if st["state"] == "open"]
    later = [st["after"] for st in closed if st["after"] >= 1]
    result = {"rlimit_nofile": [soft, hard], "attempted": target, "connect_phase_s": round(connect_phase_s, 1),
              "connect_failed": sum(errors.values()), "connect_errors": dict(errors),
              "connect_pending": sum(st["state"] == "connecting" for st in sockets),
              "sent_head": len(closed) + len(still_open), "closed_within_1s": len(closed) - len(later),
              "closed_later": len(later), "closed_later_median_s": quantile(later, 0.5),
              "closed_by_rst": sum(st["how"] == "rst" for st in closed), "answers_seen": dict(answers),
              "open_at_end": len(still_open),
              "open_past_header_timeout": sum(now - st["sent"] > args.header_timeout + 2 for st in still_open)}
    for st in sockets:
        if st["state"] in ("open", "connecting"):
            st["sock"].close()
    legit.stop()
    halt.set()
    prober.join()
    result.update(server={"rss_mb_before": rss_before, **stop_sampling()}, legit=legit.summary(),
                  fresh_connections=dict(fresh))
    result["targets"] = {"none_open_past_header_timeout": result["open_past_header_timeout"] == 0,
                         "legit_success_99pct": (result["legit"]["success_rate"] or 0) >= 0.99,
                         "fresh_connections_99pct": fresh["HTTP/1.1 200"] >= 0.99 * sum(fresh.values())}
    return result


def scenario_guess(server, args):
    import boto3
    iam = boto3.client("iam", **boto_kwargs(server.endpoint, KEY_ID, SECRET))
    iam.create_user(UserName="victim")
    iam.put_user_policy(UserName="victim", PolicyName="self", PolicyDocument=json.dumps({"Version": "2012-10-17",
                        "Statement": [{"Effect": "Allow", "Action": "iam:GetUser",
                                       "Resource": f"arn:aws:iam::{ACCOUNT}:user/victim"}]}))
    key = iam.create_access_key(UserName="victim")["AccessKey"]
    key_id, secret = key["AccessKeyId"], key["SecretAccessKey"]
    legit, t0 = Legit(server.endpoint, key_id, secret, args.legit_interval), time.monotonic()
    guesses = run_flood(server.port, key_id, None, args.guess_seconds, args.guess_workers, args.guess_connections,
                        guess=True, spread=args.guess_spread)
    t1 = time.monotonic()
    legit.stop()
    # Recovery: the right secret from the guesser's own address, with the SDK's standard retries.
    sts = boto3.client("sts", **boto_kwargs(server.endpoint, key_id, secret, retries={"mode": "standard"}))
    recovery = []
    for _ in range(5):
        started = time.monotonic()
        recovery.append({"code": outcome(sts.get_caller_identity), "ms": round((time.monotonic() - started) * 1000, 1)})
    during = legit.summary(t0, t1)
    return {"guesses": guesses, "legit_during": during, "recovery": recovery,
            "targets": {"throttled": any("Throttling" in k for k in guesses["mix"]),
                        "legit_success_99pct": (during["success_rate"] or 0) >= 0.99,
                        "recovered": all(r["code"] == "OK" for r in recovery)}}


# ---------------------------------------------------------------- report
def show(name, result):
    print(f"\n== {name}")
    for key, value in result.items():
        if key == "metrics":
            print("metrics:\n  " + "\n  ".join(value))
        elif key == "targets":
            print("targets: " + ", ".join(f"{t} {'PASS' if ok else 'FAIL'}" for t, ok in value.items()))
        elif isinstance(value, dict) and "timeline" in value:
            print(f"{key}: {json.dumps({k: v for k, v in value.items() if k != 'timeline'})}")
            for second, mix in list(value["timeline"].items())[:12]:
                print(f"  t={second:>2}s {json.dumps(mix)}")
        else:
            print(f"{key}: {json.dumps(value)}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scenario", choices=["flood", "halfopen", "guess", "peer", "all"], default="all")
    parser.add_argument("--flood-seconds", type=float, default=60.0)
    parser.add_argument("--idle-seconds", type=float, default=10.0)
    parser.add_argument("--flood-workers", type=int, default=2, help="abuser processes")
    parser.add_argument("--flood-connections", type=int, default=16, help="keep-alive connections in all")
    parser.add_argument("--halfopen", type=int, default=20000, help="half-open connections to open")
    parser.add_argument("--halfopen-sources", type=int, default=1,
                        help="spread them over this many addresses (127.0.1.10, .11, …) to reach the global cap")
    parser.add_argument("--header-timeout", type=float, default=None,
                        help="seconds the server waits for a head (default: from --warden-args, else 10)")
    parser.add_argument("--guess-seconds", type=float, default=10.0)
    parser.add_argument("--guess-workers", type=int, default=1)
    parser.add_argument("--guess-connections", type=int, default=4)
    parser.add_argument("--guess-spread", action="store_true",
                        help="each guess worker from its own address (127.0.0.10, .11, …): the per-key limit's turn")
    parser.add_argument("--legit-interval", type=float, default=0.05, help="pause between legitimate calls (s)")
    parser.add_argument("--warden-args", default="", help='extra `warden serve` flags; write --warden-args="--max-connections 4096" (with =)')
    parser.add_argument("--no-build", action="store_true", help="use the binary already in the target dir")
    parser.add_argument("--json", type=Path, help="write the results here")
    args = parser.parse_args()
    extra = shlex.split(args.warden_args)
    if args.header_timeout is None:
        given = re.search(r"--header-timeout[= ](\S+)", args.warden_args)
        args.header_timeout = float(given.group(1)) if given else 10.0
    ensure_venv()
    warden = build(args.no_build)
    if (os.cpu_count() or 1) >= 2:
        os.sched_setaffinity(0, {CLIENT_CORE})  # clients on core 1; servers are pinned to core 0
    chosen = ["flood", "peer", "halfopen", "guess"] if args.scenario == "all" else [args.scenario]
    scenarios = {"flood": scenario_flood, "peer": scenario_flood, "halfopen": scenario_halfopen, "guess": scenario_guess}
    workdir, results = Path(tempfile.mkdtemp(prefix="warden-abuse-")), {}
    try:
        for name in chosen:
            print(f"-- {name} …", flush=True)
            server = start_moto(workdir) if name == "peer" else start_warden(warden, workdir, name, extra)
            try:
                results[name] = scenarios[name](server, args)
                if name != "peer":
                    results[name]["metrics"] = metrics(server)
            finally:
                server.stop()
            show(name if name != "peer" else "peer (moto, flood)", results[name])
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    if "flood" in results and "peer" in results:
        print("\n== flood, side by side: warden | moto")
        for part, field in (("legit_idle", "p50_ms"), ("legit_flood", "p50_ms"), ("legit_flood", "success_rate"),
                            ("flood", "answers_per_s"), ("rss_mb", "before"), ("rss_mb", "after")):
            print(f"{part + '.' + field:26} {results['flood'][part][field]} | {results['peer'][part][field]}")
    if args.json:
        results["config"] = {k: str(v) for k, v in vars(args).items()}
        args.json.write_text(json.dumps(results, indent=2, default=str))
        print(f"\nresults written to {args.json}")


if __name__ == "__main__":
    main()
