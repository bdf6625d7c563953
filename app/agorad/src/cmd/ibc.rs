//! `agorad tx ibc-transfer transfer` and `agorad query ibc-transfer|ibc …`, as the Cosmos SDK
//! CLI with ibc-go names them.

use agora_tx::TxBuilder;
use anyhow::{anyhow, bail, Context, Result};
use clap::Subcommand;
use ibc_proto::ibc::applications::transfer::v1 as transfer_pb;
use ibc_proto::ibc::core::channel::v1 as chan_pb;
use ibc_proto::ibc::core::client::v1 as client_pb;
use ibc_proto::ibc::core::connection::v1 as conn_pb;
use serde_json::{json, Value};

use crate::cmd::staking::{At, From};
use crate::cmd::tx::{broadcast_signed, TxOpts};
use crate::keyring::Keyring;
use crate::GlobalOpts;

/// The SDK CLI's default: a packet times out 10 minutes after the latest block time.
const DEFAULT_TIMEOUT_NANOS: u64 = 600_000_000_000;

#[derive(Subcommand, Debug)]
pub enum TransferTx {
    /// Send coins over an ICS-20 channel: escrowed (or burned, for a voucher going home) here,
    /// received on the other chain when a relayer delivers the packet
    Transfer {
        /// Source port, e.g. transfer
        src_port: String,
        /// Source channel, e.g. channel-0
        src_channel: String,
        /// Receiver's address on the other chain
        receiver: String,
        /// One coin, e.g. 1000uagora or 5ibc/27394F…
        amount: String,
        /// Timeout height on the other chain, `revision-height` (0-0: none)
        #[arg(long, default_value = "0-0")]
        packet_timeout_height: String,
        /// Timeout in nanoseconds after this chain's latest block time (0: none); with
        /// --absolute-timeouts, a Unix time in nanoseconds
        #[arg(long, default_value_t = DEFAULT_TIMEOUT_NANOS)]
        packet_timeout_timestamp: u64,
        #[arg(long)]
        absolute_timeouts: bool,
        /// Memo carried in the packet
        #[arg(long, default_value = "")]
        packet_memo: String,
        #[command(flatten)]
        from: From,
        #[command(flatten)]
        common: TxOpts,
    },
}

#[derive(Subcommand, Debug)]
pub enum TransferQuery {
    /// The trace (path and base denom) of a voucher, by hash or ibc/hash
    DenomTrace {
        hash: String,
        #[command(flatten)]
        at: At,
    },
    /// Every voucher trace this chain has minted
    DenomTraces {
        #[command(flatten)]
        at: At,
    },
    /// The hash naming the voucher of a trace, e.g. transfer/channel-0/uatom
    DenomHash {
        trace: String,
        #[command(flatten)]
        at: At,
    },
    /// The account holding what a channel escrows
    EscrowAddress {
        port: String,
        channel: String,
        #[command(flatten)]
        at: At,
    },
    /// How much of a denom all channels hold in escrow
    TotalEscrow {
        denom: String,
        #[command(flatten)]
        at: At,
    },
    /// Whether sending and receiving are enabled
    Params {
        #[command(flatten)]
        at: At,
    },
}

#[derive(Subcommand, Debug)]
pub enum IbcQuery {
    /// Light clients of other chains, with their status
    Clients {
        #[command(flatten)]
        at: At,
    },
    /// Connections
    Connections {
        #[command(flatten)]
        at: At,
    },
    /// Channels
    Channels {
        #[command(flatten)]
        at: At,
    },
    /// Sequences of the packets a channel sent that are not yet acknowledged or timed out
    PacketCommitments {
        port: String,
        channel: String,
        #[command(flatten)]
        at: At,
    },
}

fn parse_height(s: &str) -> Result<client_pb::Height> {
    let (revision, height) = s.split_once('-').ok_or_else(|| anyhow!("invalid height {s:?}: expected revision-height, e.g. 1-1000"))?;
    Ok(client_pb::Height {
        revision_number: revision.parse().with_context(|| format!("invalid revision in {s:?}"))?,
        revision_height: height.parse().with_context(|| format!("invalid height in {s:?}"))?,
    })
}

pub fn run_tx(g: &GlobalOpts, cmd: TransferTx) -> Result<()> {
    match cmd {
        TransferTx::Transfer {
            src_port,
            src_channel,
            receiver,
            amount,
            packet_timeout_height,
            packet_timeout_timestamp,
            absolute_timeouts,
            packet_memo,
            from,
            common,
        } => {
            let coin: agora_types::Coin = amount.parse().map_err(|e| anyhow!("invalid amount {amount:?}: {e}"))?;
            let timeout_height = parse_height(&packet_timeout_height)?;
            let timeout_timestamp = if absolute_timeouts || packet_timeout_timestamp == 0 {
                packet_timeout_timestamp
            } else {
                let status = g.rpc().status()?;
                let time = status["sync_info"]["latest_block_time"].as_str().ok_or_else(|| anyhow!("the node reported no block time"))?;
                let time: tendermint::Time = time.parse().map_err(|e| anyhow!("block time {time:?}: {e}"))?;
                let now = u64::try_from(time.unix_timestamp_nanos()).map_err(|_| anyhow!("block time before 1970"))?;
                now.checked_add(packet_timeout_timestamp).ok_or_else(|| anyhow!("timeout overflows"))?
            };
            if timeout_timestamp == 0 && timeout_height.revision_height == 0 {
                bail!("a packet needs a timeout: set --packet-timeout-height or --packet-timeout-timestamp");
            }
            let key = Keyring::open(&g.home()?).signing_key(&from.from)?;
            let msg = transfer_pb::MsgTransfer {
                source_port: src_port,
                source_channel: src_channel.clone(),
                token: Some(ibc_proto::cosmos::base::v1beta1::Coin { denom: coin.denom.to_string(), amount: coin.amount.to_string() }),
                sender: key.address().to_bech32(),
                receiver: receiver.clone(),
                timeout_height: Some(timeout_height),
                timeout_timestamp,
                memo: packet_memo,
            };
            let any = cosmos_sdk_proto::Any { type_url: agora_ibc::msg::TRANSFER.to_string(), value: prost::Message::encode_to_vec(&msg) };
            broadcast_signed(g, &key, TxBuilder::new().any_message(any), &common, &format!("transfer {amount} over {src_channel} to {receiver}"))
        }
    }
}

fn height_json(h: &Option<client_pb::Height>) -> Value {
    h.as_ref().map_or(Value::Null, |h| json!(format!("{}-{}", h.revision_number, h.revision_height)))
}

pub fn run_transfer_query(g: &GlobalOpts, cmd: TransferQuery) -> Result<Value> {
    let rpc = g.rpc();
    macro_rules! q {
        ($method:literal, $req:expr, $at:expr) => {
            rpc.query_proto(concat!("/ibc.applications.transfer.v1.Query/", $method), &$req, $at.height)?
        };
    }
    let trace_json = |t: &transfer_pb::DenomTrace| json!({ "path": t.path, "base_denom": t.base_denom });
    Ok(match cmd {
        TransferQuery::DenomTrace { hash, at } => {
            let res: transfer_pb::QueryDenomTraceResponse = q!("DenomTrace", transfer_pb::QueryDenomTraceRequest { hash }, at);
            json!({ "denom_trace": res.denom_trace.as_ref().map(trace_json) })
        }
        TransferQuery::DenomTraces { at } => {
            let res: transfer_pb::QueryDenomTracesResponse = q!("DenomTraces", transfer_pb::QueryDenomTracesRequest { pagination: None }, at);
            json!({ "denom_traces": res.denom_traces.iter().map(trace_json).collect::<Vec<_>>() })
        }
        TransferQuery::DenomHash { trace, at } => {
            let res: transfer_pb::QueryDenomHashResponse = q!("DenomHash", transfer_pb::QueryDenomHashRequest { trace }, at);
            json!({ "hash": res.hash })
        }
        TransferQuery::EscrowAddress { port, channel, at } => {
            let res: transfer_pb::QueryEscrowAddressResponse =
                q!("EscrowAddress", transfer_pb::QueryEscrowAddressRequest { port_id: port, channel_id: channel }, at);
            json!({ "escrow_address": res.escrow_address })
        }
        TransferQuery::TotalEscrow { denom, at } => {
            let res: transfer_pb::QueryTotalEscrowForDenomResponse = q!("TotalEscrowForDenom", transfer_pb::QueryTotalEscrowForDenomRequest { denom }, at);
            let amount = res.amount.unwrap_or_default();
            json!({ "amount": { "denom": amount.denom, "amount": amount.amount } })
        }
        TransferQuery::Params { at } => {
            let res: transfer_pb::QueryParamsResponse = q!("Params", transfer_pb::QueryParamsRequest {}, at);
            let params = res.params.unwrap_or_default();
            json!({ "params": { "send_enabled": params.send_enabled, "receive_enabled": params.receive_enabled } })
        }
    })
}

pub fn run_ibc_query(g: &GlobalOpts, cmd: IbcQuery) -> Result<Value> {
    let rpc = g.rpc();
    Ok(match cmd {
        IbcQuery::Clients { at } => {
            let res: client_pb::QueryClientStatesResponse =
                rpc.query_proto("/ibc.core.client.v1.Query/ClientStates", &client_pb::QueryClientStatesRequest { pagination: None }, at.height)?;
            let mut clients = Vec::new();
            for client in res.client_states {
                let status: client_pb::QueryClientStatusResponse = rpc.query_proto(
                    "/ibc.core.client.v1.Query/ClientStatus",
                    &client_pb::QueryClientStatusRequest { client_id: client.client_id.clone() },
                    at.height,
                )?;
                let chain_id = client
                    .client_state
                    .as_ref()
                    .and_then(|any| <ibc_proto::ibc::lightclients::tendermint::v1::ClientState as prost::Message>::decode(any.value.as_slice()).ok())
                    .map(|state| (state.chain_id, state.latest_height));
                clients.push(json!({
                    "client_id": client.client_id,
                    "chain_id": chain_id.as_ref().map(|(id, _)| id.clone()),
                    "latest_height": chain_id.as_ref().map_or(Value::Null, |(_, h)| height_json(h)),
                    "status": status.status,
                }));
            }
            json!({ "clients": clients })
        }
        IbcQuery::Connections { at } => {
            let res: conn_pb::QueryConnectionsResponse =
                rpc.query_proto("/ibc.core.connection.v1.Query/Connections", &conn_pb::QueryConnectionsRequest { pagination: None }, at.height)?;
            let connections: Vec<Value> = res
                .connections
                .iter()
                .map(|c| {
                    json!({
                        "id": c.id,
                        "client_id": c.client_id,
                        "state": conn_pb::State::try_from(c.state).map_or("STATE_UNINITIALIZED_UNSPECIFIED", |s| s.as_str_name()),
                        "counterparty": c.counterparty.as_ref().map(|p| json!({ "client_id": p.client_id, "connection_id": p.connection_id })),
                    })
                })
                .collect();
            json!({ "connections": connections })
        }
        IbcQuery::Channels { at } => {
            let res: chan_pb::QueryChannelsResponse =
                rpc.query_proto("/ibc.core.channel.v1.Query/Channels", &chan_pb::QueryChannelsRequest { pagination: None }, at.height)?;
            let channels: Vec<Value> = res
                .channels
                .iter()
                .map(|c| {
                    json!({
                        "port_id": c.port_id,
                        "channel_id": c.channel_id,
                        "state": chan_pb::State::try_from(c.state).map_or("STATE_UNINITIALIZED_UNSPECIFIED", |s| s.as_str_name()),
                        "ordering": chan_pb::Order::try_from(c.ordering).map_or("ORDER_NONE_UNSPECIFIED", |o| o.as_str_name()),
                        "version": c.version,
                        "connection_hops": c.connection_hops,
                        "counterparty": c.counterparty.as_ref().map(|p| json!({ "port_id": p.port_id, "channel_id": p.channel_id })),
                    })
                })
                .collect();
            json!({ "channels": channels })
        }
        IbcQuery::PacketCommitments { port, channel, at } => {
            let req = chan_pb::QueryPacketCommitmentsRequest { port_id: port, channel_id: channel, pagination: None };
            let res: chan_pb::QueryPacketCommitmentsResponse = rpc.query_proto("/ibc.core.channel.v1.Query/PacketCommitments", &req, at.height)?;
            let sequences: Vec<String> = res.commitments.iter().map(|c| c.sequence.to_string()).collect();
            json!({ "sequences": sequences, "height": height_json(&res.height) })
        }
    })
}
