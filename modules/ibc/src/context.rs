//! ibc-rs's host contexts over Agora's store.
//!
//! [`IbcHost`] is one message's view of the chain: the state it runs on (a fork of the
//! block, kept only if the message succeeds), the block it runs in, and the events it emits.
//! ibc-rs hands the core context and the application modules to its handlers separately, while
//! both read and write the same state, so the host keeps the state in a `RefCell` and
//! [`IbcContext`] and the modules each hold a shared reference to the host; every access
//! borrows for one read or write only.

use std::cell::RefCell;
use std::time::Duration;

use agora_store::{StateRead, StateWrite};
use agora_types::{BlockContext, Event};
use ibc::clients::tendermint::client_state::ClientState as TmClientState;
use ibc::clients::tendermint::consensus_state::ConsensusState as TmConsensusState;
use ibc::clients::tendermint::types::ConsensusState as TmConsensusStateType;
use ibc::core::channel::types::channel::ChannelEnd;
use ibc::core::channel::types::commitment::{AcknowledgementCommitment, PacketCommitment};
use ibc::core::channel::types::packet::Receipt;
use ibc::core::client::context::{ClientExecutionContext, ClientValidationContext, ExtClientValidationContext};
use ibc::core::client::types::Height;
use ibc::core::commitment_types::commitment::{CommitmentPrefix, CommitmentRoot};
use ibc::core::commitment_types::specs::ProofSpecs;
use ibc::core::connection::types::ConnectionEnd;
use ibc::core::handler::types::events::IbcEvent;
use ibc::core::host::types::error::HostError;
use ibc::core::host::types::identifiers::{ChainId, ClientId, ConnectionId, Sequence};
use ibc::core::host::types::path::{
    AckPath, ChannelEndPath, ClientConnectionPath, ClientConsensusStatePath, ClientStatePath, ClientUpdateHeightPath,
    ClientUpdateTimePath, CommitmentPath, ConnectionPath, ReceiptPath, SeqAckPath, SeqRecvPath, SeqSendPath, UPGRADED_IBC_STATE,
};
use ibc::core::host::{ExecutionContext, ValidationContext};
use ibc::cosmos_host::ValidateSelfClientContext;
use ibc::primitives::proto::{Any, Protobuf};
use ibc::primitives::{Signer, Timestamp};
use ibc_proto::ibc::core::channel::v1::Channel as RawChannel;
use ibc_proto::ibc::core::connection::v1::{ClientPaths, ConnectionEnd as RawConnectionEnd};
use prost::Message;

use crate::keepers::Keepers;
use crate::state::keys;
use crate::state::IbcRead;

/// What the host knows of the block a message runs in.
#[derive(Clone, Debug)]
pub struct HostBlock {
    pub chain_id: ChainId,
    pub height: Height,
    pub timestamp: Timestamp,
    /// Staking's unbonding time: what a counterparty's client of Agora must claim.
    pub unbonding_period: Duration,
    /// `ibc.core.connection.v1.Params.max_expected_time_per_block`.
    pub max_expected_time_per_block: Duration,
}

impl HostBlock {
    /// The block `ctx` describes, with the parameters read from `state`.
    pub fn read(state: &dyn StateRead, ctx: &BlockContext, keepers: &Keepers) -> Result<Self, HostError> {
        let chain_id = ChainId::new(&ctx.chain_id).map_err(|e| HostError::invalid_state(format!("chain id {:?}: {e}", ctx.chain_id)))?;
        let height = Height::new(chain_id.revision_number(), ctx.height)
            .map_err(|e| HostError::invalid_state(format!("host height {}: {e}", ctx.height)))?;
        let unbonding_nanos = keepers.staking.unbonding_nanos(state).map_err(HostError::failed_to_retrieve)?;
        let connection = state.connection_params().map_err(HostError::failed_to_retrieve)?;
        Ok(Self {
            chain_id,
            height,
            timestamp: Timestamp::from_nanoseconds(ctx.time_nanos()),
            unbonding_period: Duration::from_nanos(unbonding_nanos),
            max_expected_time_per_block: Duration::from_nanos(connection.max_expected_time_per_block),
        })
    }
}

/// One message's state, block and events, shared by the core context and the modules.
pub struct IbcHost<'s> {
    state: RefCell<&'s mut dyn StateWrite>,
    pub keepers: &'s Keepers,
    pub block: HostBlock,
    events: RefCell<Vec<Event>>,
}

impl<'s> IbcHost<'s> {
    pub fn new(state: &'s mut dyn StateWrite, keepers: &'s Keepers, block: HostBlock) -> Self {
        Self { state: RefCell::new(state), keepers, block, events: RefCell::new(Vec::new()) }
    }

    /// Runs `read` on the state.
    pub fn read<R>(&self, read: impl FnOnce(&dyn StateRead) -> R) -> R {
        let guard = self.state.borrow();
        read(&**guard)
    }

    /// Runs `write` on the state.
    pub fn write<R>(&self, write: impl FnOnce(&mut dyn StateWrite) -> R) -> R {
        let mut guard = self.state.borrow_mut();
        write(&mut **guard)
    }

    pub fn emit(&self, event: Event) {
        self.events.borrow_mut().push(event);
    }

    pub fn take_events(&self) -> Vec<Event> {
        std::mem::take(&mut *self.events.borrow_mut())
    }

    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, HostError> {
        self.read(|state| state.get_raw(key)).map_err(HostError::failed_to_retrieve)
    }

    fn put(&self, key: Vec<u8>, value: Vec<u8>) {
        self.write(|state| state.put_raw(key, value));
    }

    fn delete(&self, key: Vec<u8>) {
        self.write(|state| state.delete(key));
    }

    fn get_u64(&self, key: &[u8]) -> Result<Option<u64>, HostError> {
        match self.get(key)? {
            None => Ok(None),
            Some(bytes) => {
                let array: [u8; 8] = bytes
                    .as_slice()
                    .try_into()
                    .map_err(|_| HostError::failed_to_retrieve(format!("{} is not an 8-byte integer", String::from_utf8_lossy(key))))?;
                Ok(Some(u64::from_be_bytes(array)))
            }
        }
    }

    fn increment(&self, key: Vec<u8>) -> Result<(), HostError> {
        let next = self
            .get_u64(&key)?
            .unwrap_or(0)
            .checked_add(1)
            .ok_or_else(|| HostError::failed_to_store("identifier counter overflow"))?;
        self.put(key, next.to_be_bytes().to_vec());
        Ok(())
    }

    fn decode<T, R>(&self, key: &[u8], what: &str) -> Result<T, HostError>
    where
        T: Protobuf<R>,
        R: Message + Default + From<T>,
        <T as TryFrom<R>>::Error: std::fmt::Display,
    {
        let bytes = self.get(key)?.ok_or_else(|| HostError::missing_state(format!("{what} not found")))?;
        T::decode_vec(&bytes).map_err(|e| HostError::failed_to_retrieve(format!("{what}: {e}")))
    }
}

/// ibc-rs's core context (validation and execution, the client contexts included).
pub struct IbcContext<'h, 's> {
    pub host: &'h IbcHost<'s>,
}

impl<'h, 's> IbcContext<'h, 's> {
    pub fn new(host: &'h IbcHost<'s>) -> Self {
        Self { host }
    }

    fn consensus_state_at(&self, key: &[u8]) -> Result<Option<TmConsensusState>, HostError> {
        match self.host.get(key)? {
            None => Ok(None),
            Some(bytes) => <TmConsensusState as Protobuf<Any>>::decode_vec(&bytes)
                .map(Some)
                .map_err(|e| HostError::failed_to_retrieve(format!("consensus state: {e}"))),
        }
    }

    /// The client's consensus state at the first height after (`descending` false) or before
    /// `height` in its index.
    fn neighbour_consensus_state(&self, client_id: &ClientId, height: &Height, descending: bool) -> Result<Option<TmConsensusState>, HostError> {
        let (prefix, start) = if descending {
            (keys::consensus_heights_descending(client_id), keys::consensus_height_descending(client_id, height))
        } else {
            (keys::consensus_heights(client_id), keys::consensus_height(client_id, height))
        };
        let found = self.host.read(|state| {
            state
                .prefix_raw(&prefix, Some(&start))
                .map(|entry| entry.map(|(key, _)| keys::height_of_index_key(&key, descending)))
                .find(|entry| !matches!(entry, Ok(Some(h)) if h == height))
                .transpose()
        });
        let Some(neighbour) = found.map_err(HostError::failed_to_retrieve)?.flatten() else {
            return Ok(None);
        };
        let path = ClientConsensusStatePath::new(client_id.clone(), neighbour.revision_number(), neighbour.revision_height());
        self.consensus_state_at(&keys::path(path))
    }
}

impl ClientValidationContext for IbcContext<'_, '_> {
    type ClientStateRef = TmClientState;
    type ConsensusStateRef = TmConsensusState;

    fn client_state(&self, client_id: &ClientId) -> Result<TmClientState, HostError> {
        let bytes = self
            .host
            .get(&keys::path(ClientStatePath::new(client_id.clone())))?
            .ok_or_else(|| HostError::missing_state(format!("client 4: client {client_id} not found")))?;
        <TmClientState as Protobuf<Any>>::decode_vec(&bytes).map_err(|e| HostError::failed_to_retrieve(format!("client state of {client_id}: {e}")))
    }

    fn consensus_state(&self, path: &ClientConsensusStatePath) -> Result<TmConsensusState, HostError> {
        self.consensus_state_at(&keys::path(path))?.ok_or_else(|| {
            HostError::missing_state(format!(
                "consensus state of client {} at height {}-{} not found",
                path.client_id, path.revision_number, path.revision_height
            ))
        })
    }

    fn client_update_meta(&self, client_id: &ClientId, height: &Height) -> Result<(Timestamp, Height), HostError> {
        let time_path = ClientUpdateTimePath::new(client_id.clone(), height.revision_number(), height.revision_height());
        let nanos = self
            .host
            .get_u64(&keys::path(time_path))?
            .ok_or_else(|| HostError::missing_state(format!("update time of client {client_id} at {height} not found")))?;
        let height_path = ClientUpdateHeightPath::new(client_id.clone(), height.revision_number(), height.revision_height());
        let bytes = self
            .host
            .get(&keys::path(height_path))?
            .ok_or_else(|| HostError::missing_state(format!("update height of client {client_id} at {height} not found")))?;
        let processed: Height = String::from_utf8_lossy(&bytes)
            .parse()
            .map_err(|e| HostError::failed_to_retrieve(format!("update height of client {client_id}: {e}")))?;
        Ok((Timestamp::from_nanoseconds(nanos), processed))
    }
}

impl ClientExecutionContext for IbcContext<'_, '_> {
    type ClientStateMut = TmClientState;

    fn store_client_state(&mut self, path: ClientStatePath, client_state: TmClientState) -> Result<(), HostError> {
        self.host.put(keys::path(path), Any::from(client_state).encode_to_vec());
        Ok(())
    }

    fn store_consensus_state(&mut self, path: ClientConsensusStatePath, consensus_state: TmConsensusState) -> Result<(), HostError> {
        let height = Height::new(path.revision_number, path.revision_height).map_err(HostError::invalid_state)?;
        self.host.put(keys::consensus_height(&path.client_id, &height), Vec::new());
        self.host.put(keys::consensus_height_descending(&path.client_id, &height), Vec::new());
        self.host.put(keys::path(path), Any::from(consensus_state).encode_to_vec());
        Ok(())
    }

    fn delete_consensus_state(&mut self, path: ClientConsensusStatePath) -> Result<(), HostError> {
        let height = Height::new(path.revision_number, path.revision_height).map_err(HostError::invalid_state)?;
        self.host.delete(keys::consensus_height(&path.client_id, &height));
        self.host.delete(keys::consensus_height_descending(&path.client_id, &height));
        self.host.delete(keys::path(path));
        Ok(())
    }

    fn store_update_meta(&mut self, client_id: ClientId, height: Height, host_timestamp: Timestamp, host_height: Height) -> Result<(), HostError> {
        let time_path = ClientUpdateTimePath::new(client_id.clone(), height.revision_number(), height.revision_height());
        self.host.put(keys::path(time_path), host_timestamp.nanoseconds().to_be_bytes().to_vec());
        let height_path = ClientUpdateHeightPath::new(client_id, height.revision_number(), height.revision_height());
        self.host.put(keys::path(height_path), host_height.to_string().into_bytes());
        Ok(())
    }

    fn delete_update_meta(&mut self, client_id: ClientId, height: Height) -> Result<(), HostError> {
        let time_path = ClientUpdateTimePath::new(client_id.clone(), height.revision_number(), height.revision_height());
        self.host.delete(keys::path(time_path));
        let height_path = ClientUpdateHeightPath::new(client_id, height.revision_number(), height.revision_height());
        self.host.delete(keys::path(height_path));
        Ok(())
    }
}

/// Expired consensus states one client update deletes at most.
const MAX_PRUNED_PER_UPDATE: usize = 4;

impl ExtClientValidationContext for IbcContext<'_, '_> {
    fn host_timestamp(&self) -> Result<Timestamp, HostError> {
        Ok(self.host.block.timestamp)
    }

    fn host_height(&self) -> Result<Height, HostError> {
        Ok(self.host.block.height)
    }

    /// The client's consensus-state heights, ascending, up to and including the first whose
    /// state has not expired, and at most [`MAX_PRUNED_PER_UPDATE`]: ibc-rs calls this only to
    /// prune expired states, and each update prunes a bounded few (ibc-go prunes one), so no
    /// single relayer's update pays for a backlog.
    fn consensus_state_heights(&self, client_id: &ClientId) -> Result<Vec<Height>, HostError> {
        let trusting_period = self.client_state(client_id)?.inner().trusting_period;
        let now = self.host.block.timestamp.nanoseconds();
        let prefix = keys::consensus_heights(client_id);
        // Shared borrows of the state nest: the walk and the reads of each state.
        self.host.read(|state| {
            let mut heights = Vec::new();
            for entry in state.prefix_raw(&prefix, None) {
                let (key, _) = entry.map_err(HostError::failed_to_retrieve)?;
                let Some(height) = keys::height_of_index_key(&key, false) else {
                    continue;
                };
                heights.push(height);
                if heights.len() >= MAX_PRUNED_PER_UPDATE {
                    break;
                }
                let path = ClientConsensusStatePath::new(client_id.clone(), height.revision_number(), height.revision_height());
                let timestamp = self.consensus_state(&path)?.inner().timestamp;
                let expiry = timestamp.unix_timestamp_nanos().saturating_add(i128::try_from(trusting_period.as_nanos()).unwrap_or(i128::MAX));
                if expiry > i128::from(now) {
                    break;
                }
            }
            Ok(heights)
        })
    }

    fn next_consensus_state(&self, client_id: &ClientId, height: &Height) -> Result<Option<TmConsensusState>, HostError> {
        self.neighbour_consensus_state(client_id, height, false)
    }

    fn prev_consensus_state(&self, client_id: &ClientId, height: &Height) -> Result<Option<TmConsensusState>, HostError> {
        self.neighbour_consensus_state(client_id, height, true)
    }
}

impl ValidateSelfClientContext for IbcContext<'_, '_> {
    fn chain_id(&self) -> &ChainId {
        &self.host.block.chain_id
    }

    fn host_current_height(&self) -> Height {
        self.host.block.height
    }

    fn proof_specs(&self) -> &ProofSpecs {
        agora_proof_specs()
    }

    fn unbonding_period(&self) -> Duration {
        self.host.block.unbonding_period
    }

    fn upgrade_path(&self) -> &[String] {
        upgrade_path()
    }
}

/// Agora's proof specs, both levels (substore, then root): the JMT spec.
pub fn agora_proof_specs() -> &'static ProofSpecs {
    static SPECS: std::sync::OnceLock<ProofSpecs> = std::sync::OnceLock::new();
    SPECS.get_or_init(|| {
        let spec = agora_store::proof_spec();
        // Two copies of a spec the `ics23` crate itself made always convert.
        ProofSpecs::try_from(vec![spec.clone(), spec]).unwrap_or_else(|_| ProofSpecs::cosmos())
    })
}

/// Where Agora keeps the client and consensus state an upgrade hands to counterparties: the
/// `upgrade` substore, under the key ibc-go uses (and Hermes assumes).
pub fn upgrade_path() -> &'static [String] {
    static PATH: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    PATH.get_or_init(|| vec!["upgrade".to_string(), UPGRADED_IBC_STATE.to_string()])
}

impl ValidationContext for IbcContext<'_, '_> {
    type V = Self;
    type HostClientState = TmClientState;
    type HostConsensusState = TmConsensusState;

    fn get_client_validation_context(&self) -> &Self {
        self
    }

    fn host_height(&self) -> Result<Height, HostError> {
        Ok(self.host.block.height)
    }

    fn host_timestamp(&self) -> Result<Timestamp, HostError> {
        Ok(self.host.block.timestamp)
    }

    /// Agora's consensus state at `height`, from the header staking keeps for the last
    /// `historical_entries` heights: the header's app hash (state after the block before),
    /// time and next validators hash, as a light client of Agora derives it.
    fn host_consensus_state(&self, height: &Height) -> Result<TmConsensusState, HostError> {
        if height.revision_number() != self.host.block.height.revision_number() {
            return Err(HostError::invalid_state(format!(
                "height {height} is of another revision than this chain's ({})",
                self.host.block.height.revision_number()
            )));
        }
        let header = self
            .host
            .read(|state| self.host.keepers.staking.historical_header(state, height.revision_height()))
            .map_err(HostError::failed_to_retrieve)?;
        let header = header
            .ok_or_else(|| HostError::missing_state(format!("no header kept for height {height}: self consensus state not found")))?;
        let time = header.time.ok_or_else(|| HostError::missing_state(format!("header at {height} has no time")))?;
        let timestamp = tendermint::Time::from_unix_timestamp(time.seconds, u32::try_from(time.nanos).unwrap_or(0))
            .map_err(|e| HostError::invalid_state(format!("header time at {height}: {e}")))?;
        let next_validators_hash = tendermint::Hash::try_from(header.next_validators_hash)
            .map_err(|e| HostError::invalid_state(format!("next validators hash at {height}: {e}")))?;
        let root = CommitmentRoot::from_bytes(&header.app_hash);
        Ok(TmConsensusStateType::new(root, timestamp, next_validators_hash).into())
    }

    fn client_counter(&self) -> Result<u64, HostError> {
        Ok(self.host.get_u64(&keys::next_client_sequence())?.unwrap_or(0))
    }

    fn connection_end(&self, conn_id: &ConnectionId) -> Result<ConnectionEnd, HostError> {
        self.host.decode::<ConnectionEnd, RawConnectionEnd>(&keys::path(ConnectionPath::new(conn_id)), &format!("connection 3: connection {conn_id}"))
    }

    fn validate_self_client(&self, client_state: TmClientState) -> Result<(), HostError> {
        self.validate_self_tendermint_client(client_state.inner().clone())
    }

    fn commitment_prefix(&self) -> CommitmentPrefix {
        CommitmentPrefix::from_bytes(keys::IBC_STORE.as_bytes())
    }

    fn connection_counter(&self) -> Result<u64, HostError> {
        Ok(self.host.get_u64(&keys::next_connection_sequence())?.unwrap_or(0))
    }

    fn channel_end(&self, path: &ChannelEndPath) -> Result<ChannelEnd, HostError> {
        self.host.decode::<ChannelEnd, RawChannel>(&keys::path(path), &format!("channel 3: channel {}/{}", path.0, path.1))
    }

    fn get_next_sequence_send(&self, path: &SeqSendPath) -> Result<Sequence, HostError> {
        self.host
            .get_u64(&keys::path(path))?
            .map(Sequence::from)
            .ok_or_else(|| HostError::missing_state(format!("next send sequence of {}/{} not found", path.0, path.1)))
    }

    fn get_next_sequence_recv(&self, path: &SeqRecvPath) -> Result<Sequence, HostError> {
        self.host
            .get_u64(&keys::path(path))?
            .map(Sequence::from)
            .ok_or_else(|| HostError::missing_state(format!("next receive sequence of {}/{} not found", path.0, path.1)))
    }

    fn get_next_sequence_ack(&self, path: &SeqAckPath) -> Result<Sequence, HostError> {
        self.host
            .get_u64(&keys::path(path))?
            .map(Sequence::from)
            .ok_or_else(|| HostError::missing_state(format!("next acknowledgement sequence of {}/{} not found", path.0, path.1)))
    }

    fn get_packet_commitment(&self, path: &CommitmentPath) -> Result<PacketCommitment, HostError> {
        self.host
            .get(&keys::path(path))?
            .map(PacketCommitment::from)
            .ok_or_else(|| HostError::missing_state(format!("packet commitment {path} not found")))
    }

    fn get_packet_receipt(&self, path: &ReceiptPath) -> Result<Receipt, HostError> {
        Ok(match self.host.get(&keys::path(path))? {
            Some(_) => Receipt::Ok,
            None => Receipt::None,
        })
    }

    fn get_packet_acknowledgement(&self, path: &AckPath) -> Result<AcknowledgementCommitment, HostError> {
        self.host
            .get(&keys::path(path))?
            .map(AcknowledgementCommitment::from)
            .ok_or_else(|| HostError::missing_state(format!("packet acknowledgement {path} not found")))
    }

    fn channel_counter(&self) -> Result<u64, HostError> {
        Ok(self.host.get_u64(&keys::next_channel_sequence())?.unwrap_or(0))
    }

    fn max_expected_time_per_block(&self) -> Duration {
        self.host.block.max_expected_time_per_block
    }

    fn validate_message_signer(&self, signer: &Signer) -> Result<(), HostError> {
        signer
            .as_ref()
            .parse::<agora_types::Address>()
            .map(|_| ())
            .map_err(|e| HostError::invalid_state(format!("signer {:?}: {e}", signer.as_ref())))
    }
}

impl ExecutionContext for IbcContext<'_, '_> {
    type E = Self;

    fn get_client_execution_context(&mut self) -> &mut Self {
        self
    }

    fn increase_client_counter(&mut self) -> Result<(), HostError> {
        self.host.increment(keys::next_client_sequence())
    }

    fn store_connection(&mut self, path: &ConnectionPath, connection_end: ConnectionEnd) -> Result<(), HostError> {
        self.host.put(keys::path(path), Protobuf::<RawConnectionEnd>::encode_vec(connection_end));
        Ok(())
    }

    fn store_connection_to_client(&mut self, path: &ClientConnectionPath, conn_id: ConnectionId) -> Result<(), HostError> {
        let key = keys::path(path);
        let mut paths = match self.host.get(&key)? {
            Some(bytes) => ClientPaths::decode(bytes.as_slice()).map_err(|e| HostError::failed_to_retrieve(format!("{path}: {e}")))?,
            None => ClientPaths::default(),
        };
        paths.paths.push(conn_id.to_string());
        self.host.put(key, paths.encode_to_vec());
        Ok(())
    }

    fn increase_connection_counter(&mut self) -> Result<(), HostError> {
        self.host.increment(keys::next_connection_sequence())
    }

    fn store_packet_commitment(&mut self, path: &CommitmentPath, commitment: PacketCommitment) -> Result<(), HostError> {
        self.host.put(keys::path(path), commitment.into_vec());
        Ok(())
    }

    fn delete_packet_commitment(&mut self, path: &CommitmentPath) -> Result<(), HostError> {
        self.host.delete(keys::path(path));
        Ok(())
    }

    fn store_packet_receipt(&mut self, path: &ReceiptPath, _receipt: Receipt) -> Result<(), HostError> {
        // ibc-go's receipt: one byte, 1.
        self.host.put(keys::path(path), vec![1]);
        Ok(())
    }

    fn store_packet_acknowledgement(&mut self, path: &AckPath, ack_commitment: AcknowledgementCommitment) -> Result<(), HostError> {
        self.host.put(keys::path(path), ack_commitment.into_vec());
        Ok(())
    }

    fn delete_packet_acknowledgement(&mut self, path: &AckPath) -> Result<(), HostError> {
        self.host.delete(keys::path(path));
        Ok(())
    }

    fn store_channel(&mut self, path: &ChannelEndPath, channel_end: ChannelEnd) -> Result<(), HostError> {
        self.host.put(keys::path(path), Protobuf::<RawChannel>::encode_vec(channel_end));
        Ok(())
    }

    fn store_next_sequence_send(&mut self, path: &SeqSendPath, seq: Sequence) -> Result<(), HostError> {
        self.host.put(keys::path(path), u64::from(seq).to_be_bytes().to_vec());
        Ok(())
    }

    fn store_next_sequence_recv(&mut self, path: &SeqRecvPath, seq: Sequence) -> Result<(), HostError> {
        self.host.put(keys::path(path), u64::from(seq).to_be_bytes().to_vec());
        Ok(())
    }

    fn store_next_sequence_ack(&mut self, path: &SeqAckPath, seq: Sequence) -> Result<(), HostError> {
        self.host.put(keys::path(path), u64::from(seq).to_be_bytes().to_vec());
        Ok(())
    }

    fn increase_channel_counter(&mut self) -> Result<(), HostError> {
        self.host.increment(keys::next_channel_sequence())
    }

    fn emit_ibc_event(&mut self, event: IbcEvent) -> Result<(), HostError> {
        self.host.emit(to_event(event)?);
        Ok(())
    }

    fn log_message(&mut self, message: String) -> Result<(), HostError> {
        tracing::debug!(target: "ibc", "{message}");
        Ok(())
    }
}

/// An ibc-rs event as Agora emits it: every attribute indexed, because CometBFT's indexer
/// stores only indexed attributes and relayers find packets with `tx_search`.
pub fn to_event(event: IbcEvent) -> Result<Event, HostError> {
    let (event, exact_data) = with_text_packet_data(event);
    let abci = tendermint::abci::Event::try_from(event).map_err(|e| HostError::invalid_state(format!("event: {e}")))?;
    let mut out = Event::new(abci.kind);
    for attribute in &abci.attributes {
        let key = String::from_utf8_lossy(attribute.key_bytes()).into_owned();
        let value = match &exact_data {
            Some(data) if key == "packet_data_hex" => hex::encode(data),
            _ => String::from_utf8_lossy(attribute.value_bytes()).into_owned(),
        };
        out = out.attr(key, value);
    }
    Ok(out)
}

/// ibc-rs renders a packet event only if its data is UTF-8 and fails the whole message
/// otherwise, so a packet of other bytes could never be received (not even with an error
/// acknowledgement, as ibc-go writes). Such a packet's event carries its data as lossy text;
/// `packet_data_hex` keeps the exact bytes (returned beside the event).
fn with_text_packet_data(event: IbcEvent) -> (IbcEvent, Option<Vec<u8>>) {
    use ibc::core::channel::types::events::{ReceivePacket, WriteAcknowledgement};
    use ibc::core::channel::types::packet::Packet;
    let text = |data: &[u8]| String::from_utf8_lossy(data).into_owned().into_bytes();
    match event {
        IbcEvent::ReceivePacket(e) if std::str::from_utf8(e.packet_data()).is_err() => {
            // ibc-rs names this event's accessors from the receiver's side: `*_on_b` are the
            // packet's source (`*_on_a`) fields.
            let packet = Packet {
                seq_on_a: *e.seq_on_b(),
                port_id_on_a: e.port_id_on_b().clone(),
                chan_id_on_a: e.chan_id_on_b().clone(),
                port_id_on_b: e.port_id_on_a().clone(),
                chan_id_on_b: e.chan_id_on_a().clone(),
                data: text(e.packet_data()),
                timeout_height_on_b: *e.timeout_height_on_b(),
                timeout_timestamp_on_b: *e.timeout_timestamp_on_b(),
            };
            let exact = e.packet_data().to_vec();
            (IbcEvent::ReceivePacket(ReceivePacket::new(packet, *e.channel_ordering(), e.conn_id_on_a().clone())), Some(exact))
        }
        IbcEvent::WriteAcknowledgement(e) if std::str::from_utf8(e.packet_data()).is_err() => {
            let packet = Packet {
                seq_on_a: *e.seq_on_a(),
                port_id_on_a: e.port_id_on_a().clone(),
                chan_id_on_a: e.chan_id_on_a().clone(),
                port_id_on_b: e.port_id_on_b().clone(),
                chan_id_on_b: e.chan_id_on_b().clone(),
                data: text(e.packet_data()),
                timeout_height_on_b: *e.timeout_height_on_b(),
                timeout_timestamp_on_b: *e.timeout_timestamp_on_b(),
            };
            let exact = e.packet_data().to_vec();
            (IbcEvent::WriteAcknowledgement(WriteAcknowledgement::new(packet, e.acknowledgement().clone(), e.conn_id_on_b().clone())), Some(exact))
        }
        other => (other, None),
    }
}
