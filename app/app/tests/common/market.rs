//! The marketplace fixtures shared by the app tests: funded actors, providers of A100s,
//! GPU deployments, bids and leases.

use agora_genesis::AppState;
use agora_proto::base::v1::{Attribute, DecCoin, GpuClass, Resources, StorageCapacity};
use agora_proto::deployment::v1 as dpb;
use agora_proto::market::v1 as mpb;
use agora_proto::provider::v1 as ppb;
use agora_tx::SigningKey;
use agora_types::{Address, Coin};
use tendermint::abci::types::ExecTxResult;

use super::*;

/// Gas limit of the actors' transactions.
pub const MARKET_GAS: u64 = 400_000;
pub const FEE_AMOUNT: u128 = 5_000;
pub const FUNDS: u128 = 1_000_000_000;
pub const BOND: u128 = 1_000_000;
pub const BID_DEPOSIT: u128 = 10_000;
pub const AUCTION_WINDOW: u64 = 3;
pub const ORDER_TTL: u64 = 40;
pub const GIB: u64 = 1 << 30;

/// A funded account that signs transactions with increasing sequences.
pub struct Actor {
    pub key: SigningKey,
    pub number: u64,
    pub sequence: u64,
}

impl Actor {
    pub fn address(&self) -> Address {
        self.key.address()
    }

    /// A transaction with room for the market's heavier messages (a lease moves escrow,
    /// capacity and incentive records).
    pub fn tx<M: prost::Name>(&mut self, msg: &M) -> Vec<u8> {
        self.tx_with_gas(msg, MARKET_GAS)
    }

    /// A transaction with its own gas limit.
    pub fn tx_with_gas<M: prost::Name>(&mut self, msg: &M, gas: u64) -> Vec<u8> {
        let tx = agora_tx::TxBuilder::new()
            .any_message(to_any(msg))
            .fee(coins(FEE))
            .gas_limit(gas)
            .sign(&self.key, CHAIN_ID, self.number, self.sequence);
        self.sequence += 1;
        tx
    }
}

pub struct Market {
    pub chain: Chain,
    pub alice: Actor,
    pub bob: Actor,
    pub carol: Actor,
    pub auditor: Actor,
}

pub fn genesis(funded: &[Address]) -> AppState {
    let mut genesis = agora_app::genesis::new_chain().expect("genesis");
    // The take is measured in the community pool, which inflation would feed too.
    without_inflation(&mut genesis);
    for address in funded {
        agora_app::genesis::add_account(&mut genesis, *address, &coins(&format!("{FUNDS}uagora,1000000uusdc"))).expect("fund");
    }
    genesis
        .update_section::<agora_provider::GenesisState, String>("provider", |provider| {
            provider.params.min_bond = Coin::new(agora_types::Denom::native(), BOND);
            provider.params.unbonding_blocks = 5;
            Ok(())
        })
        .expect("provider");
    // These providers run no challenge watcher: the liveness tests turn challenges on.
    genesis
        .update_section::<agora_slashing::GenesisState, String>("slashing", |slashing| {
            slashing.provider_penalties.params.challenges_per_block = 0;
            Ok(())
        })
        .expect("slashing");
    genesis
        .update_section::<agora_market::genesis::MarketGenesis, String>("market", |market| {
            market.params.order_ttl_blocks = ORDER_TTL;
            market.params.auction_window_blocks = AUCTION_WINDOW;
            market.params.bid_min_deposit = Coin::new(agora_types::Denom::native(), BID_DEPOSIT);
            Ok(())
        })
        .expect("market");
    genesis
        .update_section::<agora_market::genesis::DeploymentGenesis, String>("deployment", |deployment| {
            deployment.params.min_deposit = vec![Coin::new(agora_types::Denom::native(), 1_000)];
            Ok(())
        })
        .expect("deployment");
    genesis
}

pub fn market() -> Market {
    market_with(|_| {})
}

/// A market whose market parameters `tune` changes at genesis.
pub fn market_with(tune: impl FnOnce(&mut agora_market::MarketParams)) -> Market {
    market_from_genesis(|genesis| {
        genesis
            .update_section::<agora_market::genesis::MarketGenesis, String>("market", |market| {
                tune(&mut market.params);
                Ok(())
            })
            .expect("market");
    })
}

/// A market whose genesis `tune` changes after the defaults above.
pub fn market_from_genesis(tune: impl FnOnce(&mut AppState)) -> Market {
    let keys = [key(11), key(12), key(13), key(14)];
    let addresses: Vec<Address> = keys.iter().map(SigningKey::address).collect();
    let mut genesis = genesis(&addresses);
    tune(&mut genesis);
    let chain = chain_from_genesis(&genesis);
    let [a, b, c, d] = keys;
    let actor = |key: SigningKey| {
        let number = chain.account(&key.address()).expect("funded account").account_number;
        Actor { key, number, sequence: 0 }
    };
    let (alice, bob, carol, auditor) = (actor(a), actor(b), actor(c), actor(d));
    Market { chain, alice, bob, carol, auditor }
}

pub fn ok(results: &[ExecTxResult]) {
    for (i, r) in results.iter().enumerate() {
        assert_eq!(r.code.value(), 0, "tx {i}: {} {}", r.codespace, r.log);
    }
}

pub fn a100s(count: u32) -> GpuClass {
    GpuClass { vendor: "nvidia".into(), model: "a100".into(), vram_gib: 80, interface: "sxm".into(), count }
}

pub fn capacity(gpus: u32) -> Resources {
    Resources {
        cpu_millis: 128_000,
        memory_bytes: 1024 * GIB,
        storage: vec![StorageCapacity { class: "default".into(), bytes: 10_240 * GIB }],
        gpus: vec![a100s(gpus)],
    }
}

pub fn create_provider(owner: &Actor, gpus: u32) -> ppb::MsgCreateProvider {
    ppb::MsgCreateProvider {
        owner: owner.address().to_bech32(),
        host_uri: "https://provider.example.com".into(),
        attributes: vec![Attribute { key: "region".into(), value: "eu".into() }],
        info: Some(ppb::ProviderInfo { email: "ops@example.com".into(), website: "https://example.com".into() }),
        capacity: Some(capacity(gpus)),
        bond: Some(Coin::new(agora_types::Denom::native(), BOND).to_proto()),
        operator: String::new(),
    }
}

/// A group of `replicas` replicas of 2 A100s each, at most `price` per replica per block.
pub fn gpu_group(name: &str, replicas: u32, price: &str, auction: bool) -> dpb::GroupSpec {
    dpb::GroupSpec {
        name: name.into(),
        requirements: Some(dpb::PlacementRequirements {
            attributes: vec![Attribute { key: "region".into(), value: "eu".into() }],
            signed_by: None,
        }),
        resources: vec![dpb::ResourceUnit {
            cpu_millis: 8_000,
            memory_bytes: 64 * GIB,
            storage: vec![StorageCapacity { class: "default".into(), bytes: 100 * GIB }],
            gpu: Some(dpb::GpuRequest { count: 2, vendor: "nvidia".into(), model: "a100".into(), min_vram_gib: 40, interface: String::new() }),
            count: replicas,
            price: Some(DecCoin { denom: "uagora".into(), amount: price.into() }),
        }],
        auction,
    }
}

pub fn create_deployment(owner: &Actor, dseq: u64, groups: Vec<dpb::GroupSpec>, deposit: u128) -> dpb::MsgCreateDeployment {
    dpb::MsgCreateDeployment {
        id: Some(dpb::DeploymentId { owner: owner.address().to_bech32(), dseq }),
        groups,
        deposit: Some(pb_coin("uagora", &deposit.to_string())),
        version_hash: vec![7; 32],
    }
}

pub fn order_id(owner: &Actor, dseq: u64, gseq: u32, oseq: u32) -> mpb::OrderId {
    mpb::OrderId { owner: owner.address().to_bech32(), dseq, gseq, oseq }
}

pub fn bid_id(owner: &Actor, dseq: u64, gseq: u32, oseq: u32, provider: &Actor) -> mpb::BidId {
    mpb::BidId { owner: owner.address().to_bech32(), dseq, gseq, oseq, provider: provider.address().to_bech32() }
}

pub fn create_bid(order: mpb::OrderId, provider: &Actor, price: &str) -> mpb::MsgCreateBid {
    mpb::MsgCreateBid {
        order_id: Some(order),
        provider: provider.address().to_bech32(),
        price: Some(DecCoin { denom: "uagora".into(), amount: price.into() }),
        deposit: Some(pb_coin("uagora", &BID_DEPOSIT.to_string())),
    }
}

impl Market {
    pub fn block(&mut self, txs: Vec<Vec<u8>>) -> Vec<ExecTxResult> {
        self.chain.block(txs)
    }

    pub fn empty_blocks(&mut self, n: u64) {
        for _ in 0..n {
            self.chain.block(vec![]);
        }
    }

    pub fn height(&self) -> u64 {
        self.chain.node.height()
    }

    pub fn uagora(&self, address: &Address) -> u128 {
        self.chain.balance(address, "uagora")
    }

    pub fn lease(&self, id: &mpb::BidId) -> mpb::QueryLeaseResponse {
        self.chain
            .node
            .query_proto("/agora.market.v1.Query/Lease", &mpb::QueryLeaseRequest { id: Some(id.clone()) })
            .expect("lease")
    }

    pub fn deployment(&self, owner: &Actor, dseq: u64) -> dpb::QueryDeploymentResponse {
        self.chain
            .node
            .query_proto(
                "/agora.deployment.v1.Query/Deployment",
                &dpb::QueryDeploymentRequest { id: Some(dpb::DeploymentId { owner: owner.address().to_bech32(), dseq }) },
            )
            .expect("deployment")
    }

    pub fn provider(&self, owner: &Actor) -> ppb::Provider {
        let res: ppb::QueryProviderResponse = self
            .chain
            .node
            .query_proto("/agora.provider.v1.Query/Provider", &ppb::QueryProviderRequest { owner: owner.address().to_bech32() })
            .expect("provider");
        res.provider.expect("provider record")
    }

    /// Alice deploys one group of one replica at `price` with `deposit`, bob bids `price` and
    /// alice accepts: the lease's id.
    pub fn leased(&mut self, dseq: u64, price: &str, deposit: u128) -> mpb::BidId {
        let tx = self.alice.tx(&create_deployment(&self.alice, dseq, vec![gpu_group("gpu", 1, price, false)], deposit));
        ok(&self.block(vec![tx]));
        let tx = self.bob.tx(&create_bid(order_id(&self.alice, dseq, 1, 1), &self.bob, price));
        ok(&self.block(vec![tx]));
        let lease = bid_id(&self.alice, dseq, 1, 1, &self.bob);
        let tx = self.alice.tx(&mpb::MsgCreateLease { bid_id: Some(lease.clone()) });
        ok(&self.block(vec![tx]));
        lease
    }

    /// Registers bob (and carol) as providers of `gpus` A100s each.
    pub fn with_providers(&mut self, gpus: u32) {
        let (b, c) = (create_provider(&self.bob, gpus), create_provider(&self.carol, gpus));
        let txs = vec![self.bob.tx(&b), self.carol.tx(&c)];
        ok(&self.block(txs));
    }
}

pub fn dec(s: &str) -> agora_types::Dec {
    s.parse().expect("dec")
}

pub fn dec_amount(coin: &Option<DecCoin>) -> agora_types::Dec {
    dec(&coin.as_ref().expect("amount").amount)
}

pub fn community_pool() -> Address {
    Address::module("community_pool")
}

