//! The genesis app state (the `app_state` of CometBFT's `genesis.json`): one JSON section per
//! module, named after the module's component. This crate knows no module: each component
//! parses and validates its own section (`agora-component`), and tools read and edit
//! sections by type through [`AppState::section`] and [`AppState::update_section`].
#![deny(clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::path::Path;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

/// Denom of the native token (fees, staking).
pub const NATIVE_DENOM: &str = "uagora";

#[derive(Debug, thiserror::Error)]
pub enum GenesisError {
    #[error("cannot read {path}: {source}")]
    Io { path: String, source: std::io::Error },
    #[error("invalid genesis JSON: {0}")]
    Json(String),
    #[error("invalid genesis section {section}: {message}")]
    Section { section: String, message: String },
    #[error("genesis file has no app_state")]
    MissingAppState,
}

/// The whole app state at genesis: module name → that module's section.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct AppState {
    sections: BTreeMap<String, serde_json::Value>,
}

impl AppState {
    /// Parses the `app_state` JSON (an object of sections; empty means every default).
    pub fn from_json(bytes: &[u8]) -> Result<Self, GenesisError> {
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(Self::default());
        }
        serde_json::from_slice(bytes).map_err(|e| GenesisError::Json(e.to_string()))
    }

    pub fn to_json(&self) -> Result<Vec<u8>, GenesisError> {
        serde_json::to_vec(self).map_err(|e| GenesisError::Json(e.to_string()))
    }

    pub fn section_names(&self) -> impl Iterator<Item = &str> {
        self.sections.keys().map(String::as_str)
    }

    pub fn raw(&self, name: &str) -> Option<&serde_json::Value> {
        self.sections.get(name)
    }

    pub fn set_raw(&mut self, name: &str, section: serde_json::Value) {
        self.sections.insert(name.to_string(), section);
    }

    /// The section `name` as the module's type; its default if absent.
    pub fn section<T: DeserializeOwned + Default>(&self, name: &str) -> Result<T, GenesisError> {
        match self.sections.get(name) {
            None => Ok(T::default()),
            Some(value) => T::deserialize(value)
                .map_err(|e| GenesisError::Section { section: name.to_string(), message: e.to_string() }),
        }
    }

    pub fn set_section<T: Serialize>(&mut self, name: &str, section: &T) -> Result<(), GenesisError> {
        let value = serde_json::to_value(section)
            .map_err(|e| GenesisError::Section { section: name.to_string(), message: e.to_string() })?;
        self.set_raw(name, value);
        Ok(())
    }

    /// Reads the section as `T`, lets `edit` change it, and writes it back.
    pub fn update_section<T, E>(&mut self, name: &str, edit: impl FnOnce(&mut T) -> Result<(), E>) -> Result<(), GenesisError>
    where
        T: Serialize + DeserializeOwned + Default,
        E: std::fmt::Display,
    {
        let mut section: T = self.section(name)?;
        edit(&mut section).map_err(|e| GenesisError::Section { section: name.to_string(), message: e.to_string() })?;
        self.set_section(name, &section)
    }
}

/// Reads CometBFT's `genesis.json` and returns its `app_state` section.
pub fn read_app_state(genesis_file: &Path) -> Result<AppState, GenesisError> {
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
pub fn write_app_state(genesis_file: &Path, app_state: &AppState) -> Result<(), GenesisError> {
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

    #[derive(Debug, Default, PartialEq, Serialize, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Section {
        #[serde(default)]
        limit: u32,
    }

    #[test]
    fn sections_read_and_write_by_type_and_default_when_absent() {
        let mut state = AppState::from_json(br#"{"alpha":{"limit":3}}"#).expect("parse");
        assert_eq!(state.section::<Section>("alpha").expect("alpha"), Section { limit: 3 });
        assert_eq!(state.section::<Section>("beta").expect("beta"), Section::default());
        state.update_section::<Section, String>("beta", |s| {
            s.limit = 9;
            Ok(())
        })
        .expect("update");
        let back = AppState::from_json(&state.to_json().expect("json")).expect("parse");
        assert_eq!(back.section::<Section>("beta").expect("beta").limit, 9);
        assert_eq!(back.section_names().collect::<Vec<_>>(), vec!["alpha", "beta"]);
        assert_eq!(AppState::from_json(b"  ").expect("empty"), AppState::default());
    }

    #[test]
    fn a_section_of_the_wrong_shape_names_the_section_and_the_field() {
        let state = AppState::from_json(br#"{"alpha":{"limt":3}}"#).expect("parse");
        let err = state.section::<Section>("alpha").expect_err("unknown field").to_string();
        assert!(err.contains("alpha") && err.contains("limt"), "{err}");
        let err = state
            .clone()
            .update_section::<Section, String>("alpha", |_| Ok(()))
            .expect_err("unknown field")
            .to_string();
        assert!(err.contains("limt"), "{err}");
        let err = AppState::from_json(b"[1]").expect_err("not an object").to_string();
        assert!(err.contains("invalid genesis JSON"), "{err}");
    }
}
