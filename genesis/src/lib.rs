//! The genesis app state (the `app_state` of CometBFT's `genesis.json`): one section per
//! module, validated as a whole before anything is written, with errors that name the field.
#![deny(clippy::unwrap_used)]

use std::path::Path;

use agora_store::StateWrite;
use agora_types::{Address, Coins};
use serde::{Deserialize, Serialize};

/// Denom of the native token (fees, staking).
pub const NATIVE_DENOM: &str = "uagora";

#[derive(Debug, thiserror::Error)]
pub enum GenesisError {
    #[error("cannot read {path}: {source}")]
    Io { path: String, source: std::io::Error },
    #[error("invalid genesis JSON: {0}")]
    Json(String),
    #[error("{0}")]
    Invalid(String),
    #[error("genesis file has no app_state")]
    MissingAppState,
}

/// The whole app state at genesis.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AppGenesis {
    #[serde(default)]
    pub auth: agora_auth::GenesisState,
    #[serde(default)]
    pub bank: agora_bank::GenesisState,
    #[serde(default)]
    pub provider: agora_provider::GenesisState,
    #[serde(default)]
    pub escrow: agora_escrow::GenesisState,
    #[serde(default)]
    pub deployment: agora_market::genesis::DeploymentGenesis,
    #[serde(default)]
    pub market: agora_market::genesis::MarketGenesis,
}

impl AppGenesis {
    /// Parses the `app_state` JSON; unknown fields are refused so typos do not pass silently.
    pub fn from_json(bytes: &[u8]) -> Result<Self, GenesisError> {
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(Self::default());
        }
        serde_json::from_slice(bytes).map_err(|e| GenesisError::Json(e.to_string()))
    }

    pub fn validate(&self) -> Result<(), GenesisError> {
        self.auth.validate().map_err(|e| GenesisError::Invalid(e.to_string()))?;
        self.bank.validate().map_err(|e| GenesisError::Invalid(e.to_string()))?;
        self.provider.validate().map_err(|e| GenesisError::Invalid(e.to_string()))?;
        self.escrow.validate().map_err(|e| GenesisError::Invalid(e.to_string()))?;
        agora_market::genesis::validate(&self.deployment, &self.market).map_err(|e| GenesisError::Invalid(e.to_string()))?;
        Ok(())
    }

    /// Writes every module's genesis into `state`: auth first (account numbers), then bank,
    /// then the marketplace modules (their module accounts and parameters).
    pub fn apply<S: StateWrite>(&self, state: &mut S) -> Result<(), GenesisError> {
        self.validate()?;
        self.auth.apply(state).map_err(|e| GenesisError::Invalid(e.to_string()))?;
        self.bank.apply(state).map_err(|e| GenesisError::Invalid(e.to_string()))?;
        self.provider.apply(state).map_err(|e| GenesisError::Invalid(e.to_string()))?;
        self.escrow.apply(state).map_err(|e| GenesisError::Invalid(e.to_string()))?;
        agora_market::genesis::apply(state, &self.deployment, &self.market).map_err(|e| GenesisError::Invalid(e.to_string()))?;
        Ok(())
    }

    /// Adds `coins` to `address`'s genesis balance, creating the entry if needed.
    pub fn add_account(&mut self, address: Address, coins: &Coins) -> Result<(), GenesisError> {
        if let Some(existing) = self.bank.balances.iter_mut().find(|b| b.address == address) {
            for coin in coins.iter() {
                existing.coins.add(&coin).map_err(|e| GenesisError::Invalid(e.to_string()))?;
            }
        } else {
            self.bank.balances.push(agora_bank::genesis::Balance { address, coins: coins.clone() });
        }
        // The supply cross-check is recomputed from balances.
        self.bank.supply = Coins::new();
        Ok(())
    }

    /// The default app state of a new chain: native denom metadata, default params.
    pub fn new_chain() -> Result<Self, GenesisError> {
        let mut genesis = Self::default();
        let base = agora_types::Denom::new(NATIVE_DENOM).map_err(|e| GenesisError::Invalid(e.to_string()))?;
        genesis.bank.denom_metadata.push(agora_bank::genesis::DenomMetadata {
            description: "The native token of Agora".into(),
            base,
            display: "agora".into(),
            name: "Agora".into(),
            symbol: "AGORA".into(),
            denom_units: vec![
                agora_bank::genesis::DenomUnit { denom: NATIVE_DENOM.into(), exponent: 0, aliases: vec![] },
                agora_bank::genesis::DenomUnit { denom: "agora".into(), exponent: 6, aliases: vec![] },
            ],
        });
        Ok(genesis)
    }
}

/// Reads CometBFT's `genesis.json` and returns its `app_state` section.
pub fn read_app_state(genesis_file: &Path) -> Result<AppGenesis, GenesisError> {
    let doc = read_genesis_doc(genesis_file)?;
    let app_state = doc.get("app_state").ok_or(GenesisError::MissingAppState)?;
    serde_json::from_value(app_state.clone()).map_err(|e| GenesisError::Json(e.to_string()))
}

/// Reads `genesis.json` as untyped JSON, so fields owned by CometBFT pass through unchanged.
pub fn read_genesis_doc(genesis_file: &Path) -> Result<serde_json::Value, GenesisError> {
    let bytes = std::fs::read(genesis_file)
        .map_err(|source| GenesisError::Io { path: genesis_file.display().to_string(), source })?;
    serde_json::from_slice(&bytes).map_err(|e| GenesisError::Json(e.to_string()))
}

/// Replaces the `app_state` of `genesis.json`, keeping everything else.
pub fn write_app_state(genesis_file: &Path, app_state: &AppGenesis) -> Result<(), GenesisError> {
    let mut doc = read_genesis_doc(genesis_file)?;
    let value = serde_json::to_value(app_state).map_err(|e| GenesisError::Json(e.to_string()))?;
    match doc.as_object_mut() {
        Some(obj) => {
            obj.insert("app_state".into(), value);
        }
        None => return Err(GenesisError::Json("genesis.json is not a JSON object".into())),
    }
    let text = serde_json::to_string_pretty(&doc).map_err(|e| GenesisError::Json(e.to_string()))?;
    std::fs::write(genesis_file, text)
        .map_err(|source| GenesisError::Io { path: genesis_file.display().to_string(), source })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_chain_genesis_is_valid_and_round_trips() {
        let mut g = AppGenesis::new_chain().expect("genesis");
        g.add_account(Address::new([1; 20]), &"100uagora".parse().expect("coins")).expect("add");
        g.add_account(Address::new([1; 20]), &"5uagora".parse().expect("coins")).expect("add");
        g.validate().expect("valid");
        let json = serde_json::to_vec(&g).expect("json");
        let back = AppGenesis::from_json(&json).expect("parse");
        assert_eq!(back, g);
        assert_eq!(back.bank.balances[0].coins.to_string(), "105uagora");
    }

    #[test]
    fn invalid_genesis_names_the_field() {
        let address = Address::new([1; 20]).to_bech32();
        let bad_denom = format!(r#"{{"bank":{{"balances":[{{"address":"{address}","coins":[{{"denom":"1x","amount":"5"}}]}}]}}}}"#);
        let err = AppGenesis::from_json(bad_denom.as_bytes()).expect_err("bad denom").to_string();
        assert!(err.contains("invalid denom"), "{err}");

        let unknown = br#"{"bank":{"balancez":[]}}"#;
        let err = AppGenesis::from_json(unknown).expect_err("unknown field").to_string();
        assert!(err.contains("balancez"), "{err}");

        let mut g = AppGenesis::new_chain().expect("genesis");
        g.add_account(Address::new([1; 20]), &"100uagora".parse().expect("coins")).expect("add");
        g.bank.supply = "99uagora".parse().expect("coins");
        let err = g.validate().expect_err("supply mismatch").to_string();
        assert!(err.contains("bank.supply"), "{err}");

        let mut g = AppGenesis::new_chain().expect("genesis");
        g.auth.params.tx_sig_limit = 0;
        let err = g.validate().expect_err("zero limit").to_string();
        assert!(err.contains("auth.params.tx_sig_limit"), "{err}");

        let mut g = AppGenesis::new_chain().expect("genesis");
        g.add_account(Address::new([1; 20]), &"1uagora".parse().expect("coins")).expect("add");
        g.bank.balances.push(g.bank.balances[0].clone());
        let err = g.validate().expect_err("duplicate").to_string();
        assert!(err.contains("bank.balances[1]"), "{err}");
    }
}
