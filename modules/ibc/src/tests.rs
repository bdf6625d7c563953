//! Unit tests of what `ibc` owns outside ibc-rs's handlers (the handlers are driven end to end
//! by the app tests in `app/app/tests/ibc.rs`).

use crate::transfer::{denom_hash, escrow_address, local_denom};

/// The proof specs the IBC localnet's Hermes config carries for Agora chains, kept equal to
/// the store's (both levels the JMT spec).
#[test]
fn the_relayer_proof_specs_file_is_the_stores_spec() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../scripts/ibc/agora-proof-specs.json");
    let text = std::fs::read_to_string(path).expect("read the specs file");
    let specs: Vec<ics23::ProofSpec> = serde_json::from_str(&text).expect("JSON proof specs");
    let spec = agora_store::proof_spec();
    if specs != vec![spec.clone(), spec.clone()] {
        panic!("{path} is stale; it should be:\n{}", serde_json::to_string_pretty(&vec![spec.clone(), spec]).expect("json"));
    }
    assert_eq!(crate::context::agora_proof_specs().clone(), ibc::core::commitment_types::specs::ProofSpecs::try_from(specs).expect("specs"));
}

#[test]
fn escrow_addresses_and_voucher_denoms_are_ibc_gos() {
    // ibc-go's `GetEscrowAddress("transfer", "channel-0")` (ADR-028): the Cosmos Hub's escrow
    // account of its channel-0, under the hub's prefix.
    assert_eq!(escrow_address("transfer", "channel-0").to_bech32_with("cosmos"), "cosmos1a53udazy8ayufvy0s434pfwjcedzqv34kvz9tw");
    // The voucher of ATOM over channel-0, as every Cosmos chain names it.
    assert_eq!(denom_hash("transfer/channel-0/uatom"), "27394FB092D2ECCD56123C74F36E4C1F926001CEADA9CA97EA622B25F41E5EB2");
    let native: ibc::apps::transfer::types::PrefixedDenom = "uagora".parse().expect("denom");
    assert_eq!(local_denom(&native).expect("local").as_str(), "uagora");
    let voucher: ibc::apps::transfer::types::PrefixedDenom = "transfer/channel-0/uatom".parse().expect("denom");
    assert_eq!(local_denom(&voucher).expect("local").as_str(), "ibc/27394FB092D2ECCD56123C74F36E4C1F926001CEADA9CA97EA622B25F41E5EB2");
}
