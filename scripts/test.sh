#!/usr/bin/env bash
# The project's test command (README: "Run the tests"); .ci/run calls it after installing tools.
#   1. generated code is up to date with the spec (codegen drift),
#   2. formatting and clippy,
#   3. every test of the workspace with every API group enabled: generator unit tests, the JSON
#      codec, the simulator (all 3,356 operations over HTTP), the SDK's request-building test for
#      every operation, the round trip of every model, the SDK against the simulator,
#   4. the official SDKs against the simulator: the JavaScript SDK over every operation it has,
#      each answer JSON of the declared shape, its README snippets and its own integration flow
#      (tests/js-sdk, Node); the Python SDK over every operation, each answer decoded into its
#      typed model, and its own integration flow (tests/python-sdk),
#   5. the SDK built for wasm32 and tested in headless Chromium against the simulator,
#   6. docs build (default features) and the publishable crates package,
#   7. the fuzz targets (fuzz/), each for a bounded time (docs/fuzzing.md).
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

step "codegen drift: regenerate and compare"
cargo run --quiet -p purecloud-codegen -- --check

step "cargo fmt --check"
cargo fmt --all -- --check
cargo fmt --manifest-path fuzz/Cargo.toml -- --check

step "cargo clippy (all targets, all features)"
cargo clippy --workspace --all-targets --all-features --quiet -- -D warnings

step "cargo test (all features)"
cargo test --workspace --all-features

step "the quickstart (README's first command) against the embedded simulator"
env -u GENESYS_CLOUD_CLIENT_ID -u GENESYS_CLOUD_CLIENT_SECRET \
  cargo run --quiet -p purecloud-platform-client-v2 --example quickstart > target/quickstart.out
grep -q "Hello, Sim User!" target/quickstart.out && grep -q "^Done.$" target/quickstart.out
echo "quickstart: ok ($(wc -l < target/quickstart.out) lines of output)"

step "the examples, one per capability (README \"Examples\"), against the embedded simulator"
for example in errors_and_retries logging_and_tracing token_persistence simulator_in_tests mock_rules; do
  env -u GENESYS_CLOUD_CLIENT_ID -u GENESYS_CLOUD_CLIENT_SECRET \
    cargo run --quiet -p purecloud-platform-client-v2 --example "$example" > "target/example-$example.out"
  grep -q "^Done.$" "target/example-$example.out" \
    || { cat "target/example-$example.out"; echo "$example: no \"Done.\" line" >&2; exit 1; }
  echo "$example: ok ($(wc -l < "target/example-$example.out") lines of output)"
done

step "the official JavaScript SDK (npm purecloud-platform-client-v2) against the simulator: every operation, its README snippets and integration flow"
scripts/js-sdk-test.sh

step "the official Python SDK (PyPI PureCloudPlatformClientV2) against the simulator: every operation, its integration flow"
scripts/python-sdk-test.sh

step "the SDK in a browser: wasm32 build, wasm-bindgen tests and the example page in headless Chromium"
scripts/wasm-test.sh

step "cargo doc (default features)"
RUSTDOCFLAGS="-D warnings" cargo doc --no-deps --quiet -p purecloud-platform-client-v2 -p purecloud-platform-client-v2-models

step "packages stay publishable and under the 10 MB limit"
scripts/package-check.sh

step "fuzzing: every fuzz target for a bounded time (scripts/fuzz.sh; FUZZ_SECONDS, default 20 s each)"
scripts/fuzz.sh "${FUZZ_SECONDS:-20}"
