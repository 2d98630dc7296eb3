#!/usr/bin/env bash
# Packages every crate a user depends on and checks each .crate file is under the Rust package registry's 10 MB
# limit. The vendored spec and the generator are not part of any library package.
set -euo pipefail
cd "$(dirname "$0")/.."
crates=(purecloud-platform-client-v2-models purecloud-platform-client-v2-models-part1
        purecloud-platform-client-v2-models-part2 purecloud-platform-client-v2-models-part3
        purecloud-platform-client-v2)
args=()
for c in "${crates[@]}"; do args+=(-p "$c"); done
# Verification unpacks each .crate of the local overlay under $CARGO_HOME/registry/src/<hash of
# this checkout's path>/ and builds it in target/debug, and cargo takes a registry crate of the
# same name and version as unchanged: an earlier run from an older commit at the same path would
# be verified instead of this tree (seen: part crates checked against the previous day's shared
# crate). So both are removed first; these crates only ever come from the overlay.
rm -rf "${CARGO_HOME:-$HOME/.cargo}"/registry/src/*/purecloud-platform-client-v2*
for c in "${crates[@]}"; do cargo clean --quiet -p "$c" 2>/dev/null || true; done
# Verification builds each package from its .crate (default features; the unpublished crates of
# this workspace are served to each other from a local overlay) in its own target directory.
cargo package --quiet --allow-dirty "${args[@]}"
limit=$((10 * 1024 * 1024))
for c in "${crates[@]}"; do
  f=$(ls target/package/"$c"-[0-9]*.crate | tail -n 1)
  size=$(stat -c %s "$f")
  printf '%-50s %8d KiB\n' "$(basename "$f")" $((size / 1024))
  if [ "$size" -ge "$limit" ]; then echo "error: $f is over 10 MB" >&2; exit 1; fi
  if tar -tzf "$f" | grep -q 'platform-api-v2.json'; then echo "error: $f contains the spec" >&2; exit 1; fi
done
