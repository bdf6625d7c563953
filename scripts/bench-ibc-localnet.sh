#!/usr/bin/env bash
# ibc_hermes_relay_1000_transfers_s: seconds for stock Hermes to relay 1,000 ICS-20 transfers
# between the two Agora chains of scripts/ibc-localnet.sh (received on beta and acknowledged on
# alpha), counted from the moment all 1,000 are committed on alpha. alice sends them with
# `hermes tx ft-transfer` (batched as Hermes batches, max_msg_num 30) while the relayer runs on
# bob's key. Runs its own pair in a temporary directory on spare ports.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/agora/target}"
export AGORAD="${AGORAD:-$CARGO_TARGET_DIR/release/agorad}"
export IBC_LOCALNET_DIR="$(mktemp -d)"
export IBC_LOCALNET_BASE_PORT="${BENCH_IBC_BASE_PORT:-17656}"
export IBC_LOCALNET_GRPC_PORT="${BENCH_IBC_GRPC_PORT:-17500}"
export AGORAD_SKIP_BUILD=1
COUNT="${BENCH_IBC_TRANSFERS:-1000}"
ALPHA_RPC="http://127.0.0.1:$((IBC_LOCALNET_BASE_PORT + 1))"
BETA_RPC="http://127.0.0.1:$((IBC_LOCALNET_BASE_PORT + 1001))"

cleanup() { "$ROOT/scripts/ibc-localnet.sh" reset >/dev/null 2>&1 || true; rm -rf "$IBC_LOCALNET_DIR"; }
trap cleanup EXIT

"$ROOT/scripts/ibc-localnet.sh" up >&2
status="$("$ROOT/scripts/ibc-localnet.sh" status --json)"
field() { python3 -c "import json,sys; s=json.loads(sys.argv[1]); print(eval(sys.argv[2]))" "$status" "$1"; }
channel="$(field 's["chains"][0]["ibc"]["channel_id"]')"
beta_channel="$(field 's["chains"][1]["ibc"]["channel_id"]')"
alice="$(field 'next(a["address"] for a in s["chains"][0]["accounts"] if a["name"] == "alice")')"
mnemonic="$IBC_LOCALNET_DIR/alice.mnemonic"
field 'next(a["mnemonic"] for a in s["chains"][0]["accounts"] if a["name"] == "alice")' > "$mnemonic"
hermes=("$(cat "$IBC_LOCALNET_DIR/hermes.bin")" --config "$IBC_LOCALNET_DIR/hermes/config.toml")
"${hermes[@]}" keys add --chain agora-alpha-1 --key-name alice --mnemonic-file "$mnemonic" --overwrite >/dev/null
voucher="ibc/$("$AGORAD" query ibc-transfer denom-hash "transfer/$beta_channel/uagora" --node "$BETA_RPC" -o json 2>/dev/null |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["hash"])' 2>/dev/null || true)"
if [ "$voucher" = "ibc/" ]; then
  # No trace on beta yet: the hash is SHA-256 of the trace path, as ICS-20 names vouchers.
  voucher="ibc/$(printf '%s' "transfer/$beta_channel/uagora" | sha256sum | cut -d' ' -f1 | tr a-f A-F)"
fi

echo "bench-ibc: alice sends $COUNT transfers over $channel..." >&2
"${hermes[@]}" tx ft-transfer --src-chain agora-alpha-1 --dst-chain agora-beta-1 --src-port transfer --src-channel "$channel" \
  --amount 1 --denom uagora --number-msgs "$COUNT" --key-name alice --receiver "$alice" --timeout-seconds 600 >"$IBC_LOCALNET_DIR/ft-transfer.log" 2>&1 \
  || { cat "$IBC_LOCALNET_DIR/ft-transfer.log" >&2; exit 1; }
start=$(date +%s.%N)

received() {
  "$AGORAD" query bank balances "$alice" --node "$BETA_RPC" -o json |
    python3 -c 'import json,sys; print(next((int(c["amount"]) for c in json.load(sys.stdin)["balances"] if c["denom"] == sys.argv[1]), 0))' "$voucher"
}
pending() {
  "$AGORAD" query ibc packet-commitments transfer "$channel" --node "$ALPHA_RPC" -o json |
    python3 -c 'import json,sys; print(len(json.load(sys.stdin)["sequences"]))'
}
deadline=$(( $(date +%s) + 900 ))
while :; do
  r="$(received)"; p="$(pending)"
  [ "$r" -ge "$COUNT" ] && [ "$p" -eq 0 ] && break
  [ "$(date +%s)" -lt "$deadline" ] || { echo "bench-ibc: after 900 s, $r received and $p unacknowledged" >&2; exit 1; }
  sleep 0.5
done
end=$(date +%s.%N)
python3 -c 'import json,sys; print(json.dumps({"name": "ibc_hermes_relay_1000_transfers_s", "value": round(float(sys.argv[2]) - float(sys.argv[1]), 1), "unit": "s", "transfers": int(sys.argv[3]), "relayer": "hermes 1.10.5"}))' "$start" "$end" "$COUNT"
