//! `agorad tx staking …` and `agorad query staking …`: the Cosmos SDK's staking commands
//! over the standard messages and queries. Validators are named by operator address
//! (`agoravaloper1…`) or by the key name of their operator; decimals print as decimals.

use std::path::Path;

use agora_tx::TxBuilder;
use agora_types::{Address, Dec, VALOPER_PREFIX};
use anyhow::{anyhow, Context, Result};
use base64::Engine as _;
use clap::{Args, Subcommand};
use cosmos_sdk_proto::cosmos::base::query::v1beta1::PageRequest;
use cosmos_sdk_proto::cosmos::staking::v1beta1 as pb;
use serde_json::{json, Value};

use crate::cmd::tx::{broadcast_signed, TxOpts};
use crate::cmd::resolve_address;
use crate::keyring::Keyring;
use crate::GlobalOpts;

#[derive(Args, Debug)]
pub struct From {
    /// Key name of the signer (in --home's keyring)
    #[arg(long)]
    pub from: String,
}

#[derive(Args, Debug, Clone)]
pub struct DescriptionArgs {
    /// Validator name
    #[arg(long)]
    pub moniker: Option<String>,
    #[arg(long)]
    pub details: Option<String>,
    #[arg(long)]
    pub website: Option<String>,
    #[arg(long)]
    pub identity: Option<String>,
    #[arg(long)]
    pub security_contact: Option<String>,
}

#[derive(Subcommand, Debug)]
pub enum StakingTx {
    /// Create a validator with this node's CometBFT key (or --pubkey) and a self-delegation
    CreateValidator {
        /// Self-delegation, e.g. 100000000uagora
        #[arg(long)]
        amount: String,
        /// Base64 ed25519 consensus key [default: HOME/config/priv_validator_key.json's]
        #[arg(long)]
        pubkey: Option<String>,
        #[command(flatten)]
        description: DescriptionArgs,
        #[arg(long, default_value = "0.1")]
        commission_rate: String,
        #[arg(long, default_value = "0.2")]
        commission_max_rate: String,
        #[arg(long, default_value = "0.01")]
        commission_max_change_rate: String,
        #[arg(long, default_value = "1")]
        min_self_delegation: String,
        #[command(flatten)]
        from: From,
        #[command(flatten)]
        common: TxOpts,
    },
    /// Change a validator's description, commission rate or minimum self-delegation
    EditValidator {
        #[command(flatten)]
        description: DescriptionArgs,
        #[arg(long)]
        commission_rate: Option<String>,
        #[arg(long)]
        min_self_delegation: Option<String>,
        #[command(flatten)]
        from: From,
        #[command(flatten)]
        common: TxOpts,
    },
    /// Delegate tokens to a validator
    Delegate {
        /// Validator (agoravaloper1…, or its operator's key name)
        validator: String,
        amount: String,
        #[command(flatten)]
        from: From,
        #[command(flatten)]
        common: TxOpts,
    },
    /// Undelegate tokens; they are paid out after the unbonding time
    Unbond {
        validator: String,
        amount: String,
        #[command(flatten)]
        from: From,
        #[command(flatten)]
        common: TxOpts,
    },
    /// Move a delegation to another validator at once
    Redelegate {
        src_validator: String,
        dst_validator: String,
        amount: String,
        #[command(flatten)]
        from: From,
        #[command(flatten)]
        common: TxOpts,
    },
    /// Delegate back (part of) an unbonding entry, named by its creation height
    CancelUnbond {
        validator: String,
        amount: String,
        creation_height: i64,
        #[command(flatten)]
        from: From,
        #[command(flatten)]
        common: TxOpts,
    },
}

/// A validator operator address: `agoravaloper1…`, an account address, or a key name.
pub fn validator_address(home: &Path, s: &str) -> Result<Address> {
    if let Ok(address) = Address::from_bech32_with(s, VALOPER_PREFIX) {
        return Ok(address);
    }
    resolve_address(home, s).map_err(|e| anyhow!("{s:?} is not an agoravaloper1… address either: {e}"))
}

fn valoper(address: &Address) -> String {
    address.to_bech32_with(VALOPER_PREFIX)
}

fn coin(s: &str) -> Result<cosmos_sdk_proto::cosmos::base::v1beta1::Coin> {
    let c: agora_types::Coin = s.parse().map_err(|e| anyhow!("invalid amount {s:?}: {e}"))?;
    Ok(c.to_proto())
}

/// A decimal flag as the protobuf form of a `LegacyDec` (atto units).
pub fn legacy_dec(flag: &str, value: &str) -> Result<String> {
    let dec: Dec = value.parse().map_err(|e| anyhow!("--{flag} {value:?}: {e}"))?;
    Ok(dec.to_atto_string())
}

/// The ed25519 public key of a node's CometBFT validator key file, and its consensus address.
pub fn node_consensus_key(home: &Path) -> Result<(Vec<u8>, String)> {
    let file = home.join("config").join("priv_validator_key.json");
    let key: Value = serde_json::from_slice(&std::fs::read(&file).with_context(|| format!("cannot read {}", file.display()))?)?;
    let value = key["pub_key"]["value"].as_str().context("priv_validator_key.json has no pub_key.value")?;
    let bytes = base64::engine::general_purpose::STANDARD.decode(value).context("pub_key.value is not base64")?;
    if key["pub_key"]["type"] != "tendermint/PubKeyEd25519" || bytes.len() != 32 {
        anyhow::bail!("{} does not hold an ed25519 key", file.display());
    }
    Ok((bytes, key["address"].as_str().unwrap_or_default().to_lowercase()))
}

pub struct NewValidator {
    pub operator: Address,
    pub pubkey: Vec<u8>,
    pub amount: String,
    pub description: pb::Description,
    pub rate: String,
    pub max_rate: String,
    pub max_change_rate: String,
    pub min_self_delegation: String,
}

pub fn create_validator_msg(v: NewValidator) -> Result<pb::MsgCreateValidator> {
    Ok(pb::MsgCreateValidator {
        description: Some(v.description),
        commission: Some(pb::CommissionRates {
            rate: legacy_dec("commission-rate", &v.rate)?,
            max_rate: legacy_dec("commission-max-rate", &v.max_rate)?,
            max_change_rate: legacy_dec("commission-max-change-rate", &v.max_change_rate)?,
        }),
        min_self_delegation: v.min_self_delegation,
        #[allow(deprecated)]
        delegator_address: String::new(),
        validator_address: valoper(&v.operator),
        pubkey: Some(cosmos_sdk_proto::Any {
            type_url: "/cosmos.crypto.ed25519.PubKey".into(),
            value: prost::Message::encode_to_vec(&cosmos_sdk_proto::cosmos::crypto::ed25519::PubKey { key: v.pubkey }),
        }),
        value: Some(coin(&v.amount)?),
    })
}

pub fn run_tx(g: &GlobalOpts, cmd: StakingTx) -> Result<()> {
    let home = g.home()?;
    let keyring = Keyring::open(&home);
    match cmd {
        StakingTx::CreateValidator {
            amount,
            pubkey,
            description,
            commission_rate,
            commission_max_rate,
            commission_max_change_rate,
            min_self_delegation,
            from,
            common,
        } => {
            let key = keyring.signing_key(&from.from)?;
            let pubkey = match pubkey {
                Some(b64) => base64::engine::general_purpose::STANDARD.decode(b64.trim()).context("--pubkey is not base64")?,
                None => node_consensus_key(&home)?.0,
            };
            let msg = create_validator_msg(NewValidator {
                operator: key.address(),
                pubkey,
                amount: amount.clone(),
                description: pb::Description {
                    moniker: description.moniker.clone().unwrap_or_else(|| from.from.clone()),
                    identity: description.identity.unwrap_or_default(),
                    website: description.website.unwrap_or_default(),
                    security_contact: description.security_contact.unwrap_or_default(),
                    details: description.details.unwrap_or_default(),
                },
                rate: commission_rate,
                max_rate: commission_max_rate,
                max_change_rate: commission_max_change_rate,
                min_self_delegation,
            })?;
            let summary = format!("create validator {} with {amount}", valoper(&key.address()));
            broadcast_signed(g, &key, TxBuilder::new().message(&msg), &common, &summary)
        }
        StakingTx::EditValidator { description, commission_rate, min_self_delegation, from, common } => {
            let key = keyring.signing_key(&from.from)?;
            let keep = |v: Option<String>| v.unwrap_or_else(|| "[do-not-modify]".into());
            let msg = pb::MsgEditValidator {
                description: Some(pb::Description {
                    moniker: keep(description.moniker),
                    identity: keep(description.identity),
                    website: keep(description.website),
                    security_contact: keep(description.security_contact),
                    details: keep(description.details),
                }),
                validator_address: valoper(&key.address()),
                commission_rate: commission_rate.map(|r| legacy_dec("commission-rate", &r)).transpose()?.unwrap_or_default(),
                min_self_delegation: min_self_delegation.unwrap_or_default(),
            };
            let summary = format!("edit validator {}", valoper(&key.address()));
            broadcast_signed(g, &key, TxBuilder::new().message(&msg), &common, &summary)
        }
        StakingTx::Delegate { validator, amount, from, common } => {
            let key = keyring.signing_key(&from.from)?;
            let validator = valoper(&validator_address(&home, &validator)?);
            let msg = pb::MsgDelegate { delegator_address: key.address().to_bech32(), validator_address: validator.clone(), amount: Some(coin(&amount)?) };
            broadcast_signed(g, &key, TxBuilder::new().message(&msg), &common, &format!("delegate {amount} to {validator}"))
        }
        StakingTx::Unbond { validator, amount, from, common } => {
            let key = keyring.signing_key(&from.from)?;
            let validator = valoper(&validator_address(&home, &validator)?);
            let msg = pb::MsgUndelegate { delegator_address: key.address().to_bech32(), validator_address: validator.clone(), amount: Some(coin(&amount)?) };
            broadcast_signed(g, &key, TxBuilder::new().message(&msg), &common, &format!("undelegate {amount} from {validator}"))
        }
        StakingTx::Redelegate { src_validator, dst_validator, amount, from, common } => {
            let key = keyring.signing_key(&from.from)?;
            let src = valoper(&validator_address(&home, &src_validator)?);
            let dst = valoper(&validator_address(&home, &dst_validator)?);
            let msg = pb::MsgBeginRedelegate {
                delegator_address: key.address().to_bech32(),
                validator_src_address: src.clone(),
                validator_dst_address: dst.clone(),
                amount: Some(coin(&amount)?),
            };
            broadcast_signed(g, &key, TxBuilder::new().message(&msg), &common, &format!("redelegate {amount} from {src} to {dst}"))
        }
        StakingTx::CancelUnbond { validator, amount, creation_height, from, common } => {
            let key = keyring.signing_key(&from.from)?;
            let validator = valoper(&validator_address(&home, &validator)?);
            let msg = pb::MsgCancelUnbondingDelegation {
                delegator_address: key.address().to_bech32(),
                validator_address: validator.clone(),
                amount: Some(coin(&amount)?),
                creation_height,
            };
            broadcast_signed(g, &key, TxBuilder::new().message(&msg), &common, &format!("cancel unbonding {amount} from {validator}"))
        }
    }
}

#[derive(Subcommand, Debug)]
pub enum StakingQuery {
    /// Validators, optionally of one status (bonded, unbonding, unbonded)
    Validators {
        #[arg(long)]
        status: Option<String>,
        #[command(flatten)]
        at: At,
    },
    Validator {
        validator: String,
        #[command(flatten)]
        at: At,
    },
    /// One delegation
    Delegation {
        delegator: String,
        validator: String,
        #[command(flatten)]
        at: At,
    },
    /// Every delegation of a delegator
    Delegations {
        delegator: String,
        #[command(flatten)]
        at: At,
    },
    /// Every delegation to a validator
    DelegationsTo {
        validator: String,
        #[command(flatten)]
        at: At,
    },
    UnbondingDelegation {
        delegator: String,
        validator: String,
        #[command(flatten)]
        at: At,
    },
    UnbondingDelegations {
        delegator: String,
        #[command(flatten)]
        at: At,
    },
    Redelegations {
        delegator: String,
        #[command(flatten)]
        at: At,
    },
    /// Tokens in the bonded and not-bonded pools
    Pool {
        #[command(flatten)]
        at: At,
    },
    Params {
        #[command(flatten)]
        at: At,
    },
    HistoricalInfo {
        height: i64,
        #[command(flatten)]
        at: At,
    },
}

#[derive(Args, Debug, Clone, Copy)]
pub struct At {
    /// Query at this height (default latest)
    #[arg(long)]
    pub height: Option<u64>,
}

/// A protobuf `LegacyDec` (atto integer) as its decimal.
pub fn dec(atto: &str) -> Value {
    Dec::from_atto_str(atto).map_or_else(|_| json!(atto), |d| json!(d.to_string()))
}

fn time(ts: Option<&cosmos_sdk_proto::Timestamp>) -> Value {
    ts.and_then(|t| {
        let secs = u64::try_from(t.seconds).ok()?;
        let nanos = u64::try_from(t.nanos).ok()?;
        Some(json!(agora_staking::event::rfc3339(secs.checked_mul(1_000_000_000)?.checked_add(nanos)?)))
    })
    .unwrap_or(Value::Null)
}

fn status_name(raw: i32) -> Value {
    json!(pb::BondStatus::try_from(raw).map(|s| s.as_str_name()).unwrap_or("BOND_STATUS_UNSPECIFIED"))
}

pub fn validator_json(v: &pb::Validator) -> Value {
    let rates = v.commission.as_ref().and_then(|c| c.commission_rates.clone()).unwrap_or_default();
    let key = v.consensus_pubkey.as_ref().and_then(|any| {
        <cosmos_sdk_proto::cosmos::crypto::ed25519::PubKey as prost::Message>::decode(any.value.as_slice()).ok()
    });
    json!({
        "operator_address": v.operator_address,
        "consensus_pubkey": {"@type": "/cosmos.crypto.ed25519.PubKey", "key": key.map(|k| base64::engine::general_purpose::STANDARD.encode(k.key))},
        "jailed": v.jailed,
        "status": status_name(v.status),
        "tokens": v.tokens,
        "delegator_shares": dec(&v.delegator_shares),
        "description": v.description.as_ref().map(|d| json!({
            "moniker": d.moniker, "identity": d.identity, "website": d.website,
            "security_contact": d.security_contact, "details": d.details,
        })),
        "unbonding_height": v.unbonding_height.to_string(),
        "unbonding_time": time(v.unbonding_time.as_ref()),
        "commission": {
            "commission_rates": {"rate": dec(&rates.rate), "max_rate": dec(&rates.max_rate), "max_change_rate": dec(&rates.max_change_rate)},
            "update_time": time(v.commission.as_ref().and_then(|c| c.update_time.as_ref())),
        },
        "min_self_delegation": v.min_self_delegation,
    })
}

fn delegation_json(d: &pb::DelegationResponse) -> Value {
    let delegation = d.delegation.clone().unwrap_or_default();
    json!({
        "delegation": {"delegator_address": delegation.delegator_address, "validator_address": delegation.validator_address, "shares": dec(&delegation.shares)},
        "balance": d.balance.as_ref().map(|c| json!({"denom": c.denom, "amount": c.amount})),
    })
}

fn unbonding_json(u: &pb::UnbondingDelegation) -> Value {
    json!({
        "delegator_address": u.delegator_address,
        "validator_address": u.validator_address,
        "entries": u.entries.iter().map(|e| json!({
            "creation_height": e.creation_height.to_string(),
            "completion_time": time(e.completion_time.as_ref()),
            "initial_balance": e.initial_balance,
            "balance": e.balance,
        })).collect::<Vec<_>>(),
    })
}

fn redelegation_json(r: &pb::RedelegationResponse) -> Value {
    let red = r.redelegation.clone().unwrap_or_default();
    json!({
        "delegator_address": red.delegator_address,
        "validator_src_address": red.validator_src_address,
        "validator_dst_address": red.validator_dst_address,
        "entries": r.entries.iter().map(|e| {
            let entry = e.redelegation_entry.clone().unwrap_or_default();
            json!({
                "creation_height": entry.creation_height.to_string(),
                "completion_time": time(entry.completion_time.as_ref()),
                "initial_balance": entry.initial_balance,
                "shares_dst": dec(&entry.shares_dst),
                "balance": e.balance,
            })
        }).collect::<Vec<_>>(),
    })
}

fn all() -> Option<PageRequest> {
    Some(PageRequest { limit: 1_000, ..Default::default() })
}

pub fn run_query(g: &GlobalOpts, cmd: StakingQuery) -> Result<Value> {
    let rpc = g.rpc();
    let home = g.home()?;
    let account = |s: &str| resolve_address(&home, s).map(|a| a.to_bech32());
    let operator = |s: &str| validator_address(&home, s).map(|a| valoper(&a));
    macro_rules! q {
        ($method:literal, $req:expr, $at:expr) => {
            rpc.query_proto(concat!("/cosmos.staking.v1beta1.Query/", $method), &$req, $at.height)?
        };
    }
    Ok(match cmd {
        StakingQuery::Validators { status, at } => {
            let status = match status.as_deref() {
                None => String::new(),
                Some(s) => format!("BOND_STATUS_{}", s.trim_start_matches("BOND_STATUS_").to_ascii_uppercase()),
            };
            let res: pb::QueryValidatorsResponse = q!("Validators", pb::QueryValidatorsRequest { status, pagination: all() }, at);
            json!({ "validators": res.validators.iter().map(validator_json).collect::<Vec<_>>() })
        }
        StakingQuery::Validator { validator, at } => {
            let res: pb::QueryValidatorResponse = q!("Validator", pb::QueryValidatorRequest { validator_addr: operator(&validator)? }, at);
            res.validator.as_ref().map(validator_json).unwrap_or(Value::Null)
        }
        StakingQuery::Delegation { delegator, validator, at } => {
            let req = pb::QueryDelegationRequest { delegator_addr: account(&delegator)?, validator_addr: operator(&validator)? };
            let res: pb::QueryDelegationResponse = q!("Delegation", req, at);
            res.delegation_response.as_ref().map(delegation_json).unwrap_or(Value::Null)
        }
        StakingQuery::Delegations { delegator, at } => {
            let req = pb::QueryDelegatorDelegationsRequest { delegator_addr: account(&delegator)?, pagination: all() };
            let res: pb::QueryDelegatorDelegationsResponse = q!("DelegatorDelegations", req, at);
            json!({ "delegation_responses": res.delegation_responses.iter().map(delegation_json).collect::<Vec<_>>() })
        }
        StakingQuery::DelegationsTo { validator, at } => {
            let req = pb::QueryValidatorDelegationsRequest { validator_addr: operator(&validator)?, pagination: all() };
            let res: pb::QueryValidatorDelegationsResponse = q!("ValidatorDelegations", req, at);
            json!({ "delegation_responses": res.delegation_responses.iter().map(delegation_json).collect::<Vec<_>>() })
        }
        StakingQuery::UnbondingDelegation { delegator, validator, at } => {
            let req = pb::QueryUnbondingDelegationRequest { delegator_addr: account(&delegator)?, validator_addr: operator(&validator)? };
            let res: pb::QueryUnbondingDelegationResponse = q!("UnbondingDelegation", req, at);
            res.unbond.as_ref().map(unbonding_json).unwrap_or(Value::Null)
        }
        StakingQuery::UnbondingDelegations { delegator, at } => {
            let req = pb::QueryDelegatorUnbondingDelegationsRequest { delegator_addr: account(&delegator)?, pagination: all() };
            let res: pb::QueryDelegatorUnbondingDelegationsResponse = q!("DelegatorUnbondingDelegations", req, at);
            json!({ "unbonding_responses": res.unbonding_responses.iter().map(unbonding_json).collect::<Vec<_>>() })
        }
        StakingQuery::Redelegations { delegator, at } => {
            let req = pb::QueryRedelegationsRequest { delegator_addr: account(&delegator)?, pagination: all(), ..Default::default() };
            let res: pb::QueryRedelegationsResponse = q!("Redelegations", req, at);
            json!({ "redelegation_responses": res.redelegation_responses.iter().map(redelegation_json).collect::<Vec<_>>() })
        }
        StakingQuery::Pool { at } => {
            let res: pb::QueryPoolResponse = q!("Pool", pb::QueryPoolRequest {}, at);
            let pool = res.pool.unwrap_or_default();
            json!({ "bonded_tokens": pool.bonded_tokens, "not_bonded_tokens": pool.not_bonded_tokens })
        }
        StakingQuery::Params { at } => {
            let res: pb::QueryParamsResponse = q!("Params", pb::QueryParamsRequest {}, at);
            let p = res.params.unwrap_or_default();
            json!({
                "unbonding_time": format!("{}s", p.unbonding_time.map_or(0, |d| d.seconds)),
                "max_validators": p.max_validators,
                "max_entries": p.max_entries,
                "historical_entries": p.historical_entries,
                "bond_denom": p.bond_denom,
                "min_commission_rate": dec(&p.min_commission_rate),
            })
        }
        StakingQuery::HistoricalInfo { height, at } => {
            let res: pb::QueryHistoricalInfoResponse = q!("HistoricalInfo", pb::QueryHistoricalInfoRequest { height }, at);
            let hist = res.hist.unwrap_or_default();
            let header = hist.header.unwrap_or_default();
            json!({
                "header": {"chain_id": header.chain_id, "height": header.height.to_string(), "next_validators_hash": hex::encode_upper(header.next_validators_hash)},
                "valset": hist.valset.iter().map(validator_json).collect::<Vec<_>>(),
            })
        }
    })
}
