//! The modules Agora is made of, in the order their genesis sections are written and their
//! block hooks run. Adding a module is adding its component here, and nowhere else: message
//! routing, query services (ABCI and gRPC), genesis sections and module accounts all follow
//! from this list.

use agora_auth::AuthComponent;
use agora_bank::BankComponent;
use agora_component::{Components, ComponentsBuilder, RegistryError};
use agora_consensus::ConsensusComponent;
use agora_escrow::EscrowComponent;
use agora_market::{DeploymentComponent, MarketComponent, MarketEscrowHooks};
use agora_provider::ProviderComponent;
use agora_distribution::DistributionComponent;
use agora_gov::GovComponent;
use agora_ibc::IbcComponent;
use agora_incentive::IncentiveComponent;
use agora_mint::MintComponent;
use agora_slashing::SlashingComponent;
use agora_staking::StakingComponent;
use agora_upgrade::UpgradeComponent;

use crate::genutil::GenutilComponent;
use crate::incentives::Incentives;
use crate::provider_penalties::{ProviderFollowers, ProviderPenalties};
use crate::keepers::{market_keepers, AppStakingHooks, Bank, Consensus, Staking, Upgrades};

pub fn components() -> Result<Components, RegistryError> {
    components_builder().build()
}

/// Agora's components, before wiring: tests add their own after them.
pub fn components_builder() -> ComponentsBuilder {
    Components::builder()
        // First: every other section may rely on the consensus parameters being valid.
        .with(ConsensusComponent::default())
        // Its block work (applying a plan due at this height) runs before every component's
        // hooks, from the application (`App::finalize_block`); here: messages, queries and
        // the version map a new chain starts with.
        .with(UpgradeComponent::default())
        .with(AuthComponent::default())
        .with(BankComponent::default())
        // First of the block's begin hooks after bank: this block's provision is in the fee
        // collector before anything shares it out.
        .with(MintComponent::new(Bank, Staking))
        // The incentive pool takes its share of the provision before distribution shares out
        // the rest; an epoch that ends prices its GPU-time here.
        .with(IncentiveComponent::new(Bank, Incentives, Incentives))
        // Then the fees and the provision go to the last commit's signers and the community.
        .with(DistributionComponent::new(Bank, Staking))
        // Before staking: the last commit's votes and the block's evidence are judged against
        // the stake that signed them, before anything else moves it.
        // Providers' liveness challenges are judged and drawn here too.
        .with(SlashingComponent::new(Staking, Consensus).with_provider_penalties(ProviderPenalties))
        // Before staking's end of block: a passed proposal's changes (parameters, spends) are
        // in place when the validator set is computed, as in the SDK's order.
        .with(GovComponent::new(Bank, Staking))
        .with(StakingComponent::new(Bank).with_hooks(AppStakingHooks))
        // After staking, whose begin hook records this block's header: IBC's own consensus
        // states are read from the headers staking keeps.
        .with(IbcComponent::new(Bank, Staking, Upgrades))
        .with(ProviderComponent::new(Bank).with_hooks(ProviderFollowers))
        // Before the market: an account that runs dry stops its deployment (the hook) before
        // the market's auctions and expiries run.
        .with(EscrowComponent::new(MarketEscrowHooks::new(market_keepers()), Bank))
        .with(DeploymentComponent::new(market_keepers()))
        .with(MarketComponent::new(market_keepers()))
        // Holds the gentxs, which `InitChain` delivers once every section is written.
        .with(GenutilComponent)
}
