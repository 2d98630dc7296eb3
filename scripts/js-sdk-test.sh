#!/usr/bin/env bash
# The official JavaScript SDK (npm package purecloud-platform-client-v2, pinned in
# tests/js-sdk/package.json) as a real client of the simulator: builds and starts
# purecloud-simulator on a free port, installs the SDK (only when tests/js-sdk/node_modules is
# missing or older than the lockfile), and runs under `node --test` the README snippets, the SDK's
# own integration flow, and the sweep: every operation of the spec that the pinned package has,
# through the SDK's generated method (operations swept, answers decoded cleanly, failures: must
# be zero).
#
#   scripts/js-sdk-test.sh                      # everything
#   scripts/js-sdk-test.sh tests/js-sdk/seed.test.mjs   # chosen test files (paths from the repo root)
#
# Needs cargo, and Node 18+ with npm (installed from Debian's packages if node is missing).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
dir=tests/js-sdk

step() { printf '\n==> %s\n' "$*"; }

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  step "node/npm not found: installing Debian's nodejs and npm"
  export DEBIAN_FRONTEND=noninteractive
  sudo_=""
  if [ "$(id -u)" != 0 ]; then sudo_=sudo; fi
  $sudo_ apt-get update -qq
  $sudo_ apt-get install -y -qq nodejs npm >/dev/null
fi
node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 18 ]; then
  echo "error: Node $(node --version) is too old: the tests need Node 18 or later (node --test, fetch)" >&2
  exit 1
fi

step "cargo build -p purecloud-simulator"
cargo build --quiet -p purecloud-simulator
target_dir=$(cargo metadata --format-version 1 --no-deps | node -e \
  'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).target_directory))')
sim_bin="$target_dir/debug/purecloud-simulator"

step "npm ci in $dir (when node_modules is missing or stale)"
# A stamp of package.json + package-lock.json + the Node version: reinstall when any changes.
stamp_file="$dir/node_modules/.js-sdk-test-stamp"
stamp=$( (cat "$dir/package.json" "$dir/package-lock.json"; node --version) | sha256sum | cut -d' ' -f1)
if [ -f "$stamp_file" ] && [ "$(cat "$stamp_file")" = "$stamp" ] \
  && [ -f "$dir/node_modules/purecloud-platform-client-v2/package.json" ]; then
  echo "up to date: purecloud-platform-client-v2 $(node -p "require('./$dir/node_modules/purecloud-platform-client-v2/package.json').version")"
else
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  echo "$stamp" > "$stamp_file"
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
health=""
for _ in $(seq 1 100); do
  health=$(node -e 'fetch(process.argv[1]).then(r=>r.text()).then(t=>console.log(t),()=>{})' \
    "$base/__sim/health" || true)
  case "$health" in *'"ok"'*) break ;; esac
  sleep 0.1
done
case "$health" in
  *'"ok"'*) echo "simulator (pid $sim_pid) at $base" ;;
  *) echo "error: $base/__sim/health does not answer" >&2; exit 1 ;;
esac

step "node --test ($dir)"
files=()
for f in "$@"; do files+=("$root/$f"); done
# The spec reporter prints each test and the runner's summary (tests, pass, fail, ...). The
# files share one simulator, and some reset it: one file at a time (where Node can say so).
conc=()
if node --help 2>/dev/null | grep -q -- '--test-concurrency'; then conc=(--test-concurrency=1); fi
set +e
(cd "$dir" && PURECLOUD_SIM_URL="$base" node --test "${conc[@]}" --test-reporter=spec "${files[@]}") 2>&1 \
  | tee "$work/node.out"
status=${PIPESTATUS[0]}
set -e
count() { sed -n "s/^[^a-z]*$1 \([0-9][0-9]*\)\$/\1/p" "$work/node.out" | tail -n 1; }
passed=$(count pass); failed=$(count fail)
echo "js-sdk: ${passed:-0} passed, ${failed:-0} failed"
if [ "$status" -eq 0 ] && [ "${passed:-0}" -eq 0 ]; then
  echo "error: node --test ran no test" >&2
  exit 1
fi
exit "$status"
