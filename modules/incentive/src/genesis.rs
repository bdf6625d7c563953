//! `incentive` genesis: the parameters and, in an export, the whole state with every provider
//! record settled to the export height and heights rebased (that height becomes 0), so a new
//! chain continues the same accounting.

use agora_store::{StateRead, StateWrite};
use agora_types::Address;
use serde::{Deserialize, Serialize};

use crate::accrual::{accumulate, book, settle};
use crate::state::{ClassEpochRecord, ClassTracker, EpochInfo, IncentiveRead, IncentiveStore, PoolState, Position};
use crate::{IncentiveError, Params};

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExportedPosition {
    pub provider: String,
    pub position: Position,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct GenesisState {
    pub params: Params,
    pub epoch: Option<EpochInfo>,
    pub finished_epochs: Vec<EpochInfo>,
    pub pool: PoolState,
    pub classes: Vec<ClassTracker>,
    pub class_epochs: Vec<ClassEpochRecord>,
    pub positions: Vec<ExportedPosition>,
}

impl GenesisState {
    pub fn validate(&self) -> Result<(), IncentiveError> {
        self.params.validate()?;
        for (i, p) in self.positions.iter().enumerate() {
            p.provider
                .parse::<Address>()
                .map_err(|e| IncentiveError::InvalidGenesis(format!("incentive.positions[{i}].provider: {e}")))?;
        }
        Ok(())
    }

    pub fn apply(&self, state: &mut dyn StateWrite) -> Result<(), IncentiveError> {
        self.validate()?;
        state.put_incentive_params(&self.params);
        if let Some(epoch) = &self.epoch {
            state.put_current_epoch(epoch)?;
        }
        for epoch in &self.finished_epochs {
            state.put_finished_epoch(epoch)?;
        }
        state.put_pool(&self.pool)?;
        for tracker in &self.classes {
            state.put_class_tracker(tracker)?;
        }
        for record in &self.class_epochs {
            state.put_class_epoch(record)?;
        }
        for p in &self.positions {
            let owner: Address = p.provider.parse().map_err(|e| IncentiveError::InvalidGenesis(format!("{e}")))?;
            state.put_position(&owner, &p.position)?;
        }
        Ok(())
    }

    /// The state as of `height`, every record settled to it, heights rebased.
    pub fn export<S: StateRead + ?Sized>(state: &S, height: u64) -> Result<Self, IncentiveError> {
        let params = state.incentive_params()?;
        let rebase = |h: u64| h.saturating_sub(height);
        let mut pool = state.pool()?;
        let current = state.current_epoch()?;
        let mut positions = Vec::new();
        for (owner, mut position) in state.all_positions()? {
            if let Some(epoch) = &current {
                let settled = settle(state, &params, &mut position, epoch, height)?;
                book(&mut position, &params, &settled, epoch.number)?;
                pool.give_back(&settled.returned()?)?;
            }
            position.last_height = rebase(position.last_height);
            positions.push(ExportedPosition { provider: owner.to_string(), position });
        }
        let mut classes = Vec::new();
        for tracker in state.all_class_trackers()? {
            let mut tracker = tracker;
            if let Some(epoch) = &current {
                accumulate(&mut tracker, epoch, height)?;
            }
            tracker.last_height = rebase(tracker.last_height);
            classes.push(tracker);
        }
        let rebase_epoch = |e: EpochInfo| EpochInfo { number: e.number, start_height: rebase(e.start_height), end_height: rebase(e.end_height).max(1) };
        let mut finished_epochs = Vec::new();
        let mut class_epochs = Vec::new();
        if let Some(epoch) = &current {
            for number in 0..epoch.number {
                if let Some(info) = state.finished_epoch(number)? {
                    finished_epochs.push(rebase_epoch(info));
                }
                class_epochs.extend(state.class_epochs(number)?);
            }
        }
        Ok(Self { params, epoch: current.map(rebase_epoch), finished_epochs, pool, classes, class_epochs, positions })
    }
}
