//! Mint's formulas against hand-computed values, `begin_block` over the real bank module,
//! parameter rules, the query service and `MsgUpdateParams`.

use agora_bank::{BankComponent, BankRead, BankWrite};
use agora_component::{Authority, Component, Wiring};
use agora_store::{EmptyState, StateDelta, StateRead, StateWrite};
use agora_types::{AbciError, Address, BlockContext, Coin, Coins, Dec, Denom, Event};
use cosmos_sdk_proto::cosmos::mint::v1beta1 as pb;
use prost::Message;

use crate::msg::{MintMsg, MSG_UPDATE_PARAMS_URL};
use crate::{BankKeeper, GenesisState, MintComponent, MintError, MintRead, Minter, Params, StakingKeeper, FEE_COLLECTOR, MINT_MODULE};

fn d(s: &str) -> Dec {
    s.parse().unwrap_or_else(|e| panic!("{s}: {e}"))
}

// ---- keepers over the real bank ----

struct TestBank;

impl BankKeeper for TestBank {
    fn mint_coins(&self, state: &mut dyn StateWrite, module: &'static str, amount: &Coins) -> Result<Vec<Event>, MintError> {
        state.mint_coins(module, amount).map_err(|e| MintError::Internal(e.to_string()))
    }

    fn send_coins(&self, state: &mut dyn StateWrite, from: &Address, to: &Address, amount: &Coins) -> Result<Vec<Event>, MintError> {
        state.send_coins(from, to, amount).map_err(|e| MintError::Internal(e.to_string()))
    }

    fn supply_of(&self, state: &dyn StateRead, denom: &Denom) -> Result<u128, MintError> {
        state.supply_of(denom).map_err(|e| MintError::Internal(e.to_string()))
    }
}

/// Bonded tokens are the bonded pool's balance, as staking's are.
struct TestStaking;

const BONDED_POOL: &str = "bonded_tokens_pool";

impl StakingKeeper for TestStaking {
    fn bonded_tokens(&self, state: &dyn StateRead) -> Result<u128, MintError> {
        state.balance(&Address::module(BONDED_POOL), &Denom::native()).map_err(|e| MintError::Internal(e.to_string()))
    }
}

fn coins(amount: u128) -> Coins {
    Coins::from_list(vec![Coin::new(Denom::native(), amount)]).unwrap()
}

struct Chain {
    state: StateDelta<EmptyState>,
    mint: MintComponent,
    bank: BankComponent,
}

impl Chain {
    /// Bank (with mint's module account in its permission table) and mint at genesis, with
    /// `liquid` tokens in an account and `bonded` in the bonded pool.
    fn new(genesis: GenesisState, liquid: u128, bonded: u128) -> Self {
        let mut state = StateDelta::new(EmptyState);
        let mut mint = MintComponent::new(TestBank, TestStaking);
        let wiring = Wiring { module_accounts: mint.module_accounts(), authority: Authority::default(), module_versions: vec![] };
        let mut bank = BankComponent::default();
        bank.wire(&wiring);
        mint.wire(&wiring);
        bank.init_genesis(&mut state, &Default::default()).unwrap();
        mint.validate_genesis(&genesis).unwrap();
        mint.init_genesis(&mut state, &genesis).unwrap();
        if liquid > 0 {
            agora_bank::testing::fund(&mut state, &Address::new([7; 20]), &coins(liquid));
        }
        if bonded > 0 {
            agora_bank::testing::fund(&mut state, &Address::module(BONDED_POOL), &coins(bonded));
        }
        Self { state, mint, bank }
    }

    fn begin_block(&mut self) -> Vec<Event> {
        let events = self.mint.begin_block(&mut self.state, &BlockContext::at("mint-test", 1)).unwrap();
        self.bank.check_invariants(&self.state).unwrap();
        self.mint.check_invariants(&self.state).unwrap();
        events
    }

    fn supply(&self) -> u128 {
        self.state.supply_of(&Denom::native()).unwrap()
    }

    fn fee_collector(&self) -> u128 {
        self.state.balance(&Address::module(FEE_COLLECTOR), &Denom::native()).unwrap()
    }

    fn query(&self, method: &str, request: Vec<u8>) -> Vec<u8> {
        self.mint.query(&self.state, 1, &format!("/cosmos.mint.v1beta1.Query/{method}"), &request).unwrap().unwrap()
    }
}

// ---- (1) the inflation step ----

/// Round numbers: 100 blocks a year, 13% a year at most, a goal of 50% bonded.
fn round_params() -> Params {
    Params { goal_bonded: d("0.5"), blocks_per_year: 100, ..Params::default() }
}

fn step(inflation: &str, bonded_ratio: &str, params: &Params) -> Dec {
    Minter { inflation: d(inflation), annual_provisions: Dec::ZERO }.next_inflation_rate(params, d(bonded_ratio)).unwrap()
}

#[test]
fn inflation_rises_below_the_goal_and_falls_above_it() {
    let p = round_params();
    // 25% bonded: (1 − 0.25/0.5) × 0.13 = 0.065 a year, 0.00065 a block.
    assert_eq!(step("0.13", "0.25", &p), d("0.13065"));
    // 75% bonded: (1 − 1.5) × 0.13 = −0.065 a year, −0.00065 a block.
    assert_eq!(step("0.13", "0.75", &p), d("0.12935"));
    // At the goal it stays; with nothing bonded it moves by the whole 0.13 / 100.
    assert_eq!(step("0.13", "0.5", &p), d("0.13"));
    assert_eq!(step("0.13", "0", &p), d("0.1313"));
    assert_eq!(step("0.13", "1", &p), d("0.1287"));
}

#[test]
fn inflation_is_clamped_to_its_bounds() {
    let p = round_params();
    // 0.1999 + 0.0013 = 0.2012 > 0.20.
    assert_eq!(step("0.1999", "0", &p), d("0.2"));
    // 0.0705 − 0.0013 = 0.0692 < 0.07.
    assert_eq!(step("0.0705", "1", &p), d("0.07"));
    // Below zero is below any minimum, 0 included.
    let no_floor = Params { inflation_min: Dec::ZERO, ..round_params() };
    assert_eq!(step("0.0005", "1", &no_floor), Dec::ZERO);
    // A rate outside new bounds (after a parameter change) is brought back at once.
    assert_eq!(step("0.5", "0.5", &p), d("0.2"));
    assert_eq!(step("0.01", "0.5", &p), d("0.07"));
}

#[test]
fn default_params_round_as_the_sdk() {
    let p = Params::default();
    // 0.5 / 0.67 = 0.746268656716417910|44… → 0.746268656716417910;
    // 1 − that = 0.253731343283582090; × 0.13 = 0.032985074626865671|7 → …672 (half-even);
    // / 6311520 = 0.000000005226169706|64… → 0.000000005226169707.
    assert_eq!(step("0.13", "0.5", &p), d("0.130000005226169707"));
    // 0.8 / 0.67 = 1.194029850746268656|7 → …657; 0.194029850746268657 × 0.13 =
    // 0.025223880597014925|41 → …925; / 6311520 = 0.000000003996482716|84… → …717.
    assert_eq!(step("0.13", "0.8", &p), d("0.129999996003517283"));
    assert_eq!(step("0.13", "0.67", &p), d("0.13"));
    assert_eq!(step("0.13", "0", &p), d("0.130000020597257079"));
}

#[test]
fn bonded_ratio_truncates_and_is_zero_without_supply() {
    assert_eq!(crate::bonded_ratio(1, 3).unwrap(), d("0.333333333333333333"));
    assert_eq!(crate::bonded_ratio(2, 3).unwrap(), d("0.666666666666666666"));
    assert_eq!(crate::bonded_ratio(5, 0).unwrap(), Dec::ZERO);
    assert_eq!(crate::bonded_ratio(u128::MAX, u128::MAX).unwrap(), Dec::ONE);
}

#[test]
fn block_provision_rounds_down() {
    let p = round_params();
    let minter = Minter { inflation: d("0.13"), annual_provisions: d("12999.999") };
    assert_eq!(minter.block_provision(&p).unwrap(), Coin::new(Denom::native(), 129));
    let minter = Minter { inflation: d("0.13"), annual_provisions: d("99.99") };
    assert_eq!(minter.block_provision(&p).unwrap().amount, 0);
    assert_eq!(minter.next_annual_provisions(1_000).unwrap(), d("130"));
    assert!(Minter { inflation: Dec::MAX, annual_provisions: Dec::ZERO }.next_annual_provisions(2).is_err());
}

// ---- (2) begin_block over real state ----

#[test]
fn begin_block_mints_the_provision_to_the_fee_collector() {
    let mut chain = Chain::new(GenesisState::default(), 500_000_000_000, 500_000_000_000);
    assert_eq!(chain.supply(), 1_000_000_000_000);

    let events = chain.begin_block();
    // 50% bonded, below the 67% goal: 0.13 → 0.130000005226169707 (see the test above);
    // annual provisions = that × 10^12 = 130000005226.169707; / 6311520 → 20597.
    let minter = chain.state.minter().unwrap();
    assert_eq!(minter, Minter { inflation: d("0.130000005226169707"), annual_provisions: d("130000005226.169707") });
    assert_eq!(chain.supply(), 1_000_000_000_000 + 20_597);
    assert_eq!(chain.fee_collector(), 20_597);
    assert_eq!(chain.state.balance(&Address::module(MINT_MODULE), &Denom::native()).unwrap(), 0);
    // As the SDK prints a LegacyDec: always 18 decimals.
    let mint = events.last().unwrap();
    assert_eq!(mint.kind, "mint");
    assert_eq!(mint.get("bonded_ratio"), Some("0.500000000000000000"));
    assert_eq!(mint.get("inflation"), Some("0.130000005226169707"));
    assert_eq!(mint.get("annual_provisions"), Some("130000005226.169707000000000000"));
    assert_eq!(mint.get("amount"), Some("20597"));
    assert!(events.iter().any(|e| e.kind == "transfer"), "the payment to the fee collector: {events:?}");

    // The next block sees the larger supply (a bonded ratio a little under 50%).
    let events = chain.begin_block();
    let mint = events.last().unwrap();
    assert_eq!(mint.get("bonded_ratio"), Some("0.499999989701500212"));
    assert_eq!(chain.state.minter().unwrap().inflation, d("0.13000001045233973"));
    assert_eq!(chain.state.minter().unwrap().annual_provisions, d("130000013129.94994528684141881"));
    assert_eq!(chain.supply(), 1_000_000_000_000 + 2 * 20_597);
    assert_eq!(chain.fee_collector(), 2 * 20_597);

    // Every block's mint reaches the fee collector, and nothing else is created.
    for _ in 0..20 {
        let before = (chain.supply(), chain.fee_collector());
        chain.begin_block();
        let minted = chain.supply() - before.0;
        assert!(minted > 0);
        assert_eq!(chain.fee_collector() - before.1, minted);
    }
}

#[test]
fn begin_block_without_supply_stores_the_minter_and_mints_nothing() {
    let mut chain = Chain::new(GenesisState::default(), 0, 0);
    let events = chain.begin_block();
    assert_eq!(events.len(), 1, "only the mint event: {events:?}");
    assert_eq!(events[0].get("amount"), Some("0"));
    assert_eq!(events[0].get("bonded_ratio"), Some("0.000000000000000000"));
    assert_eq!(chain.supply(), 0);
    assert_eq!(chain.fee_collector(), 0);
    // Nothing bonded of nothing: inflation still moves toward the goal.
    assert_eq!(chain.state.minter().unwrap(), Minter { inflation: d("0.130000020597257079"), annual_provisions: Dec::ZERO });
}

#[test]
fn a_provision_below_one_unit_is_not_minted() {
    // 13% of 1,000 a year over 6,311,520 blocks is far below 1 uagora a block.
    let mut chain = Chain::new(GenesisState::default(), 1_000, 0);
    let events = chain.begin_block();
    assert_eq!(events.last().unwrap().get("amount"), Some("0"));
    assert_eq!(chain.supply(), 1_000);
    assert!(!chain.state.minter().unwrap().annual_provisions.is_zero());
}

#[test]
fn minting_needs_the_declared_module_account() {
    // A bank wired without mint's module account has no mint permission for it.
    let mut state = StateDelta::new(EmptyState);
    let mint = MintComponent::new(TestBank, TestStaking);
    let mut bank = BankComponent::default();
    bank.wire(&Wiring::default());
    bank.init_genesis(&mut state, &Default::default()).unwrap();
    mint.init_genesis(&mut state, &GenesisState::default()).unwrap();
    agora_bank::testing::fund(&mut state, &Address::new([7; 20]), &coins(1_000_000_000_000));
    let err = mint.begin_block(&mut state, &BlockContext::at("mint-test", 1)).unwrap_err();
    assert_eq!((err.codespace.as_str(), err.code), ("sdk", 1), "{err}");
    assert_eq!(mint.module_accounts(), vec![agora_component::ModuleAccount::new("mint").minter()]);
}

// ---- (3) parameter rules ----

#[test]
fn params_validation_refuses_what_the_sdk_refuses() {
    Params::default().validate().unwrap();
    round_params().validate().unwrap();
    // Bounds may meet; every rate may be 0 or 1.
    Params { inflation_min: d("0.2"), ..Params::default() }.validate().unwrap();
    Params { inflation_rate_change: Dec::ZERO, inflation_min: Dec::ZERO, inflation_max: Dec::ONE, goal_bonded: Dec::ONE, ..Params::default() }
        .validate()
        .unwrap();
    let refused = [
        (Params { inflation_rate_change: d("1.01"), ..Params::default() }, "mint.params.inflation_rate_change"),
        (Params { inflation_max: d("1.5"), ..Params::default() }, "mint.params.inflation_max"),
        (Params { inflation_min: d("1.5"), inflation_max: d("1.5"), ..Params::default() }, "mint.params.inflation_max"),
        (Params { inflation_min: d("0.21"), ..Params::default() }, "mint.params.inflation_min"),
        (Params { goal_bonded: Dec::ZERO, ..Params::default() }, "mint.params.goal_bonded"),
        (Params { goal_bonded: d("1.000000000000000001"), ..Params::default() }, "mint.params.goal_bonded"),
        (Params { blocks_per_year: 0, ..Params::default() }, "mint.params.blocks_per_year"),
    ];
    for (params, field) in refused {
        let err = params.validate().unwrap_err();
        assert!(err.to_string().contains(field), "{field}: {err}");
        assert_eq!((err.codespace(), err.code()), ("mint", 2));
    }
    // The protobuf form: blank or invalid denom, malformed decimals.
    let proto = Params::default().to_proto();
    let refused = [
        (pb::Params { mint_denom: " ".into(), ..proto.clone() }, "mint.params.mint_denom"),
        (pb::Params { mint_denom: "1x".into(), ..proto.clone() }, "mint.params.mint_denom"),
        (pb::Params { goal_bonded: "".into(), ..proto.clone() }, "mint.params.goal_bonded"),
        (pb::Params { inflation_max: "0.2".into(), ..proto.clone() }, "mint.params.inflation_max"),
        (pb::Params { inflation_min: "-1".into(), ..proto.clone() }, "mint.params.inflation_min"),
    ];
    for (proto, field) in refused {
        let err = Params::from_proto(&proto).unwrap_err();
        assert!(err.to_string().contains(field), "{field}: {err}");
    }
    assert_eq!(Params::from_proto(&proto).unwrap(), Params::default());
    assert_eq!(proto.inflation_rate_change, "130000000000000000");
    assert_eq!(proto.blocks_per_year, 6_311_520);
}

#[test]
fn genesis_reads_the_sdk_json_and_round_trips() {
    let sdk = r#"{
        "minter": {"inflation": "0.130000000000000000", "annual_provisions": "0.000000000000000000"},
        "params": {
            "mint_denom": "uagora",
            "inflation_rate_change": "0.130000000000000000",
            "inflation_max": "0.200000000000000000",
            "inflation_min": "0.070000000000000000",
            "goal_bonded": "0.670000000000000000",
            "blocks_per_year": "6311520"
        }
    }"#;
    let genesis: GenesisState = serde_json::from_str(sdk).unwrap();
    assert_eq!(genesis, GenesisState::default());
    assert_eq!(serde_json::from_str::<GenesisState>("{}").unwrap(), GenesisState::default());
    let number: GenesisState = serde_json::from_str(r#"{"params": {"blocks_per_year": 100}}"#).unwrap();
    assert_eq!(number.params.blocks_per_year, 100);
    let json = serde_json::to_value(&genesis).unwrap();
    assert_eq!(json["params"]["blocks_per_year"], "6311520");
    assert_eq!(json["minter"]["inflation"], "0.13");
    assert!(serde_json::from_str::<GenesisState>(r#"{"minter": {"inflation": "-0.1"}}"#).is_err());
    assert!(serde_json::from_str::<GenesisState>(r#"{"other": 1}"#).is_err());
    assert_eq!(GenesisState::from_proto(&genesis.to_proto()).unwrap(), genesis);

    let mint = MintComponent::new(TestBank, TestStaking);
    let bad = GenesisState { params: Params { blocks_per_year: 0, ..Params::default() }, ..GenesisState::default() };
    assert!(mint.validate_genesis(&bad).unwrap_err().contains("mint.params.blocks_per_year"));
    let mut state = StateDelta::new(EmptyState);
    assert!(mint.init_genesis(&mut state, &bad).is_err());

    let custom = GenesisState { minter: Minter { inflation: d("0.15"), annual_provisions: d("42.5") }, params: round_params() };
    mint.init_genesis(&mut state, &custom).unwrap();
    assert_eq!(mint.export_genesis(&state, 1_000).unwrap(), custom);
    assert_eq!(mint.export_genesis(&state, 7).unwrap(), custom, "nothing depends on the height");
}

// ---- (4) queries ----

#[test]
fn queries_answer_params_inflation_and_annual_provisions() {
    let genesis = GenesisState { minter: Minter { inflation: d("0.15"), annual_provisions: d("42.5") }, params: round_params() };
    let chain = Chain::new(genesis, 0, 0);
    assert_eq!(chain.mint.query_services(), &["cosmos.mint.v1beta1.Query"]);

    let params = pb::QueryParamsResponse::decode(chain.query("Params", pb::QueryParamsRequest {}.encode_to_vec()).as_slice()).unwrap();
    assert_eq!(Params::from_proto(&params.params.unwrap()).unwrap(), round_params());

    let inflation = pb::QueryInflationResponse::decode(chain.query("Inflation", Vec::new()).as_slice()).unwrap();
    assert_eq!(String::from_utf8(inflation.inflation.clone()).unwrap(), "150000000000000000");
    assert_eq!(Dec::from_atto_str(std::str::from_utf8(&inflation.inflation).unwrap()).unwrap(), d("0.15"));

    let annual = pb::QueryAnnualProvisionsResponse::decode(chain.query("AnnualProvisions", Vec::new()).as_slice()).unwrap();
    assert_eq!(String::from_utf8(annual.annual_provisions).unwrap(), "42500000000000000000");

    assert!(chain.mint.query(&chain.state, 1, "/cosmos.mint.v1beta1.Query/Other", &[]).is_none());
    assert!(chain.mint.query(&chain.state, 1, "/cosmos.bank.v1beta1.Query/Params", &[]).is_none());
    let err = chain.mint.query(&chain.state, 1, "/cosmos.mint.v1beta1.Query/Params", &[0xff]).unwrap().unwrap_err();
    assert_eq!((err.codespace.as_str(), err.code), ("sdk", 2));

    // Before genesis: the SDK's defaults.
    let empty = StateDelta::new(EmptyState);
    let params = pb::QueryParamsResponse::decode(chain.mint.query(&empty, 1, "/cosmos.mint.v1beta1.Query/Params", &[]).unwrap().unwrap().as_slice()).unwrap();
    assert_eq!(params.params.unwrap(), Params::default().to_proto());
}

// ---- (5) MsgUpdateParams ----

fn update_params(authority: &Address, params: pb::Params) -> cosmos_sdk_proto::Any {
    cosmos_sdk_proto::Any {
        type_url: MSG_UPDATE_PARAMS_URL.into(),
        value: pb::MsgUpdateParams { authority: authority.to_string(), params: Some(params) }.encode_to_vec(),
    }
}

#[test]
fn only_the_authority_updates_params() {
    let mut chain = Chain::new(GenesisState::default(), 0, 0);
    let ctx = BlockContext::at("mint-test", 1);
    assert_eq!(chain.mint.message_types(), &[MSG_UPDATE_PARAMS_URL]);
    let governance = Authority::default().address();
    let stranger = Address::new([9; 20]);

    let msg = chain.mint.decode_msg(&update_params(&stranger, round_params().to_proto())).unwrap();
    assert_eq!(agora_component::ComponentMsg::signers(&msg), vec![stranger]);
    let err = chain.mint.execute(&mut chain.state, &ctx, &msg).unwrap_err();
    assert_eq!((err.codespace.as_str(), err.code), ("gov", 13), "{err}");
    assert_eq!(chain.state.mint_params().unwrap(), Params::default());

    let msg = chain.mint.decode_msg(&update_params(&governance, round_params().to_proto())).unwrap();
    assert_eq!(msg, MintMsg::UpdateParams { authority: governance, params: round_params() });
    assert_eq!(MintMsg::decode(&msg.to_any()).unwrap(), msg);
    chain.mint.execute(&mut chain.state, &ctx, &msg).unwrap();
    assert_eq!(chain.state.mint_params().unwrap(), round_params());

    // Invalid parameters are refused when decoded, in codespace `mint`.
    let invalid = Params { inflation_min: d("0.3"), ..Params::default() }.to_proto();
    let err = chain.mint.decode_msg(&update_params(&governance, invalid)).unwrap_err();
    assert_eq!((err.codespace.as_str(), err.code), ("mint", 2), "{err}");
    assert!(err.log.contains("mint.params.inflation_max"), "{err}");
    let missing = cosmos_sdk_proto::Any {
        type_url: MSG_UPDATE_PARAMS_URL.into(),
        value: pb::MsgUpdateParams { authority: governance.to_string(), params: None }.encode_to_vec(),
    };
    assert_eq!(chain.mint.decode_msg(&missing).unwrap_err().codespace, "mint");
    let err = chain.mint.decode_msg(&update_params(&governance, pb::Params::default())).unwrap_err();
    assert_eq!(err.codespace, "mint");
    let bad_authority = cosmos_sdk_proto::Any {
        type_url: MSG_UPDATE_PARAMS_URL.into(),
        value: pb::MsgUpdateParams { authority: "nobody".into(), params: Some(Params::default().to_proto()) }.encode_to_vec(),
    };
    assert_eq!(chain.mint.decode_msg(&bad_authority).unwrap_err().code, 7);
    let garbage = cosmos_sdk_proto::Any { type_url: MSG_UPDATE_PARAMS_URL.into(), value: vec![0xff, 0xff] };
    assert_eq!(chain.mint.decode_msg(&garbage).unwrap_err().code, 18);

    // The next block follows the new parameters: 0.13 + 0.13 / 100 with nothing bonded.
    agora_bank::testing::fund(&mut chain.state, &Address::new([7; 20]), &coins(1_000_000));
    chain.begin_block();
    let minter = chain.state.minter().unwrap();
    assert_eq!(minter.inflation, d("0.1313"));
    // 0.1313 × 10^6 = 131300 a year, 1313 a block.
    assert_eq!(chain.fee_collector(), 1_313);
}
