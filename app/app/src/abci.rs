//! CometBFT's side: the four ABCI connections as tower services over one `App`.
//!
//! Each consensus, mempool and snapshot request is handled synchronously inside `call`, so
//! requests of a connection are applied in the order CometBFT sent them (tower-abci may poll
//! futures concurrently). A `Query` instead runs on the node's bounded query pool, so public
//! queries (CometBFT's `abci_query`) never hold up a runtime worker the consensus connection needs.

use std::future::{ready, Ready};
use std::sync::Arc;
use std::task::{Context, Poll};

use bytes::Bytes;
use agora_component::{ValidatorKey, ValidatorUpdate};
use agora_types::{BlockContext, CommitFlag, Misbehavior, MisbehaviorKind, VoteInfo};
use tendermint::abci::types::{self as abci_types, BlockSignatureInfo, ExecTxResult};
use tendermint::abci::{request, response, Code, Event as AbciEvent};
use tendermint::merkle::proof::{ProofOp, ProofOps};
use tendermint::v0_38::abci::{
    ConsensusRequest, ConsensusResponse, InfoRequest, InfoResponse, MempoolRequest, MempoolResponse,
    SnapshotRequest, SnapshotResponse,
};
use tower::Service;
use tower_abci::BoxError;

use crate::exec::{self, TxOutcome};
use crate::query_pool::QueryPool;
use crate::App;

/// The app version of a chain that has applied no upgrade; each upgrade adds one.
pub const APP_VERSION: u64 = agora_upgrade::GENESIS_APP_VERSION;

/// Told why the node halted: a `FinalizeBlock` or `Commit` that failed because of the node
/// itself (its storage), never because of a block's contents.
pub type HaltSender = tokio::sync::mpsc::UnboundedSender<String>;

/// The ABCI application as CometBFT's four connections see it.
#[derive(Clone)]
pub struct AbciService {
    app: Arc<App>,
    halt: Option<HaltSender>,
    queries: QueryPool,
}

impl AbciService {
    pub fn new(app: Arc<App>) -> Self {
        Self { queries: QueryPool::new(Arc::clone(&app)), app, halt: None }
    }

    /// Reports a failed `FinalizeBlock` or `Commit` on `halt`, so the node's owner can stop it.
    pub fn with_halt(app: Arc<App>, halt: HaltSender) -> Self {
        Self { queries: QueryPool::new(Arc::clone(&app)), app, halt: Some(halt) }
    }

    /// Runs `Query` requests on `queries` (shared with the gRPC server) instead of a pool of
    /// its own.
    pub fn with_query_pool(self, queries: QueryPool) -> Self {
        Self { queries, ..self }
    }

    /// A block that cannot be executed or persisted here stops the node: continuing would
    /// commit state that differs from the network's, and CometBFT cannot go on without it.
    fn halt(&self, error: &crate::app::AppError) {
        tracing::error!(%error, "the node cannot execute or persist this block: halting");
        if let Some(halt) = &self.halt {
            let _closed = halt.send(error.to_string());
        }
    }

    pub fn app(&self) -> &Arc<App> {
        &self.app
    }

    pub fn consensus(&self, req: ConsensusRequest) -> Result<ConsensusResponse, BoxError> {
        let app = &self.app;
        Ok(match req {
            ConsensusRequest::InitChain(req) => {
                let consensus_params = tendermint_proto::v0_38::types::ConsensusParams::from(req.consensus_params.clone());
                let nanos = req.time.unix_timestamp_nanos();
                let genesis_time = (
                    i64::try_from(nanos.div_euclid(1_000_000_000))?,
                    u32::try_from(nanos.rem_euclid(1_000_000_000))?,
                );
                let validators = app.init_chain(
                    &req.chain_id,
                    req.initial_height.value(),
                    genesis_time,
                    &consensus_params,
                    &req.app_state_bytes,
                )?;
                tracing::info!(chain_id = %req.chain_id, "genesis applied");
                ConsensusResponse::InitChain(response::InitChain {
                    consensus_params: None,
                    validators: validator_updates(validators)?,
                    app_hash: Vec::new().try_into()?,
                })
            }
            ConsensusRequest::PrepareProposal(req) => {
                // Keep, in mempool order, the transactions that can be valid (they decode
                // within the limits) and fit both the byte and the gas limit of the block.
                let limits = app.next_block_limits()?;
                let max_bytes = usize::try_from(req.max_tx_bytes).unwrap_or(0);
                let (mut bytes, mut gas) = (0usize, 0u64);
                let txs = req
                    .txs
                    .into_iter()
                    .filter(|tx| {
                        let Ok(decoded) = exec::decode(app.components(), tx, &limits.decode) else {
                            return false;
                        };
                        let (next_bytes, next_gas) = (bytes.saturating_add(tx.len()), gas.saturating_add(decoded.parsed.gas_limit));
                        let fits = next_bytes <= max_bytes && limits.max_gas.is_none_or(|max| next_gas <= max);
                        if fits {
                            (bytes, gas) = (next_bytes, next_gas);
                        }
                        fits
                    })
                    .collect();
                ConsensusResponse::PrepareProposal(response::PrepareProposal { txs })
            }
            ConsensusRequest::ProcessProposal(req) => {
                // Every transaction decodes within the limits, and their gas limits fit the
                // block's: a proposal that buys more work than a block may hold is refused.
                let limits = app.next_block_limits()?;
                let decoded = exec::decode_all(app.components(), &req.txs, &limits.decode);
                let valid = decoded.iter().all(Result::is_ok)
                    && crate::app::within_block_gas(decoded.iter().flatten().map(|tx| tx.parsed.gas_limit), limits.max_gas);
                ConsensusResponse::ProcessProposal(if valid {
                    response::ProcessProposal::Accept
                } else {
                    response::ProcessProposal::Reject
                })
            }
            ConsensusRequest::FinalizeBlock(mut req) => {
                let txs = std::mem::take(&mut req.txs);
                let outcome = app.finalize_block(block_context(req), &txs).inspect_err(|e| self.halt(e))?;
                // Validated when they were written; failing here is a bug that must stop the node.
                let consensus_param_updates = outcome
                    .consensus_param_updates
                    .map(tendermint::consensus::Params::try_from)
                    .transpose()
                    .map_err(|e| crate::app::AppError::Consensus(format!("consensus parameters CometBFT cannot take: {e}")))
                    .inspect_err(|e| self.halt(e))?;
                ConsensusResponse::FinalizeBlock(response::FinalizeBlock {
                    events: outcome.block_events.iter().map(to_abci_event).collect(),
                    tx_results: outcome.tx_outcomes.into_iter().map(exec_tx_result).collect(),
                    validator_updates: validator_updates(outcome.validator_updates)?,
                    consensus_param_updates,
                    app_hash: outcome.app_hash.to_vec().try_into()?,
                })
            }
            ConsensusRequest::Commit => {
                let height = app.commit().inspect_err(|e| self.halt(e))?;
                tracing::debug!(height, "committed");
                ConsensusResponse::Commit(response::Commit { data: Bytes::new(), retain_height: 0u32.into() })
            }
            ConsensusRequest::ExtendVote(_) => {
                ConsensusResponse::ExtendVote(response::ExtendVote { vote_extension: Bytes::new() })
            }
            ConsensusRequest::VerifyVoteExtension(_) => {
                ConsensusResponse::VerifyVoteExtension(response::VerifyVoteExtension::Accept)
            }
        })
    }

    pub fn mempool(&self, req: MempoolRequest) -> MempoolResponse {
        let MempoolRequest::CheckTx(req) = req;
        let outcome = match req.kind {
            request::CheckTxKind::Recheck => self.app.recheck_tx(&req.tx),
            request::CheckTxKind::New => self.app.check_tx(&req.tx),
        };
        let result = exec_tx_result(outcome);
        MempoolResponse::CheckTx(response::CheckTx {
            code: result.code,
            data: result.data,
            log: result.log,
            info: String::new(),
            gas_wanted: result.gas_wanted,
            gas_used: result.gas_used,
            events: result.events,
            codespace: result.codespace,
            ..Default::default()
        })
    }

    pub fn info(&self, req: InfoRequest) -> Result<InfoResponse, BoxError> {
        Ok(match req {
            InfoRequest::Info(_) => {
                let (height, app_hash) = self.app.last_block();
                InfoResponse::Info(response::Info {
                    data: "agora".into(),
                    version: env!("CARGO_PKG_VERSION").into(),
                    app_version: self.app.app_version(),
                    last_block_height: height.try_into()?,
                    last_block_app_hash: if height == 0 { Vec::new() } else { app_hash.to_vec() }.try_into()?,
                })
            }
            InfoRequest::Query(req) => InfoResponse::Query(query_response(self.app.query(&req.path, &req.data, req.height.value(), req.prove))),
            InfoRequest::Echo(req) => InfoResponse::Echo(response::Echo { message: req.message }),
        })
    }

    /// State sync is not offered yet: no snapshots are listed and offers are refused.
    pub fn snapshot(&self, req: SnapshotRequest) -> SnapshotResponse {
        match req {
            SnapshotRequest::ListSnapshots => SnapshotResponse::ListSnapshots(Default::default()),
            SnapshotRequest::OfferSnapshot(_) => SnapshotResponse::OfferSnapshot(response::OfferSnapshot::Reject),
            SnapshotRequest::LoadSnapshotChunk(_) => SnapshotResponse::LoadSnapshotChunk(Default::default()),
            SnapshotRequest::ApplySnapshotChunk(_) => SnapshotResponse::ApplySnapshotChunk(response::ApplySnapshotChunk {
                result: response::ApplySnapshotChunkResult::Abort,
                refetch_chunks: Vec::new(),
                reject_senders: Vec::new(),
            }),
        }
    }
}


/// An ABCI `Query` response for an answer or a refusal.
fn query_response(answer: Result<crate::query::QueryAnswer, agora_types::TxError>) -> response::Query {
        match answer {
            Ok(answer) => response::Query {
                code: Code::Ok,
                key: answer.key.into(),
                value: answer.value.into(),
                proof: (!answer.proof_ops.is_empty()).then(|| ProofOps {
                    ops: answer
                        .proof_ops
                        .into_iter()
                        .map(|(field_type, key, data)| ProofOp { field_type, key, data })
                        .collect(),
                }),
                height: answer.height.try_into().unwrap_or_default(),
                ..Default::default()
            },
            Err(error) => response::Query {
                code: Code::from(error.code),
                log: error.log,
                codespace: error.codespace,
                ..Default::default()
            },
        }
}

/// What a `FinalizeBlock` request says of its block, as components see it (the chain id and
/// the last app hash are the app's own).
pub fn block_context(req: request::FinalizeBlock) -> BlockContext {
    let stamp = tendermint_proto::google::protobuf::Timestamp::from(req.time);
    let flag = |info: &BlockSignatureInfo| match info {
        BlockSignatureInfo::Flag(tendermint::block::BlockIdFlag::Commit) | BlockSignatureInfo::LegacySigned => CommitFlag::Commit,
        BlockSignatureInfo::Flag(tendermint::block::BlockIdFlag::Nil) => CommitFlag::Nil,
        BlockSignatureInfo::Flag(tendermint::block::BlockIdFlag::Absent) => CommitFlag::Absent,
    };
    BlockContext {
        chain_id: String::new(),
        height: req.height.value(),
        time_unix_secs: stamp.seconds,
        time_nanos: u32::try_from(stamp.nanos).unwrap_or(0),
        proposer_address: req.proposer_address.as_bytes().try_into().unwrap_or([0; 20]),
        next_validators_hash: req.next_validators_hash.as_bytes().to_vec(),
        last_commit: req
            .decided_last_commit
            .votes
            .iter()
            .map(|vote| VoteInfo {
                validator_address: vote.validator.address,
                power: vote.validator.power.value(),
                flag: flag(&vote.sig_info),
            })
            .collect(),
        misbehavior: req
            .misbehavior
            .iter()
            .map(|evidence| Misbehavior {
                kind: match evidence.kind {
                    abci_types::MisbehaviorKind::DuplicateVote => MisbehaviorKind::DuplicateVote,
                    abci_types::MisbehaviorKind::LightClientAttack => MisbehaviorKind::LightClientAttack,
                    abci_types::MisbehaviorKind::Unknown => MisbehaviorKind::Unknown,
                },
                validator_address: evidence.validator.address,
                power: evidence.validator.power.value(),
                height: evidence.height.value(),
                time_unix_secs: tendermint_proto::google::protobuf::Timestamp::from(evidence.time).seconds,
                total_voting_power: evidence.total_voting_power.value(),
            })
            .collect(),
        // The app knows its own last app hash; `execute_block` fills it in.
        last_app_hash: Vec::new(),
    }
}

/// Validator updates as CometBFT takes them.
fn validator_updates(updates: Vec<ValidatorUpdate>) -> Result<Vec<tendermint::validator::Update>, BoxError> {
    updates
        .into_iter()
        .map(|update| {
            let pub_key = match &update.key {
                ValidatorKey::Ed25519(bytes) => tendermint::PublicKey::from_raw_ed25519(bytes),
                ValidatorKey::Secp256k1(bytes) => tendermint::PublicKey::from_raw_secp256k1(bytes),
            }
            .ok_or_else(|| format!("invalid validator key {:?}", update.key))?;
            Ok(tendermint::validator::Update { pub_key, power: update.power.try_into()? })
        })
        .collect()
}

/// Renders a transaction outcome as CometBFT's `ExecTxResult`.
pub fn exec_tx_result(outcome: TxOutcome) -> ExecTxResult {
    let events = outcome.events.iter().map(to_abci_event).collect();
    let gas_wanted = i64::try_from(outcome.gas_wanted).unwrap_or(i64::MAX);
    let gas_used = i64::try_from(outcome.gas_used).unwrap_or(i64::MAX);
    match outcome.result {
        Ok(()) => ExecTxResult { code: Code::Ok, gas_wanted, gas_used, events, ..Default::default() },
        Err(error) => ExecTxResult {
            code: Code::from(error.code),
            log: error.log,
            codespace: error.codespace,
            gas_wanted,
            gas_used,
            events,
            ..Default::default()
        },
    }
}

fn to_abci_event(event: &agora_types::Event) -> AbciEvent {
    AbciEvent::new(
        event.kind.clone(),
        event.attributes.iter().map(|a| (a.key.clone(), a.value.clone(), a.index)),
    )
}

impl Service<ConsensusRequest> for AbciService {
    type Response = ConsensusResponse;
    type Error = BoxError;
    type Future = Ready<Result<ConsensusResponse, BoxError>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, req: ConsensusRequest) -> Self::Future {
        let result = self.consensus(req);
        if let Err(e) = &result {
            tracing::error!(error = %e, "consensus request failed");
        }
        ready(result)
    }
}

impl Service<MempoolRequest> for AbciService {
    type Response = MempoolResponse;
    type Error = BoxError;
    type Future = Ready<Result<MempoolResponse, BoxError>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, req: MempoolRequest) -> Self::Future {
        ready(Ok(self.mempool(req)))
    }
}

impl Service<InfoRequest> for AbciService {
    type Response = InfoResponse;
    type Error = BoxError;
    type Future = std::pin::Pin<Box<dyn std::future::Future<Output = Result<InfoResponse, BoxError>> + Send>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, req: InfoRequest) -> Self::Future {
        match req {
            InfoRequest::Query(req) => {
                let queries = self.queries.clone();
                Box::pin(async move {
                    let answer = queries
                        .run(move |app| app.query(&req.path, &req.data, req.height.value(), req.prove))
                        .await;
                    Ok(InfoResponse::Query(query_response(answer)))
                })
            }
            other => Box::pin(ready(self.info(other))),
        }
    }
}

impl Service<SnapshotRequest> for AbciService {
    type Response = SnapshotResponse;
    type Error = BoxError;
    type Future = Ready<Result<SnapshotResponse, BoxError>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, req: SnapshotRequest) -> Self::Future {
        ready(Ok(self.snapshot(req)))
    }
}

/// Serves ABCI on `addr` (e.g. `127.0.0.1:26658`) until the process ends; a block the node
/// cannot execute or persist is reported on `halt`.
pub async fn serve(queries: QueryPool, addr: &str, halt: HaltSender) -> Result<(), BoxError> {
    let service = AbciService::with_halt(Arc::clone(queries.app()), halt).with_query_pool(queries);
    let server = tower_abci::v038::Server::builder()
        .consensus(service.clone())
        .mempool(service.clone())
        .info(service.clone())
        .snapshot(service)
        .finish()
        .ok_or("incomplete ABCI server")?;
    server.listen_tcp(addr).await
}
