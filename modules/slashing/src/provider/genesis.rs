//! The provider-penalty part of `slashing`'s genesis section: parameters, and (in an exported
//! state) open challenges and liveness records, heights rebased for a chain whose block 1
//! follows the export. The challenge draw itself lives in the provider registry, which
//! rebuilds it from its own records.

use std::collections::BTreeMap;

use agora_proto::slashing::v1 as pb;
use agora_store::{StateRead, StateWrite};
use agora_types::Address;
use prost::Message;
use serde::{Deserialize, Serialize};

use super::keys;
use super::params::ProviderParams;
use super::state::{ProviderPenaltyRead, ProviderPenaltyWrite};
use crate::SlashingError;

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProviderPenaltyGenesis {
    #[serde(default)]
    pub params: ProviderParams,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub challenges: Vec<pb::Challenge>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub liveness: Vec<pb::ProviderLiveness>,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub next_challenge_id: u64,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

fn invalid(what: String) -> SlashingError {
    SlashingError::InvalidRequest(format!("slashing.provider_penalties.{what}"))
}

impl ProviderPenaltyGenesis {
    pub fn validate(&self) -> Result<(), SlashingError> {
        self.params.validate()?;
        for (i, challenge) in self.challenges.iter().enumerate() {
            challenge.provider.parse::<Address>().map_err(|e| invalid(format!("challenges[{i}].provider: {e}")))?;
            if challenge.id == 0 || challenge.id >= self.next_challenge_id {
                return Err(invalid(format!("challenges[{i}].id must be positive and below next_challenge_id")));
            }
        }
        let owners: BTreeMap<u64, &str> = self.challenges.iter().map(|c| (c.id, c.provider.as_str())).collect();
        for (i, record) in self.liveness.iter().enumerate() {
            record.provider.parse::<Address>().map_err(|e| invalid(format!("liveness[{i}].provider: {e}")))?;
            if record.open_challenge != 0 && owners.get(&record.open_challenge) != Some(&record.provider.as_str()) {
                return Err(invalid(format!("liveness[{i}].open_challenge {} is not one of its challenges", record.open_challenge)));
            }
        }
        Ok(())
    }

    pub fn apply(&self, state: &mut dyn StateWrite) -> Result<(), SlashingError> {
        self.validate()?;
        state.put_provider_penalty_params(&self.params);
        for challenge in &self.challenges {
            state.put_challenge(challenge)?;
        }
        for record in &self.liveness {
            let owner: Address = record.provider.parse().map_err(|e| invalid(format!("liveness: {e}")))?;
            state.put_liveness(&owner, record);
        }
        if self.next_challenge_id > 0 {
            state.put_next_challenge_id(self.next_challenge_id);
        }
        Ok(())
    }

    pub fn export(state: &dyn StateRead, height: u64) -> Result<Self, SlashingError> {
        let mut genesis = Self { params: state.provider_penalty_params()?, next_challenge_id: state.next_challenge_id()?, ..Default::default() };
        for item in state.prefix_raw(keys::CHALLENGES, None) {
            let (_, value) = item?;
            let mut challenge = pb::Challenge::decode(value.as_slice()).map_err(|e| SlashingError::Internal(format!("corrupt challenge: {e}")))?;
            challenge.drawn_height = challenge.drawn_height.saturating_sub(height);
            // Still answerable at the new chain's first block.
            challenge.deadline = challenge.deadline.saturating_sub(height).max(1);
            genesis.challenges.push(challenge);
        }
        for item in state.prefix_raw(keys::LIVENESS, None) {
            let (_, value) = item?;
            let mut record = pb::ProviderLiveness::decode(value.as_slice()).map_err(|e| SlashingError::Internal(format!("corrupt liveness record: {e}")))?;
            record.last_answered_height = record.last_answered_height.saturating_sub(height);
            genesis.liveness.push(record);
        }
        Ok(genesis)
    }
}
