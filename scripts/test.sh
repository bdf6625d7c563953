#!/usr/bin/env bash
# The whole test suite: unit, in-process app, snapshot and end-to-end tests (real CometBFT
# nodes on 127.0.0.1). Installs what a fresh machine lacks first.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
source "$ROOT/scripts/env.sh"
agora_setup --tests

# One package selection (the whole workspace) for every step, so that cargo resolves the same
# features each time: the tests recompile only what their dev-dependencies change, and the
# end-to-end step nothing.
echo "== building agorad and the benchmarks (release)" >&2
cargo build --release --locked --workspace --bins
export AGORAD="$CARGO_TARGET_DIR/release/agorad"

echo "== unit, app and snapshot tests" >&2
cargo test --release --locked --workspace

# The IBC end-to-end tests relay with stock Hermes (crates.io) to a second Agora chain and to
# ibc-go's simd: both installed outside the clone, once per machine.
echo "== installing the Hermes relayer and ibc-go's simd (once per machine)" >&2
"$ROOT/scripts/install-hermes.sh" >/dev/null
"$ROOT/scripts/install-simd.sh" >/dev/null

# The end-to-end tests are #[ignore]d above: each starts its own localnet, one at a time.
echo "== end-to-end tests (real CometBFT localnets on 127.0.0.1)" >&2
cargo test --release --locked --workspace --test localnet --test market_demo --test export --test ibc -- --ignored --test-threads=1
