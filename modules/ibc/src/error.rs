//! Refusals of `ibc`, under ibc-go's codespaces and codes (`client`, `connection`,
//! `channel`, `port`, `transfer`), so a relayer or wallet reads them as it reads ibc-go's;
//! malformed messages and addresses are `sdk` errors, as the SDK reports them.

use agora_types::AbciError;
use ibc::apps::transfer::types::error::TokenTransferError;
use ibc::core::channel::types::error::ChannelError;
use ibc::core::client::types::error::ClientError;
use ibc::core::connection::types::error::ConnectionError;
use ibc::core::handler::types::error::HandlerError;
use ibc::core::host::types::error::HostError;
use ibc::core::router::types::error::RouterError;

#[derive(Debug, thiserror::Error)]
pub enum IbcError {
    #[error("{0}")]
    Handler(HandlerError),
    #[error("{0}")]
    Transfer(TokenTransferError),
    #[error("invalid {what}: {reason}")]
    Decode { what: &'static str, reason: String },
    #[error("invalid address: {0}")]
    InvalidAddress(String),
    #[error("{0}: invalid request")]
    InvalidRequest(String),
    #[error("fungible token transfers from this chain are disabled")]
    SendDisabled,
    #[error("fungible token transfers of {0} are disabled: bank does not let it be sent")]
    DenomSendDisabled(String),
    #[error("fungible token transfers to this chain are disabled")]
    ReceiveDisabled,
    #[error("invalid client upgrade: {0}")]
    InvalidUpgradeClient(String),
    #[error("invalid token amount: {0}")]
    InvalidAmount(String),
    #[error("denomination trace not found: {0}")]
    TraceNotFound(String),
    #[error("invalid memo: {0}")]
    InvalidMemo(String),
    #[error("unauthorized: {0}")]
    Unauthorized(String),
    #[error("insufficient funds: {0}")]
    InsufficientFunds(String),
    #[error("{0}")]
    Bank(agora_bank::BankError),
    #[error("{0}: not found")]
    NotFound(String),
    #[error("internal error: {0}")]
    Internal(String),
}

impl From<agora_store::StoreError> for IbcError {
    fn from(e: agora_store::StoreError) -> Self {
        Self::Internal(e.to_string())
    }
}

impl From<HandlerError> for IbcError {
    fn from(e: HandlerError) -> Self {
        Self::Handler(e)
    }
}

impl From<TokenTransferError> for IbcError {
    fn from(e: TokenTransferError) -> Self {
        Self::Transfer(e)
    }
}

fn host_missing(e: &HostError) -> bool {
    matches!(e, HostError::MissingState { .. })
}

fn client_code(e: &ClientError) -> u32 {
    match e {
        ClientError::DuplicateClientState(_) => 2,
        ClientError::Host(host) if coded_code(host).is_some() => coded_code(host).map_or(3, |(_, code)| code),
        ClientError::Host(host) if host_missing(host) => 4,
        ClientError::InvalidStatus(_) => 28,
        ClientError::MissingLocalConsensusState(_) => 22,
        ClientError::InvalidClientStateType(_) => 10,
        ClientError::InvalidHeaderType(_) | ClientError::FailedToVerifyHeader { .. } | ClientError::InvalidUpdateClientMessage => 12,
        ClientError::FailedToHandleMisbehaviour { .. } => 13,
        ClientError::FailedICS23Verification(_) => 14,
        ClientError::Upgrade(_) => 24,
        ClientError::InvalidHeight | ClientError::InsufficientProofHeight { .. } => 25,
        ClientError::InvalidClientRecoveryHeights { .. } | ClientError::FailedToVerifyClientRecoveryStates => 26,
        ClientError::InvalidConsensusStateTimestamp(_) | ClientError::Timestamp(_) => 8,
        _ => 3,
    }
}

fn connection_code(e: &ConnectionError) -> (&'static str, u32) {
    match e {
        ConnectionError::Client(client) => ("client", client_code(client)),
        ConnectionError::Host(host) if coded_code(host).is_some() => host_code(host),
        ConnectionError::Host(host) if host_missing(host) => ("connection", 3),
        ConnectionError::InvalidState { .. } | ConnectionError::MismatchedConnectionStates { .. } => ("connection", 6),
        ConnectionError::InvalidCounterparty | ConnectionError::MissingCounterparty => ("connection", 7),
        ConnectionError::MissingCommonVersion | ConnectionError::MissingFeatures => ("connection", 10),
        _ => ("connection", 8),
    }
}

fn channel_code(e: &ChannelError) -> (&'static str, u32) {
    match e {
        ChannelError::Client(client) => ("client", client_code(client)),
        ChannelError::Connection(connection) => connection_code(connection),
        ChannelError::Host(host) if coded_code(host).is_some() => host_code(host),
        ChannelError::Host(host) if host_missing(host) => ("channel", 3),
        ChannelError::InvalidState { .. } => ("channel", 5),
        ChannelError::MismatchedCounterparty { .. } | ChannelError::MissingCounterparty => ("channel", 7),
        ChannelError::MismatchedPacketCommitment { .. } => ("channel", 13),
        ChannelError::ExpiredPacketTimestamp | ChannelError::InsufficientPacketHeight { .. } => ("channel", 14),
        ChannelError::InvalidConnectionHopsLength { .. } => ("channel", 15),
        ChannelError::MissingAcknowledgmentStatus => ("channel", 16),
        ChannelError::DuplicateAcknowledgment(_) => ("channel", 17),
        ChannelError::MismatchedPacketSequence { .. } => ("channel", 21),
        ChannelError::InsufficientPacketTimeout { .. } => ("channel", 28),
        _ => ("channel", 4),
    }
}

fn transfer_code(e: &TokenTransferError) -> (&'static str, u32) {
    match e {
        TokenTransferError::Channel(channel) => channel_code(channel),
        TokenTransferError::Decoding(_) | TokenTransferError::FailedToDeserializePacketData | TokenTransferError::FailedToDeserializeAck => {
            ("transfer", 3)
        }
        TokenTransferError::MismatchedChannelOrders { .. } => ("channel", 6),
        TokenTransferError::MismatchedPortIds { .. } => ("port", 4),
        TokenTransferError::InvalidClosedChannel => ("channel", 5),
        TokenTransferError::MissingDestinationChannel { .. } => ("channel", 3),
        TokenTransferError::Host(host) => host_code(host),
    }
}

/// The errors Agora's own contexts raise travel inside `HostError`: their description starts
/// with the code they should carry (`transfer 7: ...`, `channel 3: channel ... not found`), or
/// they are plain state errors.
fn host_code(e: &HostError) -> (&'static str, u32) {
    if let Some(coded) = coded_code(e) {
        return coded;
    }
    match e {
        HostError::FailedToStore { .. } | HostError::FailedToRetrieve { .. } => ("sdk", 1),
        HostError::MissingState { .. } => ("sdk", 38),
        _ => ("sdk", 18),
    }
}

fn coded_code(e: &HostError) -> Option<(&'static str, u32)> {
    let description = match e {
        HostError::InvalidState { description }
        | HostError::MissingState { description }
        | HostError::FailedToStore { description }
        | HostError::FailedToRetrieve { description }
        | HostError::Other { description } => description,
    };
    if let Some((space, rest)) = description.split_once(' ') {
        if let Some((code, _)) = rest.split_once(':') {
            if let (Some(space), Ok(code)) = (CODESPACES.iter().find(|s| **s == space), code.parse()) {
                return Some((space, code));
            }
        }
    }
    None
}

const CODESPACES: &[&str] = &["sdk", "transfer", "client", "connection", "channel", "port"];

/// A `HostError` that carries a typed refusal through ibc-rs, for [`host_code`] to read back.
pub fn coded(error: &IbcError) -> HostError {
    HostError::Other { description: format!("{} {}: {error}", error.codespace(), error.code()) }
}

impl AbciError for IbcError {
    fn codespace(&self) -> &'static str {
        self.space_and_code().0
    }

    fn code(&self) -> u32 {
        self.space_and_code().1
    }
}

impl IbcError {
    fn space_and_code(&self) -> (&'static str, u32) {
        match self {
            Self::Handler(HandlerError::Client(e)) => ("client", client_code(e)),
            Self::Handler(HandlerError::Connection(e)) => connection_code(e),
            Self::Handler(HandlerError::Channel(e)) => channel_code(e),
            Self::Handler(HandlerError::Router(RouterError::MissingModule)) => ("port", 3),
            Self::Handler(HandlerError::Router(RouterError::Host(host))) => host_code(host),
            Self::Transfer(e) => transfer_code(e),
            Self::Decode { .. } => ("sdk", 2),
            Self::InvalidAddress(_) => ("sdk", 7),
            Self::InvalidRequest(_) => ("sdk", 18),
            Self::SendDisabled | Self::DenomSendDisabled(_) => ("transfer", 7),
            Self::ReceiveDisabled => ("transfer", 8),
            Self::InvalidAmount(_) => ("transfer", 5),
            Self::InvalidUpgradeClient(_) => ("client", 25),
            Self::TraceNotFound(_) => ("transfer", 6),
            Self::NotFound(_) => ("sdk", 38),
            Self::InsufficientFunds(_) => ("sdk", 5),
            Self::Unauthorized(_) => ("sdk", 4),
            Self::InvalidMemo(_) => ("transfer", 11),
            Self::Bank(e) => (e.codespace(), e.code()),
            Self::Internal(_) => ("sdk", 1),
        }
    }
}
