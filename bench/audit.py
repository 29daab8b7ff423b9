#!/usr/bin/env python3
"""What auditing costs the server: signed IAM GetUser (and STS GetCallerIdentity) requests per
second with auditing on (every call durably recorded before its reply, group commit) and off
(`warden serve --no-audit`), the same load generator, same machine, same run. Also the latency
at half of the audited peak rate, on vs off, so the added p50/p99 is visible.

Usage: python3 bench/audit.py [--seconds 5] [--rounds 3] [--connections 64]
Servers are pinned to core 0 with one runtime worker (the audit writer and syncer threads share
that core); the generator is pinned to core 1.
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


def measure(python, warden_bin, loadgen_bin, workdir, audit, args, half_rates):
    proc, endpoint = start_warden(warden_bin, workdir / ("on" if audit else "off"), audit)
    try:
        create_bench_user(python, endpoint)
        peaks, latencies = {}, {}
        for call in CALLS:
            runs = [loadgen(loadgen_bin, endpoint, call, args.seconds, args.connections) for _ in range(args.rounds)]
            peaks[call] = statistics.median(r["rps"] for r in runs)
            print(f"audit {'on ' if audit else 'off'} {call:18} peak median {peaks[call]:9.0f} req/s "
                  f"(runs: {', '.join('%.0f' % r['rps'] for r in runs)})", flush=True)
        for call in CALLS:
            rate = half_rates.get(call) or peaks[call] / 2
            runs = [loadgen(loadgen_bin, endpoint, call, args.seconds, args.connections, rate=rate)
                    for _ in range(args.rounds)]
            latencies[call] = (statistics.median(r["p50_us"] for r in runs), statistics.median(r["p99_us"] for r in runs))
            print(f"audit {'on ' if audit else 'off'} {call:18} at {rate:8.0f} req/s offered: "
                  f"median p50 {latencies[call][0]:7.0f} µs, p99 {latencies[call][1]:7.0f} µs "
                  f"(p99 runs: {', '.join('%.0f' % r['p99_us'] for r in runs)})", flush=True)
        return peaks, latencies
    finally:
        stop(proc)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=64)
    args = parser.parse_args()
    python = ensure_moto()  # boto3 for creating the bench user
    warden_bin, loadgen_bin = build()
    workdir = Path(tempfile.mkdtemp(prefix="warden-audit-bench-"))
    try:
        on_peaks, on_lat = measure(python, warden_bin, loadgen_bin, workdir, True, args, {})
        # Both configurations are measured at the same offered rate: half the audited peak.
        half = {call: on_peaks[call] / 2 for call in CALLS}
        off_peaks, off_lat = measure(python, warden_bin, loadgen_bin, workdir, False, args, half)
        for call in CALLS:
            loss = 100.0 * (1 - on_peaks[call] / off_peaks[call])
            print(f"{call}: audit on/off throughput = {on_peaks[call] / off_peaks[call]:.3f} (loss {loss:.1f} %); "
                  f"added latency at {half[call]:.0f} req/s: p50 {on_lat[call][0] - off_lat[call][0]:+.0f} µs, "
                  f"p99 {on_lat[call][1] - off_lat[call][1]:+.0f} µs")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
