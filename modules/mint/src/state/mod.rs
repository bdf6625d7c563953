//! Typed access to `mint` state: the parameters and the minter, each stored as its protobuf.
//! Reads are public ([`MintRead`]); only this crate writes ([`MintRecords`]).

pub mod keys;

use agora_store::{StateRead, StateReadExt, StateWrite, StateWriteExt};
use cosmos_sdk_proto::cosmos::mint::v1beta1 as pb;

use crate::{MintError, Minter, Params};

pub trait MintRead: StateRead {
    /// The parameters (the defaults before genesis wrote any).
    fn mint_params(&self) -> Result<Params, MintError> {
        match self.get_proto::<pb::Params>(keys::PARAMS)? {
            Some(proto) => Params::from_proto(&proto).map_err(|e| MintError::Internal(format!("corrupt mint params: {e}"))),
            None => Ok(Params::default()),
        }
    }

    /// The minter (the SDK's initial minter before genesis wrote one).
    fn minter(&self) -> Result<Minter, MintError> {
        match self.get_proto::<pb::Minter>(keys::MINTER)? {
            Some(proto) => Minter::from_proto(&proto).map_err(|e| MintError::Internal(format!("corrupt minter: {e}"))),
            None => Ok(Minter::default()),
        }
    }
}

impl<S: StateRead + ?Sized> MintRead for S {}

/// Record-level writes, private to mint.
pub(crate) trait MintRecords: StateWrite + MintRead {
    fn put_mint_params(&mut self, params: &Params) {
        self.put_proto(keys::PARAMS.to_vec(), &params.to_proto());
    }

    fn put_minter(&mut self, minter: &Minter) {
        self.put_proto(keys::MINTER.to_vec(), &minter.to_proto());
    }
}

impl<S: StateWrite + ?Sized> MintRecords for S {}
