//! A blocking client for CometBFT's JSON-RPC (URI form, `GET /method?param=...`).
//!
//! Everything the CLI reads from a node goes through here: `/status`, `/abci_query` (the
//! app's gRPC-style query paths, protobuf in and out), `/broadcast_tx_sync` and `/tx`.

use std::time::Duration;

use anyhow::{anyhow, bail, Context, Result};
use base64::Engine as _;
use serde_json::Value;

/// Outcome of an ABCI query, as the app answered it.
#[derive(Debug, Clone)]
pub struct QueryResponse {
    pub code: u32,
    pub codespace: String,
    pub log: String,
    pub value: Vec<u8>,
    pub height: u64,
}

impl QueryResponse {
    /// Turns a non-zero code into an error naming codespace, code and log.
    pub fn ok(self, path: &str) -> Result<Self> {
        if self.code != 0 {
            bail!(
                "query {path} failed: codespace={} code={} log={}",
                if self.codespace.is_empty() { "-" } else { &self.codespace },
                self.code,
                self.log
            );
        }
        Ok(self)
    }
}

/// `broadcast_tx_sync` result: the CheckTx verdict and the tx hash.
#[derive(Debug, Clone)]
pub struct BroadcastResponse {
    pub code: u32,
    pub codespace: String,
    pub log: String,
    pub hash: String,
}

/// Client of one node's RPC endpoint; cheap to clone (shares the connection pool).
#[derive(Clone)]
pub struct Rpc {
    base: String,
    agent: ureq::Agent,
}

impl Rpc {
    pub fn new(node: &str) -> Self {
        let agent = ureq::AgentBuilder::new()
            .timeout_connect(Duration::from_secs(5))
            .timeout(Duration::from_secs(30))
            .max_idle_connections_per_host(64)
            .build();
        Self { base: node.trim_end_matches('/').to_string(), agent }
    }

    pub fn base(&self) -> &str {
        &self.base
    }

    /// Calls `method` and returns its `result`; a JSON-RPC error becomes an `Err` carrying
    /// the node's message and data.
    pub fn call(&self, method: &str, params: &[(&str, String)]) -> Result<Value> {
        let url = format!("{}/{}", self.base, method);
        let mut req = self.agent.get(&url);
        for (k, v) in params {
            req = req.query(k, v);
        }
        // CometBFT answers JSON-RPC errors with HTTP 500 and a JSON body: read it either way.
        let body: Value = match req.call() {
            Ok(resp) => resp
                .into_json()
                .with_context(|| format!("invalid JSON from {url}"))?,
            Err(ureq::Error::Status(status, resp)) => match resp.into_json::<Value>() {
                Ok(v) => v,
                Err(_) => bail!("{url}: HTTP {status}"),
            },
            Err(e) => {
                return Err(anyhow!(e)).with_context(|| {
                    format!("cannot reach the node at {} (is it running? set --node)", self.base)
                })
            }
        };
        if let Some(err) = body.get("error").filter(|e| !e.is_null()) {
            let msg = err.get("message").and_then(Value::as_str).unwrap_or("error");
            let data = err.get("data").and_then(Value::as_str).unwrap_or("");
            bail!(RpcError { method: method.into(), message: msg.into(), data: data.into() });
        }
        body.get("result")
            .cloned()
            .ok_or_else(|| anyhow!("{url}: response has neither result nor error"))
    }

    pub fn status(&self) -> Result<Value> {
        self.call("status", &[])
    }

    /// The height of the latest block the node has.
    pub fn latest_height(&self) -> Result<u64> {
        let status = self.status()?;
        status
            .pointer("/sync_info/latest_block_height")
            .and_then(Value::as_str)
            .and_then(|h| h.parse().ok())
            .ok_or_else(|| anyhow!("node status has no sync_info.latest_block_height"))
    }

    /// The chain id the node runs (`node_info.network`).
    pub fn chain_id(&self) -> Result<String> {
        let status = self.status()?;
        status
            .pointer("/node_info/network")
            .and_then(Value::as_str)
            .map(str::to_string)
            .ok_or_else(|| anyhow!("node status has no node_info.network"))
    }

    /// Raw ABCI query; `height` 0 or `None` means latest.
    pub fn abci_query(&self, path: &str, data: &[u8], height: Option<u64>) -> Result<QueryResponse> {
        let mut params = vec![
            ("path", format!("\"{path}\"")),
            ("data", format!("0x{}", hex::encode(data))),
        ];
        if let Some(h) = height.filter(|h| *h > 0) {
            params.push(("height", h.to_string()));
        }
        let result = self.call("abci_query", &params)?;
        let resp = result
            .get("response")
            .ok_or_else(|| anyhow!("abci_query result has no response"))?;
        let value = match resp.get("value").and_then(Value::as_str) {
            Some(b64) if !b64.is_empty() => base64::engine::general_purpose::STANDARD
                .decode(b64)
                .context("abci_query value is not base64")?,
            _ => Vec::new(),
        };
        Ok(QueryResponse {
            code: json_u64(resp.get("code")).unwrap_or(0) as u32,
            codespace: json_str(resp.get("codespace")),
            log: json_str(resp.get("log")),
            value,
            height: json_u64(resp.get("height")).unwrap_or(0),
        })
    }

    /// Protobuf query on a gRPC-style path; non-zero codes become errors.
    pub fn query_proto<Req: prost::Message, Resp: prost::Message + Default>(
        &self,
        path: &str,
        req: &Req,
        height: Option<u64>,
    ) -> Result<Resp> {
        let resp = self.abci_query(path, &req.encode_to_vec(), height)?.ok(path)?;
        Resp::decode(resp.value.as_slice()).with_context(|| format!("cannot decode the answer of {path}"))
    }

    /// Submits a tx and returns its CheckTx result.
    pub fn broadcast_tx_sync(&self, tx: &[u8]) -> Result<BroadcastResponse> {
        let result = self.call("broadcast_tx_sync", &[("tx", format!("0x{}", hex::encode(tx)))])?;
        Ok(BroadcastResponse {
            code: json_u64(result.get("code")).unwrap_or(0) as u32,
            codespace: json_str(result.get("codespace")),
            log: json_str(result.get("log")),
            hash: json_str(result.get("hash")),
        })
    }

    /// A committed tx by hash (hex), or `None` if the node does not know it (yet).
    pub fn tx(&self, hash: &str) -> Result<Option<Value>> {
        let hash = hash.trim_start_matches("0x");
        match self.call("tx", &[("hash", format!("0x{hash}"))]) {
            Ok(v) => Ok(Some(v)),
            Err(e) => match e.downcast_ref::<RpcError>() {
                Some(rpc) if rpc.data.contains("not found") || rpc.message.contains("not found") => Ok(None),
                _ => Err(e),
            },
        }
    }
}

/// A JSON-RPC error answered by the node.
#[derive(Debug)]
pub struct RpcError {
    pub method: String,
    pub message: String,
    pub data: String,
}

impl std::fmt::Display for RpcError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "node RPC {} failed: {}", self.method, self.message)?;
        if !self.data.is_empty() {
            write!(f, ": {}", self.data)?;
        }
        Ok(())
    }
}

impl std::error::Error for RpcError {}

/// CometBFT encodes 64-bit integers as JSON strings and smaller ones as numbers.
pub fn json_u64(v: Option<&Value>) -> Option<u64> {
    match v? {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.parse().ok(),
        _ => None,
    }
}

pub fn json_str(v: Option<&Value>) -> String {
    v.and_then(Value::as_str).unwrap_or_default().to_string()
}

/// CometBFT's tx hash: upper-case hex SHA-256 of the tx bytes.
pub fn tx_hash(tx: &[u8]) -> String {
    use sha2::Digest;
    hex::encode_upper(sha2::Sha256::digest(tx))
}

/// The summary printed for a committed tx (Cosmos `TxResponse` field names).
pub fn tx_summary(result: &Value) -> Value {
    let txr = result.get("tx_result").cloned().unwrap_or(Value::Null);
    serde_json::json!({
        "txhash": json_str(result.get("hash")),
        "height": json_str(result.get("height")),
        "code": json_u64(txr.get("code")).unwrap_or(0),
        "codespace": json_str(txr.get("codespace")),
        "raw_log": json_str(txr.get("log")),
        "gas_wanted": json_u64(txr.get("gas_wanted")).unwrap_or(0).to_string(),
        "gas_used": json_u64(txr.get("gas_used")).unwrap_or(0).to_string(),
    })
}
