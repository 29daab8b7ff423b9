#!/usr/bin/env python3
"""The account's own reports over an account of 10,000 IAM users, against Warden and against
moto's server in the same run: GetAccountSummary's latency and how long a client waits for a
complete credential report (GenerateCredentialReport, then GetCredentialReport until the report
is there), issue #14.

The account (the same in both servers, written before any timing and not timed, by --clients
concurrent raw-signed client processes, as bench/authorization_details.py provisions; a write the
server fails with a 5xx is tried again, up to three times, and counted):
- 10,000 users (--users), each with one access key (CreateAccessKey);
- every tenth user also with a console password (CreateLoginProfile, 'Bench-Passw0rd!');
- every twentieth user in one of 25 groups (--groups).

Timed, per round and server: --summary-calls (20) GetAccountSummary calls one after another
(each call's latency), then a full credential report: the client's wall time from sending
GenerateCredentialReport to the last byte of the GetCredentialReport answer that holds the report
(GetCredentialReport is repeated, without pause, while it answers ReportInProgress or
ReportNotPresent; the tries are counted), then the same again (a second GenerateCredentialReport
within the report's lifetime: Warden answers COMPLETE from the report it keeps; reported apart).

Warden keeps a report for four hours, in memory (as AWS does), so that a second
GenerateCredentialReport answers COMPLETE without building it again; to time a report's
generation in every round, Warden is restarted on the same data dir before each round (not
timed; the restart's time to the first answer is shown). moto's server keeps its account in
memory only (a restart would lose it), and needs none: its GenerateCredentialReport only sets a
flag (STARTED the first time, COMPLETE after) and every GetCredentialReport builds the CSV from
every user anew. So each round's report time is a full generation on both servers.

Reported per server: GetAccountSummary median (min–max) latency over every call of every round,
report time median (min–max) over the rounds, the report's rows and size (CSV bytes, answer bytes),
the server's CPU (per summary call and per report, from /proc/<pid>/stat), how busy both cores were
meanwhile (by any process) and the load average; the ratios Warden/moto (below 1: Warden is
faster; above 1: Warden is slower). Checked: both reports list every user and the root user
(10,001 rows; a report without a row is a mismatch, printed), GetAccountSummary's Users and
Groups counts, and, on Warden's CSV, the columns of a few users against what was provisioned
(arn, password_enabled, password_last_changed, mfa_active, access key 1 active and rotated
during provisioning, never used, no second key).

Both servers run side by side for the whole run (as in bench/load.py), each pinned to core 0
(Warden with one runtime worker, audited unless --warden-args="--no-audit"); the client runs on
core 1. Rounds alternate which server goes first.

Usage: python3 bench/account_reports.py [--rounds 3] [--users 10000] [--groups 25]
           [--summary-calls 20] [--clients 8] [--warden-bin PATH | --no-build] [--skip-moto]
           [--json out.json] [--warden-args="--no-audit"]
Installs moto[server] and boto3 into bench/.venv and re-runs itself there; unless --warden-bin
or --no-build, builds with `cargo build --release -p warden` (into $CARGO_TARGET_DIR, default
target/) and runs the release binary from there.
"""

import argparse
import csv
import io
import json
import os
import re
import shlex
import shutil
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from abuse import ACCOUNT, CLIENT_CORE, rss_mb, start_moto, start_warden  # noqa: E402
from authorization_details import provision  # noqa: E402
from provision import core_times, core_use, cpu_seconds, ensure_venv, raw_caller, spread, warden_binary  # noqa: E402

PASSWORD = "Bench-Passw0rd!"
WAITING = ("ReportInProgress", "ReportNotPresent")


def user_name(i):
    return f"bench-user-{i:05d}"


def plan(args):
    """The writes that build the account, in phases (groups, then users), each entity the list
    of its writes, made one after another by one client."""
    groups = [[("CreateGroup", {"GroupName": f"bench-group-{g:02d}"})] for g in range(args.groups)]
    users = []
    for i in range(args.users):
        name = user_name(i)
        calls = [("CreateUser", {"UserName": name}), ("CreateAccessKey", {"UserName": name})]
        if i % 10 == 0:
            calls.append(("CreateLoginProfile", {"UserName": name, "Password": PASSWORD}))
        if i % 20 == 0 and args.groups:
            calls.append(("AddUserToGroup", {"UserName": name, "GroupName": f"bench-group-{(i // 20) % args.groups:02d}"}))
        users.append(calls)
    return [groups, users]


def summary_map(body):
    return {k.decode(): int(v) for k, v in re.findall(rb"<key>(\w+)</key>\s*<value>(-?\d+)</value>", body)}


def parse_report(body):
    """The CSV of a GetCredentialReport answer, as boto3 would see it (Content is base64)."""
    from botocore.parsers import create_parser
    from botocore.session import get_session
    shape = get_session().get_service_model("iam").operation_model("GetCredentialReport").output_shape
    page = create_parser("query").parse({"body": body, "headers": {}, "status_code": 200}, shape)
    content = page.get("Content", b"")
    return content.decode() if isinstance(content, bytes) else content


def full_report(call, stats):
    """Generate, then get until the report is there: wall ms, the Generate answer's State, the
    GetCredentialReport tries and the answer's body."""
    started = time.perf_counter()
    result = call("GenerateCredentialReport", {})
    if result != "OK":
        raise RuntimeError(f"GenerateCredentialReport: {result}: {stats['body'][:300]!r}")
    state = re.search(rb"<State>(\w+)</State>", stats["body"])
    tries = 0
    while True:
        tries += 1
        result = call("GetCredentialReport", {})
        if result == "OK":
            break
        if not any(w in result for w in WAITING) or tries > 100_000:
            raise RuntimeError(f"GetCredentialReport (try {tries}): {result}: {stats['body'][:300]!r}")
    ms = (time.perf_counter() - started) * 1000
    return {"ms": ms, "state": state.group(1).decode() if state else None, "tries": tries, "body": stats["body"]}


def measure(server, args):
    """One round against one server: the summary calls, then two full reports."""
    call, stats = raw_caller(server.endpoint, timeout=600)
    call("ListUsers", {"MaxItems": "1"})  # warm-up: the connection
    done, cores, load = {}, core_times(), os.getloadavg()[0]
    latencies, cpu0 = [], sum(cpu_seconds(server.pid))
    for _ in range(args.summary_calls):
        t0 = time.perf_counter()
        result = call("GetAccountSummary", {})
        latencies.append((time.perf_counter() - t0) * 1000)
        if result != "OK":
            raise RuntimeError(f"GetAccountSummary: {result}: {stats['body'][:300]!r}")
    done["summary_cpu_ms"] = (sum(cpu_seconds(server.pid)) - cpu0) * 1000 / args.summary_calls
    done["summary_ms"], done["summary"] = latencies, summary_map(stats["body"])
    cpu0 = sum(cpu_seconds(server.pid))
    first = full_report(call, stats)
    first["server_cpu_ms"] = (sum(cpu_seconds(server.pid)) - cpu0) * 1000
    cpu0 = sum(cpu_seconds(server.pid))
    again = full_report(call, stats)
    again["server_cpu_ms"] = (sum(cpu_seconds(server.pid)) - cpu0) * 1000
    done["cores"], done["loadavg"] = core_use(cores, core_times()), [load, os.getloadavg()[0]]
    done["rss_mb"] = rss_mb(server.pid)
    # checked after the clock
    for r in (first, again):
        r["bytes"] = len(r["body"])
        r["csv"] = parse_report(r.pop("body"))
        r["csv_bytes"] = len(r["csv"].encode())
        r["rows"] = list(csv.DictReader(io.StringIO(r["csv"])))
    done["report"], done["again"] = first, again
    return done


def check(kind, done, args, window):
    """What differs from what was provisioned: rows, GetAccountSummary counts and (Warden) a
    few users' columns."""
    wrong, rows = [], done["report"]["rows"]
    names = [r.get("user") for r in rows]
    want_rows = args.users + 1
    if len(rows) != want_rows:
        wrong.append(f"{len(rows):,} rows (expected {want_rows:,}: every user and the root user)")
    if not names or names[0] != "<root_account>":
        wrong.append(f"first row is {names[0] if names else None!r}, not <root_account>")
    missing = {user_name(i) for i in range(args.users)} - set(names)
    if missing:
        wrong.append(f"{len(missing):,} users without a row (e.g. {sorted(missing)[:3]})")
    if done["again"]["rows"] != rows:
        wrong.append("the second report differs from the first")
    s = done["summary"]
    if s.get("Users") != args.users:
        wrong.append(f"GetAccountSummary Users {s.get('Users')} (expected {args.users:,})")
    if s.get("Groups") != args.groups:
        wrong.append(f"GetAccountSummary Groups {s.get('Groups')} (expected {args.groups})")
    if kind != "warden":
        return wrong
    by_name = {r["user"]: r for r in rows}
    lo, hi = window

    def when(value):
        return datetime.fromisoformat(value).timestamp()

    for i in (0, 1, 10, 20, 4321, args.users - 1):
        if i >= args.users:
            continue
        name, r = user_name(i), by_name.get(user_name(i))
        if r is None:
            continue
        expect = {"arn": f"arn:aws:iam::{ACCOUNT}:user/{name}", "password_enabled": str(i % 10 == 0).lower(),
                  "mfa_active": "false", "access_key_1_active": "true", "access_key_1_last_used_date": "N/A",
                  "access_key_2_active": "false", "access_key_2_last_rotated": "N/A", "cert_1_active": "false"}
        if i % 10:
            expect.update(password_last_changed="N/A", password_last_used="N/A")
        else:
            expect.update(password_last_used="no_information")
        for column, value in expect.items():
            if r.get(column) != value:
                wrong.append(f"{name}: {column} {r.get(column)!r} (expected {value!r})")
        stamps = ["user_creation_time", "access_key_1_last_rotated"] + (["password_last_changed"] if i % 10 == 0 else [])
        for column in stamps:
            try:
                t = when(r[column])
            except (KeyError, ValueError):
                wrong.append(f"{name}: {column} {r.get(column)!r} is not a date")
                continue
            if not lo - 2 <= t <= hi + 2:
                wrong.append(f"{name}: {column} {r[column]} outside provisioning")
    return wrong


def show(kind, done, restart_s):
    rep, again = done["report"], done["again"]
    print(f"  {kind:6} GetAccountSummary {spread(done['summary_ms'], '{:,.2f}')} ms over {len(done['summary_ms'])} calls, "
          f"server CPU {done['summary_cpu_ms']:,.2f} ms per call; Users {done['summary'].get('Users')}, "
          f"Groups {done['summary'].get('Groups')}", flush=True)
    print(f"         report {rep['ms']:,.0f} ms (Generate said {rep['state']}, {rep['tries']} GetCredentialReport "
          f"tries), server CPU {rep['server_cpu_ms']:,.0f} ms, {len(rep['rows']):,} rows, {rep['csv_bytes']:,} CSV bytes "
          f"({rep['bytes']:,} answer bytes); again {again['ms']:,.0f} ms (said {again['state']}, "
          f"server CPU {again['server_cpu_ms']:,.0f} ms); RSS {done['rss_mb']} MB"
          + (f"; restart to first answer {restart_s:.2f} s (not timed)" if restart_s is not None else ""), flush=True)
    print("         cores busy meanwhile (any process): " + ", ".join(
        f"core {k} {100 * v['busy']:.0f} % (steal {100 * v['steal']:.0f} %)" for k, v in done["cores"].items())
          + f"; load average {done['loadavg'][0]:.1f} before, {done['loadavg'][1]:.1f} after", flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=10_000)
    parser.add_argument("--groups", type=int, default=25)
    parser.add_argument("--clients", type=int, default=8, help="concurrent provisioning processes")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--summary-calls", type=int, default=20, help="GetAccountSummary calls per server per round")
    parser.add_argument("--warden-bin", help="use this binary (no build)")
    parser.add_argument("--no-build", action="store_true", help="use the release binary already built")
    parser.add_argument("--skip-moto", action="store_true")
    parser.add_argument("--warden-args", default="", help='extra `warden serve` flags; write --warden-args="--no-audit" (with =)')
    parser.add_argument("--json", type=Path, help="write the results here")
    args = parser.parse_args()
    ensure_venv(__file__)
    binary = warden_binary(args)
    if not binary.exists():
        sys.exit(f"no Warden binary at {binary}")
    if (os.cpu_count() or 1) >= 2:
        os.sched_setaffinity(0, {CLIENT_CORE})  # clients on core 1 (inherited); servers are pinned to core 0
    phases = plan(args)
    writes = sum(len(e) for p in phases for e in p)
    print(f"account reports: {args.users:,} users with one access key each, {len(range(0, args.users, 10)):,} with a "
          f"login profile, {len(range(0, args.users, 20)):,} in {args.groups} groups ({writes:,} writes); "
          f"{args.summary_calls} GetAccountSummary calls and 2 reports x {args.rounds} round(s); "
          f"Warden {binary} {args.warden_args}".rstrip(), flush=True)
    kinds = ["warden"] if args.skip_moto else ["warden", "moto"]
    extra = shlex.split(args.warden_args)
    results = {"config": {k: str(v) for k, v in vars(args).items()}, "provision": {}, "rounds": []}
    workdir = Path(tempfile.mkdtemp(prefix="warden-reports-"))
    servers, windows = {}, {}
    try:
        for kind in kinds:
            servers[kind] = start_warden(binary, workdir, "warden", extra) if kind == "warden" else start_moto(workdir)
            lo = time.time()
            p = results["provision"][kind] = provision(servers[kind].endpoint, phases, args.clients)
            windows[kind] = (lo, time.time())
            print(f"  provisioned {kind}: {p['writes']:,} writes in {p['wall_s']} s (not timed below), "
                  f"errors {sum(p['errors'].values())}{' ' + json.dumps(p['errors']) if p['errors'] else ''}, "
                  f"retried {sum(p['retried'].values())}{' ' + json.dumps(p['retried']) if p['retried'] else ''}",
                  flush=True)
        for round_no in range(args.rounds):
            print(f"round {round_no + 1}/{args.rounds}", flush=True)
            this, restart_s = {}, None
            if "warden" in servers:  # a fresh process on the same data: no report kept
                servers["warden"].stop()
                t0 = time.monotonic()
                servers["warden"] = start_warden(binary, workdir, "warden", extra)
                restart_s = time.monotonic() - t0
            for kind in (kinds if round_no % 2 == 0 else kinds[::-1]):  # alternate which server goes first
                this[kind] = measure(servers[kind], args)
                this[kind]["restart_s"] = restart_s if kind == "warden" else None
                show(kind, this[kind], this[kind]["restart_s"])
                this[kind]["wrong"] = check(kind, this[kind], args, windows[kind])
                for what in this[kind]["wrong"]:
                    print(f"         MISMATCH: {what}", flush=True)
                if round_no == 0:
                    row = next((r for r in this[kind]["report"]["rows"] if r.get("user") == user_name(0)), None)
                    print(f"         {user_name(0)}'s row: {','.join(row.values()) if row else None}", flush=True)
            if "moto" in this:
                this["summary_ratio"] = (statistics.median(this["warden"]["summary_ms"])
                                         / statistics.median(this["moto"]["summary_ms"]))
                this["report_ratio"] = this["warden"]["report"]["ms"] / this["moto"]["report"]["ms"]
                this["report_cpu_ratio"] = (this["warden"]["report"]["server_cpu_ms"] / this["moto"]["report"]["server_cpu_ms"]
                                            if this["moto"]["report"]["server_cpu_ms"] else None)
                print(f"  ratio Warden/moto: GetAccountSummary {this['summary_ratio']:.3f}, report {this['report_ratio']:.3f}, "
                      f"report server CPU {this['report_cpu_ratio'] or float('nan'):.3f} (below 1: Warden is faster)",
                      flush=True)
            results["rounds"].append(this)
    finally:
        for server in servers.values():
            server.stop()
        shutil.rmtree(workdir, ignore_errors=True)
    rounds = results["rounds"]
    print(f"\nsummary: median (min–max) over {len(rounds)} round(s), {args.users:,} users")
    summary = {}
    for kind in kinds:
        calls = [ms for r in rounds for ms in r[kind]["summary_ms"]]
        reports = [r[kind]["report"] for r in rounds]
        agains = [r[kind]["again"] for r in rounds]
        first = reports[0]
        summary[kind] = {
            "summary_ms": round(statistics.median(calls), 3), "summary_ms_min": round(min(calls), 3),
            "summary_ms_max": round(max(calls), 3),
            "summary_cpu_ms": round(statistics.median(r[kind]["summary_cpu_ms"] for r in rounds), 3),
            "report_ms": round(statistics.median(x["ms"] for x in reports), 1),
            "report_ms_min": round(min(x["ms"] for x in reports), 1), "report_ms_max": round(max(x["ms"] for x in reports), 1),
            "report_cpu_ms": round(statistics.median(x["server_cpu_ms"] for x in reports), 1),
            "again_ms": round(statistics.median(x["ms"] for x in agains), 1),
            "rows": len(first["rows"]), "csv_bytes": first["csv_bytes"], "bytes": first["bytes"],
            "states": [x["state"] for x in reports], "again_states": [x["state"] for x in agains],
            "wrong": sorted({w for r in rounds for w in r[kind]["wrong"]}),
        }
        s = summary[kind]
        print(f"  {kind:6} GetAccountSummary {spread(calls, '{:,.2f}')} ms (server CPU {s['summary_cpu_ms']:.2f} ms per "
              f"call); report {spread([x['ms'] for x in reports], '{:,.0f}')} ms (server CPU "
              f"{spread([x['server_cpu_ms'] for x in reports], '{:,.0f}')} ms), again (kept report) "
              f"{spread([x['ms'] for x in agains], '{:,.0f}')} ms; {s['rows']:,} rows, {s['csv_bytes']:,} CSV bytes, "
              f"{s['bytes']:,} answer bytes; Generate said {s['states']}, again {s['again_states']}")
        print(f"         complete and as provisioned: {'yes' if not s['wrong'] else 'NO: ' + '; '.join(s['wrong'])}")
    if "moto" in kinds:
        for key, label in (("summary_ratio", "GetAccountSummary latency"), ("report_ratio", "report time"),
                           ("report_cpu_ratio", "report server CPU")):
            values = [r[key] for r in rounds if r.get(key)]
            if values:
                summary[key] = round(statistics.median(values), 3)
                m = statistics.median(values)
                print(f"  ratio Warden/moto {label} (per round; below 1: Warden is faster) {spread(values, '{:.3f}')}"
                      + (f" (moto {1 / m:.1f}x slower)" if m < 1 else f" (Warden {m:.1f}x slower)"))
    results["summary"] = summary
    if args.json:
        for r in rounds:
            for kind in kinds:
                for key in ("report", "again"):
                    r[kind][key].pop("csv", None)
                    r[kind][key]["rows"] = len(r[kind][key]["rows"])
        args.json.write_text(json.dumps(results, indent=2, default=str))
        print(f"\nresults written to {args.json}")


if __name__ == "__main__":
    main()
