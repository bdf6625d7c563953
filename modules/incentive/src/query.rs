//! `agora.incentive.v1.Query`: the pool, epoch rates, class history and a provider's rewards
//! settled in memory to the queried height (a query never writes).

use agora_proto::base::v1::DecCoin;
use agora_proto::incentive::v1 as pb;
use agora_store::StateRead;
use agora_types::pagination::Page;
use agora_types::{Address, Coin, Denom, TxError};
use prost::Message;

use crate::accrual::{book, epoch_at, settle};
use crate::class::GpuClassId;
use crate::math::DecMap;
use crate::state::{keys, ClassEpochRecord, IncentiveRead};
use crate::IncentiveError;

pub const SERVICE: &str = "agora.incentive.v1.Query";
pub const PARAMS: &str = "/agora.incentive.v1.Query/Params";
pub const POOL: &str = "/agora.incentive.v1.Query/Pool";
pub const EPOCH_RATES: &str = "/agora.incentive.v1.Query/EpochRates";
pub const CLASS_HISTORY: &str = "/agora.incentive.v1.Query/ClassHistory";
pub const PROVIDER_REWARDS: &str = "/agora.incentive.v1.Query/ProviderRewards";

fn decode<M: Message + Default>(data: &[u8]) -> Result<M, TxError> {
    M::decode(data).map_err(|e| TxError::invalid_request(e.to_string()))
}

fn internal(e: IncentiveError) -> TxError {
    TxError::internal(e)
}

pub fn dec_coins(map: &DecMap) -> Vec<DecCoin> {
    map.iter().map(|(denom, amount)| DecCoin { denom: denom.clone(), amount: amount.to_string() }).collect()
}

fn coins(map: &DecMap) -> Vec<cosmos_sdk_proto::cosmos::base::v1beta1::Coin> {
    map.iter()
        .filter_map(|(denom, amount)| Some(Coin::new(Denom::new(denom.clone()).ok()?, amount.floor()?).to_proto()))
        .collect()
}

pub fn class_epoch_proto(r: &ClassEpochRecord) -> pb::ClassEpoch {
    pb::ClassEpoch {
        epoch: r.epoch,
        class: Some(r.class.to_proto()),
        weight: r.weight,
        leased_gpu_blocks: r.leased_blocks.to_string(),
        idle_gpu_blocks: r.idle_blocks.to_string(),
        free_gpu_blocks: r.free_blocks.to_string(),
        utilization: r.utilization.to_string(),
        budget: coins(&r.budget),
        leased_rate: dec_coins(&r.leased_rate),
        idle_rate: dec_coins(&r.idle_rate),
    }
}

/// Serves the incentive query paths at `height` (the height `state` was read at).
pub fn query<S: StateRead>(state: &S, height: u64, path: &str, data: &[u8]) -> Option<Result<Vec<u8>, TxError>> {
    let result = match path {
        PARAMS => decode::<pb::QueryParamsRequest>(data).and_then(|_| {
            let params = state.incentive_params().map_err(internal)?;
            Ok(pb::QueryParamsResponse { params: Some(params.to_proto()) }.encode_to_vec())
        }),
        POOL => decode::<pb::QueryPoolRequest>(data).and_then(|_| {
            let pool = state.pool().map_err(internal)?;
            let epoch = state.current_epoch().map_err(internal)?;
            Ok(pb::QueryPoolResponse {
                pool: Some(pb::Pool { unallocated: dec_coins(&pool.unallocated), owed: dec_coins(&pool.owed) }),
                epoch: epoch.map(|e| e.to_proto()),
            }
            .encode_to_vec())
        }),
        EPOCH_RATES => decode::<pb::QueryEpochRatesRequest>(data).and_then(|req| epoch_rates(state, (!req.latest).then_some(req.epoch))),
        CLASS_HISTORY => decode::<pb::QueryClassHistoryRequest>(data).and_then(|req| class_history(state, &req)),
        PROVIDER_REWARDS => decode::<pb::QueryProviderRewardsRequest>(data).and_then(|req| provider_rewards(state, height, &req.provider)),
        _ => return None,
    };
    Some(result)
}

/// One ended epoch's rates; `None`: the last one.
fn epoch_rates<S: StateRead>(state: &S, epoch: Option<u64>) -> Result<Vec<u8>, TxError> {
    let epoch = match epoch {
        None => match state.current_epoch().map_err(internal)? {
            Some(current) if current.number > 0 => current.number - 1,
            _ => return Err(TxError::not_found("no epoch has ended yet")),
        },
        Some(n) => n,
    };
    if state.finished_epoch(epoch).map_err(internal)?.is_none() {
        return Err(TxError::not_found(format!("epoch {epoch} has not ended")));
    }
    let classes = state.class_epochs(epoch).map_err(internal)?.iter().map(class_epoch_proto).collect();
    Ok(pb::QueryEpochRatesResponse { epoch, classes }.encode_to_vec())
}

fn class_history<S: StateRead>(state: &S, req: &pb::QueryClassHistoryRequest) -> Result<Vec<u8>, TxError> {
    let class = GpuClassId::from_proto(req.class.as_ref().ok_or_else(|| TxError::invalid_request("class is missing"))?);
    class.validate().map_err(|e| TxError::invalid_request(format!("class: {e}")))?;
    let page = Page::from_request(req.pagination.as_ref()).map_err(|e| TxError::new("sdk", 18, e.to_string()))?;
    let prefix = keys::class_history_of(&class);
    let start = [prefix.as_slice(), page.key.as_slice()].concat();
    let items = state
        .prefix_raw(&prefix, (!page.key.is_empty()).then_some(start.as_slice()))
        .map(|item| item.map(|(key, value)| (key[prefix.len()..].to_vec(), value)).map_err(TxError::internal));
    let (epochs, pagination) = page.collect(items, |key, _| {
        let number = u64::from_be_bytes(key.try_into().map_err(|_| TxError::internal("corrupt class history key"))?);
        let record = state.class_epoch(number, &class).map_err(internal)?.ok_or_else(|| TxError::internal("class history without its record"))?;
        Ok(class_epoch_proto(&record))
    })?;
    Ok(pb::QueryClassHistoryResponse { epochs, pagination: Some(pagination) }.encode_to_vec())
}

fn provider_rewards<S: StateRead>(state: &S, height: u64, provider: &str) -> Result<Vec<u8>, TxError> {
    let owner: Address = provider.parse().map_err(|e| TxError::invalid_request(format!("provider: {e}")))?;
    let mut position = state
        .position(&owner)
        .map_err(internal)?
        .ok_or_else(|| TxError::from(&IncentiveError::NoRewards(owner.to_string())))?;
    let params = state.incentive_params().map_err(internal)?;
    let epoch = epoch_at(state, height, &params).map_err(internal)?;
    let settled = settle(state, &params, &mut position, &epoch, height).map_err(internal)?;
    book(&mut position, &params, &settled, epoch.number).map_err(internal)?;
    let rewards = pb::ProviderRewards {
        provider: owner.to_string(),
        vested: dec_coins(&position.vested),
        vesting: position
            .vesting
            .iter()
            .map(|t| {
                let left = crate::math::diff(&t.total, &t.released).map_err(internal)?;
                Ok(pb::VestingTranche { epoch: t.epoch, amount: dec_coins(&left) })
            })
            .collect::<Result<_, TxError>>()?,
        current_epoch: position
            .classes
            .iter()
            .map(|c| pb::GpuBlocks { class: Some(c.class.to_proto()), leased: c.pending_leased.to_string(), idle: c.pending_idle.to_string() })
            .collect(),
        claimed: position
            .claimed
            .iter()
            .filter_map(|(denom, amount)| Some(Coin::new(Denom::new(denom.clone()).ok()?, *amount).to_proto()))
            .collect(),
        forfeited: dec_coins(&position.forfeited),
        verified: position.verified_in(epoch.number),
    };
    Ok(pb::QueryProviderRewardsResponse { rewards: Some(rewards) }.encode_to_vec())
}
