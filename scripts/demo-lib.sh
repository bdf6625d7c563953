# What the demos share (sourced by scripts/demo.sh and scripts/penalties-demo.sh, which set
# ROOT and DEMO_NAME first): the localnet's addresses, the example files, the fee, and helpers.

DATA="${LOCALNET_DIR:-$ROOT/localnet/data}"
BASE_PORT="${LOCALNET_BASE_PORT:-26656}"
NODE="${NODE:-http://127.0.0.1:$((BASE_PORT + 1))}"
CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/agora/target}"
AGORAD="${AGORAD:-$CARGO_TARGET_DIR/release/agorad}"
KEYS="$DATA/keys"
EXAMPLES="$ROOT/localnet/examples"
PROVIDER_FILE="$EXAMPLES/provider-a100.yaml"
DEPLOYMENT_FILE="$EXAMPLES/deployment-gpu.yaml"
DENOM=uagora
FEE=5000

WORK="$(mktemp -d "${TMPDIR:-/tmp}/agora-$DEMO_NAME.XXXXXX")"
if [ -n "${DEMO_KEEP:-}" ]; then
  trap 'echo "$DEMO_NAME: results kept in $WORK" >&2' EXIT
else
  trap 'rm -rf "$WORK"' EXIT
fi

say() { printf '\n==> %s\n' "$*"; }
info() { printf '    %s\n' "$*"; }
die() { printf '%s: error: %s\n' "$DEMO_NAME" "$*" >&2; exit 1; }

[ -x "$AGORAD" ] || die "agorad not found at $AGORAD (build it, or set AGORAD)"
[ -d "$KEYS" ] || die "no localnet keyring in $KEYS (run: scripts/localnet.sh up)"
command -v python3 >/dev/null || die "python3 is required"

ag() { "$AGORAD" --home "$KEYS" --node "$NODE" "$@"; }

# get FILE PATH: a field of a saved JSON document ("a.b.0.c"); absent fields are an error.
get() {
  python3 - "$1" "$2" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
for part in sys.argv[2].split("."):
    if isinstance(doc, list):
        doc = doc[int(part)]
    elif isinstance(doc, dict) and part in doc:
        doc = doc[part]
    else:
        sys.exit(f"field {sys.argv[2]!r} missing in {sys.argv[1]}")
print(doc if not isinstance(doc, (dict, list)) else json.dumps(doc))
PY
}

# q NAME ARGS...: runs `agorad query ARGS -o json`, saves it as $WORK/NAME.json.
q() {
  local name="$1"
  shift
  ag query "$@" -o json >"$WORK/$name.json" || die "query failed: agorad query $*"
}

height() { ag status | python3 -c 'import json,sys; print(json.load(sys.stdin)["latest_block_height"])'; }

# wait_height TARGET WHY: waits (at most 180 s) for the chain to reach TARGET.
wait_height() {
  local target="$1" why="$2" deadline=$((SECONDS + 180)) now
  while :; do
    now="$(height)" || die "waiting for $why: the node at $NODE does not answer"
    [ "$now" -lt "$target" ] || return 0
    ((SECONDS < deadline)) || die "waiting for $why: the chain is at height $now after 180 s, not $target"
    sleep 0.3
  done
}

TXS=()
# tx NAME WHO ARGS...: signs `agorad tx ARGS` with key WHO at the fixed fee, waits for its block;
# saves the result as $WORK/NAME.json and records "NAME WHO" for the fee accounting.
tx() {
  local name="$1" who="$2" from=(--from "$2")
  shift 2
  # `tx bank send` names its signer first, as the Cosmos SDK's does.
  [ "$1 $2" = "bank send" ] && from=()
  if ! ag tx "$@" "${from[@]}" --fees "$FEE$DENOM" --gas auto -y -o json >"$WORK/$name.json" 2>"$WORK/$name.err"; then
    cat "$WORK/$name.err" >&2
    cat "$WORK/$name.json" >&2 2>/dev/null || true
    die "transaction '$name' failed: agorad tx $* ${from[*]}"
  fi
  TXS+=("$name $who")
  info "$name: height $(get "$WORK/$name.json" height), tx $(get "$WORK/$name.json" txhash), gas used $(get "$WORK/$name.json" gas_used)"
}
