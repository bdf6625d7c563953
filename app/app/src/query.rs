//! ABCI `Query`: gRPC-style paths with protobuf request/response (the same paths the gRPC
//! server exposes), `Simulate`, `TxDecode` and `TxEncode`, and raw store reads with ICS-23 proofs (`/store/<substore>/key`).

use agora_store::{Snapshot, StateRead};
use agora_types::{AbciError, GasMeter, TxError};
use cosmos_sdk_proto::cosmos::base::abci::v1beta1 as abci_pb;
use cosmos_sdk_proto::cosmos::tx::v1beta1 as tx_pb;
use prost::Message;

use crate::metered::Metered;
use crate::query_pool::Deadline;
use crate::App;

pub const SIMULATE: &str = "/cosmos.tx.v1beta1.Service/Simulate";
pub const TX_DECODE: &str = "/cosmos.tx.v1beta1.Service/TxDecode";
pub const TX_ENCODE: &str = "/cosmos.tx.v1beta1.Service/TxEncode";
/// `cosmos.base.node.v1beta1.Service`: the node's own configuration and status (Hermes reads the
/// minimum gas price from `Config`, over ABCI query).
pub const NODE_SERVICE: &str = "cosmos.base.node.v1beta1.Service";
pub const NODE_CONFIG: &str = "/cosmos.base.node.v1beta1.Service/Config";
pub const NODE_STATUS: &str = "/cosmos.base.node.v1beta1.Service/Status";
/// `cosmos.base.tendermint.v1beta1.Service`: so far `GetNodeInfo` (Hermes checks a chain's
/// versions with it).
pub const TENDERMINT_SERVICE: &str = "cosmos.base.tendermint.v1beta1.Service";
pub const GET_NODE_INFO: &str = "/cosmos.base.tendermint.v1beta1.Service/GetNodeInfo";

/// Proof operation type of both levels of an Agora proof (substore, then root).
pub const PROOF_OP_TYPE: &str = "ics23:jmt";

/// A query answer: value, the height it was read at, and proof operations if asked for.
#[derive(Debug, Default)]
pub struct QueryAnswer {
    pub key: Vec<u8>,
    pub value: Vec<u8>,
    pub height: u64,
    pub proof_ops: Vec<(String, Vec<u8>, Vec<u8>)>,
}

impl App {
    /// Answers a query at `height` (0 = latest committed), within the node's query gas and
    /// time limits (the time counted from now).
    pub fn query(&self, path: &str, data: &[u8], height: u64, prove: bool) -> Result<QueryAnswer, TxError> {
        if path == SIMULATE {
            return self.simulate_query(data).map(|value| QueryAnswer {
                value,
                height: self.storage().latest_version(),
                ..QueryAnswer::default()
            });
        }
        if path == TX_DECODE || path == TX_ENCODE {
            let value = if path == TX_DECODE { self.tx_decode(data)? } else { tx_encode(data)? };
            return Ok(QueryAnswer { value, height: self.storage().latest_version(), ..QueryAnswer::default() });
        }
        if path == NODE_CONFIG {
            return Ok(QueryAnswer { value: self.node_config(), height: self.storage().latest_version(), ..QueryAnswer::default() });
        }
        if path == NODE_STATUS {
            let value = self.node_status()?;
            return Ok(QueryAnswer { value, height: self.storage().latest_version(), ..QueryAnswer::default() });
        }
        if path == GET_NODE_INFO {
            let value = self.get_node_info()?;
            return Ok(QueryAnswer { value, height: self.storage().latest_version(), ..QueryAnswer::default() });
        }
        let snapshot = self.snapshot_for(height)?;
        // With or without the leading slash, as the SDK splits the path (Hermes sends `store/ibc/key`).
        if let Some(store_path) = path.strip_prefix("/store/").or_else(|| path.strip_prefix("store/")) {
            return store_query(&snapshot, store_path, data, prove);
        }
        // A module's query reads through a view that charges each read gas, as a transaction's
        // would, and stops at the first read past the deadline: public queries buy bounded work.
        let (started, gas) = (std::time::Instant::now(), GasMeter::new(self.config().query_gas_limit));
        let view = Deadline::new(Metered::new(&snapshot, &gas), started + self.config().query_timeout);
        let answer = self
            .components()
            .query(&view, snapshot.version(), path, data)
            .unwrap_or_else(|| Err(TxError::new("sdk", 6, format!("unknown query path {path:?}"))));
        // Whatever error the module made of the refused read, the refusal is the limit's.
        if let Err(out) = gas.check("query") {
            return Err(TxError::new("sdk", 11, format!("{out}: this node's query gas limit; narrow the query (a smaller page or range)")));
        }
        if view.passed() {
            return Err(crate::query_pool::too_slow(self.config().query_timeout.as_millis()));
        }
        Ok(QueryAnswer { value: answer?, height: snapshot.version(), ..QueryAnswer::default() })
    }

    /// `Config`: the minimum gas prices this node admits transactions at (as the SDK's
    /// `DecCoins` string), and how many versions it keeps.
    fn node_config(&self) -> Vec<u8> {
        use cosmos_sdk_proto::cosmos::base::node::v1beta1 as node_pb;
        let scale = agora_auth::ante::PRICE_SCALE;
        let minimum_gas_price = self
            .config()
            .min_gas_prices
            .iter()
            .map(|price| format!("{}.{:018}{}", price.scaled_amount / scale, price.scaled_amount % scale, price.denom))
            .collect::<Vec<_>>()
            .join(",");
        node_pb::ConfigResponse {
            minimum_gas_price,
            pruning_keep_recent: self.storage().keep_recent().to_string(),
            pruning_interval: "1".to_string(),
            halt_height: 0,
        }
        .encode_to_vec()
    }

    /// `Status`: the latest committed height, its block time, app hash and validators hash, and
    /// the earliest height still queryable.
    fn node_status(&self) -> Result<Vec<u8>, TxError> {
        use cosmos_sdk_proto::cosmos::base::node::v1beta1 as node_pb;
        let snapshot = self.storage().latest_snapshot();
        let height = snapshot.version();
        let header = agora_staking::historical::historical_info(&snapshot, height).map_err(TxError::internal)?.and_then(|info| info.header);
        Ok(node_pb::StatusResponse {
            earliest_store_height: self.storage().earliest_version(),
            height,
            timestamp: header.as_ref().and_then(|h| h.time),
            app_hash: self.storage().latest_app_hash().to_vec(),
            validator_hash: header.map(|h| h.next_validators_hash).unwrap_or_default(),
        }
        .encode_to_vec())
    }

    /// `GetNodeInfo`: CometBFT's description of this node, and this binary's version and the
    /// versions of the crates that define what it speaks.
    fn get_node_info(&self) -> Result<Vec<u8>, TxError> {
        use cosmos_sdk_proto::cosmos::base::tendermint::v1beta1 as tm_pb;
        let default_node_info = self
            .node_info()
            .cloned()
            .ok_or_else(|| TxError::new(crate::query_pool::CODESPACE, 4, "CometBFT has not told this node its node info yet: try again once it runs"))?;
        let mut build_deps: Vec<tm_pb::Module> = env!("AGORA_BUILD_DEPS")
            .split(',')
            .filter_map(|dep| dep.split_once('@'))
            .map(|(path, version)| tm_pb::Module { path: path.to_string(), version: version.to_string(), sum: String::new() })
            .collect();
        // The consensus engine is CometBFT's own binary, not a crate: named as Go modules name
        // it, with the version it reports, so relayers (Hermes) know which protocol it speaks.
        if !default_node_info.version.is_empty() {
            build_deps.push(tm_pb::Module {
                path: "github.com/cometbft/cometbft".to_string(),
                version: format!("v{}", default_node_info.version.trim_start_matches('v')),
                sum: String::new(),
            });
        }
        let application_version = tm_pb::VersionInfo {
            name: "agora".to_string(),
            app_name: "agorad".to_string(),
            version: env!("CARGO_PKG_VERSION").to_string(),
            git_commit: option_env!("AGORA_GIT_COMMIT").unwrap_or_default().to_string(),
            build_tags: String::new(),
            go_version: String::new(),
            build_deps,
            cosmos_sdk_version: String::new(),
        };
        Ok(tm_pb::GetNodeInfoResponse { default_node_info: Some(default_node_info), application_version: Some(application_version) }
            .encode_to_vec())
    }

    fn snapshot_for(&self, height: u64) -> Result<Snapshot, TxError> {
        if height == 0 || height == self.storage().latest_version() {
            return Ok(self.storage().latest_snapshot());
        }
        self.storage()
            .snapshot_at(height)
            .map_err(|e| TxError::new("sdk", 26, format!("cannot query height {height}: {e}")))
    }

    /// `TxDecode`: the transaction in `tx_bytes` as a `Tx`, if it is one this chain could
    /// decode (the envelope, body and auth info well formed, within the chain's size, memo
    /// and signer limits; signatures not checked, as the SDK's decoder does not).
    fn tx_decode(&self, data: &[u8]) -> Result<Vec<u8>, TxError> {
        let req = tx_pb::TxDecodeRequest::decode(data).map_err(|e| TxError::new("sdk", 2, format!("invalid request encoding: {e}")))?;
        if req.tx_bytes.is_empty() {
            return Err(TxError::new("sdk", 18, "invalid empty tx bytes"));
        }
        let limits = Self::decode_limits(&self.storage().latest_snapshot()).map_err(TxError::internal)?;
        agora_tx::decode_tx(&req.tx_bytes, &agora_tx::DecodeLimits { simulation: true, ..limits }).map_err(|e| e.to_tx_error())?;
        let raw = tx_pb::TxRaw::decode(req.tx_bytes.as_slice()).map_err(|e| TxError::new("sdk", 2, format!("tx parse error: {e}")))?;
        let body = tx_pb::TxBody::decode(raw.body_bytes.as_slice()).map_err(|e| TxError::new("sdk", 2, format!("tx parse error: body: {e}")))?;
        let auth_info =
            tx_pb::AuthInfo::decode(raw.auth_info_bytes.as_slice()).map_err(|e| TxError::new("sdk", 2, format!("tx parse error: auth info: {e}")))?;
        let tx = tx_pb::Tx { body: Some(body), auth_info: Some(auth_info), signatures: raw.signatures };
        Ok(tx_pb::TxDecodeResponse { tx: Some(tx) }.encode_to_vec())
    }

    fn simulate_query(&self, data: &[u8]) -> Result<Vec<u8>, TxError> {
        let req = tx_pb::SimulateRequest::decode(data)
            .map_err(|e| TxError::new("sdk", 2, format!("invalid simulate request: {e}")))?;
        #[allow(deprecated)]
        let tx_bytes = if !req.tx_bytes.is_empty() {
            req.tx_bytes
        } else if let Some(tx) = req.tx {
            tx_pb::TxRaw {
                body_bytes: tx.body.map(|b| b.encode_to_vec()).unwrap_or_default(),
                auth_info_bytes: tx.auth_info.map(|a| a.encode_to_vec()).unwrap_or_default(),
                signatures: tx.signatures,
            }
            .encode_to_vec()
        } else {
            return Err(TxError::new("sdk", 18, "empty simulate request: set tx_bytes"));
        };
        let outcome = self.simulate(&tx_bytes)?;
        outcome.result?;
        Ok(tx_pb::SimulateResponse {
            gas_info: Some(abci_pb::GasInfo { gas_wanted: outcome.gas_wanted, gas_used: outcome.gas_used }),
            result: Some(abci_pb::Result {
                #[allow(deprecated)]
                data: Vec::new(),
                log: String::new(),
                events: outcome.events.iter().map(agora_types::Event::to_abci).collect(),
                msg_responses: Vec::new(),
            }),
        }
        .encode_to_vec())
    }
}

/// `TxEncode`: the `TxRaw` bytes of a `Tx` (its body and auth info encoded as they are).
fn tx_encode(data: &[u8]) -> Result<Vec<u8>, TxError> {
    let req = tx_pb::TxEncodeRequest::decode(data).map_err(|e| TxError::new("sdk", 2, format!("invalid request encoding: {e}")))?;
    let tx = req.tx.ok_or_else(|| TxError::new("sdk", 18, "invalid empty tx"))?;
    let raw = tx_pb::TxRaw {
        body_bytes: tx.body.map(|b| b.encode_to_vec()).unwrap_or_default(),
        auth_info_bytes: tx.auth_info.map(|a| a.encode_to_vec()).unwrap_or_default(),
        signatures: tx.signatures,
    };
    Ok(tx_pb::TxEncodeResponse { tx_bytes: raw.encode_to_vec() }.encode_to_vec())
}

/// `/store/<substore>/key`: the raw value at `data` in that substore, with a two-level
/// ICS-23 proof (substore, then root) against the app hash if `prove`.
fn store_query(snapshot: &Snapshot, store_path: &str, key: &[u8], prove: bool) -> Result<QueryAnswer, TxError> {
    let substore = store_path
        .strip_suffix("/key")
        .ok_or_else(|| TxError::new("sdk", 6, format!("unknown store query /store/{store_path}: use /store/<substore>/key")))?;
    let full_key = match substore {
        "main" => key.to_vec(),
        name if crate::app::SUBSTORES.contains(&name) => [name.as_bytes(), b"/", key].concat(),
        other => return Err(TxError::new("sdk", 18, format!("unknown substore {other:?}"))),
    };
    let internal = |e: agora_store::StoreError| TxError::new("sdk", 1, e.to_string());
    if !prove {
        let value = snapshot.get_raw(&full_key).map_err(internal)?.unwrap_or_default();
        return Ok(QueryAnswer { key: key.to_vec(), value, height: snapshot.version(), proof_ops: Vec::new() });
    }
    let (value, proofs) = snapshot.get_with_proof(&full_key).map_err(internal)?;
    let (name, inner) = agora_store::substore_of(&full_key);
    let keys = [inner.to_vec(), name.as_bytes().to_vec()];
    let proof_ops = proofs
        .iter()
        .zip(keys)
        .map(|(proof, op_key)| (PROOF_OP_TYPE.to_string(), op_key, proof.encode_to_vec()))
        .collect();
    Ok(QueryAnswer { key: key.to_vec(), value: value.unwrap_or_default(), height: snapshot.version(), proof_ops })
}
