//! `cosmos.staking.v1beta1.Query` with the standard request and response types: what Keplr's
//! staking page, cosmjs's staking extension, explorers and Hermes read.

use agora_store::StateRead;
use agora_types::pagination::Page;
use agora_types::{Address, Coin, TxError};
use cosmos_sdk_proto::cosmos::base::query::v1beta1::{PageRequest, PageResponse};
use cosmos_sdk_proto::cosmos::staking::v1beta1 as pb;
use prost::Message;

use crate::keepers::BankKeeper;
use crate::msg::valoper;
use crate::state::keys;
use crate::types::{BondStatus, Delegation, Redelegation, Validator};
use crate::{event, StakingError, StakingRead, BONDED_POOL, NOT_BONDED_POOL};

pub const SERVICE: &str = "cosmos.staking.v1beta1.Query";

fn decode<M: Message + Default>(data: &[u8]) -> Result<M, TxError> {
    M::decode(data).map_err(|e| TxError::new("sdk", 2, format!("invalid request encoding: {e}")))
}

fn internal(e: StakingError) -> TxError {
    TxError::internal(e)
}

fn account(field: &str, value: &str) -> Result<Address, TxError> {
    if value.is_empty() {
        return Err(TxError::invalid_request(format!("{field} cannot be empty")));
    }
    value.parse().map_err(|e: agora_types::AddressError| TxError::new("sdk", 7, format!("{field}: {e}")))
}

fn operator(field: &str, value: &str) -> Result<Address, TxError> {
    valoper(field, value).map_err(|e| TxError::new("sdk", 7, e.to_string()))
}

/// One page of the keys under `prefix` (tails relative to it), each mapped by `decode`.
fn page_under<S: StateRead + ?Sized, T>(
    state: &S,
    prefix: &[u8],
    pagination: Option<&PageRequest>,
    mut keep: impl FnMut(&[u8], &[u8]) -> Result<bool, TxError>,
    decode: impl FnMut(&[u8], &[u8]) -> Result<T, TxError>,
) -> Result<(Vec<T>, PageResponse), TxError> {
    let page = Page::from_request(pagination).map_err(|e| TxError::invalid_request(e.to_string()))?;
    let start = [prefix, page.key.as_slice()].concat();
    let items = state
        .prefix_raw(prefix, (!page.key.is_empty()).then_some(start.as_slice()))
        .map(|item| item.map(|(k, v)| (k[prefix.len()..].to_vec(), v)).map_err(TxError::internal))
        .filter_map(|item| match item {
            Ok((k, v)) => match keep(&k, &v) {
                Ok(true) => Some(Ok((k, v))),
                Ok(false) => None,
                Err(e) => Some(Err(e)),
            },
            Err(e) => Some(Err(e)),
        });
    page.collect(items, decode)
}

fn all(_: &[u8], _: &[u8]) -> Result<bool, TxError> {
    Ok(true)
}

fn validator_record(bytes: &[u8]) -> Result<Validator, TxError> {
    borsh::from_slice(bytes).map_err(|e| TxError::internal(format!("corrupt validator record: {e}")))
}

fn delegation_response<S: StateRead + ?Sized>(state: &S, delegation: &Delegation, denom: &agora_types::Denom) -> Result<pb::DelegationResponse, TxError> {
    let validator = state.validator(&delegation.validator).map_err(internal)?;
    let balance = validator.map_or(0, |v| v.tokens_for_shares(delegation.shares).floor().unwrap_or(0));
    Ok(pb::DelegationResponse {
        delegation: Some(delegation.to_proto()),
        balance: Some(Coin::new(denom.clone(), balance).to_proto()),
    })
}

fn redelegation_response<S: StateRead + ?Sized>(state: &S, red: &Redelegation) -> Result<pb::RedelegationResponse, TxError> {
    let dst = state.validator(&red.dst).map_err(internal)?;
    Ok(pb::RedelegationResponse {
        redelegation: Some(red.to_proto()),
        entries: red
            .entries
            .iter()
            .map(|entry| pb::RedelegationEntryResponse {
                redelegation_entry: Some(entry.to_proto()),
                balance: dst.as_ref().map_or(0, |v| v.tokens_for_shares(entry.shares_dst).floor().unwrap_or(0)).to_string(),
            })
            .collect(),
    })
}

/// Answers `path`; `None` if it is not one of this service's methods.
pub fn query<S: StateRead + ?Sized>(state: &S, bank: &dyn BankKeeper, path: &str, data: &[u8]) -> Option<Result<Vec<u8>, TxError>> {
    let method = path.strip_prefix("/cosmos.staking.v1beta1.Query/")?;
    let result = match method {
        "Validators" => validators(state, data),
        "Validator" => validator(state, data),
        "ValidatorDelegations" => validator_delegations(state, data),
        "ValidatorUnbondingDelegations" => validator_unbonding_delegations(state, data),
        "Delegation" => delegation(state, data),
        "UnbondingDelegation" => unbonding_delegation(state, data),
        "DelegatorDelegations" => delegator_delegations(state, data),
        "DelegatorUnbondingDelegations" => delegator_unbonding_delegations(state, data),
        "Redelegations" => redelegations(state, data),
        "DelegatorValidators" => delegator_validators(state, data),
        "DelegatorValidator" => delegator_validator(state, data),
        "HistoricalInfo" => historical_info(state, data),
        "Pool" => pool(state, bank),
        "Params" => state
            .staking_params()
            .map(|p| pb::QueryParamsResponse { params: Some(p.to_proto()) }.encode_to_vec())
            .map_err(internal),
        _ => return None,
    };
    Some(result)
}

fn validators<S: StateRead + ?Sized>(state: &S, data: &[u8]) -> Result<Vec<u8>, TxError> {
    let req: pb::QueryValidatorsRequest = decode(data)?;
    let status = match req.status.as_str() {
        "" => None,
        name => Some(BondStatus::from_name(name).ok_or_else(|| TxError::invalid_request(format!("invalid validator status {name}")))?),
    };
    let (validators, pagination) = page_under(
        state,
        keys::VALIDATOR_PREFIX,
        req.pagination.as_ref(),
        |_, value| Ok(status.is_none_or(|s| validator_record(value).is_ok_and(|v| v.status == s))),
        |_, value| Ok(validator_record(value)?.to_proto()),
    )?;
    Ok(pb::QueryValidatorsResponse { validators, pagination: Some(pagination) }.encode_to_vec())
}

fn load_validator<S: StateRead + ?Sized>(state: &S, address: &Address) -> Result<Validator, TxError> {
    state
        .validator(address)
        .map_err(internal)?
        .ok_or_else(|| TxError::not_found(format!("validator {} not found", event::valoper(address))))
}

fn validator<S: StateRead + ?Sized>(state: &S, data: &[u8]) -> Result<Vec<u8>, TxError> {
    let req: pb::QueryValidatorRequest = decode(data)?;
    let address = operator("validator_addr", &req.validator_addr)?;
    let validator = load_validator(state, &address)?;
    Ok(pb::QueryValidatorResponse { validator: Some(validator.to_proto()) }.encode_to_vec())
}

fn validator_delegations<S: StateRead + ?Sized>(state: &S, data: &[u8]) -> Result<Vec<u8>, TxError> {
    let req: pb::QueryValidatorDelegationsRequest = decode(data)?;
    let address = operator("validator_addr", &req.validator_addr)?;
    let denom = state.staking_params().map_err(internal)?.bond_denom;
    let (delegation_responses, pagination) =
        page_under(state, &keys::delegations_to(&address), req.pagination.as_ref(), all, |tail, _| {
            let [delegator] = keys::addresses::<1>(tail).ok_or_else(|| TxError::internal("corrupt delegation index"))?;
            let delegation = state
                .delegation(&delegator, &address)
                .map_err(internal)?
                .ok_or_else(|| TxError::internal("delegation index without a delegation"))?;
            delegation_response(state, &delegation, &denom)
        })?;
    Ok(pb::QueryValidatorDelegationsResponse { delegation_responses, pagination: Some(pagination) }.encode_to_vec())
}

fn validator_unbonding_delegations<S: StateRead + ?Sized>(state: &S, data: &[u8]) -> Result<Vec<u8>, TxError> {
    let req: pb::QueryValidatorUnbondingDelegationsRequest = decode(data)?;
    let address = operator("validator_addr", &req.validator_addr)?;
    let (unbonding_responses, pagination) =
        page_under(state, &keys::unbondings_from(&address), req.pagination.as_ref(), all, |tail, _| {
            let [delegator] = keys::addresses::<1>(tail).ok_or_else(|| TxError::internal("corrupt unbonding index"))?;
            let ubd = state
                .unbonding_delegation(&delegator, &address)
                .map_err(internal)?
                .ok_or_else(|| TxError::internal("unbonding index without a record"))?;
            Ok(ubd.to_proto())
        })?;
    Ok(pb::QueryValidatorUnbondingDelegationsResponse { unbonding_responses, pagination: Some(pagination) }.encode_to_vec())
}

fn delegation<S: StateRead + ?Sized>(state: &S, data: &[u8]) -> Result<Vec<u8>, TxError> {
    let req: pb::QueryDelegationRequest = decode(data)?;
    let delegator = account("delegator_addr", &req.delegator_addr)?;
    let address = operator("validator_addr", &req.validator_addr)?;
    // cosmjs's `getDelegation` reads a missing delegation as "none" only if the log says
    // "key not found" (the SDK's wording before v0.50); the code stays `NOT_FOUND`.
    let delegation = state.delegation(&delegator, &address).map_err(internal)?.ok_or_else(|| {
        TxError::not_found(format!("delegation with delegator {delegator} not found for validator {}: key not found", req.validator_addr))
    })?;
    let denom = state.staking_params().map_err(internal)?.bond_denom;
    Ok(pb::QueryDelegationResponse { delegation_response: Some(delegation_response(state, &delegation, &denom)?) }.encode_to_vec())
}

fn unbonding_delegation<S: StateRead + ?Sized>(state: &S, data: &[u8]) -> Result<Vec<u8>, TxError> {
    let req: pb::QueryUnbondingDelegationRequest = decode(data)?;
    let delegator = account("delegator_addr", &req.delegator_addr)?;
    let address = operator("validator_addr", &req.validator_addr)?;
    let ubd = state.unbonding_delegation(&delegator, &address).map_err(internal)?.ok_or_else(|| {
        TxError::not_found(format!("unbonding delegation with delegator {delegator} not found for validator {}", req.validator_addr))
    })?;
    Ok(pb::QueryUnbondingDelegationResponse { unbond: Some(ubd.to_proto()) }.encode_to_vec())
}

fn delegator_delegations<S: StateRead + ?Sized>(state: &S, data: &[u8]) -> Result<Vec<u8>, TxError> {
    let req: pb::QueryDelegatorDelegationsRequest = decode(data)?;
    let delegator = account("delegator_addr", &req.delegator_addr)?;
    let denom = state.staking_params().map_err(internal)?.bond_denom;
    let (delegation_responses, pagination) =
        page_under(state, &keys::delegations_of(&delegator), req.pagination.as_ref(), all, |_, value| {
            let delegation: Delegation = borsh::from_slice(value).map_err(|e| TxError::internal(format!("corrupt delegation: {e}")))?;
            delegation_response(state, &delegation, &denom)
        })?;
    Ok(pb::QueryDelegatorDelegationsResponse { delegation_responses, pagination: Some(pagination) }.encode_to_vec())
}

fn delegator_unbonding_delegations<S: StateRead + ?Sized>(state: &S, data: &[u8]) -> Result<Vec<u8>, TxError> {
    let req: pb::QueryDelegatorUnbondingDelegationsRequest = decode(data)?;
    let delegator = account("delegator_addr", &req.delegator_addr)?;
    let (unbonding_responses, pagination) =
        page_under(state, &keys::unbondings_of(&delegator), req.pagination.as_ref(), all, |_, value| {
            let ubd: crate::types::UnbondingDelegation =
                borsh::from_slice(value).map_err(|e| TxError::internal(format!("corrupt unbonding delegation: {e}")))?;
            Ok(ubd.to_proto())
        })?;
    Ok(pb::QueryDelegatorUnbondingDelegationsResponse { unbonding_responses, pagination: Some(pagination) }.encode_to_vec())
}

/// By (delegator, source, destination), by delegator, or by source validator, as the SDK.
fn redelegations<S: StateRead + ?Sized>(state: &S, data: &[u8]) -> Result<Vec<u8>, TxError> {
    let req: pb::QueryRedelegationsRequest = decode(data)?;
    let given = |s: &str| !s.is_empty();
    let (redelegation_responses, pagination) = match (given(&req.delegator_addr), given(&req.src_validator_addr), given(&req.dst_validator_addr)) {
        (true, true, true) => {
            let delegator = account("delegator_addr", &req.delegator_addr)?;
            let src = operator("src_validator_addr", &req.src_validator_addr)?;
            let dst = operator("dst_validator_addr", &req.dst_validator_addr)?;
            let red = state
                .redelegation(&delegator, &src, &dst)
                .map_err(internal)?
                .ok_or_else(|| TxError::not_found(format!("redelegation not found for delegator address {delegator} from validator address {}", req.src_validator_addr)))?;
            (vec![redelegation_response(state, &red)?], PageResponse::default())
        }
        (true, false, false) => {
            let delegator = account("delegator_addr", &req.delegator_addr)?;
            page_under(state, &keys::redelegations_of(&delegator), req.pagination.as_ref(), all, |_, value| {
                let red: Redelegation = borsh::from_slice(value).map_err(|e| TxError::internal(format!("corrupt redelegation: {e}")))?;
                redelegation_response(state, &red)
            })?
        }
        (true, true, false) => {
            let delegator = account("delegator_addr", &req.delegator_addr)?;
            let src = operator("src_validator_addr", &req.src_validator_addr)?;
            let prefix = [keys::redelegations_of(&delegator), src.as_bytes().to_vec()].concat();
            page_under(state, &prefix, req.pagination.as_ref(), all, |_, value| {
                let red: Redelegation = borsh::from_slice(value).map_err(|e| TxError::internal(format!("corrupt redelegation: {e}")))?;
                redelegation_response(state, &red)
            })?
        }
        (false, true, false) => {
            let src = operator("src_validator_addr", &req.src_validator_addr)?;
            page_under(state, &keys::redelegations_from(&src), req.pagination.as_ref(), all, |tail, _| {
                let [delegator, dst] = keys::addresses::<2>(tail).ok_or_else(|| TxError::internal("corrupt redelegation index"))?;
                let red = state
                    .redelegation(&delegator, &src, &dst)
                    .map_err(internal)?
                    .ok_or_else(|| TxError::internal("redelegation index without a record"))?;
                redelegation_response(state, &red)
            })?
        }
        _ => {
            return Err(TxError::invalid_request(
                "give the delegator, the delegator with source and destination validators, or the source validator alone",
            ))
        }
    };
    Ok(pb::QueryRedelegationsResponse { redelegation_responses, pagination: Some(pagination) }.encode_to_vec())
}

fn delegator_validators<S: StateRead + ?Sized>(state: &S, data: &[u8]) -> Result<Vec<u8>, TxError> {
    let req: pb::QueryDelegatorValidatorsRequest = decode(data)?;
    let delegator = account("delegator_addr", &req.delegator_addr)?;
    let (validators, pagination) = page_under(state, &keys::delegations_of(&delegator), req.pagination.as_ref(), all, |tail, _| {
        let [address] = keys::addresses::<1>(tail).ok_or_else(|| TxError::internal("corrupt delegation key"))?;
        Ok(load_validator(state, &address)?.to_proto())
    })?;
    Ok(pb::QueryDelegatorValidatorsResponse { validators, pagination: Some(pagination) }.encode_to_vec())
}

fn delegator_validator<S: StateRead + ?Sized>(state: &S, data: &[u8]) -> Result<Vec<u8>, TxError> {
    let req: pb::QueryDelegatorValidatorRequest = decode(data)?;
    let delegator = account("delegator_addr", &req.delegator_addr)?;
    let address = operator("validator_addr", &req.validator_addr)?;
    if state.delegation(&delegator, &address).map_err(internal)?.is_none() {
        return Err(TxError::not_found(format!("delegation with delegator {delegator} not found for validator {}", req.validator_addr)));
    }
    Ok(pb::QueryDelegatorValidatorResponse { validator: Some(load_validator(state, &address)?.to_proto()) }.encode_to_vec())
}

fn historical_info<S: StateRead + ?Sized>(state: &S, data: &[u8]) -> Result<Vec<u8>, TxError> {
    let req: pb::QueryHistoricalInfoRequest = decode(data)?;
    let height = u64::try_from(req.height).map_err(|_| TxError::invalid_request("height must not be negative"))?;
    let hist = crate::historical::historical_info(state, height)
        .map_err(internal)?
        .ok_or_else(|| TxError::not_found(StakingError::NoHistoricalInfo(height).to_string()))?;
    Ok(pb::QueryHistoricalInfoResponse { hist: Some(hist) }.encode_to_vec())
}

fn pool<S: StateRead + ?Sized>(state: &S, bank: &dyn BankKeeper) -> Result<Vec<u8>, TxError> {
    let denom = state.staking_params().map_err(internal)?.bond_denom;
    let as_read: &dyn StateRead = &state;
    let bonded = bank.balance(as_read, &Address::module(BONDED_POOL), &denom).map_err(internal)?;
    let not_bonded = bank.balance(as_read, &Address::module(NOT_BONDED_POOL), &denom).map_err(internal)?;
    Ok(pb::QueryPoolResponse {
        pool: Some(pb::Pool { bonded_tokens: bonded.to_string(), not_bonded_tokens: not_bonded.to_string() }),
    }
    .encode_to_vec())
}
