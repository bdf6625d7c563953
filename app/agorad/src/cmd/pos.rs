//! `agorad tx|query distribution …`, `tx|query slashing …` and `query mint …`: the Cosmos
//! SDK's commands over the standard messages and queries. Decimals print as decimals.

use agora_tx::TxBuilder;
use agora_types::{Address, VALCONS_PREFIX, VALOPER_PREFIX};
use anyhow::{anyhow, Result};
use clap::Subcommand;
use cosmos_sdk_proto::cosmos::distribution::v1beta1 as dpb;
use cosmos_sdk_proto::cosmos::mint::v1beta1 as mpb;
use cosmos_sdk_proto::cosmos::slashing::v1beta1 as spb;
use serde_json::{json, Value};

use crate::cmd::resolve_address;
use crate::cmd::staking::{dec, validator_address, At, From};
use crate::cmd::tx::{broadcast_signed, TxOpts};
use crate::keyring::Keyring;
use crate::GlobalOpts;

#[derive(Subcommand, Debug)]
pub enum DistributionTx {
    /// Withdraw a delegation's rewards (and, with --commission, the validator's commission)
    WithdrawRewards {
        validator: String,
        /// Also withdraw the commission of the validator the signer operates
        #[arg(long)]
        commission: bool,
        #[command(flatten)]
        from: From,
        #[command(flatten)]
        common: TxOpts,
    },
    /// Withdraw the rewards of every delegation of the signer, in one transaction
    WithdrawAllRewards {
        #[command(flatten)]
        from: From,
        #[command(flatten)]
        common: TxOpts,
    },
    /// Send future rewards to another address
    SetWithdrawAddr {
        address: String,
        #[command(flatten)]
        from: From,
        #[command(flatten)]
        common: TxOpts,
    },
    /// Give coins to the community pool
    FundCommunityPool {
        amount: String,
        #[command(flatten)]
        from: From,
        #[command(flatten)]
        common: TxOpts,
    },
}

#[derive(Subcommand, Debug)]
pub enum SlashingTx {
    /// Bring the signer's validator back after its jail time
    Unjail {
        #[command(flatten)]
        from: From,
        #[command(flatten)]
        common: TxOpts,
    },
    /// Report a provider that signed two different capacity statements for one epoch (files
    /// written by `agorad provider sign-capacity`): it is slashed and tombstoned, the reporter
    /// rewarded
    ReportConflictingStatements {
        first: std::path::PathBuf,
        second: std::path::PathBuf,
        #[command(flatten)]
        from: From,
        #[command(flatten)]
        common: TxOpts,
    },
    /// As the provider (--from, its owner), register a device with the possession file
    /// `agorad provider sign-hardware` wrote for it
    RegisterHardware {
        file: std::path::PathBuf,
        #[command(flatten)]
        from: From,
        #[command(flatten)]
        common: TxOpts,
    },
    /// As the provider (--from), remove a device it no longer has (its possession file names it)
    RemoveHardware {
        file: std::path::PathBuf,
        #[command(flatten)]
        from: From,
        #[command(flatten)]
        common: TxOpts,
    },
    /// Report a device registered to one provider that claimed, over its registration's nonce,
    /// to be another's (the file `agorad provider sign-hardware --registered-to` wrote): the
    /// registered provider is slashed and tombstoned
    ReportDuplicateHardware {
        file: std::path::PathBuf,
        #[command(flatten)]
        from: From,
        #[command(flatten)]
        common: TxOpts,
    },
    #[command(flatten)]
    Dispute(crate::cmd::dispute::DisputeTx),
}

pub fn run_distribution_tx(g: &GlobalOpts, cmd: DistributionTx) -> Result<()> {
    let home = g.home()?;
    let keyring = Keyring::open(&home);
    match cmd {
        DistributionTx::WithdrawRewards { validator, commission, from, common } => {
            let key = keyring.signing_key(&from.from)?;
            let validator = validator_address(&home, &validator)?.to_bech32_with(VALOPER_PREFIX);
            let mut builder = TxBuilder::new().message(&dpb::MsgWithdrawDelegatorReward {
                delegator_address: key.address().to_bech32(),
                validator_address: validator.clone(),
            });
            if commission {
                builder = builder.message(&dpb::MsgWithdrawValidatorCommission { validator_address: key.address().to_bech32_with(VALOPER_PREFIX) });
            }
            broadcast_signed(g, &key, builder, &common, &format!("withdraw rewards from {validator}"))
        }
        DistributionTx::WithdrawAllRewards { from, common } => {
            let key = keyring.signing_key(&from.from)?;
            let res: dpb::QueryDelegatorValidatorsResponse = g.rpc().query_proto(
                "/cosmos.distribution.v1beta1.Query/DelegatorValidators",
                &dpb::QueryDelegatorValidatorsRequest { delegator_address: key.address().to_bech32() },
                None,
            )?;
            if res.validators.is_empty() {
                anyhow::bail!("{} has no delegation", key.address());
            }
            let mut builder = TxBuilder::new();
            for validator in &res.validators {
                builder = builder.message(&dpb::MsgWithdrawDelegatorReward { delegator_address: key.address().to_bech32(), validator_address: validator.clone() });
            }
            broadcast_signed(g, &key, builder, &common, &format!("withdraw rewards from {} validators", res.validators.len()))
        }
        DistributionTx::SetWithdrawAddr { address, from, common } => {
            let key = keyring.signing_key(&from.from)?;
            let to = resolve_address(&home, &address)?;
            let msg = dpb::MsgSetWithdrawAddress { delegator_address: key.address().to_bech32(), withdraw_address: to.to_bech32() };
            broadcast_signed(g, &key, TxBuilder::new().message(&msg), &common, &format!("send rewards to {to}"))
        }
        DistributionTx::FundCommunityPool { amount, from, common } => {
            let key = keyring.signing_key(&from.from)?;
            let coins: agora_types::Coins = amount.parse().map_err(|e| anyhow!("invalid amount {amount:?}: {e}"))?;
            let msg = dpb::MsgFundCommunityPool { amount: coins.to_protos(), depositor: key.address().to_bech32() };
            broadcast_signed(g, &key, TxBuilder::new().message(&msg), &common, &format!("fund the community pool with {amount}"))
        }
    }
}

pub fn run_slashing_tx(g: &GlobalOpts, cmd: SlashingTx) -> Result<()> {
    let home = g.home()?;
    match cmd {
        SlashingTx::Unjail { from, common } => {
            let key = Keyring::open(&home).signing_key(&from.from)?;
            let msg = spb::MsgUnjail { validator_addr: key.address().to_bech32_with(VALOPER_PREFIX) };
            broadcast_signed(g, &key, TxBuilder::new().message(&msg), &common, "unjail")
        }
        SlashingTx::ReportConflictingStatements { first, second, from, common } => {
            let key = Keyring::open(&home).signing_key(&from.from)?;
            crate::cmd::challenge::report_conflicting(g, &key, &first, &second, &common)
        }
        SlashingTx::RegisterHardware { file, from, common } => {
            let key = Keyring::open(&home).signing_key(&from.from)?;
            let (provider, pub_key, signature) = crate::cmd::challenge::read_possession(&file)?;
            if provider != key.address().to_bech32() {
                anyhow::bail!("{} was signed for {provider}, not for {} (--from)", file.display(), key.address());
            }
            let msg = agora_proto::slashing::v1::MsgRegisterHardware { provider: key.address().to_bech32(), pub_key: Some(pub_key), signature };
            broadcast_signed(g, &key, TxBuilder::new().message(&msg), &common, "register a device")
        }
        SlashingTx::RemoveHardware { file, from, common } => {
            let key = Keyring::open(&home).signing_key(&from.from)?;
            let (_, pub_key, _) = crate::cmd::challenge::read_possession(&file)?;
            let msg = agora_proto::slashing::v1::MsgRemoveHardware { provider: key.address().to_bech32(), pub_key: Some(pub_key) };
            broadcast_signed(g, &key, TxBuilder::new().message(&msg), &common, "remove a device")
        }
        SlashingTx::ReportDuplicateHardware { file, from, common } => {
            let key = Keyring::open(&home).signing_key(&from.from)?;
            let (claimed_for, pub_key, signature) = crate::cmd::challenge::read_possession(&file)?;
            let msg = agora_proto::slashing::v1::MsgReportDuplicateHardware { reporter: key.address().to_bech32(), pub_key: Some(pub_key), claimed_for, signature };
            broadcast_signed(g, &key, TxBuilder::new().message(&msg), &common, "report a device claimed by two providers")
        }
        SlashingTx::Dispute(cmd) => crate::cmd::dispute::run_tx(g, cmd),
    }
}

#[derive(Subcommand, Debug)]
pub enum DistributionQuery {
    /// A delegator's rewards: from one validator, or from each and in total
    Rewards {
        delegator: String,
        validator: Option<String>,
        #[command(flatten)]
        at: At,
    },
    Commission {
        validator: String,
        #[command(flatten)]
        at: At,
    },
    ValidatorOutstandingRewards {
        validator: String,
        #[command(flatten)]
        at: At,
    },
    /// A validator's slashes with infraction heights in [start-height, end-height] (0: no end)
    Slashes {
        validator: String,
        #[arg(default_value_t = 0)]
        start_height: u64,
        #[arg(default_value_t = 0)]
        end_height: u64,
        #[command(flatten)]
        at: At,
    },
    WithdrawAddr {
        delegator: String,
        #[command(flatten)]
        at: At,
    },
    CommunityPool {
        #[command(flatten)]
        at: At,
    },
    Params {
        #[command(flatten)]
        at: At,
    },
}

#[derive(Subcommand, Debug)]
pub enum SlashingQuery {
    /// A validator's liveness record (by agoravalcons1… address, or validator / key name)
    SigningInfo {
        validator: String,
        #[command(flatten)]
        at: At,
    },
    SigningInfos {
        #[command(flatten)]
        at: At,
    },
    Params {
        #[command(flatten)]
        at: At,
    },
    #[command(flatten)]
    Provider(crate::cmd::challenge::ChallengeQuery),
    #[command(flatten)]
    Dispute(crate::cmd::dispute::DisputeQuery),
}

#[derive(Subcommand, Debug)]
pub enum MintQuery {
    Params {
        #[command(flatten)]
        at: At,
    },
    Inflation {
        #[command(flatten)]
        at: At,
    },
    AnnualProvisions {
        #[command(flatten)]
        at: At,
    },
}

fn dec_bytes(bytes: &[u8]) -> Value {
    dec(std::str::from_utf8(bytes).unwrap_or_default())
}

fn dec_coins(coins: &[cosmos_sdk_proto::cosmos::base::v1beta1::DecCoin]) -> Value {
    json!(coins.iter().map(|c| json!({"denom": c.denom, "amount": dec(&c.amount)})).collect::<Vec<_>>())
}

pub fn run_distribution_query(g: &GlobalOpts, cmd: DistributionQuery) -> Result<Value> {
    let rpc = g.rpc();
    let home = g.home()?;
    let valoper = |s: &str| validator_address(&home, s).map(|a| a.to_bech32_with(VALOPER_PREFIX));
    macro_rules! q {
        ($method:literal, $req:expr, $at:expr) => {
            rpc.query_proto(concat!("/cosmos.distribution.v1beta1.Query/", $method), &$req, $at.height)?
        };
    }
    Ok(match cmd {
        DistributionQuery::Rewards { delegator, validator: Some(validator), at } => {
            let req = dpb::QueryDelegationRewardsRequest { delegator_address: resolve_address(&home, &delegator)?.to_bech32(), validator_address: valoper(&validator)? };
            let res: dpb::QueryDelegationRewardsResponse = q!("DelegationRewards", req, at);
            json!({ "rewards": dec_coins(&res.rewards) })
        }
        DistributionQuery::Rewards { delegator, validator: None, at } => {
            let req = dpb::QueryDelegationTotalRewardsRequest { delegator_address: resolve_address(&home, &delegator)?.to_bech32() };
            let res: dpb::QueryDelegationTotalRewardsResponse = q!("DelegationTotalRewards", req, at);
            json!({
                "rewards": res.rewards.iter().map(|r| json!({"validator_address": r.validator_address, "reward": dec_coins(&r.reward)})).collect::<Vec<_>>(),
                "total": dec_coins(&res.total),
            })
        }
        DistributionQuery::Commission { validator, at } => {
            let res: dpb::QueryValidatorCommissionResponse = q!("ValidatorCommission", dpb::QueryValidatorCommissionRequest { validator_address: valoper(&validator)? }, at);
            json!({ "commission": dec_coins(&res.commission.unwrap_or_default().commission) })
        }
        DistributionQuery::ValidatorOutstandingRewards { validator, at } => {
            let req = dpb::QueryValidatorOutstandingRewardsRequest { validator_address: valoper(&validator)? };
            let res: dpb::QueryValidatorOutstandingRewardsResponse = q!("ValidatorOutstandingRewards", req, at);
            json!({ "rewards": dec_coins(&res.rewards.unwrap_or_default().rewards) })
        }
        DistributionQuery::Slashes { validator, start_height, end_height, at } => {
            let req = dpb::QueryValidatorSlashesRequest {
                validator_address: valoper(&validator)?,
                starting_height: start_height,
                ending_height: end_height,
                pagination: None,
            };
            let res: dpb::QueryValidatorSlashesResponse = q!("ValidatorSlashes", req, at);
            json!({
                "slashes": res.slashes.iter().map(|s| json!({"validator_period": s.validator_period.to_string(), "fraction": dec(&s.fraction)})).collect::<Vec<_>>()
            })
        }
        DistributionQuery::WithdrawAddr { delegator, at } => {
            let req = dpb::QueryDelegatorWithdrawAddressRequest { delegator_address: resolve_address(&home, &delegator)?.to_bech32() };
            let res: dpb::QueryDelegatorWithdrawAddressResponse = q!("DelegatorWithdrawAddress", req, at);
            json!({ "withdraw_address": res.withdraw_address })
        }
        DistributionQuery::CommunityPool { at } => {
            let res: dpb::QueryCommunityPoolResponse = q!("CommunityPool", dpb::QueryCommunityPoolRequest {}, at);
            json!({ "pool": dec_coins(&res.pool) })
        }
        DistributionQuery::Params { at } => {
            let res: dpb::QueryParamsResponse = q!("Params", dpb::QueryParamsRequest {}, at);
            let p = res.params.unwrap_or_default();
            json!({ "community_tax": dec(&p.community_tax), "withdraw_addr_enabled": p.withdraw_addr_enabled })
        }
    })
}

pub fn run_slashing_query(g: &GlobalOpts, cmd: SlashingQuery) -> Result<Value> {
    let rpc = g.rpc();
    let home = g.home()?;
    let info_json = |i: &spb::ValidatorSigningInfo| {
        json!({
            "address": i.address,
            "start_height": i.start_height.to_string(),
            "index_offset": i.index_offset.to_string(),
            "jailed_until": i.jailed_until.as_ref().map(|t| t.seconds.to_string()),
            "tombstoned": i.tombstoned,
            "missed_blocks_counter": i.missed_blocks_counter.to_string(),
        })
    };
    Ok(match cmd {
        SlashingQuery::SigningInfo { validator, at } => {
            let address = match Address::from_bech32_with(&validator, VALCONS_PREFIX) {
                Ok(_) => validator,
                Err(_) => {
                    // A validator or key name: its consensus address from staking.
                    let operator = validator_address(&home, &validator)?.to_bech32_with(VALOPER_PREFIX);
                    let res: cosmos_sdk_proto::cosmos::staking::v1beta1::QueryValidatorResponse = rpc.query_proto(
                        "/cosmos.staking.v1beta1.Query/Validator",
                        &cosmos_sdk_proto::cosmos::staking::v1beta1::QueryValidatorRequest { validator_addr: operator },
                        at.height,
                    )?;
                    let key = res.validator.and_then(|v| v.consensus_pubkey).ok_or_else(|| anyhow!("validator has no consensus key"))?;
                    let key: cosmos_sdk_proto::cosmos::crypto::ed25519::PubKey = prost::Message::decode(key.value.as_slice())?;
                    let bytes = <[u8; 32]>::try_from(key.key.as_slice()).map_err(|_| anyhow!("consensus key is not 32 bytes"))?;
                    Address::new(agora_staking::types::consensus_address(&bytes)).to_bech32_with(VALCONS_PREFIX)
                }
            };
            let res: spb::QuerySigningInfoResponse =
                rpc.query_proto("/cosmos.slashing.v1beta1.Query/SigningInfo", &spb::QuerySigningInfoRequest { cons_address: address }, at.height)?;
            res.val_signing_info.as_ref().map(info_json).unwrap_or(Value::Null)
        }
        SlashingQuery::SigningInfos { at } => {
            let req = spb::QuerySigningInfosRequest { pagination: Some(cosmos_sdk_proto::cosmos::base::query::v1beta1::PageRequest { limit: 1_000, ..Default::default() }) };
            let res: spb::QuerySigningInfosResponse = rpc.query_proto("/cosmos.slashing.v1beta1.Query/SigningInfos", &req, at.height)?;
            json!({ "info": res.info.iter().map(info_json).collect::<Vec<_>>() })
        }
        SlashingQuery::Params { at } => {
            let res: spb::QueryParamsResponse = rpc.query_proto("/cosmos.slashing.v1beta1.Query/Params", &spb::QueryParamsRequest {}, at.height)?;
            let p = res.params.unwrap_or_default();
            json!({
                "signed_blocks_window": p.signed_blocks_window.to_string(),
                "min_signed_per_window": dec_bytes(&p.min_signed_per_window),
                "downtime_jail_duration": format!("{}s", p.downtime_jail_duration.map_or(0, |d| d.seconds)),
                "slash_fraction_double_sign": dec_bytes(&p.slash_fraction_double_sign),
                "slash_fraction_downtime": dec_bytes(&p.slash_fraction_downtime),
            })
        }
        SlashingQuery::Provider(query) => crate::cmd::challenge::run_query(g, query)?,
        SlashingQuery::Dispute(query) => crate::cmd::dispute::run_query(g, query)?,
    })
}

pub fn run_mint_query(g: &GlobalOpts, cmd: MintQuery) -> Result<Value> {
    let rpc = g.rpc();
    Ok(match cmd {
        MintQuery::Params { at } => {
            let res: mpb::QueryParamsResponse = rpc.query_proto("/cosmos.mint.v1beta1.Query/Params", &mpb::QueryParamsRequest {}, at.height)?;
            let p = res.params.unwrap_or_default();
            json!({
                "mint_denom": p.mint_denom,
                "inflation_rate_change": dec(&p.inflation_rate_change),
                "inflation_max": dec(&p.inflation_max),
                "inflation_min": dec(&p.inflation_min),
                "goal_bonded": dec(&p.goal_bonded),
                "blocks_per_year": p.blocks_per_year.to_string(),
            })
        }
        MintQuery::Inflation { at } => {
            let res: mpb::QueryInflationResponse = rpc.query_proto("/cosmos.mint.v1beta1.Query/Inflation", &mpb::QueryInflationRequest {}, at.height)?;
            json!({ "inflation": dec_bytes(&res.inflation) })
        }
        MintQuery::AnnualProvisions { at } => {
            let res: mpb::QueryAnnualProvisionsResponse =
                rpc.query_proto("/cosmos.mint.v1beta1.Query/AnnualProvisions", &mpb::QueryAnnualProvisionsRequest {}, at.height)?;
            json!({ "annual_provisions": dec_bytes(&res.annual_provisions) })
        }
    })
}
