#!/usr/bin/env bash
# Runs Warden's whole test suite: formatting, lints, the Rust tests, and the end-to-end suite
# that drives the real `warden` binary with boto3 and the AWS CLI over loopback.
# It installs what it needs itself (a Python venv with the SDKs, under .venv/).
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

step "cargo fmt --check"
cargo fmt --all --check

step "cargo clippy (all targets, warnings are errors)"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "xmlsec1 (Debian), with which the SAML end-to-end tests sign their assertions"
if ! command -v xmlsec1 >/dev/null 2>&1; then
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq xmlsec1
fi

step "Python venv with boto3, the AWS CLI, pytest and pysaml2"
python3 -m venv .venv
.venv/bin/python -m pip install --quiet --disable-pip-version-check -r tests/e2e/requirements.txt
export WARDEN_PYTHON="$PWD/.venv/bin/python"

step "build the warden binary (the SDK and e2e suites drive it)"
cargo build -p warden --locked
export WARDEN_BIN="$PWD/target/debug/warden"

step "Rust tests"
if cargo nextest --version >/dev/null 2>&1; then
  cargo nextest run --workspace --locked --no-fail-fast
else
  cargo test --workspace --locked --no-fail-fast
fi
cargo test --workspace --locked --doc

step "end-to-end suite (real binary, real clients, loopback)"
PATH="$PWD/.venv/bin:$PATH" .venv/bin/python -m pytest -q tests/e2e
