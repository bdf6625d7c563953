//! A mock-consensus driver: plays CometBFT's part against the real ABCI services in-process
//! (InitChain, then PrepareProposal → ProcessProposal → FinalizeBlock → Commit per block), so
//! tests and benchmarks exercise exactly what a node runs, without networking.

use std::sync::Arc;

use bytes::Bytes;
use tendermint::abci::{request, response, types::ExecTxResult, Code};
use tendermint::v0_38::abci::{ConsensusRequest, ConsensusResponse, InfoRequest, InfoResponse, MempoolRequest, MempoolResponse};

use crate::abci::AbciService;
use crate::App;

/// Block interval of the simulated chain.
const BLOCK_SECONDS: i64 = 1;
/// Genesis time of the simulated chain (2026-01-01T00:00:00Z).
const GENESIS_UNIX: i64 = 1_767_225_600;

pub struct TestNode {
    service: AbciService,
    chain_id: String,
    height: u64,
    last_app_hash: Vec<u8>,
    last_finalized: Option<response::FinalizeBlock>,
    light: Option<LightBlocks>,
}

/// What a light client of the simulated chain verifies: one validator signs every block, and
/// the node keeps each block's header so it can hand out signed headers (a counterparty's
/// `MsgUpdateClient`).
struct LightBlocks {
    key: ed25519_dalek::SigningKey,
    validators: tendermint::validator::Set,
    headers: std::collections::BTreeMap<u64, tendermint::block::Header>,
}

impl LightBlocks {
    fn validator(&self) -> Result<tendermint::validator::Info, HarnessError> {
        self.validators.validators().first().cloned().ok_or_else(|| HarnessError::Unexpected("no validator".into()))
    }
}

#[derive(Debug, thiserror::Error)]
pub enum HarnessError {
    #[error("ABCI error: {0}")]
    Abci(String),
    #[error("unexpected ABCI response: {0}")]
    Unexpected(String),
}

fn abci(e: impl std::fmt::Display) -> HarnessError {
    HarnessError::Abci(e.to_string())
}

fn time_at(height: u64) -> tendermint::Time {
    let secs = GENESIS_UNIX + BLOCK_SECONDS * height as i64;
    tendermint::Time::from_unix_timestamp(secs, 0).unwrap_or_else(|_| tendermint::Time::unix_epoch())
}

impl TestNode {
    /// Starts a chain from `app_state` (genesis JSON), or resumes one if the store has blocks.
    pub fn start(app: Arc<App>, chain_id: &str, app_state: &[u8]) -> Result<Self, HarnessError> {
        Self::start_with(app, chain_id, app_state, default_consensus_params())
    }

    /// [`Self::start`] with the given consensus parameters in `genesis.json`.
    pub fn start_with(
        app: Arc<App>,
        chain_id: &str,
        app_state: &[u8],
        consensus_params: tendermint::consensus::Params,
    ) -> Result<Self, HarnessError> {
        let service = AbciService::new(app);
        let InfoResponse::Info(info) = service
            .info(InfoRequest::Info(request::Info {
                version: String::new(),
                block_version: 0,
                p2p_version: 0,
                abci_version: String::new(),
            }))
            .map_err(abci)?
        else {
            return Err(HarnessError::Unexpected("info".into()));
        };
        let node = Self {
            service,
            chain_id: chain_id.to_string(),
            height: info.last_block_height.value(),
            last_app_hash: info.last_block_app_hash.as_bytes().to_vec(),
            last_finalized: None,
            light: None,
        };
        if node.height == 0 {
            node.service
                .consensus(ConsensusRequest::InitChain(request::InitChain {
                    time: time_at(0),
                    chain_id: chain_id.to_string(),
                    consensus_params,
                    validators: Vec::new(),
                    app_state_bytes: Bytes::copy_from_slice(app_state),
                    initial_height: 1u32.into(),
                }))
                .map_err(abci)?;
        }
        Ok(node)
    }

    /// Signs every block from now on with one ed25519 validator of power 10 (the seed's
    /// key), reported as the next validator set in `FinalizeBlock`, and keeps the headers, so
    /// [`Self::signed_header`] can prove them to a light client of this chain.
    pub fn sign_blocks_with(&mut self, seed: [u8; 32]) -> Result<(), HarnessError> {
        let key = ed25519_dalek::SigningKey::from_bytes(&seed);
        let public = tendermint::PublicKey::from_raw_ed25519(key.verifying_key().as_bytes())
            .ok_or_else(|| HarnessError::Unexpected("ed25519 key".into()))?;
        let info = tendermint::validator::Info::new(public, 10u32.into());
        let validators = tendermint::validator::Set::new(vec![info.clone()], Some(info));
        self.light = Some(LightBlocks { key, validators, headers: Default::default() });
        Ok(())
    }

    /// The validator set that signs this chain's blocks (see [`Self::sign_blocks_with`]).
    pub fn validator_set(&self) -> Option<&tendermint::validator::Set> {
        self.light.as_ref().map(|light| &light.validators)
    }

    /// The header of committed block `height`, with its commit signed by the validator: what a
    /// relayer hands a light client of this chain.
    pub fn signed_header(&self, height: u64) -> Result<tendermint::block::signed_header::SignedHeader, HarnessError> {
        use ed25519_dalek::Signer;
        let light = self.light.as_ref().ok_or_else(|| HarnessError::Unexpected("blocks are not signed".into()))?;
        let header = light.headers.get(&height).cloned().ok_or_else(|| HarnessError::Unexpected(format!("no header at {height}")))?;
        let block_id = tendermint::block::Id {
            hash: header.hash(),
            part_set_header: tendermint::block::parts::Header::new(1, tendermint::Hash::Sha256([7u8; 32])).map_err(abci)?,
        };
        let validator = light.validator()?;
        let vote = tendermint::vote::Vote {
            vote_type: tendermint::vote::Type::Precommit,
            height: header.height,
            round: Default::default(),
            block_id: Some(block_id),
            timestamp: Some(header.time),
            validator_address: validator.address,
            validator_index: 0u32.try_into().map_err(abci)?,
            signature: None,
            extension: Vec::new(),
            extension_signature: None,
        };
        let sign_bytes = vote.into_signable_vec(header.chain_id.clone());
        let signature = light.key.sign(&sign_bytes);
        let commit = tendermint::block::Commit {
            height: header.height,
            round: Default::default(),
            block_id,
            signatures: vec![tendermint::block::CommitSig::BlockIdFlagCommit {
                validator_address: validator.address,
                timestamp: header.time,
                signature: tendermint::Signature::new(signature.to_bytes()).map_err(abci)?,
            }],
        };
        tendermint::block::signed_header::SignedHeader::new(header, commit).map_err(abci)
    }

    /// Records the header of block `height` (whose app hash is the state before it).
    fn record_header(&mut self, height: u64) -> Result<(), HarnessError> {
        let chain_id = self.chain_id.clone();
        let app_hash = self.last_app_hash.clone();
        let Some(light) = self.light.as_mut() else {
            return Ok(());
        };
        let proposer = light.validator()?.address;
        let validators_hash = light.validators.hash();
        let some_hash = Some(tendermint::Hash::Sha256([1u8; 32]));
        let header = tendermint::block::Header {
            version: tendermint::block::header::Version { block: 11, app: 0 },
            chain_id: chain_id.parse().map_err(abci)?,
            height: height.try_into().map_err(abci)?,
            time: time_at(height),
            last_block_id: None,
            last_commit_hash: some_hash,
            data_hash: some_hash,
            validators_hash,
            next_validators_hash: validators_hash,
            consensus_hash: tendermint::Hash::Sha256([2u8; 32]),
            app_hash: tendermint::AppHash::try_from(app_hash).map_err(abci)?,
            last_results_hash: some_hash,
            evidence_hash: some_hash,
            proposer_address: proposer,
        };
        light.headers.insert(height, header);
        Ok(())
    }

    fn next_validators_hash(&self) -> tendermint::Hash {
        self.light.as_ref().map(|light| light.validators.hash()).unwrap_or_default()
    }

    pub fn app(&self) -> &Arc<App> {
        self.service.app()
    }

    pub fn service(&self) -> &AbciService {
        &self.service
    }

    pub fn chain_id(&self) -> &str {
        &self.chain_id
    }

    pub fn height(&self) -> u64 {
        self.height
    }

    pub fn last_app_hash(&self) -> &[u8] {
        &self.last_app_hash
    }

    /// `CheckTx` as the mempool would run it.
    pub fn check_tx(&self, tx: &[u8]) -> response::CheckTx {
        self.check_tx_of_kind(tx, request::CheckTxKind::New)
    }

    /// `CheckTx` as CometBFT sends it after a block for a transaction still in its mempool.
    pub fn recheck_tx(&self, tx: &[u8]) -> response::CheckTx {
        self.check_tx_of_kind(tx, request::CheckTxKind::Recheck)
    }

    fn check_tx_of_kind(&self, tx: &[u8], kind: request::CheckTxKind) -> response::CheckTx {
        let MempoolResponse::CheckTx(res) = self.service.mempool(MempoolRequest::CheckTx(request::CheckTx { tx: Bytes::copy_from_slice(tx), kind }));
        res
    }

    /// Proposes, accepts, finalizes and commits one block with `txs`; returns their results.
    pub fn make_block(&mut self, txs: Vec<Vec<u8>>) -> Result<Vec<ExecTxResult>, HarnessError> {
        let height = self.height + 1;
        let txs: Vec<Bytes> = txs.into_iter().map(Bytes::from).collect();
        let max_tx_bytes = txs.iter().map(Bytes::len).sum::<usize>() as i64 + 1;
        let ConsensusResponse::PrepareProposal(prepared) = self
            .service
            .consensus(ConsensusRequest::PrepareProposal(request::PrepareProposal {
                max_tx_bytes,
                txs,
                local_last_commit: None,
                misbehavior: Vec::new(),
                height: height.try_into().map_err(abci)?,
                time: time_at(height),
                next_validators_hash: Default::default(),
                proposer_address: proposer(),
            }))
            .map_err(abci)?
        else {
            return Err(HarnessError::Unexpected("prepare proposal".into()));
        };
        if !self.process_proposal_at(height, prepared.txs.clone())? {
            return Err(HarnessError::Unexpected("own proposal rejected".into()));
        }
        self.finalize_and_commit(height, prepared.txs)
    }

    /// Finalizes and commits exactly `txs` (skipping the proposal steps, as a node replaying a
    /// block decided by others would); used to feed transactions a proposer would have dropped.
    pub fn finalize_and_commit(&mut self, height: u64, txs: Vec<Bytes>) -> Result<Vec<ExecTxResult>, HarnessError> {
        self.finalize_with(height, txs, Vec::new(), Vec::new())
    }

    /// A block whose decided last commit has `votes` (consensus address, power, whether it
    /// signed) and whose evidence is `misbehavior`, as CometBFT would report them.
    pub fn make_block_with_commit(
        &mut self,
        txs: Vec<Vec<u8>>,
        votes: &[([u8; 20], u64, bool)],
        misbehavior: Vec<tendermint::abci::types::Misbehavior>,
    ) -> Result<Vec<ExecTxResult>, HarnessError> {
        use tendermint::abci::types::{BlockSignatureInfo, VoteInfo};
        let votes = votes
            .iter()
            .map(|(address, power, signed)| {
                Ok(VoteInfo {
                    validator: tendermint::abci::types::Validator { address: *address, power: (*power).try_into().map_err(abci)? },
                    sig_info: BlockSignatureInfo::Flag(if *signed {
                        tendermint::block::BlockIdFlag::Commit
                    } else {
                        tendermint::block::BlockIdFlag::Absent
                    }),
                })
            })
            .collect::<Result<Vec<_>, HarnessError>>()?;
        let height = self.height + 1;
        self.finalize_with(height, txs.into_iter().map(Bytes::from).collect(), votes, misbehavior)
    }

    /// The block time the harness gives `height` (one second per block).
    pub fn time_at(height: u64) -> tendermint::Time {
        time_at(height)
    }

    fn finalize_with(
        &mut self,
        height: u64,
        txs: Vec<Bytes>,
        votes: Vec<tendermint::abci::types::VoteInfo>,
        misbehavior: Vec<tendermint::abci::types::Misbehavior>,
    ) -> Result<Vec<ExecTxResult>, HarnessError> {
        let ConsensusResponse::FinalizeBlock(finalized) = self
            .service
            .consensus(ConsensusRequest::FinalizeBlock(request::FinalizeBlock {
                txs,
                decided_last_commit: tendermint::abci::types::CommitInfo { round: 0u8.into(), votes },
                misbehavior,
                hash: Default::default(),
                height: height.try_into().map_err(abci)?,
                time: time_at(height),
                next_validators_hash: self.next_validators_hash(),
                proposer_address: proposer(),
            }))
            .map_err(abci)?
        else {
            return Err(HarnessError::Unexpected("finalize block".into()));
        };
        self.record_header(height)?;
        self.service.consensus(ConsensusRequest::Commit).map_err(abci)?;
        self.height = height;
        self.last_app_hash = finalized.app_hash.as_bytes().to_vec();
        // Moved, not cloned: benchmarks drive thousands of results through here.
        let mut finalized = finalized;
        let results = std::mem::take(&mut finalized.tx_results);
        self.last_finalized = Some(finalized);
        Ok(results)
    }

    /// The `FinalizeBlock` answer of the last block this node made (block events, validator
    /// and consensus-parameter updates; its `tx_results` were returned by the call that made
    /// the block and are empty here).
    pub fn last_finalized(&self) -> Option<&response::FinalizeBlock> {
        self.last_finalized.as_ref()
    }

    /// Whether this node would vote for a proposal of `txs` at the next height.
    pub fn process_proposal(&self, txs: Vec<Vec<u8>>) -> Result<bool, HarnessError> {
        self.process_proposal_at(self.height + 1, txs.into_iter().map(Bytes::from).collect())
    }

    fn process_proposal_at(&self, height: u64, txs: Vec<Bytes>) -> Result<bool, HarnessError> {
        let ConsensusResponse::ProcessProposal(verdict) = self
            .service
            .consensus(ConsensusRequest::ProcessProposal(request::ProcessProposal {
                txs,
                proposed_last_commit: None,
                misbehavior: Vec::new(),
                hash: Default::default(),
                height: height.try_into().map_err(abci)?,
                time: time_at(height),
                next_validators_hash: Default::default(),
                proposer_address: proposer(),
            }))
            .map_err(abci)?
        else {
            return Err(HarnessError::Unexpected("process proposal".into()));
        };
        Ok(verdict == response::ProcessProposal::Accept)
    }

    /// Finalizes a block built from raw transactions exactly as given (no proposal filtering).
    pub fn make_raw_block(&mut self, txs: Vec<Vec<u8>>) -> Result<Vec<ExecTxResult>, HarnessError> {
        let height = self.height + 1;
        self.finalize_and_commit(height, txs.into_iter().map(Bytes::from).collect())
    }

    /// ABCI `Query`.
    pub fn query(&self, path: &str, data: Vec<u8>, height: u64, prove: bool) -> Result<response::Query, HarnessError> {
        let InfoResponse::Query(res) = self
            .service
            .info(InfoRequest::Query(request::Query {
                data: data.into(),
                path: path.to_string(),
                height: height.try_into().map_err(abci)?,
                prove,
            }))
            .map_err(abci)?
        else {
            return Err(HarnessError::Unexpected("query".into()));
        };
        Ok(res)
    }

    /// A protobuf query that must succeed.
    pub fn query_proto<Req: prost::Message, Res: prost::Message + Default>(&self, path: &str, req: &Req) -> Result<Res, HarnessError> {
        let res = self.query(path, req.encode_to_vec(), 0, false)?;
        if res.code != Code::Ok {
            return Err(HarnessError::Abci(format!("query {path} failed: {} {}: {}", res.codespace, res.code.value(), res.log)));
        }
        Res::decode(res.value.as_ref()).map_err(abci)
    }
}

fn proposer() -> tendermint::account::Id {
    tendermint::account::Id::new([0u8; 20])
}

/// CometBFT's defaults (no block gas limit).
pub fn default_consensus_params() -> tendermint::consensus::Params {
    tendermint::consensus::Params {
        block: tendermint::block::Size { max_bytes: 22_020_096, max_gas: -1, time_iota_ms: 1_000 },
        evidence: tendermint::evidence::Params {
            max_age_num_blocks: 100_000,
            max_age_duration: tendermint::evidence::Duration(std::time::Duration::from_secs(172_800)),
            max_bytes: 1_048_576,
        },
        validator: tendermint::consensus::params::ValidatorParams {
            pub_key_types: vec![tendermint::public_key::Algorithm::Ed25519],
        },
        version: None,
        abci: Default::default(),
    }
}
