//! Tenant disputes. A tenant disputes one of its active leases with `MsgDispute` and a deposit
//! of at least `dispute_deposit`; from then the lease's payments are held in escrow. The next
//! block draws a panel of `panel_size` auditors from those enrolled ([`super::panel`]), never
//! the tenant, the provider or its operator key, seeded by the app hash that block's header
//! commits to (so the tenant cannot know its panel when it signs). The provider may answer with
//! a hash of its evidence; each panelist votes once, for the tenant or the provider, within
//! `dispute_window` blocks. The block after the window decides:
//!
//! * **Upheld** (`panel_threshold` votes for the tenant): `dispute_slash_bps` of the bond is
//!   taken and the held payments leave escrow; both, and the deposit, are held by the
//!   `provider_disputes` module account for `appeal_blocks`, during which governance may
//!   reverse the verdict (`MsgReverseDispute`: everything goes back to the provider). Then the
//!   tenant receives the held payments, its deposit and `victim_share_bps` of the slash; the
//!   panelists who voted for the tenant share `panel_fee_bps` of it; the rest is burned.
//! * **Rejected**: the held payments go to the provider; the panelists who voted for the
//!   provider share `panel_fee_bps` of the deposit, the provider receives the rest.
//! * **Dismissed** (not enough auditors could be drawn): the deposit goes back to the tenant
//!   and the held payments to the provider.
//!
//! Each step is queued by height and bounded per block; the dispute pays for its later steps
//! as gas when it opens.

use agora_component::{entry_failed, isolated};
use agora_proto::market::v1 as mpb;
use agora_proto::slashing::v1 as pb;
use agora_store::{StateRead, StateReadExt, StateWrite, StateWriteExt};
use agora_types::{Address, BlockContext, Coin, Event, TxError, TypedEvent};
use sha2::{Digest, Sha256};

use super::event::{
    DisputeAnswered, DisputeDismissed, DisputeOpened, DisputePaid, DisputePanelDrawn, DisputeRejected, DisputeReversed, DisputeUpheld, DisputeVoted,
};
use super::keeper::{ProviderPenaltyKeeper, SlashTo};
use super::keys;
use super::panel;
use super::params::{share, ProviderParams};
use super::state::ProviderPenaltyRead;
use crate::SlashingError;

/// The module account holding deposits, panel bonds and appealable slashes.
pub const DISPUTES_MODULE: &str = "provider_disputes";
/// The longest account of the fault a tenant may give.
pub const MAX_DETAILS_LEN: usize = 1_024;
/// The longest evidence hash a provider may give (a SHA-512 digest).
pub const MAX_EVIDENCE_HASH_LEN: usize = 64;
/// Seats whose warm-up ended that enter the draw per block (their enrollment paid for it); the
/// rest wait a block.
const SEAT_ACTIVATIONS_PER_BLOCK: usize = 64;
/// Gas a dispute pays when it opens for the work of its later steps, which run in blocks no
/// transaction pays for: a base (the escrow hold's release, the slash and the registry's
/// hooks, the payouts and the burn, the records), and per panel seat (up to
/// [`panel::ATTEMPTS_PER_SEAT`] reads of the draw, the panelist's record, its fee or its missed
/// vote).
const DISPUTE_WORK_GAS: u64 = 300_000;
const DISPUTE_WORK_GAS_PER_SEAT: u64 = 120_000;

pub fn disputes_account() -> Address {
    Address::module(DISPUTES_MODULE)
}

/// A lease, as disputes name it (the market's `BidID`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LeaseRef {
    pub owner: Address,
    pub dseq: u64,
    pub gseq: u32,
    pub oseq: u32,
    pub provider: Address,
}

impl std::fmt::Display for LeaseRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}/{}/{}/{}", self.owner, self.dseq, self.gseq, self.oseq, self.provider)
    }
}

impl LeaseRef {
    pub fn from_proto(proto: Option<&mpb::BidId>) -> Result<Self, SlashingError> {
        let id = proto.ok_or_else(|| SlashingError::InvalidRequest("lease_id is missing".into()))?;
        let address = |field: &str, text: &str| text.parse().map_err(|e| SlashingError::InvalidAddress(format!("lease_id.{field}: {e}")));
        Ok(Self { owner: address("owner", &id.owner)?, dseq: id.dseq, gseq: id.gseq, oseq: id.oseq, provider: address("provider", &id.provider)? })
    }

    pub fn to_proto(&self) -> mpb::BidId {
        mpb::BidId { owner: self.owner.to_string(), dseq: self.dseq, gseq: self.gseq, oseq: self.oseq, provider: self.provider.to_string() }
    }

    /// Owner, dseq, gseq, oseq, provider: as the market orders its ids.
    pub fn to_bytes(&self) -> Vec<u8> {
        [self.owner.as_bytes().as_slice(), &self.dseq.to_be_bytes(), &self.gseq.to_be_bytes(), &self.oseq.to_be_bytes(), self.provider.as_bytes().as_slice()].concat()
    }
}

/// `MsgDispute`, checked when decoded: a claim, a bounded account of the fault, a deposit.
#[derive(Clone, Debug, PartialEq)]
pub struct OpenDispute {
    pub tenant: Address,
    pub lease: LeaseRef,
    pub claim: pb::DisputeClaim,
    pub details: String,
    pub deposit: Coin,
}

fn status_name(status: i32) -> String {
    pb::DisputeStatus::try_from(status).map(|s| s.as_str_name().to_string()).unwrap_or_else(|_| status.to_string())
}

fn corrupt(id: u64, what: impl std::fmt::Display) -> SlashingError {
    SlashingError::Internal(format!("dispute {id}: {what}"))
}

fn parse(id: u64, field: &str, text: &str) -> Result<Address, SlashingError> {
    text.parse().map_err(|e| corrupt(id, format!("{field}: {e}")))
}

fn coin_of(id: u64, field: &str, coin: Option<&cosmos_sdk_proto::cosmos::base::v1beta1::Coin>) -> Result<Option<Coin>, SlashingError> {
    coin.map(|c| Coin::from_proto(c).map_err(|e| corrupt(id, format!("{field}: {e}")))).transpose()
}

/// The terms a stored dispute opened under.
fn terms_of(dispute: &pb::Dispute) -> Result<pb::DisputeTerms, SlashingError> {
    dispute.terms.ok_or_else(|| corrupt(dispute.id, "no terms"))
}

/// The lease of a stored dispute.
pub fn lease_of(dispute: &pb::Dispute) -> Result<LeaseRef, SlashingError> {
    LeaseRef::from_proto(dispute.lease_id.as_ref()).map_err(|e| corrupt(dispute.id, e))
}

/// Whether the dispute awaits its verdict: it holds the lease's payments, counts against the
/// provider's unbonding, and may be answered.
pub fn awaits_verdict(status: i32) -> bool {
    [pb::DisputeStatus::AwaitingPanel as i32, pb::DisputeStatus::Voting as i32].contains(&status)
}

/// Whether the dispute still holds its deposit (not yet final).
pub fn holds_deposit(status: i32) -> bool {
    awaits_verdict(status) || status == pb::DisputeStatus::Appealable as i32
}

/// The height a dispute's next step is queued at, if it has one.
pub fn next_step(dispute: &pb::Dispute) -> Option<u64> {
    match pb::DisputeStatus::try_from(dispute.status) {
        Ok(pb::DisputeStatus::AwaitingPanel) => Some(dispute.opened_height.saturating_add(1)),
        Ok(pb::DisputeStatus::Voting) => Some(dispute.voting_ends.saturating_add(1)),
        Ok(pb::DisputeStatus::Appealable) => Some(dispute.appeal_ends.saturating_add(1)),
        _ => None,
    }
}

/// `MsgDispute`: the tenant (the lease's owner) disputes an active lease it has not disputed
/// yet, depositing at least `dispute_deposit`; enough auditors must sit on panels.
pub fn open(state: &mut dyn StateWrite, ctx: &BlockContext, keeper: &dyn ProviderPenaltyKeeper, msg: &OpenDispute) -> Result<(u64, Vec<Event>), TxError> {
    let lease = msg.lease;
    if msg.tenant != lease.owner {
        return Err(SlashingError::NotTenant { tenant: msg.tenant.to_string(), lease: lease.to_string() }.into());
    }
    let params = state.provider_penalty_params()?;
    let min = &params.dispute_deposit;
    if msg.deposit.denom != min.denom || msg.deposit.amount < min.amount {
        return Err(SlashingError::DepositTooSmall { got: msg.deposit.to_string(), min: min.to_string() }.into());
    }
    match keeper.lease_active(state, &lease)? {
        Some(true) => {}
        Some(false) => return Err(SlashingError::LeaseNotActive(lease.to_string()).into()),
        None => return Err(SlashingError::LeaseNotActive(format!("{lease} (no such lease)")).into()),
    }
    if let Some(id) = state.open_dispute_of(&lease)? {
        return Err(SlashingError::DisputeOpen { lease: lease.to_string(), id }.into());
    }
    // A rejected dispute's lease waits a vote's length before it may be disputed again, so a
    // tenant cannot hold a provider's payments back for ever at a deposit a day.
    match state.lease_cooldown(&lease)? {
        Some(until) if ctx.height < until => return Err(SlashingError::LeaseCoolingDown { lease: lease.to_string(), until }.into()),
        Some(_) => state.delete(keys::lease_cooldown(&lease)),
        None => {}
    }
    let enrolled = panel::seats(state)?;
    if enrolled < u128::from(params.panel_size) {
        return Err(SlashingError::NotEnoughPanelists { enrolled, needed: params.panel_size }.into());
    }
    let seats = u64::from(params.panel_size);
    state
        .charge_gas(DISPUTE_WORK_GAS.saturating_add(seats.saturating_mul(DISPUTE_WORK_GAS_PER_SEAT)), "dispute panel and verdict")
        .map_err(|e| TxError::new("sdk", 11, e.to_string()))?;

    let mut events = keeper.transfer(state, &msg.tenant, &disputes_account(), &msg.deposit)?;
    events.extend(keeper.hold_lease_payments(state, &lease, ctx.height)?);
    let id = state.next_dispute_id()?;
    let dispute = pb::Dispute {
        id,
        lease_id: Some(lease.to_proto()),
        tenant: msg.tenant.to_string(),
        provider: lease.provider.to_string(),
        claim: msg.claim as i32,
        details: msg.details.clone(),
        deposit: Some(msg.deposit.to_proto()),
        status: pb::DisputeStatus::AwaitingPanel as i32,
        opened_height: ctx.height,
        terms: Some(params.dispute_terms()),
        ..Default::default()
    };
    state.put_next_dispute_id(id.checked_add(1).ok_or_else(|| SlashingError::Internal("dispute ids ran out".into()))?);
    state.index_dispute(&dispute, &lease)?;
    state.put_dispute(&dispute);
    state.count_undecided(&lease.provider, true)?;
    events.push(
        DisputeOpened { id, tenant: &msg.tenant, provider: &lease.provider, lease: &lease, claim: msg.claim.as_str_name(), deposit: &msg.deposit }
            .to_event(),
    );
    Ok((id, events))
}

fn load(state: &dyn StateRead, id: u64) -> Result<pb::Dispute, TxError> {
    Ok(state.dispute(id)?.ok_or(SlashingError::DisputeNotFound(id))?)
}

/// `MsgAnswerDispute`: the disputed provider (its owner, or its registered operator key)
/// records a hash of its evidence while the dispute is undecided; a later answer replaces it.
pub fn answer(
    state: &mut dyn StateWrite,
    keeper: &dyn ProviderPenaltyKeeper,
    provider: &Address,
    operator: Option<&Address>,
    id: u64,
    evidence_hash: &[u8],
) -> Result<Vec<Event>, TxError> {
    let mut dispute = load(state, id)?;
    if dispute.provider != provider.to_string() {
        return Err(SlashingError::NotDisputedProvider { id, address: provider.to_string() }.into());
    }
    super::keeper::check_operator(state, keeper, provider, operator)?;
    if !awaits_verdict(dispute.status) {
        return Err(SlashingError::DisputeDecided { id, status: status_name(dispute.status) }.into());
    }
    dispute.provider_evidence = evidence_hash.to_vec();
    state.put_dispute(&dispute);
    Ok(vec![DisputeAnswered { id, provider, evidence_hash: &super::hardware::hex(evidence_hash) }.to_event()])
}

/// `MsgVoteDispute`: a panelist of the dispute votes once while the panel votes.
pub fn vote(state: &mut dyn StateWrite, ctx: &BlockContext, panelist: &Address, id: u64, option: pb::DisputeVoteOption) -> Result<Vec<Event>, TxError> {
    let mut dispute = load(state, id)?;
    if dispute.status != pb::DisputeStatus::Voting as i32 {
        let reason = match pb::DisputeStatus::try_from(dispute.status) {
            Ok(pb::DisputeStatus::AwaitingPanel) => "its panel is drawn in the next block".to_string(),
            _ => format!("it was decided ({})", status_name(dispute.status)),
        };
        return Err(SlashingError::VotingClosed { id, reason }.into());
    }
    if ctx.height > dispute.voting_ends {
        return Err(SlashingError::VotingClosed { id, reason: format!("votes were taken until height {}", dispute.voting_ends) }.into());
    }
    let me = panelist.to_string();
    if !dispute.panel.contains(&me) {
        return Err(SlashingError::NotPanelist { id, address: me }.into());
    }
    if dispute.votes.iter().any(|v| v.panelist == me) {
        return Err(SlashingError::AlreadyVoted { id, panelist: me }.into());
    }
    dispute.votes.push(pb::DisputeVote { panelist: me, option: option as i32, height: ctx.height });
    state.put_dispute(&dispute);
    panel::count_vote(state, panelist)?;
    Ok(vec![DisputeVoted { id, panelist, option: option.as_str_name() }.to_event()])
}

/// `MsgReverseDispute` (governance, whose authority the component checked): an upheld dispute
/// still in its appeal window goes back on the provider's side: the slash returns to its bond,
/// the held payments and the deposit to the provider.
pub fn reverse(state: &mut dyn StateWrite, ctx: &BlockContext, keeper: &dyn ProviderPenaltyKeeper, id: u64) -> Result<Vec<Event>, TxError> {
    let mut dispute = load(state, id)?;
    if dispute.status != pb::DisputeStatus::Appealable as i32 {
        return Err(SlashingError::AppealClosed { id, reason: format!("it is {}, not upheld and awaiting appeal", status_name(dispute.status)) }.into());
    }
    if ctx.height > dispute.appeal_ends {
        return Err(SlashingError::AppealClosed { id, reason: format!("its appeal window ended at height {}", dispute.appeal_ends) }.into());
    }
    let provider = parse(id, "provider", &dispute.provider)?;
    let mut events = Vec::new();
    if let Some(slashed) = coin_of(id, "slashed", dispute.slashed.as_ref())? {
        events.extend(keeper.restore_bond(state, &provider, &slashed, ctx.height)?);
    }
    events.extend(pay_refund_and_deposit(state, keeper, &dispute, &provider)?);
    if let Some(height) = next_step(&dispute) {
        keys::DISPUTE_QUEUE.remove(state, height, &id.to_be_bytes());
    }
    dispute.status = pb::DisputeStatus::Reversed as i32;
    state.put_dispute(&dispute);
    events.push(DisputeReversed { id, provider: &provider }.to_event());
    Ok(events)
}

/// The held lease payments and the deposit of an upheld dispute leave the disputes account for
/// `to`: the tenant when the appeal window closes, the provider when governance reverses it.
fn pay_refund_and_deposit(state: &mut dyn StateWrite, keeper: &dyn ProviderPenaltyKeeper, dispute: &pb::Dispute, to: &Address) -> Result<Vec<Event>, TxError> {
    let mut events = Vec::new();
    for field in [dispute.refund.as_ref(), dispute.deposit.as_ref()] {
        if let Some(coin) = coin_of(dispute.id, "held coin", field)?.filter(|c| c.amount > 0) {
            events.extend(keeper.transfer(state, &disputes_account(), to, &coin)?);
        }
    }
    Ok(events)
}

/// The block's dispute work: each due step on its own fork (one that fails is parked and
/// reported, the others go on).
pub fn begin_block(state: &mut dyn StateWrite, ctx: &BlockContext, keeper: &dyn ProviderPenaltyKeeper) -> Result<Vec<Event>, TxError> {
    let mut events = panel::activate_due(state, ctx.height, SEAT_ACTIVATIONS_PER_BLOCK)?;
    // The parameters are read only when a step may be due: most blocks have none.
    if keys::DISPUTE_QUEUE.bound(state).map_err(SlashingError::from)?.is_some_and(|next| next > ctx.height) {
        return Ok(events);
    }
    let params = state.provider_penalty_params()?;
    let budget = usize::try_from(params.max_dispute_steps_per_block).unwrap_or(usize::MAX);
    let due = keys::DISPUTE_QUEUE.take_due(state, ctx.height, budget).map_err(SlashingError::from)?;
    for (height, id) in due {
        match isolated(state, |fork| step(fork, ctx, keeper, &params, &id)) {
            Ok(done) => events.extend(done),
            Err(error) => events.push(entry_failed(state, "slashing", "provider_dispute", height, &id, ctx.height, &error)),
        }
    }
    Ok(events)
}

fn step(state: &mut dyn StateWrite, ctx: &BlockContext, keeper: &dyn ProviderPenaltyKeeper, params: &ProviderParams, id: &[u8]) -> Result<Vec<Event>, TxError> {
    let id = u64::from_be_bytes(id.try_into().map_err(|_| SlashingError::Internal("corrupt dispute queue entry".into()))?);
    let Some(dispute) = state.dispute(id)? else { return Ok(Vec::new()) };
    match pb::DisputeStatus::try_from(dispute.status) {
        Ok(pb::DisputeStatus::AwaitingPanel) => form_panel(state, ctx, keeper, dispute),
        Ok(pb::DisputeStatus::Voting) => decide(state, ctx, keeper, params, dispute),
        Ok(pb::DisputeStatus::Appealable) => pay_upheld(state, keeper, params, dispute),
        // Reversed meanwhile (its entry is removed then; nothing to do if one remains).
        _ => Ok(Vec::new()),
    }
}

/// The seed of attempt `attempt` to draw dispute `id`'s panel.
pub fn panel_seed(last_app_hash: &[u8], height: u64, id: u64, attempt: u32) -> [u8; 32] {
    Sha256::new()
        .chain_update(b"agora/dispute-panel/v1")
        .chain_update(last_app_hash)
        .chain_update(height.to_be_bytes())
        .chain_update(id.to_be_bytes())
        .chain_update(attempt.to_be_bytes())
        .finalize()
        .into()
}

fn form_panel(state: &mut dyn StateWrite, ctx: &BlockContext, keeper: &dyn ProviderPenaltyKeeper, mut dispute: pb::Dispute) -> Result<Vec<Event>, TxError> {
    let id = dispute.id;
    let tenant = parse(id, "tenant", &dispute.tenant)?;
    let provider = parse(id, "provider", &dispute.provider)?;
    let operator = keeper.standing(state, &provider)?.and_then(|s| s.operator);
    let excluded: Vec<Address> = [Some(tenant), Some(provider), operator].into_iter().flatten().collect();
    let terms = terms_of(&dispute)?;
    let seats = panel::draw(state, &excluded, terms.panel_size, |attempt| panel_seed(&ctx.last_app_hash, ctx.height, id, attempt))?;
    if seats.len() < usize::try_from(terms.panel_size).unwrap_or(usize::MAX) {
        return dismiss(state, ctx, keeper, dispute, tenant);
    }
    for panelist in &seats {
        panel::seat(state, panelist)?;
    }
    dispute.panel = seats.iter().map(Address::to_string).collect();
    dispute.status = pb::DisputeStatus::Voting as i32;
    dispute.voting_ends = ctx.height.saturating_add(terms.dispute_window);
    state.queue_dispute(&dispute)?;
    state.put_dispute(&dispute);
    Ok(vec![DisputePanelDrawn { id, panel: &dispute.panel, voting_ends: dispute.voting_ends }.to_event()])
}

/// Too few auditors besides the parties: the deposit goes back, the payments to the provider.
fn dismiss(state: &mut dyn StateWrite, ctx: &BlockContext, keeper: &dyn ProviderPenaltyKeeper, mut dispute: pb::Dispute, tenant: Address) -> Result<Vec<Event>, TxError> {
    let id = dispute.id;
    let lease = lease_of(&dispute)?;
    let mut events = Vec::new();
    if let Some(deposit) = coin_of(id, "deposit", dispute.deposit.as_ref())? {
        events.extend(keeper.transfer(state, &disputes_account(), &tenant, &deposit)?);
    }
    events.extend(keeper.release_lease_payments(state, &lease, None, ctx.height)?.1);
    state.close_open_dispute(&lease);
    state.count_undecided(&lease.provider, false)?;
    dispute.status = pb::DisputeStatus::Dismissed as i32;
    dispute.decided_height = ctx.height;
    state.put_dispute(&dispute);
    events.push(DisputeDismissed { id, reason: "too few auditors on panels besides the parties" }.to_event());
    Ok(events)
}

/// The panelists who voted `option`.
fn voters(dispute: &pb::Dispute, option: pb::DisputeVoteOption) -> Result<Vec<Address>, SlashingError> {
    dispute.votes.iter().filter(|v| v.option == option as i32).map(|v| parse(dispute.id, "vote", &v.panelist)).collect()
}

/// Shares `fee` equally among `panelists`; returns what the division leaves.
fn pay_panel(state: &mut dyn StateWrite, keeper: &dyn ProviderPenaltyKeeper, panelists: &[Address], fee: &Coin, events: &mut Vec<Event>) -> Result<u128, TxError> {
    let Ok(count) = u128::try_from(panelists.len()) else { return Ok(fee.amount) };
    if count == 0 {
        return Ok(fee.amount);
    }
    let each = fee.amount / count;
    if each > 0 {
        for panelist in panelists {
            events.extend(keeper.transfer(state, &disputes_account(), panelist, &Coin::new(fee.denom.clone(), each))?);
        }
    }
    Ok(fee.amount - each * count)
}

/// The window closed: the panel upholds the dispute or not.
fn decide(state: &mut dyn StateWrite, ctx: &BlockContext, keeper: &dyn ProviderPenaltyKeeper, params: &ProviderParams, mut dispute: pb::Dispute) -> Result<Vec<Event>, TxError> {
    let id = dispute.id;
    let lease = lease_of(&dispute)?;
    let provider = parse(id, "provider", &dispute.provider)?;
    let mut events = Vec::new();
    for member in &dispute.panel {
        let panelist = parse(id, "panel", member)?;
        panel::unseat(state, &panelist)?;
        if !dispute.votes.iter().any(|v| v.panelist == *member) {
            events.extend(panel::missed_vote(state, keeper, params, &panelist, ctx.height)?);
        }
    }
    state.close_open_dispute(&lease);
    state.count_undecided(&lease.provider, false)?;
    dispute.decided_height = ctx.height;
    let for_tenant = voters(&dispute, pb::DisputeVoteOption::Tenant)?;
    let terms = terms_of(&dispute)?;
    if for_tenant.len() >= usize::try_from(terms.panel_threshold).unwrap_or(usize::MAX) {
        let (slashed, slash_events) = match keeper.standing(state, &provider)? {
            Some(standing) => {
                let amount = share(standing.bond.amount, terms.dispute_slash_bps);
                keeper.slash_bond(state, &provider, amount, SlashTo::Disputes, ctx.height.saturating_add(params.jail_blocks), ctx.height)?
            }
            // It left the registry with its bond: nothing is left to take.
            None => (Coin::new(params.dispute_deposit.denom.clone(), 0), Vec::new()),
        };
        events.extend(slash_events);
        let (refund, refund_events) = keeper.release_lease_payments(state, &lease, Some(&disputes_account()), ctx.height)?;
        events.extend(refund_events);
        dispute.status = pb::DisputeStatus::Appealable as i32;
        dispute.appeal_ends = ctx.height.saturating_add(terms.appeal_blocks);
        dispute.slashed = Some(slashed.to_proto());
        dispute.refund = Some(refund.to_proto());
        state.queue_dispute(&dispute)?;
        events.push(
            DisputeUpheld { id, provider: &provider, votes_for_tenant: for_tenant.len(), slashed: &slashed, refund: &refund, appeal_ends: dispute.appeal_ends }
                .to_event(),
        );
    } else {
        events.extend(keeper.release_lease_payments(state, &lease, None, ctx.height)?.1);
        if let Some(deposit) = coin_of(id, "deposit", dispute.deposit.as_ref())? {
            let fee = Coin::new(deposit.denom.clone(), share(deposit.amount, terms.panel_fee_bps));
            let rest = pay_panel(state, keeper, &voters(&dispute, pb::DisputeVoteOption::Provider)?, &fee, &mut events)?;
            let to_provider = Coin::new(deposit.denom.clone(), deposit.amount - fee.amount + rest);
            if to_provider.amount > 0 {
                events.extend(keeper.transfer(state, &disputes_account(), &provider, &to_provider)?);
            }
        }
        dispute.status = pb::DisputeStatus::Rejected as i32;
        state.put_lease_cooldown(&lease, ctx.height.saturating_add(terms.dispute_window));
        events.push(DisputeRejected { id, provider: &provider, votes_for_tenant: for_tenant.len() }.to_event());
    }
    state.put_dispute(&dispute);
    Ok(events)
}

/// The appeal window of an upheld dispute closed: the tenant is paid, the panel's majority
/// shares its fee, the rest of the slash is burned.
fn pay_upheld(state: &mut dyn StateWrite, keeper: &dyn ProviderPenaltyKeeper, params: &ProviderParams, mut dispute: pb::Dispute) -> Result<Vec<Event>, TxError> {
    let id = dispute.id;
    let tenant = parse(id, "tenant", &dispute.tenant)?;
    let held = disputes_account();
    let mut events = pay_refund_and_deposit(state, keeper, &dispute, &tenant)?;
    let slashed = coin_of(id, "slashed", dispute.slashed.as_ref())?.unwrap_or_else(|| Coin::new(params.dispute_deposit.denom.clone(), 0));
    let terms = terms_of(&dispute)?;
    let victim = Coin::new(slashed.denom.clone(), share(slashed.amount, terms.victim_share_bps));
    let fee = Coin::new(slashed.denom.clone(), share(slashed.amount, terms.panel_fee_bps));
    if victim.amount > 0 {
        events.extend(keeper.transfer(state, &held, &tenant, &victim)?);
    }
    let rest = pay_panel(state, keeper, &voters(&dispute, pb::DisputeVoteOption::Tenant)?, &fee, &mut events)?;
    let burned = Coin::new(slashed.denom.clone(), slashed.amount - victim.amount - fee.amount + rest);
    if burned.amount > 0 {
        events.extend(keeper.burn_held(state, &burned)?);
    }
    dispute.status = pb::DisputeStatus::Upheld as i32;
    state.put_dispute(&dispute);
    let panel_fee = Coin::new(fee.denom.clone(), fee.amount - rest);
    events.push(DisputePaid { id, tenant: &tenant, victim_share: &victim, panel_fee: &panel_fee, burned: &burned }.to_event());
    Ok(events)
}

/// Dispute state access.
pub(crate) trait DisputeState: StateWrite + ProviderPenaltyRead {
    fn put_dispute(&mut self, dispute: &pb::Dispute) {
        self.put_proto(keys::dispute(dispute.id), dispute);
    }

    fn put_next_dispute_id(&mut self, id: u64) {
        self.put_raw(keys::NEXT_DISPUTE_ID.to_vec(), id.to_be_bytes().to_vec());
    }

    /// Indexes a dispute by its provider, by its lease while undecided, and queues its step.
    fn index_dispute(&mut self, dispute: &pb::Dispute, lease: &LeaseRef) -> Result<(), SlashingError> {
        self.put_raw(keys::dispute_by_provider(&lease.provider, dispute.id), Vec::new());
        if awaits_verdict(dispute.status) {
            self.put_raw(keys::open_dispute(lease), dispute.id.to_be_bytes().to_vec());
        }
        self.queue_dispute(dispute)
    }

    fn queue_dispute(&mut self, dispute: &pb::Dispute) -> Result<(), SlashingError> {
        match next_step(dispute) {
            Some(height) => Ok(keys::DISPUTE_QUEUE.insert(self, height, &dispute.id.to_be_bytes())?),
            None => Ok(()),
        }
    }

    /// The lease's payments are no longer held: it may be disputed again.
    fn close_open_dispute(&mut self, lease: &LeaseRef) {
        self.delete(keys::open_dispute(lease));
    }

    fn put_lease_cooldown(&mut self, lease: &LeaseRef, until: u64) {
        self.put_raw(keys::lease_cooldown(lease), until.to_be_bytes().to_vec());
    }

    /// One more (or one fewer) dispute against `provider` awaits its verdict.
    fn count_undecided(&mut self, provider: &Address, opened: bool) -> Result<(), SlashingError> {
        let count = self.undecided_disputes(provider)?;
        let count = if opened { count.saturating_add(1) } else { count.saturating_sub(1) };
        if count == 0 {
            self.delete(keys::undecided(provider));
        } else {
            self.put_raw(keys::undecided(provider), count.to_be_bytes().to_vec());
        }
        Ok(())
    }
}

impl<S: StateWrite + ProviderPenaltyRead + ?Sized> DisputeState for S {}

/// Reads of disputes (for the module and its queries).
pub trait DisputeRead: StateRead {
    fn dispute(&self, id: u64) -> Result<Option<pb::Dispute>, SlashingError> {
        Ok(self.get_proto(&keys::dispute(id))?)
    }

    fn open_dispute_of(&self, lease: &LeaseRef) -> Result<Option<u64>, SlashingError> {
        match self.get_raw(&keys::open_dispute(lease))? {
            Some(bytes) => Ok(Some(u64::from_be_bytes(bytes.as_slice().try_into().map_err(|_| SlashingError::Internal("corrupt open dispute entry".into()))?))),
            None => Ok(None),
        }
    }

    /// Disputes against `provider` awaiting their verdict: while any does, it may not start
    /// unbonding (its bond is what an upheld dispute takes).
    fn undecided_disputes(&self, provider: &Address) -> Result<u32, SlashingError> {
        match self.get_raw(&keys::undecided(provider))? {
            Some(bytes) => Ok(u32::from_be_bytes(bytes.as_slice().try_into().map_err(|_| SlashingError::Internal("corrupt undecided count".into()))?)),
            None => Ok(0),
        }
    }

    fn lease_cooldown(&self, lease: &LeaseRef) -> Result<Option<u64>, SlashingError> {
        match self.get_raw(&keys::lease_cooldown(lease))? {
            Some(bytes) => Ok(Some(u64::from_be_bytes(bytes.as_slice().try_into().map_err(|_| SlashingError::Internal("corrupt lease cooldown".into()))?))),
            None => Ok(None),
        }
    }

    fn next_dispute_id(&self) -> Result<u64, SlashingError> {
        match self.get_raw(keys::NEXT_DISPUTE_ID)? {
            Some(bytes) => Ok(u64::from_be_bytes(bytes.as_slice().try_into().map_err(|_| SlashingError::Internal("corrupt next dispute id".into()))?)),
            None => Ok(1),
        }
    }
}

impl<S: StateRead + ?Sized> DisputeRead for S {}
