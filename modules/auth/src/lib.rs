//! `auth`: accounts (number, sequence, public key), module accounts and the ante handler that
//! every transaction passes before its messages run: signer checks, replay protection,
//! signature verification, gas for size and signatures, and the fee.
#![deny(clippy::unwrap_used)]

pub mod account;
pub mod ante;
pub mod component;
pub mod error;
pub mod genesis;
pub mod msg;
pub mod params;
pub mod query;
pub mod state;

pub use account::{Account, FEE_COLLECTOR};
pub use component::AuthComponent;
pub use ante::{run_ante, AnteMode, AnteOutcome, FeeBank, SignatureCheck};
pub use error::AuthError;
pub use genesis::GenesisState;
pub use params::Params;
pub use state::{AuthRead, AuthWrite};
