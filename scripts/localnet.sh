#!/usr/bin/env bash
# Agora localnet: N validators on 127.0.0.1, each `agorad start` running CometBFT as its child.
#
#   scripts/localnet.sh up [--validators N]   build what is missing, create the network if needed, start it
#   scripts/localnet.sh join [--validator-key-of I]
#                                             add and start a full node that syncs from the others;
#                                             with --validator-key-of it signs with node I's validator
#                                             key, so the two double-sign (to rehearse slashing)
#   scripts/localnet.sh status [--json]       chain id, nodes (rpc, grpc, rest, home) and dev accounts
#   scripts/localnet.sh down                  stop the nodes, keep their data
#   scripts/localnet.sh reset                 stop the nodes and wipe their data
#
# Environment: LOCALNET_DIR (default localnet/data), LOCALNET_BASE_PORT (default 26656; node i uses
# base+100*i for p2p, +1 RPC, +2 ABCI), LOCALNET_GRPC_BASE_PORT (default 9090), LOCALNET_API_BASE_PORT
# (default 1317: the REST gateway of node i on base+i), LOCALNET_CHAIN_ID
# (default agora-localnet), LOCALNET_BLOCK_TIME (default 1s), LOCALNET_UNBONDING_TIME (default
# 120s), LOCALNET_SIGNED_BLOCKS_WINDOW (default 100 blocks), LOCALNET_DOWNTIME_JAIL (default 60
# seconds), LOCALNET_VOTING_PERIOD (default 120 seconds), LOCALNET_PAYMENT_DENOMS (denoms leases
# may be paid in besides uagora, comma separated: e.g. an IBC voucher), LOCALNET_KEEP_RECENT (versions
# each node keeps queryable, app.toml's pruning_keep_recent), CARGO_TARGET_DIR.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DATA="${LOCALNET_DIR:-$ROOT/localnet/data}"
BASE_PORT="${LOCALNET_BASE_PORT:-26656}"
GRPC_BASE_PORT="${LOCALNET_GRPC_BASE_PORT:-9090}"
API_BASE_PORT="${LOCALNET_API_BASE_PORT:-1317}"
CHAIN_ID="${LOCALNET_CHAIN_ID:-agora-localnet}"
BLOCK_TIME="${LOCALNET_BLOCK_TIME:-1s}"
source "$ROOT/scripts/env.sh"
AGORAD="${AGORAD:-$CARGO_TARGET_DIR/release/agorad}"

# Development accounts, funded at genesis. Their mnemonics are public: never use them elsewhere.
DEV_ACCOUNTS=(alice bob)
declare -A MNEMONIC=(
  [alice]="clinic debris motion language public rural family fringe eagle fancy replace galaxy gap volcano gorilla exercise home track follow gym inject step wise moon"
  [bob]="tackle elegant evoke range august frequent scout bird opinion people blanket sugar news ensure reveal shallow suffer crane will advice faith buzz attack illegal"
)
DEV_BALANCE="1000000000000uagora"
# Bob's provider operator key (a hot key that answers liveness challenges, so bob's own key,
# which controls the bond, signs nothing automatically), and the watcher that answers them.
OPERATOR_KEY=bob-ops
OPERATOR_BALANCE="10000000000uagora"
WATCH_FEES="5000uagora"
VALIDATOR_BALANCE="1000000000uagora"
# Each validator's self-delegation in its gentx (power 100).
SELF_DELEGATION="100000000uagora"
UNBONDING_TIME="${LOCALNET_UNBONDING_TIME:-120s}"
# Liveness window (blocks) and downtime jail (seconds) of the localnet's slashing parameters.
SIGNED_BLOCKS_WINDOW="${LOCALNET_SIGNED_BLOCKS_WINDOW:-100}"
DOWNTIME_JAIL="${LOCALNET_DOWNTIME_JAIL:-60}"
# Governance's deposit and voting periods, in seconds (the expedited vote takes half).
VOTING_PERIOD="${LOCALNET_VOTING_PERIOD:-120}"

say() { echo "localnet: $*" >&2; }
die() { echo "localnet: error: $*" >&2; exit 1; }

node_home() { echo "$DATA/node$1"; }
p2p_port() { echo $((BASE_PORT + 100 * $1)); }
rpc_port() { echo $((BASE_PORT + 100 * $1 + 1)); }
abci_port() { echo $((BASE_PORT + 100 * $1 + 2)); }
grpc_port() { echo $((GRPC_BASE_PORT + $1)); }
api_port() { echo $((API_BASE_PORT + $1)); }
node_count() { ls -d "$DATA"/node* 2>/dev/null | wc -l; }

ensure_tools() {
  if [ -n "${AGORAD_SKIP_BUILD:-}" ]; then
    # A prebuilt agorad (the tests, the benchmarks) needs only CometBFT.
    local cometbft
    cometbft="$("$ROOT/scripts/install-cometbft.sh" | tail -n 1)" || die "could not install CometBFT (see above)"
    export PATH="$(dirname "$cometbft"):$PATH"
  else
    agora_setup || die "could not install what the build needs (see above)"
    say "building agorad (release; the first build takes several minutes)..."
    (cd "$ROOT" && cargo build --release --locked -q -p agorad) || die "cargo build failed"
  fi
  [ -x "$AGORAD" ] || die "agorad not found at $AGORAD"
}

# Edits `key = value` lines of a CometBFT config.toml (first match after an optional [section]).
set_toml() {
  local file="$1" section="$2" key="$3" value="$4"
  python3 - "$file" "$section" "$key" "$value" <<'PY'
import re, sys
path, section, key, value = sys.argv[1:]
lines = open(path).read().split("\n")
current = ""
for i, line in enumerate(lines):
    m = re.match(r"^\[(.+)\]\s*$", line)
    if m:
        current = m.group(1)
        continue
    if current == section and re.match(rf"^{re.escape(key)}\s*=", line):
        lines[i] = f"{key} = {value}"
        break
else:
    sys.exit(f"{key} not found in [{section or 'top'}] of {path}")
open(path, "w").write("\n".join(lines))
PY
}

create() {
  local n="$1"
  say "creating a $n-validator network in $DATA (chain id $CHAIN_ID)"
  mkdir -p "$DATA"
  local keys="$DATA/keys"
  for ((i = 0; i < n; i++)); do
    "$AGORAD" init "node$i" --chain-id "$CHAIN_ID" --home "$(node_home "$i")" >/dev/null
  done
  local genesis="$(node_home 0)/config/genesis.json"
  for name in "${DEV_ACCOUNTS[@]}"; do
    printf '%s\n' "${MNEMONIC[$name]}" | "$AGORAD" keys add "$name" --recover --home "$keys" >/dev/null
    "$AGORAD" genesis add-account "$("$AGORAD" keys show "$name" -a --home "$keys")" "$DEV_BALANCE" --home "$(node_home 0)"
  done
  "$AGORAD" keys add "$OPERATOR_KEY" --home "$keys" -o json > "$DATA/$OPERATOR_KEY.key.json"
  "$AGORAD" genesis add-account "$("$AGORAD" keys show "$OPERATOR_KEY" -a --home "$keys")" "$OPERATOR_BALANCE" --home "$(node_home 0)"
  for ((i = 0; i < n; i++)); do
    "$AGORAD" keys add "validator$i" --home "$keys" -o json > "$DATA/validator$i.key.json"
    "$AGORAD" genesis add-account "$("$AGORAD" keys show "validator$i" -a --home "$keys")" "$VALIDATOR_BALANCE" --home "$(node_home 0)"
  done
  # Localnet staking: unbonding in $UNBONDING_TIME instead of 21 days; a shorter liveness
  # window and downtime jail.
  python3 - "$genesis" "$UNBONDING_TIME" "$SIGNED_BLOCKS_WINDOW" "$DOWNTIME_JAIL" "$VOTING_PERIOD" "${LOCALNET_PAYMENT_DENOMS:-}" <<'PY'
import json, sys
path, unbonding, window, jail, voting = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
payment_denoms = [d.strip() for d in sys.argv[6].split(",") if d.strip()]
doc = json.load(open(path))
deployment = doc["app_state"].setdefault("deployment", {}).setdefault("params", {})
allowed = deployment.setdefault("allowed_payment_denoms", ["uagora"])
allowed.extend(d for d in payment_denoms if d not in allowed)
doc["app_state"].setdefault("staking", {}).setdefault("params", {})["unbonding_time"] = unbonding
slashing = doc["app_state"].setdefault("slashing", {}).setdefault("params", {})
slashing["signed_blocks_window"] = window
slashing["downtime_jail_duration"] = jail
gov = doc["app_state"].setdefault("gov", {}).setdefault("params", {})
gov["max_deposit_period"] = gov["voting_period"] = f"{voting}s"
gov["expedited_voting_period"] = f"{max(voting // 2, 1)}s"
# Milestone grants' release votes take half the voting period, with a 20% quorum.
doc["app_state"]["gov"]["grant_params"] = {"release_voting_period_seconds": max(voting // 2, 1), "release_quorum": "0.2"}
# Provider incentives: epochs of 60 blocks, the example provider's A100s weighted (a real
# chain's governance names its classes), and verified idle GPUs paid at any utilization (no
# floor: a localnet's demand is a few leases), so rewards show within minutes.
incentive = doc["app_state"].setdefault("incentive", {}).setdefault("params", {})
incentive["epoch_blocks"] = 60
incentive["idle_floor_bps"] = 0
incentive["class_weights"] = [{"class": {"vendor": "nvidia", "model": "a100", "vram_gib": 80, "interface": "sxm"}, "weight": 1}]
# Provider penalties at localnet pace (1 s blocks): 20 blocks to answer a challenge, jailed after
# 2 misses in a row for 100 blocks; disputes of 3-auditor panels (2 uphold) voting for 20 blocks,
# appealable for 10 blocks more than a governance vote lasts (so a reversal can pass in time),
# 10 AGORA deposits and 100 AGORA panel seats, drawn 5 blocks after they are taken and
# returned 5 blocks after they leave.
penalties = doc["app_state"]["slashing"].setdefault("provider_penalties", {}).setdefault("params", {})
penalties.update({
    "response_window": 20, "max_missed": 2, "jail_blocks": 100,
    "panel_size": 3, "panel_threshold": 2, "dispute_window": 20, "appeal_blocks": voting + 10,
    "dispute_deposit": {"denom": "uagora", "amount": "10000000"},
    "panelist_bond": {"denom": "uagora", "amount": "100000000"},
    "panelist_warmup_blocks": 5, "panelist_cooldown_blocks": 5,
})
json.dump(doc, open(path, "w"), indent=2)
PY
  # Each validator signs a gentx creating itself with its node's CometBFT key and a
  # self-delegation; collected into one genesis, they are the chain's first validator set.
  mkdir -p "$(node_home 0)/config/gentx"
  for ((i = 0; i < n; i++)); do
    local home
    home="$(node_home "$i")"
    [ "$i" -eq 0 ] || cp "$genesis" "$home/config/genesis.json"
    "$AGORAD" genesis gentx "validator$i" "$SELF_DELEGATION" --moniker "node$i" --keyring-dir "$keys" --home "$home" 2>/dev/null
    [ "$i" -eq 0 ] || cp "$home"/config/gentx/*.json "$(node_home 0)/config/gentx/"
  done
  "$AGORAD" genesis collect-gentxs --home "$(node_home 0)"
  "$AGORAD" genesis validate --home "$(node_home 0)" >/dev/null
  local peers=""
  for ((i = 0; i < n; i++)); do
    local id
    id="$(cometbft show-node-id --home "$(node_home "$i")")"
    peers="${peers:+$peers,}$id@127.0.0.1:$(p2p_port "$i")"
  done
  for ((i = 0; i < n; i++)); do
    [ "$i" -eq 0 ] || cp "$genesis" "$(node_home "$i")/config/genesis.json"
    configure_node "$i" "$peers"
  done
  echo "$CHAIN_ID" > "$DATA/chain_id"
}

# Ports, peers and block time of node i's CometBFT and agorad configuration.
configure_node() {
  local i="$1" peers="$2" home cfg
  home="$(node_home "$i")"
  cfg="$home/config/config.toml"
  set_toml "$cfg" "" proxy_app "\"tcp://127.0.0.1:$(abci_port "$i")\""
  set_toml "$cfg" rpc laddr "\"tcp://127.0.0.1:$(rpc_port "$i")\""
  set_toml "$cfg" p2p laddr "\"tcp://127.0.0.1:$(p2p_port "$i")\""
  set_toml "$cfg" p2p persistent_peers "\"$peers\""
  set_toml "$cfg" p2p addr_book_strict false
  set_toml "$cfg" p2p allow_duplicate_ip true
  set_toml "$cfg" consensus timeout_commit "\"$BLOCK_TIME\""
  set_toml "$cfg" "" log_level "\"info\""
  set_toml "$home/config/app.toml" "" abci_address "\"127.0.0.1:$(abci_port "$i")\""
  set_toml "$home/config/app.toml" "" grpc_address "\"127.0.0.1:$(grpc_port "$i")\""
  set_toml "$home/config/app.toml" "" api_address "\"127.0.0.1:$(api_port "$i")\""
  if [ -n "${LOCALNET_KEEP_RECENT:-}" ]; then
    set_toml "$home/config/app.toml" "" pruning_keep_recent "$LOCALNET_KEEP_RECENT"
  fi
}

is_running() {
  local pidfile="$(node_home "$1")/agorad.pid"
  [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null
}

start_node() {
  local i="$1" home
  home="$(node_home "$i")"
  if is_running "$i"; then
    say "node$i already running"
    return
  fi
  nohup "$AGORAD" start --home "$home" >>"$home/agorad.log" 2>&1 &
  echo $! > "$home/agorad.pid"
}

height_of() {
  curl -fsS "http://127.0.0.1:$(rpc_port "$1")/status" 2>/dev/null |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["result"]["sync_info"]["latest_block_height"])' 2>/dev/null || echo 0
}

wait_for_blocks() {
  local n="$1" target="${2:-2}" deadline=$((SECONDS + ${LOCALNET_WAIT_SECS:-120}))
  say "waiting for blocks..."
  while ((SECONDS < deadline)); do
    local h
    h="$(height_of 0)"
    if [ "${h:-0}" -ge "$target" ]; then
      say "up: $n validators, height $h, RPC http://127.0.0.1:$(rpc_port 0)"
      return 0
    fi
    is_running 0 || { show_logs 0; die "node0 exited before its first blocks; its logs are above"; }
    sleep 0.5
  done
  show_logs 0
  die "no blocks after ${LOCALNET_WAIT_SECS:-120}s; the ends of node0's logs are above"
}

# The last lines of node i's logs, so a failed start explains itself where it is reported
# (a CI log, a test's panic message) rather than in a directory that is gone by then.
show_logs() {
  local home log
  home="$(node_home "$1")"
  for log in agorad.log cometbft.log; do
    [ -f "$home/$log" ] || continue
    echo "--- the last 30 lines of $home/$log" >&2
    tail -n 30 "$home/$log" >&2
  done
}

cmd_up() {
  local n=4
  while [ $# -gt 0 ]; do
    case "$1" in
      --validators) n="$2"; shift 2 ;;
      --validators=*) n="${1#*=}"; shift ;;
      *) die "unknown option $1" ;;
    esac
  done
  [[ "$n" =~ ^[1-9][0-9]*$ ]] || die "--validators must be a positive number"
  ensure_tools
  if [ "$(node_count)" -eq 0 ]; then
    create "$n"
  elif [ "$(node_count)" -ne "$n" ]; then
    say "keeping the existing $(node_count)-validator network (run 'reset' to change the size)"
    n="$(node_count)"
  fi
  say "starting $n nodes"
  for ((i = 0; i < n; i++)); do start_node "$i"; done
  wait_for_blocks "$n"
  start_watcher
}

# Answers the liveness challenges of bob's provider (once bob registers one, as the demo does)
# with the operator key, as a provider runs `agorad provider watch` beside its hardware.
start_watcher() {
  local pidfile="$DATA/provider-watch.pid"
  if [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then return; fi
  "$AGORAD" provider watch --from "$OPERATOR_KEY" --provider bob --fees "$WATCH_FEES" \
    --home "$DATA/keys" --node "http://127.0.0.1:$(rpc_port 0)" >>"$DATA/provider-watch.log" 2>&1 &
  echo $! >"$pidfile"
  say "provider watcher running for bob as $OPERATOR_KEY (log: $DATA/provider-watch.log)"
}

stop_watcher() {
  local pidfile="$DATA/provider-watch.pid"
  if [ -f "$pidfile" ]; then
    kill "$(cat "$pidfile")" 2>/dev/null || true
    rm -f "$pidfile"
  fi
}

cmd_join() {
  local key_of=""
  while [ $# -gt 0 ]; do
    case "$1" in
      --validator-key-of) key_of="$2"; shift 2 ;;
      --validator-key-of=*) key_of="${1#*=}"; shift ;;
      *) die "unknown option $1" ;;
    esac
  done
  [ -f "$DATA/chain_id" ] || die "no localnet in $DATA (run: scripts/localnet.sh up)"
  ensure_tools
  local n peers="" home
  n="$(node_count)"
  if [ -n "$key_of" ]; then
    [[ "$key_of" =~ ^[0-9]+$ ]] && [ "$key_of" -lt "$n" ] || die "--validator-key-of must name an existing node (0..$((n - 1)))"
  fi
  for ((i = 0; i < n; i++)); do
    peers="${peers:+$peers,}$(cometbft show-node-id --home "$(node_home "$i")")@127.0.0.1:$(p2p_port "$i")"
  done
  home="$(node_home "$n")"
  "$AGORAD" init "node$n" --chain-id "$(cat "$DATA/chain_id")" --home "$home" >/dev/null
  cp "$(node_home 0)/config/genesis.json" "$home/config/genesis.json"
  configure_node "$n" "$peers"
  if [ -n "$key_of" ]; then
    # A fresh signing state: this node signs whatever its own view of consensus says,
    # regardless of what node $key_of signed. Never do this with a real validator's key.
    cp "$(node_home "$key_of")/config/priv_validator_key.json" "$home/config/priv_validator_key.json"
    say "node$n signs with node$key_of's validator key: the two will double-sign"
  fi
  start_node "$n"
  say "node$n joined: RPC http://127.0.0.1:$(rpc_port "$n")"
}

cmd_down() {
  local n
  stop_watcher
  n="$(node_count)"
  for ((i = 0; i < n; i++)); do
    local pidfile="$(node_home "$i")/agorad.pid"
    if is_running "$i"; then
      kill "$(cat "$pidfile")" 2>/dev/null || true
    fi
  done
  for ((i = 0; i < n; i++)); do
    local pidfile="$(node_home "$i")/agorad.pid"
    for _ in $(seq 1 50); do is_running "$i" || break; sleep 0.2; done
    if is_running "$i"; then kill -9 "$(cat "$pidfile")" 2>/dev/null || true; fi
    rm -f "$pidfile"
  done
  say "stopped ($n nodes; data kept in $DATA)"
}

cmd_reset() {
  cmd_down
  rm -rf "$DATA"
  say "wiped $DATA"
}

cmd_status() {
  [ -f "$DATA/chain_id" ] || die "no localnet in $DATA (run: scripts/localnet.sh up)"
  local json=0
  [ "${1:-}" = "--json" ] && json=1
  local accounts=""
  for name in "${DEV_ACCOUNTS[@]}"; do
    local addr
    addr="$("$AGORAD" keys show "$name" -a --home "$DATA/keys")"
    accounts="$accounts$name	$addr	${MNEMONIC[$name]}
"
  done
  local nodes=""
  for ((i = 0; i < $(node_count); i++)); do
    local running=false
    is_running "$i" && running=true
    nodes="${nodes}node$i	http://127.0.0.1:$(rpc_port "$i")	127.0.0.1:$(grpc_port "$i")	http://127.0.0.1:$(api_port "$i")	$(node_home "$i")	$running
"
  done
  python3 - "$(cat "$DATA/chain_id")" "$json" <<PY
import json, sys
chain_id, as_json = sys.argv[1], sys.argv[2] == "1"
nodes = [dict(zip(["moniker", "rpc", "grpc", "rest", "home", "running"], l.split("\t"))) for l in """$nodes""".splitlines() if l]
for n in nodes: n["running"] = n["running"] == "true"
accounts = [dict(zip(["name", "address", "mnemonic"], l.split("\t"))) for l in """$accounts""".splitlines() if l]
status = {"chain_id": chain_id, "nodes": nodes, "accounts": accounts}
if as_json:
    print(json.dumps(status))
else:
    print(f"chain id: {chain_id}")
    for n in nodes: print(f"  {n['moniker']}: rpc {n['rpc']}  grpc {n['grpc']}  rest {n['rest']}  {'running' if n['running'] else 'stopped'}  ({n['home']})")
    for a in accounts: print(f"  {a['name']}: {a['address']}")
PY
}

case "${1:-}" in
  up) shift; cmd_up "$@" ;;
  join) shift; cmd_join "$@" ;;
  down) cmd_down ;;
  reset) cmd_reset ;;
  status) shift; [ -x "$AGORAD" ] || die "agorad is not built yet (run: scripts/localnet.sh up)"; cmd_status "$@" ;;
  *) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
