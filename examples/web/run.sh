#!/usr/bin/env bash
# Builds the page, starts the simulator (port 9000) with this page's URLs as redirect URIs of
# its OAuth client, and serves the page on http://localhost:8000/ until Ctrl-C.
#   ./run.sh [--no-build]
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$(cd ../.. && pwd)
SIM_PORT=${SIM_PORT:-9000}
PAGE_PORT=${PAGE_PORT:-8000}
[ "${1:-}" = "--no-build" ] || ./build.sh
(cd "$ROOT" && cargo build --quiet -p purecloud-simulator)
config="$ROOT/target/web-example-simulator.json"
uris=""
for host in localhost 127.0.0.1; do
  for page in "" index.html pkce.html; do
    uris="$uris\"http://$host:$PAGE_PORT/$page\","
  done
done
cat > "$config" <<JSON
{"clients": [{"clientId": "sim-client-id", "clientSecret": "sim-client-secret",
              "name": "Web example", "redirectUris": [${uris%,}]}]}
JSON
cat > dist/config.js <<JS
window.PURECLOUD_CONFIG = { baseUrl: "http://127.0.0.1:$SIM_PORT", clientId: "sim-client-id" };
JS
pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null || true; }
trap cleanup EXIT
trap 'exit 130' INT TERM
"$ROOT/target/debug/purecloud-simulator" --port "$SIM_PORT" --config "$config" &
pids+=($!)
/usr/bin/python3 -m http.server "$PAGE_PORT" --bind 127.0.0.1 --directory dist &
pids+=($!)
sleep 1
echo
echo "Open http://localhost:$PAGE_PORT/ (implicit grant) or http://localhost:$PAGE_PORT/pkce.html (PKCE). Ctrl-C stops."
wait
