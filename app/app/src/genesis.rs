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

#[cfg(test)]
mod tests {
    use super::*;

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
        assert_eq!(names, ["auth", "bank", "consensus", "deployment", "escrow", "market", "provider"]);
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

        let unknown_section = AppState::from_json(br#"{"staking":{}}"#).expect("parse");
        let err = validate(&unknown_section).expect_err("unknown section").to_string();
        assert!(err.contains("\"staking\" belongs to no module"), "{err}");

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
