#!/usr/bin/env bash
# The whole test suite: unit, in-process app, snapshot and end-to-end tests (real CometBFT
# nodes on 127.0.0.1). Installs what a fresh machine lacks first.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
source "$ROOT/scripts/env.sh"
agora_setup

echo "== building agorad (release)" >&2
cargo build --release --locked -p agorad
export AGORAD="$CARGO_TARGET_DIR/release/agorad"

echo "== unit, app and snapshot tests" >&2
cargo test --release --locked --workspace --exclude agora-e2e

echo "== end-to-end tests (real CometBFT localnets on 127.0.0.1)" >&2
cargo test --release --locked -p agora-e2e -- --test-threads=1
