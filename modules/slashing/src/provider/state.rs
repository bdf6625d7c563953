//! Typed access to provider-penalty state.

use agora_proto::slashing::v1 as pb;
use agora_store::{StateRead, StateReadExt, StateWrite, StateWriteExt};
use agora_types::Address;

use super::keys;
use super::params::ProviderParams;
use crate::SlashingError;

pub trait ProviderPenaltyRead: StateRead {
    fn provider_penalty_params(&self) -> Result<ProviderParams, SlashingError> {
        match self.get_proto::<pb::Params>(keys::PARAMS)? {
            Some(proto) => ProviderParams::from_proto(&proto),
            None => Ok(ProviderParams::default()),
        }
    }

    fn challenge(&self, id: u64) -> Result<Option<pb::Challenge>, SlashingError> {
        Ok(self.get_proto(&keys::challenge(id))?)
    }

    /// The provider's record (a fresh one if it never was challenged).
    fn liveness(&self, owner: &Address) -> Result<pb::ProviderLiveness, SlashingError> {
        Ok(self.get_proto(&keys::liveness(owner))?.unwrap_or_else(|| pb::ProviderLiveness { provider: owner.to_string(), ..Default::default() }))
    }

    fn provider_fraud(&self, owner: &Address) -> Result<Option<pb::ProviderFraud>, SlashingError> {
        Ok(self.get_proto(&keys::fraud(owner))?)
    }

    fn next_challenge_id(&self) -> Result<u64, SlashingError> {
        match self.get_raw(keys::NEXT_CHALLENGE_ID)? {
            Some(bytes) => Ok(u64::from_be_bytes(
                bytes.as_slice().try_into().map_err(|_| SlashingError::Internal("corrupt next challenge id".into()))?,
            )),
            None => Ok(1),
        }
    }
}

impl<S: StateRead + ?Sized> ProviderPenaltyRead for S {}

pub(crate) trait ProviderPenaltyWrite: StateWrite + ProviderPenaltyRead {
    fn put_provider_penalty_params(&mut self, params: &ProviderParams) {
        self.put_proto(keys::PARAMS.to_vec(), &params.to_proto());
    }

    fn put_challenge(&mut self, challenge: &pb::Challenge) -> Result<(), SlashingError> {
        self.put_proto(keys::challenge(challenge.id), challenge);
        Ok(keys::DEADLINE_QUEUE.insert(self, challenge.deadline, &challenge.id.to_be_bytes())?)
    }

    /// Rewrites a challenge already queued for its deadline.
    fn update_challenge(&mut self, challenge: &pb::Challenge) {
        self.put_proto(keys::challenge(challenge.id), challenge);
    }

    fn put_liveness(&mut self, owner: &Address, record: &pb::ProviderLiveness) {
        self.put_proto(keys::liveness(owner), record);
    }

    fn put_provider_fraud(&mut self, owner: &Address, record: &pb::ProviderFraud) {
        self.put_proto(keys::fraud(owner), record);
    }

    fn put_next_challenge_id(&mut self, id: u64) {
        self.put_raw(keys::NEXT_CHALLENGE_ID.to_vec(), id.to_be_bytes().to_vec());
    }
}

impl<S: StateWrite + ProviderPenaltyRead + ?Sized> ProviderPenaltyWrite for S {}
