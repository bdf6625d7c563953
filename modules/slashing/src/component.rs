//! `slashing` as a component: liveness and evidence at the start of every block (from the
//! decided last commit and the block's misbehaviour), `MsgUnjail`, parameters, queries and
//! genesis. Each voter and each piece of evidence is handled on its own fork: one that fails
//! (a bug, never bad input) is reported and the others go on.

use agora_component::{entry_failed, isolated, Authority, CheckTxScope, Component, ComponentMsg, ModuleAccount, Wiring};
use agora_store::{StateRead, StateWrite};
use agora_types::{AbciError, Address, BlockContext, ConsensusAddress, Event, MisbehaviorKind, TxError, VoteInfo};
use cosmos_sdk_proto::Any;

use crate::keepers::{ConsensusKeeper, StakingKeeper};
use crate::msg::{SlashingMsg, MESSAGE_TYPES};
use crate::provider::state::ProviderPenaltyWrite;
use crate::provider::{challenge, dispute, hardware, panel, ProviderPenaltyKeeper};
use crate::state::{valcons, SigningInfo, SlashingRead, SlashingRecords};
use crate::{GenesisState, SlashingError, TOMBSTONE_JAIL_END};

/// CometBFT applies a validator update returned at height H from H + 2: the stake that
/// signed block H − 1 (the last commit) is the one of height H − 2.
const VALIDATOR_UPDATE_DELAY: u64 = 1;

pub struct SlashingComponent {
    staking: Box<dyn StakingKeeper>,
    consensus: Box<dyn ConsensusKeeper>,
    /// Provider penalties (none: a chain, or a test, without a provider registry).
    providers: Option<Box<dyn ProviderPenaltyKeeper>>,
    authority: Authority,
}

impl SlashingComponent {
    pub fn new(staking: impl StakingKeeper + 'static, consensus: impl ConsensusKeeper + 'static) -> Self {
        Self { staking: Box::new(staking), consensus: Box::new(consensus), providers: None, authority: Authority::default() }
    }

    /// Judges providers too: liveness challenges each block, through `keeper`.
    pub fn with_provider_penalties(mut self, keeper: impl ProviderPenaltyKeeper + 'static) -> Self {
        self.providers = Some(Box::new(keeper));
        self
    }

    fn provider_keeper(&self) -> Result<&dyn ProviderPenaltyKeeper, SlashingError> {
        self.providers.as_deref().ok_or_else(|| SlashingError::InvalidRequest("this chain has no provider registry to judge".into()))
    }
}

/// Whether `address`'s key was tombstoned for double signing: a new validator may not take it
/// up again (evidence against a tombstoned key is ignored).
pub fn is_tombstoned<S: StateRead + ?Sized>(state: &S, address: &ConsensusAddress) -> Result<bool, SlashingError> {
    Ok(state.signing_info(address)?.is_some_and(|info| info.tombstoned))
}

/// Staking's hook when a validator enters the active set: its liveness is judged from here
/// (a new record, or the old one with a new start height).
pub fn validator_bonded(mut state: &mut dyn StateWrite, address: &ConsensusAddress, height: u64) -> Result<(), SlashingError> {
    let info = match state.signing_info(address)? {
        Some(mut info) => {
            info.start_height = height;
            info
        }
        None => SigningInfo::new(*address, height),
    };
    state.put_signing_info(&info)
}

fn entry_error(work: &str, address: &ConsensusAddress, ctx: &BlockContext, error: &TxError) -> Event {
    Event::new("begin_block_entry_error")
        .attr("module", "slashing")
        .attr("work", work)
        .attr("address", valcons(address))
        .attr("height", ctx.height)
        .attr("error", &error.log)
}

impl SlashingComponent {
    /// Slashes on its own fork, so the jail (and tombstone) that go with it stand even if the
    /// slash fails (a bug, never input): the failure is reported and parked under
    /// `slashing/failed/slash/` for a fixed binary to replay. Emits the SDK's `slash` event
    /// with the coins burned.
    #[allow(clippy::too_many_arguments)]
    fn slash_isolated(
        &self,
        state: &mut dyn StateWrite,
        ctx: &BlockContext,
        address: &ConsensusAddress,
        infraction_height: u64,
        power: u64,
        fraction: agora_types::Dec,
        reason: &str,
    ) -> Vec<Event> {
        match isolated(state, |fork| self.staking.slash(fork, ctx, address, infraction_height, power, fraction)) {
            Ok((burned, mut events)) => {
                events.push(
                    Event::new("slash").attr("address", valcons(address)).attr("power", power).attr("reason", reason).attr("burned_coins", burned),
                );
                events
            }
            Err(error) => vec![entry_failed(state, "slashing", "slash", infraction_height, address, ctx.height, &error)],
        }
    }

    /// The SDK's `HandleValidatorSignature` for one voter of the last commit.
    fn handle_vote(&self, mut state: &mut dyn StateWrite, ctx: &BlockContext, params: &crate::Params, vote: &VoteInfo) -> Result<Vec<Event>, TxError> {
        let address = vote.validator_address;
        let Some(validator) = self.staking.validator_by_consensus(state, &address)? else { return Ok(Vec::new()) };
        if validator.jailed {
            return Ok(Vec::new());
        }
        let Some(mut info) = state.signing_info(&address)? else {
            return Err(SlashingError::NoSigningInfo(valcons(&address)).to_tx_error());
        };
        let window = params.signed_blocks_window;
        let index = info.index_offset % window;
        info.index_offset = info.index_offset.saturating_add(1);
        let previous = state.missed(&address, index)?;
        let missed = !vote.signed();
        let mut events = Vec::new();
        if missed != previous {
            state.set_missed(&address, index, missed);
            info.missed_blocks_counter =
                if missed { info.missed_blocks_counter.saturating_add(1) } else { info.missed_blocks_counter.saturating_sub(1) };
        }
        if missed {
            events.push(
                Event::new("liveness")
                    .attr("address", valcons(&address))
                    .attr("missed_blocks", info.missed_blocks_counter)
                    .attr("height", ctx.height),
            );
        }
        let judged_from = info.start_height.saturating_add(window);
        if ctx.height > judged_from && info.missed_blocks_counter > params.max_missed() {
            let distribution_height = ctx.height.saturating_sub(VALIDATOR_UPDATE_DELAY + 1);
            self.staking.jail(state, &address)?;
            events.extend(self.slash_isolated(state, ctx, &address, distribution_height, vote.power, params.slash_fraction_downtime, "missing_signature"));
            info.jailed_until = ctx.time_nanos().saturating_add(params.downtime_jail_duration.saturating_mul(1_000_000_000));
            info.missed_blocks_counter = 0;
            info.index_offset = 0;
            state.clear_missed(&address)?;
            events.push(
                Event::new("slash")
                    .attr("address", valcons(&address))
                    .attr("power", vote.power)
                    .attr("reason", "missing_signature")
                    .attr("jailed", valcons(&address)),
            );
        }
        state.put_signing_info(&info)?;
        Ok(events)
    }

    /// The SDK's `HandleEquivocationEvidence`: a double sign or light-client attack.
    fn handle_evidence(&self, mut state: &mut dyn StateWrite, ctx: &BlockContext, evidence: &agora_types::Misbehavior) -> Result<Vec<Event>, TxError> {
        let reason = match evidence.kind {
            MisbehaviorKind::LightClientAttack => "light_client_attack",
            MisbehaviorKind::DuplicateVote => "double_sign",
            // As the SDK's evidence module: a kind it does not know is not judged.
            MisbehaviorKind::Unknown => return Ok(Vec::new()),
        };
        let address = evidence.validator_address;
        let validator = self.staking.validator_by_consensus(state, &address)?;
        let Some(mut info) = state.signing_info(&address)? else {
            if validator.is_none() {
                return Ok(Vec::new());
            }
            return Err(SlashingError::NoSigningInfo(valcons(&address)).to_tx_error());
        };
        if info.tombstoned {
            return Ok(Vec::new());
        }
        // Its stake is free already (unbonded, or the validator is gone): nothing is left to
        // slash, but the key is still tombstoned, so it can never validate again. (The SDK
        // ignores such evidence, which lets a double signer who unbonds fast enough return.)
        let Some(validator) = validator.filter(|v| !v.unbonded) else {
            info.jailed_until = TOMBSTONE_JAIL_END;
            info.tombstoned = true;
            state.put_signing_info(&info)?;
            return Ok(vec![Event::new("tombstone").attr("address", valcons(&address)).attr("reason", reason)]);
        };
        let (max_blocks, max_nanos) = self.consensus.evidence_max_age(state)?;
        let evidence_time = u64::try_from(evidence.time_unix_secs).unwrap_or(0).saturating_mul(1_000_000_000);
        let age_nanos = ctx.time_nanos().saturating_sub(evidence_time);
        let age_blocks = ctx.height.saturating_sub(evidence.height);
        if age_nanos > max_nanos && age_blocks > max_blocks {
            return Ok(Vec::new());
        }
        let params = state.slashing_params()?;
        let distribution_height = evidence.height.saturating_sub(VALIDATOR_UPDATE_DELAY);
        if !validator.jailed {
            self.staking.jail(state, &address)?;
        }
        info.jailed_until = TOMBSTONE_JAIL_END;
        info.tombstoned = true;
        state.put_signing_info(&info)?;
        Ok(self.slash_isolated(state, ctx, &address, distribution_height, evidence.power, params.slash_fraction_double_sign, reason))
    }

    fn unjail(&self, state: &mut dyn StateWrite, ctx: &BlockContext, operator: &Address) -> Result<Vec<Event>, SlashingError> {
        let validator = self
            .staking
            .validator(state, operator)?
            .ok_or_else(|| SlashingError::NoValidator(operator.to_bech32_with(agora_types::VALOPER_PREFIX)))?;
        let own = validator.self_delegation.ok_or(SlashingError::MissingSelfDelegation)?;
        if own < validator.min_self_delegation {
            return Err(SlashingError::SelfDelegationTooLow(format!("{own} < {}", validator.min_self_delegation)));
        }
        if !validator.jailed {
            return Err(SlashingError::ValidatorNotJailed);
        }
        // A validator jailed before it was ever bonded (its self-delegation fell below its
        // minimum) has no record: nothing but the minimum holds it, as in the SDK.
        if let Some(info) = state.signing_info(&validator.consensus_address)? {
            if info.tombstoned {
                return Err(SlashingError::ValidatorJailed("it is tombstoned for double signing".into()));
            }
            if ctx.time_nanos() < info.jailed_until {
                return Err(SlashingError::ValidatorJailed(format!("jailed until {}", crate::state::timestamp(info.jailed_until).seconds)));
            }
        }
        self.staking.unjail(state, operator)?;
        Ok(Vec::new())
    }
}

impl ComponentMsg for SlashingMsg {
    fn type_url(&self) -> &str {
        SlashingMsg::type_url(self)
    }

    fn module(&self) -> &'static str {
        "slashing"
    }

    fn signers(&self) -> Vec<Address> {
        SlashingMsg::signers(self)
    }
}

impl Component for SlashingComponent {
    type Msg = SlashingMsg;
    type Genesis = GenesisState;

    fn name(&self) -> &'static str {
        "slashing"
    }

    /// Dispute deposits, panel bonds and appealable slashes; it burns what an upheld dispute's
    /// slash leaves.
    fn module_accounts(&self) -> Vec<ModuleAccount> {
        vec![ModuleAccount::new(dispute::DISPUTES_MODULE).burner()]
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

    /// The challenge draw is derived state: rebuilt from the registry's providers (written by
    /// then) and the imported challenges.
    fn finish_genesis(&self, state: &mut dyn StateWrite) -> Result<(), String> {
        let Some(keeper) = self.providers.as_deref() else { return Ok(()) };
        for owner in keeper.provider_owners(state).map_err(|e| e.log)? {
            challenge::refresh_weight(state, keeper, &owner).map_err(|e| e.log)?;
        }
        crate::provider::genesis::rebuild_panel_draw(state).map_err(|e| e.to_string())
    }

    /// An answer that would fail is refused before it takes a block's space and its fee.
    fn check_tx(&self, state: &mut dyn StateWrite, ctx: &BlockContext, msgs: &[&SlashingMsg], _scope: CheckTxScope) -> Result<(), TxError> {
        for msg in msgs {
            if let SlashingMsg::ChallengeResponse { provider, operator, challenge_id, nonce, attestation } = msg {
                let answer = challenge::Answer { provider, operator: operator.as_ref(), id: *challenge_id, nonce, attestation: attestation.as_deref() };
                challenge::check_answer(state, ctx, self.provider_keeper()?, &answer)?;
            }
        }
        Ok(())
    }

    fn export_genesis(&self, state: &dyn StateRead, height: u64) -> Result<GenesisState, String> {
        GenesisState::export(state, height).map_err(|e| e.to_string())
    }

    fn begin_block(&self, state: &mut dyn StateWrite, ctx: &BlockContext) -> Result<Vec<Event>, TxError> {
        let mut events = Vec::new();
        for evidence in &ctx.misbehavior {
            match isolated(state, |fork| self.handle_evidence(fork, ctx, evidence)) {
                Ok(done) => events.extend(done),
                Err(error) => events.push(entry_error("evidence", &evidence.validator_address, ctx, &error)),
            }
        }
        // Read once for the whole commit, not once per vote.
        let params = state.slashing_params()?;
        for vote in &ctx.last_commit {
            match isolated(state, |fork| self.handle_vote(fork, ctx, &params, vote)) {
                Ok(done) => events.extend(done),
                Err(error) => events.push(entry_error("liveness", &vote.validator_address, ctx, &error)),
            }
        }
        // On its own fork: a failure (a bug) in the providers' work never undoes the
        // validators' judgements above.
        if let Some(keeper) = self.providers.as_deref() {
            for (work, run) in [
                ("provider_challenges", challenge::begin_block as fn(&mut dyn StateWrite, &BlockContext, &dyn ProviderPenaltyKeeper) -> Result<Vec<Event>, TxError>),
                ("provider_disputes", dispute::begin_block),
            ] {
                match isolated(state, |fork| run(fork, ctx, keeper)) {
                    Ok(done) => events.extend(done),
                    Err(error) => events.push(
                        Event::new("begin_block_entry_error")
                            .attr("module", "slashing")
                            .attr("work", work)
                            .attr("height", ctx.height)
                            .attr("error", &error.log),
                    ),
                }
            }
        }
        Ok(events)
    }

    fn message_types(&self) -> &'static [&'static str] {
        MESSAGE_TYPES
    }

    fn decode_msg(&self, any: &Any) -> Result<SlashingMsg, TxError> {
        SlashingMsg::decode(any).map_err(|e| e.to_tx_error())
    }

    fn execute(&self, mut state: &mut dyn StateWrite, ctx: &BlockContext, msg: &SlashingMsg) -> Result<Vec<Event>, TxError> {
        match msg {
            SlashingMsg::Unjail { operator } => Ok(self.unjail(state, ctx, operator)?),
            SlashingMsg::UpdateParams { authority, params } => {
                self.authority.check(authority)?;
                params.validate()?;
                state.put_slashing_params(params);
                Ok(Vec::new())
            }
            SlashingMsg::ChallengeResponse { provider, operator, challenge_id, nonce, attestation } => {
                let answer = challenge::Answer { provider, operator: operator.as_ref(), id: *challenge_id, nonce, attestation: attestation.as_deref() };
                challenge::answer(state, ctx, self.provider_keeper()?, &answer)
            }
            SlashingMsg::UnjailProvider { provider } => self.provider_keeper()?.unjail(state, provider, ctx.height),
            SlashingMsg::ReportConflictingStatements(evidence) => crate::provider::fraud::report(state, ctx, self.provider_keeper()?, evidence),
            SlashingMsg::Dispute(msg) => Ok(dispute::open(state, ctx, self.provider_keeper()?, msg)?.1),
            SlashingMsg::AnswerDispute { provider, operator, dispute_id, evidence_hash } => {
                dispute::answer(state, self.provider_keeper()?, provider, operator.as_ref(), *dispute_id, evidence_hash)
            }
            SlashingMsg::VoteDispute { panelist, dispute_id, option } => dispute::vote(state, ctx, panelist, *dispute_id, *option),
            SlashingMsg::EnrollPanelist { auditor, audited_provider } => panel::enroll(state, ctx, self.provider_keeper()?, auditor, audited_provider),
            SlashingMsg::LeavePanel { auditor } => panel::leave(state, ctx, self.provider_keeper()?, auditor),
            SlashingMsg::ReverseDispute { authority, dispute_id } => {
                self.authority.check(authority)?;
                dispute::reverse(state, ctx, self.provider_keeper()?, *dispute_id)
            }
            SlashingMsg::RegisterHardware(claim) => hardware::register(state, ctx, self.provider_keeper()?, claim),
            SlashingMsg::RemoveHardware { provider, device } => hardware::remove(state, self.provider_keeper()?, provider, device),
            SlashingMsg::ReportDuplicateHardware { reporter, claim } => hardware::report(state, ctx, self.provider_keeper()?, reporter, claim),
            SlashingMsg::UpdateProviderParams { authority, params } => {
                self.authority.check(authority)?;
                params.validate()?;
                state.put_provider_penalty_params(params);
                Ok(Vec::new())
            }
        }
    }

    /// Every running challenge is its provider's `open_challenge`, and the other way round, and
    /// a challenged provider has no weight in the draw.
    fn check_invariants(&self, state: &dyn StateRead) -> Result<(), String> {
        crate::provider::invariant::challenges_match_liveness(state)?;
        match self.providers.as_deref() {
            Some(keeper) => {
                crate::provider::invariant::draw_matches_registry(state, keeper)?;
                crate::provider::invariant::disputes_hold_what_they_owe(state, keeper)
            }
            None => Ok(()),
        }
    }

    fn query_services(&self) -> &'static [&'static str] {
        &[crate::query::SERVICE, crate::provider::query::SERVICE]
    }

    fn query(&self, state: &dyn StateRead, _height: u64, path: &str, data: &[u8]) -> Option<Result<Vec<u8>, TxError>> {
        crate::query::query(state, path, data).or_else(|| crate::provider::query::query(state, path, data))
    }
}
