//! Domain types shared by every Agora crate: bech32 addresses, validated denoms and coins,
//! ABCI events, the error-code contract of modules and the per-block context.
#![deny(clippy::unwrap_used)]

pub mod address;
pub mod coin;
pub mod context;
pub mod dec;
pub mod duration_secs;
pub mod error;
pub mod event;
pub mod gas;
pub mod pagination;
pub mod time;

pub use address::{Address, AddressError, ADDRESS_PREFIX, VALCONS_PREFIX, VALOPER_PREFIX};
pub use coin::{Coin, CoinError, Coins, Denom};
pub use context::{BlockContext, CHAIN_ID_KEY, CommitFlag, ConsensusAddress, Misbehavior, MisbehaviorKind, VoteInfo};
pub use dec::{Dec, DecCoin, DecError, DEC_ONE};
pub use error::{AbciError, TxError};
pub use event::{Event, EventAttribute, TypedEvent};
pub use gas::{GasMeter, OutOfGas};
