//! The gRPC methods whose answers live in CometBFT, not in the application's state: the
//! Cosmos SDK's `cosmos.tx.v1beta1.Service` (GetTx, GetTxsEvent, BroadcastTx,
//! GetBlockWithTxs) and `cosmos.base.tendermint.v1beta1.Service` (GetSyncing, blocks,
//! validator sets, ABCIQuery). As in the SDK, each is a call to the node's own CometBFT RPC
//! (block store, tx indexer, mempool), its JSON turned into the SDK's protobuf answer. They run
//! on the query pool's workers kept for them, and only over gRPC (an ABCI query cannot wait on
//! CometBFT, which is the one asking); each request's calls together end by the node's query
//! timeout, and CometBFT's answers are read up to [`MAX_ANSWER_BYTES`].
// `TxError` is the refusal type of every query.
#![allow(clippy::result_large_err)]

use std::io::Read as _;
use std::time::{Duration, Instant};

use agora_types::{Address, TxError};
use base64::Engine as _;
use cosmos_sdk_proto::cosmos::base::abci::v1beta1 as abci_pb;
use cosmos_sdk_proto::cosmos::base::query::v1beta1::{PageRequest, PageResponse};
use cosmos_sdk_proto::cosmos::base::tendermint::v1beta1 as tm_pb;
use cosmos_sdk_proto::cosmos::tx::v1beta1 as tx_pb;
use prost::Message;
use serde_json::{json, Value};

use crate::App;

pub const GET_TX: &str = "/cosmos.tx.v1beta1.Service/GetTx";
pub const GET_TXS_EVENT: &str = "/cosmos.tx.v1beta1.Service/GetTxsEvent";
pub const BROADCAST_TX: &str = "/cosmos.tx.v1beta1.Service/BroadcastTx";
pub const GET_BLOCK_WITH_TXS: &str = "/cosmos.tx.v1beta1.Service/GetBlockWithTxs";
pub const GET_SYNCING: &str = "/cosmos.base.tendermint.v1beta1.Service/GetSyncing";
pub const GET_LATEST_BLOCK: &str = "/cosmos.base.tendermint.v1beta1.Service/GetLatestBlock";
pub const GET_BLOCK_BY_HEIGHT: &str = "/cosmos.base.tendermint.v1beta1.Service/GetBlockByHeight";
pub const GET_LATEST_VALIDATOR_SET: &str = "/cosmos.base.tendermint.v1beta1.Service/GetLatestValidatorSet";
pub const GET_VALIDATOR_SET_BY_HEIGHT: &str = "/cosmos.base.tendermint.v1beta1.Service/GetValidatorSetByHeight";
pub const ABCI_QUERY: &str = "/cosmos.base.tendermint.v1beta1.Service/ABCIQuery";

/// Every method answered here.
pub const METHODS: [&str; 10] = [
    GET_TX,
    GET_TXS_EVENT,
    BROADCAST_TX,
    GET_BLOCK_WITH_TXS,
    GET_SYNCING,
    GET_LATEST_BLOCK,
    GET_BLOCK_BY_HEIGHT,
    GET_LATEST_VALIDATOR_SET,
    GET_VALIDATOR_SET_BY_HEIGHT,
    ABCI_QUERY,
];

/// The page size when a request gives none, and the most CometBFT returns in one page.
const DEFAULT_LIMIT: u64 = 100;

/// The largest answer read from CometBFT (a page of 100 large transactions, a full block).
pub const MAX_ANSWER_BYTES: u64 = 64 << 20;

fn invalid(message: impl Into<String>) -> TxError {
    TxError::new("sdk", 18, message)
}

fn decode<M: Message + Default>(data: &[u8]) -> Result<M, TxError> {
    M::decode(data).map_err(|e| TxError::new("sdk", 2, format!("invalid request encoding: {e}")))
}

/// A client of the node's own CometBFT JSON-RPC (blocking: it runs on the query pool).
#[derive(Clone)]
pub struct CometRpc {
    url: String,
    agent: ureq::Agent,
}

impl CometRpc {
    pub fn new(url: &str) -> Self {
        let agent = ureq::AgentBuilder::new().timeout_connect(Duration::from_secs(2)).build();
        Self { url: url.trim_end_matches('/').to_string(), agent }
    }

    /// The calls of one request, all ending by `deadline`.
    fn until(&self, deadline: Instant, limit: Duration) -> Calls<'_> {
        Calls { rpc: self, deadline, limit }
    }
}

/// One request's calls to CometBFT.
struct Calls<'a> {
    rpc: &'a CometRpc,
    deadline: Instant,
    /// The node's query time limit, to name in the refusal.
    limit: Duration,
}

impl Calls<'_> {
    /// Calls `method` with JSON `params`; CometBFT's own refusal becomes `refused`'s error.
    fn call(&self, method: &str, params: Value, refused: impl Fn(&str) -> TxError) -> Result<Value, TxError> {
        let url = &self.rpc.url;
        let remaining = self.deadline.saturating_duration_since(Instant::now());
        if remaining.is_zero() {
            return Err(crate::query_pool::too_slow(self.limit.as_millis()));
        }
        let request = json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params});
        let unavailable = |e: &dyn std::fmt::Display| {
            TxError::new(crate::query_pool::CODESPACE, 4, format!("this node's CometBFT RPC ({url}) did not answer {method}: {e}"))
        };
        let response = match self.rpc.agent.post(url).timeout(remaining).send_json(request) {
            Ok(response) => response,
            // CometBFT answers a refused call with HTTP 500 and a JSON-RPC error body.
            Err(ureq::Error::Status(_, response)) => response,
            Err(ureq::Error::Transport(e)) if Instant::now() >= self.deadline => {
                tracing::debug!(error = %e, method, "CometBFT's answer came too late");
                return Err(crate::query_pool::too_slow(self.limit.as_millis()));
            }
            Err(e) => return Err(unavailable(&e)),
        };
        let mut bytes = Vec::new();
        response.into_reader().take(MAX_ANSWER_BYTES + 1).read_to_end(&mut bytes).map_err(|e| unavailable(&e))?;
        if bytes.len() as u64 > MAX_ANSWER_BYTES {
            return Err(TxError::new(
                crate::query_pool::CODESPACE,
                6,
                format!("CometBFT's answer to {method} is larger than {} MiB: ask for a smaller page", MAX_ANSWER_BYTES >> 20),
            ));
        }
        let mut body: Value = serde_json::from_slice(&bytes).map_err(|e| unavailable(&e))?;
        if let Some(error) = body.get("error") {
            let text = error.get("data").and_then(Value::as_str).or_else(|| error.get("message").and_then(Value::as_str)).unwrap_or_default();
            if text.contains("indexing is disabled") {
                return Err(TxError::new(crate::query_pool::CODESPACE, 6, format!("{method}: this node's CometBFT does not index transactions ({text})")));
            }
            return Err(refused(text));
        }
        match body.get_mut("result") {
            Some(result) => Ok(result.take()),
            None => Err(unavailable(&"no result in its answer")),
        }
    }

    fn call_or_invalid(&self, method: &str, params: Value) -> Result<Value, TxError> {
        self.call(method, params, |text| invalid(format!("{method}: {text}")))
    }
}

/// Answers `path`, one of [`METHODS`].
pub fn answer(app: &App, rpc: Option<&CometRpc>, path: &str, data: &[u8]) -> Result<Vec<u8>, TxError> {
    if path == ABCI_QUERY {
        return abci_query(app, data);
    }
    let Some(rpc) = rpc else {
        return Err(TxError::new(crate::query_pool::CODESPACE, 5, format!("{path} needs CometBFT's RPC, and this node has none configured")));
    };
    let limit = app.config().query_timeout;
    let rpc = &rpc.until(Instant::now() + limit, limit);
    match path {
        GET_TX => get_tx(rpc, data),
        GET_TXS_EVENT => get_txs_event(rpc, data),
        BROADCAST_TX => broadcast_tx(rpc, data),
        GET_BLOCK_WITH_TXS => get_block_with_txs(rpc, data),
        GET_SYNCING => rpc
            .call_or_invalid("status", json!({}))
            .map(|status| tm_pb::GetSyncingResponse { syncing: status["sync_info"]["catching_up"] == true }.encode_to_vec()),
        GET_LATEST_BLOCK => block(rpc, None).map(|(block_id, block, sdk_block)| {
            tm_pb::GetLatestBlockResponse { block_id: Some(block_id), block: Some(block), sdk_block: Some(sdk_block) }.encode_to_vec()
        }),
        GET_BLOCK_BY_HEIGHT => decode::<tm_pb::GetBlockByHeightRequest>(data)
            .and_then(|req| block(rpc, Some(positive_height(req.height)?)))
            .map(|(block_id, block, sdk_block)| {
                tm_pb::GetBlockByHeightResponse { block_id: Some(block_id), block: Some(block), sdk_block: Some(sdk_block) }.encode_to_vec()
            }),
        GET_LATEST_VALIDATOR_SET => decode::<tm_pb::GetLatestValidatorSetRequest>(data)
            .and_then(|req| validator_set(rpc, None, req.pagination.as_ref()))
            .map(|(block_height, validators, pagination)| {
                tm_pb::GetLatestValidatorSetResponse { block_height, validators, pagination: Some(pagination) }.encode_to_vec()
            }),
        GET_VALIDATOR_SET_BY_HEIGHT => decode::<tm_pb::GetValidatorSetByHeightRequest>(data)
            .and_then(|req| validator_set(rpc, Some(positive_height(req.height)?), req.pagination.as_ref()))
            .map(|(block_height, validators, pagination)| {
                tm_pb::GetValidatorSetByHeightResponse { block_height, validators, pagination: Some(pagination) }.encode_to_vec()
            }),
        other => Err(TxError::new("sdk", 6, format!("unknown query path {other:?}"))),
    }
}

fn positive_height(height: i64) -> Result<u64, TxError> {
    u64::try_from(height).ok().filter(|h| *h > 0).ok_or_else(|| invalid(format!("height must be at least 1, not {height}")))
}

/// `ABCIQuery`: the application's own query, as ABCI would answer it.
fn abci_query(app: &App, data: &[u8]) -> Result<Vec<u8>, TxError> {
    let req: tm_pb::AbciQueryRequest = decode(data)?;
    let height = u64::try_from(req.height).map_err(|_| invalid(format!("height must not be negative, not {}", req.height)))?;
    let response = match app.query(&req.path, &req.data, height, req.prove) {
        Ok(answer) => tm_pb::AbciQueryResponse {
            key: answer.key,
            value: answer.value,
            height: i64::try_from(answer.height).unwrap_or(i64::MAX),
            proof_ops: (!answer.proof_ops.is_empty()).then(|| tm_pb::ProofOps {
                ops: answer.proof_ops.into_iter().map(|(r#type, key, data)| tm_pb::ProofOp { r#type, key, data }).collect(),
            }),
            ..Default::default()
        },
        Err(error) => tm_pb::AbciQueryResponse { code: error.code, log: error.log, codespace: error.codespace, ..Default::default() },
    };
    Ok(response.encode_to_vec())
}

/// `GetTx`: a committed transaction by its hash, with its result.
fn get_tx(rpc: &Calls<'_>, data: &[u8]) -> Result<Vec<u8>, TxError> {
    let req: tx_pb::GetTxRequest = decode(data)?;
    let hash = hex::decode(req.hash.trim_start_matches("0x")).ok().filter(|h| h.len() == 32).ok_or_else(|| {
        invalid(format!("tx hash must be 32 bytes in hex, not {:?}", req.hash))
    })?;
    let result = rpc.call("tx", json!({"hash": base64::engine::general_purpose::STANDARD.encode(&hash), "prove": false}), |text| {
        if text.contains("not found") {
            TxError::new("sdk", 38, format!("tx not found: {}", hex::encode_upper(&hash)))
        } else {
            invalid(format!("tx: {text}"))
        }
    })?;
    let tx_response = tx_response(rpc, &result, &mut BlockTimes::default())?;
    Ok(tx_pb::GetTxResponse { tx: Some(decode_tx(&result["tx"])?), tx_response: Some(tx_response) }.encode_to_vec())
}

/// `GetTxsEvent`: the transactions an event query matches (CometBFT's `tx_search` syntax, as
/// in the SDK since v0.50; the deprecated `events` are joined with `AND`).
fn get_txs_event(rpc: &Calls<'_>, data: &[u8]) -> Result<Vec<u8>, TxError> {
    let req: tx_pb::GetTxsEventRequest = decode(data)?;
    #[allow(deprecated)]
    let query = if req.query.trim().is_empty() { req.events.join(" AND ") } else { req.query.clone() };
    if query.trim().is_empty() {
        return Err(invalid("query cannot be empty"));
    }
    let limit = match req.limit {
        0 => DEFAULT_LIMIT,
        limit => limit.min(DEFAULT_LIMIT),
    };
    let page = req.page.max(1);
    let order_by = match tx_pb::OrderBy::try_from(req.order_by) {
        Ok(tx_pb::OrderBy::Desc) => "desc",
        Ok(_) => "asc",
        Err(_) => return Err(invalid(format!("unknown order_by {}", req.order_by))),
    };
    let result = rpc.call_or_invalid(
        "tx_search",
        json!({"query": query, "prove": false, "page": page.to_string(), "per_page": limit.to_string(), "order_by": order_by}),
    )?;
    let mut result = result;
    let mut times = BlockTimes::default();
    let found = match result["txs"].take() {
        Value::Array(found) => found,
        _ => Vec::new(),
    };
    let tx_responses = found.iter().map(|tx| tx_response(rpc, tx, &mut times)).collect::<Result<Vec<_>, _>>()?;
    let txs = found.iter().map(|tx| decode_tx(&tx["tx"])).collect::<Result<Vec<_>, _>>()?;
    let total = number(&result["total_count"]);
    #[allow(deprecated)]
    let response = tx_pb::GetTxsEventResponse { txs, tx_responses, pagination: None, total };
    Ok(response.encode_to_vec())
}

/// `BroadcastTx` in `SYNC` (CheckTx's verdict) or `ASYNC` mode; `BLOCK` mode is gone from the
/// SDK since v0.47.
fn broadcast_tx(rpc: &Calls<'_>, data: &[u8]) -> Result<Vec<u8>, TxError> {
    let req: tx_pb::BroadcastTxRequest = decode(data)?;
    if req.tx_bytes.is_empty() {
        return Err(invalid("invalid empty tx"));
    }
    let method = match tx_pb::BroadcastMode::try_from(req.mode) {
        Ok(tx_pb::BroadcastMode::Sync) => "broadcast_tx_sync",
        Ok(tx_pb::BroadcastMode::Async) => "broadcast_tx_async",
        Ok(tx_pb::BroadcastMode::Block) => return Err(invalid("BROADCAST_MODE_BLOCK is not supported (as in the Cosmos SDK since v0.47): use SYNC and GetTx")),
        _ => return Err(invalid(format!("unsupported broadcast mode {}: use BROADCAST_MODE_SYNC or BROADCAST_MODE_ASYNC", req.mode))),
    };
    // CometBFT refuses a transaction already in its cache, any when its mempool is full, and
    // one too large for it, before CheckTx: as the SDK does, those are answers with its codes
    // (19, 20, 21) and the transaction's hash, not failed calls.
    let hash = hex::encode_upper(<sha2::Sha256 as sha2::Digest>::digest(&req.tx_bytes));
    let refusal = std::cell::Cell::new(None);
    let answer = rpc.call(method, json!({"tx": base64::engine::general_purpose::STANDARD.encode(&req.tx_bytes)}), |text| {
        let lower = text.to_lowercase();
        let code = if lower.contains("tx already exists in cache") {
            19
        } else if lower.contains("mempool is full") {
            20
        } else if lower.contains("tx too large") {
            21
        } else {
            return invalid(format!("{method}: {text}"));
        };
        refusal.set(Some((code, text.to_string())));
        invalid(text)
    });
    let result = match (answer, refusal.take()) {
        (_, Some((code, log))) => {
            let response = abci_pb::TxResponse { txhash: hash, code, codespace: "sdk".into(), raw_log: log, ..Default::default() };
            return Ok(tx_pb::BroadcastTxResponse { tx_response: Some(response) }.encode_to_vec());
        }
        (answer, None) => answer?,
    };
    let tx_response = abci_pb::TxResponse {
        txhash: text(&result["hash"]),
        code: u32::try_from(number(&result["code"])).unwrap_or(u32::MAX),
        codespace: text(&result["codespace"]),
        raw_log: text(&result["log"]),
        // CometBFT writes a broadcast's data as hex already.
        data: text(&result["data"]),
        ..Default::default()
    };
    Ok(tx_pb::BroadcastTxResponse { tx_response: Some(tx_response) }.encode_to_vec())
}

/// `GetBlockWithTxs`: a block with a page of its transactions decoded.
fn get_block_with_txs(rpc: &Calls<'_>, data: &[u8]) -> Result<Vec<u8>, TxError> {
    let req: tx_pb::GetBlockWithTxsRequest = decode(data)?;
    let height = positive_height(req.height)?;
    let (block_id, block, _) = block(rpc, Some(height))?;
    let all = block.data.as_ref().map(|d| d.txs.as_slice()).unwrap_or_default();
    let (offset, limit) = offset_and_limit(req.pagination.as_ref())?;
    let total = all.len() as u64;
    if offset >= total && total != 0 {
        return Err(invalid(format!("out of range: cannot paginate {total} txs with offset {offset} and limit {limit}")));
    }
    let (offset, limit) = (usize::try_from(offset).unwrap_or(usize::MAX), usize::try_from(limit).unwrap_or(usize::MAX));
    // A reversed page counts its offset from the block's last transaction.
    let page: Vec<&Vec<u8>> = if req.pagination.as_ref().is_some_and(|p| p.reverse) {
        all.iter().rev().skip(offset).take(limit).collect()
    } else {
        all.iter().skip(offset).take(limit).collect()
    };
    let txs = page.into_iter().map(|bytes| decode_tx_bytes(bytes)).collect::<Result<Vec<_>, _>>()?;
    let pagination = PageResponse { next_key: Vec::new(), total };
    Ok(tx_pb::GetBlockWithTxsResponse { txs, block_id: Some(block_id), block: Some(block), pagination: Some(pagination) }.encode_to_vec())
}

/// Offset and limit of a page request, as the SDK's offset pagination reads them (a `key`
/// cannot page these lists).
fn offset_and_limit(page: Option<&PageRequest>) -> Result<(u64, u64), TxError> {
    let Some(page) = page else { return Ok((0, DEFAULT_LIMIT)) };
    Ok((page.offset, if page.limit == 0 { DEFAULT_LIMIT } else { page.limit.min(agora_types::pagination::MAX_LIMIT) }))
}

/// A block (the latest if `height` is `None`) as CometBFT's protobuf types and the SDK's
/// `Block` (whose header names the proposer by its `valcons` address).
fn block(
    rpc: &Calls<'_>,
    height: Option<u64>,
) -> Result<(tendermint_proto::types::BlockId, tendermint_proto::types::Block, tm_pb::Block), TxError> {
    let params = height.map_or_else(|| json!({}), |h| json!({"height": h.to_string()}));
    let mut result = rpc.call_or_invalid("block", params)?;
    let parse_error = |e: serde_json::Error| TxError::internal(format!("CometBFT's block does not parse: {e}"));
    let block_id: tendermint::block::Id = serde_json::from_value(result["block_id"].take()).map_err(parse_error)?;
    let block: tendermint::Block = serde_json::from_value(result["block"].take()).map_err(parse_error)?;
    let block = tendermint_proto::types::Block::from(block);
    let sdk_block = tm_pb::Block {
        header: block.header.clone().map(|h| tm_pb::Header {
            version: h.version,
            chain_id: h.chain_id,
            height: h.height,
            time: h.time,
            last_block_id: h.last_block_id,
            last_commit_hash: h.last_commit_hash,
            data_hash: h.data_hash,
            validators_hash: h.validators_hash,
            next_validators_hash: h.next_validators_hash,
            consensus_hash: h.consensus_hash,
            app_hash: h.app_hash,
            last_results_hash: h.last_results_hash,
            evidence_hash: h.evidence_hash,
            proposer_address: valcons(&h.proposer_address),
        }),
        data: block.data.clone(),
        evidence: block.evidence.clone(),
        last_commit: block.last_commit.clone(),
    };
    Ok((block_id.into(), block, sdk_block))
}

fn valcons(address: &[u8]) -> String {
    <[u8; 20]>::try_from(address).map(|a| Address::new(a).to_bech32_with(agora_types::address::VALCONS_PREFIX)).unwrap_or_default()
}

/// A page of the validator set at `height` (the latest if `None`), as the SDK pages it.
fn validator_set(
    rpc: &Calls<'_>,
    height: Option<u64>,
    page: Option<&PageRequest>,
) -> Result<(i64, Vec<tm_pb::Validator>, PageResponse), TxError> {
    let (offset, limit) = offset_and_limit(page)?;
    // CometBFT pages by page number, at most 100 a page: read the pages that hold
    // `offset..offset + limit` (a validator set is bounded by the chain's `max_validators`).
    let (mut listed, mut total, mut block_height) = (Vec::new(), u64::MAX, 0u64);
    let end = offset.saturating_add(limit);
    let mut page_number = offset / DEFAULT_LIMIT + 1;
    let skip = offset % DEFAULT_LIMIT;
    while (page_number - 1).saturating_mul(DEFAULT_LIMIT) < end.min(total) {
        let mut params = json!({"page": page_number.to_string(), "per_page": DEFAULT_LIMIT.to_string()});
        // Every page from the same height, the first page's if none was asked for.
        if let Some(height) = height.or((block_height > 0).then_some(block_height)) {
            params["height"] = json!(height.to_string());
        }
        let mut result = rpc.call_or_invalid("validators", params)?;
        total = number(&result["total"]);
        block_height = number(&result["block_height"]);
        match result["validators"].take() {
            Value::Array(page) if !page.is_empty() => listed.extend(page),
            _ => break,
        }
        page_number += 1;
    }
    let wanted = usize::try_from(limit).unwrap_or(usize::MAX);
    let validators = listed
        .iter()
        .skip(usize::try_from(skip).unwrap_or(usize::MAX))
        .take(wanted)
        .map(|v| {
            let address = hex::decode(text(&v["address"])).unwrap_or_default();
            let key = base64_bytes(&v["pub_key"]["value"]).unwrap_or_default();
            let pub_key = match v["pub_key"]["type"].as_str() {
                Some("tendermint/PubKeySecp256k1") => cosmos_sdk_proto::Any {
                    type_url: "/cosmos.crypto.secp256k1.PubKey".into(),
                    value: cosmos_sdk_proto::cosmos::crypto::secp256k1::PubKey { key }.encode_to_vec(),
                },
                _ => cosmos_sdk_proto::Any {
                    type_url: "/cosmos.crypto.ed25519.PubKey".into(),
                    value: cosmos_sdk_proto::cosmos::crypto::ed25519::PubKey { key }.encode_to_vec(),
                },
            };
            tm_pb::Validator {
                address: valcons(&address),
                pub_key: Some(pub_key),
                voting_power: i64::try_from(number(&v["voting_power"])).unwrap_or(i64::MAX),
                proposer_priority: text(&v["proposer_priority"]).parse().unwrap_or(0),
            }
        })
        .collect();
    let total = if total == u64::MAX { 0 } else { total };
    Ok((i64::try_from(block_height).unwrap_or(i64::MAX), validators, PageResponse { next_key: Vec::new(), total }))
}

/// Block times by height, so a page of results reads each block's header once.
#[derive(Default)]
struct BlockTimes(std::collections::BTreeMap<u64, String>);

impl BlockTimes {
    /// The block's time as the SDK prints a `TxResponse`'s timestamp (RFC 3339, seconds).
    fn at(&mut self, rpc: &Calls<'_>, height: u64) -> Result<String, TxError> {
        if let Some(time) = self.0.get(&height) {
            return Ok(time.clone());
        }
        let header = rpc.call_or_invalid("header", json!({"height": height.to_string()}))?;
        let time = text(&header["header"]["time"]);
        let time = match time.split_once('.') {
            Some((seconds, _fraction)) => format!("{seconds}Z"),
            None => time,
        };
        self.0.insert(height, time.clone());
        Ok(time)
    }
}

/// The SDK's `TxResponse` for one of CometBFT's `/tx` results.
fn tx_response(rpc: &Calls<'_>, found: &Value, times: &mut BlockTimes) -> Result<abci_pb::TxResponse, TxError> {
    let result = &found["tx_result"];
    let height = number(&found["height"]);
    let events = result["events"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|event| tendermint_proto::abci::Event {
            r#type: text(&event["type"]),
            attributes: event["attributes"]
                .as_array()
                .cloned()
                .unwrap_or_default()
                .iter()
                .map(|a| tendermint_proto::abci::EventAttribute { key: text(&a["key"]), value: text(&a["value"]), index: a["index"] == true })
                .collect(),
        })
        .collect();
    Ok(abci_pb::TxResponse {
        height: i64::try_from(height).unwrap_or(i64::MAX),
        txhash: text(&found["hash"]),
        codespace: text(&result["codespace"]),
        code: u32::try_from(number(&result["code"])).unwrap_or(u32::MAX),
        data: base64_bytes(&result["data"]).map(hex::encode_upper).unwrap_or_default(),
        raw_log: text(&result["log"]),
        logs: Vec::new(),
        info: text(&result["info"]),
        gas_wanted: i64::try_from(number(&result["gas_wanted"])).unwrap_or(i64::MAX),
        gas_used: i64::try_from(number(&result["gas_used"])).unwrap_or(i64::MAX),
        tx: Some(cosmos_sdk_proto::Any { type_url: "/cosmos.tx.v1beta1.Tx".into(), value: decode_tx(&found["tx"])?.encode_to_vec() }),
        timestamp: times.at(rpc, height)?,
        events,
    })
}

/// A transaction of the block store (base64 in CometBFT's JSON) as the SDK's `Tx`.
fn decode_tx(bytes: &Value) -> Result<tx_pb::Tx, TxError> {
    decode_tx_bytes(&base64_bytes(bytes).ok_or_else(|| TxError::internal("CometBFT's transaction is not base64"))?)
}

/// A committed transaction decodes: blocks hold only transactions this chain decoded in
/// `ProcessProposal`, so a failure here is the node's fault.
fn decode_tx_bytes(bytes: &[u8]) -> Result<tx_pb::Tx, TxError> {
    let corrupt = |e: prost::DecodeError| TxError::internal(format!("a committed transaction does not decode: {e}"));
    let raw = tx_pb::TxRaw::decode(bytes).map_err(corrupt)?;
    Ok(tx_pb::Tx {
        body: Some(tx_pb::TxBody::decode(raw.body_bytes.as_slice()).map_err(corrupt)?),
        auth_info: Some(tx_pb::AuthInfo::decode(raw.auth_info_bytes.as_slice()).map_err(corrupt)?),
        signatures: raw.signatures,
    })
}

fn text(value: &Value) -> String {
    value.as_str().map(str::to_string).unwrap_or_default()
}

/// A number CometBFT writes as a string (or, for some fields, as a JSON number).
fn number(value: &Value) -> u64 {
    value.as_u64().or_else(|| value.as_str().and_then(|s| s.parse().ok())).unwrap_or(0)
}

fn base64_bytes(value: &Value) -> Option<Vec<u8>> {
    base64::engine::general_purpose::STANDARD.decode(value.as_str()?).ok()
}
