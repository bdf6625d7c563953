//! Who may change a module's parameters, and executing a message on behalf of a module
//! account (how governance runs a passed proposal's messages).

use agora_store::StateWrite;
use agora_types::{Address, BlockContext, Event, TxError};
use cosmos_sdk_proto::Any;

/// Name of the governance module, whose account is every module's authority by default
/// (its address is derived from the name as the Cosmos SDK derives module addresses).
pub const GOVERNANCE_MODULE: &str = "gov";

/// The account allowed to change a module's parameters (`MsgUpdateParams`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Authority(Address);

impl Default for Authority {
    fn default() -> Self {
        Self::governance()
    }
}

impl Authority {
    /// The governance module account.
    pub fn governance() -> Self {
        Self(Address::module(GOVERNANCE_MODULE))
    }

    pub fn new(address: Address) -> Self {
        Self(address)
    }

    pub fn address(&self) -> Address {
        self.0
    }

    /// Refuses a message whose `authority` field is not this authority, as the Cosmos SDK
    /// does (`gov` code 13): the ante handler already checked that field's signature.
    pub fn check(&self, claimed: &Address) -> Result<(), TxError> {
        if *claimed == self.0 {
            return Ok(());
        }
        Err(TxError::new(
            "gov",
            13,
            format!("invalid authority; expected {}, got {claimed}: expected gov account as only signer for proposal message", self.0),
        ))
    }
}

/// Executes messages as a module account, without a transaction (no signature: the module
/// itself decided, e.g. governance after a passed vote). Each message's only signer must be
/// that account.
pub trait MsgRouter {
    /// Decodes `msg` (stateless validation included) and checks that `signer`, one of the
    /// component's module accounts, is its only signer, without executing it.
    fn check_as(&self, signer: &Address, msg: &Any) -> Result<(), TxError>;

    fn execute_as(&self, state: &mut dyn StateWrite, ctx: &BlockContext, signer: &Address, msg: &Any) -> Result<Vec<Event>, TxError>;
}

/// A router that executes nothing, for code run outside the application (unit tests of one
/// module's block hooks).
pub struct NoRouter;

impl MsgRouter for NoRouter {
    fn check_as(&self, _signer: &Address, msg: &Any) -> Result<(), TxError> {
        Err(TxError::internal(format!("no router here: {}", msg.type_url)))
    }

    fn execute_as(&self, _state: &mut dyn StateWrite, _ctx: &BlockContext, _signer: &Address, msg: &Any) -> Result<Vec<Event>, TxError> {
        Err(TxError::internal(format!("no router here: {}", msg.type_url)))
    }
}

/// Refusal of a `MsgUpdateParams` whose parameters do not validate (`sdk` 18).
pub fn invalid_params(module: &str, reason: impl std::fmt::Display) -> TxError {
    TxError::new("sdk", 18, format!("invalid {module} parameters: {reason}"))
}

/// The `authority` field of a `MsgUpdateParams`, parsed (`sdk` 7 if it is not an address).
pub fn parse_authority(authority: &str) -> Result<Address, TxError> {
    authority.parse().map_err(|e| TxError::new("sdk", 7, format!("invalid authority address {authority:?}: {e}")))
}
