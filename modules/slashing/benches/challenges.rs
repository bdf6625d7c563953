//! Provider-challenge figures, in memory over the real slashing code (the registry is a
//! stand-in that answers standings; no disk store): a block that judges 64 missed deadlines
//! and draws 64 providers among 100,000 (`provider_challenges_block_us_64_draws_100k_providers`),
//! the same among 10,000 (its cost must not grow with the providers), and one provider's
//! reweighing in the draw (`provider_challenge_reweigh_us_100k_providers`), and a dispute's
//! 21-seat panel drawn among 10,000 auditors (`dispute_panel_draw_us_21_seats_10k_auditors`).
//! One JSON line per figure.

use std::time::Instant;

use agora_proto::base::v1::Resources;
use agora_slashing::provider::challenge::{self, DRAW};
use agora_slashing::provider::dispute::{panel_seed, LeaseRef};
use agora_slashing::provider::panel::{self, PANEL_DRAW};
use agora_slashing::provider::{ProviderParams, ProviderPenaltyKeeper, ProviderStanding, SlashTo};
use agora_store::{EmptyState, StateDelta, StateRead, StateWrite};
use agora_types::{Address, BlockContext, Coin, Denom, Event, TxError};

/// Every provider active with a bond of 1,000,000 and 0 to 8 GPUs; penalties cost what their
/// bookkeeping costs here (nothing): the figure is slashing's own work.
struct Registry;

fn owner(i: u64) -> Address {
    let mut bytes = [7u8; 20];
    bytes[..8].copy_from_slice(&i.to_be_bytes());
    Address::new(bytes)
}

impl ProviderPenaltyKeeper for Registry {
    fn provider_owners(&self, _state: &dyn StateRead) -> Result<Vec<Address>, TxError> {
        Ok(Vec::new())
    }

    fn standing(&self, _state: &dyn StateRead, owner: &Address) -> Result<Option<ProviderStanding>, TxError> {
        let gpus = u64::from(owner.as_bytes()[7] % 9);
        Ok(Some(ProviderStanding { bond: Coin::new(Denom::native(), 1_000_000), offering: true, gpus, tombstoned: false, operator: None }))
    }

    fn slash_bond(&self, _: &mut dyn StateWrite, _: &Address, amount: u128, _: SlashTo<'_>, _: u64, _: u64) -> Result<(Coin, Vec<Event>), TxError> {
        Ok((Coin::new(Denom::native(), amount), Vec::new()))
    }

    fn audited_by(&self, _: &dyn StateRead, _: &Address, _: &Address) -> Result<bool, TxError> {
        Ok(false)
    }

    fn normalize_capacity(&self, capacity: &Resources) -> Result<Resources, TxError> {
        Ok(capacity.clone())
    }

    fn tombstone(&self, _: &mut dyn StateWrite, _: &Address, _: &str, _: u64) -> Result<Vec<Event>, TxError> {
        Ok(Vec::new())
    }

    fn jail(&self, _: &mut dyn StateWrite, _: &Address, _: u64, _: &str, _: u64) -> Result<Vec<Event>, TxError> {
        Ok(Vec::new())
    }

    fn unjail(&self, _: &mut dyn StateWrite, _: &Address, _: u64) -> Result<Vec<Event>, TxError> {
        Ok(Vec::new())
    }

    fn mark_unverified(&self, _: &mut dyn StateWrite, _: &Address, _: u64) -> Result<Vec<Event>, TxError> {
        Ok(Vec::new())
    }

    fn forfeit_unvested(&self, _: &mut dyn StateWrite, _: &Address, _: u64) -> Result<Vec<Event>, TxError> {
        Ok(Vec::new())
    }

    // Disputes are not measured here but their panel draw, which needs none of these.
    fn lease_active(&self, _: &dyn StateRead, _: &LeaseRef) -> Result<Option<bool>, TxError> {
        Ok(None)
    }

    fn hold_lease_payments(&self, _: &mut dyn StateWrite, _: &LeaseRef, _: u64) -> Result<Vec<Event>, TxError> {
        Ok(Vec::new())
    }

    fn release_lease_payments(&self, _: &mut dyn StateWrite, _: &LeaseRef, _: Option<&Address>, _: u64) -> Result<(Coin, Vec<Event>), TxError> {
        Ok((Coin::new(Denom::native(), 0), Vec::new()))
    }

    fn transfer(&self, _: &mut dyn StateWrite, _: &Address, _: &Address, _: &Coin) -> Result<Vec<Event>, TxError> {
        Ok(Vec::new())
    }

    fn burn_held(&self, _: &mut dyn StateWrite, _: &Coin) -> Result<Vec<Event>, TxError> {
        Ok(Vec::new())
    }

    fn balance(&self, _: &dyn StateRead, _: &Address, _: &Denom) -> Result<u128, TxError> {
        Ok(0)
    }

    fn restore_bond(&self, _: &mut dyn StateWrite, _: &Address, _: &Coin, _: u64) -> Result<Vec<Event>, TxError> {
        Ok(Vec::new())
    }
}

fn ctx(height: u64) -> BlockContext {
    BlockContext { chain_id: "bench".into(), height, last_app_hash: height.to_be_bytes().to_vec(), ..BlockContext::default() }
}

fn state(providers: u64) -> StateDelta<EmptyState> {
    let mut state = StateDelta::new(EmptyState);
    for i in 0..providers {
        challenge::refresh_weight(&mut state, &Registry, &owner(i)).expect("weigh");
    }
    // Parameters go in through genesis, as a chain starts with them.
    let params = ProviderParams { challenges_per_block: 64, response_window: 10, ..ProviderParams::default() };
    let genesis = agora_slashing::GenesisState {
        provider_penalties: agora_slashing::provider::ProviderPenaltyGenesis { params, ..Default::default() },
        ..Default::default()
    };
    genesis.apply(&mut state).expect("genesis");
    state
}

fn print(name: &str, value: f64, unit: &str) {
    println!("{{\"name\":\"{name}\",\"value\":{value:.3},\"unit\":\"{unit}\"}}");
}

fn block_us(providers: u64) -> f64 {
    let mut state = state(providers);
    // Block 1 draws 64; block 12 judges their 64 missed deadlines and draws 64 more.
    challenge::begin_block(&mut state, &ctx(1), &Registry).expect("draw");
    let runs = 20;
    let mut total = 0.0;
    for run in 0..runs {
        let height = 12 + 11 * run;
        let start = Instant::now();
        let events = challenge::begin_block(&mut state, &ctx(height), &Registry).expect("block");
        total += start.elapsed().as_secs_f64();
        assert!(events.len() >= 128, "64 misses and 64 draws: {}", events.len());
    }
    total / f64::from(runs as u32) * 1e6
}

fn main() {
    print("provider_challenges_block_us_64_draws_10k_providers", block_us(10_000), "us");
    print("provider_challenges_block_us_64_draws_100k_providers", block_us(100_000), "us");
    let mut state = state(100_000);
    let runs = 1_000u64;
    let start = Instant::now();
    for i in 0..runs {
        // A provider leaves the draw and comes back: two weight changes.
        let o = owner(i * 97 % 100_000);
        DRAW.set(&mut state, o.as_bytes().as_slice(), 0).expect("out");
        challenge::refresh_weight(&mut state, &Registry, &o).expect("back");
    }
    print("provider_challenge_reweigh_us_100k_providers", start.elapsed().as_secs_f64() / (2 * runs) as f64 * 1e6, "us");
    assert!(DRAW.total(&state).expect("total") > 0);

    // A 21-seat dispute panel drawn among 10,000 enrolled auditors, three parties set aside.
    let mut state = StateDelta::new(EmptyState);
    for i in 0..10_000 {
        PANEL_DRAW.set(&mut state, owner(i).as_bytes().as_slice(), 1).expect("enroll");
    }
    let parties = [owner(1), owner(2), owner(3)];
    let runs = 200u64;
    let start = Instant::now();
    for run in 0..runs {
        let panel = panel::draw(&state, &parties, 21, |attempt| panel_seed(b"bench", run, run, attempt)).expect("draw");
        assert_eq!(panel.len(), 21);
    }
    print("dispute_panel_draw_us_21_seats_10k_auditors", start.elapsed().as_secs_f64() / runs as f64 * 1e6, "us");
}
