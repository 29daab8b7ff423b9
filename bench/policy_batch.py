#!/usr/bin/env python3
"""`warden policy simulate` throughput (issue #18): the batch mode (`--batch`, every question
in one process, parsed policy files cached by path) against the per-process CLI (one
`warden policy simulate … --json` per question), in the same run, on the same questions.

The questions are the policy engine's corpus (`crates/warden-policy/tests/cases/*.json`,
evaluation cases), documents written to files once. Batch: the corpus repeated to --lines
questions, one process per round. Per process: the first --processes questions of the same
list, one process each, sequentially. Rounds alternate; medians and ranges are reported.

Usage: python3 bench/policy_batch.py [--rounds 5] [--lines 20000] [--processes 200]
                                     [--no-build] [--bin PATH]
"""

import argparse
import json
import os
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CASES = REPO / "crates" / "warden-policy" / "tests" / "cases"


def build(run_cargo):
    if run_cargo:
        subprocess.run(["cargo", "build", "--release", "-p", "warden"], cwd=REPO, check=True)
    target = Path(os.environ.get("CARGO_TARGET_DIR") or REPO / "target") / "release"
    return target / "warden"


class Documents:
    """One file per distinct document."""

    def __init__(self, directory):
        self.directory = Path(directory)
        self.paths = {}

    def path(self, document):
        text = json.dumps(document, sort_keys=True)
        if text not in self.paths:
            path = self.directory / f"doc{len(self.paths)}.json"
            path.write_text(text)
            self.paths[text] = str(path)
        return self.paths[text]


def questions(documents):
    """The corpus's evaluation cases as batch lines (the fields are the CLI's flags)."""
    lines = []
    for case_file in sorted(CASES.glob("*.json")):
        for case in json.loads(case_file.read_text())["cases"]:
            if "request" not in case:
                continue
            policies, request = case.get("policies", {}), case["request"]
            principal = request["principal"]
            line = {
                "action": request["action"], "resource": request["resource"],
                "context": request.get("context", {}),
                "policy": [documents.path(d) for d in policies.get("identity", [])],
                "session_policy": [documents.path(d) for d in policies.get("session", [])],
                "scp": [[documents.path(d) for d in level] for level in policies.get("scp", [])],
                "rcp": [[documents.path(d) for d in level] for level in policies.get("rcp", [])],
                "principal": {"Service": "service:" + principal["arn"], "Anonymous": "anonymous"}.get(
                    principal["type"], principal["arn"]),
            }
            if "boundary" in policies:
                line["boundary"] = documents.path(policies["boundary"])
            if "resource" in policies:
                kind = policies.get("resource_kind") or "ordinary"
                line["key_policy" if kind == "key" else "resource_policy"] = documents.path(policies["resource"])
                line["trust"] = kind == "must_allow"
            if "role_arn" in principal:
                line["role_arn"] = principal["role_arn"]
            if "federating_user_arn" in principal:
                line["federating_user"] = principal["federating_user_arn"]
            account = request.get("resource_account") or principal.get("account")
            if account:
                line["resource_account"] = account
            lines.append(line)
    return lines


def flags(line):
    """The same question as command-line flags; None when flags cannot say it (an empty
    multi-valued key)."""
    args = []
    for path in line["policy"]:
        args += ["--policy", path]
    for path in line["session_policy"]:
        args += ["--session-policy", path]
    for name in ("scp", "rcp"):
        for level in line[name]:
            args += [f"--{name}", ",".join(level)]
    for name in ("boundary", "resource_policy", "key_policy", "role_arn", "federating_user", "resource_account"):
        if name in line:
            args += ["--" + name.replace("_", "-"), line[name]]
    if line.get("trust"):
        args.append("--trust")
    for key, value in line["context"].items():
        values = value if isinstance(value, list) else [value]
        if isinstance(value, list) and len(value) < 2:
            return None
        for item in values:
            args += ["--context", f"{key}={item}"]
    return args + ["--action", line["action"], "--resource", line["resource"],
                   "--principal", line["principal"], "--json"]


def run_batch(binary, batch_file, count):
    start = time.perf_counter()
    result = subprocess.run([str(binary), "policy", "simulate", "--batch", str(batch_file)],
                            capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    answers = result.stdout.splitlines()
    if len(answers) != count or any('"error"' in a for a in answers):
        raise RuntimeError(f"batch answered {len(answers)} of {count} lines: {result.stderr[:500]}")
    return count / elapsed


def run_processes(binary, commands):
    start = time.perf_counter()
    for args in commands:
        subprocess.run([str(binary), "policy", "simulate", *args], capture_output=True, check=True)
    return len(commands) / (time.perf_counter() - start)


def summary(rates):
    return f"{statistics.median(rates):,.0f} ({min(rates):,.0f}–{max(rates):,.0f})"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--lines", type=int, default=20000)
    parser.add_argument("--processes", type=int, default=200)
    parser.add_argument("--no-build", action="store_true")
    parser.add_argument("--bin", help="a warden binary to measure instead of the release build")
    options = parser.parse_args()
    binary = Path(options.bin) if options.bin else build(not options.no_build)
    with tempfile.TemporaryDirectory() as directory:
        base = questions(Documents(directory))
        lines = [base[i % len(base)] for i in range(options.lines)]
        batch_file = Path(directory) / "batch.jsonl"
        batch_file.write_text("".join(json.dumps(line) + "\n" for line in lines))
        commands = [args for args in map(flags, base) if args is not None][: options.processes]
        batch_rates, process_rates = [], []
        for round_number in range(options.rounds):
            process_rates.append(run_processes(binary, commands))
            batch_rates.append(run_batch(binary, batch_file, len(lines)))
            print(f"round {round_number + 1}: per-process {process_rates[-1]:,.0f}/s, "
                  f"batch {batch_rates[-1]:,.0f}/s", flush=True)
    print()
    print(f"{len(base)} corpus questions; batch: {len(lines)} lines per process; "
          f"per-process: {len(commands)} processes per round; {options.rounds} rounds")
    print("| mode | decisions/s, median (range) |")
    print("|---|---|")
    print(f"| per-process CLI (`warden policy simulate … --json`) | {summary(process_rates)} |")
    print(f"| batch (`--batch FILE`, one process) | {summary(batch_rates)} |")
    print(f"batch / per-process: {statistics.median(batch_rates) / statistics.median(process_rates):,.0f}x")


if __name__ == "__main__":
    main()
