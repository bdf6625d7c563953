//! Marketplace benchmarks, one JSON line per figure:
//!
//! - `market_tps_app`: signed transactions per second through `FinalizeBlock` + `Commit`
//!   in-process (signatures verified), in blocks that mix bids on new orders, lease creations
//!   on the orders bid in the previous block, and withdrawals from the leases before that.
//! - `escrow_endblock_ms_1k_leases`, `escrow_endblock_ms_1m_leases`: `FinalizeBlock` (whose
//!   only work is `EndBlock`) + `Commit` of an empty block with 1,000 and 1,000,000 active
//!   leases in state: two chains, timed in turn, block by block; median of 101 blocks each.
//! - `query_leases_by_provider_ms`: one page of 100 leases of one provider, over ABCI `Query`,
//!   with 1,000,000 leases in state; median over 20 consecutive pages.
//!
//! The million leases are placed by the market's own message handlers (create deployment,
//! bid, create lease), executed in large blocks straight into the store: signing three
//! million transactions would measure signatures, not the market. `AGORA_BENCH_LEASES`
//! lowers the large count for a quick run; arguments `tps` or `leases` run one part only.

use std::sync::Arc;
use std::time::Instant;

use agora_app::harness::TestNode;
use agora_app::{App, AppConfig};
use agora_auth::AuthRead;
use agora_market::genesis::{DeploymentGenesis, MarketGenesis};
use agora_proto::base::v1::{DecCoin, Resources, StorageCapacity};
use agora_proto::deployment::v1 as dpb;
use agora_proto::market::v1 as mpb;
use agora_proto::provider::v1 as ppb;
use agora_store::{StateDelta, Storage};
use agora_tx::{to_any, SigningKey, TxBuilder};
use agora_types::{Address, BlockContext, Coin, Denom};
use cosmos_sdk_proto::cosmos::base::query::v1beta1::PageRequest;
use cosmos_sdk_proto::cosmos::base::v1beta1::Coin as PbCoin;
use cosmos_sdk_proto::Any;
use rayon::prelude::*;

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

const CHAIN_ID: &str = "agora-bench";
const PROVIDERS: usize = 100;
const TENANTS: usize = 1_000;
/// Deployment deposit and lease price: the deposit pays `DEPOSIT / PRICE` blocks, far longer
/// than any benchmark runs, so no account runs dry while it is measured.
const DEPOSIT: u128 = 10_000_000;
const PRICE: &str = "1";
const BID_DEPOSIT: u128 = 1_000;
const BOND: u128 = 1_000_000;
const FUNDS: &str = "1000000000000000uagora";
/// Leases placed per seeding block.
const SEED_BLOCK: u64 = 20_000;
const MIB: u64 = 1 << 20;
/// Versions the store keeps (as a node's default).
const KEEP_RECENT: u64 = 100;
/// Empty blocks timed per lease count (the figure is their median).
const EMPTY_BLOCKS: usize = 101;

/// The accounts of a benchmark chain: providers bid and withdraw, tenants deploy and lease.
struct World {
    providers: Vec<Actor>,
    tenants: Vec<Actor>,
}

struct Actor {
    key: SigningKey,
    address: Address,
    bech32: String,
    number: u64,
    sequence: u64,
}

impl World {
    fn new() -> Result<Self> {
        let actor = |seed: u64| -> Result<Actor> {
            let mut secret = [5u8; 32];
            secret[..8].copy_from_slice(&(seed + 1).to_be_bytes());
            let key = SigningKey::secp256k1_from_bytes(&secret)?;
            let address = key.address();
            Ok(Actor { bech32: address.to_bech32(), address, key, number: 0, sequence: 0 })
        };
        let providers = (0..PROVIDERS as u64).map(actor).collect::<Result<_>>()?;
        let tenants = (0..TENANTS as u64).map(|i| actor(1_000_000 + i)).collect::<Result<_>>()?;
        Ok(Self { providers, tenants })
    }

    fn genesis(&self) -> Result<Vec<u8>> {
        let mut genesis = agora_app::genesis::new_chain()?;
        for actor in self.providers.iter().chain(&self.tenants) {
            agora_app::genesis::add_account(&mut genesis, actor.address, &FUNDS.parse()?)?;
        }
        genesis.update_section::<DeploymentGenesis, String>("deployment", |d| {
            d.params.min_deposit = vec![Coin::new(Denom::native(), 1_000)];
            Ok(())
        })?;
        genesis.update_section::<MarketGenesis, String>("market", |m| {
            m.params.bid_min_deposit = Coin::new(Denom::native(), BID_DEPOSIT);
            Ok(())
        })?;
        genesis.update_section::<agora_provider::GenesisState, String>("provider", |p| {
            p.params.min_bond = Coin::new(Denom::native(), BOND);
            Ok(())
        })?;
        Ok(genesis.to_json()?)
    }

    /// Reads every actor's account number from the started chain.
    fn load_account_numbers(&mut self, app: &App) -> Result<()> {
        let snapshot = app.storage().latest_snapshot();
        for actor in self.providers.iter_mut().chain(self.tenants.iter_mut()) {
            let account = snapshot.account(&actor.address)?.ok_or("a funded account is missing")?;
            actor.number = account.account_number;
        }
        Ok(())
    }

    /// Lease `i` belongs to tenant `i % TENANTS` (deployment `i / TENANTS + 1`) and is served
    /// by provider `i % PROVIDERS`.
    fn parties(&self, i: u64) -> (usize, u64, usize) {
        ((i % TENANTS as u64) as usize, i / TENANTS as u64 + 1, (i % PROVIDERS as u64) as usize)
    }

    fn create_provider(&self, p: usize) -> Any {
        to_any(&ppb::MsgCreateProvider {
            owner: self.providers[p].bech32.clone(),
            host_uri: format!("https://provider-{p}.example.com"),
            attributes: Vec::new(),
            info: None,
            capacity: Some(Resources {
                cpu_millis: 1 << 40,
                memory_bytes: 1 << 60,
                storage: vec![StorageCapacity { class: "default".into(), bytes: 1 << 60 }],
                gpus: Vec::new(),
            }),
            bond: Some(Coin::new(Denom::native(), BOND).to_proto()),
            operator: String::new(),
        })
    }

    fn create_deployment(&self, i: u64) -> Any {
        let (t, dseq, _) = self.parties(i);
        to_any(&dpb::MsgCreateDeployment {
            id: Some(dpb::DeploymentId { owner: self.tenants[t].bech32.clone(), dseq }),
            groups: vec![dpb::GroupSpec {
                name: "web".into(),
                requirements: None,
                resources: vec![dpb::ResourceUnit {
                    cpu_millis: 100,
                    memory_bytes: 64 * MIB,
                    storage: vec![StorageCapacity { class: "default".into(), bytes: 16 * MIB }],
                    gpu: None,
                    count: 1,
                    price: Some(DecCoin { denom: "uagora".into(), amount: PRICE.into() }),
                }],
                auction: false,
            }],
            deposit: Some(PbCoin { denom: "uagora".into(), amount: DEPOSIT.to_string() }),
            version_hash: vec![1; 32],
        })
    }

    fn bid_id(&self, i: u64) -> mpb::BidId {
        let (t, dseq, p) = self.parties(i);
        mpb::BidId {
            owner: self.tenants[t].bech32.clone(),
            dseq,
            gseq: 1,
            oseq: 1,
            provider: self.providers[p].bech32.clone(),
        }
    }

    fn create_bid(&self, i: u64) -> Any {
        let id = self.bid_id(i);
        to_any(&mpb::MsgCreateBid {
            order_id: Some(mpb::OrderId { owner: id.owner, dseq: id.dseq, gseq: id.gseq, oseq: id.oseq }),
            provider: id.provider,
            price: Some(DecCoin { denom: "uagora".into(), amount: PRICE.into() }),
            deposit: Some(PbCoin { denom: "uagora".into(), amount: BID_DEPOSIT.to_string() }),
        })
    }

    fn create_lease(&self, i: u64) -> Any {
        to_any(&mpb::MsgCreateLease { bid_id: Some(self.bid_id(i)) })
    }

    fn withdraw_lease(&self, i: u64) -> Any {
        to_any(&mpb::MsgWithdrawLease { id: Some(self.bid_id(i)) })
    }

    /// Signs `messages` (each with the index of its signer: provider or tenant) in block order,
    /// so each signer's sequences increase through the block.
    fn sign(&mut self, messages: Vec<(Signer, Any)>) -> Vec<Vec<u8>> {
        let jobs: Vec<(Signer, u64, u64, Any)> = messages
            .into_iter()
            .map(|(signer, any)| {
                let actor = match signer {
                    Signer::Provider(p) => &mut self.providers[p],
                    Signer::Tenant(t) => &mut self.tenants[t],
                };
                actor.sequence += 1;
                (signer, actor.number, actor.sequence - 1, any)
            })
            .collect();
        jobs.into_par_iter()
            .map(|(signer, number, sequence, any)| {
                let key = match signer {
                    Signer::Provider(p) => &self.providers[p].key,
                    Signer::Tenant(t) => &self.tenants[t].key,
                };
                TxBuilder::new()
                    .any_message(any)
                    .fee("2000uagora".parse().unwrap_or_default())
                    .gas_limit(1_000_000)
                    .sign(key, CHAIN_ID, number, sequence)
            })
            .collect()
    }
}

#[derive(Clone, Copy)]
enum Signer {
    Provider(usize),
    Tenant(usize),
}

fn start_chain(world: &mut World) -> Result<(TestNode, tempfile::TempDir)> {
    let dir = tempfile::tempdir()?;
    let storage = Storage::open(dir.path(), agora_app::app::storage_config(KEEP_RECENT))?;
    let app = Arc::new(App::new(storage, AppConfig::default())?);
    let mut node = TestNode::start(app, CHAIN_ID, &world.genesis()?)?;
    node.make_block(vec![])?;
    world.load_account_numbers(node.app())?;
    Ok((node, dir))
}

fn expect_success(results: &[tendermint::abci::types::ExecTxResult]) -> Result<()> {
    match results.iter().find(|r| r.code.value() != 0) {
        Some(r) => Err(format!("a transaction failed: {} {} {}", r.codespace, r.code.value(), r.log).into()),
        None => Ok(()),
    }
}

fn median(mut samples: Vec<f64>) -> f64 {
    samples.sort_by(|a, b| a.total_cmp(b));
    samples.get(samples.len() / 2).copied().unwrap_or(f64::NAN)
}

/// `market_tps_app`: each timed block holds `batch` bids on fresh orders, `batch` lease
/// creations for the orders bid in the block before, and `batch` withdrawals from the leases
/// created in the block before that.
fn market_tps(batch: u64, rounds: u64) -> Result<()> {
    let mut world = World::new()?;
    let (mut node, _dir) = start_chain(&mut world)?;
    let providers = (0..PROVIDERS).map(|p| (Signer::Provider(p), world.create_provider(p))).collect();
    let txs = world.sign(providers);
    expect_success(&node.make_block(txs)?)?;

    let orders = batch * (rounds + 2);
    for start in (0..orders).step_by(2_000) {
        let deployments = (start..(start + 2_000).min(orders))
            .map(|i| (Signer::Tenant(world.parties(i).0), world.create_deployment(i)))
            .collect();
        let txs = world.sign(deployments);
        expect_success(&node.make_block(txs)?)?;
    }

    let mut rates = Vec::new();
    for round in 0..rounds + 2 {
        let mut messages = Vec::new();
        for k in 0..batch {
            let bid = round * batch + k;
            messages.push((Signer::Provider(world.parties(bid).2), world.create_bid(bid)));
            if round >= 1 {
                let lease = bid - batch;
                messages.push((Signer::Tenant(world.parties(lease).0), world.create_lease(lease)));
            }
            if round >= 2 {
                let withdrawal = bid - 2 * batch;
                messages.push((Signer::Provider(world.parties(withdrawal).2), world.withdraw_lease(withdrawal)));
            }
        }
        let txs = world.sign(messages);
        let count = txs.len();
        let height = node.height() + 1;
        let start = Instant::now();
        let results = node.finalize_and_commit(height, txs.into_iter().map(Into::into).collect())?;
        let elapsed = start.elapsed().as_secs_f64();
        expect_success(&results)?;
        // The first two blocks warm up the pipeline (no withdrawals yet).
        if round >= 2 {
            rates.push(count as f64 / elapsed);
        }
    }
    println!(
        "{}",
        serde_json::json!({
            "name": "market_tps_app", "value": median(rates).round(), "unit": "tx/s",
            "block_txs": 3 * batch, "mix": "1/3 bids, 1/3 lease creations, 1/3 withdrawals", "rounds": rounds,
        })
    );
    Ok(())
}

/// Places leases `from..to` through the market's handlers, `SEED_BLOCK` per committed block.
fn seed_leases(app: &App, world: &World, from: u64, to: u64) -> Result<()> {
    let mut next = from;
    let started = Instant::now();
    while next < to {
        let end = (next + SEED_BLOCK).min(to);
        let height = app.storage().latest_version() + 1;
        let ctx = BlockContext { time_unix_secs: 1_767_225_600 + height as i64, ..BlockContext::at(CHAIN_ID, height) };
        let components = app.components();
        let mut state = StateDelta::new(app.storage().latest_snapshot());
        if from == 0 && next == 0 {
            for p in 0..PROVIDERS {
                components.execute(&mut state, &ctx, &components.decode_msg(&world.create_provider(p))?)?;
            }
        }
        for i in next..end {
            for any in [world.create_deployment(i), world.create_bid(i), world.create_lease(i)] {
                components.execute(&mut state, &ctx, &components.decode_msg(&any)?)?;
            }
        }
        let prepared = app.storage().prepare_commit(state.into_changes())?;
        app.storage().commit(prepared)?;
        eprintln!("seeded {end} leases (height {height}, {:.0} s)", started.elapsed().as_secs_f64());
        next = end;
    }
    Ok(())
}

/// The harness resumes at the store's height, as a restarted node would (it reads `Info`).
fn resume(node: TestNode) -> Result<TestNode> {
    let app = node.app().clone();
    drop(node);
    Ok(TestNode::start(app, CHAIN_ID, &[])?)
}

/// `EndBlock` + `Commit` of empty blocks, driven on each app directly (as the ABCI service
/// would); per app, median milliseconds of the whole block and of its two halves.
///
/// The apps take turns, one block each, so every chain is timed in the same process and
/// machine state and only its lease count differs (timed one after the other, drift between
/// the two runs, say in the write-ahead log's write, showed as a 2x swing in the ratio).
/// Before timing, each chain's seeding blocks are pruned (`KEEP_RECENT` blocks later), so
/// their cleanup is not counted as an empty block's; its write buffers are flushed, so every
/// chain starts with equally empty memtables (a running node's fill cycles whatever its state
/// size); and its bulk load's background compactions are waited for, so they do not share the
/// CPU with the timed blocks.
fn empty_blocks_ms<const N: usize>(apps: [&App; N]) -> Result<[EmptyBlock; N]> {
    let no_txs: &[Vec<u8>] = &[];
    let block = |app: &App| -> Result<(f64, f64)> {
        let height = app.storage().latest_version() + 1;
        let start = Instant::now();
        app.finalize_block(BlockContext { time_unix_secs: 1_767_225_600 + height as i64, ..BlockContext::at("", height) }, no_txs)?;
        let finalized = start.elapsed().as_secs_f64() * 1e3;
        app.commit()?;
        let total = start.elapsed().as_secs_f64() * 1e3;
        Ok((finalized, total - finalized))
    };
    for app in apps {
        for _ in 0..=KEEP_RECENT {
            block(app)?;
        }
        app.storage().flush_and_wait_for_compactions()?;
    }
    let mut samples: [Vec<(f64, f64)>; N] = std::array::from_fn(|_| Vec::with_capacity(EMPTY_BLOCKS));
    for _ in 0..EMPTY_BLOCKS {
        for (app, samples) in apps.iter().zip(&mut samples) {
            samples.push(block(app)?);
        }
    }
    Ok(samples.map(|samples| EmptyBlock {
        total_ms: median(samples.iter().map(|(f, c)| f + c).collect()),
        end_block_ms: median(samples.iter().map(|(f, _)| *f).collect()),
        commit_ms: median(samples.iter().map(|(_, c)| *c).collect()),
    }))
}

struct EmptyBlock {
    total_ms: f64,
    end_block_ms: f64,
    commit_ms: f64,
}

/// Pages of 100 leases of provider 0, each page following the previous one's `next_key`.
fn leases_by_provider_ms(node: &TestNode, world: &World) -> Result<(f64, usize)> {
    use prost::Message;
    let mut samples = Vec::new();
    let mut next_key = Vec::new();
    let mut returned = 0;
    for _ in 0..20 {
        let request = mpb::QueryLeasesRequest {
            owner: String::new(),
            provider: world.providers[0].bech32.clone(),
            state: mpb::LeaseState::Active as i32,
            pagination: Some(PageRequest { key: next_key.clone(), limit: 100, ..Default::default() }),
        };
        let start = Instant::now();
        let answer = node.query("/agora.market.v1.Query/Leases", request.encode_to_vec(), 0, false)?;
        let page = mpb::QueryLeasesResponse::decode(answer.value.as_ref())?;
        samples.push(start.elapsed().as_secs_f64() * 1e3);
        if answer.code.value() != 0 || page.leases.is_empty() {
            return Err(format!("leases query: code {} ({}), {} leases", answer.code.value(), answer.log, page.leases.len()).into());
        }
        returned += page.leases.len();
        next_key = page.pagination.map(|p| p.next_key).unwrap_or_default();
        if next_key.is_empty() {
            break;
        }
    }
    Ok((median(samples), returned))
}

fn lease_state_benchmarks(large: u64) -> Result<()> {
    let mut world = World::new()?;
    let (small_node, _small_dir) = start_chain(&mut world)?;
    seed_leases(small_node.app(), &world, 0, 1_000)?;
    let (node, _dir) = start_chain(&mut world)?;
    let app = node.app().clone();
    seed_leases(&app, &world, 0, large)?;
    let [small, big] = empty_blocks_ms([small_node.app(), &app])?;
    println!(
        "{}",
        serde_json::json!({
            "name": "escrow_endblock_ms_1k_leases", "value": round3(small.total_ms), "unit": "ms", "leases": 1_000,
            "finalize_ms": round3(small.end_block_ms), "commit_ms": round3(small.commit_ms),
        })
    );
    let name = if large == 1_000_000 { "escrow_endblock_ms_1m_leases".to_string() } else { format!("escrow_endblock_ms_{large}_leases") };
    println!(
        "{}",
        serde_json::json!({
            "name": name, "value": round3(big.total_ms), "unit": "ms", "leases": large,
            "finalize_ms": round3(big.end_block_ms), "commit_ms": round3(big.commit_ms),
            "ratio_to_1k": round3(big.total_ms / small.total_ms),
        })
    );
    drop(small_node);

    let node = resume(node)?;
    let (query_ms, returned) = leases_by_provider_ms(&node, &world)?;
    println!(
        "{}",
        serde_json::json!({
            "name": "query_leases_by_provider_ms", "value": round3(query_ms), "unit": "ms",
            "page": 100, "pages": returned.div_ceil(100), "leases_in_state": large, "leases_of_provider": large / PROVIDERS as u64,
        })
    );
    Ok(())
}

fn round3(x: f64) -> f64 {
    (x * 1e3).round() / 1e3
}

fn main() -> Result<()> {
    let large = match std::env::var("AGORA_BENCH_LEASES") {
        Ok(n) => n.parse()?,
        Err(_) => 1_000_000,
    };
    let only: Vec<String> = std::env::args().skip(1).collect();
    let wanted = |name: &str| only.is_empty() || only.iter().any(|o| o == name);
    if wanted("tps") {
        market_tps(1_000, 5)?;
    }
    if wanted("leases") {
        lease_state_benchmarks(large)?;
    }
    Ok(())
}
