#!/usr/bin/env bash
# bank_send_tps_localnet: sends committed per second on a 1-validator localnet under the
# `agorad load` generator. Runs its own localnet in a temporary directory on spare ports.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/agora/target}"
export AGORAD="${AGORAD:-$CARGO_TARGET_DIR/release/agorad}"
export LOCALNET_DIR="$(mktemp -d)"
export LOCALNET_BASE_PORT="${BENCH_BASE_PORT:-31656}"
export LOCALNET_GRPC_BASE_PORT=$((LOCALNET_BASE_PORT + 50))
export LOCALNET_API_BASE_PORT=$((LOCALNET_BASE_PORT + 60))
export LOCALNET_CHAIN_ID=agora-bench
export AGORAD_SKIP_BUILD=1
COUNT="${BENCH_LOCALNET_TXS:-4000}"

cleanup() { "$ROOT/scripts/localnet.sh" down >/dev/null 2>&1 || true; rm -rf "$LOCALNET_DIR"; }
trap cleanup EXIT

"$ROOT/scripts/localnet.sh" up --validators 1 >&2
KEYS="$LOCALNET_DIR/keys"
TO="$("$AGORAD" keys show validator0 -a --home "$KEYS")"
"$AGORAD" load --from alice,bob --to "$TO" --count "$COUNT" --fees 2000uagora \
  --home "$KEYS" --node "http://127.0.0.1:$((LOCALNET_BASE_PORT + 1))"
