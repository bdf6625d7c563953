//! What block hooks return besides state changes.

use agora_types::Event;

use crate::ConsensusParams;

/// A validator's consensus public key.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum ValidatorKey {
    Ed25519([u8; 32]),
    /// Compressed SEC1 point.
    Secp256k1([u8; 33]),
}

/// A change of one validator's voting power (0 removes it from the set).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidatorUpdate {
    pub key: ValidatorKey,
    pub power: u64,
}

/// What one component's `end_block` produced.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct EndBlockOutcome {
    pub events: Vec<Event>,
    pub validator_updates: Vec<ValidatorUpdate>,
    /// New consensus parameters; CometBFT applies them from the next height on.
    pub consensus_param_updates: Option<ConsensusParams>,
}

impl EndBlockOutcome {
    pub fn events(events: Vec<Event>) -> Self {
        Self { events, ..Self::default() }
    }
}

/// What every component's block hooks of one block produced together.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct BlockHooksOutcome {
    pub events: Vec<Event>,
    /// At most one update per validator key: a later component's update of the same key
    /// replaces an earlier one.
    pub validator_updates: Vec<ValidatorUpdate>,
    pub consensus_param_updates: Option<ConsensusParams>,
}

impl BlockHooksOutcome {
    pub(crate) fn absorb(&mut self, outcome: EndBlockOutcome) {
        self.events.extend(outcome.events);
        for update in outcome.validator_updates {
            match self.validator_updates.iter_mut().find(|u| u.key == update.key) {
                Some(existing) => existing.power = update.power,
                None => self.validator_updates.push(update),
            }
        }
        if outcome.consensus_param_updates.is_some() {
            self.consensus_param_updates = outcome.consensus_param_updates;
        }
    }
}
