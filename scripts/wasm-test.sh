#!/usr/bin/env bash
# The SDK in a real browser: builds the SDK for wasm32-unknown-unknown and runs, in headless
# Chromium against the simulator (started here, over CORS):
#   1. crates/sdk/tests/browser.rs (wasm-bindgen-test): fetch, CORS, timers, localStorage, the
#      implicit grant and PKCE round trips through /oauth/authorize (in an iframe), errors, 401s;
#   2. examples/web driven through chromedriver's WebDriver API (scripts/wasm-e2e.py): the
#      full-page implicit grant redirect, persistence across reloads, expired and refused
#      tokens, a login error, PKCE, logout;
#   3. the bundle-size report of examples/web (Users only, release): target/wasm/bundle-size.txt.
# Prints `wasm: N passed, M failed` and exits non-zero on any failure.
#
# Toolchain (Debian packages; rustup's wasm32 target is not needed): rustc-web, cargo-web,
# rust-web-src (std is built from source with -Z build-std), lld-22 (wasm-ld), chromium,
# chromium-driver; and wasm-bindgen-cli at the exact wasm-bindgen version of Cargo.lock.
# Options: --skip-e2e (browser tests only), --no-install (fail instead of installing tools).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

skip_e2e=0
install=1
for a in "$@"; do
  case "$a" in
    --skip-e2e) skip_e2e=1 ;;
    --no-install) install=0 ;;
    *) echo "usage: $0 [--skip-e2e] [--no-install]" >&2; exit 2 ;;
  esac
done

step() { printf '\n==> %s\n' "$*"; }
start_time=$(date +%s)

# --- tools -------------------------------------------------------------------------------
step "tools"
pkgs=(rustc-web cargo-web rust-web-src lld-22 chromium chromium-driver)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  [ "$install" = 1 ] || { echo "missing packages: ${missing[*]}" >&2; exit 1; }
  echo "installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
fi
WB_VERSION=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
[ -n "$WB_VERSION" ] || { echo "no wasm-bindgen in Cargo.lock" >&2; exit 1; }
if [ "$(wasm-bindgen-test-runner --version 2>/dev/null || true)" != "wasm-bindgen-test-runner $WB_VERSION" ]; then
  [ "$install" = 1 ] || { echo "wasm-bindgen-cli $WB_VERSION is not installed" >&2; exit 1; }
  echo "installing wasm-bindgen-cli $WB_VERSION (compiles for ~10 minutes)"
  nice -n 19 cargo install wasm-bindgen-cli --version "$WB_VERSION"
fi
echo "rustc: $(/usr/bin/rustc --version); wasm-bindgen: $WB_VERSION; $(/usr/bin/chromium --version 2>/dev/null | head -1)"

# The wasm toolchain: Debian's compiler (RUSTC differs from rustup's, hence its own target dir).
export RUSTC_BOOTSTRAP=1 RUSTC=/usr/bin/rustc RUSTDOC=/usr/bin/rustdoc
export CARGO_TARGET_DIR="$ROOT/target/wasm"
export CHROMEDRIVER=/usr/bin/chromedriver
WASM_ARGS=(--target wasm32-unknown-unknown -Z build-std=std,panic_abort
  --config 'target.wasm32-unknown-unknown.linker="wasm-ld-22"'
  --config 'target.wasm32-unknown-unknown.runner="wasm-bindgen-test-runner"')
mkdir -p "$CARGO_TARGET_DIR"

# --- ports and the simulator ---------------------------------------------------------------
# Stable ports when free (the tests get the URLs at compile time: same ports, no rebuild).
pick_port() {
  /usr/bin/python3 - "$1" <<'EOF'
import socket, sys
def free(p):
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", p)); return True
    except OSError:
        return False
    finally:
        s.close()
p = int(sys.argv[1])
if not free(p):
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close()
print(p)
EOF
}
SIM_PORT=$(pick_port 47811)
RUNNER_PORT=$(pick_port 47812)
PAGE_PORT=$(pick_port 47813)
SIM_URL="http://127.0.0.1:$SIM_PORT"
RUNNER_ORIGIN="http://127.0.0.1:$RUNNER_PORT"
PAGE_ORIGIN="http://127.0.0.1:$PAGE_PORT"

pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
}
trap cleanup EXIT

step "the simulator ($SIM_URL)"
# Native, with rustup's toolchain and the workspace's usual target dir.
env -u RUSTC -u RUSTDOC -u RUSTC_BOOTSTRAP -u CARGO_TARGET_DIR cargo build --quiet -p purecloud-simulator
SIM_CONFIG="$CARGO_TARGET_DIR/wasm-test-simulator.json"
/usr/bin/python3 - "$SIM_CONFIG" "$RUNNER_ORIGIN" "$PAGE_ORIGIN" <<'EOF'
import json, sys
path, runner, page = sys.argv[1:]
uris = ["http://localhost:8080/callback", f"{runner}/oauth-landing",
        f"{page}/index.html", f"{page}/pkce.html", f"{page}/", "http://localhost:8000/"]
json.dump({"clients": [
    {"clientId": "sim-client-id", "clientSecret": "sim-client-secret", "name": "Browser tests",
     "redirectUris": uris},
    {"clientId": "no-implicit-client", "clientSecret": "s", "name": "No implicit grant",
     "redirectUris": uris, "grantTypes": ["authorization_code", "pkce", "refresh_token"]},
]}, open(path, "w"), indent=1)
EOF
target/debug/purecloud-simulator --port "$SIM_PORT" --config "$SIM_CONFIG" \
  > "$CARGO_TARGET_DIR/wasm-test-simulator.log" 2>&1 &
pids+=($!)
/usr/bin/python3 - "$SIM_URL" <<'EOF'
import sys, time, urllib.request
for _ in range(200):
    try:
        urllib.request.urlopen(sys.argv[1] + "/__sim/health", timeout=1).read(); sys.exit(0)
    except Exception:
        time.sleep(0.05)
sys.exit("the simulator did not start")
EOF

# --- 1. wasm-bindgen tests in headless Chromium -------------------------------------------
# No origin isolation (COEP require-corp) on the runner's page: like an ordinary page, which
# can frame the login service (the iframe round trips).
step "browser tests (crates/sdk/tests/browser.rs) in headless Chromium"
passed=0
failed=0
status=0
out="$CARGO_TARGET_DIR/wasm-test-browser.log"
set +e
PURECLOUD_SIM_URL="$SIM_URL" \
PURECLOUD_WASM_REDIRECT_URI="$RUNNER_ORIGIN/oauth-landing" \
WASM_BINDGEN_TEST_ADDRESS="127.0.0.1:$RUNNER_PORT" \
WASM_BINDGEN_TEST_TIMEOUT=120 \
WASM_BINDGEN_TEST_NO_ORIGIN_ISOLATION=1 \
  nice -n 10 /usr/bin/cargo test "${WASM_ARGS[@]}" -p purecloud-platform-client-v2 \
    --no-default-features --features reqwest,users --test browser 2>&1 | tee "$out"
rc=${PIPESTATUS[0]}
set -e
result=$(grep -E "^test result: " "$out" | tail -1 || true)
if [ -n "$result" ]; then
  passed=$((passed + $(sed -E 's/.* ([0-9]+) passed.*/\1/' <<< "$result")))
  failed=$((failed + $(sed -E 's/.* ([0-9]+) failed.*/\1/' <<< "$result")))
fi
if [ "$rc" != 0 ]; then
  status=1
  [ -n "$result" ] && [ "$failed" -gt 0 ] || failed=$((failed + 1))  # a build or runner failure
fi

# --- 2. the example page, full-page redirects through chromedriver ------------------------
if [ "$skip_e2e" = 0 ]; then
  step "examples/web: build (release, Users only) and bundle size"
  if examples/web/build.sh --release; then
    step "examples/web in headless Chromium (WebDriver): implicit grant, reloads, PKCE, logout"
    set +e
    /usr/bin/python3 scripts/wasm-e2e.py --sim "$SIM_URL" --page-port "$PAGE_PORT" \
      --dir examples/web/dist 2>&1 | tee "$CARGO_TARGET_DIR/wasm-test-e2e.log"
    rc=${PIPESTATUS[0]}
    set -e
    line=$(grep -E "^e2e: [0-9]+ passed, [0-9]+ failed" "$CARGO_TARGET_DIR/wasm-test-e2e.log" | tail -1 || true)
    if [ -n "$line" ]; then
      passed=$((passed + $(sed -E 's/e2e: ([0-9]+) passed.*/\1/' <<< "$line")))
      failed=$((failed + $(sed -E 's/.* ([0-9]+) failed.*/\1/' <<< "$line")))
    fi
    if [ "$rc" != 0 ]; then
      status=1
      [ -n "$line" ] || failed=$((failed + 1))
    fi
  else
    echo "examples/web did not build" >&2
    status=1
    failed=$((failed + 1))
  fi
fi

echo
echo "wasm: $passed passed, $failed failed ($(( $(date +%s) - start_time )) s)"
[ "$status" = 0 ] && [ "$failed" = 0 ]
