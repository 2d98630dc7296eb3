#!/usr/bin/env bash
# The whole comparison in one command (see BENCHMARKS.md):
#   1. the shared harness (../shared/peer-bench/run.sh) with js, python and this SDK's release
#      binary as the "rust" peer, all scenarios;
#   2. right after it, the raw floor: the same harness again with SDKS=rust and
#      RUST_CMD="peer-bench --raw" (bare reqwest, no SDK, no parsing), then "--raw=value"
#      (plus serde_json::Value parsing), for FLOOR_SCENARIOS;
#   3. one merged table (the harness's table.py, floor columns added) and the ratio table.
#
#   bash crates/bench/run.sh                 # from the repository root
#   RUNS=3 bash crates/bench/run.sh          # three rounds; the tables show "a / b / c"
#
# Knobs: PEER_BENCH_DIR (default ../shared/peer-bench), PEER_BENCH_BIN (default
# target/release/peer-bench, built (or brought up to date) first), FLOOR_SCENARIOS (default "seq conc big"),
# RUNS (default 1), GC_BENCH_RT (Tokio flavour of the rust binary), and every knob of the harness
# (SEQ_N, CONC_N, BIG_N, ...). Results: $RESULTS_DIR (harness default) and merged-*.jsonl there.
# BUSY=K runs K `nice -n 19` busy loops for the whole run: the "busy regime" of BENCHMARKS.md, in
# which the vCPUs stay awake between the messages of a sequential ping-pong (default 0).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
HARNESS="${PEER_BENCH_DIR:-$ROOT/../shared/peer-bench}"
BIN="${PEER_BENCH_BIN:-$ROOT/target/release/peer-bench}"
FLOOR_SCENARIOS="${FLOOR_SCENARIOS:-seq conc big}"
RUNS="${RUNS:-1}"
[ -f "$HARNESS/run.sh" ] || { echo "no harness at $HARNESS (set PEER_BENCH_DIR)" >&2; exit 1; }
# Built every time (a no-op when current): a binary left from older sources would be measured
# as this tree. A PEER_BENCH_BIN of your own is used as it is.
if [ -z "${PEER_BENCH_BIN:-}" ]; then
  (cd "$ROOT" && cargo build --release -p purecloud-bench)
fi
PEER_BENCH_HOME="${PEER_BENCH_HOME:-${XDG_CACHE_HOME:-$HOME/.cache}/peer-bench}"
export PEER_BENCH_HOME
RESULTS_DIR="${RESULTS_DIR:-$PEER_BENCH_HOME/results}"
mkdir -p "$RESULTS_DIR"

latest() { ls -t "$1"/run-*.jsonl 2>/dev/null | head -n 1; }
busy_pids=()
for _ in $(seq 1 "${BUSY:-0}"); do
  nice -n 19 bash -c 'while :; do :; done' &
  busy_pids+=("$!")
done
stop_busy() { [ ${#busy_pids[@]} -eq 0 ] || kill "${busy_pids[@]}" 2>/dev/null || true; }
trap stop_busy EXIT
[ ${#busy_pids[@]} -eq 0 ] || echo "[bench] ${#busy_pids[@]} busy loops running (nice 19)" >&2
merged_files=()
for round in $(seq 1 "$RUNS"); do
  echo "[bench] round $round/$RUNS: harness (js python rust)" >&2
  tmp="$(mktemp -d "$RESULTS_DIR/main.XXXXXX")"
  RUST_CMD="$BIN" RESULTS_DIR="$tmp" bash "$HARNESS/run.sh" >/dev/null
  main="$RESULTS_DIR/$(basename "$(latest "$tmp")")"
  mv "$tmp"/* "$RESULTS_DIR/" && rm -rf "$tmp"
  floors=()
  for variant in "--raw" "--raw=value"; do
    echo "[bench] round $round/$RUNS: floor $variant ($FLOOR_SCENARIOS)" >&2
    tmp="$(mktemp -d "$RESULTS_DIR/floor.XXXXXX")"
    SDKS=rust SCENARIOS="$FLOOR_SCENARIOS" SKIP_WRK=1 RUST_CMD="$BIN $variant" RESULTS_DIR="$tmp" \
      bash "$HARNESS/run.sh" >/dev/null
    case "$variant" in --raw) suffix=floor ;; *) suffix=floor-value ;; esac
    f="$RESULTS_DIR/$(basename "$main" .jsonl).$suffix.jsonl"
    mv "$(latest "$tmp")" "$f"
    cat "$tmp"/*.stderr.log >> "${main%.jsonl}.stderr.log" 2>/dev/null || true
    rm -rf "$tmp"
    floors+=("$f")
  done
  merged="$RESULTS_DIR/merged-$(basename "$main")"
  python3 "$ROOT/crates/bench/report.py" "$main" "${floors[@]}" --out "$merged" > "${merged%.jsonl}.ratios.md"
  merged_files+=("$merged")
done
python3 "$HARNESS/table.py" "${merged_files[@]}"
for m in "${merged_files[@]}"; do
  echo
  echo "ratios ($(basename "$m")):"
  cat "${m%.jsonl}.ratios.md"
done
