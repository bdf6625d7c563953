//! `ibc` as a component: IBC core and ICS-20 messages, their parameters, genesis.

use agora_component::{Authority, CheckTxScope, Component, ComponentMsg, ModuleAccount, Wiring};
use agora_store::{Key, StateRead, StateWrite, Value};
use agora_types::{AbciError, Address, BlockContext, Event, TxError};
use cosmos_sdk_proto::Any;
use ibc::apps::transfer::handler::send_transfer;
use ibc::apps::transfer::types::msgs::transfer::MsgTransfer;
use ibc::core::channel::types::msgs::PacketMsg;
use ibc::core::channel::types::packet::Packet;
use ibc::core::client::types::msgs::ClientMsg;
use ibc::core::entrypoint::dispatch;
use ibc::core::handler::types::msgs::MsgEnvelope;
use serde::{Deserialize, Serialize};

use crate::context::{HostBlock, IbcContext, IbcHost};
use crate::keepers::{BankKeeper, Keepers, StakingKeeper, UpgradeKeeper};
use crate::msg::{IbcMsg, MESSAGE_TYPES};
use crate::params;
use crate::state::{IbcRead, IbcWrite};
use crate::transfer::{resolve_denom, IbcRouter, TransferContext, TRANSFER_MODULE};
use crate::IbcError;

/// A 07-tendermint misbehaviour (two conflicting headers) carried by `MsgUpdateClient`.
const MISBEHAVIOUR_TYPE_URL: &str = "/ibc.lightclients.tendermint.v1.Misbehaviour";

/// Gas for verifying one ICS-23 commitment proof (two levels of up to 64 hashes each).
pub const PROOF_VERIFY_GAS: u64 = 2_000;
/// Gas for verifying one commit signature of a light-client header (the SDK charges 590 for
/// an ed25519 signature in its ante handler; a header also hashes its validator set).
pub const HEADER_SIGNATURE_GAS: u64 = 1_000;

/// IBC's genesis section: its parameters, and (for a chain started from an export) every
/// entry of its state as hex key/value pairs, restored as they were.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct GenesisState {
    pub allowed_clients: Vec<String>,
    /// Nanoseconds, as a decimal string (a 64-bit integer in the SDK's JSON).
    pub max_expected_time_per_block: String,
    pub send_enabled: bool,
    pub receive_enabled: bool,
    pub entries: Vec<GenesisEntry>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GenesisEntry {
    pub key: String,
    pub value: String,
}

impl Default for GenesisState {
    fn default() -> Self {
        let client = params::default_client_params();
        let connection = params::default_connection_params();
        let transfer = params::default_transfer_params();
        Self {
            allowed_clients: client.allowed_clients,
            max_expected_time_per_block: connection.max_expected_time_per_block.to_string(),
            send_enabled: transfer.send_enabled,
            receive_enabled: transfer.receive_enabled,
            entries: Vec::new(),
        }
    }
}

/// Prefixes of the state a genesis export carries over (parameters travel as fields).
const EXPORTED_PREFIXES: &[&[u8]] = &[b"ibc/", b"ibc_index/", crate::state::keys::DENOM_TRACES, crate::state::keys::TOTAL_ESCROW];

impl GenesisState {
    fn params(
        &self,
    ) -> Result<
        (
            ibc_proto::ibc::core::client::v1::Params,
            ibc_proto::ibc::core::connection::v1::Params,
            ibc_proto::ibc::applications::transfer::v1::Params,
        ),
        String,
    > {
        let client = ibc_proto::ibc::core::client::v1::Params { allowed_clients: self.allowed_clients.clone() };
        params::validate_client_params(&client).map_err(|e| format!("allowed_clients: {e}"))?;
        let max_expected_time_per_block = self
            .max_expected_time_per_block
            .parse()
            .map_err(|_| format!("max_expected_time_per_block: {:?} is not a number of nanoseconds", self.max_expected_time_per_block))?;
        let connection = ibc_proto::ibc::core::connection::v1::Params { max_expected_time_per_block };
        params::validate_connection_params(&connection).map_err(|e| format!("max_expected_time_per_block: {e}"))?;
        let transfer = ibc_proto::ibc::applications::transfer::v1::Params { send_enabled: self.send_enabled, receive_enabled: self.receive_enabled };
        Ok((client, connection, transfer))
    }

    fn decoded_entries(&self) -> Result<Vec<(Key, Value)>, String> {
        self.entries
            .iter()
            .enumerate()
            .map(|(i, entry)| {
                let key = hex::decode(&entry.key).map_err(|e| format!("entries[{i}].key: {e}"))?;
                let value = hex::decode(&entry.value).map_err(|e| format!("entries[{i}].value: {e}"))?;
                if !EXPORTED_PREFIXES.iter().any(|prefix| key.starts_with(prefix)) {
                    return Err(format!("entries[{i}].key {:?} is not IBC state", String::from_utf8_lossy(&key)));
                }
                Ok((key, value))
            })
            .collect()
    }
}

pub struct IbcComponent {
    authority: Authority,
    keepers: Keepers,
}

impl IbcComponent {
    pub fn new(bank: impl BankKeeper + 'static, staking: impl StakingKeeper + 'static, upgrade: impl UpgradeKeeper + 'static) -> Self {
        Self { authority: Authority::default(), keepers: Keepers { bank: Box::new(bank), staking: Box::new(staking), upgrade: Box::new(upgrade) } }
    }

    /// ibc-go's `ScheduleIBCSoftwareUpgrade`: the plan through the upgrade module (which drops
    /// whatever an earlier plan stored), then the upgraded client state at the plan's height.
    fn schedule_upgrade(&self, state: &mut dyn StateWrite, ctx: &BlockContext, plan: &[u8], client: &[u8]) -> Result<Vec<Event>, TxError> {
        let height = self.keepers.upgrade.schedule(state, ctx.height, plan)?;
        self.keepers.upgrade.put_upgraded_ibc_state(state, height, Some(client.to_vec()), None);
        let name = <cosmos_sdk_proto::cosmos::upgrade::v1beta1::Plan as prost::Message>::decode(plan).map(|p| p.name).unwrap_or_default();
        Ok(vec![Event::new("schedule_ibc_software_upgrade").attr("title", name).attr("upgrade_plan_height", height)])
    }
}

impl ComponentMsg for IbcMsg {
    fn type_url(&self) -> &str {
        IbcMsg::type_url(self)
    }

    fn module(&self) -> &'static str {
        match self {
            IbcMsg::Transfer { .. } | IbcMsg::UpdateTransferParams { .. } => "transfer",
            _ => "ibc",
        }
    }

    fn signers(&self) -> Vec<Address> {
        IbcMsg::signers(self)
    }
}

fn tx_error(error: IbcError) -> TxError {
    error.to_tx_error()
}

/// Runs a handler of ibc-rs, whose dependencies may panic on input no honest party sends (a
/// proof crafted against a spec the verifier does not expect): the panic fails the message,
/// whose fork the registry then drops, on every node alike, instead of stopping the node.
fn contained<T>(handler: impl FnOnce() -> T) -> Result<T, TxError> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(handler))
        .map_err(|_| TxError::new("sdk", 18, "the IBC handler refused the message: it could not be processed"))
}

/// A client may name only the proof specs of chains that exist: the Cosmos SDK's (IAVL, then
/// the multistore) or Agora's (the JMT, twice). A spec of the creator's choosing (say, a
/// zero inner prefix length) would let its counterparty feed ICS-23 verification proofs no
/// real chain produces.
fn check_proof_specs(client_state: &cosmos_sdk_proto::Any) -> Result<(), TxError> {
    use prost::Message;
    if client_state.type_url != "/ibc.lightclients.tendermint.v1.ClientState" {
        return Ok(());
    }
    let state = ibc_proto::ibc::lightclients::tendermint::v1::ClientState::decode(client_state.value.as_slice())
        .map_err(|e| TxError::new("client", 3, format!("invalid client state: {e}")))?;
    let agora = crate::context::agora_proof_specs().clone();
    let known = [Vec::<ics23::ProofSpec>::from(ibc::core::commitment_types::specs::ProofSpecs::cosmos()), Vec::<ics23::ProofSpec>::from(agora)];
    if known.contains(&state.proof_specs) {
        Ok(())
    } else {
        Err(TxError::new("client", 3, "the client state's proof specs are neither the Cosmos SDK's nor Agora's: refused"))
    }
}

impl IbcComponent {
    /// Whether a packet message would change nothing: the packet was already received (its
    /// receipt written, or an ordered channel's next receive sequence past it), or the
    /// commitment an acknowledgement or timeout would clear is already gone.
    fn is_redundant(state: &dyn StateRead, msg: &PacketMsg) -> Result<bool, TxError> {
        let commitment_gone = |packet: &Packet| {
            state.packet_commitment_held(packet.port_id_on_a.as_str(), packet.chan_id_on_a.as_str(), packet.seq_on_a.into()).map(|held| !held)
        };
        match msg {
            PacketMsg::Recv(recv) => {
                let packet = &recv.packet;
                state.packet_received(packet.port_id_on_b.as_str(), packet.chan_id_on_b.as_str(), packet.seq_on_a.into())
            }
            PacketMsg::Ack(ack) => commitment_gone(&ack.packet),
            PacketMsg::Timeout(timeout) => commitment_gone(&timeout.packet),
            PacketMsg::TimeoutOnClose(timeout) => commitment_gone(&timeout.packet),
        }
        .map_err(tx_error)
    }

    fn execute_core(&self, state: &mut dyn StateWrite, ctx: &BlockContext, envelope: &MsgEnvelope) -> Result<Vec<Event>, TxError> {
        match envelope {
            MsgEnvelope::Client(ClientMsg::CreateClient(create)) => check_proof_specs(&create.client_state)?,
            MsgEnvelope::Client(ClientMsg::UpgradeClient(upgrade)) => check_proof_specs(&upgrade.upgraded_client_state)?,
            _ => {}
        }
        if let MsgEnvelope::Client(ClientMsg::CreateClient(create)) = envelope {
            let allowed = state.client_params().map_err(tx_error)?.allowed_clients;
            let client_type = params::TENDERMINT_CLIENT_TYPE;
            let is_tendermint = create.client_state.type_url == "/ibc.lightclients.tendermint.v1.ClientState";
            if !is_tendermint || !allowed.iter().any(|allowed| allowed == client_type || allowed == "*") {
                return Err(TxError::new(
                    "client",
                    3,
                    format!("client state type {} is not allowed (allowed clients: {allowed:?})", create.client_state.type_url),
                ));
            }
        }
        let block = HostBlock::read(&*state, ctx, &self.keepers).map_err(|e| TxError::internal(e.to_string()))?;
        let host = IbcHost::new(state, &self.keepers, block);
        let mut context = IbcContext::new(&host);
        let mut router = IbcRouter::new(&host);
        contained(|| dispatch(&mut context, &mut router, envelope.clone()))?.map_err(|e| tx_error(IbcError::Handler(e)))?;
        Ok(host.take_events())
    }

    fn execute_transfer(
        &self,
        state: &mut dyn StateWrite,
        ctx: &BlockContext,
        msg: &ibc_proto::ibc::applications::transfer::v1::MsgTransfer,
    ) -> Result<Vec<Event>, TxError> {
        let mut msg = msg.clone();
        if let Some(token) = msg.token.as_mut() {
            token.denom = resolve_denom(&*state, &token.denom).map_err(tx_error)?;
        }
        let msg = MsgTransfer::try_from(msg).map_err(|e| tx_error(IbcError::Decode { what: "MsgTransfer", reason: e.to_string() }))?;
        let block = HostBlock::read(&*state, ctx, &self.keepers).map_err(|e| TxError::internal(e.to_string()))?;
        let host = IbcHost::new(state, &self.keepers, block);
        let mut context = IbcContext::new(&host);
        contained(|| send_transfer(&mut context, &mut TransferContext { host: &host }, msg))?.map_err(|e| tx_error(IbcError::Transfer(e)))?;
        Ok(host.take_events())
    }
}

impl Component for IbcComponent {
    type Msg = IbcMsg;
    type Genesis = GenesisState;

    fn name(&self) -> &'static str {
        "ibc"
    }

    fn module_accounts(&self) -> Vec<ModuleAccount> {
        vec![ModuleAccount::new(TRANSFER_MODULE).minter().burner()]
    }

    fn wire(&mut self, wiring: &Wiring) {
        self.authority = wiring.authority;
    }

    fn validate_genesis(&self, genesis: &GenesisState) -> Result<(), String> {
        genesis.params()?;
        genesis.decoded_entries()?;
        Ok(())
    }

    fn init_genesis(&self, state: &mut dyn StateWrite, genesis: &GenesisState) -> Result<(), String> {
        let (client, connection, transfer) = genesis.params()?;
        state.put_client_params(&client);
        state.put_connection_params(&connection);
        state.put_transfer_params(&transfer);
        for (key, value) in genesis.decoded_entries()? {
            state.put_raw(key, value);
        }
        Ok(())
    }

    fn export_genesis(&self, state: &dyn StateRead, _height: u64) -> Result<GenesisState, String> {
        let client = state.client_params().map_err(|e| e.to_string())?;
        let connection = state.connection_params().map_err(|e| e.to_string())?;
        let transfer = state.transfer_params().map_err(|e| e.to_string())?;
        let mut entries = Vec::new();
        for prefix in EXPORTED_PREFIXES {
            for entry in state.prefix_raw(prefix, None) {
                let (key, value) = entry.map_err(|e| e.to_string())?;
                entries.push(GenesisEntry { key: hex::encode(key), value: hex::encode(value) });
            }
        }
        Ok(GenesisState {
            allowed_clients: client.allowed_clients,
            max_expected_time_per_block: connection.max_expected_time_per_block.to_string(),
            send_enabled: transfer.send_enabled,
            receive_enabled: transfer.receive_enabled,
            entries,
        })
    }

    /// ibc-go's 02-client `BeginBlocker`: at the last block before a planned upgrade that
    /// committed to an upgraded client, the consensus state counterparties upgrade to (this
    /// block's time and next validators, and no root: the new chain's first block gives it).
    fn begin_block(&self, state: &mut dyn StateWrite, ctx: &BlockContext) -> Result<Vec<Event>, TxError> {
        let Some(height) = self.keepers.upgrade.plan_height(state).map_err(tx_error)? else { return Ok(Vec::new()) };
        if ctx.height.checked_add(1) != Some(height) || !self.keepers.upgrade.has_upgraded_client(state, height).map_err(tx_error)? {
            return Ok(Vec::new());
        }
        let consensus = ibc_proto::ibc::lightclients::tendermint::v1::ConsensusState {
            timestamp: Some(ibc_proto::google::protobuf::Timestamp { seconds: ctx.time_unix_secs, nanos: i32::try_from(ctx.time_nanos).unwrap_or(0) }),
            root: Some(Default::default()),
            next_validators_hash: ctx.next_validators_hash.clone(),
        };
        let any = ibc_proto::google::protobuf::Any {
            type_url: "/ibc.lightclients.tendermint.v1.ConsensusState".into(),
            value: prost::Message::encode_to_vec(&consensus),
        };
        self.keepers.upgrade.put_upgraded_ibc_state(state, height, None, Some(prost::Message::encode_to_vec(&any)));
        Ok(vec![Event::new("upgrade_chain").attr("upgrade_plan_height", height).attr("upgrade_store", "upgrade")])
    }

    fn message_types(&self) -> &'static [&'static str] {
        MESSAGE_TYPES
    }

    fn decode_msg(&self, any: &Any) -> Result<IbcMsg, TxError> {
        IbcMsg::decode(any).map_err(tx_error)
    }

    /// As ibc-go's `RedundantRelayDecorator`, for a transaction of client updates and packet
    /// messages only (any other message, IBC's or another module's, ends the check and the
    /// transaction is admitted): a client update is verified and applied to the mempool view,
    /// so that the relayer's next transaction (its packets proven at the new height) passes
    /// CheckTx and simulates before the update commits; a transaction whose packet messages
    /// were all relayed already, by a committed block, is refused, so it does not pay for a
    /// no-op. On recheck an update is not verified again: the view goes without it (only
    /// `Simulate` reads it) until the block carrying it commits.
    fn check_tx(&self, state: &mut dyn StateWrite, ctx: &BlockContext, msgs: &[&IbcMsg], scope: CheckTxScope) -> Result<(), TxError> {
        if scope.other_messages {
            return Ok(());
        }
        let (mut packets, mut redundant) = (0usize, 0usize);
        for msg in msgs {
            let IbcMsg::Core { envelope, .. } = msg else { return Ok(()) };
            match envelope.as_ref() {
                MsgEnvelope::Client(ClientMsg::UpdateClient(update)) => {
                    // Misbehaviour freezes a client only when a block carries it, as in ibc-go.
                    let misbehaviour = update.client_message.type_url == MISBEHAVIOUR_TYPE_URL;
                    if !scope.recheck && !misbehaviour {
                        self.execute(state, ctx, msg)?;
                    }
                }
                MsgEnvelope::Packet(packet) => {
                    packets += 1;
                    if Self::is_redundant(&*state, packet)? {
                        redundant += 1;
                    }
                }
                _ => return Ok(()),
            }
        }
        if packets > 0 && redundant == packets {
            return Err(TxError::new("channel", 22, "packet messages are redundant"));
        }
        Ok(())
    }

    fn execute(&self, state: &mut dyn StateWrite, ctx: &BlockContext, msg: &IbcMsg) -> Result<Vec<Event>, TxError> {
        match msg {
            IbcMsg::Core { envelope, signer, proofs, signatures, .. } => {
                if let MsgEnvelope::Client(ClientMsg::RecoverClient(_)) = envelope.as_ref() {
                    self.authority.check(signer)?;
                }
                let gas = proofs.saturating_mul(PROOF_VERIFY_GAS).saturating_add(signatures.saturating_mul(HEADER_SIGNATURE_GAS));
                state.charge_gas(gas, "ibc proof and header verification").map_err(|e| TxError::new("sdk", 11, e.to_string()))?;
                self.execute_core(state, ctx, envelope)
            }
            IbcMsg::Transfer { msg, .. } => self.execute_transfer(state, ctx, msg),
            IbcMsg::UpdateTransferParams { authority, params } => {
                self.authority.check(authority)?;
                state.put_transfer_params(params);
                Ok(Vec::new())
            }
            IbcMsg::UpdateClientParams { authority, params } => {
                self.authority.check(authority)?;
                state.put_client_params(params);
                Ok(Vec::new())
            }
            IbcMsg::UpdateConnectionParams { authority, params } => {
                self.authority.check(authority)?;
                state.put_connection_params(params);
                Ok(Vec::new())
            }
            IbcMsg::IbcSoftwareUpgrade { authority, plan, upgraded_client_state } => {
                self.authority.check(authority)?;
                self.schedule_upgrade(state, ctx, plan, upgraded_client_state)
            }
        }
    }

    fn query_services(&self) -> &'static [&'static str] {
        &[
            crate::query_core::CLIENT_SERVICE,
            crate::query_core::CONNECTION_SERVICE,
            crate::query_core::CHANNEL_SERVICE,
            crate::query::TRANSFER_SERVICE,
        ]
    }

    fn query(&self, state: &dyn StateRead, height: u64, path: &str, data: &[u8]) -> Option<Result<Vec<u8>, TxError>> {
        crate::query::transfer_query(state, path, data).or_else(|| crate::query_core::query(state, self.keepers.staking.as_ref(), height, path, data))
    }

    fn check_invariants(&self, state: &dyn StateRead) -> Result<(), String> {
        crate::invariant::escrow_totals_match(state, self.keepers.bank.as_ref())
    }
}
