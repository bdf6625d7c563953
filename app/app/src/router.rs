//! Every message Agora accepts, decoded from its `Any` by type URL in one exhaustive match.

use agora_bank::msg::{MSG_MULTI_SEND_URL, MSG_SEND_URL};
use agora_bank::BankMsg;
use agora_market::MarketMsg;
use agora_provider::ProviderMsg;
use agora_store::StateWrite;
use agora_types::{AbciError, Address, BlockContext, Event, TxError};
use cosmos_sdk_proto::Any;
use prost::Message;

#[derive(Clone, Debug, PartialEq)]
pub enum AppMsg {
    Bank(BankMsg),
    Provider(ProviderMsg),
    Market(MarketMsg),
}

fn decode_proto<M: Message + Default>(any: &Any) -> Result<M, TxError> {
    M::decode(any.value.as_slice())
        .map_err(|e| TxError::new("sdk", 2, format!("cannot decode {}: {e}", any.type_url)))
}

impl AppMsg {
    /// Decodes and statelessly validates one message.
    pub fn decode(any: &Any) -> Result<Self, TxError> {
        let bank = |r: Result<BankMsg, agora_bank::BankError>| r.map(Self::Bank).map_err(|e| e.to_tx_error());
        match any.type_url.as_str() {
            MSG_SEND_URL => bank(
                decode_proto::<cosmos_sdk_proto::cosmos::bank::v1beta1::MsgSend>(any)?.try_into().map(BankMsg::Send),
            ),
            MSG_MULTI_SEND_URL => bank(
                decode_proto::<cosmos_sdk_proto::cosmos::bank::v1beta1::MsgMultiSend>(any)?
                    .try_into()
                    .map(BankMsg::MultiSend),
            ),
            other => {
                if let Some(result) = ProviderMsg::from_any(any) {
                    return result.map(Self::Provider).map_err(|e| e.to_tx_error());
                }
                if let Some(result) = MarketMsg::decode(other, &any.value) {
                    return result.map(Self::Market).map_err(|e| e.to_tx_error());
                }
                Err(TxError::new("sdk", 6, format!("unrecognized message type: {other:?}")))
            }
        }
    }

    pub fn signers(&self) -> Vec<Address> {
        match self {
            Self::Bank(m) => m.signers(),
            Self::Provider(m) => m.signers(),
            Self::Market(m) => m.signers(),
        }
    }

    /// State keys executing the message will read, as far as its module can tell without
    /// state, lazily: read ahead of execution, in parallel, so execution finds them in memory.
    pub fn read_hints(&self) -> Box<dyn Iterator<Item = Vec<u8>> + '_> {
        match self {
            Self::Bank(m) => m.read_hints(),
            Self::Provider(_) | Self::Market(_) => Box::new(std::iter::empty()),
        }
    }

    pub fn type_url(&self) -> String {
        match self {
            Self::Bank(m) => m.type_url().to_string(),
            Self::Provider(m) => m.type_url().to_string(),
            Self::Market(m) => m.type_url(),
        }
    }

    pub fn module(&self) -> &'static str {
        match self {
            Self::Bank(_) => "bank",
            Self::Provider(m) if m.type_url().starts_with("/agora.audit.") => "audit",
            Self::Provider(_) => "provider",
            Self::Market(m) => m.module(),
        }
    }

    pub fn execute<S: StateWrite>(&self, state: &mut S, ctx: &BlockContext) -> Result<Vec<Event>, TxError> {
        match self {
            Self::Bank(m) => agora_bank::handler::execute(state, m).map_err(|e| e.to_tx_error()),
            Self::Provider(m) => agora_provider::execute(state, ctx, m).map_err(|e| e.to_tx_error()),
            Self::Market(m) => agora_market::handler::execute(state, ctx, m).map_err(|e| e.to_tx_error()),
        }
    }
}
