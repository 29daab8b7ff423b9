#!/usr/bin/env python3
"""GetAccountAuthorizationDetails (GAAD) over an account of 10,000 IAM entities, against Warden
and against moto's server in the same run: how long a client takes to read the whole account.

The account (the same in both servers, written before any timing and not timed, by --clients
concurrent raw-signed client processes as bench/provision.py's raw driver sends them; a write
the server fails with a 5xx is tried again, up to three times, and counted):
- 1,500 customer managed policies (--policies; one version each);
- 500 groups (--groups), each with one inline policy and one attached managed policy;
- 5,000 users (--users), each with one inline policy; every second user in one group (5 per
  group), every fifth user with one attached managed policy;
- 3,000 roles (--roles), each with a trust policy (the EC2 service), one inline policy and
  one attached managed policy.
10,000 entities in all; no AWS managed policy is used (moto's server loads none by default).

Timed: a full walk, unfiltered, MaxItems=1000 (--max-items; AWS's maximum), following Marker until
IsTruncated is false, --walks times per round (5), then one walk per Filter value (User, Role,
Group, LocalManagedPolicy; --no-filters skips them). A walk's time is the client's wall time
from the first request to the last byte of the last answer (signing, sending, reading; the
raw driver, so that the server is what is measured); answers are parsed after the clock
stops, with botocore's own parser (what boto3 would see), on the first walk of each kind per
round. Reported per server: median walk time (min–max over every walk of every round), pages,
entities returned per list (UserDetailList, GroupDetailList, RoleDetailList, Policies) and their
inline policies, group memberships and attachments, response bytes, server CPU per walk, each
page's time, how busy both cores were meanwhile (by any process: a shared machine shows here)
and the load average, and the ratios Warden/moto of the median walk time and of the server's
CPU per walk (below 1: Warden is faster; above 1: Warden is slower).
Every answer is checked against what was provisioned and the two servers against each other
(counts and names); each mismatch is printed. moto's server answers everything in one page
(it ignores MaxItems and Marker); Warden pages as AWS does.

Both servers run side by side for the whole run (as in bench/load.py), each pinned to core 0
(Warden with one runtime worker, fresh data dir, audited unless --warden-args="--no-audit");
the clients run on core 1. Rounds alternate which server is walked first; walk times are the
median (min–max) of every walk of every round, the ratio the median (min–max) of the rounds'.

Usage: python3 bench/authorization_details.py [--rounds 3] [--walks 5] [--max-items 1000]
           [--users 5000 --groups 500 --roles 3000 --policies 1500] [--clients 8]
           [--warden-bin PATH | --no-build] [--skip-moto] [--no-filters] [--json out.json]
           [--warden-args="--no-audit"]
Installs moto[server] and boto3 into bench/.venv and re-runs itself there; unless --warden-bin
or --no-build, builds with `cargo build --release -p warden` (into $CARGO_TARGET_DIR, default
target/) and runs the release binary from there.
"""

import argparse
import html
import json
import os
import re
import shlex
import shutil
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from abuse import ACCOUNT, CLIENT_CORE, rss_mb, start_moto, start_warden  # noqa: E402
from provision import (CTX, core_times, core_use, cpu_seconds, ensure_venv, raw_caller, spread,  # noqa: E402
                       warden_binary)

ACTION = "GetAccountAuthorizationDetails"
FILTERS = ("User", "Role", "Group", "LocalManagedPolicy")
LISTS = ("UserDetailList", "GroupDetailList", "RoleDetailList", "Policies")
NAME_OF = {"UserDetailList": "UserName", "GroupDetailList": "GroupName", "RoleDetailList": "RoleName",
           "Policies": "Arn"}  # moto's Policies members have no PolicyName


# ---------------------------------------------------------------- the account
def document(action, resource):
    return json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": action, "Resource": resource}]})


TRUST = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]})


def policy_arn(i):
    return f"arn:aws:iam::{ACCOUNT}:policy/bench-policy-{i:05d}"


def plan(args):
    """The writes that build the account, in phases (a phase needs the one before it: policies,
    then groups, then users and roles); each phase is a list of entities, each entity the list
    of its writes (Query-protocol parameters), made one after another by one client. Also the
    counts a complete GAAD answer holds."""
    policies = [[("CreatePolicy", {"PolicyName": f"bench-policy-{i:05d}",
                                   "PolicyDocument": document("s3:GetObject", f"arn:aws:s3:::bench-bucket-{i}/*")})]
                for i in range(args.policies)]
    groups = []
    for i in range(args.groups):
        name = f"bench-group-{i:04d}"
        groups.append([("CreateGroup", {"GroupName": name}),
                       ("PutGroupPolicy", {"GroupName": name, "PolicyName": "group-read",
                                           "PolicyDocument": document("iam:GetGroup", f"arn:aws:iam::{ACCOUNT}:group/{name}")}),
                       ("AttachGroupPolicy", {"GroupName": name, "PolicyArn": policy_arn(i % args.policies)})])
    users, roles, memberships, user_attached = [], [], 0, 0
    for i in range(args.users):
        name = f"bench-user-{i:05d}"
        calls = [("CreateUser", {"UserName": name}),
                 ("PutUserPolicy", {"UserName": name, "PolicyName": "read-self",
                                    "PolicyDocument": document("iam:GetUser", f"arn:aws:iam::{ACCOUNT}:user/{name}")})]
        if i % 2 == 0 and args.groups:
            calls.append(("AddUserToGroup", {"UserName": name, "GroupName": f"bench-group-{(i // 2) % args.groups:04d}"}))
            memberships += 1
        if i % 5 == 0:
            calls.append(("AttachUserPolicy", {"UserName": name, "PolicyArn": policy_arn((args.groups + i // 5) % args.policies)}))
            user_attached += 1
        users.append(calls)
    for i in range(args.roles):
        name = f"bench-role-{i:04d}"
        roles.append([("CreateRole", {"RoleName": name, "AssumeRolePolicyDocument": TRUST}),
                      ("PutRolePolicy", {"RoleName": name, "PolicyName": "role-read",
                                         "PolicyDocument": document("iam:GetRole", f"arn:aws:iam::{ACCOUNT}:role/{name}")}),
                      ("AttachRolePolicy", {"RoleName": name, "PolicyArn": policy_arn(i % args.policies)})])
    # users and roles interleaved, so that every client gets both kinds
    mixed = [entity for pair in zip(users, roles) for entity in pair] + users[len(roles):] + roles[len(users):]
    expected = {
        "UserDetailList": args.users, "GroupDetailList": args.groups, "RoleDetailList": args.roles,
        "Policies": args.policies, "user inline policies": args.users, "user group memberships": memberships,
        "user attached policies": user_attached, "group inline policies": args.groups,
        "group attached policies": args.groups, "role inline policies": args.roles,
        "role attached policies": args.roles, "policy versions": args.policies,
        "policy AttachmentCount sum": user_attached + args.groups + args.roles,
    }
    return [policies, groups, mixed], expected


_CALL = None  # each provisioning process's raw caller


def _start_client(endpoint):
    global _CALL
    _CALL = raw_caller(endpoint, timeout=60)[0]


def _write(entity):
    """One entity's writes, in order. A write the server failed (HTTP 5xx, a dropped connection;
    moto's server answers an occasional 500 under concurrent writes) is tried again, up to
    three times in all, so that both accounts end up the same; EntityAlreadyExists on a second
    try means the first one took. Answers what failed for good, and the retries."""
    failed, retries = [], []
    for action, params in entity:
        for attempt in range(3):
            result = _CALL(action, params)
            if result == "OK" or (attempt and result == "HTTP 409 EntityAlreadyExists"):
                result = "OK"
                break
            if result.startswith("HTTP 4"):
                break  # the server refused it: retrying would not help
            retries.append(f"{action}: {result}")
        if result != "OK":
            failed.append(f"{action}: {result}")
    return failed, retries


def provision(endpoint, phases, clients):
    """Make every write of every phase with `clients` processes (on this process's core);
    answer the wall time, the writes made and every error by action and code."""
    errors, retried, writes, started = Counter(), Counter(), 0, time.monotonic()
    with CTX.Pool(clients, _start_client, (endpoint,)) as pool:
        for phase in phases:
            for failed, retries in pool.imap_unordered(_write, phase, chunksize=8):
                errors.update(failed)
                retried.update(retries)
            writes += sum(len(entity) for entity in phase)
    return {"wall_s": round(time.monotonic() - started, 2), "writes": writes, "errors": dict(errors.most_common()),
            "retried": dict(retried.most_common())}


# ---------------------------------------------------------------- the walks
def walk(call, stats, max_items, kind=None):
    """Every page of GAAD (one Filter value, or none), following Marker until IsTruncated is
    false: the walk's wall time, each page's time and the bodies (parsed later)."""
    bodies, page_ms, marker = [], [], None
    started = time.perf_counter()
    while True:
        params = {"MaxItems": str(max_items)}
        if marker is not None:
            params["Marker"] = marker
        if kind:
            params["Filter.member.1"] = kind
        t0 = time.perf_counter()
        result = call(ACTION, params)
        page_ms.append((time.perf_counter() - t0) * 1000)
        body = stats["body"]
        if result != "OK":
            raise RuntimeError(f"{ACTION} (page {len(bodies) + 1}, filter {kind}): {result}: {body[:300]!r}")
        bodies.append(body)
        tail = body[body.rfind(b"<IsTruncated>"):]
        if not tail.startswith(b"<IsTruncated>true"):
            break
        found = re.search(rb"<Marker>([^<]*)</Marker>", body)
        if not found:
            raise RuntimeError(f"{ACTION}: IsTruncated true without a Marker (page {len(bodies)})")
        marker = html.unescape(found.group(1).decode())
        if len(bodies) > 10_000:
            raise RuntimeError(f"{ACTION}: more than 10,000 pages; the Marker does not advance?")
    return {"ms": (time.perf_counter() - started) * 1000, "page_ms": page_ms, "bodies": bodies}


def tally(bodies):
    """What the pages hold, as boto3 would see them: entities per list, their inline policies,
    memberships and attachments, and the names in each list."""
    from botocore.parsers import create_parser
    from botocore.session import get_session
    shape = get_session().get_service_model("iam").operation_model(ACTION).output_shape
    parser, counts, names = create_parser("query"), Counter(), {k: set() for k in LISTS}
    for body in bodies:
        page = parser.parse({"body": body, "headers": {}, "status_code": 200}, shape)
        for key in LISTS:
            counts[key] += len(page.get(key, []))
            names[key].update(item.get(NAME_OF[key]) for item in page.get(key, []))
        for user in page.get("UserDetailList", []):
            counts["user inline policies"] += len(user.get("UserPolicyList", []))
            counts["user group memberships"] += len(user.get("GroupList", []))
            counts["user attached policies"] += len(user.get("AttachedManagedPolicies", []))
        for group in page.get("GroupDetailList", []):
            counts["group inline policies"] += len(group.get("GroupPolicyList", []))
            counts["group attached policies"] += len(group.get("AttachedManagedPolicies", []))
        for role in page.get("RoleDetailList", []):
            counts["role inline policies"] += len(role.get("RolePolicyList", []))
            counts["role attached policies"] += len(role.get("AttachedManagedPolicies", []))
        for policy in page.get("Policies", []):
            counts["policy versions"] += len(policy.get("PolicyVersionList", []))
            counts["policy AttachmentCount sum"] += policy.get("AttachmentCount", 0)
            counts["policies with a PolicyName"] += "PolicyName" in policy
    return dict(counts), names


def expected_for(expected, kind):
    """What a walk filtered to `kind` (None: unfiltered) holds."""
    keep = {"User": ("UserDetailList", "user "), "Group": ("GroupDetailList", "group "),
            "Role": ("RoleDetailList", "role "), "LocalManagedPolicy": ("Policies", "policy ")}
    if kind is None:
        return dict(expected)
    return {k: (v if k.startswith(keep[kind]) else 0) for k, v in expected.items()}


def walks(server, args, expected):
    """One round's walks against one server: --walks unfiltered, then one per Filter value."""
    call, stats = raw_caller(server.endpoint, timeout=600)
    call("ListUsers", {"MaxItems": "1"})  # warm-up: the connection
    done, cores, load = {"walks": [], "filters": {}}, core_times(), os.getloadavg()[0]
    for n in range(args.walks):
        cpu0 = sum(cpu_seconds(server.pid))
        w = walk(call, stats, args.max_items)
        w["server_cpu_ms"] = (sum(cpu_seconds(server.pid)) - cpu0) * 1000
        done["walks"].append(w)
    for kind in ([] if args.no_filters else FILTERS):
        cpu0 = sum(cpu_seconds(server.pid))
        w = walk(call, stats, args.max_items, kind)
        w["server_cpu_ms"] = (sum(cpu_seconds(server.pid)) - cpu0) * 1000
        done["filters"][kind] = w
    # checked after the clock: the first unfiltered walk and each filtered one
    first = done["walks"][0]
    first["counts"], first["names"] = tally(first["bodies"])
    for kind, w in done["filters"].items():
        w["counts"], w["names"] = tally(w["bodies"])
    for w in done["walks"] + list(done["filters"].values()):
        w["pages"], w["bytes"] = len(w["bodies"]), sum(len(b) for b in w["bodies"])
        del w["bodies"]
    done["cores"], done["loadavg"] = core_use(cores, core_times()), [load, os.getloadavg()[0]]
    done["rss_mb"] = rss_mb(server.pid)
    return done


def mismatches(counts, want):
    return [f"{k} {counts.get(k, 0):,} (expected {v:,})" for k, v in want.items() if counts.get(k, 0) != v]


def show(kind, done, expected):
    ws = done["walks"]
    times, cpu = [w["ms"] for w in ws], [w["server_cpu_ms"] for w in ws]
    pages = [p for w in ws for p in w["page_ms"]]
    first = ws[0]
    print(f"  {kind:6} walk {spread(times, '{:,.0f}')} ms over {len(ws)} walks, {first['pages']} page(s), "
          f"{first['bytes'] / 1e6:.2f} MB, server CPU {spread(cpu, '{:,.0f}')} ms per walk, RSS {done['rss_mb']} MB", flush=True)
    print("         cores busy during the walks (any process): " + ", ".join(
        f"core {k} {100 * v['busy']:.0f} % (steal {100 * v['steal']:.0f} %)" for k, v in done["cores"].items())
          + f"; load average {done['loadavg'][0]:.1f} before, {done['loadavg'][1]:.1f} after", flush=True)
    print(f"         page ms: median {statistics.median(pages):,.1f}, first pages "
          f"{', '.join(f'{p:,.0f}' for p in first['page_ms'][:3])}, last {first['page_ms'][-1]:,.0f}", flush=True)
    print("         returned: " + ", ".join(f"{k} {first['counts'].get(k, 0):,}" for k in expected), flush=True)
    for what in mismatches(first["counts"], expected):
        print(f"         MISMATCH (unfiltered): {what}", flush=True)
    for f, w in done["filters"].items():
        print(f"         Filter={f:18} {w['ms']:9,.0f} ms, {w['pages']} page(s), {w['bytes'] / 1e6:.2f} MB, "
              + ", ".join(f"{k} {w['counts'].get(k, 0):,}" for k in LISTS), flush=True)
        for what in mismatches(w["counts"], expected_for(expected, f)):
            print(f"         MISMATCH (Filter={f}): {what}", flush=True)


def compare(rounds):
    """Where the two servers' answers differ (counts and names), per walk checked."""
    said = []
    this = rounds[0]
    pairs = [("unfiltered", this["warden"]["walks"][0], this["moto"]["walks"][0])]
    pairs += [(f"Filter={f}", this["warden"]["filters"][f], this["moto"]["filters"][f]) for f in this["warden"]["filters"]]
    for label, w, m in pairs:
        for k in sorted(set(w["counts"]) | set(m["counts"])):
            if w["counts"].get(k, 0) != m["counts"].get(k, 0):
                said.append(f"{label}: {k}: Warden {w['counts'].get(k, 0):,}, moto {m['counts'].get(k, 0):,}")
        for k in LISTS:
            only_w, only_m = w["names"][k] - m["names"][k], m["names"][k] - w["names"][k]
            if only_w or only_m:
                said.append(f"{label}: {k} names: {len(only_w)} only in Warden (e.g. {sorted(map(str, only_w))[:3]}), "
                            f"{len(only_m)} only in moto (e.g. {sorted(map(str, only_m))[:3]})")
    return said


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=5000)
    parser.add_argument("--groups", type=int, default=500)
    parser.add_argument("--roles", type=int, default=3000)
    parser.add_argument("--policies", type=int, default=1500)
    parser.add_argument("--clients", type=int, default=8, help="concurrent provisioning processes")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--walks", type=int, default=5, help="unfiltered walks per server per round")
    parser.add_argument("--max-items", type=int, default=1000)
    parser.add_argument("--no-filters", action="store_true", help="skip the one-walk-per-Filter-value walks")
    parser.add_argument("--warden-bin", help="use this binary (no build)")
    parser.add_argument("--no-build", action="store_true", help="use the release binary already built")
    parser.add_argument("--skip-moto", action="store_true")
    parser.add_argument("--warden-args", default="", help='extra `warden serve` flags; write --warden-args="--no-audit" (with =)')
    parser.add_argument("--json", type=Path, help="write the results here")
    args = parser.parse_args()
    if args.policies < 1:
        parser.error("--policies must be at least 1 (groups, users and roles attach them)")
    ensure_venv(__file__)
    binary = warden_binary(args)
    if not binary.exists():
        sys.exit(f"no Warden binary at {binary}")
    if (os.cpu_count() or 1) >= 2:
        os.sched_setaffinity(0, {CLIENT_CORE})  # clients on core 1 (inherited); servers are pinned to core 0
    phases, expected = plan(args)
    entities = args.users + args.groups + args.roles + args.policies
    print(f"{ACTION}: {entities:,} entities ({args.users:,} users, {args.groups:,} groups, {args.roles:,} roles, "
          f"{args.policies:,} customer managed policies; {sum(len(e) for p in phases for e in p):,} writes), "
          f"MaxItems {args.max_items}, {args.walks} walks x {args.rounds} round(s); Warden {binary} {args.warden_args}".rstrip(),
          flush=True)
    kinds = ["warden"] if args.skip_moto else ["warden", "moto"]
    results = {"config": {k: str(v) for k, v in vars(args).items()}, "expected": expected, "provision": {}, "rounds": []}
    workdir = Path(tempfile.mkdtemp(prefix="warden-gaad-"))
    servers = {}
    try:
        for kind in kinds:
            servers[kind] = (start_warden(binary, workdir, "warden", shlex.split(args.warden_args)) if kind == "warden"
                             else start_moto(workdir))
            p = results["provision"][kind] = provision(servers[kind].endpoint, phases, args.clients)
            print(f"  provisioned {kind}: {p['writes']:,} writes in {p['wall_s']} s (not timed below), "
                  f"errors {sum(p['errors'].values())}{' ' + json.dumps(p['errors']) if p['errors'] else ''}, "
                  f"retried {sum(p['retried'].values())}{' ' + json.dumps(p['retried']) if p['retried'] else ''}",
                  flush=True)
        for round_no in range(args.rounds):
            print(f"round {round_no + 1}/{args.rounds}", flush=True)
            this = {}
            for kind in (kinds if round_no % 2 == 0 else kinds[::-1]):  # alternate which server goes first
                this[kind] = walks(servers[kind], args, expected)
                show(kind, this[kind], expected)
            if "moto" in this:
                median = {k: (statistics.median(w["ms"] for w in this[k]["walks"]),
                              statistics.median(w["server_cpu_ms"] for w in this[k]["walks"])) for k in kinds}
                this["ratio"] = median["warden"][0] / median["moto"][0]
                this["cpu_ratio"] = median["warden"][1] / median["moto"][1] if median["moto"][1] else None
                print(f"  ratio Warden/moto walk time = {this['ratio']:.3f}, server CPU per walk = "
                      f"{this['cpu_ratio'] or float('nan'):.3f} (lower is better for Warden; below 1 it is faster)",
                      flush=True)
            results["rounds"].append(this)
    finally:
        for server in servers.values():
            server.stop()
        shutil.rmtree(workdir, ignore_errors=True)
    rounds = results["rounds"]
    print(f"\nsummary: median (min–max) over {len(rounds)} round(s) x {args.walks} walks, {entities:,} entities, "
          f"MaxItems {args.max_items}")
    summary = {}
    for kind in kinds:
        ws = [w for r in rounds for w in r[kind]["walks"]]
        first = rounds[0][kind]["walks"][0]
        summary[kind] = {"walk_ms": round(statistics.median(w["ms"] for w in ws), 1),
                         "walk_ms_min": round(min(w["ms"] for w in ws), 1), "walk_ms_max": round(max(w["ms"] for w in ws), 1),
                         "server_cpu_ms": round(statistics.median(w["server_cpu_ms"] for w in ws), 1),
                         "pages": first["pages"], "bytes": first["bytes"],
                         "page_ms": round(statistics.median(p for w in ws for p in w["page_ms"]), 1),
                         "counts": first["counts"],
                         "filters_ms": {f: round(statistics.median(r[kind]["filters"][f]["ms"] for r in rounds), 1)
                                        for f in rounds[0][kind]["filters"]}}
        s = summary[kind]
        print(f"  {kind:6} walk {spread([w['ms'] for w in ws], '{:,.0f}')} ms, {s['pages']} page(s) "
              f"(page median {s['page_ms']:,.1f} ms), {s['bytes']:,} bytes, server CPU "
              f"{spread([w['server_cpu_ms'] for w in ws], '{:,.0f}')} ms per walk; "
              + ", ".join(f"{k} {s['counts'].get(k, 0):,}" for k in LISTS))
        if s["filters_ms"]:
            print("         one walk per Filter value (median over rounds): "
                  + ", ".join(f"{f} {v:,.0f} ms" for f, v in s["filters_ms"].items()))
        wrong = sorted({m for r in rounds for m in mismatches(r[kind]["walks"][0]["counts"], expected)})
        print(f"         complete (counts equal what was provisioned): {'yes' if not wrong else 'NO: ' + '; '.join(wrong)}")
    if "moto" in kinds:
        ratios = [r["ratio"] for r in rounds]
        summary["ratio"] = round(statistics.median(ratios), 3)
        pooled = summary["warden"]["walk_ms"] / summary["moto"]["walk_ms"]
        print(f"  ratio Warden/moto walk time (per round; lower is better for Warden) {spread(ratios, '{:.3f}')}; "
              f"of the pooled medians {pooled:.3f}" + (f" (moto {1 / pooled:.1f}x slower)" if pooled < 1
                                                       else f" (Warden {pooled:.1f}x slower)"))
        cpu_ratios = [r["cpu_ratio"] for r in rounds if r["cpu_ratio"]]
        if cpu_ratios:
            summary["cpu_ratio"] = round(statistics.median(cpu_ratios), 3)
            print(f"  ratio Warden/moto server CPU per walk (per round; less exposed to other processes on the "
                  f"cores than wall time) {spread(cpu_ratios, '{:.3f}')}")
        differ = compare(rounds)
        summary["differences"] = differ
        print("  Warden vs moto answers: " + ("same counts and names" if not differ else f"{len(differ)} difference(s)"))
        for d in differ:
            print(f"    - {d}")
    results["summary"] = summary
    if args.json:
        for r in rounds:
            for kind in kinds:
                for w in r[kind]["walks"] + list(r[kind]["filters"].values()):
                    if "names" in w:
                        w["names"] = {k: len(v) for k, v in w["names"].items()}
        args.json.write_text(json.dumps(results, indent=2, default=str))
        print(f"\nresults written to {args.json}")


if __name__ == "__main__":
    main()
