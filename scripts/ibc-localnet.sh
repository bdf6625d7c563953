#!/usr/bin/env bash
# Two chains joined by IBC: a 1-validator Agora localnet (agora-alpha-1) and a counterparty, the
# Hermes relayer (stock, from crates.io), and a transfer channel between them, in one command. The
# counterparty is a second Agora chain (agora-beta-1) or, with --counterparty simd, the Cosmos
# SDK v0.50 test chain of ibc-go v8.8.0 (simd-1, built by scripts/install-simd.sh).
#
#   scripts/ibc-localnet.sh up [--counterparty agora|simd]
#                                              build and install what is missing, start both chains,
#                                              open the channel (first run) and start Hermes
#   scripts/ibc-localnet.sh status [--json]    both chains, the channel ends, the relayer
#   scripts/ibc-localnet.sh relayer stop|start stop or start only Hermes (packets wait meanwhile)
#   scripts/ibc-localnet.sh down               stop Hermes and the chains, keep their data
#   scripts/ibc-localnet.sh reset              stop everything and wipe the data
#
# The dev account bob relays (Hermes signs with its key on both chains); alice is free for
# transfers (on simd too, with the same mnemonic). Environment: IBC_LOCALNET_DIR (default
# localnet/ibc), IBC_LOCALNET_BASE_PORT (default 27656: alpha uses it, the counterparty
# base+1000, as LOCALNET_BASE_PORT), IBC_LOCALNET_GRPC_PORT (default 9190: alpha, the
# counterparty +100), CARGO_TARGET_DIR, AGORAD_SKIP_BUILD (a prebuilt agorad).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DATA="${IBC_LOCALNET_DIR:-$ROOT/localnet/ibc}"
BASE_PORT="${IBC_LOCALNET_BASE_PORT:-27656}"
GRPC_PORT="${IBC_LOCALNET_GRPC_PORT:-9190}"
# Which counterparty this data directory was started with (the first `up` records it).
if [ -f "$DATA/counterparty" ]; then
  COUNTERPARTY="$(cat "$DATA/counterparty")"
else
  COUNTERPARTY=agora
fi
if [ "${1:-}" = up ] && [ "${2:-}" = --counterparty ]; then
  wanted="${3:-}"
  case "$wanted" in agora|simd) ;; *) echo "ibc-localnet: error: --counterparty agora or simd, not '$wanted'" >&2; exit 2 ;; esac
  if [ -f "$DATA/counterparty" ] && [ "$COUNTERPARTY" != "$wanted" ]; then
    echo "ibc-localnet: error: $DATA was started with counterparty $COUNTERPARTY (reset it first)" >&2
    exit 2
  fi
  COUNTERPARTY="$wanted"
fi
if [ "$COUNTERPARTY" = simd ]; then
  CHAINS=(agora-alpha-1 simd-1)
else
  CHAINS=(agora-alpha-1 agora-beta-1)
fi
SIMD_HOME="$DATA/simd-1"
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
    LOCALNET_API_BASE_PORT=$((GRPC_PORT + 100 * i + 50)) \
    LOCALNET_UNBONDING_TIME="${LOCALNET_UNBONDING_TIME:-3600s}" \
    LOCALNET_KEEP_RECENT="${LOCALNET_KEEP_RECENT:-10000}" \
    "$ROOT/scripts/localnet.sh" "$@"
}

rpc_port() { echo $((BASE_PORT + 1000 * $1 + 1)); }
grpc_port() { echo $((GRPC_PORT + 100 * $1)); }

# simd's stake as a voucher on alpha, arrived over alpha's channel-0.
stake_voucher() {
  printf 'ibc/%s' "$(printf '%s' transfer/channel-0/stake | sha256sum | cut -d' ' -f1 | tr a-f A-F)"
}

# --- the simd counterparty: one validator, alice and the relayer funded at genesis ---

simd_bin() {
  [ -f "$DATA/simd.bin" ] && cat "$DATA/simd.bin"
}

simd() {
  "$(simd_bin)" "$@"
}

# Whether the process recorded in pid file $1 runs; stop_pid stops it (and forgets it).
pid_running() {
  [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null
}

stop_pid() {
  if pid_running "$1"; then
    kill "$(cat "$1")" 2>/dev/null || true
    for _ in $(seq 1 50); do pid_running "$1" || break; sleep 0.2; done
  fi
  rm -f "$1"
}

simd_running() {
  pid_running "$SIMD_HOME/simd.pid"
}

simd_height() {
  curl -fsS "http://127.0.0.1:$(rpc_port 1)/status" 2>/dev/null |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["result"]["sync_info"]["latest_block_height"])' 2>/dev/null || echo 0
}

# The mnemonic of a dev account of the Agora chain (from its localnet status).
dev_mnemonic() {
  localnet 0 status --json | python3 -c 'import json,sys; print(next(a["mnemonic"] for a in json.load(sys.stdin)["accounts"] if a["name"] == sys.argv[1]))' "$1"
}

simd_init() {
  local home="$SIMD_HOME" keys=(--keyring-backend test --home "$SIMD_HOME")
  say "initialising simd-1 in $home"
  simd init val0 --chain-id simd-1 --default-denom stake --home "$home" >/dev/null 2>&1
  simd keys add val "${keys[@]}" >/dev/null 2>&1
  dev_mnemonic alice | simd keys add alice --recover "${keys[@]}" >/dev/null 2>&1
  printf '%s\n' "$RELAYER_MNEMONIC" | simd keys add relayer --recover "${keys[@]}" >/dev/null 2>&1
  for name in val alice relayer; do
    simd genesis add-genesis-account "$name" 1000000000000stake "${keys[@]}" >/dev/null
  done
  simd genesis gentx val 100000000000stake --chain-id simd-1 "${keys[@]}" >/dev/null 2>&1
  simd genesis collect-gentxs --home "$home" >/dev/null 2>&1
  python3 - "$home" "$(rpc_port 1)" "$((BASE_PORT + 1000))" "$(grpc_port 1)" <<'PY'
import re, sys
home, rpc, p2p, grpc = sys.argv[1:]
def edit(path, section_values):
    text = open(path).read()
    section = ""
    out = []
    for line in text.splitlines():
        header = re.match(r"^\[([^\]]+)\]\s*$", line)
        if header:
            section = header.group(1)
        key = re.match(r"^([A-Za-z0-9_.-]+)\s*=", line)
        if key and (section, key.group(1)) in section_values:
            line = f"{key.group(1)} = {section_values[(section, key.group(1))]}"
        out.append(line)
    open(path, "w").write("\n".join(out) + "\n")
edit(f"{home}/config/config.toml", {
    ("rpc", "laddr"): f'"tcp://127.0.0.1:{rpc}"',
    ("p2p", "laddr"): f'"tcp://127.0.0.1:{p2p}"',
    ("rpc", "pprof_laddr"): '""',
    ("consensus", "timeout_commit"): '"1s"',
    ("tx_index", "indexer"): '"kv"',
})
edit(f"{home}/config/app.toml", {
    ("", "minimum-gas-prices"): '"0.001stake"',
    ("api", "enable"): "false",
    ("grpc", "address"): f'"127.0.0.1:{grpc}"',
    ("grpc-web", "enable"): "false",
})
PY
}

simd_up() {
  if [ ! -x "$(simd_bin 2>/dev/null || true)" ]; then
    "$ROOT/scripts/install-simd.sh" | tail -n 1 > "$DATA/simd.bin"
  fi
  [ -f "$SIMD_HOME/config/genesis.json" ] || simd_init
  if simd_running; then
    say "simd-1 already running"
  else
    nohup "$(simd_bin)" start --home "$SIMD_HOME" >>"$SIMD_HOME/simd.log" 2>&1 &
    echo $! > "$SIMD_HOME/simd.pid"
  fi
  for _ in $(seq 1 120); do
    [ "$(simd_height)" -ge 2 ] && { say "simd-1 up: RPC http://127.0.0.1:$(rpc_port 1)"; return; }
    simd_running || die "simd-1 stopped; see $SIMD_HOME/simd.log"
    sleep 0.5
  done
  die "simd-1 made no block in 60 s; see $SIMD_HOME/simd.log"
}

simd_down() {
  stop_pid "$SIMD_HOME/simd.pid"
}

# simd-1's status in the shape of `localnet.sh status --json`.
simd_status_json() {
  local running=false alice
  simd_running && running=true
  alice="$(simd keys show alice -a --keyring-backend test --home "$SIMD_HOME" 2>/dev/null || true)"
  python3 - "$running" "$(rpc_port 1)" "$(grpc_port 1)" "$SIMD_HOME" "$alice" "$(simd_height)" "$(simd_bin)" <<'PY'
import json, sys
running, rpc, grpc, home, alice, height, binary = sys.argv[1:]
print(json.dumps({
    "chain_id": "simd-1", "kind": "simd", "binary": binary, "height": int(height),
    "nodes": [{"moniker": "val0", "rpc": f"http://127.0.0.1:{rpc}", "grpc": f"127.0.0.1:{grpc}", "home": home, "running": running == "true"}],
    "accounts": [{"name": "alice", "address": alice}],
}))
PY
}

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
      local prefix=agora denom=uagora
      if [ "$i" = 1 ] && [ "$COUNTERPARTY" = simd ]; then
        prefix=cosmos denom=stake
      fi
      cat <<TOML

[[chains]]
id = '${CHAINS[$i]}'
type = 'CosmosSdk'
rpc_addr = 'http://127.0.0.1:$(rpc_port "$i")'
grpc_addr = 'http://127.0.0.1:$(grpc_port "$i")'
event_source = { mode = 'push', url = 'ws://127.0.0.1:$(rpc_port "$i")/websocket', batch_delay = '200ms' }
rpc_timeout = '10s'
trusted_node = true
account_prefix = '$prefix'
key_name = 'relayer'
key_store_folder = '$HERMES_DIR/keys'
store_prefix = 'ibc'
# Used when a gas estimate fails (Hermes simulates each transaction; right after a block, before
# CometBFT has rechecked its mempool, a simulation of the next in a quick series sees an old
# sequence): enough for a full batch of 30 messages.
default_gas = 2000000
max_gas = 4000000
gas_price = { price = 0.001, denom = '$denom' }
gas_multiplier = 1.5
max_msg_num = 30
max_tx_size = 180000
clock_drift = '5s'
max_block_time = '10s'
trust_threshold = '1/3'
address_type = { derivation = 'cosmos' }
compat_mode = '0.38'
TOML
      if [ "$prefix" = agora ]; then
        # Agora proves with the JMT's ICS-23 spec (both levels), which Hermes cannot read from
        # the chain: the client states it creates of Agora carry these.
        printf "proof_specs = '''\n%s\n'''\n" "$specs"
      fi
    done
  } > "$HERMES_CONFIG"
}

cmd_up() {
  mkdir -p "$DATA"
  echo "$COUNTERPARTY" > "$DATA/counterparty"
  # With simd, leases on alpha may be paid in simd's stake as it arrives over the first channel
  # (channel-0 on a new chain): the voucher ibc/SHA256(transfer/channel-0/stake).
  local payment_denoms=""
  [ "$COUNTERPARTY" = simd ] && payment_denoms="$(stake_voucher)"
  LOCALNET_PAYMENT_DENOMS="$payment_denoms" localnet 0 up --validators 1
  if [ "$COUNTERPARTY" = simd ]; then
    simd_up
  else
    localnet 1 up --validators 1
  fi
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
  if [ "$COUNTERPARTY" = simd ] && ! grep -q '"a": {[^}]*"channel_id": "channel-0"' "$DATA/channel.json"; then
    say "warning: alpha's channel is not channel-0: leases cannot be paid in $(stake_voucher), the voucher genesis lists"
  fi
  relayer_start
  local ends
  ends="$(python3 -c 'import json,sys; c=json.load(open(sys.argv[1])); a, b = c["a"], c["b"]; print(a["chain_id"], a["channel_id"], "<->", b["chain_id"], b["channel_id"])' "$DATA/channel.json")"
  say "up: $ends, relayer log $HERMES_DIR/hermes.log"
}

relayer_running() {
  pid_running "$HERMES_DIR/hermes.pid"
}

relayer_start() {
  if relayer_running; then
    say "Hermes already running"
  else
    nohup "$(hermes_bin)" --config "$HERMES_CONFIG" start >>"$HERMES_DIR/hermes.log" 2>&1 &
    echo $! > "$HERMES_DIR/hermes.pid"
  fi
}

relayer_stop() {
  stop_pid "$HERMES_DIR/hermes.pid"
}

cmd_relayer() {
  [ -f "$DATA/channel.json" ] || die "no IBC localnet in $DATA (run: scripts/ibc-localnet.sh up)"
  case "${1:-}" in
    start) relayer_start; say "Hermes started" ;;
    stop) relayer_stop; say "Hermes stopped" ;;
    *) die "relayer start or relayer stop" ;;
  esac
}

cmd_down() {
  relayer_stop
  [ -d "$DATA/${CHAINS[0]}" ] && localnet 0 down
  if [ "$COUNTERPARTY" = simd ]; then
    simd_down
  elif [ -d "$DATA/${CHAINS[1]}" ]; then
    localnet 1 down
  fi
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
  if [ "$COUNTERPARTY" = simd ]; then
    b="$(simd_status_json)"
  else
    b="$(localnet 1 status --json)"
  fi
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
  relayer) shift; cmd_relayer "$@" ;;
  *) sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
