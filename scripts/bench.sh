#!/usr/bin/env bash
# Benchmarks. Prints one JSON object per line: {"name":…,"value":…,"unit":…}. Progress on stderr.
#   scripts/bench.sh            all benchmarks
#   scripts/bench.sh app store  only some (app, market, pos, store, ibc, incentive, challenges, localnet, ibc-localnet)
#   AGORA_BENCH_LEASES=100000 scripts/bench.sh market   a quicker market run (default 1,000,000 leases)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
source "$ROOT/scripts/env.sh"
which=("$@")
# ibc-localnet only when asked: Hermes clears a burst of 1,000 transfers 50 at a time (see the
# IBC issue), which takes many minutes.
[ ${#which[@]} -gt 0 ] || which=(app market pos store ibc incentive challenges localnet)

agora_setup
# The whole workspace, as scripts/test.sh builds it: the same features, no second compile.
cargo build --release --locked -q --workspace --bins >&2

for bench in "${which[@]}"; do
  case "$bench" in
    app) "$CARGO_TARGET_DIR/release/app-bench" ;;
    market) "$CARGO_TARGET_DIR/release/market-bench" ;;
    pos) "$CARGO_TARGET_DIR/release/pos-bench" ;;
    store) "$CARGO_TARGET_DIR/release/store-bench" ;;
    ibc) cargo bench --locked -q -p agora-app --bench ibc_recv ;;
    incentive) cargo bench --locked -q -p agora-incentive --bench epoch ;;
    challenges) cargo bench --locked -q -p agora-slashing --bench challenges ;;
    localnet) "$ROOT/scripts/bench-localnet.sh" ;;
    ibc-localnet) "$ROOT/scripts/install-hermes.sh" >/dev/null; "$ROOT/scripts/bench-ibc-localnet.sh" ;;
    *) echo "unknown benchmark $bench" >&2; exit 2 ;;
  esac
done
