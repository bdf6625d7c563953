#!/usr/bin/env bash
# Two Agora chains joined by IBC: a 1-validator localnet each (agora-alpha-1, agora-beta-1), the
# Hermes relayer (stock, from crates.io), and a transfer channel between them, in one command.
#
#   scripts/ibc-localnet.sh up                 build and install what is missing, start both chains,
#                                              open the channel (first run) and start Hermes
#   scripts/ibc-localnet.sh status [--json]    both chains, the channel ends, the relayer
#   scripts/ibc-localnet.sh down               stop Hermes and the chains, keep their data
#   scripts/ibc-localnet.sh reset              stop everything and wipe the data
#
# The dev account bob relays (Hermes signs with its key on both chains); alice is free for
# transfers. Environment: IBC_LOCALNET_DIR (default localnet/ibc), IBC_LOCALNET_BASE_PORT
# (default 27656: alpha uses it, beta base+1000, as LOCALNET_BASE_PORT), IBC_LOCALNET_GRPC_PORT
# (default 9190: alpha, beta +100), CARGO_TARGET_DIR, AGORAD_SKIP_BUILD (a prebuilt agorad).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DATA="${IBC_LOCALNET_DIR:-$ROOT/localnet/ibc}"
BASE_PORT="${IBC_LOCALNET_BASE_PORT:-27656}"
GRPC_PORT="${IBC_LOCALNET_GRPC_PORT:-9190}"
CHAINS=(agora-alpha-1 agora-beta-1)
RELAYER_MNEMONIC="tackle elegant evoke range august frequent scout bird opinion people blanket sugar news ensure reveal shallow suffer crane will advice faith buzz attack illegal"
HERMES_DIR="$DATA/hermes"
HERMES_CONFIG="$HERMES_DIR/config.toml"

say() { echo "ibc-localnet: $*" >&2; }
die() { echo "ibc-localnet: error: $*" >&2; exit 1; }

# localnet.sh for chain i (0 = alpha, 1 = beta), with its directory, ports and chain id.
localnet() {
  local i="$1"; shift
  LOCALNET_DIR="$DATA/${CHAINS[$i]}" \
    LOCALNET_CHAIN_ID="${CHAINS[$i]}" \
    LOCALNET_BASE_PORT=$((BASE_PORT + 1000 * i)) \
    LOCALNET_GRPC_BASE_PORT=$((GRPC_PORT + 100 * i)) \
    LOCALNET_UNBONDING_TIME="${LOCALNET_UNBONDING_TIME:-3600s}" \
    "$ROOT/scripts/localnet.sh" "$@"
}

rpc_port() { echo $((BASE_PORT + 1000 * $1 + 1)); }
grpc_port() { echo $((GRPC_PORT + 100 * $1)); }

hermes_bin() {
  [ -f "$DATA/hermes.bin" ] && cat "$DATA/hermes.bin"
}

hermes() {
  "$(hermes_bin)" --config "$HERMES_CONFIG" "$@"
}

write_hermes_config() {
  mkdir -p "$HERMES_DIR"
  local specs
  specs="$(cat "$ROOT/scripts/ibc/agora-proof-specs.json")"
  {
    cat <<TOML
[global]
log_level = 'info'

[mode.clients]
enabled = true
refresh = true
misbehaviour = false

[mode.connections]
enabled = false

[mode.channels]
enabled = false

[mode.packets]
enabled = true
clear_interval = 20
clear_on_start = true
tx_confirmation = true

[rest]
enabled = false
host = '127.0.0.1'
port = 3000

[telemetry]
enabled = false
host = '127.0.0.1'
port = 3001
TOML
    for i in 0 1; do
      cat <<TOML

[[chains]]
id = '${CHAINS[$i]}'
type = 'CosmosSdk'
rpc_addr = 'http://127.0.0.1:$(rpc_port "$i")'
grpc_addr = 'http://127.0.0.1:$(grpc_port "$i")'
event_source = { mode = 'push', url = 'ws://127.0.0.1:$(rpc_port "$i")/websocket', batch_delay = '200ms' }
rpc_timeout = '10s'
trusted_node = true
account_prefix = 'agora'
key_name = 'relayer'
key_store_folder = '$HERMES_DIR/keys'
store_prefix = 'ibc'
default_gas = 400000
max_gas = 4000000
gas_price = { price = 0.001, denom = 'uagora' }
gas_multiplier = 1.5
max_msg_num = 30
max_tx_size = 180000
clock_drift = '5s'
max_block_time = '10s'
trust_threshold = '1/3'
address_type = { derivation = 'cosmos' }
compat_mode = '0.38'
# Agora proves with the JMT's ICS-23 spec (both levels), which Hermes cannot read from the
# chain: the client states it creates of Agora carry these.
proof_specs = '''
$specs
'''
TOML
    done
  } > "$HERMES_CONFIG"
}

cmd_up() {
  for i in 0 1; do
    localnet "$i" up --validators 1
  done
  if [ ! -x "$(hermes_bin 2>/dev/null || true)" ]; then
    "$ROOT/scripts/install-hermes.sh" | tail -n 1 > "$DATA/hermes.bin"
  fi
  write_hermes_config
  if [ ! -f "$DATA/channel.json" ]; then
    local mnemonic="$HERMES_DIR/relayer.mnemonic"
    printf '%s\n' "$RELAYER_MNEMONIC" > "$mnemonic"
    for chain in "${CHAINS[@]}"; do
      hermes keys add --chain "$chain" --mnemonic-file "$mnemonic" --overwrite >/dev/null
    done
    say "opening a transfer channel (clients, connection, channel)..."
    hermes --json create channel --a-chain "${CHAINS[0]}" --b-chain "${CHAINS[1]}" --a-port transfer --b-port transfer \
      --new-client-connection --yes > "$HERMES_DIR/create-channel.json" 2>"$HERMES_DIR/create-channel.log" \
      || die "hermes create channel failed; see $HERMES_DIR/create-channel.log"
    python3 - "$HERMES_DIR/create-channel.json" "$DATA/channel.json" "${CHAINS[0]}" "${CHAINS[1]}" <<'PY'
import json, sys
result = None
for line in open(sys.argv[1]):
    line = line.strip()
    if line.startswith("{"):
        doc = json.loads(line)
        if doc.get("status") == "success":
            result = doc["result"]
if not result:
    sys.exit("no successful result in " + sys.argv[1])
a, b = result["a_side"], result["b_side"]
json.dump({"a": {"chain_id": sys.argv[3], "client_id": a["client_id"], "connection_id": a["connection_id"], "channel_id": a["channel_id"], "port_id": a["port_id"]},
           "b": {"chain_id": sys.argv[4], "client_id": b["client_id"], "connection_id": b["connection_id"], "channel_id": b["channel_id"], "port_id": b["port_id"]}},
          open(sys.argv[2], "w"))
PY
  fi
  if relayer_running; then
    say "Hermes already running"
  else
    nohup "$(hermes_bin)" --config "$HERMES_CONFIG" start >>"$HERMES_DIR/hermes.log" 2>&1 &
    echo $! > "$HERMES_DIR/hermes.pid"
  fi
  local ends
  ends="$(python3 -c 'import json,sys; c=json.load(open(sys.argv[1])); a, b = c["a"], c["b"]; print(a["chain_id"], a["channel_id"], "<->", b["chain_id"], b["channel_id"])' "$DATA/channel.json")"
  say "up: $ends, relayer log $HERMES_DIR/hermes.log"
}

relayer_running() {
  [ -f "$HERMES_DIR/hermes.pid" ] && kill -0 "$(cat "$HERMES_DIR/hermes.pid")" 2>/dev/null
}

cmd_down() {
  if relayer_running; then
    kill "$(cat "$HERMES_DIR/hermes.pid")" 2>/dev/null || true
    for _ in $(seq 1 50); do relayer_running || break; sleep 0.2; done
  fi
  rm -f "$HERMES_DIR/hermes.pid"
  for i in 0 1; do
    [ -d "$DATA/${CHAINS[$i]}" ] && localnet "$i" down
  done
  say "stopped (data kept in $DATA)"
}

cmd_reset() {
  cmd_down
  rm -rf "$DATA"
  say "wiped $DATA"
}

cmd_status() {
  local json=0
  [ "${1:-}" = "--json" ] && json=1
  [ -f "$DATA/channel.json" ] || die "no IBC localnet in $DATA (run: scripts/ibc-localnet.sh up)"
  local a b running=false
  a="$(localnet 0 status --json)"
  b="$(localnet 1 status --json)"
  relayer_running && running=true
  python3 - "$json" "$DATA/channel.json" "$running" "$HERMES_CONFIG" "$HERMES_DIR/hermes.log" "$(hermes_bin)" <<PY
import json, sys
as_json, channel, running, config, log, binary = sys.argv[1] == "1", json.load(open(sys.argv[2])), sys.argv[3] == "true", sys.argv[4], sys.argv[5], sys.argv[6]
chains = [json.loads('''$a'''), json.loads('''$b''')]
for chain, side in zip(chains, ("a", "b")):
    chain["ibc"] = channel[side]
status = {"chains": chains, "relayer": {"binary": binary, "config": config, "log": log, "running": running}}
if as_json:
    print(json.dumps(status))
else:
    for c in chains:
        print(f"{c['chain_id']}: rpc {c['nodes'][0]['rpc']}  grpc {c['nodes'][0]['grpc']}  {c['ibc']['port_id']}/{c['ibc']['channel_id']} over {c['ibc']['connection_id']} (client {c['ibc']['client_id']})")
    print(f"relayer: {'running' if running else 'stopped'}  ({config}, log {log})")
PY
}

case "${1:-}" in
  up) shift; cmd_up "$@" ;;
  down) cmd_down ;;
  reset) cmd_reset ;;
  status) shift; cmd_status "$@" ;;
  *) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
