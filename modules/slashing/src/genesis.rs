//! `slashing` genesis: parameters, and (in an exported state) every signing record and its
//! window's misses. Heights are rebased for a chain whose block 1 follows the export.

use agora_store::{StateRead, StateWrite};
use agora_types::{Address, VALCONS_PREFIX};
use serde::{Deserialize, Serialize};

use crate::provider::ProviderPenaltyGenesis;
use crate::state::{keys, valcons, SigningInfo, SlashingRead, SlashingRecords};
use crate::{Params, SlashingError};

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GenesisState {
    #[serde(default)]
    pub params: Params,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub signing_infos: Vec<GenesisSigningInfo>,
    /// Provider penalties (`agora.slashing.v1`).
    #[serde(default)]
    pub provider_penalties: ProviderPenaltyGenesis,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GenesisSigningInfo {
    /// `agoravalcons1…`
    pub address: String,
    pub start_height: u64,
    pub index_offset: u64,
    /// Nanoseconds since the Unix epoch.
    pub jailed_until: u64,
    pub tombstoned: bool,
    /// Indexes of the current window's missed blocks.
    #[serde(default)]
    pub missed_indexes: Vec<u64>,
}

impl GenesisState {
    pub fn validate(&self) -> Result<(), SlashingError> {
        self.params.validate()?;
        self.provider_penalties.validate()?;
        for (i, info) in self.signing_infos.iter().enumerate() {
            Address::from_bech32_with(&info.address, VALCONS_PREFIX)
                .map_err(|e| SlashingError::InvalidRequest(format!("slashing.signing_infos[{i}].address: {e}")))?;
            if let Some(index) = info.missed_indexes.iter().find(|index| **index >= self.params.signed_blocks_window) {
                return Err(SlashingError::InvalidRequest(format!("slashing.signing_infos[{i}]: missed index {index} is outside the window")));
            }
        }
        Ok(())
    }

    pub fn apply(&self, mut state: &mut dyn StateWrite) -> Result<(), SlashingError> {
        self.validate()?;
        state.put_slashing_params(&self.params);
        self.provider_penalties.apply(state)?;
        for info in &self.signing_infos {
            let address = *Address::from_bech32_with(&info.address, VALCONS_PREFIX)
                .map_err(|e| SlashingError::InvalidRequest(e.to_string()))?
                .as_bytes();
            state.put_signing_info(&SigningInfo {
                address,
                start_height: info.start_height,
                index_offset: info.index_offset,
                jailed_until: info.jailed_until,
                tombstoned: info.tombstoned,
                missed_blocks_counter: info.missed_indexes.len() as u64,
            })?;
            for index in &info.missed_indexes {
                state.set_missed(&address, *index, true);
            }
        }
        Ok(())
    }

    pub fn export(state: &dyn StateRead, height: u64) -> Result<Self, SlashingError> {
        let mut genesis = GenesisState {
            params: state.slashing_params()?,
            provider_penalties: ProviderPenaltyGenesis::export(state, height)?,
            ..Default::default()
        };
        for item in state.prefix_raw(keys::SIGNING_INFO_PREFIX, None) {
            let (_, value) = item?;
            let info: SigningInfo = borsh::from_slice(&value).map_err(|e| SlashingError::Internal(e.to_string()))?;
            genesis.signing_infos.push(GenesisSigningInfo {
                address: valcons(&info.address),
                start_height: info.start_height.saturating_sub(height),
                index_offset: info.index_offset,
                jailed_until: info.jailed_until,
                tombstoned: info.tombstoned,
                missed_indexes: state.missed_indexes(&info.address)?,
            });
        }
        Ok(genesis)
    }
}
