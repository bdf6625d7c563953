#!/usr/bin/env bash
# Agora marketplace demo on a running localnet (scripts/localnet.sh up), with exact accounting:
#
#   bob registers an 8×A100 provider, alice deploys a GPU group (2 replicas × 2 A100), bob bids,
#   alice accepts the bid (lease), blocks pass, bob withdraws, more blocks pass, alice closes
#   the deployment. Every step is printed; then balances (bank, escrow account, lease payment)
#   are checked to add up exactly, in integer arithmetic:
#
#     alice:          spent = her fees + what the escrow paid out for the lease
#     bob:            gained = paid out − take − his fees − bond (bid deposit back)
#     take:           the take of all payouts, the take's fraction carried from one payout to
#                     the next (floor(total paid × bps / 10000) at one rate)
#     community pool, fee collector, distribution and the incentive pool together: gained =
#                     the take + all fees + every coin minted meanwhile (fees and provisions
#                     pass from the fee collector to distribution, which keeps the validators'
#                     rewards and sends the community tax to the pool; the incentive pool takes
#                     its share of each provision and of the take); escrow and market accounts end where
#                     they began; all changes add up to what was minted
#     escrow account: closed and empty; payouts = floor(price × leased blocks)
#     bob's operator key (bob-ops, which the localnet's provider watcher signs with): paid
#                     the watcher's fee for each liveness challenge of bob's it answered, and
#                     bob missed none
#
# Exits non-zero on any failed step or mismatch. Non-interactive (CI: an e2e test runs it).
#
# Environment: AGORAD (default $CARGO_TARGET_DIR/release/agorad, CARGO_TARGET_DIR defaulting to
# ~/.cache/agora/target), LOCALNET_DIR (default localnet/data), NODE (default
# http://127.0.0.1:$((LOCALNET_BASE_PORT+1)), LOCALNET_BASE_PORT default 26656),
# DEMO_BLOCKS (blocks the lease runs before the withdrawal, default 5),
# DEMO_PRICE (bid, default 12.35uagora per block: fractions carry), DEMO_DEPOSIT (default 5000000uagora),
# DEMO_KEEP=1 (keep the JSON of every step in a temporary directory), DEMO_UNTIL_LEASE=1 (stop
# once the lease is active, leaving it running; no accounting).
# The accounting assumes nothing else moves these accounts' funds while the demo runs (a fresh
# localnet); re-running it on the same localnet is fine (bob's provider is then updated).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEMO_NAME=demo
source "$ROOT/scripts/demo-lib.sh"
PRICE="${DEMO_PRICE:-12.35$DENOM}"
DEPOSIT="${DEMO_DEPOSIT:-5000000$DENOM}"
BID_DEPOSIT="500000$DENOM"
BLOCKS="${DEMO_BLOCKS:-5}"

ag status >/dev/null || die "no node at $NODE (run: scripts/localnet.sh up)"
ALICE="$(ag keys show alice -a)"
BOB="$(ag keys show bob -a)"
# Module accounts: fees, take, bonds, escrow funds and bid deposits. Their addresses derive
# from the module names.
module_address() { ag query module-account "$1" -o json | python3 -c 'import json,sys; print(json.load(sys.stdin)["address"])'; }
POOL="$(module_address community_pool)"
FEE_COLLECTOR="$(module_address fee_collector)"
PROVIDER_MODULE="$(module_address provider)"
ESCROW_MODULE="$(module_address escrow)"
MARKET_MODULE="$(module_address market)"
DISTRIBUTION_MODULE="$(module_address distribution)"
INCENTIVE_MODULE="$(module_address incentive)"
# The localnet's provider watcher answers bob's liveness challenges with this key.
OPERATOR_KEY=bob-ops
OPERATOR="$(ag keys show "$OPERATOR_KEY" -a)" || die "no $OPERATOR_KEY key in $KEYS: reset the localnet (scripts/localnet.sh reset && up)"
WATCH_FEE=5000

say "localnet at $NODE: alice $ALICE, bob $BOB"
info "community pool $POOL, fee collector $FEE_COLLECTOR"
q escrow_params escrow params
q market_params market params
q provider_params provider params
info "take rates: $(get "$WORK/escrow_params.json" params.take_rates), default $(get "$WORK/escrow_params.json" params.default_take_rate_bps) bps"

# Balances at one height, for every account the demo moves funds between.
ACCOUNTS=(alice:"$ALICE" bob:"$BOB" community_pool:"$POOL" fee_collector:"$FEE_COLLECTOR"
  distribution:"$DISTRIBUTION_MODULE" incentive:"$INCENTIVE_MODULE" provider_module:"$PROVIDER_MODULE" escrow_module:"$ESCROW_MODULE"
  market_module:"$MARKET_MODULE" operator:"$OPERATOR")
balances() {
  local tag="$1" h="$2" entry
  for entry in "${ACCOUNTS[@]}"; do
    q "bal_${tag}_${entry%%:*}" bank balances "${entry#*:}" --denom "$DENOM" --height "$h"
  done
  q "supply_${tag}" bank total --height "$h"
  q "liveness_${tag}" slashing provider-liveness bob --height "$h"
}

H0="$(height)"
balances start "$H0"
info "start (height $H0): alice $(get "$WORK/bal_start_alice.json" amount), bob $(get "$WORK/bal_start_bob.json" amount) $DENOM"

say "1. bob registers the 8×A100 provider ($PROVIDER_FILE)"
if ag query provider get bob -o json >"$WORK/provider_before.json" 2>/dev/null; then
  [ "$(get "$WORK/provider_before.json" state)" = active ] || die "bob is already a provider, but not active (unbonding?): reset the localnet"
  info "bob is already registered (earlier run): updating instead"
  tx provider_update bob provider update "$PROVIDER_FILE" --operator "$OPERATOR_KEY"
  BONDED=0
else
  tx provider_create bob provider create "$PROVIDER_FILE" --operator "$OPERATOR_KEY"
  BONDED="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["bond"]["amount"])' <(ag query provider get bob -o json))"
fi
q provider provider get bob
info "provider $(get "$WORK/provider.json" host_uri): state $(get "$WORK/provider.json" state), gpus $(get "$WORK/provider.json" capacity.gpus), bond $(get "$WORK/provider.json" bond.amount)"
q gpu_util provider gpu-utilization
info "gpu utilization: $(get "$WORK/gpu_util.json" classes)"

DSEQ="$(height)"
say "2. alice creates deployment dseq $DSEQ ($DEPLOYMENT_FILE), deposit $DEPOSIT"
tx deployment_create alice deployment create "$DEPLOYMENT_FILE" --dseq "$DSEQ" --deposit "$DEPOSIT"
q deployment deployment get --owner alice --dseq "$DSEQ"
info "deployment state $(get "$WORK/deployment.json" deployment.state), version $(get "$WORK/deployment.json" deployment.version_hash)"
info "escrow account: balance $(get "$WORK/deployment.json" escrow_account.balance.amount), state $(get "$WORK/deployment.json" escrow_account.state)"
q order market order get --owner alice --dseq "$DSEQ" --gseq 1 --oseq 1
[ "$(get "$WORK/order.json" state)" = open ] || die "order $DSEQ/1/1 is not open"
info "order $DSEQ/1/1 open, max price $(get "$WORK/order.json" spec.resources.0.price.amount) × $(get "$WORK/order.json" spec.resources.0.count) replicas per block"

say "3. bob bids $PRICE per block, deposit $BID_DEPOSIT"
tx bid_create bob market bid create --owner alice --dseq "$DSEQ" --gseq 1 --oseq 1 --price "$PRICE" --deposit "$BID_DEPOSIT"
q bid market bid get --owner alice --provider bob --dseq "$DSEQ"
info "bid state $(get "$WORK/bid.json" state), price $(get "$WORK/bid.json" price.amount), resources $(get "$WORK/bid.json" resources.gpus)"

say "4. alice accepts bob's bid: the lease starts"
tx lease_create alice market lease create --provider bob --dseq "$DSEQ" --gseq 1 --oseq 1
HL="$(get "$WORK/lease_create.json" height)"
q lease_start market lease get --owner alice --provider bob --dseq "$DSEQ" --height "$HL"
[ "$(get "$WORK/lease_start.json" lease.state)" = active ] || die "lease is not active after lease create"
info "lease active from height $HL at $(get "$WORK/lease_start.json" lease.price.amount) $DENOM per block"
if [ -n "${DEMO_UNTIL_LEASE:-}" ]; then
  say "stopping with the lease active (DEMO_UNTIL_LEASE): dseq $DSEQ"
  exit 0
fi

say "5. $BLOCKS blocks pass"
wait_height $((HL + BLOCKS)) "$BLOCKS blocks of the lease"
q lease_mid market lease get --owner alice --provider bob --dseq "$DSEQ" --height $((HL + BLOCKS))
info "at height $((HL + BLOCKS)): accrued, not withdrawn: $(get "$WORK/lease_mid.json" escrow_payment.balance.amount) $DENOM"

say "6. bob withdraws what the lease has accrued"
tx withdraw bob market lease withdraw --owner alice --dseq "$DSEQ" --gseq 1 --oseq 1
HW="$(get "$WORK/withdraw.json" height)"
# Queries at the withdrawal's height, whatever the chain's height by now (any kept height works).
q pay_withdraw market lease get --owner alice --provider bob --dseq "$DSEQ" --height "$HW"
q acct_withdraw escrow account --owner alice --dseq "$DSEQ" --height "$HW"
info "at height $HW: paid out $(get "$WORK/pay_withdraw.json" escrow_payment.withdrawn.amount), carried $(get "$WORK/pay_withdraw.json" escrow_payment.balance.amount), escrow balance $(get "$WORK/acct_withdraw.json" balance.amount)"

say "7. more blocks pass, then alice closes the deployment"
wait_height $((HW + 3)) "3 blocks after the withdrawal"
tx deployment_close alice deployment close --dseq "$DSEQ"
HC="$(get "$WORK/deployment_close.json" height)"
q acct_end escrow account --owner alice --dseq "$DSEQ" --height "$HC"
q pay_end escrow payments --owner alice --dseq "$DSEQ"
q lease_end market lease get --owner alice --provider bob --dseq "$DSEQ" --height "$HC"
q bid_end market bid get --owner alice --provider bob --dseq "$DSEQ" --height "$HC"
q deployment_end deployment get --owner alice --dseq "$DSEQ"
info "deployment $(get "$WORK/deployment_end.json" deployment.state), lease $(get "$WORK/lease_end.json" lease.state) ($(get "$WORK/lease_end.json" lease.close_reason)), escrow account $(get "$WORK/acct_end.json" state) with $(get "$WORK/acct_end.json" balance.amount) left"
balances end "$HC"

say "8. accounting (heights: start $H0, lease $HL, withdraw $HW, close $HC)"
printf '%s\n' "${TXS[@]}" >"$WORK/txs"
python3 - "$WORK" "$FEE" "$BONDED" "$HL" "$HW" "$HC" "$DEPOSIT" "$DENOM" "$BID_DEPOSIT" "$WATCH_FEE" <<'PY'
import json, os, sys
from fractions import Fraction

work, fee, bonded, hl, hw, hc, deposit, denom, bid_deposit, watch_fee = sys.argv[1:]
fee, bonded, hl, hw, hc, watch_fee = int(fee), int(bonded), int(hl), int(hw), int(hc), int(watch_fee)
deposit = int(deposit[: -len(denom)])
bid_deposit = int(bid_deposit[: -len(denom)])

def load(name):
    with open(os.path.join(work, name + ".json")) as f:
        return json.load(f)

def show(x):
    """A Fraction as exact decimal text when it has one (12.35, 0.1), else as n/d."""
    if not isinstance(x, Fraction):
        return str(x)
    for digits in range(0, 19):
        scaled = x * 10**digits
        if scaled.denominator == 1:
            whole, frac = divmod(scaled.numerator, 10**digits)
            return f"{whole}.{frac:0{digits}d}" if digits else str(whole)
    return str(x)

failures = []
def check(what, got, want):
    ok = got == want
    print(f"    [{'ok' if ok else 'MISMATCH'}] {what}: {show(got)}" + ("" if ok else f" (expected {show(want)})"))
    if not ok:
        failures.append(what)

txs = [line.split() for line in open(os.path.join(work, "txs")) if line.strip()]
fees = {"alice": 0, "bob": 0}
for name, who in txs:
    check(f"tx {name} succeeded (code)", load(name)["code"], 0)
    fees[who] += fee

# Balances.
names = sorted({f[len("bal_start_"):-5] for f in os.listdir(work) if f.startswith("bal_start_")})
start = {n: int(load(f"bal_start_{n}")["amount"]) for n in names}
end = {n: int(load(f"bal_end_{n}")["amount"]) for n in names}
delta = {n: end[n] - start[n] for n in names}
print(f"    {'account':<16}{'start':>18}{'end':>18}{'change':>14}")
for n in names:
    print(f"    {n:<16}{start[n]:>18}{end[n]:>18}{delta[n]:>+14}")

# The lease's price and the take rate.
price = Fraction(load("lease_start")["lease"]["price"]["amount"])
params = load("escrow_params")["params"]
bps = next((t["bps"] for t in params["take_rates"] if t["denom"] == denom), params["default_take_rate_bps"])
print(f"    price {show(price)} {denom}/block, take {bps} bps; lease ran {hc - hl} blocks ({hw - hl} before the withdrawal)")

# Escrow: what accrued and what was paid out.
pay_w = [load("pay_withdraw")["escrow_payment"]]
pay_e = load("pay_end")["payments"]
check("payments of the deployment (withdraw, close)", (len(pay_w), len(pay_e)), (1, 1))
w1 = Fraction(pay_w[0]["withdrawn"]["amount"])
w2 = Fraction(pay_e[0]["withdrawn"]["amount"])
check("paid out at the withdrawal = floor(price × blocks)", w1, Fraction(int(price * (hw - hl))))
check("carried fraction at the withdrawal", Fraction(pay_w[0]["balance"]["amount"]), price * (hw - hl) - w1)
check("escrow balance at the withdrawal = deposit − price × blocks", Fraction(load("acct_withdraw")["balance"]["amount"]), deposit - price * (hw - hl))
check("paid out in all at the close = floor(price × blocks)", w2, Fraction(int(price * (hc - hl))))
check("payment state at the close", pay_e[0]["state"], "closed")
check("payment balance at the close", Fraction(pay_e[0]["balance"]["amount"]), 0)
paid = int(w2)
# The take's fraction carries from one payout to the next, so at one rate the take of all
# payouts is the take of their sum.
take = paid * bps // 10000
print(f"    escrow paid out {paid} = {int(w1)} (withdrawal) + {paid - int(w1)} (close); take {take}")

acct = load("acct_end")
check("escrow account state", acct["state"], "closed")
check("escrow account balance", Fraction(acct["balance"]["amount"]), 0)
check("escrow account depositors", acct["depositors"], [])
lease = load("lease_end")["lease"]
check("lease state / reason / closed height", (lease["state"], lease["close_reason"], int(lease["closed_height"])), ("closed", "owner", hc))
check("bid state", load("bid_end")["state"], "closed")
check("deployment state", load("deployment_end")["deployment"]["state"], "closed")

# Bank balances.
check("alice spent = fees + escrow payout (deposit − refund)", -delta["alice"], fees["alice"] + paid)
check("bob gained = payout − take − fees − bond", delta["bob"], paid - take - fees["bob"] - bonded)
supply = lambda tag: next(int(c["amount"]) for c in load(f"supply_{tag}")["supply"] if c["denom"] == denom)
minted = supply("end") - supply("start")
print(f"    minted meanwhile (inflation): {minted}")
# Liveness: the watcher answered bob's challenges with the operator key, one fee each.
live = {tag: load(f"liveness_{tag}") for tag in ("start", "end")}
answered = int(live["end"].get("answered", 0)) - int(live["start"].get("answered", 0))
print(f"    bob's liveness challenges answered meanwhile by the watcher: {answered}")
# Bob is the localnet's only provider: he is drawn whenever he has no challenge open.
check("the watcher answered bob's challenges", answered > 0, True)
check("bob missed no liveness challenge", int(live["end"].get("missed", 0)), int(live["start"].get("missed", 0)))
check("the operator key paid one watcher fee per answer", -delta["operator"], answered * watch_fee)
fees["operator"] = -delta["operator"]
check("community pool + fee collector + distribution + incentive pool gained the take, every fee and the minted coins",
      delta["community_pool"] + delta["fee_collector"] + delta["distribution"] + delta["incentive"], take + sum(fees.values()) + minted)
check("escrow module back where it began", delta["escrow_module"], 0)
check("market module back where it began (bid deposit returned)", delta["market_module"], 0)
check("provider module holds the new bond", delta["provider_module"], bonded)
check("every change adds up to what was minted", sum(delta.values()), minted)

if failures:
    print(f"\nFAILED: {len(failures)} mismatch(es): {', '.join(failures)}")
    sys.exit(1)
print(f"\nOK: alice paid {fees['alice']} in fees and {paid} for {hc - hl} blocks of 2×2 A100; "
      f"bob earned {paid - take} after a {take} take, paid {fees['bob']} in fees and bonded {bonded}.")
PY
