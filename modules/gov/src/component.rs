//! `gov` as a component: its messages, the end of deposit and voting periods at the end of
//! every block, queries, genesis, and the invariant that the governance account holds the
//! deposits of the proposals still open.

use agora_component::{entry_failed, isolated, Authority, Component, ComponentMsg, EndBlockOutcome, ModuleAccount, MsgRouter, Wiring};
use agora_store::{StateRead, StateWrite};
use agora_types::{AbciError, Address, BlockContext, Coin, Coins, Dec, Event, TxError};
use cosmos_sdk_proto::cosmos::gov::v1 as pb;
use cosmos_sdk_proto::Any;

use crate::keepers::{BankKeeper, StakingKeeper};
use crate::msg::{GovMsg, SubmitProposal, WeightedOption, MESSAGE_TYPES};
use crate::params::all_gte;
use crate::state::{enqueue, keys, nanos_of, timestamp, GovRead, GovWrite};
use crate::tally::{count, decide};
use crate::{GenesisState, GovError, Params, GOV_MODULE, MAX_METADATA_LEN, MAX_PROPOSALS_PER_BLOCK, MAX_SUMMARY_LEN, MAX_TITLE_LEN};

pub struct GovComponent {
    bank: Box<dyn BankKeeper>,
    staking: Box<dyn StakingKeeper>,
    authority: Authority,
}

pub fn gov_address() -> Address {
    Address::module(GOV_MODULE)
}

/// `cosmos.gov.v1.ProposalStatus`.
pub mod status {
    pub const DEPOSIT_PERIOD: i32 = 1;
    pub const VOTING_PERIOD: i32 = 2;
    pub const PASSED: i32 = 3;
    pub const REJECTED: i32 = 4;
    pub const FAILED: i32 = 5;
}

fn coins_of(list: &[cosmos_sdk_proto::cosmos::base::v1beta1::Coin]) -> Result<Coins, TxError> {
    Coins::from_protos(list).map_err(|e| TxError::internal(format!("corrupt coins: {e}")))
}

/// `ratio` of `amount`, rounded down.
fn share(amount: u128, ratio: Dec) -> u128 {
    Dec::from_units(amount).checked_mul(ratio).and_then(Dec::floor).unwrap_or(amount)
}

/// The initial deposit a proposal needs of `min_deposit`: rounded half to even, as the SDK
/// rounds it (`RoundInt`), unlike the other shares of a deposit (rounded down).
pub(crate) fn min_initial_deposit(min_deposit: u128, ratio: Dec) -> u128 {
    Dec::from_units(min_deposit).checked_mul(ratio).and_then(Dec::round_half_even).unwrap_or(min_deposit)
}

fn add_coins(total: &Coins, more: &Coins) -> Result<Coins, TxError> {
    let mut sum = total.clone();
    for coin in more.iter() {
        sum.add(&coin).map_err(|e| TxError::internal(e.to_string()))?;
    }
    Ok(sum)
}

/// Messages through which an account takes part in governance; never a proposal's.
const PARTICIPATION: &[&str] = &[
    crate::msg::MSG_SUBMIT_PROPOSAL_URL,
    crate::msg::MSG_DEPOSIT_URL,
    crate::msg::MSG_VOTE_URL,
    crate::msg::MSG_VOTE_WEIGHTED_URL,
    crate::msg::MSG_CANCEL_PROPOSAL_URL,
    crate::msg::LEGACY_SUBMIT_PROPOSAL_URL,
    crate::msg::LEGACY_DEPOSIT_URL,
    crate::msg::LEGACY_VOTE_URL,
    crate::msg::LEGACY_VOTE_WEIGHTED_URL,
];

/// What a proposal message's refusal by the router means for the proposal.
fn proposal_msg_error(type_url: &str, error: TxError) -> GovError {
    match (error.codespace.as_str(), error.code) {
        ("sdk", 6) => GovError::UnroutableProposalMsg(type_url.to_string()),
        ("sdk", 4) => GovError::InvalidSigner(error.log),
        ("gov", 9) => GovError::NoProposalHandler(type_url.to_string()),
        _ => GovError::InvalidProposalMsg(format!("{type_url}: {}", error.log)),
    }
}

impl GovComponent {
    pub fn new(bank: impl BankKeeper + 'static, staking: impl StakingKeeper + 'static) -> Self {
        Self { bank: Box::new(bank), staking: Box::new(staking), authority: Authority::default() }
    }

    fn submit(&self, state: &mut dyn StateWrite, ctx: &BlockContext, m: &SubmitProposal, router: &dyn MsgRouter) -> Result<Vec<Event>, TxError> {
        let params = state.gov_params()?;
        let minimum = params.min_deposit_for(m.expedited);
        if !params.min_initial_deposit_ratio.is_zero() {
            let mut required = Coins::new();
            for coin in minimum.iter() {
                let amount = min_initial_deposit(coin.amount, params.min_initial_deposit_ratio);
                required.add(&Coin::new(coin.denom, amount)).map_err(|e| TxError::internal(e.to_string()))?;
            }
            if !all_gte(&m.initial_deposit, &required) {
                return Err(GovError::MinDepositTooSmall(format!("was ({}), need ({required})", m.initial_deposit)).into());
            }
        }
        check_denoms(&params, &m.initial_deposit)?;
        if m.metadata.len() > MAX_METADATA_LEN {
            return Err(GovError::MetadataTooLong(format!("got metadata with length {}", m.metadata.len())).into());
        }
        if m.summary.len() > MAX_SUMMARY_LEN {
            return Err(GovError::SummaryTooLong(format!("got summary with length {}", m.summary.len())).into());
        }
        if m.title.len() > MAX_TITLE_LEN {
            return Err(GovError::MetadataTooLong(format!("got metadata with length {}", m.title.len())).into());
        }
        let gov = gov_address();
        let mut listed = String::new();
        for msg in &m.messages {
            listed.push(',');
            listed.push_str(&msg.type_url);
            // Governance does not propose, deposit, vote or cancel as itself: its account
            // holds the depositors' coins, which those would move or count twice.
            if PARTICIPATION.contains(&msg.type_url.as_str()) {
                return Err(GovError::InvalidProposalMsg(format!("{}: governance cannot take part in governance as itself", msg.type_url)).into());
            }
            router.check_as(&gov, msg).map_err(|e| proposal_msg_error(&msg.type_url, e))?;
        }
        // A release vote (only `MsgReleaseTranche`): the grant's recipient asks, for an active
        // grant, and never expedited.
        if crate::grants::carries_release(&m.messages) {
            let Some((grant_id, tranche)) = crate::grants::release_target(&m.messages) else {
                return Err(GovError::InvalidProposalMsg("a release is a vote of its own: one MsgReleaseTranche and nothing else".into()).into());
            };
            if m.expedited {
                return Err(GovError::InvalidProposal("a release vote cannot be expedited".into()).into());
            }
            let grant = crate::grants::grant(state, grant_id)?.ok_or_else(|| GovError::InvalidProposalMsg(format!("grant {grant_id} does not exist")))?;
            if grant.recipient != m.proposer.to_string() {
                return Err(GovError::InvalidProposer(format!("{}: only grant {grant_id}'s recipient asks for its release", m.proposer)).into());
            }
            if grant.state != agora_proto::gov::v1::GrantState::Active as i32 {
                return Err(GovError::InvalidProposalMsg(format!("grant {grant_id} has nothing left to release")).into());
            }
            if tranche != grant.next_tranche {
                return Err(GovError::InvalidProposalMsg(format!("grant {grant_id}: tranche {tranche} is not the one due ({})", grant.next_tranche)).into());
            }
        }
        let id = state.take_proposal_id()?;
        let now = ctx.time_nanos();
        let deposit_end = now.saturating_add(params.max_deposit_period.saturating_mul(agora_types::time::NANOS_PER_SEC));
        let mut proposal = pb::Proposal {
            id,
            messages: m.messages.clone(),
            status: status::DEPOSIT_PERIOD,
            final_tally_result: Some(crate::tally::Tally::default().to_proto()),
            submit_time: Some(timestamp(now)),
            deposit_end_time: Some(timestamp(deposit_end)),
            total_deposit: Vec::new(),
            voting_start_time: None,
            voting_end_time: None,
            metadata: m.metadata.clone(),
            title: m.title.clone(),
            summary: m.summary.clone(),
            proposer: m.proposer.to_string(),
            expedited: m.expedited,
            failed_reason: String::new(),
        };
        state.put_proposal(&proposal);
        enqueue(state, &keys::DEPOSIT_QUEUE, deposit_end, id)?;
        let mut events = vec![Event::new("submit_proposal")
            .attr("proposal_id", id)
            .attr("proposal_proposer", m.proposer)
            .attr("proposal_messages", listed)];
        let (deposit_events, started) = self.add_deposit(state, ctx, &params, &mut proposal, &m.proposer, &m.initial_deposit)?;
        events.extend(deposit_events);
        if started {
            events.push(Event::new("submit_proposal").attr("voting_period_start", id));
        }
        Ok(events)
    }

    /// Adds a deposit; returns the events and whether the voting period started.
    fn add_deposit(
        &self,
        state: &mut dyn StateWrite,
        ctx: &BlockContext,
        params: &Params,
        proposal: &mut pb::Proposal,
        depositor: &Address,
        amount: &Coins,
    ) -> Result<(Vec<Event>, bool), TxError> {
        let id = proposal.id;
        if proposal.status != status::DEPOSIT_PERIOD && proposal.status != status::VOTING_PERIOD {
            return Err(GovError::InactiveProposal(id).into());
        }
        check_denoms(params, amount)?;
        let minimum = params.min_deposit_for(proposal.expedited);
        if !params.min_deposit_ratio.is_zero() {
            let thresholds: Vec<Coin> = minimum.iter().map(|c| Coin::new(c.denom, share(c.amount, params.min_deposit_ratio))).collect();
            if !thresholds.iter().any(|t| amount.amount_of(&t.denom) >= t.amount && amount.amount_of(&t.denom) > 0) {
                let listed: Vec<String> = thresholds.iter().map(ToString::to_string).collect();
                return Err(GovError::MinDepositTooSmall(format!("received {amount} but need at least one of the following: {}", listed.join(","))).into());
            }
        }
        let mut events = Vec::new();
        if !amount.is_empty() {
            events.extend(self.bank.send_coins(state, depositor, &gov_address(), amount)?);
        }
        let total = add_coins(&coins_of(&proposal.total_deposit)?, amount)?;
        proposal.total_deposit = total.to_protos();
        let previous = match state.deposit(id, depositor)? {
            Some(d) => coins_of(&d.amount)?,
            None => Coins::new(),
        };
        let deposit = pb::Deposit { proposal_id: id, depositor: depositor.to_string(), amount: add_coins(&previous, amount)?.to_protos() };
        state.put_deposit(depositor, &deposit);
        let started = proposal.status == status::DEPOSIT_PERIOD && all_gte(&total, minimum);
        if started {
            let now = ctx.time_nanos();
            let period = if crate::grants::release_target(&proposal.messages).is_some() {
                crate::grants::params(state)?.release_voting_period_seconds.saturating_mul(agora_types::time::NANOS_PER_SEC)
            } else {
                params.voting_period_nanos(proposal.expedited)
            };
            let end = now.saturating_add(period);
            keys::DEPOSIT_QUEUE.remove(state, nanos_of(proposal.deposit_end_time.as_ref()), &id.to_be_bytes());
            proposal.status = status::VOTING_PERIOD;
            proposal.voting_start_time = Some(timestamp(now));
            proposal.voting_end_time = Some(timestamp(end));
            enqueue(state, &keys::VOTING_QUEUE, end, id)?;
        }
        state.put_proposal(proposal);
        events.push(Event::new("proposal_deposit").attr("depositor", depositor).attr("amount", amount).attr("proposal_id", id));
        Ok((events, started))
    }

    fn vote(&self, state: &mut dyn StateWrite, ctx: &BlockContext, id: u64, voter: &Address, options: &[WeightedOption], metadata: &str) -> Result<Vec<Event>, TxError> {
        match state.proposal(id)? {
            // A vote whose end has passed but is not yet decided (a busy end of block) is
            // closed all the same.
            Some(p) if p.status == status::VOTING_PERIOD && nanos_of(p.voting_end_time.as_ref()) >= ctx.time_nanos() => {}
            _ => return Err(GovError::InactiveProposal(id).into()),
        }
        if metadata.len() > MAX_METADATA_LEN {
            return Err(GovError::MetadataTooLong(format!("got metadata with length {}", metadata.len())).into());
        }
        let vote = pb::Vote {
            proposal_id: id,
            voter: voter.to_string(),
            options: options.iter().map(|o| pb::WeightedVoteOption { option: o.option as i32, weight: o.weight_text.clone() }).collect(),
            metadata: metadata.to_string(),
        };
        state.put_vote(voter, &vote);
        // As the SDK writes it: Go's JSON of the options, the option as a number.
        let json: Vec<serde_json::Value> = options.iter().map(|o| serde_json::json!({"option": o.option as i32, "weight": o.weight_text})).collect();
        Ok(vec![Event::new("proposal_vote").attr("voter", voter).attr("option", serde_json::Value::Array(json)).attr("proposal_id", id)])
    }

    fn cancel(&self, state: &mut dyn StateWrite, ctx: &BlockContext, id: u64, proposer: &Address) -> Result<Vec<Event>, TxError> {
        let proposal = state.proposal(id)?.ok_or(GovError::UnknownProposal(id))?;
        if proposal.proposer != proposer.to_string() {
            return Err(GovError::InvalidProposer(proposer.to_string()).into());
        }
        if proposal.status != status::DEPOSIT_PERIOD && proposal.status != status::VOTING_PERIOD {
            return Err(GovError::InvalidProposal("proposal should be in the deposit or voting period".into()).into());
        }
        if proposal.voting_end_time.is_some() && nanos_of(proposal.voting_end_time.as_ref()) < ctx.time_nanos() {
            return Err(GovError::VotingPeriodEnded(id).into());
        }
        let params = state.gov_params()?;
        let mut events = self.settle_deposits(state, id, Settle::Charge(params.proposal_cancel_ratio), &params)?;
        state.delete_proposal(&proposal)?;
        events.push(Event::new("cancel_proposal").attr("sender", proposer).attr("proposal_id", id));
        Ok(events)
    }

    /// Refunds, burns or charges a proposal's deposits, and deletes their records.
    fn settle_deposits(&self, state: &mut dyn StateWrite, id: u64, settle: Settle, params: &Params) -> Result<Vec<Event>, TxError> {
        let gov = gov_address();
        let mut kept = Coins::new();
        let mut events = Vec::new();
        for (depositor, deposit) in state.deposits(id)? {
            let amount = coins_of(&deposit.amount)?;
            let refund = match settle {
                Settle::Refund => amount.clone(),
                Settle::Burn => Coins::new(),
                Settle::Charge(rate) => {
                    let mut refund = Coins::new();
                    for coin in amount.iter() {
                        let charged = share(coin.amount, rate).min(coin.amount);
                        refund.add(&Coin::new(coin.denom.clone(), coin.amount - charged)).map_err(|e| TxError::internal(e.to_string()))?;
                    }
                    refund
                }
            };
            for coin in amount.iter() {
                let left = coin.amount - refund.amount_of(&coin.denom);
                kept.add(&Coin::new(coin.denom, left)).map_err(|e| TxError::internal(e.to_string()))?;
            }
            if !refund.is_empty() {
                events.extend(self.bank.send_coins(state, &gov, &depositor, &refund)?);
            }
            state.delete(keys::deposit(id, &depositor));
        }
        if !kept.is_empty() {
            match (settle, params.cancel_destination()?) {
                (Settle::Charge(_), Some(destination)) => {
                    // The SDK funds the community pool when the destination is the distribution
                    // module; Agora's community pool is its own account.
                    let destination = if destination == Address::module("distribution") { Address::module("community_pool") } else { destination };
                    events.extend(self.bank.send_coins(state, &gov, &destination, &kept)?)
                }
                _ => events.extend(self.bank.burn_coins(state, GOV_MODULE, &kept)?),
            }
        }
        Ok(events)
    }

    /// A proposal whose processing failed (a bug, never input): `FAILED` with the error, its
    /// deposits refunded.
    fn fail(&self, state: &mut dyn StateWrite, id: u64, error: &TxError) -> Result<Vec<Event>, TxError> {
        let Some(mut proposal) = state.proposal(id)? else { return Ok(Vec::new()) };
        let params = state.gov_params()?;
        let events = self.settle_deposits(state, id, Settle::Refund, &params)?;
        proposal.status = status::FAILED;
        proposal.failed_reason = format!("proposal failed because it cannot be processed by gov: {}", error.log);
        state.put_proposal(&proposal);
        Ok(events)
    }

    /// A proposal whose deposit period ended without reaching the minimum: dropped.
    fn drop_inactive(&self, state: &mut dyn StateWrite, id: u64) -> Result<Vec<Event>, TxError> {
        let Some(proposal) = state.proposal(id)? else { return Ok(Vec::new()) };
        if proposal.status != status::DEPOSIT_PERIOD {
            return Ok(Vec::new());
        }
        let params = state.gov_params()?;
        let settle = if params.burn_proposal_deposit_prevote { Settle::Burn } else { Settle::Refund };
        let mut events = self.settle_deposits(state, id, settle, &params)?;
        state.delete_proposal(&proposal)?;
        events.push(Event::new("inactive_proposal").attr("proposal_id", id).attr("proposal_result", "proposal_dropped"));
        Ok(events)
    }

    /// A proposal whose voting period ended: tallied, and executed if it passed.
    fn decide(&self, state: &mut dyn StateWrite, ctx: &BlockContext, id: u64, router: &dyn MsgRouter) -> Result<Vec<Event>, TxError> {
        let Some(mut proposal) = state.proposal(id)? else { return Ok(Vec::new()) };
        if proposal.status != status::VOTING_PERIOD {
            return Ok(Vec::new());
        }
        let params = state.gov_params()?;
        let (tally, voters) = count(state, self.staking.as_ref(), id)?;
        let total_bonded = self.staking.total_bonded_tokens(state)?;
        let release = crate::grants::release_target(&proposal.messages);
        let outcome = match &release {
            Some(_) => {
                let mut release_params = params.clone();
                release_params.quorum = crate::grants::validate_params(&crate::grants::params(state)?)?;
                decide(&tally, total_bonded, &release_params, false)
            }
            None => decide(&tally, total_bonded, &params, proposal.expedited),
        };
        let mut events = Vec::new();
        for voter in voters {
            state.delete(keys::vote(id, &voter));
        }
        let converted = proposal.expedited && !outcome.passes;
        if !converted {
            let settle = if outcome.burn_deposits { Settle::Burn } else { Settle::Refund };
            events.extend(self.settle_deposits(state, id, settle, &params)?);
        }
        let (result, log) = if outcome.passes {
            let gov = gov_address();
            let messages = proposal.messages.clone();
            let held = self.bank.balances(state, &gov)?;
            let executed = isolated(state, |fork| {
                let mut emitted = Vec::new();
                for (index, msg) in messages.iter().enumerate() {
                    let msg_events = router.execute_as(fork, ctx, &gov, msg).map_err(|e| (index, msg.type_url.clone(), e))?;
                    emitted.extend(msg_events);
                    // What the governance account holds are other proposals' deposits: no
                    // proposal may spend them (a send or delegation signed by governance).
                    if self.bank.balances(fork, &gov).map_err(|e| (index, msg.type_url.clone(), e))? != held {
                        let error = TxError::new("gov", 12, "a proposal may not move the governance account's coins (they are depositors' deposits)");
                        return Err((index, msg.type_url.clone(), error));
                    }
                }
                Ok::<_, (usize, String, TxError)>(emitted)
            });
            match executed {
                Ok(emitted) => {
                    events.extend(emitted);
                    proposal.status = status::PASSED;
                    ("proposal_passed", "passed".to_string())
                }
                Err((index, type_url, error)) => {
                    proposal.status = status::FAILED;
                    proposal.failed_reason = error.log.clone();
                    ("proposal_failed", format!("passed, but msg {index} ({type_url}) failed on execution: {}", error.log))
                }
            }
        } else if converted {
            // Fails as expedited: voted on again as a regular proposal (votes start over).
            proposal.expedited = false;
            let start = nanos_of(proposal.voting_start_time.as_ref());
            let end = start.saturating_add(params.voting_period_nanos(false)).max(ctx.time_nanos());
            proposal.voting_end_time = Some(timestamp(end));
            enqueue(state, &keys::VOTING_QUEUE, end, id)?;
            ("expedited_proposal_rejected", "expedited proposal converted to regular".to_string())
        } else {
            proposal.status = status::REJECTED;
            proposal.failed_reason = "proposal did not get enough votes to pass".into();
            // A failed release vote returns the rest of its grant to the community pool, if the
            // tranche it asked for is still the one due (a stale vote changes nothing).
            if let Some((grant_id, tranche)) = release {
                let due = crate::grants::grant(state, grant_id)?
                    .is_some_and(|g| g.state == agora_proto::gov::v1::GrantState::Active as i32 && g.next_tranche == tranche);
                if due {
                    events.extend(crate::grants::close(state, self.bank.as_ref(), ctx.height, grant_id, "release vote failed")?);
                }
            }
            ("proposal_rejected", "rejected".to_string())
        };
        proposal.final_tally_result = Some(tally.to_proto());
        state.put_proposal(&proposal);
        events.push(Event::new("active_proposal").attr("proposal_id", id).attr("proposal_result", result).attr("proposal_log", log));
        Ok(events)
    }
}

#[derive(Clone, Copy)]
enum Settle {
    Refund,
    Burn,
    /// Refund all but this share, which goes to the cancel destination (or is burned).
    Charge(Dec),
}

/// Deposits are taken only in the denoms of the minimum deposit.
fn check_denoms(params: &Params, amount: &Coins) -> Result<(), GovError> {
    if let Some(coin) = amount.iter().find(|c| params.min_deposit.amount_of(&c.denom) == 0) {
        let accepted: Vec<String> = params.min_deposit.iter().map(|c| c.denom.to_string()).collect();
        return Err(GovError::InvalidDepositDenom(format!("deposited {coin}, but gov accepts only the following denom(s): [{}]", accepted.join(" "))));
    }
    Ok(())
}

impl ComponentMsg for GovMsg {
    fn type_url(&self) -> &str {
        GovMsg::type_url(self)
    }

    fn module(&self) -> &'static str {
        "gov"
    }

    fn signers(&self) -> Vec<Address> {
        GovMsg::signers(self)
    }
}

impl Component for GovComponent {
    type Msg = GovMsg;
    type Genesis = GenesisState;

    fn name(&self) -> &'static str {
        "gov"
    }

    /// Holds the deposits (burns them when a vote says so) and signs passed proposals; the
    /// grants account holds the milestone grants' pending tranches.
    fn module_accounts(&self) -> Vec<ModuleAccount> {
        vec![ModuleAccount::new(GOV_MODULE).burner(), ModuleAccount::new(crate::grants::GRANTS_MODULE)]
    }

    fn wire(&mut self, wiring: &Wiring) {
        self.authority = wiring.authority;
    }

    fn validate_genesis(&self, genesis: &GenesisState) -> Result<(), String> {
        genesis.validate().map_err(|e| e.to_string())
    }

    fn init_genesis(&self, state: &mut dyn StateWrite, genesis: &GenesisState) -> Result<(), String> {
        genesis.apply(state).map_err(|e| e.to_string())
    }

    fn export_genesis(&self, state: &dyn StateRead, height: u64) -> Result<GenesisState, String> {
        GenesisState::export(state, height).map_err(|e| e.to_string())
    }

    fn end_block(&self, state: &mut dyn StateWrite, ctx: &BlockContext, router: &dyn MsgRouter) -> Result<EndBlockOutcome, TxError> {
        let now = ctx.time_nanos();
        let mut events = Vec::new();
        // Each queue its own budget: proposals that drop out of their deposit period cannot
        // hold back the votes that end.
        let dropped = keys::DEPOSIT_QUEUE.take_due(state, now, MAX_PROPOSALS_PER_BLOCK).map_err(TxError::internal)?;
        let ended = keys::VOTING_QUEUE.take_due(state, now, MAX_PROPOSALS_PER_BLOCK).map_err(TxError::internal)?;
        for (queue, due) in [("drop_proposal", dropped), ("decide_proposal", ended)] {
            for (at, id_bytes) in due {
                let id = id_bytes.as_slice().try_into().map(u64::from_be_bytes).unwrap_or(0);
                let result = isolated(state, |fork| match queue {
                    "drop_proposal" => self.drop_inactive(fork, id),
                    _ => self.decide(fork, ctx, id, router),
                });
                match result {
                    Ok(proposal_events) => events.extend(proposal_events),
                    Err(error) => {
                        events.push(entry_failed(state, "gov", queue, at, &id_bytes, ctx.height, &error));
                        // Not left open for ever (taking deposits and votes nobody counts):
                        // failed and refunded, as the SDK fails a proposal it cannot process.
                        if let Ok(failed) = isolated(state, |fork| self.fail(fork, id, &error)) {
                            events.extend(failed);
                        }
                    }
                }
            }
        }
        // Grants whose next release was not voted in time return the rest to the pool.
        for (at, id_bytes) in crate::grants::DEADLINE_QUEUE.take_due(state, now, MAX_PROPOSALS_PER_BLOCK).map_err(TxError::internal)? {
            let grant_id = id_bytes.as_slice().try_into().map(u64::from_be_bytes).unwrap_or(0);
            match isolated(state, |fork| crate::grants::close(fork, self.bank.as_ref(), ctx.height, grant_id, "release deadline missed")) {
                Ok(closed) => events.extend(closed),
                Err(error) => events.push(entry_failed(state, "gov", "grant_deadline", at, &id_bytes, ctx.height, &error)),
            }
        }
        Ok(EndBlockOutcome { events, ..EndBlockOutcome::default() })
    }

    fn message_types(&self) -> &'static [&'static str] {
        MESSAGE_TYPES
    }

    fn decode_msg(&self, any: &Any) -> Result<GovMsg, TxError> {
        GovMsg::decode(any).map_err(|e| e.to_tx_error())
    }

    fn execute_routed(&self, state: &mut dyn StateWrite, ctx: &BlockContext, msg: &GovMsg, router: &dyn MsgRouter) -> Result<Vec<Event>, TxError> {
        match msg {
            GovMsg::SubmitProposal(m) => self.submit(state, ctx, m, router),
            GovMsg::Deposit { proposal_id, depositor, amount, .. } => {
                let mut proposal = state.proposal(*proposal_id)?.ok_or(GovError::UnknownProposal(*proposal_id))?;
                let params = state.gov_params()?;
                let (mut events, started) = self.add_deposit(state, ctx, &params, &mut proposal, depositor, amount)?;
                if started {
                    events.push(Event::new("proposal_deposit").attr("voting_period_start", proposal_id));
                }
                Ok(events)
            }
            GovMsg::Vote { proposal_id, voter, options, metadata, .. } => self.vote(state, ctx, *proposal_id, voter, options, metadata),
            GovMsg::CancelProposal { proposal_id, proposer } => self.cancel(state, ctx, *proposal_id, proposer),
            GovMsg::CreateGrant { authority, grant } => {
                self.authority.check(authority)?;
                crate::grants::create(state, self.bank.as_ref(), ctx.height, ctx.time_nanos(), grant)
            }
            GovMsg::ReleaseTranche { authority, grant_id, tranche } => {
                self.authority.check(authority)?;
                crate::grants::release(state, self.bank.as_ref(), ctx.height, ctx.time_nanos(), *grant_id, *tranche)
            }
            GovMsg::UpdateGrantParams { authority, params } => {
                self.authority.check(authority)?;
                crate::grants::put_params(state, params);
                Ok(Vec::new())
            }
            // A text proposal does nothing when it passes; only governance runs it.
            GovMsg::ExecLegacyContent { authority } => {
                self.authority.check(authority)?;
                Ok(Vec::new())
            }
            GovMsg::UpdateParams { authority, params } => {
                self.authority.check(authority)?;
                if let Some(destination) = params.cancel_destination()? {
                    if destination != Address::module("distribution") && self.bank.blocked(state, &destination)? {
                        return Err(GovError::InvalidParams(format!("proposal_cancel_dest {destination} is a module account that does not receive coins")).into());
                    }
                }
                state.put_gov_params(params);
                Ok(Vec::new())
            }
        }
    }

    fn query_services(&self) -> &'static [&'static str] {
        &[crate::query::SERVICE, crate::legacy::SERVICE, crate::grants::QUERY_SERVICE]
    }

    fn query(&self, state: &dyn StateRead, _height: u64, path: &str, data: &[u8]) -> Option<Result<Vec<u8>, TxError>> {
        crate::query::query(state, self.staking.as_ref(), path, data)
            .or_else(|| crate::legacy::query(state, self.staking.as_ref(), path, data))
            .or_else(|| crate::query::grants(state, path, data))
    }

    /// The governance account holds exactly the deposits of the open proposals (it receives
    /// nothing else: bank refuses plain sends to module accounts).
    fn check_invariants(&self, state: &dyn StateRead) -> Result<(), String> {
        let mut owed = Coins::new();
        for item in state.prefix_raw(keys::DEPOSIT_PREFIX, None) {
            let (_, value) = item.map_err(|e| e.to_string())?;
            let deposit = <pb::Deposit as prost::Message>::decode(value.as_slice()).map_err(|e| e.to_string())?;
            owed = add_coins(&owed, &coins_of(&deposit.amount).map_err(|e| e.log)?).map_err(|e| e.log)?;
        }
        let held = self.bank.balances(state, &gov_address()).map_err(|e| e.log)?;
        if held != owed {
            return Err(format!("the governance account holds {held} but the open proposals' deposits are {owed}"));
        }
        let pending = crate::grants::pending_total(state).map_err(|e| e.to_string())?;
        let granted = self.bank.balances(state, &Address::module(crate::grants::GRANTS_MODULE)).map_err(|e| e.log)?;
        if granted != pending {
            return Err(format!("the grants account holds {granted} but the grants' pending tranches are {pending}"));
        }
        Ok(())
    }
}
