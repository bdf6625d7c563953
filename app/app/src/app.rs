//! The synchronous state machine behind every ABCI call.

use std::sync::Mutex;

use agora_auth::ante::{AnteMode, SignatureCheck};
use agora_component::{Components, ConsensusParams, RegistryError, ValidatorUpdate};
use agora_genesis::AppState;
use agora_auth::AuthRead;
use agora_consensus::{ConsensusRead, ConsensusWrite};
use agora_store::{Changes, PreparedCommit, Snapshot, StateDelta, StateRead, StateWrite, Storage};
use agora_tx::DecodeLimits;
use agora_types::{BlockContext, Denom, Event, TxError};
use agora_upgrade::{UpgradeHalt, UpgradeHandlers, UpgradeRead};

use crate::config::AppConfig;
use crate::exec::{self, TxOutcome};
use crate::fault::FaultWatch;

/// Substores besides `main`, each with its own Merkle root (IBC proofs are made against `ibc`;
/// `upgrade` holds what IBC clients of other chains read of a planned upgrade).
pub const SUBSTORES: &[&str] = agora_store::DEFAULT_SUBSTORES;

/// The store configuration of an Agora node keeping `keep_recent` versions.
pub fn storage_config(keep_recent: u64) -> agora_store::StorageConfig {
    agora_store::StorageConfig { substores: SUBSTORES.iter().map(|s| s.to_string()).collect(), keep_recent }
}

/// Transactions per signature-verification chunk (see `finalize_block`): the first chunk is
/// small, because nothing runs beside its verification, and each next one doubles up to the
/// largest.
const FIRST_VERIFY_CHUNK: usize = 32;
const VERIFY_CHUNK: usize = 256;

/// `items` cut into chunks of `first`, then twice as many each time, up to `largest`.
fn growing_chunks<T>(mut items: &[T], first: usize, largest: usize) -> Vec<&[T]> {
    let mut chunks = Vec::new();
    let mut size = first.max(1);
    while !items.is_empty() {
        let (chunk, rest) = items.split_at(size.min(items.len()));
        chunks.push(chunk);
        items = rest;
        size = (size * 2).min(largest.max(1));
    }
    chunks
}

pub use agora_types::CHAIN_ID_KEY;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("store: {0}")]
    Store(#[from] agora_store::StoreError),
    #[error("genesis: {0}")]
    Genesis(#[from] agora_genesis::GenesisError),
    #[error("{0}")]
    Components(#[from] RegistryError),
    #[error("{0}")]
    Consensus(String),
    /// The node cannot execute the block correctly (a storage fault): it must stop, and
    /// CometBFT replays the block when it restarts.
    #[error("halting at height {height}: {reason}; restart the node once storage is repaired (CometBFT replays the block)")]
    Halt { height: u64, reason: String },
    /// This binary cannot execute the block because of an upgrade (see [`UpgradeHalt`]): the
    /// node must stop, and CometBFT replays the block once the right binary runs.
    #[error("halting at height {height}: {halt}")]
    Upgrade { height: u64, halt: UpgradeHalt },
}

/// Result of executing a block, before it is committed.
#[derive(Debug, Clone)]
pub struct BlockOutcome {
    pub height: u64,
    pub app_hash: [u8; 32],
    pub tx_outcomes: Vec<TxOutcome>,
    /// Events of the block hooks, `begin_block`'s then `end_block`'s (bond returns, auctions,
    /// expiries, escrow depletion).
    pub block_events: Vec<Event>,
    pub validator_updates: Vec<ValidatorUpdate>,
    pub consensus_param_updates: Option<ConsensusParams>,
}

#[derive(Default)]
struct ConsensusState {
    /// Genesis writes, carried into the first block (InitChain itself commits nothing, so a
    /// crash before block 1 simply reruns InitChain).
    genesis: Option<Changes>,
    /// The executed block waiting for `Commit`.
    pending: Option<PreparedCommit>,
    /// The time of the executed block waiting for `Commit` (seconds, nanoseconds).
    pending_time: Option<(i64, u32)>,
}

/// What the next block's transactions must respect: derived from the committed state (with
/// genesis before block 1) and refreshed at `InitChain` and `Commit`, so `CheckTx` and the
/// proposal steps do not read parameters for every transaction.
#[derive(Clone, Debug)]
pub struct NextBlockLimits {
    pub decode: DecodeLimits,
    /// The block gas limit, `None` for none.
    pub max_gas: Option<u64>,
}

impl NextBlockLimits {
    fn of<S: StateRead>(state: &S) -> Result<Self, AppError> {
        Ok(Self { decode: App::decode_limits(state)?, max_gas: state.max_block_gas()? })
    }
}

pub struct App {
    components: Components,
    limits: Mutex<NextBlockLimits>,
    storage: Storage,
    config: AppConfig,
    consensus: Mutex<ConsensusState>,
    /// Mempool view: the last committed state plus the ante effects of admitted transactions,
    /// so one account can queue several transactions with increasing sequences.
    mempool: Mutex<StateDelta<Snapshot>>,
    /// The upgrades this binary applies when their plan is due.
    upgrades: UpgradeHandlers,
    /// Whether a block has been executed since the process started (the first one checks
    /// that this binary is not older than the chain).
    executed_a_block: std::sync::atomic::AtomicBool,
    /// CometBFT's description of this node (`GetNodeInfo`), once the node owner has read it
    /// from CometBFT's RPC.
    node_info: std::sync::OnceLock<tendermint_proto::p2p::DefaultNodeInfo>,
    /// The last committed block's time (seconds, nanoseconds): staking's record of the last
    /// header when the process starts, then each committed block's.
    last_block_time: Mutex<Option<(i64, u32)>>,
}

impl App {
    /// The application over `storage`, made of [`crate::components`].
    pub fn new(storage: Storage, config: AppConfig) -> Result<Self, AppError> {
        Self::with_components(crate::components()?, storage, config)
    }

    /// An application made of other components than Agora's (tests of the framework).
    pub fn with_components(components: Components, storage: Storage, config: AppConfig) -> Result<Self, AppError> {
        let snapshot = storage.latest_snapshot();
        let limits = Mutex::new(NextBlockLimits::of(&snapshot)?);
        let last_block_time = Mutex::new(recorded_block_time(&snapshot));
        let mempool = Mutex::new(StateDelta::new(snapshot));
        Ok(Self {
            components,
            limits,
            storage,
            config,
            consensus: Mutex::new(ConsensusState::default()),
            mempool,
            upgrades: crate::upgrades::handlers(),
            executed_a_block: std::sync::atomic::AtomicBool::new(false),
            node_info: std::sync::OnceLock::new(),
            last_block_time,
        })
    }

    /// The application applying `upgrades` (instead of this release's) when their plan is
    /// due: a rehearsal binary, or tests.
    pub fn with_upgrades(mut self, upgrades: UpgradeHandlers) -> Self {
        self.upgrades = upgrades;
        self
    }

    /// The app version CometBFT puts in headers: one more for every upgrade applied.
    pub fn app_version(&self) -> u64 {
        self.storage.latest_snapshot().app_version().unwrap_or(agora_upgrade::GENESIS_APP_VERSION)
    }

    pub fn components(&self) -> &Components {
        &self.components
    }

    pub fn storage(&self) -> &Storage {
        &self.storage
    }

    pub fn config(&self) -> &AppConfig {
        &self.config
    }

    /// Records what CometBFT says of this node (its id, network, version, addresses), for
    /// `GetNodeInfo`; it does not change while the process runs, so the first record stays.
    pub fn set_node_info(&self, info: tendermint_proto::p2p::DefaultNodeInfo) {
        let _already_known = self.node_info.set(info);
    }

    pub fn node_info(&self) -> Option<&tendermint_proto::p2p::DefaultNodeInfo> {
        self.node_info.get()
    }

    fn consensus_state(&self) -> Result<std::sync::MutexGuard<'_, ConsensusState>, AppError> {
        self.consensus.lock().map_err(|_| AppError::Consensus("consensus state lock poisoned".into()))
    }

    /// Last committed height and app hash (`Info`).
    pub fn last_block(&self) -> (u64, [u8; 32]) {
        (self.storage.latest_version(), self.storage.latest_app_hash())
    }

    /// Chain id recorded at genesis, if any block or genesis exists.
    pub fn chain_id<S: StateRead>(state: &S) -> Result<Option<String>, AppError> {
        Ok(state.get_raw(CHAIN_ID_KEY)?.map(|b| String::from_utf8_lossy(&b).into_owned()))
    }

    /// The stateless limits every transaction must respect, from state: the signature and
    /// memo limits of `auth`'s parameters, the size of the largest block, and the protocol's
    /// message count. Every node derives the same limits from the same state.
    pub fn decode_limits<S: StateRead>(state: &S) -> Result<DecodeLimits, AppError> {
        let auth = state.auth_params().map_err(|e| AppError::Consensus(e.to_string()))?;
        let max_block_bytes = state.max_block_bytes()?;
        Ok(DecodeLimits {
            max_tx_bytes: usize::try_from(max_block_bytes).unwrap_or(usize::MAX),
            max_memo_chars: usize::try_from(auth.max_memo_characters).unwrap_or(usize::MAX),
            max_signers: usize::try_from(auth.tx_sig_limit).unwrap_or(usize::MAX),
            ..DecodeLimits::default()
        })
    }

    /// The decode limits and block gas limit in force for the next block.
    pub fn next_block_limits(&self) -> Result<NextBlockLimits, AppError> {
        Ok(self.limits.lock().map_err(|_| AppError::Consensus("limits lock poisoned".into()))?.clone())
    }

    fn refresh_limits<S: StateRead>(&self, state: &S) -> Result<(), AppError> {
        let next = NextBlockLimits::of(state)?;
        *self.limits.lock().map_err(|_| AppError::Consensus("limits lock poisoned".into()))? = next;
        Ok(())
    }

    /// `InitChain`: validates and applies the genesis app state (after CometBFT's consensus
    /// parameters, which it starts with), held until block 1; returns the validator set the
    /// components start the chain with (empty: `genesis.json`'s). `genesis_time` is the
    /// genesis time (seconds and nanoseconds since the Unix epoch).
    pub fn init_chain(
        &self,
        chain_id: &str,
        initial_height: u64,
        genesis_time: (i64, u32),
        consensus_params: &ConsensusParams,
        app_state: &[u8],
    ) -> Result<Vec<ValidatorUpdate>, AppError> {
        if initial_height > 1 {
            return Err(AppError::Consensus(format!(
                "initial_height {initial_height} is not supported: Agora chains start at height 1"
            )));
        }
        if self.storage.latest_version() != 0 {
            return Err(AppError::Consensus("InitChain on a store that already has blocks".into()));
        }
        let genesis = AppState::from_json(app_state)?;
        let mut state = StateDelta::new(self.storage.latest_snapshot());
        state.put_raw(CHAIN_ID_KEY.to_vec(), chain_id.as_bytes().to_vec());
        state.init_consensus_params(consensus_params);
        let ctx = BlockContext { time_unix_secs: genesis_time.0, time_nanos: genesis_time.1, ..BlockContext::at(chain_id, 0) };
        self.components.init_genesis_sections(&mut state, &genesis)?;
        self.deliver_gentxs(&mut state, &genesis, &ctx)?;
        let validators = self.components.complete_genesis(&mut state, &ctx)?;
        let changes = state.into_changes();
        // The mempool sees genesis at once: CometBFT may send CheckTx before block 1 commits.
        let mut mempool = self.mempool.lock().map_err(|_| AppError::Consensus("mempool lock poisoned".into()))?;
        *mempool = StateDelta::new(self.storage.latest_snapshot());
        mempool.apply(changes.clone());
        self.refresh_limits(&*mempool)?;
        self.consensus_state()?.genesis = Some(changes);
        Ok(validators)
    }

    /// Runs the genesis transactions through the transaction pipeline at height 0: each must
    /// carry only `MsgCreateValidator`s and succeed, or the genesis is refused naming it.
    fn deliver_gentxs<S: StateRead>(&self, state: &mut StateDelta<S>, genesis: &AppState, ctx: &BlockContext) -> Result<(), AppError> {
        let section: crate::genutil::GenesisState = genesis.section("genutil").map_err(|e| AppError::Consensus(e.to_string()))?;
        let invalid = |i: usize, message: String| AppError::Consensus(format!("genutil.gen_txs[{i}]: {message}"));
        let limits = Self::decode_limits(&*state)?;
        for (i, bytes) in section.transactions().map_err(AppError::Consensus)?.iter().enumerate() {
            let tx = exec::decode(&self.components, bytes, &limits).map_err(|e| invalid(i, e.log))?;
            if let Some(other) = tx.msgs.iter().find(|m| m.type_url() != crate::genutil::GENTX_MESSAGE) {
                return Err(invalid(i, format!("a gentx may carry only {}, not {}", crate::genutil::GENTX_MESSAGE, other.type_url())));
            }
            let outcome = exec::execute_tx(&self.components, state, ctx, &tx, AnteMode::Deliver, &SignatureCheck::default());
            outcome.result.map_err(|e| invalid(i, e.log))?;
        }
        Ok(())
    }

    /// `FinalizeBlock`: runs every component's `begin_block`, every transaction, every
    /// `end_block`, and computes the app hash, writing nothing. `block` is what CometBFT's
    /// request says of the block; its `chain_id` is taken from state.
    pub fn finalize_block(&self, block: BlockContext, txs: &[impl AsRef<[u8]> + Sync]) -> Result<BlockOutcome, AppError> {
        let height = block.height;
        let time = (block.time_unix_secs, block.time_nanos);
        let outcome = self.execute_block(block, txs).map_err(|error| match error {
            AppError::Store(fault) => AppError::Halt { height, reason: format!("storage failed: {fault}") },
            other => other,
        })?;
        self.consensus_state()?.pending_time = Some(time);
        Ok(outcome)
    }

    fn execute_block(&self, block: BlockContext, txs: &[impl AsRef<[u8]> + Sync]) -> Result<BlockOutcome, AppError> {
        let height = block.height;
        let mut consensus = self.consensus_state()?;
        let expected = self.storage.latest_version() + 1;
        if height != expected {
            return Err(AppError::Consensus(format!("FinalizeBlock for height {height}, expected {expected}")));
        }
        // Genesis writes stay held until the block succeeds: a halted block 1 runs again.
        let mut state = StateDelta::new(FaultWatch::new(self.storage.latest_snapshot()));
        if let Some(genesis) = &consensus.genesis {
            state.apply(genesis.clone());
        }
        let chain_id = Self::chain_id(&state)?.ok_or_else(|| AppError::Consensus("no chain id in state: InitChain never ran".into()))?;
        let last_app_hash = if height > 1 { self.storage.latest_app_hash().to_vec() } else { Vec::new() };
        let ctx = BlockContext { chain_id, last_app_hash, ..block };
        let mut block = state;

        let first_block = !self.executed_a_block.swap(true, std::sync::atomic::Ordering::Relaxed);
        let upgrade = agora_upgrade::pre_block(&mut block, &ctx, &self.upgrades, &self.components, first_block).map_err(|halt| {
            // A read that failed here is this node's fault, not the upgrade's.
            match block.base().fault() {
                Some(fault) => AppError::Halt { height, reason: format!("storage read failed: {fault}") },
                None => self.upgrade_halt(height, halt),
            }
        })?;
        let mut block_events = Vec::new();
        if let Some(applied) = &upgrade {
            tracing::info!(name = %applied.plan.name, height, app_version = applied.app_version, "upgrade applied");
            block_events.push(applied.event());
            // Reported to CometBFT with the new app version, which headers carry from the
            // next block on.
            let mut params = block.consensus_params()?.ok_or_else(|| AppError::Consensus("no consensus parameters in state".into()))?;
            params.version = Some(tendermint_proto::v0_38::types::VersionParams { app: applied.app_version });
            block.update_consensus_params(&params);
        }

        let limits = Self::decode_limits(&block)?;
        let mut block_gas = BlockGas::new(block.max_block_gas()?);
        block_events.extend(self.components.begin_block(&mut block, &ctx));
        let decoded = exec::decode_all(&self.components, txs, &limits);
        // Signatures are verified against the committed state in chunks, the next chunk in
        // parallel with executing the current one in order, so both cores stay busy.
        // (Genesis accounts of block 1 are not in that state: their signatures are simply
        // verified during execution.)
        let committed = block.base().inner().clone();
        let chunks = growing_chunks(&decoded, FIRST_VERIFY_CHUNK, VERIFY_CHUNK);
        let mut tx_outcomes = Vec::with_capacity(decoded.len());
        let mut presigned = chunks.first().map(|c| exec::preverify(&committed, &ctx.chain_id, c)).unwrap_or_default();
        for (index, chunk) in chunks.iter().enumerate() {
            let next = chunks.get(index + 1);
            let next_presigned = std::thread::scope(|scope| {
                let verifier = next.map(|c| scope.spawn(|| exec::preverify(&committed, &ctx.chain_id, c)));
                let unverified = SignatureCheck::default();
                for (i, tx) in chunk.iter().enumerate() {
                    // A missing entry only means "verify during execution".
                    let check = presigned.get(i).unwrap_or(&unverified);
                    let outcome = match tx {
                        Ok(tx) => match block_gas.reserve(tx.parsed.gas_limit) {
                            Ok(()) => exec::execute_tx(&self.components, &mut block, &ctx, tx, AnteMode::Deliver, check),
                            Err(error) => TxOutcome::refused(error, tx.parsed.gas_limit, 0),
                        },
                        Err(error) => TxOutcome::refused(error.clone(), 0, 0),
                    };
                    tx_outcomes.push(outcome);
                }
                verifier.map(|v| v.join().unwrap_or_default())
            });
            presigned = next_presigned.unwrap_or_default();
        }

        let mut hooks = self.components.end_block(&mut block, &ctx);
        block_events.extend(hooks.events);
        if let Some(mut params) = block.take_consensus_update()? {
            // CometBFT takes the header's app version from these parameters.
            let app = block.app_version().map_err(|e| AppError::Consensus(e.to_string()))?;
            params.version = Some(tendermint_proto::v0_38::types::VersionParams { app });
            hooks.consensus_param_updates = Some(params);
        }
        if let Some(fault) = block.base().fault() {
            return Err(AppError::Halt { height, reason: format!("storage read failed: {fault}") });
        }
        consensus.genesis = None;

        let prepared = self.storage.prepare_commit(block.into_changes())?;
        let app_hash = prepared.app_hash;
        consensus.pending = Some(prepared);
        Ok(BlockOutcome {
            height,
            app_hash,
            tx_outcomes,
            block_events,
            validator_updates: hooks.validator_updates,
            consensus_param_updates: hooks.consensus_param_updates,
        })
    }

    /// An upgrade halt, after leaving `upgrade-info.json` for cosmovisor when a plan is due
    /// that this binary has no handler for (word for word what the SDK writes).
    fn upgrade_halt(&self, height: u64, halt: UpgradeHalt) -> AppError {
        if let (UpgradeHalt::Needed(plan), Some(dir)) = (&halt, &self.config.upgrade_info_dir) {
            let path = dir.join("upgrade-info.json");
            if let Err(error) = std::fs::write(&path, plan.upgrade_info_json(height)) {
                tracing::error!(path = %path.display(), %error, "cannot write upgrade-info.json");
            }
        }
        tracing::error!("{halt}");
        AppError::Upgrade { height, halt }
    }

    /// `Commit`: persists the executed block in one write batch and resets the mempool view.
    pub fn commit(&self) -> Result<u64, AppError> {
        let (prepared, time) = {
            let mut consensus = self.consensus_state()?;
            let prepared = consensus.pending.take().ok_or_else(|| AppError::Consensus("Commit without a finalized block".into()))?;
            (prepared, consensus.pending_time.take())
        };
        self.storage.commit(prepared)?;
        let snapshot = self.storage.latest_snapshot();
        self.refresh_limits(&snapshot)?;
        let mut mempool = self.mempool.lock().map_err(|_| AppError::Consensus("mempool lock poisoned".into()))?;
        *mempool = StateDelta::new(snapshot);
        if let (Some(time), Ok(mut last)) = (time, self.last_block_time.lock()) {
            *last = Some(time);
        }
        Ok(self.storage.latest_version())
    }

    /// `CheckTx`: stateless checks, the ante handler and the components' `CheckTx` hooks
    /// against the mempool view.
    pub fn check_tx(&self, tx_bytes: &[u8]) -> TxOutcome {
        self.check_tx_as(tx_bytes, false)
    }

    /// `CheckTx` of kind `Recheck`: a transaction admitted before, checked again after a block.
    pub fn recheck_tx(&self, tx_bytes: &[u8]) -> TxOutcome {
        self.check_tx_as(tx_bytes, true)
    }

    fn check_tx_as(&self, tx_bytes: &[u8], recheck: bool) -> TxOutcome {
        let limits = match self.next_block_limits() {
            Ok(limits) => limits,
            Err(error) => return internal_outcome(&error.to_string()),
        };
        let tx = match exec::decode(&self.components, tx_bytes, &limits.decode) {
            Ok(tx) => tx,
            Err(error) => return TxOutcome::refused(error, 0, 0),
        };
        if let Err(error) = BlockGas::new(limits.max_gas).fits(tx.parsed.gas_limit) {
            return TxOutcome::refused(error, tx.parsed.gas_limit, 0);
        }
        let Ok(mut mempool) = self.mempool.lock() else {
            return internal_outcome("mempool lock poisoned");
        };
        let chain_id = match Self::chain_id(&*mempool) {
            Ok(Some(id)) => id,
            _ => return internal_outcome("the chain has not started yet"),
        };
        let ctx = self.mempool_context(mempool.base(), chain_id);
        let mode = AnteMode::Check { min_gas_prices: &self.config.min_gas_prices, recheck };
        exec::execute_tx(&self.components, &mut mempool, &ctx, &tx, mode, &SignatureCheck::default())
    }

    /// The block `CheckTx` and `Simulate` run in: the next height, at the last committed
    /// block's time, as the SDK's check state: what depends on time (a light client's "header
    /// from the future" check) sees the chain's clock, not the epoch.
    fn mempool_context(&self, committed: &Snapshot, chain_id: String) -> BlockContext {
        let (seconds, nanos) = self.last_block_time.lock().ok().and_then(|last| *last).unwrap_or_default();
        BlockContext {
            time_unix_secs: seconds,
            time_nanos: nanos,
            last_app_hash: self.storage.latest_app_hash().to_vec(),
            ..BlockContext::at(chain_id, committed.version() + 1)
        }
    }

    /// Gas estimate for a transaction against the mempool view (the last committed state plus
    /// what the transactions already admitted did in the ante handler, as the SDK simulates on
    /// its check state), signatures not checked. A client that sends several transactions
    /// before the first commits (Hermes batching packets) simulates each at its own sequence.
    pub fn simulate(&self, tx_bytes: &[u8]) -> Result<TxOutcome, TxError> {
        let limits = Self::decode_limits(&self.storage.latest_snapshot()).map_err(TxError::internal)?;
        let tx = exec::decode(&self.components, tx_bytes, &DecodeLimits { simulation: true, ..limits })?;
        // Only a transaction that decodes gets here. A copy, so the simulation does not hold
        // CheckTx up: the admitted transactions' fee and sequence writes (a few keys each) and
        // client updates, bounded by CometBFT's mempool size.
        let (snapshot, admitted) = {
            let mempool = self.mempool.lock().map_err(|_| TxError::internal("mempool lock poisoned"))?;
            (mempool.base().clone(), mempool.changes().clone())
        };
        // Simulation is a public query: its work is bounded by the block's gas limit, or by
        // the node's own cap when the chain sets none.
        let max_block_gas = snapshot.max_block_gas().map_err(TxError::internal)?;
        let gas_cap = max_block_gas.unwrap_or(u64::MAX).min(self.config.query_gas_limit);
        let chain_id = Self::chain_id(&snapshot)
            .ok()
            .flatten()
            .ok_or_else(|| TxError::new("sdk", 1, "the chain has not started yet"))?;
        let ctx = self.mempool_context(&snapshot, chain_id);
        let mut state = StateDelta::new(snapshot);
        state.apply(admitted);
        // The denoms a transaction sent without a fee will pay it in: the node's minimum gas
        // price denoms, then the chain's own.
        let mut fee_denoms: Vec<Denom> = self.config.min_gas_prices.iter().map(|price| price.denom.clone()).collect();
        if !fee_denoms.contains(&Denom::native()) {
            fee_denoms.push(Denom::native());
        }
        let mode = AnteMode::Simulate { fee_denoms: &fee_denoms, gas_cap };
        Ok(exec::execute_tx(&self.components, &mut state, &ctx, &tx, mode, &SignatureCheck::default()))
    }
}

/// The block gas limit (CometBFT's `block.max_gas`): the gas limits of a block's
/// transactions may add up to at most this much. Transactions are admitted by their gas
/// limit, not their use, so a block's work is bounded before any of it runs.
struct BlockGas {
    limit: Option<u64>,
    reserved: u64,
}

impl BlockGas {
    fn new(limit: Option<u64>) -> Self {
        Self { limit, reserved: 0 }
    }

    /// Whether one transaction with `gas_limit` could fit an empty block (`CheckTx`).
    fn fits(&self, gas_limit: u64) -> Result<(), TxError> {
        match self.limit {
            Some(limit) if gas_limit > limit => Err(TxError::new(
                "sdk",
                41,
                format!("tx gas limit {gas_limit} exceeds the block gas limit {limit}: invalid gas limit"),
            )),
            _ => Ok(()),
        }
    }

    /// Takes `gas_limit` from what is left of the block's gas (`FinalizeBlock`): a
    /// transaction that does not fit is not run at all (no fee, no sequence).
    fn reserve(&mut self, gas_limit: u64) -> Result<(), TxError> {
        let Some(limit) = self.limit else {
            return Ok(());
        };
        let total = self.reserved.saturating_add(gas_limit);
        if total > limit {
            return Err(TxError::new(
                "sdk",
                11,
                format!("out of gas in location: block gas meter; the block's {} of {limit} gas leaves too little for this transaction's {gas_limit}", self.reserved),
            ));
        }
        self.reserved = total;
        Ok(())
    }
}

/// Whether the transactions' gas limits add up to at most `limit` (`ProcessProposal`).
pub fn within_block_gas(gas_limits: impl IntoIterator<Item = u64>, limit: Option<u64>) -> bool {
    let mut block = BlockGas::new(limit);
    gas_limits.into_iter().all(|gas| block.reserve(gas).is_ok())
}

fn internal_outcome(msg: &str) -> TxOutcome {
    TxOutcome::refused(TxError::new("sdk", 1, msg), 0, 0)
}

/// The time of the last block staking recorded in `snapshot`, if it keeps historical headers.
fn recorded_block_time(snapshot: &Snapshot) -> Option<(i64, u32)> {
    let time = agora_staking::historical::historical_info(snapshot, snapshot.version()).ok()??.header?.time?;
    Some((time.seconds, u32::try_from(time.nanos).unwrap_or(0)))
}

#[cfg(test)]
mod tests {
    use super::growing_chunks;

    #[test]
    fn verification_chunks_grow_from_the_first_size_to_the_largest_and_cover_every_item() {
        let items: Vec<u32> = (0..1000).collect();
        let sizes: Vec<usize> = growing_chunks(&items, 32, 256).iter().map(|c| c.len()).collect();
        assert_eq!(sizes, vec![32, 64, 128, 256, 256, 256, 8]);
        let joined: Vec<u32> = growing_chunks(&items, 32, 256).concat();
        assert_eq!(joined, items);
        assert!(growing_chunks::<u32>(&[], 32, 256).is_empty());
        assert_eq!(growing_chunks(&items[..5], 0, 256).len(), 3, "a zero first size still advances");
    }
}
