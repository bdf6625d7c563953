//! The genesis app state as tools build it: a new chain's defaults, genesis balances, and
//! validation by the same components that will apply it at `InitChain`.

use agora_bank::genesis::{DenomMetadata, DenomUnit};
use agora_genesis::{AppState, GenesisError, NATIVE_DENOM};
use agora_types::{Address, Coins, Denom};

use crate::app::AppError;

/// The app state of a new chain: every component's default section, and the native denom's
/// metadata.
pub fn new_chain() -> Result<AppState, AppError> {
    let mut app_state = crate::components()?.default_genesis()?;
    let base = Denom::new(NATIVE_DENOM).map_err(|e| GenesisError::Section { section: "bank".into(), message: e.to_string() })?;
    app_state.update_section::<agora_bank::GenesisState, String>("bank", |bank| {
        bank.denom_metadata.push(DenomMetadata {
            description: "The native token of Agora".into(),
            base,
            display: "agora".into(),
            name: "Agora".into(),
            symbol: "AGORA".into(),
            denom_units: vec![
                DenomUnit { denom: NATIVE_DENOM.into(), exponent: 0, aliases: vec![] },
                DenomUnit { denom: "agora".into(), exponent: 6, aliases: vec![] },
            ],
        });
        Ok(())
    })?;
    Ok(app_state)
}

/// Adds `coins` to `address`'s genesis balance.
pub fn add_account(app_state: &mut AppState, address: Address, coins: &Coins) -> Result<(), GenesisError> {
    app_state.update_section::<agora_bank::GenesisState, _>("bank", |bank| bank.add_balance(address, coins))
}

/// Validates every section with its component, as `InitChain` will.
pub fn validate(app_state: &AppState) -> Result<(), AppError> {
    Ok(crate::components()?.validate_genesis(app_state)?)
}

/// Validates `genesis.json`'s `consensus_params` (CometBFT's JSON form) as `InitChain` will:
/// parameters that would stop the chain are refused before it starts.
pub fn validate_consensus_params(json: &serde_json::Value) -> Result<(), AppError> {
    let params: tendermint::consensus::Params = serde_json::from_value(json.clone())
        .map_err(|e| AppError::Consensus(format!("consensus_params: {e}")))?;
    let proto = tendermint_proto::v0_38::types::ConsensusParams::from(params);
    agora_consensus::validate(&proto).map_err(|e| AppError::Consensus(format!("consensus_params: {e}")))
}

/// Runs `InitChain` on `genesis.json` in a scratch store, as every node will at start: every
/// section, every gentx (signatures, balances) and every invariant is checked. Returns the
/// validator set the chain would start with (empty: `genesis.json`'s own `validators`).
pub fn dry_run(doc: &serde_json::Value) -> Result<Vec<agora_component::ValidatorUpdate>, AppError> {
    let missing = |what: &str| AppError::Consensus(format!("genesis.json: {what} is missing or invalid"));
    let chain_id = doc.get("chain_id").and_then(|v| v.as_str()).ok_or_else(|| missing("chain_id"))?;
    let time = doc.get("genesis_time").and_then(|v| v.as_str()).ok_or_else(|| missing("genesis_time"))?;
    let time = tendermint::Time::parse_from_rfc3339(time).map_err(|e| AppError::Consensus(format!("genesis_time: {e}")))?;
    let nanos = time.unix_timestamp_nanos();
    let genesis_time = (
        i64::try_from(nanos.div_euclid(1_000_000_000)).map_err(|_| missing("genesis_time"))?,
        u32::try_from(nanos.rem_euclid(1_000_000_000)).map_err(|_| missing("genesis_time"))?,
    );
    let params: tendermint::consensus::Params = serde_json::from_value(doc.get("consensus_params").cloned().ok_or_else(|| missing("consensus_params"))?)
        .map_err(|e| AppError::Consensus(format!("consensus_params: {e}")))?;
    let params = tendermint_proto::v0_38::types::ConsensusParams::from(params);
    let app_state = serde_json::to_vec(doc.get("app_state").ok_or_else(|| missing("app_state"))?)
        .map_err(|e| AppError::Consensus(format!("app_state: {e}")))?;
    let scratch = tempfile::tempdir().map_err(|e| AppError::Consensus(format!("cannot create a scratch store: {e}")))?;
    let storage = agora_store::Storage::open(
        scratch.path(),
        crate::app::storage_config(1),
    )?;
    let app = crate::App::new(storage, crate::AppConfig::default())?;
    app.init_chain(chain_id, 1, genesis_time, &params, &app_state)
}

/// A zero-height export: `genesis.json` for a new chain that continues this one's state as of
/// `height` (the latest committed one by default). `template` is the node's own
/// `genesis.json`: its chain id, validators and genesis time stay; `app_state` becomes every
/// component's export (heights rebased so block 1 follows `height`), `consensus_params` the
/// parameters in state at `height`, and `initial_height` 1.
pub fn export(app: &crate::App, height: Option<u64>, mut template: serde_json::Value) -> Result<serde_json::Value, AppError> {
    use agora_consensus::ConsensusRead;
    let height = height.unwrap_or_else(|| app.storage().latest_version());
    if height == 0 {
        return Err(AppError::Consensus("nothing to export: the chain has no committed block".into()));
    }
    let snapshot = app.storage().snapshot_at(height)?;
    let app_state = app.components().export_genesis(&snapshot, height)?;
    let params = snapshot.consensus_params()?.ok_or_else(|| AppError::Consensus("no consensus parameters in state".into()))?;
    let params = tendermint::consensus::Params::try_from(params).map_err(|e| AppError::Consensus(format!("consensus parameters in state: {e}")))?;
    let doc = template.as_object_mut().ok_or_else(|| AppError::Consensus("genesis.json is not a JSON object".into()))?;
    let json = |e: serde_json::Error| AppError::Consensus(format!("exported genesis: {e}"));
    doc.insert("app_state".into(), serde_json::from_slice(&app_state.to_json()?).map_err(json)?);
    doc.insert("consensus_params".into(), serde_json::to_value(params).map_err(json)?);
    doc.insert("initial_height".into(), serde_json::Value::String("1".into()));
    Ok(template)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The exported `genesis.json` of a running chain is valid as it stands and starts a chain.
    #[test]
    fn an_export_is_a_valid_genesis_that_starts_a_chain() {
        use std::sync::Arc;
        let open = |dir: &std::path::Path| {
            let storage = agora_store::Storage::open(dir, crate::app::storage_config(100)).expect("open");
            Arc::new(crate::App::new(storage, crate::AppConfig::default()).expect("app"))
        };
        let mut genesis = new_chain().expect("genesis");
        add_account(&mut genesis, Address::new([1; 20]), &"100uagora".parse().expect("coins")).expect("add");
        let dir = tempfile::tempdir().expect("tempdir");
        let mut node = crate::harness::TestNode::start(open(dir.path()), "agora-x", &genesis.to_json().expect("json")).expect("start");
        node.make_block(vec![]).expect("block");
        node.make_block(vec![]).expect("block");
        let template = serde_json::json!({"chain_id": "agora-x", "genesis_time": "2026-01-01T00:00:00Z", "validators": [], "app_state": {}});
        let doc = export(node.app(), None, template).expect("export");
        assert_eq!(doc["initial_height"], "1");
        assert_eq!(doc["chain_id"], "agora-x");
        validate_consensus_params(&doc["consensus_params"]).expect("consensus params valid");
        let app_state = AppState::from_json(&serde_json::to_vec(&doc["app_state"]).expect("json")).expect("app state");
        validate(&app_state).expect("app state valid");
        let again = tempfile::tempdir().expect("tempdir");
        let mut copy = crate::harness::TestNode::start(open(again.path()), "agora-x", &app_state.to_json().expect("json")).expect("starts");
        copy.make_block(vec![]).expect("block 1");
        assert!(export(node.app(), Some(0), serde_json::json!({})).is_err(), "height 0 has nothing to export");
    }

    #[test]
    fn a_new_chain_genesis_is_valid_and_round_trips() {
        let mut genesis = new_chain().expect("genesis");
        add_account(&mut genesis, Address::new([1; 20]), &"100uagora".parse().expect("coins")).expect("add");
        add_account(&mut genesis, Address::new([1; 20]), &"5uagora".parse().expect("coins")).expect("add");
        validate(&genesis).expect("valid");
        let back = AppState::from_json(&genesis.to_json().expect("json")).expect("parse");
        assert_eq!(back, genesis);
        let bank: agora_bank::GenesisState = back.section("bank").expect("bank");
        assert_eq!(bank.balances[0].coins.to_string(), "105uagora");
        let names: Vec<&str> = genesis.section_names().collect();
        assert_eq!(names, ["auth", "bank", "consensus", "deployment", "distribution", "escrow", "genutil", "gov", "ibc", "incentive", "market", "mint", "provider", "slashing", "staking", "upgrade"]);
    }

    #[test]
    fn consensus_params_of_genesis_json_are_checked_as_init_chain_checks_them() {
        let params = |max_bytes: &str, max_gas: &str| {
            serde_json::json!({
                "block": {"max_bytes": max_bytes, "max_gas": max_gas},
                "evidence": {"max_age_num_blocks": "100000", "max_age_duration": "172800000000000", "max_bytes": "1048576"},
                "validator": {"pub_key_types": ["ed25519"]},
                "version": {"app": "0"},
                "abci": {"vote_extensions_enable_height": "0"}
            })
        };
        validate_consensus_params(&params("22020096", "1000000000")).expect("cometbft's defaults with a gas limit");
        let err = validate_consensus_params(&params("22020096", "5")).expect_err("no tx fits").to_string();
        assert!(err.contains("block.max_gas"), "{err}");
        let err = validate_consensus_params(&params("1000", "-1")).expect_err("too small").to_string();
        assert!(err.contains("block.max_bytes"), "{err}");
    }

    #[test]
    fn invalid_genesis_names_the_section_and_the_field() {
        let address = Address::new([1; 20]).to_bech32();
        let bad_denom = format!(r#"{{"bank":{{"balances":[{{"address":"{address}","coins":[{{"denom":"1x","amount":"5"}}]}}]}}}}"#);
        let genesis = AppState::from_json(bad_denom.as_bytes()).expect("parse");
        let err = validate(&genesis).expect_err("bad denom").to_string();
        assert!(err.contains("bank") && err.contains("invalid denom"), "{err}");

        let unknown_field = AppState::from_json(br#"{"bank":{"balancez":[]}}"#).expect("parse");
        let err = validate(&unknown_field).expect_err("unknown field").to_string();
        assert!(err.contains("balancez"), "{err}");

        let unknown_section = AppState::from_json(br#"{"oracle":{}}"#).expect("parse");
        let err = validate(&unknown_section).expect_err("unknown section").to_string();
        assert!(err.contains("\"oracle\" belongs to no module"), "{err}");

        let mut genesis = new_chain().expect("genesis");
        add_account(&mut genesis, Address::new([1; 20]), &"100uagora".parse().expect("coins")).expect("add");
        genesis
            .update_section::<agora_bank::GenesisState, String>("bank", |bank| {
                bank.supply = "99uagora".parse().map_err(|e: agora_types::CoinError| e.to_string())?;
                Ok(())
            })
            .expect("edit");
        let err = validate(&genesis).expect_err("supply mismatch").to_string();
        assert!(err.contains("bank.supply"), "{err}");

        let mut genesis = new_chain().expect("genesis");
        genesis
            .update_section::<agora_auth::GenesisState, String>("auth", |auth| {
                auth.params.tx_sig_limit = 0;
                Ok(())
            })
            .expect("edit");
        let err = validate(&genesis).expect_err("zero limit").to_string();
        assert!(err.contains("auth.params.tx_sig_limit"), "{err}");
    }
}
