#!/usr/bin/env bash
# Compile-time report: clean debug builds of the SDK (dependencies included) for one group
# (`users`), the default feature set, and every group (`full`), each in a fresh target directory.
# Prints a Markdown table: wall time, the peak RSS of the largest compiler process (GNU time), and
# the peak memory of the whole build (MemAvailable sampled every 0.2 s). Also leaves
# `cargo build --timings` HTML reports in target/compile-report/<name>/cargo-timings/.
# Takes ~10 minutes on 2 cores. Usage: scripts/compile-report.sh [users|default|full ...]
set -euo pipefail
cd "$(dirname "$0")/.."
sets=("$@")
[ ${#sets[@]} -gt 0 ] || sets=(users default full)
command -v /usr/bin/time >/dev/null || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }

features_for() {
  case "$1" in
    users) echo "--no-default-features --features reqwest,rustls,users" ;;
    default) echo "" ;;
    full) echo "--features full" ;;
    *) echo "--no-default-features --features reqwest,rustls,$1" ;;
  esac
}

avail() { awk '/MemAvailable/ {print $2}' /proc/meminfo; }

echo "| features | wall time | peak RSS, largest rustc | peak memory, whole build |"
echo "|---|---|---|---|"
for s in "${sets[@]}"; do
  dir="target/compile-report/$s"
  rm -rf "$dir"
  mkdir -p "$dir"
  base=$(avail)
  min_file=$(mktemp)
  echo "$base" > "$min_file"
  stop="$min_file.stop"
  ( while [ ! -e "$stop" ]; do a=$(avail); m=$(cat "$min_file"); [ "$a" -lt "$m" ] && echo "$a" > "$min_file"; sleep 0.2; done ) &
  sampler=$!
  # shellcheck disable=SC2046
  CARGO_INCREMENTAL=0 CARGO_TARGET_DIR="$dir" /usr/bin/time -v -o "$dir.time" \
    cargo build --quiet --timings -p purecloud-platform-client-v2 $(features_for "$s")
  touch "$stop"
  wait "$sampler" 2>/dev/null || true
  rm -f "$stop"
  wall=$(grep "Elapsed (wall clock)" "$dir.time" | awk '{print $NF}')
  rss=$(grep "Maximum resident set size" "$dir.time" | awk '{print $NF}')
  peak=$(( (base - $(cat "$min_file")) / 1024 ))
  awk -v s="$s" -v w="$wall" -v r="$rss" -v p="$peak" 'BEGIN { printf "| `%s` | %s | %.1f GB | %.1f GB |\n", s, w, r / 1048576, p / 1024 }'
  rm -f "$min_file"
done
