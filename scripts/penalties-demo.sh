#!/usr/bin/env bash
# Agora provider-penalty demo on a running localnet (scripts/localnet.sh up), after or without
# scripts/demo.sh, with every balance checked in integer arithmetic:
#
#   1. carol (a new key alice funds) registers 8 A100s and runs no challenge watcher: each
#      missed liveness challenge takes a slice of her bond, and after the localnet's 2 misses in
#      a row she is jailed. Bob's watcher answers his (scripts/localnet.sh runs it).
#   2. three auditors (new keys alice funds) audit bob and take panel seats (a bond each),
#      drawn once their warm-up has passed.
#   3. alice leases bob's GPUs and disputes the lease: its payments are held; the next block
#      draws three auditors; bob answers with an evidence hash; the panel votes for alice. When
#      the vote closes, a tenth of bob's bond is slashed and held with the held payments for the
#      appeal window; then alice receives the held payments, her deposit back and half the
#      slash, the panel shares a tenth of it, the rest is burned:
#        alice:      gained = refund + victim share − her dispute fee
#        panelists:  gained = an equal share of the panel fee − their vote fee
#        bob's bond: lost exactly the slash
#        the disputes account ends holding exactly the three panel seats' bonds
#   4. carol is jailed: her bond lost exactly what her liveness record says the misses took.
#   5. bob's incentive rewards (verified idle GPU-time, his watcher answering his challenges)
#      vest: he claims them and his balance grows by exactly what was claimed.
#
# Exits non-zero on any failed step or mismatch. Non-interactive (an e2e test runs it).
# Environment: as scripts/demo.sh (AGORAD, LOCALNET_DIR, NODE, LOCALNET_BASE_PORT), and
# DEMO_KEEP=1 to keep the JSON of every step.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEMO_NAME=penalties-demo
source "$ROOT/scripts/demo-lib.sh"
# The lease's price per block: 250 per GPU, above the incentive's minimum lease price (100), so
# its GPUs count as leased and the class's utilization pays bob's idle GPUs.
PRICE="1000$DENOM"
AUDITORS=(auditor1 auditor2 auditor3)

# balance ADDRESS HEIGHT: uagora held at HEIGHT.
balance() { ag query bank balances "$1" --denom "$DENOM" --height "$2" -o json | python3 -c 'import json,sys; print(json.load(sys.stdin)["amount"])'; }
bond_of() { ag query provider get "$1" --height "$2" -o json | python3 -c 'import json,sys; print(json.load(sys.stdin)["bond"]["amount"])'; }

# check WHAT GOT EXPECTED
check() {
  if [ "$2" = "$3" ]; then
    info "ok: $1 ($2)"
  else
    die "$1: got $2, expected $3"
  fi
}

# key NAME: the key's address, created (with a fresh mnemonic) if the keyring lacks it.
key() {
  ag keys show "$1" -a 2>/dev/null || { ag keys add "$1" >/dev/null 2>&1 && ag keys show "$1" -a; }
}

ag status >/dev/null || die "no node at $NODE (run: scripts/localnet.sh up)"
ALICE="$(ag keys show alice -a)"
BOB="$(ag keys show bob -a)"
CAROL="$(key carol)"
DISPUTES="$(ag query module-account provider_disputes -o json | python3 -c 'import json,sys; print(json.load(sys.stdin)["address"])')"
q params slashing provider-params
PANEL_BOND="$(get "$WORK/params.json" panelist_bond.amount)"
say "localnet at $NODE: alice $ALICE, bob $BOB, carol $CAROL; disputes account $DISPUTES"
info "challenges: answer within $(get "$WORK/params.json" response_window) blocks, jailed after $(get "$WORK/params.json" max_missed) misses; panels of $(get "$WORK/params.json" panel_size), $(get "$WORK/params.json" panel_threshold) uphold; vote $(get "$WORK/params.json" dispute_window) blocks, appeal $(get "$WORK/params.json" appeal_blocks); seat bond $PANEL_BOND"

if ! ag query provider get bob -o json >/dev/null 2>&1; then
  say "0. bob registers the 8×A100 provider, answering challenges with bob-ops"
  tx provider_bob bob provider create "$PROVIDER_FILE" --operator bob-ops
fi
q provider_params provider params
MIN_BOND="$(get "$WORK/provider_params.json" params.min_bond.amount)"
BOB_BOND="$(bond_of bob "$(height)")"
if [ "$BOB_BOND" -lt $((2 * MIN_BOND)) ]; then
  # A provider bonds above the minimum, so that a slash does not jail it at once.
  say "0. bob adds to his bond: twice the minimum"
  tx bond_bob bob provider deposit-bond "$((2 * MIN_BOND - BOB_BOND))$DENOM"
fi

say "1. alice funds carol and three auditors; carol registers 8 A100s and answers nothing"
ag query provider get carol -o json >/dev/null 2>&1 && die "carol is a provider already (an earlier run): reset the localnet (scripts/localnet.sh reset && up)"
tx fund_carol alice bank send alice "$CAROL" "1000000000$DENOM"
for name in "${AUDITORS[@]}"; do
  tx "fund_$name" alice bank send alice "$(key "$name")" "1000000000$DENOM"
done
# Twice the minimum bond: a miss's slice leaves it above the minimum (below it, the first miss
# would jail her), so it is the misses in a row that jail her.
tx provider_carol carol provider create "$PROVIDER_FILE" --bond "200000000$DENOM"
HCAROL="$(get "$WORK/provider_carol.json" height)"
CAROL_BOND="$(bond_of carol "$HCAROL")"
info "carol bonded $CAROL_BOND at height $HCAROL"

say "2. the auditors audit bob and take panel seats"
for name in "${AUDITORS[@]}"; do
  tx "audit_$name" "$name" audit sign bob --attr region=localnet
  tx "enroll_$name" "$name" slashing enroll-panelist --audited-provider bob
done
q seat slashing panelist auditor3
info "the seats are drawn from height $(get "$WORK/seat.json" active_height) (their warm-up)"

DSEQ="$(height)"
say "3. alice leases bob's GPUs (dseq $DSEQ) at $PRICE a block and disputes the lease"
# The example deployment, paying up to 500 per replica per block.
sed 's/price: 10uagora/price: 500uagora/' "$DEPLOYMENT_FILE" >"$WORK/deployment.yaml"
grep -q 'price: 500uagora' "$WORK/deployment.yaml" || die "cannot set the price in $DEPLOYMENT_FILE"
tx deployment alice deployment create "$WORK/deployment.yaml" --dseq "$DSEQ" --deposit "50000000$DENOM"
tx bid bob market bid create --owner alice --dseq "$DSEQ" --gseq 1 --oseq 1 --price "$PRICE" --deposit "500000$DENOM"
tx lease alice market lease create --provider bob --dseq "$DSEQ" --gseq 1 --oseq 1
wait_height "$(get "$WORK/seat.json" active_height)" "the seats' warm-up"
tx dispute alice slashing dispute --provider bob --dseq "$DSEQ" --claim not-delivered --details "the GPUs never answered"
HD="$(get "$WORK/dispute.json" height)"
q disputes slashing disputes --provider bob
ID="$(python3 -c 'import json,sys; print(max(int(d["id"]) for d in json.load(open(sys.argv[1]))["disputes"]))' "$WORK/disputes.json")"
info "dispute $ID opened at height $HD"
tx answer bob slashing answer-dispute "$ID" --evidence-file "$PROVIDER_FILE"

wait_height $((HD + 1)) "the panel draw"
q voting slashing dispute "$ID"
check "dispute $ID is voting" "$(get "$WORK/voting.json" status)" DISPUTE_STATUS_VOTING
PANEL=()
for i in 0 1 2; do
  member="$(get "$WORK/voting.json" "panel.$i")"
  for name in "${AUDITORS[@]}"; do
    [ "$(ag keys show "$name" -a)" = "$member" ] && PANEL+=("$name")
  done
done
check "the panel is the three auditors" "${#PANEL[@]}" 3
for name in "${PANEL[@]}"; do
  tx "vote_$name" "$name" slashing vote-dispute "$ID" tenant
done
ENDS="$(get "$WORK/voting.json" voting_ends)"
BEFORE=$((HD - 1))
ALICE_BEFORE="$(balance "$ALICE" "$BEFORE")"
BOND_BEFORE="$(bond_of bob "$BEFORE")"
declare -A PANEL_BEFORE
for name in "${PANEL[@]}"; do
  PANEL_BEFORE[$name]="$(balance "$(ag keys show "$name" -a)" "$(get "$WORK/vote_$name.json" height)")"
done

wait_height $((ENDS + 1)) "the verdict"
q upheld slashing dispute "$ID"
check "dispute $ID is upheld, awaiting appeal" "$(get "$WORK/upheld.json" status)" DISPUTE_STATUS_APPEALABLE
SLASHED="$(get "$WORK/upheld.json" slashed.amount)"
REFUND="$(get "$WORK/upheld.json" refund.amount)"
DECIDED="$(get "$WORK/upheld.json" decided_height)"
check "a tenth of bob's bond is slashed" "$SLASHED" $((BOND_BEFORE / 10))
check "bob's bond lost exactly the slash" "$(bond_of bob "$DECIDED")" $((BOND_BEFORE - SLASHED))
check "the held payments are the lease's blocks from the dispute to the verdict" "$REFUND" $((${PRICE%$DENOM} * (DECIDED - HD)))

APPEAL="$(get "$WORK/upheld.json" appeal_ends)"
wait_height $((APPEAL + 1)) "the end of the appeal window"
END=$((APPEAL + 1))
q paid slashing dispute "$ID" --height "$END"
check "dispute $ID is paid out" "$(get "$WORK/paid.json" status)" DISPUTE_STATUS_UPHELD
VICTIM=$((SLASHED * 5000 / 10000))
FEE_POOL=$((SLASHED * 1000 / 10000))
SHARE=$((FEE_POOL / 3))
BURNED=$((SLASHED - VICTIM - 3 * SHARE))
check "alice gained the refund and half the slash, less her dispute fee" $(($(balance "$ALICE" "$END") - ALICE_BEFORE)) $((REFUND + VICTIM - FEE))
for name in "${PANEL[@]}"; do
  check "$name gained a third of the panel fee" $(($(balance "$(ag keys show "$name" -a)" "$END") - PANEL_BEFORE[$name])) "$SHARE"
done
check "the disputes account holds only the three seats' bonds" "$(balance "$DISPUTES" "$END")" $((3 * PANEL_BOND))
info "burned: $BURNED $DENOM (the slash less alice's share and the panel's)"

say "4. carol, who answers nothing, is jailed after her misses"
deadline=$((SECONDS + 240))
while :; do
  q carol provider get carol
  [ "$(get "$WORK/carol.json" jailed_until)" = 0 ] || break
  ((SECONDS < deadline)) || die "carol is not jailed after 240 s"
  sleep 2
done
HJ="$(height)"
q carol_live slashing provider-liveness carol --height "$HJ"
MISSED="$(get "$WORK/carol_live.json" missed)"
TAKEN="$(python3 -c 'import json,sys; print(sum(int(c["amount"]) for c in json.load(open(sys.argv[1])).get("slashed", [])))' "$WORK/carol_live.json")"
info "carol missed $MISSED challenges, jailed until height $(get "$WORK/carol.json" jailed_until)"
[ "$MISSED" -ge 2 ] || die "carol should have missed at least 2 challenges, not $MISSED"
[ "$TAKEN" -gt 0 ] || die "carol's misses took nothing from her bond"
check "carol's bond lost exactly what her misses took" "$(bond_of carol "$HJ")" $((CAROL_BOND - TAKEN))

say "5. bob's incentive rewards vest; he claims them"
deadline=$((SECONDS + 240))
while :; do
  q rewards incentive rewards bob
  VESTED="$(python3 -c 'import json,sys; from decimal import Decimal; print(int(sum(Decimal(c["amount"]) for c in json.load(open(sys.argv[1]))["rewards"].get("vested", []) if c["denom"] == "uagora")))' "$WORK/rewards.json")"
  [ "$VESTED" -lt 1 ] || break
  ((SECONDS < deadline)) || die "bob has no vested reward after 240 s"
  sleep 2
done
info "bob has $VESTED $DENOM vested"
tx claim bob incentive claim
HCL="$(get "$WORK/claim.json" height)"
claimed() {
  q "claimed_$1" incentive rewards bob --height "$1"
  python3 -c 'import json,sys; print(sum(int(c["amount"]) for c in json.load(open(sys.argv[1]))["rewards"].get("claimed", []) if c["denom"] == "uagora"))' "$WORK/claimed_$1.json"
}
CLAIMED=$(($(claimed "$HCL") - $(claimed $((HCL - 1)))))
[ "$CLAIMED" -ge 1 ] || die "bob claimed nothing"
check "bob's balance grew by the claim, less its fee" $(($(balance "$BOB" "$HCL") - $(balance "$BOB" $((HCL - 1))))) $((CLAIMED - FEE))
say "penalties demo passed"
