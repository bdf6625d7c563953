//! `cosmos.distribution.v1beta1.Query`: what Keplr's rewards view, cosmjs's distribution
//! extension and explorers read. Rewards are computed at the queried height without writing.

use agora_store::StateRead;
use agora_types::pagination::Page;
use agora_types::{Address, Dec, TxError, VALOPER_PREFIX};
use cosmos_sdk_proto::cosmos::base::query::v1beta1::{PageRequest, PageResponse};
use cosmos_sdk_proto::cosmos::distribution::v1beta1 as pb;
use prost::Message;

use crate::keepers::{BankKeeper, StakingKeeper};
use crate::rewards::accrued;
use crate::state::{keys, DistributionRead};
use crate::{DecCoins, COMMUNITY_POOL};

pub const SERVICE: &str = "cosmos.distribution.v1beta1.Query";

fn decode<M: Message + Default>(data: &[u8]) -> Result<M, TxError> {
    M::decode(data).map_err(|e| TxError::new("sdk", 2, format!("invalid request encoding: {e}")))
}

fn account(field: &str, value: &str) -> Result<Address, TxError> {
    if value.is_empty() {
        return Err(TxError::invalid_request(format!("empty {field}")));
    }
    value.parse().map_err(|e: agora_types::AddressError| TxError::new("sdk", 7, format!("{field}: {e}")))
}

fn operator(field: &str, value: &str) -> Result<Address, TxError> {
    if value.is_empty() {
        return Err(TxError::invalid_request(format!("empty {field}")));
    }
    Address::from_bech32_with(value, VALOPER_PREFIX).map_err(|e| TxError::new("sdk", 7, format!("{field}: {e}")))
}

/// A validator operator address that names an existing validator (`distribution` 12 otherwise).
fn known_validator(state: &dyn StateRead, staking: &dyn StakingKeeper, address: &str) -> Result<Address, TxError> {
    let validator = operator("validator_address", address)?;
    if staking.validator(state, &validator).map_err(internal)?.is_none() {
        return Err(crate::DistributionError::NoValidator(address.to_string()).into());
    }
    Ok(validator)
}

fn internal(e: crate::DistributionError) -> TxError {
    TxError::internal(e)
}

/// One page of `validator`'s slashes with infraction heights in `from..=to`, oldest first;
/// `validator_period` is the slash's ordinal among the validator's slashes.
fn validator_slashes(
    state: &dyn StateRead,
    validator: &Address,
    from: u64,
    to: u64,
    pagination: Option<&PageRequest>,
) -> Result<(Vec<pb::ValidatorSlashEvent>, PageResponse), TxError> {
    let page = Page::from_request(pagination).map_err(|e| TxError::invalid_request(e.to_string()))?;
    let prefix = keys::slashes_of(validator);
    let start = [prefix.as_slice(), &from.to_be_bytes()].concat().max([prefix.as_slice(), &page.key].concat());
    let split = |key: &[u8]| -> Option<(u64, u64)> {
        let tail = key.get(prefix.len()..)?;
        Some((u64::from_be_bytes(tail.get(..8)?.try_into().ok()?), u64::from_be_bytes(tail.get(8..16)?.try_into().ok()?)))
    };
    let items = state
        .prefix_raw(&prefix, Some(&start))
        .map(|item| item.map_err(TxError::internal))
        .take_while(|item| item.as_ref().map_or(true, |(key, _)| split(key).is_some_and(|(height, _)| height <= to)))
        .map(|item| item.map(|(key, value)| (key[prefix.len()..].to_vec(), value)));
    page.collect(items, |tail, value| {
        let ordinal = tail.get(8..16).and_then(|b| b.try_into().ok()).map_or(0, u64::from_be_bytes);
        let fraction: Dec = borsh::from_slice(value).map_err(|e| TxError::internal(format!("corrupt slash record: {e}")))?;
        Ok(pb::ValidatorSlashEvent { validator_period: ordinal, fraction: fraction.to_atto_string() })
    })
}

/// A delegation's rewards so far (`None`: no delegation).
fn delegation_rewards(state: &dyn StateRead, staking: &dyn StakingKeeper, delegator: &Address, validator: &Address) -> Result<Option<DecCoins>, TxError> {
    let Some(shares) = staking.delegation_shares(state, delegator, validator).map_err(internal)? else { return Ok(None) };
    let index = state.validator_rewards(validator).map_err(internal)?.map(|r| r.index).unwrap_or_default();
    let start = state.delegation_start(delegator, validator).map_err(internal)?.unwrap_or_default();
    accrued(shares, &start, &index).map(Some).map_err(internal)
}

pub fn query(state: &dyn StateRead, bank: &dyn BankKeeper, staking: &dyn StakingKeeper, path: &str, data: &[u8]) -> Option<Result<Vec<u8>, TxError>> {
    let method = path.strip_prefix("/cosmos.distribution.v1beta1.Query/")?;
    let result = (|| -> Result<Vec<u8>, TxError> {
        Ok(match method {
            "Params" => pb::QueryParamsResponse { params: Some(state.distribution_params().map_err(internal)?.to_proto()) }.encode_to_vec(),
            "ValidatorOutstandingRewards" => {
                let req: pb::QueryValidatorOutstandingRewardsRequest = decode(data)?;
                let validator = known_validator(state, staking, &req.validator_address)?;
                let rewards = state.validator_rewards(&validator).map_err(internal)?.unwrap_or_default();
                pb::QueryValidatorOutstandingRewardsResponse {
                    rewards: Some(pb::ValidatorOutstandingRewards { rewards: rewards.outstanding.to_proto() }),
                }
                .encode_to_vec()
            }
            "ValidatorCommission" => {
                let req: pb::QueryValidatorCommissionRequest = decode(data)?;
                let validator = known_validator(state, staking, &req.validator_address)?;
                let rewards = state.validator_rewards(&validator).map_err(internal)?.unwrap_or_default();
                pb::QueryValidatorCommissionResponse {
                    commission: Some(pb::ValidatorAccumulatedCommission { commission: rewards.commission.to_proto() }),
                }
                .encode_to_vec()
            }
            "ValidatorDistributionInfo" => {
                let req: pb::QueryValidatorDistributionInfoRequest = decode(data)?;
                let validator = known_validator(state, staking, &req.validator_address)?;
                let commission = state.validator_rewards(&validator).map_err(internal)?.unwrap_or_default().commission;
                let self_bond = delegation_rewards(state, staking, &validator, &validator)?.unwrap_or_default();
                pb::QueryValidatorDistributionInfoResponse {
                    operator_address: validator.to_string(),
                    self_bond_rewards: self_bond.to_proto(),
                    commission: commission.to_proto(),
                }
                .encode_to_vec()
            }
            "ValidatorSlashes" => {
                let req: pb::QueryValidatorSlashesRequest = decode(data)?;
                let validator = operator("validator_address", &req.validator_address)?;
                // An ending height of 0 means no upper bound (the SDK would return nothing).
                let (from, to) = (req.starting_height, if req.ending_height == 0 { u64::MAX } else { req.ending_height });
                if from > to {
                    return Err(TxError::invalid_request(format!("starting height greater than ending height ({from} > {to})")));
                }
                let (slashes, pagination) = validator_slashes(state, &validator, from, to, req.pagination.as_ref())?;
                pb::QueryValidatorSlashesResponse { slashes, pagination: Some(pagination) }.encode_to_vec()
            }
            "DelegationRewards" => {
                let req: pb::QueryDelegationRewardsRequest = decode(data)?;
                let delegator = account("delegator_address", &req.delegator_address)?;
                let validator = operator("validator_address", &req.validator_address)?;
                if staking.validator(state, &validator).map_err(internal)?.is_none() {
                    return Err(TxError::not_found(format!("validator {} does not exist", req.validator_address)));
                }
                let rewards = delegation_rewards(state, staking, &delegator, &validator)?
                    .ok_or_else(|| TxError::not_found(format!("delegation does not exist: {} to {}", req.delegator_address, req.validator_address)))?;
                pb::QueryDelegationRewardsResponse { rewards: rewards.to_proto() }.encode_to_vec()
            }
            "DelegationTotalRewards" => {
                let req: pb::QueryDelegationTotalRewardsRequest = decode(data)?;
                let delegator = account("delegator_address", &req.delegator_address)?;
                let mut total = DecCoins::default();
                let mut rewards = Vec::new();
                for (validator, _) in staking.delegations_of(state, &delegator).map_err(internal)? {
                    let earned = delegation_rewards(state, staking, &delegator, &validator)?.unwrap_or_default();
                    total.add(&earned).map_err(internal)?;
                    rewards.push(pb::DelegationDelegatorReward { validator_address: validator.to_bech32_with(VALOPER_PREFIX), reward: earned.to_proto() });
                }
                pb::QueryDelegationTotalRewardsResponse { rewards, total: total.to_proto() }.encode_to_vec()
            }
            "DelegatorValidators" => {
                let req: pb::QueryDelegatorValidatorsRequest = decode(data)?;
                let delegator = account("delegator_address", &req.delegator_address)?;
                let validators = staking
                    .delegations_of(state, &delegator)
                    .map_err(internal)?
                    .into_iter()
                    .map(|(v, _)| v.to_bech32_with(VALOPER_PREFIX))
                    .collect();
                pb::QueryDelegatorValidatorsResponse { validators }.encode_to_vec()
            }
            "DelegatorWithdrawAddress" => {
                let req: pb::QueryDelegatorWithdrawAddressRequest = decode(data)?;
                let delegator = account("delegator_address", &req.delegator_address)?;
                pb::QueryDelegatorWithdrawAddressResponse { withdraw_address: state.withdraw_address(&delegator).map_err(internal)?.to_string() }
                    .encode_to_vec()
            }
            "CommunityPool" => {
                let mut pool = DecCoins::from_coins(&bank.balances(state, &Address::module(COMMUNITY_POOL)).map_err(internal)?);
                pool.add(&state.community_remainder().map_err(internal)?).map_err(internal)?;
                pb::QueryCommunityPoolResponse { pool: pool.to_proto() }.encode_to_vec()
            }
            _ => return Err(TxError::new("sdk", 6, "unknown method")),
        })
    })();
    match result {
        Err(e) if e.log == "unknown method" => None,
        other => Some(other),
    }
}
