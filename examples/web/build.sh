#!/usr/bin/env bash
# Builds the example page into examples/web/dist/ (index.html, pkce.html, the .wasm and its JS
# glue) and reports the bundle size (gzipped .wasm + JS, also in target/wasm/bundle-size.txt).
#   ./build.sh            release build (opt-level "z", LTO: what you would deploy)
#   ./build.sh --debug    debug build
# Needs the wasm-bindgen CLI at the version of Cargo.lock (0.2.130) and a wasm32 toolchain:
# rustup's `wasm32-unknown-unknown` target when installed, else Debian's rustc-web/cargo-web +
# rust-web-src + lld-22 (std built from source with -Z build-std). See docs/browser.md.
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$(cd ../.. && pwd)
profile=release
case "${1:-}" in
  ""|--release) ;;
  --debug) profile=debug ;;
  *) echo "usage: $0 [--release|--debug]" >&2; exit 2 ;;
esac
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target/wasm}"
# The CLI must be the version of the wasm-bindgen crate (pinned in Cargo.toml).
want=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
have=$(wasm-bindgen --version 2>/dev/null | cut -d' ' -f2 || true)
if [ "$want" != "$have" ]; then
  echo "wasm-bindgen CLI ${have:-missing}, but Cargo.lock has wasm-bindgen $want:" >&2
  echo "  cargo install wasm-bindgen-cli --version $want   (or change the pin in Cargo.toml)" >&2
  exit 1
fi
flags=(--target wasm32-unknown-unknown)
[ "$profile" = release ] && flags+=(--release)
# Ask the compiler that will build (RUSTC when set, as scripts/wasm-test.sh sets Debian's): a
# machine with rustup's wasm32 target must not mix rustup's cargo with Debian's rustc.
if [ -d "$("${RUSTC:-rustc}" --print sysroot 2>/dev/null)/lib/rustlib/wasm32-unknown-unknown" ]; then
  cargo=cargo                                  # rustup's wasm32 target
else
  cargo=/usr/bin/cargo                         # Debian's toolchain, std from source
  export RUSTC_BOOTSTRAP=1 RUSTC=/usr/bin/rustc RUSTDOC=/usr/bin/rustdoc
  flags+=(-Z build-std=std,panic_abort --config 'target.wasm32-unknown-unknown.linker="wasm-ld-22"')
fi
start=$(date +%s)
nice -n 10 "$cargo" build "${flags[@]}"
wasm="$CARGO_TARGET_DIR/wasm32-unknown-unknown/$profile/purecloud_web_example.wasm"
rm -rf dist/*.wasm dist/*.js.tmp
bindgen_flags=(--target web --no-typescript --out-dir dist)
# Release: drop the function names (debugging aid, ~30% of the .wasm) as `strip` would, but
# after wasm-bindgen has read the target-features section.
[ "$profile" = release ] && bindgen_flags+=(--remove-name-section --remove-producers-section)
wasm-bindgen "${bindgen_flags[@]}" "$wasm"
cp index.html pkce.html logged-out.html dist/
[ -f dist/config.js ] || cp config.js dist/
echo "built dist/ ($profile) in $(( $(date +%s) - start )) s"

# Bundle size: what a browser downloads for the SDK (the page's HTML aside).
js=dist/purecloud_web_example.js
bg=dist/purecloud_web_example_bg.wasm
size() { stat -c %s "$1"; }
gz() { gzip -9 -c "$1" | wc -c; }
kb() { awk -v b="$1" 'BEGIN { printf "%.1f KB", b / 1024 }'; }
report="$CARGO_TARGET_DIR/bundle-size.txt"
{
  echo "examples/web bundle ($profile; features reqwest + users; wasm-bindgen $(wasm-bindgen --version | cut -d' ' -f2))"
  printf '  %-34s %10s raw %10s gzip -9\n' "$(basename "$bg")" "$(kb "$(size "$bg")")" "$(kb "$(gz "$bg")")"
  printf '  %-34s %10s raw %10s gzip -9\n' "$(basename "$js")" "$(kb "$(size "$js")")" "$(kb "$(gz "$js")")"
  total=$(( $(gz "$bg") + $(gz "$js") ))
  echo "  total gzipped: $(kb "$total") (target: <= 500 KB)"
  if command -v wasm-opt >/dev/null; then
    wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
      --enable-mutable-globals --enable-reference-types --enable-multivalue "$bg" -o "$bg.opt"
    echo "  after wasm-opt -Oz: .wasm $(kb "$(size "$bg.opt")") raw, $(kb "$(gz "$bg.opt")") gzip -9"
    rm -f "$bg.opt"
  fi
} | tee "$report"
