//! The `gov` genesis section: parameters, the next proposal id, and (in an export) the open
//! and decided proposals with their deposits and votes.

use agora_store::{StateRead, StateWrite};
use agora_types::Address;
use cosmos_sdk_proto::cosmos::gov::v1 as pb;
use prost::Message;
use serde::{Deserialize, Serialize};

use crate::component::status;
use crate::state::{enqueue, keys, nanos_of, GovRead, GovWrite};
use crate::{GovError, Params};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct GenesisState {
    pub starting_proposal_id: u64,
    pub params: Params,
    pub proposals: Vec<pb::Proposal>,
    pub deposits: Vec<pb::Deposit>,
    pub votes: Vec<pb::Vote>,
    /// Milestone grants (`agora.gov.v1`): their parameters, the next id, and the grants.
    pub grant_params: agora_proto::gov::v1::GrantParams,
    pub starting_grant_id: u64,
    pub grants: Vec<agora_proto::gov::v1::Grant>,
}

impl Default for GenesisState {
    fn default() -> Self {
        Self {
            starting_proposal_id: 1,
            params: Params::default(),
            proposals: Vec::new(),
            deposits: Vec::new(),
            votes: Vec::new(),
            grant_params: crate::grants::default_params(),
            starting_grant_id: 1,
            grants: Vec::new(),
        }
    }
}

fn address(field: &str, value: &str) -> Result<Address, GovError> {
    value.parse().map_err(|e: agora_types::AddressError| GovError::InvalidParams(format!("gov.{field}: {e}")))
}

impl GenesisState {
    pub fn validate(&self) -> Result<(), GovError> {
        if self.starting_proposal_id == 0 {
            return Err(GovError::InvalidParams("gov.starting_proposal_id must be greater than 0".into()));
        }
        self.params.validate()?;
        crate::grants::validate_params(&self.grant_params)?;
        if self.starting_grant_id == 0 {
            return Err(GovError::InvalidParams("gov.starting_grant_id must be greater than 0".into()));
        }
        let mut grant_ids = std::collections::BTreeSet::new();
        for g in &self.grants {
            if g.id == 0 || g.id >= self.starting_grant_id || !grant_ids.insert(g.id) {
                return Err(GovError::InvalidParams(format!("gov.grants: id {} must be unique, positive and below starting_grant_id", g.id)));
            }
            if g.state == agora_proto::gov::v1::GrantState::Active as i32 {
                let due = g.tranches.get(g.next_tranche as usize);
                if due.is_none_or(|t| t.state != agora_proto::gov::v1::TrancheState::Pending as i32) || g.next_deadline <= 0 {
                    return Err(GovError::InvalidParams(format!("gov.grants: active grant {} must have its next tranche pending and a deadline", g.id)));
                }
            }
        }
        let mut ids = std::collections::BTreeSet::new();
        for p in &self.proposals {
            if !ids.insert(p.id) {
                return Err(GovError::InvalidParams(format!("gov.proposals: duplicate proposal id {}", p.id)));
            }
            if p.id == 0 || p.id >= self.starting_proposal_id {
                return Err(GovError::InvalidParams(format!("gov.proposals: id {} must be below starting_proposal_id {}", p.id, self.starting_proposal_id)));
            }
        }
        for d in &self.deposits {
            address("deposits.depositor", &d.depositor)?;
            if !ids.contains(&d.proposal_id) {
                return Err(GovError::InvalidParams(format!("gov.deposits: proposal {} does not exist", d.proposal_id)));
            }
        }
        for v in &self.votes {
            address("votes.voter", &v.voter)?;
            if !ids.contains(&v.proposal_id) {
                return Err(GovError::InvalidParams(format!("gov.votes: proposal {} does not exist", v.proposal_id)));
            }
        }
        Ok(())
    }

    pub fn apply(&self, state: &mut dyn StateWrite) -> Result<(), GovError> {
        self.validate()?;
        state.put_gov_params(&self.params);
        state.set_next_proposal_id(self.starting_proposal_id);
        for p in &self.proposals {
            state.put_proposal(p);
            match p.status {
                status::DEPOSIT_PERIOD => enqueue(state, &keys::DEPOSIT_QUEUE, nanos_of(p.deposit_end_time.as_ref()), p.id)?,
                status::VOTING_PERIOD => enqueue(state, &keys::VOTING_QUEUE, nanos_of(p.voting_end_time.as_ref()), p.id)?,
                _ => {}
            }
        }
        for d in &self.deposits {
            state.put_deposit(&address("deposits.depositor", &d.depositor)?, d);
        }
        for v in &self.votes {
            state.put_vote(&address("votes.voter", &v.voter)?, v);
        }
        crate::grants::put_params(state, &self.grant_params);
        crate::grants::set_next_grant_id(state, self.starting_grant_id);
        for g in &self.grants {
            crate::grants::put_grant(state, g);
            if g.state == agora_proto::gov::v1::GrantState::Active as i32 && g.next_deadline > 0 {
                enqueue(state, &crate::grants::DEADLINE_QUEUE, crate::grants::missed_at(g), g.id)?;
            }
        }
        Ok(())
    }

    pub fn export(state: &dyn StateRead, _height: u64) -> Result<Self, GovError> {
        fn all<M: Message + Default>(state: &dyn StateRead, prefix: &[u8]) -> Result<Vec<M>, GovError> {
            state
                .prefix_raw(prefix, None)
                .map(|item| {
                    let (_, value) = item?;
                    M::decode(value.as_slice()).map_err(|e| GovError::Internal(format!("corrupt gov record: {e}")))
                })
                .collect()
        }
        Ok(Self {
            starting_proposal_id: state.next_proposal_id()?,
            params: state.gov_params()?,
            proposals: all(state, keys::PROPOSAL_PREFIX)?,
            deposits: all(state, keys::DEPOSIT_PREFIX)?,
            votes: all(state, keys::VOTE_PREFIX)?,
            grant_params: crate::grants::params(state)?,
            starting_grant_id: crate::grants::next_grant_id(state)?,
            grants: crate::grants::all_grants(state)?,
        })
    }
}
