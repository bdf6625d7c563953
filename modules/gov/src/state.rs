//! `gov` state, under `gov/`: proposals, deposits and votes are stored as their
//! `cosmos.gov.v1` protobufs (what queries and genesis return), keyed by big-endian proposal
//! id so they iterate in id order.

use agora_store::{HeightQueue, StateRead, StateWrite, StateWriteExt};
use agora_types::Address;
use cosmos_sdk_proto::cosmos::gov::v1 as pb;
use prost::Message;
use tendermint_proto::google::protobuf::Timestamp;

use crate::{proto, GovError, Params};

pub mod keys {
    use agora_store::HeightQueue;
    use agora_types::Address;

    pub const PARAMS: &[u8] = b"gov/params";
    pub const NEXT_PROPOSAL_ID: &[u8] = b"gov/next_proposal_id";
    pub const PROPOSAL_PREFIX: &[u8] = b"gov/proposal/";
    pub const DEPOSIT_PREFIX: &[u8] = b"gov/deposit/";
    pub const VOTE_PREFIX: &[u8] = b"gov/vote/";
    /// Proposals in their deposit period, by its end (nanoseconds): id.
    pub const DEPOSIT_QUEUE: HeightQueue = HeightQueue::new(b"gov/queue/deposit/", b"gov/queue_next/deposit");
    /// Proposals in their voting period, by its end: id.
    pub const VOTING_QUEUE: HeightQueue = HeightQueue::new(b"gov/queue/voting/", b"gov/queue_next/voting");

    pub fn proposal(id: u64) -> Vec<u8> {
        [PROPOSAL_PREFIX, &id.to_be_bytes()].concat()
    }

    pub fn deposits_of(id: u64) -> Vec<u8> {
        [DEPOSIT_PREFIX, &id.to_be_bytes()].concat()
    }

    pub fn deposit(id: u64, depositor: &Address) -> Vec<u8> {
        [DEPOSIT_PREFIX, &id.to_be_bytes(), depositor.as_bytes()].concat()
    }

    pub fn votes_of(id: u64) -> Vec<u8> {
        [VOTE_PREFIX, &id.to_be_bytes()].concat()
    }

    pub fn vote(id: u64, voter: &Address) -> Vec<u8> {
        [VOTE_PREFIX, &id.to_be_bytes(), voter.as_bytes()].concat()
    }
}

pub use agora_types::time::timestamp;

/// A proposal's optional time in nanoseconds (0 when unset).
pub fn nanos_of(ts: Option<&Timestamp>) -> u64 {
    ts.and_then(agora_types::time::from_timestamp).unwrap_or(0)
}

fn corrupt(what: &str, e: impl std::fmt::Display) -> GovError {
    GovError::Internal(format!("corrupt {what}: {e}"))
}

pub trait GovRead: StateRead {
    fn gov_params(&self) -> Result<Params, GovError> {
        match self.get_raw(keys::PARAMS)? {
            Some(bytes) => Params::from_proto(&proto::Params::decode(bytes.as_slice()).map_err(|e| corrupt("gov params", e))?),
            None => Ok(Params::default()),
        }
    }

    fn next_proposal_id(&self) -> Result<u64, GovError> {
        let bytes = self.get_raw(keys::NEXT_PROPOSAL_ID)?;
        Ok(bytes.and_then(|b| b.try_into().ok()).map_or(1, u64::from_be_bytes))
    }

    fn proposal(&self, id: u64) -> Result<Option<pb::Proposal>, GovError> {
        self.get_raw(&keys::proposal(id))?.map(|b| pb::Proposal::decode(b.as_slice()).map_err(|e| corrupt("proposal", e))).transpose()
    }

    fn deposit(&self, id: u64, depositor: &Address) -> Result<Option<pb::Deposit>, GovError> {
        self.get_raw(&keys::deposit(id, depositor))?.map(|b| pb::Deposit::decode(b.as_slice()).map_err(|e| corrupt("deposit", e))).transpose()
    }

    /// A proposal's deposits, in depositor order.
    fn deposits(&self, id: u64) -> Result<Vec<(Address, pb::Deposit)>, GovError> {
        let prefix = keys::deposits_of(id);
        let mut out = Vec::new();
        for item in self.prefix_raw(&prefix, None) {
            let (key, value) = item?;
            let depositor = Address::from_slice(&key[prefix.len()..]).map_err(|e| corrupt("deposit key", e))?;
            out.push((depositor, pb::Deposit::decode(value.as_slice()).map_err(|e| corrupt("deposit", e))?));
        }
        Ok(out)
    }

    fn vote(&self, id: u64, voter: &Address) -> Result<Option<pb::Vote>, GovError> {
        self.get_raw(&keys::vote(id, voter))?.map(|b| pb::Vote::decode(b.as_slice()).map_err(|e| corrupt("vote", e))).transpose()
    }
}

impl<S: StateRead + ?Sized> GovRead for S {}

pub(crate) trait GovWrite: StateWrite + GovRead {
    fn put_gov_params(&mut self, params: &Params) {
        self.put_proto(keys::PARAMS.to_vec(), &params.to_proto());
    }

    /// Takes the next proposal id.
    fn take_proposal_id(&mut self) -> Result<u64, GovError> {
        let id = self.next_proposal_id()?;
        self.put_raw(keys::NEXT_PROPOSAL_ID.to_vec(), id.saturating_add(1).to_be_bytes().to_vec());
        Ok(id)
    }

    fn set_next_proposal_id(&mut self, id: u64) {
        self.put_raw(keys::NEXT_PROPOSAL_ID.to_vec(), id.to_be_bytes().to_vec());
    }

    fn put_proposal(&mut self, proposal: &pb::Proposal) {
        self.put_proto(keys::proposal(proposal.id), proposal);
    }

    /// Removes a proposal with its deposits, votes and queue entries.
    fn delete_proposal(&mut self, proposal: &pb::Proposal) -> Result<(), GovError> {
        let id = proposal.id;
        keys::DEPOSIT_QUEUE.remove(self, nanos_of(proposal.deposit_end_time.as_ref()), &id.to_be_bytes());
        if let Some(end) = proposal.voting_end_time.as_ref() {
            keys::VOTING_QUEUE.remove(self, nanos_of(Some(end)), &id.to_be_bytes());
        }
        for prefix in [keys::deposits_of(id), keys::votes_of(id)] {
            let stale = self.prefix_raw(&prefix, None).map(|item| item.map(|(key, _)| key)).collect::<Result<Vec<_>, _>>()?;
            for key in stale {
                self.delete(key);
            }
        }
        self.delete(keys::proposal(id));
        Ok(())
    }

    fn put_deposit(&mut self, depositor: &Address, deposit: &pb::Deposit) {
        self.put_proto(keys::deposit(deposit.proposal_id, depositor), deposit);
    }

    fn put_vote(&mut self, voter: &Address, vote: &pb::Vote) {
        self.put_proto(keys::vote(vote.proposal_id, voter), vote);
    }
}

impl<S: StateWrite + GovRead + ?Sized> GovWrite for S {}

/// Queues `id` to be decided at `nanos`.
pub(crate) fn enqueue(state: &mut dyn StateWrite, queue: &HeightQueue, nanos: u64, id: u64) -> Result<(), GovError> {
    Ok(queue.insert(state, nanos, &id.to_be_bytes())?)
}
