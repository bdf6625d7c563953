//! IBC's messages under ibc-go's type URLs, decoded and checked without state.

use agora_types::Address;
use cosmos_sdk_proto::Any as SdkAny;
use ibc::core::channel::types::msgs::{ChannelMsg, PacketMsg};
use ibc::core::client::types::msgs::ClientMsg;
use ibc::core::connection::types::msgs::ConnectionMsg;
use ibc::core::handler::types::msgs::MsgEnvelope;
use ibc::primitives::proto::Any;
use ibc::primitives::Signer;
use ibc_proto::ibc::applications::transfer::v1 as transfer_pb;
use ibc_proto::ibc::core::client::v1 as client_pb;
use ibc_proto::ibc::core::connection::v1 as connection_pb;
use ibc_proto::ibc::lightclients::tendermint::v1 as tendermint_pb;
use prost::Message;

use crate::IbcError;

pub const TRANSFER: &str = "/ibc.applications.transfer.v1.MsgTransfer";
pub const UPDATE_TRANSFER_PARAMS: &str = "/ibc.applications.transfer.v1.MsgUpdateParams";
pub const UPDATE_CLIENT_PARAMS: &str = "/ibc.core.client.v1.MsgUpdateParams";
pub const UPDATE_CONNECTION_PARAMS: &str = "/ibc.core.connection.v1.MsgUpdateParams";
pub const IBC_SOFTWARE_UPGRADE: &str = "/ibc.core.client.v1.MsgIBCSoftwareUpgrade";
/// The client state an IBC software upgrade commits to (the only client type Agora runs).
pub const TENDERMINT_CLIENT_STATE: &str = "/ibc.lightclients.tendermint.v1.ClientState";

/// Every type URL the `ibc` component accepts: ibc-go's core messages (executed by ibc-rs's
/// handlers), then ICS-20's transfer and the parameter updates.
pub const MESSAGE_TYPES: &[&str] = &[
    "/ibc.core.client.v1.MsgCreateClient",
    "/ibc.core.client.v1.MsgUpdateClient",
    "/ibc.core.client.v1.MsgUpgradeClient",
    "/ibc.core.client.v1.MsgSubmitMisbehaviour",
    "/ibc.core.client.v1.MsgRecoverClient",
    "/ibc.core.connection.v1.MsgConnectionOpenInit",
    "/ibc.core.connection.v1.MsgConnectionOpenTry",
    "/ibc.core.connection.v1.MsgConnectionOpenAck",
    "/ibc.core.connection.v1.MsgConnectionOpenConfirm",
    "/ibc.core.channel.v1.MsgChannelOpenInit",
    "/ibc.core.channel.v1.MsgChannelOpenTry",
    "/ibc.core.channel.v1.MsgChannelOpenAck",
    "/ibc.core.channel.v1.MsgChannelOpenConfirm",
    "/ibc.core.channel.v1.MsgChannelCloseInit",
    "/ibc.core.channel.v1.MsgChannelCloseConfirm",
    "/ibc.core.channel.v1.MsgRecvPacket",
    "/ibc.core.channel.v1.MsgAcknowledgement",
    "/ibc.core.channel.v1.MsgTimeout",
    "/ibc.core.channel.v1.MsgTimeoutOnClose",
    TRANSFER,
    UPDATE_TRANSFER_PARAMS,
    UPDATE_CLIENT_PARAMS,
    UPDATE_CONNECTION_PARAMS,
    IBC_SOFTWARE_UPGRADE,
];

/// The type URL of a 07-tendermint header (an update's client message).
const TENDERMINT_HEADER: &str = "/ibc.lightclients.tendermint.v1.Header";
const TENDERMINT_MISBEHAVIOUR: &str = "/ibc.lightclients.tendermint.v1.Misbehaviour";
/// ibc-go's limits on a transfer's memo and receiver.
pub const MAX_MEMO_LENGTH: usize = 32_768;
pub const MAX_RECEIVER_LENGTH: usize = 2_048;

#[derive(Debug)]
pub enum IbcMsg {
    /// A client, connection, channel or packet message.
    Core {
        type_url: &'static str,
        envelope: Box<MsgEnvelope>,
        signer: Address,
        /// Commitment proofs the handler verifies, and commit signatures a header carries:
        /// the computation the message buys, charged as gas before it runs.
        proofs: u64,
        signatures: u64,
    },
    Transfer { msg: transfer_pb::MsgTransfer, sender: Address },
    UpdateTransferParams { authority: Address, params: transfer_pb::Params },
    UpdateClientParams { authority: Address, params: client_pb::Params },
    UpdateConnectionParams { authority: Address, params: connection_pb::Params },
    /// A software upgrade that commits to the client state counterparties will upgrade their
    /// clients of this chain to: `plan` (`cosmos.upgrade.v1beta1.Plan`, encoded) and the
    /// upgraded client state (`Any`, encoded; its custom fields zero).
    IbcSoftwareUpgrade { authority: Address, plan: Vec<u8>, upgraded_client_state: Vec<u8> },
}

fn signer_address(signer: &Signer) -> Result<Address, IbcError> {
    signer.as_ref().parse().map_err(|e| IbcError::InvalidAddress(format!("signer {:?}: {e}", signer.as_ref())))
}

fn address(field: &str, value: &str) -> Result<Address, IbcError> {
    value.parse().map_err(|e| IbcError::InvalidAddress(format!("{field} {value:?}: {e}")))
}

fn decode<M: Message + Default>(any: &SdkAny, what: &'static str) -> Result<M, IbcError> {
    M::decode(any.value.as_slice()).map_err(|e| IbcError::Decode { what, reason: e.to_string() })
}

/// A 07-tendermint client state with only what the chain itself decides (ibc-go's
/// `ZeroCustomFields`): chain id, unbonding period, latest height, proof specs, upgrade path.
/// The rest, trust level, trusting period, clock drift, frozen height, is each counterparty's
/// choice (kept through its upgrade); the zero values are present, as Go encodes them.
pub fn zero_custom_fields(state: &tendermint_pb::ClientState) -> tendermint_pb::ClientState {
    #[allow(deprecated)]
    tendermint_pb::ClientState {
        chain_id: state.chain_id.clone(),
        unbonding_period: state.unbonding_period,
        latest_height: state.latest_height,
        proof_specs: state.proof_specs.clone(),
        upgrade_path: state.upgrade_path.clone(),
        trust_level: Some(Default::default()),
        trusting_period: Some(Default::default()),
        max_clock_drift: Some(Default::default()),
        frozen_height: Some(Default::default()),
        allow_update_after_expiry: false,
        allow_update_after_misbehaviour: false,
    }
}

/// Signatures of a 07-tendermint header.
fn signatures_of(header: Option<&tendermint_pb::Header>) -> u64 {
    header.and_then(|header| header.signed_header.as_ref()).and_then(|signed| signed.commit.as_ref()).map_or(0, |commit| commit.signatures.len() as u64)
}

/// Signatures a 07-tendermint client message carries: a header's, or both headers' of a
/// misbehaviour (0 for other client messages, which the tendermint client refuses anyway).
fn header_signatures(client_message: &Any) -> u64 {
    match client_message.type_url.as_str() {
        TENDERMINT_HEADER => signatures_of(tendermint_pb::Header::decode(client_message.value.as_slice()).ok().as_ref()),
        TENDERMINT_MISBEHAVIOUR => tendermint_pb::Misbehaviour::decode(client_message.value.as_slice())
            .map_or(0, |m| signatures_of(m.header_1.as_ref()).saturating_add(signatures_of(m.header_2.as_ref()))),
        _ => 0,
    }
}

impl IbcMsg {
    pub fn decode(any: &SdkAny) -> Result<Self, IbcError> {
        match any.type_url.as_str() {
            TRANSFER => {
                let msg: transfer_pb::MsgTransfer = decode(any, "MsgTransfer")?;
                let sender = address("sender", &msg.sender)?;
                if msg.receiver.trim().is_empty() {
                    return Err(IbcError::InvalidAddress("missing recipient address".to_string()));
                }
                if msg.receiver.len() > MAX_RECEIVER_LENGTH {
                    return Err(IbcError::InvalidAddress(format!("recipient address must not exceed {MAX_RECEIVER_LENGTH} bytes")));
                }
                if msg.memo.len() > MAX_MEMO_LENGTH {
                    return Err(IbcError::InvalidMemo(format!("memo must not exceed {MAX_MEMO_LENGTH} bytes")));
                }
                let token = msg.token.as_ref().ok_or_else(|| IbcError::InvalidAmount("missing token".to_string()))?;
                match token.amount.parse::<u128>() {
                    Ok(0) => return Err(IbcError::InvalidAmount("amount must be positive".to_string())),
                    Ok(_) => {}
                    Err(_) => return Err(IbcError::InvalidAmount(format!("{:?} is not an amount this chain holds", token.amount))),
                }
                agora_types::Denom::new(token.denom.clone())
                    .map_err(|e| IbcError::Decode { what: "denom", reason: format!("{:?}: {e}", token.denom) })?;
                Ok(Self::Transfer { msg, sender })
            }
            UPDATE_TRANSFER_PARAMS => {
                let msg: transfer_pb::MsgUpdateParams = decode(any, "MsgUpdateParams")?;
                let params = msg.params.ok_or_else(|| IbcError::InvalidRequest("params cannot be empty".to_string()))?;
                Ok(Self::UpdateTransferParams { authority: address("signer", &msg.signer)?, params })
            }
            UPDATE_CLIENT_PARAMS => {
                let msg: client_pb::MsgUpdateParams = decode(any, "MsgUpdateParams")?;
                let params = msg.params.ok_or_else(|| IbcError::InvalidRequest("params cannot be empty".to_string()))?;
                crate::params::validate_client_params(&params)?;
                Ok(Self::UpdateClientParams { authority: address("signer", &msg.signer)?, params })
            }
            UPDATE_CONNECTION_PARAMS => {
                let msg: connection_pb::MsgUpdateParams = decode(any, "MsgUpdateParams")?;
                let params = msg.params.ok_or_else(|| IbcError::InvalidRequest("params cannot be empty".to_string()))?;
                crate::params::validate_connection_params(&params)?;
                Ok(Self::UpdateConnectionParams { authority: address("signer", &msg.signer)?, params })
            }
            IBC_SOFTWARE_UPGRADE => {
                let msg: client_pb::MsgIbcSoftwareUpgrade = decode(any, "MsgIBCSoftwareUpgrade")?;
                let authority = address("signer", &msg.signer)?;
                let plan = msg.plan.ok_or_else(|| IbcError::InvalidRequest("plan cannot be empty".to_string()))?;
                let client = msg.upgraded_client_state.ok_or_else(|| IbcError::InvalidUpgradeClient("upgraded client state cannot be empty".into()))?;
                if client.type_url != TENDERMINT_CLIENT_STATE {
                    return Err(IbcError::InvalidUpgradeClient(format!("{} is not a client state this chain serves", client.type_url)));
                }
                let state = tendermint_pb::ClientState::decode(client.value.as_slice())
                    .map_err(|e| IbcError::InvalidUpgradeClient(format!("cannot decode the upgraded client state: {e}")))?;
                // As ibc-go: the submitter zeroes what each counterparty chooses for itself.
                if state != zero_custom_fields(&state) {
                    return Err(IbcError::InvalidUpgradeClient("upgraded client state is not zeroed out".into()));
                }
                Ok(Self::IbcSoftwareUpgrade { authority, plan: plan.encode_to_vec(), upgraded_client_state: client.encode_to_vec() })
            }
            url => {
                // The other messages matched above: what is left of the list is core's.
                let type_url = MESSAGE_TYPES
                    .iter()
                    .find(|known| **known == url)
                    .copied()
                    .ok_or_else(|| IbcError::Decode { what: "message type", reason: format!("{url} is not an IBC message") })?;
                let ibc_any = Any { type_url: any.type_url.clone(), value: any.value.clone() };
                let envelope =
                    MsgEnvelope::try_from(ibc_any).map_err(|e| IbcError::Decode { what: "message", reason: format!("{url}: {e}") })?;
                #[allow(deprecated)] // MsgSubmitMisbehaviour is still a message ibc-go accepts.
                let (signer, proofs, signatures) = match &envelope {
                    MsgEnvelope::Client(ClientMsg::CreateClient(m)) => (&m.signer, 0, 0),
                    MsgEnvelope::Client(ClientMsg::UpdateClient(m)) => (&m.signer, 0, header_signatures(&m.client_message)),
                    MsgEnvelope::Client(ClientMsg::Misbehaviour(m)) => (&m.signer, 0, header_signatures(&m.misbehaviour)),
                    MsgEnvelope::Client(ClientMsg::UpgradeClient(m)) => (&m.signer, 2, 0),
                    MsgEnvelope::Client(ClientMsg::RecoverClient(m)) => (&m.signer, 0, 0),
                    MsgEnvelope::Connection(ConnectionMsg::OpenInit(m)) => (&m.signer, 0, 0),
                    MsgEnvelope::Connection(ConnectionMsg::OpenTry(m)) => (&m.signer, 3, 0),
                    MsgEnvelope::Connection(ConnectionMsg::OpenAck(m)) => (&m.signer, 3, 0),
                    MsgEnvelope::Connection(ConnectionMsg::OpenConfirm(m)) => (&m.signer, 1, 0),
                    MsgEnvelope::Channel(ChannelMsg::OpenInit(m)) => (&m.signer, 0, 0),
                    MsgEnvelope::Channel(ChannelMsg::OpenTry(m)) => (&m.signer, 1, 0),
                    MsgEnvelope::Channel(ChannelMsg::OpenAck(m)) => (&m.signer, 1, 0),
                    MsgEnvelope::Channel(ChannelMsg::OpenConfirm(m)) => (&m.signer, 1, 0),
                    MsgEnvelope::Channel(ChannelMsg::CloseInit(m)) => (&m.signer, 0, 0),
                    MsgEnvelope::Channel(ChannelMsg::CloseConfirm(m)) => (&m.signer, 1, 0),
                    MsgEnvelope::Packet(PacketMsg::Recv(m)) => (&m.signer, 1, 0),
                    MsgEnvelope::Packet(PacketMsg::Ack(m)) => (&m.signer, 1, 0),
                    MsgEnvelope::Packet(PacketMsg::Timeout(m)) => (&m.signer, 1, 0),
                    MsgEnvelope::Packet(PacketMsg::TimeoutOnClose(m)) => (&m.signer, 2, 0),
                };
                let signer = signer_address(signer)?;
                Ok(Self::Core { type_url, envelope: Box::new(envelope), signer, proofs, signatures })
            }
        }
    }

    pub fn type_url(&self) -> &'static str {
        match self {
            Self::Core { type_url, .. } => type_url,
            Self::Transfer { .. } => TRANSFER,
            Self::UpdateTransferParams { .. } => UPDATE_TRANSFER_PARAMS,
            Self::UpdateClientParams { .. } => UPDATE_CLIENT_PARAMS,
            Self::UpdateConnectionParams { .. } => UPDATE_CONNECTION_PARAMS,
            Self::IbcSoftwareUpgrade { .. } => IBC_SOFTWARE_UPGRADE,
        }
    }

    pub fn signers(&self) -> Vec<Address> {
        match self {
            Self::Core { signer, .. } => vec![*signer],
            Self::Transfer { sender, .. } => vec![*sender],
            Self::UpdateTransferParams { authority, .. }
            | Self::UpdateClientParams { authority, .. }
            | Self::UpdateConnectionParams { authority, .. }
            | Self::IbcSoftwareUpgrade { authority, .. } => vec![*authority],
        }
    }
}
