#!/usr/bin/env bash
# The official Python SDK (PyPI package PureCloudPlatformClientV2, pinned with its dependencies
# in tests/python-sdk/requirements.txt) as a real client of the simulator: builds and starts
# purecloud-simulator on a free port, installs the SDK into target/python-sdk/venv (only when it
# is missing or the requirements or the Python version changed), then runs
#   sweep.py  every operation of the spec through the SDK's generated method, each answer
#             decoded into the SDK's typed model (operations swept, answers decoded cleanly,
#             failures: must be zero),
#   flows.py  the SDK's own integration flow (create, patch, profile skills, expand, delete)
#             and a user's sub-resources read back through the typed models.
#
#   scripts/python-sdk-test.sh           # both
#   scripts/python-sdk-test.sh sweep     # or: flows
#
# Needs cargo and Python 3.8+ with venv (Debian's python3 and python3-venv are installed when
# missing).
set -euo pipefail
cd "$(dirname "$0")/.."
dir=tests/python-sdk
which=${1:-all}
case "$which" in all | sweep | flows) ;; *) echo "usage: $0 [sweep|flows]" >&2; exit 2 ;; esac

step() { printf '\n==> %s\n' "$*"; }

apt_install() {
  export DEBIAN_FRONTEND=noninteractive
  local sudo_=""
  if [ "$(id -u)" != 0 ]; then sudo_=sudo; fi
  $sudo_ apt-get update -qq
  $sudo_ apt-get install -y -qq "$@" >/dev/null
}

if ! command -v python3 >/dev/null 2>&1; then
  step "python3 not found: installing Debian's python3 and python3-venv"
  apt_install python3 python3-venv
fi

step "cargo build -p purecloud-simulator"
cargo build --quiet -p purecloud-simulator
target_dir=$(cargo metadata --format-version 1 --no-deps \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
sim_bin="$target_dir/debug/purecloud-simulator"
venv="$target_dir/python-sdk/venv"

step "the Python SDK in $venv (installed when missing or stale)"
# A stamp of the requirements and the Python version: reinstall when either changes.
stamp=$( (cat "$dir/requirements.txt"; python3 --version) | sha256sum | cut -d' ' -f1)
stamp_file="$venv/.python-sdk-test-stamp"
want=$(sed -n 's/^purecloudplatformclientv2==\([^ ]*\).*/\1/ip' "$dir/requirements.txt")
if [ -f "$stamp_file" ] && [ "$(cat "$stamp_file")" = "$stamp" ] && [ -x "$venv/bin/python" ]; then
  echo "up to date: PureCloudPlatformClientV2 $want"
else
  if ! python3 -m venv --clear "$venv" 2>/dev/null; then
    echo "python3 -m venv failed: installing Debian's python3-venv"
    apt_install python3-venv
    python3 -m venv --clear "$venv"
  fi
  "$venv/bin/python" -m pip install --disable-pip-version-check -q -r "$dir/requirements.txt"
  echo "$stamp" > "$stamp_file"
fi
got=$("$venv/bin/python" -c 'from importlib import metadata; print(metadata.version("PureCloudPlatformClientV2"))')
if [ "$got" != "$want" ]; then
  echo "error: PureCloudPlatformClientV2 $got is installed, $want is pinned" >&2
  exit 1
fi

step "starting the simulator"
work=$(mktemp -d)
sim_pid=""
cleanup() {
  if [ -n "$sim_pid" ] && kill -0 "$sim_pid" 2>/dev/null; then
    kill "$sim_pid" 2>/dev/null || true
    wait "$sim_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
# Port 0: the simulator binds a free ephemeral port and prints its base URL first.
"$sim_bin" --host 127.0.0.1 > "$work/sim.out" 2> "$work/sim.err" &
sim_pid=$!
base=""
for _ in $(seq 1 300); do
  if ! kill -0 "$sim_pid" 2>/dev/null; then
    echo "error: the simulator exited:" >&2
    cat "$work/sim.out" "$work/sim.err" >&2
    exit 1
  fi
  base=$(sed -n 's/^purecloud-simulator listening on \(http:[^ ]*\).*/\1/p' "$work/sim.out" | head -n 1)
  [ -n "$base" ] && break
  sleep 0.1
done
if [ -z "$base" ]; then
  echo "error: the simulator printed no address in 30 s" >&2
  cat "$work/sim.out" "$work/sim.err" >&2
  exit 1
fi
echo "simulator (pid $sim_pid) at $base"

status=0
export PURECLOUD_SIM_URL="$base"
# No __pycache__ in the source tree.
export PYTHONDONTWRITEBYTECODE=1
if [ "$which" != flows ]; then
  step "every operation through the official Python SDK ($dir/sweep.py)"
  "$venv/bin/python" "$dir/sweep.py" || status=1
fi
if [ "$which" != sweep ]; then
  step "the official Python SDK's integration flow and a user's sub-resources ($dir/flows.py)"
  "$venv/bin/python" "$dir/flows.py" || status=1
fi
exit "$status"
