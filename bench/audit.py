#!/usr/bin/env python3
"""What auditing costs the server: signed IAM GetUser (and STS GetCallerIdentity) requests per
second with auditing on (every call durably recorded before its reply, group commit) and off
(`warden serve --no-audit`), the same load generator, same machine, same run. Also the latency
at half of the audited peak rate, on vs off, so the added p50/p99 is visible.

Usage: python3 bench/audit.py [--seconds 5] [--rounds 5] [--connections 64]
Both servers run side by side, each pinned to core 0 with one runtime worker (the audit
threads share that core); the generator is pinned to core 1. Rounds alternate between the two
servers (on, off, off, on, …) so that drift in the shared machine's speed hits both alike;
figures are medians over rounds.
"""

import argparse
import os
import shutil
import signal
import statistics
import subprocess
import tempfile
from pathlib import Path

from load import KEY_ID, SECRET, SERVER_CORE, build, create_bench_user, ensure_moto, free_port, loadgen, pinned, wait_http

CALLS = ("GetUser", "GetCallerIdentity")
MODES = ("on", "off")


def start_warden(binary, data_dir, audit):
    port = free_port()
    env = dict(os.environ, WARDEN_ROOT_ACCESS_KEY_ID=KEY_ID, WARDEN_ROOT_SECRET_ACCESS_KEY=SECRET,
               WARDEN_ACCOUNT_ID="123456789012", WARDEN_LOG="error", TOKIO_WORKER_THREADS="1")
    cmd = [str(binary), "serve", "--listen", f"127.0.0.1:{port}", "--data-dir", str(data_dir)]
    if not audit:
        cmd.append("--no-audit")
    proc = subprocess.Popen(pinned(cmd, SERVER_CORE), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    endpoint = f"http://127.0.0.1:{port}"
    wait_http(f"{endpoint}/_warden/health")
    return proc, endpoint


def stop(proc):
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


def alternating(rounds):
    """The order of the two modes in each round: on/off, off/on, on/off, …"""
    return [MODES if r % 2 == 0 else MODES[::-1] for r in range(rounds)]


def interleaved(loadgen_bin, endpoints, call, args, rate=None):
    """Runs `args.rounds` rounds against both servers, alternating; returns each mode's runs."""
    runs = {mode: [] for mode in MODES}
    for order in alternating(args.rounds):
        for mode in order:
            runs[mode].append(loadgen(loadgen_bin, endpoints[mode], call, args.seconds, args.connections, rate=rate))
    return runs


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--connections", type=int, default=64)
    args = parser.parse_args()
    python = ensure_moto()  # boto3 for creating the bench user
    warden_bin, loadgen_bin = build()
    workdir = Path(tempfile.mkdtemp(prefix="warden-audit-bench-"))
    procs = []
    try:
        endpoints = {}
        for mode in MODES:
            proc, endpoint = start_warden(warden_bin, workdir / mode, mode == "on")
            procs.append(proc)
            endpoints[mode] = endpoint
            create_bench_user(python, endpoint)
        peaks, latencies, half = {}, {}, {}
        for call in CALLS:
            runs = interleaved(loadgen_bin, endpoints, call, args)
            for mode in MODES:
                peaks[(call, mode)] = statistics.median(r["rps"] for r in runs[mode])
                print(f"audit {mode:3} {call:18} peak median {peaks[(call, mode)]:9.0f} req/s "
                      f"(runs: {', '.join('%.0f' % r['rps'] for r in runs[mode])})", flush=True)
        for call in CALLS:
            # Both configurations are measured at the same offered rate: half the audited peak.
            half[call] = peaks[(call, "on")] / 2
            runs = interleaved(loadgen_bin, endpoints, call, args, rate=half[call])
            for mode in MODES:
                latencies[(call, mode)] = (statistics.median(r["p50_us"] for r in runs[mode]),
                                           statistics.median(r["p99_us"] for r in runs[mode]))
                p50, p99 = latencies[(call, mode)]
                print(f"audit {mode:3} {call:18} at {half[call]:8.0f} req/s offered: median p50 {p50:7.0f} µs, "
                      f"p99 {p99:7.0f} µs (p99 runs: {', '.join('%.0f' % r['p99_us'] for r in runs[mode])})",
                      flush=True)
        for call in CALLS:
            on, off = peaks[(call, "on")], peaks[(call, "off")]
            (on50, on99), (off50, off99) = latencies[(call, "on")], latencies[(call, "off")]
            print(f"{call}: audit on/off throughput = {on / off:.3f} (loss {100.0 * (1 - on / off):.1f} %); "
                  f"added latency at {half[call]:.0f} req/s: p50 {on50 - off50:+.0f} µs, p99 {on99 - off99:+.0f} µs")
    finally:
        for proc in procs:
            stop(proc)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
