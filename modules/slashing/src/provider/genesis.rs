//! The provider-penalty part of `slashing`'s genesis section: parameters, and (in an exported
//! state) open challenges and liveness records, heights rebased for a chain whose block 1
//! follows the export. The challenge draw itself lives in the provider registry, which
//! rebuilds it from its own records.

use std::collections::BTreeMap;

use agora_proto::slashing::v1 as pb;
use agora_store::{StateRead, StateWrite, StateWriteExt};
use agora_types::Address;
use prost::Message;
use serde::{Deserialize, Serialize};

use super::dispute::{self, DisputeRead, DisputeState};
use super::keys;
use super::panel::PANEL_DRAW;
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
    /// Proven frauds (their providers are tombstoned in the registry's section).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub frauds: Vec<pb::ProviderFraud>,
    /// Disputes, decided or not (undecided ones hold their deposits and the lease's payments).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub disputes: Vec<pb::Dispute>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub panelists: Vec<pb::Panelist>,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub next_dispute_id: u64,
    /// Registered devices (hardware identities).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub devices: Vec<pb::HardwareIdentity>,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

fn invalid(what: String) -> SlashingError {
    SlashingError::InvalidRequest(format!("slashing.provider_penalties.{what}"))
}

impl ProviderPenaltyGenesis {
    /// Every challenge is its provider's one running challenge and the other way round, ids
    /// are unique and below the next one, addresses canonical, heights in order.
    pub fn validate(&self) -> Result<(), SlashingError> {
        self.params.validate()?;
        let canonical = |field: String, text: &str| -> Result<(), SlashingError> {
            let address: Address = text.parse().map_err(|e| invalid(format!("{field}: {e}")))?;
            if address.to_string() != text {
                return Err(invalid(format!("{field}: {text:?} is not in canonical form ({address})")));
            }
            Ok(())
        };
        let mut owners: BTreeMap<u64, &str> = BTreeMap::new();
        for (i, c) in self.challenges.iter().enumerate() {
            canonical(format!("challenges[{i}].provider"), &c.provider)?;
            if c.id == 0 || c.id >= self.next_challenge_id {
                return Err(invalid(format!("challenges[{i}].id must be positive and below next_challenge_id")));
            }
            if c.deadline < c.drawn_height || c.nonce.len() != 32 || (c.answered_height != 0 && c.answered_height > c.deadline) {
                return Err(invalid(format!("challenges[{i}]: heights out of order or a nonce that is not 32 bytes")));
            }
            if owners.insert(c.id, c.provider.as_str()).is_some() {
                return Err(invalid(format!("challenges[{i}].id {} appears twice", c.id)));
            }
        }
        let mut running = 0;
        let mut seen = std::collections::BTreeSet::new();
        for (i, record) in self.liveness.iter().enumerate() {
            canonical(format!("liveness[{i}].provider"), &record.provider)?;
            if !seen.insert(record.provider.as_str()) {
                return Err(invalid(format!("liveness[{i}].provider {} appears twice", record.provider)));
            }
            if record.open_challenge != 0 {
                if owners.get(&record.open_challenge) != Some(&record.provider.as_str()) {
                    return Err(invalid(format!("liveness[{i}].open_challenge {} is not one of its challenges", record.open_challenge)));
                }
                running += 1;
            }
        }
        if running != self.challenges.len() {
            return Err(invalid("every challenge must be the open_challenge of its provider's liveness record".into()));
        }
        let mut leases = std::collections::BTreeSet::new();
        let mut voting_seats: BTreeMap<&str, u32> = BTreeMap::new();
        let mut ids = std::collections::BTreeSet::new();
        for (i, d) in self.disputes.iter().enumerate() {
            canonical(format!("disputes[{i}].tenant"), &d.tenant)?;
            canonical(format!("disputes[{i}].provider"), &d.provider)?;
            let lease = dispute::lease_of(d).map_err(|e| invalid(format!("disputes[{i}].lease_id: {e}")))?;
            if lease.owner.to_string() != d.tenant || lease.provider.to_string() != d.provider {
                return Err(invalid(format!("disputes[{i}]: tenant and provider must be the lease's")));
            }
            if d.id == 0 || d.id >= self.next_dispute_id || !ids.insert(d.id) {
                return Err(invalid(format!("disputes[{i}].id must be positive, below next_dispute_id and unique")));
            }
            if pb::DisputeStatus::try_from(d.status).map_or(true, |s| s == pb::DisputeStatus::Unspecified) {
                return Err(invalid(format!("disputes[{i}].status {} is not a dispute status", d.status)));
            }
            // One undecided dispute per lease: it holds the lease's payments.
            let holds_payments = dispute::awaits_verdict(d.status);
            if holds_payments && !leases.insert(lease.to_bytes()) {
                return Err(invalid(format!("disputes[{i}]: its lease has another open dispute")));
            }
            for (j, member) in d.panel.iter().enumerate() {
                canonical(format!("disputes[{i}].panel[{j}]"), member)?;
            }
            if d.details.len() > dispute::MAX_DETAILS_LEN || d.provider_evidence.len() > dispute::MAX_EVIDENCE_HASH_LEN || d.panel.len() > super::params::MAX_PANEL_SIZE as usize {
                return Err(invalid(format!("disputes[{i}]: details, evidence or panel beyond their limits")));
            }
            let mut voted = std::collections::BTreeSet::new();
            for (j, vote) in d.votes.iter().enumerate() {
                if !d.panel.contains(&vote.panelist) || !voted.insert(vote.panelist.as_str()) {
                    return Err(invalid(format!("disputes[{i}].votes[{j}]: a panelist's one vote")));
                }
            }
            for (field, coin) in [("deposit", &d.deposit), ("slashed", &d.slashed), ("refund", &d.refund)] {
                if let Some(coin) = coin {
                    agora_types::Coin::from_proto(coin).map_err(|e| invalid(format!("disputes[{i}].{field}: {e}")))?;
                }
            }
            let terms = d.terms.as_ref().ok_or_else(|| invalid(format!("disputes[{i}].terms are missing")))?;
            ProviderParams::validate_terms(terms).map_err(|e| invalid(format!("disputes[{i}].terms: {e}")))?;
            if d.status == pb::DisputeStatus::Voting as i32 {
                for member in &d.panel {
                    *voting_seats.entry(member.as_str()).or_insert(0u32) += 1;
                }
            }
            if d.deposit.is_none() || (d.status == pb::DisputeStatus::Appealable as i32 && (d.slashed.is_none() || d.refund.is_none())) {
                return Err(invalid(format!("disputes[{i}]: the coins it holds are missing")));
            }
        }
        let mut panelists = std::collections::BTreeSet::new();
        for (i, p) in self.panelists.iter().enumerate() {
            canonical(format!("panelists[{i}].auditor"), &p.auditor)?;
            if !panelists.insert(p.auditor.as_str()) {
                return Err(invalid(format!("panelists[{i}].auditor {} appears twice", p.auditor)));
            }
            let bond = p.bond.as_ref().ok_or_else(|| invalid(format!("panelists[{i}].bond is missing")))?;
            agora_types::Coin::from_proto(bond).map_err(|e| invalid(format!("panelists[{i}].bond: {e}")))?;
            if voting_seats.remove(p.auditor.as_str()).unwrap_or(0) != p.open_panels {
                return Err(invalid(format!("panelists[{i}].open_panels must count the voting panels it sits on")));
            }
        }
        if let Some((auditor, _)) = voting_seats.into_iter().next() {
            return Err(invalid(format!("{auditor} sits on a voting panel but holds no seat")));
        }
        let mut devices = std::collections::BTreeSet::new();
        let mut per_provider: BTreeMap<&str, usize> = BTreeMap::new();
        for (i, d) in self.devices.iter().enumerate() {
            canonical(format!("devices[{i}].provider"), &d.provider)?;
            let count = per_provider.entry(d.provider.as_str()).or_insert(0);
            *count += 1;
            if *count > super::hardware::MAX_DEVICES_PER_PROVIDER || d.nonce.len() != 32 {
                return Err(invalid(format!("devices[{i}]: more than {} devices for its provider, or a nonce not 32 bytes", super::hardware::MAX_DEVICES_PER_PROVIDER)));
            }
            let key = d.pub_key.as_ref().ok_or_else(|| invalid(format!("devices[{i}].pub_key is missing")))?;
            let key = agora_tx::PublicKey::from_any(key).map_err(|e| invalid(format!("devices[{i}].pub_key: {e}")))?;
            if !devices.insert(super::hardware::device_id(&key)) {
                return Err(invalid(format!("devices[{i}]: a device registered twice")));
            }
        }
        let mut frauds = std::collections::BTreeSet::new();
        for (i, fraud) in self.frauds.iter().enumerate() {
            canonical(format!("frauds[{i}].provider"), &fraud.provider)?;
            canonical(format!("frauds[{i}].reporter"), &fraud.reporter)?;
            if !frauds.insert(fraud.provider.as_str()) {
                return Err(invalid(format!("frauds[{i}].provider {} appears twice", fraud.provider)));
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
        for fraud in &self.frauds {
            let owner: Address = fraud.provider.parse().map_err(|e| invalid(format!("frauds: {e}")))?;
            state.put_provider_fraud(&owner, fraud);
        }
        for d in &self.disputes {
            let lease = dispute::lease_of(d)?;
            state.index_dispute(d, &lease)?;
            state.put_dispute(d);
            if dispute::awaits_verdict(d.status) {
                state.count_undecided(&lease.provider, true)?;
            }
        }
        if self.next_dispute_id > 0 {
            state.put_next_dispute_id(self.next_dispute_id);
        }
        for d in &self.devices {
            let provider: Address = d.provider.parse().map_err(|e| invalid(format!("devices: {e}")))?;
            let key = d.pub_key.as_ref().ok_or_else(|| invalid("devices: pub_key is missing".into()))?;
            let key = agora_tx::PublicKey::from_any(key).map_err(|e| invalid(format!("devices: {e}")))?;
            super::hardware::put_device(state, &super::hardware::device_id(&key), d, &provider);
        }
        for p in &self.panelists {
            let auditor: Address = p.auditor.parse().map_err(|e| invalid(format!("panelists: {e}")))?;
            state.put_proto(keys::panelist(&auditor), p);
            // A seat still warming up enters the draw when its warm-up ends.
            if !p.in_draw && p.leave_height == 0 {
                keys::SEAT_QUEUE.insert(state, p.active_height.max(1), auditor.as_bytes().as_slice())?;
            }
        }
        Ok(())
    }

    pub fn export(state: &dyn StateRead, height: u64) -> Result<Self, SlashingError> {
        let mut genesis = Self { params: state.provider_penalty_params()?, next_challenge_id: state.next_challenge_id()?, ..Default::default() };
        for item in state.prefix_raw(keys::CHALLENGES, None) {
            let (_, value) = item?;
            let mut challenge = pb::Challenge::decode(value.as_slice()).map_err(|e| SlashingError::Internal(format!("corrupt challenge: {e}")))?;
            challenge.drawn_height = challenge.drawn_height.saturating_sub(height);
            // Still answerable at the new chain's first block; an answer stays an answer.
            challenge.deadline = challenge.deadline.saturating_sub(height).max(1);
            if challenge.answered_height != 0 {
                challenge.answered_height = challenge.answered_height.saturating_sub(height).max(1);
            }
            genesis.challenges.push(challenge);
        }
        for item in state.prefix_raw(keys::FRAUD, None) {
            let (_, value) = item?;
            let mut fraud = pb::ProviderFraud::decode(value.as_slice()).map_err(|e| SlashingError::Internal(format!("corrupt fraud record: {e}")))?;
            fraud.height = fraud.height.saturating_sub(height);
            genesis.frauds.push(fraud);
        }
        genesis.next_dispute_id = state.next_dispute_id()?;
        for item in state.prefix_raw(keys::DISPUTES, None) {
            let (_, value) = item?;
            let mut d = pb::Dispute::decode(value.as_slice()).map_err(|e| SlashingError::Internal(format!("corrupt dispute: {e}")))?;
            let rebase = |h: u64| if h == 0 { 0 } else { h.saturating_sub(height).max(1) };
            // An undecided dispute's next step stays in the new chain's future (or its first block).
            d.opened_height = d.opened_height.saturating_sub(height);
            d.voting_ends = rebase(d.voting_ends);
            d.decided_height = rebase(d.decided_height);
            d.appeal_ends = rebase(d.appeal_ends);
            for vote in &mut d.votes {
                vote.height = rebase(vote.height);
            }
            genesis.disputes.push(d);
        }
        for item in state.prefix_raw(keys::DEVICES, None) {
            let (_, value) = item?;
            let mut d = pb::HardwareIdentity::decode(value.as_slice()).map_err(|e| SlashingError::Internal(format!("corrupt device: {e}")))?;
            d.registered_height = d.registered_height.saturating_sub(height);
            genesis.devices.push(d);
        }
        for item in state.prefix_raw(keys::PANELISTS, None) {
            let (_, value) = item?;
            let mut p = pb::Panelist::decode(value.as_slice()).map_err(|e| SlashingError::Internal(format!("corrupt panelist: {e}")))?;
            p.enrolled_height = p.enrolled_height.saturating_sub(height);
            p.active_height = p.active_height.saturating_sub(height);
            if p.leave_height != 0 {
                p.leave_height = p.leave_height.saturating_sub(height).max(1);
            }
            genesis.panelists.push(p);
        }
        for item in state.prefix_raw(keys::LIVENESS, None) {
            let (_, value) = item?;
            let mut record = pb::ProviderLiveness::decode(value.as_slice()).map_err(|e| SlashingError::Internal(format!("corrupt liveness record: {e}")))?;
            record.last_answered_height = record.last_answered_height.saturating_sub(height);
            record.last_attested_height = record.last_attested_height.saturating_sub(height);
            genesis.liveness.push(record);
        }
        Ok(genesis)
    }
}

/// The panel draw is derived state: weight 1 for each seat in the draw, 0 for one warming up or
/// leaving.
pub fn rebuild_panel_draw(state: &mut dyn StateWrite) -> Result<(), SlashingError> {
    let mut seats = Vec::new();
    for item in state.prefix_raw(keys::PANELISTS, None) {
        let (key, value) = item?;
        let p = pb::Panelist::decode(value.as_slice()).map_err(|e| SlashingError::Internal(format!("corrupt panelist: {e}")))?;
        seats.push((key[keys::PANELISTS.len()..].to_vec(), u128::from(p.in_draw)));
    }
    for (auditor, weight) in seats {
        PANEL_DRAW.set(state, &auditor, weight)?;
    }
    Ok(())
}
