#!/usr/bin/env python3
"""Runs Prowler's IAM checks (`prowler aws --services iam`, PyPI `prowler`, unmodified) against a
fresh Warden twice: on a new account as it starts (root access key present, no root MFA, no
password policy), then after the remediations the checks ask for, made through the IAM API
with boto3 — a strict password policy, root MFA (a virtual device enabled with codes computed
by pyotp), an auditor user with MFA and a console password, roles holding the SecurityAudit
and AWSSupportAccess policies, a SAML identity provider, and no root access key. Warden is
restarted before the second scan: Prowler reads the credential report, which (as in AWS) is
regenerated at most every four hours and is kept in memory, so the restart stands for the four
hours a real account would wait. Prints every check that ran with its status before and after, and the checks that
reported nothing (no resource of their kind).

Usage: python3 scripts/prowler-iam.py [--warden-bin PATH] [--json out.json]
Installs prowler, pyotp and boto3 into scripts/.prowler-venv (several minutes the first time)
and re-runs itself there; without --warden-bin it builds `cargo build -p warden` and runs
target/debug/warden (or $CARGO_TARGET_DIR/debug/warden).
"""

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
VENV = REPO / "scripts" / ".prowler-venv"
ACCOUNT_ID = "123456789012"
ROOT_KEY_ID = "AKIAIOSFODNN7EXAMPLE"
ROOT_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
REGION = "us-east-1"


def ensure_venv() -> None:
    """Re-runs this script inside the venv with prowler installed."""
    python = VENV / "bin" / "python"
    if Path(sys.prefix).resolve() == VENV.resolve():
        return
    if not (VENV / "bin" / "prowler").exists():
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", "prowler", "pyotp"], check=True)
    os.execv(str(python), [str(python), __file__, *sys.argv[1:]])


def warden_binary(given: str | None) -> str:
    if given:
        return given
    subprocess.run(["cargo", "build", "-p", "warden"], cwd=REPO, check=True)
    target = Path(os.environ.get("CARGO_TARGET_DIR", REPO / "target"))
    return str(target / "debug" / "warden")


def start(binary: str, data_dir: Path) -> tuple[subprocess.Popen, str]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = dict(os.environ, WARDEN_LOG="warn", WARDEN_ROOT_ACCESS_KEY_ID=ROOT_KEY_ID,
               WARDEN_ROOT_SECRET_ACCESS_KEY=ROOT_SECRET, WARDEN_ACCOUNT_ID=ACCOUNT_ID)
    log = open(data_dir.parent / "warden.log", "wb")
    process = subprocess.Popen([binary, "serve", "--listen", f"127.0.0.1:{port}", "--data-dir", str(data_dir)],
                               stdout=log, stderr=subprocess.STDOUT, env=env)
    endpoint = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            with urllib.request.urlopen(f"{endpoint}/_warden/health", timeout=1):
                return process, endpoint
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("warden did not become ready")


def scan(endpoint: str, key: tuple[str, str], out: Path) -> dict[str, list[str]]:
    """Runs the IAM checks with this key pair; check id -> statuses of its findings."""
    env = dict(os.environ, AWS_ENDPOINT_URL=endpoint, AWS_ACCESS_KEY_ID=key[0],
               AWS_SECRET_ACCESS_KEY=key[1], AWS_DEFAULT_REGION=REGION)
    env.pop("AWS_PROFILE", None)
    done = subprocess.run(
        [str(VENV / "bin" / "prowler"), "aws", "--region", REGION, "--services", "iam",
         "--output-formats", "json-ocsf", "-o", str(out), "--no-banner"],
        env=env, capture_output=True, text=True, timeout=1800,
    )
    files = sorted(out.glob("*.ocsf.json"))
    if not files:
        raise RuntimeError(f"prowler wrote no findings ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    results: dict[str, list[str]] = {}
    for finding in json.loads(files[-1].read_text()):
        results.setdefault(finding["metadata"]["event_code"], []).append(finding["status_code"])
    return results


def remediate(endpoint: str) -> tuple[str, str]:
    """Does what the failed checks ask, as an administrator would; the key pair to scan with
    afterwards (the root user's key is gone)."""
    import boto3
    import pyotp

    def client(key: tuple[str, str]):
        return boto3.client("iam", endpoint_url=endpoint, region_name=REGION,
                            aws_access_key_id=key[0], aws_secret_access_key=key[1])

    def enable_mfa(iam, name: str, user_name: str) -> None:
        device = iam.create_virtual_mfa_device(VirtualMFADeviceName=name)["VirtualMFADevice"]
        totp = pyotp.TOTP(device["Base32StringSeed"].decode())
        now = time.time()
        iam.enable_mfa_device(UserName=user_name, SerialNumber=device["SerialNumber"],
                              AuthenticationCode1=totp.at(now - 30), AuthenticationCode2=totp.at(now))

    root = client((ROOT_KEY_ID, ROOT_SECRET))
    root.update_account_password_policy(
        MinimumPasswordLength=14, RequireSymbols=True, RequireNumbers=True,
        RequireUppercaseCharacters=True, RequireLowercaseCharacters=True,
        AllowUsersToChangePassword=True, MaxPasswordAge=90, PasswordReusePrevention=24,
    )
    enable_mfa(root, "root-mfa", ACCOUNT_ID)
    root.create_group(GroupName="auditors")
    root.attach_group_policy(GroupName="auditors", PolicyArn="arn:aws:iam::aws:policy/SecurityAudit")
    root.create_user(UserName="auditor")
    root.add_user_to_group(GroupName="auditors", UserName="auditor")
    root.create_login_profile(UserName="auditor", Password="C0rrect-Horse-Battery!")
    enable_mfa(root, "auditor-mfa", "auditor")
    trust = json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT_ID}:user/auditor"},
        "Action": "sts:AssumeRole"}]})
    for role, policy in [("security-audit", "SecurityAudit"), ("support", "AWSSupportAccess")]:
        root.create_role(RoleName=role, AssumeRolePolicyDocument=trust)
        root.attach_role_policy(RoleName=role, PolicyArn=f"arn:aws:iam::aws:policy/{policy}")
    # Federated sign-in through a SAML identity provider (the test IdP's metadata).
    metadata = (REPO / "crates/warden-server/tests/it/data/saml_metadata.xml").read_text()
    root.create_saml_provider(Name="corporate-idp", SAMLMetadataDocument=metadata)
    key = root.create_access_key(UserName="auditor")["AccessKey"]
    auditor = (key["AccessKeyId"], key["SecretAccessKey"])
    client(auditor).get_user()  # the key is used before the scan, as a real one would be
    root.delete_access_key(AccessKeyId=ROOT_KEY_ID)
    return auditor


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--warden-bin")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    ensure_venv()
    binary = warden_binary(args.warden_bin)
    work = Path(tempfile.mkdtemp(prefix="warden-prowler-"))
    process, endpoint = start(binary, work / "data")
    try:
        before = scan(endpoint, (ROOT_KEY_ID, ROOT_SECRET), work / "before")
        key = remediate(endpoint)
    finally:
        process.terminate()
        process.wait(timeout=30)
    process, endpoint = start(binary, work / "data")
    try:
        after = scan(endpoint, key, work / "after")
    finally:
        process.terminate()
        process.wait(timeout=30)
    summary = lambda statuses: ",".join(sorted(set(statuses))) if statuses else "-"
    print(f"{'check':60} {'before':8} {'after':8}")
    for check in sorted(set(before) | set(after)):
        print(f"{check:60} {summary(before.get(check, [])):8} {summary(after.get(check, [])):8}")
    listed = subprocess.run([str(VENV / "bin" / "prowler"), "aws", "--list-checks", "--services", "iam", "--no-banner"],
                            capture_output=True, text=True).stdout
    all_checks = sorted({line.split("]")[0].lstrip("[").strip() for line in listed.splitlines()
                         if line.startswith("[") and "]" in line})
    silent = [c for c in all_checks if c not in before and c not in after]
    print(f"\n{len(silent)} checks reported nothing (no resource of their kind): {', '.join(silent)}")
    if args.json:
        args.json.write_text(json.dumps({"before": before, "after": after, "silent": silent}, indent=2))


if __name__ == "__main__":
    main()
