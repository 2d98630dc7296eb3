#!/usr/bin/env bash
# Builds the fuzz targets (fuzz/) and runs each for a bounded time; see docs/fuzzing.md.
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]     (default: 20 s each, every target)
#
# Stable Rust: libFuzzer comes from the libfuzzer-sys crate (compiled from its C++ sources by
# the crate's build script, so a C++ compiler is needed), and the coverage instrumentation is
# LLVM's SanitizerCoverage pass, enabled with `-C` flags only (what cargo-fuzz asks of nightly
# through `-Z` flags). No sanitizer: the targets check their own properties and panic when one
# fails; libFuzzer reports a panic as a crash and saves the input.
#
# Each target starts from its committed seeds (fuzz/corpus/<target>) plus the inputs of earlier
# findings (fuzz/regressions/<target>); what it learns goes to fuzz/target/corpus/<target>
# (kept between local runs, never committed). An input that fails is saved under
# fuzz/artifacts/<target>/; reproduce with `fuzz/target/<host>/release/<target> <file>`.
# Exits non-zero when a target fails; prints executions, coverage and time per target.
set -euo pipefail
cd "$(dirname "$0")/.."

secs=${1:-20}
shift || true
case "$secs" in '' | *[!0-9]*) echo "usage: $0 [SECONDS_PER_TARGET] [TARGET...]" >&2; exit 2 ;; esac

all_targets=$(sed -n 's/^name = "\(.*\)"$/\1/p' fuzz/Cargo.toml | grep -v '^purecloud-fuzz$')
targets=("$@")
[ ${#targets[@]} -gt 0 ] || read -r -d '' -a targets <<< "$all_targets" || true

# The `models` target decodes the models of the SDK's default API groups: its feature list must
# be the SDK's default features (without the transport ones).
sdk_groups=$(sed -n 's/^default = \[\(.*\)\]$/\1/p' crates/sdk/Cargo.toml | tr -d ' "' | tr , '\n' |
  grep -v -e '^reqwest$' -e '^rustls$' | sort | tr '\n' ' ')
fuzz_groups=$(sed -n 's/^default = \[\(.*\)\]$/\1/p' fuzz/Cargo.toml | tr -d ' "' | tr , '\n' | sort | tr '\n' ' ')
if [ "$sdk_groups" != "$fuzz_groups" ]; then
  echo "fuzz/Cargo.toml's default features ($fuzz_groups) differ from the SDK's API groups ($sdk_groups)" >&2
  exit 1
fi

host=$(rustc -vV | sed -n 's/^host: //p')
# `--target` keeps these flags off build scripts and proc macros (they would not link without
# libFuzzer's runtime); `--cfg fuzzing` compiles the SDK's entry points (runtime/fuzz_entry.rs).
unset CARGO_ENCODED_RUSTFLAGS
export RUSTFLAGS="--cfg fuzzing -Cpasses=sancov-module \
-Cllvm-args=-sanitizer-coverage-level=4 -Cllvm-args=-sanitizer-coverage-inline-8bit-counters \
-Cllvm-args=-sanitizer-coverage-pc-table -Cllvm-args=-sanitizer-coverage-trace-compares"
export CARGO_TARGET_DIR="$PWD/fuzz/target"

start=$(date +%s)
echo "building the fuzz targets (release, instrumented) ..."
bins=()
for t in "${targets[@]}"; do bins+=(--bin "$t"); done
cargo build --quiet --locked --release --manifest-path fuzz/Cargo.toml --target "$host" "${bins[@]}"
built=$(date +%s)
echo "built in $((built - start)) s"

bin_dir="fuzz/target/$host/release"
mkdir -p fuzz/target/logs
failed=()
summary=()
for t in "${targets[@]}"; do
  work="fuzz/target/corpus/$t"
  mkdir -p "$work" "fuzz/artifacts/$t"
  dirs=("$work" "fuzz/corpus/$t")
  [ -d "fuzz/regressions/$t" ] && dirs+=("fuzz/regressions/$t")
  log="fuzz/target/logs/$t.log"
  t0=$(date +%s)
  rc=0
  # -max_len: the seeds include whole API responses (up to 16 KiB). `models` runs thousands of
  # coverage counters per input: libFuzzer's entropic schedule spends most of its time on their
  # bookkeeping there (measured: 2.5x the executions and more coverage in 10 s without it).
  opts=()
  [ "$t" = models ] && opts+=(-entropic=0)
  "$bin_dir/$t" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=32768 \
    -print_final_stats=1 -artifact_prefix="fuzz/artifacts/$t/" "${opts[@]}" "${dirs[@]}" \
    > "$log" 2>&1 || rc=$?
  took=$(($(date +%s) - t0))
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  cov=$(sed -n 's/^#[0-9]*[[:space:]]*\(DONE\|INITED\|NEW\|REDUCE\|pulse\).*cov: \([0-9]*\) ft: \([0-9]*\) corp: \([0-9]*\).*/\2 \3 \4/p' "$log" | tail -1)
  read -r edges features corpus <<< "${cov:-? ? ?}"
  if [ "$rc" -ne 0 ]; then
    failed+=("$t")
    status="FAILED (exit $rc)"
    echo "---- $t failed (whole log: $log):"
    sed -n '/panicked at/,/^stack backtrace:/p' "$log" | grep -v '^stack backtrace:' | head -20 | cut -c1-3000
    grep -e '^==[0-9]*== ERROR' -e '^SUMMARY' -e 'Test unit written to' "$log" || true
  else
    status=ok
  fi
  line=$(printf '%-15s %10s execs %6s s  %7s/s  cov %6s  ft %6s  corpus %5s  %s' "$t" "${execs:-?}" \
    "$took" "$(( ${execs:-0} / (took > 0 ? took : 1) ))" "$edges" "$features" "$corpus" "$status")
  echo "$line"
  summary+=("$line")
done

echo
echo "fuzzing: ${#targets[@]} targets, ${secs} s each; build $((built - start)) s, total $(($(date +%s) - start)) s"
printf '%s\n' "${summary[@]}"
if [ ${#failed[@]} -gt 0 ]; then
  echo "FAILED: ${failed[*]} (inputs under fuzz/artifacts/)" >&2
  exit 1
fi
