//! The IBC core query services a relayer reads: `ibc.core.client.v1.Query`,
//! `ibc.core.connection.v1.Query` and `ibc.core.channel.v1.Query`, at any kept height.
//!
//! As in ibc-go, gRPC answers carry no proofs (`proof` empty, `proof_height` the height read);
//! proofs come from ABCI `store/ibc/key` queries with `prove=true`.

use agora_store::StateRead;
use agora_types::pagination::Page;
use agora_types::TxError;
use ibc::clients::tendermint::client_state::ClientState as TmClientState;
use ibc::clients::tendermint::consensus_state::ConsensusState as TmConsensusState;
use ibc::primitives::proto::Any;
use ibc_proto::ibc::core::channel::v1 as chan_pb;
use ibc_proto::ibc::core::client::v1 as client_pb;
use ibc_proto::ibc::core::connection::v1 as conn_pb;
use prost::Message;

use crate::keepers::StakingKeeper;
use crate::query::{decode, page, page_response};
use crate::state::{keys, IbcRead};

pub const CLIENT_SERVICE: &str = "ibc.core.client.v1.Query";
pub const CONNECTION_SERVICE: &str = "ibc.core.connection.v1.Query";
pub const CHANNEL_SERVICE: &str = "ibc.core.channel.v1.Query";

/// A query's view: the state at one height.
struct View<'a> {
    state: &'a dyn StateRead,
    height: client_pb::Height,
    staking: &'a dyn StakingKeeper,
}

fn internal(e: impl std::fmt::Display) -> TxError {
    TxError::internal(e.to_string())
}

fn invalid_id(what: &str, id: &str) -> TxError {
    TxError::new("host", 2, format!("invalid {what} identifier {id:?}"))
}

fn check_id(what: &str, id: &str) -> Result<(), TxError> {
    // ICS-24: 2 to 64 characters of [a-zA-Z0-9._+-#[]<>], and never a path separator.
    let valid = (2..=64).contains(&id.len())
        && id.bytes().all(|b| b.is_ascii_alphanumeric() || b".-_+#[]<>".contains(&b));
    if valid {
        Ok(())
    } else {
        Err(invalid_id(what, id))
    }
}

impl View<'_> {
    fn raw(&self, path: &str) -> Result<Option<Vec<u8>>, TxError> {
        self.state.get_raw(&keys::path(path)).map_err(internal)
    }

    fn required(&self, path: &str, space: &str, code: u32, what: String) -> Result<Vec<u8>, TxError> {
        self.raw(path)?.ok_or_else(|| TxError::new(space, code, format!("{what} not found")))
    }

    fn client_state_any(&self, client_id: &str) -> Result<Any, TxError> {
        check_id("client", client_id)?;
        let bytes = self.required(&format!("clients/{client_id}/clientState"), "client", 4, format!("client {client_id}"))?;
        Any::decode(bytes.as_slice()).map_err(internal)
    }

    fn consensus_state_any(&self, client_id: &str, revision_number: u64, revision_height: u64) -> Result<Any, TxError> {
        check_id("client", client_id)?;
        let path = format!("clients/{client_id}/consensusStates/{revision_number}-{revision_height}");
        let what = format!("consensus state of {client_id} at {revision_number}-{revision_height}");
        let bytes = self.required(&path, "client", 7, what)?;
        Any::decode(bytes.as_slice()).map_err(internal)
    }

    fn connection(&self, connection_id: &str) -> Result<conn_pb::ConnectionEnd, TxError> {
        check_id("connection", connection_id)?;
        let bytes = self.required(&format!("connections/{connection_id}"), "connection", 3, format!("connection {connection_id}"))?;
        conn_pb::ConnectionEnd::decode(bytes.as_slice()).map_err(internal)
    }

    fn channel(&self, port_id: &str, channel_id: &str) -> Result<chan_pb::Channel, TxError> {
        check_id("port", port_id)?;
        check_id("channel", channel_id)?;
        let path = format!("channelEnds/ports/{port_id}/channels/{channel_id}");
        let bytes = self.required(&path, "channel", 3, format!("channel {port_id}/{channel_id}"))?;
        chan_pb::Channel::decode(bytes.as_slice()).map_err(internal)
    }

    /// The client a channel's connection runs over.
    fn channel_client(&self, port_id: &str, channel_id: &str) -> Result<String, TxError> {
        let channel = self.channel(port_id, channel_id)?;
        let connection_id = channel.connection_hops.first().ok_or_else(|| internal("channel without connection"))?;
        Ok(self.connection(connection_id)?.client_id)
    }

    fn sequence(&self, path: &str) -> Result<Option<u64>, TxError> {
        self.raw(path)?
            .map(|bytes| <[u8; 8]>::try_from(bytes.as_slice()).map(u64::from_be_bytes).map_err(|_| internal("sequence is not 8 bytes")))
            .transpose()
    }
}

pub fn query(state: &dyn StateRead, staking: &dyn StakingKeeper, height: u64, path: &str, data: &[u8]) -> Option<Result<Vec<u8>, TxError>> {
    let (service, method) = path.strip_prefix('/')?.split_once('/')?;
    let view = View { state, height: query_height(state, height), staking };
    Some(match service {
        CLIENT_SERVICE => client_query(&view, method, data)?,
        CONNECTION_SERVICE => connection_query(&view, method, data)?,
        CHANNEL_SERVICE => channel_query(&view, method, data)?,
        _ => return None,
    })
}

/// The query height as an IBC height: this chain's revision (from its chain id) and the
/// block height read.
fn query_height(state: &dyn StateRead, height: u64) -> client_pb::Height {
    let revision_number = state
        .get_raw(agora_types::CHAIN_ID_KEY)
        .ok()
        .flatten()
        .and_then(|id| ibc::core::host::types::identifiers::ChainId::new(&String::from_utf8_lossy(&id)).ok())
        .map_or(0, |id| id.revision_number());
    client_pb::Height { revision_number, revision_height: height }
}

fn client_query(view: &View<'_>, method: &str, data: &[u8]) -> Option<Result<Vec<u8>, TxError>> {
    Some(match method {
        "ClientState" => (|| {
            let req: client_pb::QueryClientStateRequest = decode(data)?;
            let client_state = view.client_state_any(&req.client_id)?;
            Ok(client_pb::QueryClientStateResponse { client_state: Some(client_state), proof: Vec::new(), proof_height: Some(view.height) }
                .encode_to_vec())
        })(),
        "ClientStates" => client_states(view, data),
        "ConsensusState" => (|| {
            let req: client_pb::QueryConsensusStateRequest = decode(data)?;
            let (revision_number, revision_height) = if req.latest_height {
                let state = TmClientState::try_from(view.client_state_any(&req.client_id)?).map_err(internal)?;
                let latest = state.inner().latest_height;
                (latest.revision_number(), latest.revision_height())
            } else {
                (req.revision_number, req.revision_height)
            };
            let consensus_state = view.consensus_state_any(&req.client_id, revision_number, revision_height)?;
            Ok(client_pb::QueryConsensusStateResponse { consensus_state: Some(consensus_state), proof: Vec::new(), proof_height: Some(view.height) }
                .encode_to_vec())
        })(),
        "ConsensusStates" | "ConsensusStateHeights" => consensus_states(view, method == "ConsensusStates", data),
        "ClientStatus" => (|| {
            let req: client_pb::QueryClientStatusRequest = decode(data)?;
            Ok(client_pb::QueryClientStatusResponse { status: client_status(view, &req.client_id)? }.encode_to_vec())
        })(),
        "ClientParams" => view
            .state
            .client_params()
            .map(|params| client_pb::QueryClientParamsResponse { params: Some(params) }.encode_to_vec())
            .map_err(internal),
        _ => return None,
    })
}

fn client_states(view: &View<'_>, data: &[u8]) -> Result<Vec<u8>, TxError> {
    let req: client_pb::QueryClientStatesRequest = decode(data)?;
    let page = page(req.pagination.as_ref())?;
    // Clients are numbered: walk the identifiers from the counter rather than every key
    // under `clients/` (their consensus states live there too).
    let count = view.sequence("nextClientSequence")?.unwrap_or(0);
    let first = match std::str::from_utf8(&page.key).ok().and_then(|key| key.rsplit_once('-')).and_then(|(_, n)| n.parse::<u64>().ok()) {
        Some(n) if !page.key.is_empty() => n,
        _ => 0,
    };
    let items = (first..count).filter_map(|n| {
        let id = format!("{}-{n}", crate::params::TENDERMINT_CLIENT_TYPE);
        match view.raw(&format!("clients/{id}/clientState")) {
            Ok(Some(value)) => Some(Ok((id.into_bytes(), value))),
            Ok(None) => None,
            Err(e) => Some(Err(e)),
        }
    });
    let (client_states, pagination) = page.collect(items, |id, value| {
        Ok(client_pb::IdentifiedClientState {
            client_id: String::from_utf8_lossy(id).into_owned(),
            client_state: Some(Any::decode(value).map_err(internal)?),
        })
    })?;
    Ok(client_pb::QueryClientStatesResponse { client_states, pagination: Some(page_response(pagination)) }.encode_to_vec())
}

fn consensus_states(view: &View<'_>, with_states: bool, data: &[u8]) -> Result<Vec<u8>, TxError> {
    // Both requests are (client_id, pagination).
    let req: client_pb::QueryConsensusStatesRequest = decode(data)?;
    check_id("client", &req.client_id)?;
    let client_id = req.client_id.parse().map_err(|_| invalid_id("client", &req.client_id))?;
    let page = page(req.pagination.as_ref())?;
    let prefix = keys::consensus_heights(&client_id);
    let start = [prefix.as_slice(), page.key.as_slice()].concat();
    let items = view
        .state
        .prefix_raw(&prefix, (!page.key.is_empty()).then_some(start.as_slice()))
        .map(|item| item.map(|(k, v)| (k[prefix.len()..].to_vec(), v)).map_err(internal));
    let height_of = |key: &[u8]| {
        keys::height_of_index_key(key, false)
            .map(|h| client_pb::Height { revision_number: h.revision_number(), revision_height: h.revision_height() })
            .ok_or_else(|| internal("corrupt consensus height index"))
    };
    if with_states {
        let (consensus_states, pagination) = page.collect(items, |key, _| {
            let height = height_of(key)?;
            let state = view.consensus_state_any(&req.client_id, height.revision_number, height.revision_height)?;
            Ok(client_pb::ConsensusStateWithHeight { height: Some(height), consensus_state: Some(state) })
        })?;
        Ok(client_pb::QueryConsensusStatesResponse { consensus_states, pagination: Some(page_response(pagination)) }.encode_to_vec())
    } else {
        let (consensus_state_heights, pagination) = page.collect(items, |key, _| height_of(key))?;
        Ok(client_pb::QueryConsensusStateHeightsResponse { consensus_state_heights, pagination: Some(page_response(pagination)) }.encode_to_vec())
    }
}

/// `Active`, `Frozen` or `Expired` (the latest consensus state older than the trusting
/// period at the queried height's block time), as ibc-go reports a 07-tendermint client.
fn client_status(view: &View<'_>, client_id: &str) -> Result<String, TxError> {
    let any = match view.client_state_any(client_id) {
        Ok(any) => any,
        Err(e) if e.code == 4 => return Ok("Unknown".to_string()),
        Err(e) => return Err(e),
    };
    let state = TmClientState::try_from(any).map_err(internal)?;
    let state = state.inner();
    if state.is_frozen() {
        return Ok("Frozen".to_string());
    }
    let latest = state.latest_height;
    let consensus = view.consensus_state_any(client_id, latest.revision_number(), latest.revision_height())?;
    let consensus = TmConsensusState::try_from(consensus).map_err(internal)?;
    let header = view.staking.historical_header(view.state, view.height.revision_height).map_err(internal)?.and_then(|header| header.time);
    let Some(now) = header else {
        return Ok("Unknown".to_string());
    };
    let now_nanos = i128::from(now.seconds) * 1_000_000_000 + i128::from(now.nanos);
    let timestamp = consensus.inner().timestamp;
    let expires = timestamp.unix_timestamp_nanos().saturating_add(i128::try_from(state.trusting_period.as_nanos()).unwrap_or(i128::MAX));
    Ok(if expires <= now_nanos { "Expired" } else { "Active" }.to_string())
}

fn identified_connection(id: &str, end: conn_pb::ConnectionEnd) -> conn_pb::IdentifiedConnection {
    conn_pb::IdentifiedConnection {
        id: id.to_string(),
        client_id: end.client_id,
        versions: end.versions,
        state: end.state,
        counterparty: end.counterparty,
        delay_period: end.delay_period,
    }
}

fn connection_query(view: &View<'_>, method: &str, data: &[u8]) -> Option<Result<Vec<u8>, TxError>> {
    Some(match method {
        "Connection" => (|| {
            let req: conn_pb::QueryConnectionRequest = decode(data)?;
            let connection = view.connection(&req.connection_id)?;
            Ok(conn_pb::QueryConnectionResponse { connection: Some(connection), proof: Vec::new(), proof_height: Some(view.height) }.encode_to_vec())
        })(),
        "Connections" => (|| {
            let req: conn_pb::QueryConnectionsRequest = decode(data)?;
            let page = page(req.pagination.as_ref())?;
            let prefix = keys::path("connections/");
            let start = [prefix.as_slice(), page.key.as_slice()].concat();
            let items = view
                .state
                .prefix_raw(&prefix, (!page.key.is_empty()).then_some(start.as_slice()))
                .map(|item| item.map(|(k, v)| (k[prefix.len()..].to_vec(), v)).map_err(internal));
            let (connections, pagination) = page.collect(items, |id, value| {
                let end = conn_pb::ConnectionEnd::decode(value).map_err(internal)?;
                Ok(identified_connection(&String::from_utf8_lossy(id), end))
            })?;
            Ok(conn_pb::QueryConnectionsResponse { connections, pagination: Some(page_response(pagination)), height: Some(view.height) }.encode_to_vec())
        })(),
        "ClientConnections" => (|| {
            let req: conn_pb::QueryClientConnectionsRequest = decode(data)?;
            check_id("client", &req.client_id)?;
            let bytes = view.required(&format!("clients/{}/connections", req.client_id), "connection", 4, format!("connections of client {}", req.client_id))?;
            let paths = conn_pb::ClientPaths::decode(bytes.as_slice()).map_err(internal)?;
            Ok(conn_pb::QueryClientConnectionsResponse { connection_paths: paths.paths, proof: Vec::new(), proof_height: Some(view.height) }.encode_to_vec())
        })(),
        "ConnectionClientState" => (|| {
            let req: conn_pb::QueryConnectionClientStateRequest = decode(data)?;
            let client_id = view.connection(&req.connection_id)?.client_id;
            let client_state = view.client_state_any(&client_id)?;
            Ok(conn_pb::QueryConnectionClientStateResponse {
                identified_client_state: Some(client_pb::IdentifiedClientState { client_id, client_state: Some(client_state) }),
                proof: Vec::new(),
                proof_height: Some(view.height),
            }
            .encode_to_vec())
        })(),
        "ConnectionConsensusState" => (|| {
            let req: conn_pb::QueryConnectionConsensusStateRequest = decode(data)?;
            let client_id = view.connection(&req.connection_id)?.client_id;
            let consensus_state = view.consensus_state_any(&client_id, req.revision_number, req.revision_height)?;
            Ok(conn_pb::QueryConnectionConsensusStateResponse {
                consensus_state: Some(consensus_state),
                client_id,
                proof: Vec::new(),
                proof_height: Some(view.height),
            }
            .encode_to_vec())
        })(),
        "ConnectionParams" => view
            .state
            .connection_params()
            .map(|params| conn_pb::QueryConnectionParamsResponse { params: Some(params) }.encode_to_vec())
            .map_err(internal),
        _ => return None,
    })
}

fn identified_channel(port_id: &str, channel_id: &str, channel: chan_pb::Channel) -> chan_pb::IdentifiedChannel {
    chan_pb::IdentifiedChannel {
        state: channel.state,
        ordering: channel.ordering,
        counterparty: channel.counterparty,
        connection_hops: channel.connection_hops,
        version: channel.version,
        port_id: port_id.to_string(),
        channel_id: channel_id.to_string(),
        upgrade_sequence: channel.upgrade_sequence,
    }
}

/// Every channel end, as (key below `channelEnds/ports/`, value) pairs from `start`.
fn channel_items<'a>(view: &'a View<'a>, page: &Page) -> impl Iterator<Item = Result<(Vec<u8>, Vec<u8>), TxError>> + 'a {
    let prefix = keys::path("channelEnds/ports/");
    let start = [prefix.as_slice(), page.key.as_slice()].concat();
    let skip = prefix.len();
    view.state
        .prefix_raw(&prefix, (!page.key.is_empty()).then_some(start.as_slice()))
        .map(move |item| item.map(|(k, v)| (k[skip..].to_vec(), v)).map_err(internal))
}

/// `<port>/channels/<channel>` → (port, channel).
fn split_channel_key(key: &[u8]) -> Result<(String, String), TxError> {
    let key = String::from_utf8_lossy(key);
    let (port, channel) = key.split_once("/channels/").ok_or_else(|| internal("corrupt channel key"))?;
    Ok((port.to_string(), channel.to_string()))
}

fn packet_states(view: &View<'_>, kind: &str, port_id: &str, channel_id: &str, page: &Page, only: &[u64]) -> Result<(Vec<chan_pb::PacketState>, ibc_proto::cosmos::base::query::v1beta1::PageResponse), TxError> {
    check_id("port", port_id)?;
    check_id("channel", channel_id)?;
    let state = |sequence: u64, data: Vec<u8>| chan_pb::PacketState { port_id: port_id.to_string(), channel_id: channel_id.to_string(), sequence, data };
    if !only.is_empty() {
        // Asked for given sequences: those that have one, in the order asked, unpaginated (as
        // ibc-go); each is a point read, and the request's size bounds their number.
        let mut states = Vec::new();
        for &sequence in only.iter() {
            if let Some(data) = view.raw(&format!("{kind}/ports/{port_id}/channels/{channel_id}/sequences/{sequence}"))? {
                states.push(state(sequence, data));
            }
        }
        return Ok((states, ibc_proto::cosmos::base::query::v1beta1::PageResponse::default()));
    }
    let prefix = keys::path(format!("{kind}/ports/{port_id}/channels/{channel_id}/sequences/"));
    let start = [prefix.as_slice(), page.key.as_slice()].concat();
    let items = view
        .state
        .prefix_raw(&prefix, (!page.key.is_empty()).then_some(start.as_slice()))
        .map(|item| item.map(|(k, v)| (k[prefix.len()..].to_vec(), v)).map_err(internal));
    let (states, pagination) = page.collect(items, |key, value| {
        let sequence = String::from_utf8_lossy(key).parse().map_err(|_| internal("corrupt sequence key"))?;
        Ok(state(sequence, value.to_vec()))
    })?;
    Ok((states, page_response(pagination)))
}

fn channel_query(view: &View<'_>, method: &str, data: &[u8]) -> Option<Result<Vec<u8>, TxError>> {
    Some(match method {
        "Channel" => (|| {
            let req: chan_pb::QueryChannelRequest = decode(data)?;
            let channel = view.channel(&req.port_id, &req.channel_id)?;
            Ok(chan_pb::QueryChannelResponse { channel: Some(channel), proof: Vec::new(), proof_height: Some(view.height) }.encode_to_vec())
        })(),
        "Channels" => (|| {
            let req: chan_pb::QueryChannelsRequest = decode(data)?;
            let page = page(req.pagination.as_ref())?;
            let (channels, pagination) = page.collect(channel_items(view, &page), |key, value| {
                let (port, channel) = split_channel_key(key)?;
                Ok(identified_channel(&port, &channel, chan_pb::Channel::decode(value).map_err(internal)?))
            })?;
            Ok(chan_pb::QueryChannelsResponse { channels, pagination: Some(page_response(pagination)), height: Some(view.height) }.encode_to_vec())
        })(),
        "ConnectionChannels" => (|| {
            let req: chan_pb::QueryConnectionChannelsRequest = decode(data)?;
            check_id("connection", &req.connection)?;
            let page = page(req.pagination.as_ref())?;
            let on_connection = channel_items(view, &page).filter(|item| match item {
                Ok((_, value)) => chan_pb::Channel::decode(value.as_slice()).map_or(true, |c| c.connection_hops.first() == Some(&req.connection)),
                Err(_) => true,
            });
            let (channels, pagination) = page.collect(on_connection, |key, value| {
                let (port, channel) = split_channel_key(key)?;
                Ok(identified_channel(&port, &channel, chan_pb::Channel::decode(value).map_err(internal)?))
            })?;
            Ok(chan_pb::QueryConnectionChannelsResponse { channels, pagination: Some(page_response(pagination)), height: Some(view.height) }.encode_to_vec())
        })(),
        "ChannelClientState" => (|| {
            let req: chan_pb::QueryChannelClientStateRequest = decode(data)?;
            let client_id = view.channel_client(&req.port_id, &req.channel_id)?;
            let client_state = view.client_state_any(&client_id)?;
            Ok(chan_pb::QueryChannelClientStateResponse {
                identified_client_state: Some(client_pb::IdentifiedClientState { client_id, client_state: Some(client_state) }),
                proof: Vec::new(),
                proof_height: Some(view.height),
            }
            .encode_to_vec())
        })(),
        "ChannelConsensusState" => (|| {
            let req: chan_pb::QueryChannelConsensusStateRequest = decode(data)?;
            let client_id = view.channel_client(&req.port_id, &req.channel_id)?;
            let consensus_state = view.consensus_state_any(&client_id, req.revision_number, req.revision_height)?;
            Ok(chan_pb::QueryChannelConsensusStateResponse { consensus_state: Some(consensus_state), client_id, proof: Vec::new(), proof_height: Some(view.height) }
                .encode_to_vec())
        })(),
        "PacketCommitment" => (|| {
            let req: chan_pb::QueryPacketCommitmentRequest = decode(data)?;
            check_id("port", &req.port_id)?;
            check_id("channel", &req.channel_id)?;
            let path = format!("commitments/ports/{}/channels/{}/sequences/{}", req.port_id, req.channel_id, req.sequence);
            let commitment = view.required(&path, "channel", 20, format!("packet commitment {}", req.sequence))?;
            Ok(chan_pb::QueryPacketCommitmentResponse { commitment, proof: Vec::new(), proof_height: Some(view.height) }.encode_to_vec())
        })(),
        "PacketCommitments" => (|| {
            let req: chan_pb::QueryPacketCommitmentsRequest = decode(data)?;
            let page = page(req.pagination.as_ref())?;
            let (commitments, pagination) = packet_states(view, "commitments", &req.port_id, &req.channel_id, &page, &[])?;
            Ok(chan_pb::QueryPacketCommitmentsResponse { commitments, pagination: Some(pagination), height: Some(view.height) }.encode_to_vec())
        })(),
        "PacketReceipt" => (|| {
            let req: chan_pb::QueryPacketReceiptRequest = decode(data)?;
            check_id("port", &req.port_id)?;
            check_id("channel", &req.channel_id)?;
            let path = format!("receipts/ports/{}/channels/{}/sequences/{}", req.port_id, req.channel_id, req.sequence);
            let received = view.raw(&path)?.is_some();
            Ok(chan_pb::QueryPacketReceiptResponse { received, proof: Vec::new(), proof_height: Some(view.height) }.encode_to_vec())
        })(),
        "PacketAcknowledgement" => (|| {
            let req: chan_pb::QueryPacketAcknowledgementRequest = decode(data)?;
            check_id("port", &req.port_id)?;
            check_id("channel", &req.channel_id)?;
            let path = format!("acks/ports/{}/channels/{}/sequences/{}", req.port_id, req.channel_id, req.sequence);
            let acknowledgement = view.required(&path, "channel", 16, format!("packet acknowledgement {}", req.sequence))?;
            Ok(chan_pb::QueryPacketAcknowledgementResponse { acknowledgement, proof: Vec::new(), proof_height: Some(view.height) }.encode_to_vec())
        })(),
        "PacketAcknowledgements" => (|| {
            let req: chan_pb::QueryPacketAcknowledgementsRequest = decode(data)?;
            let page = page(req.pagination.as_ref())?;
            let (acknowledgements, pagination) = packet_states(view, "acks", &req.port_id, &req.channel_id, &page, &req.packet_commitment_sequences)?;
            Ok(chan_pb::QueryPacketAcknowledgementsResponse { acknowledgements, pagination: Some(pagination), height: Some(view.height) }.encode_to_vec())
        })(),
        "UnreceivedPackets" => (|| {
            let req: chan_pb::QueryUnreceivedPacketsRequest = decode(data)?;
            view.channel(&req.port_id, &req.channel_id)?;
            let mut sequences = Vec::new();
            for &sequence in req.packet_commitment_sequences.iter() {
                if !view.state.packet_received(&req.port_id, &req.channel_id, sequence).map_err(internal)? {
                    sequences.push(sequence);
                }
            }
            Ok(chan_pb::QueryUnreceivedPacketsResponse { sequences, height: Some(view.height) }.encode_to_vec())
        })(),
        "UnreceivedAcks" => (|| {
            let req: chan_pb::QueryUnreceivedAcksRequest = decode(data)?;
            view.channel(&req.port_id, &req.channel_id)?;
            let mut sequences = Vec::new();
            // An acknowledgement is unreceived while this chain still holds the packet's commitment.
            for &sequence in req.packet_ack_sequences.iter() {
                if view.state.packet_commitment_held(&req.port_id, &req.channel_id, sequence).map_err(internal)? {
                    sequences.push(sequence);
                }
            }
            Ok(chan_pb::QueryUnreceivedAcksResponse { sequences, height: Some(view.height) }.encode_to_vec())
        })(),
        "NextSequenceReceive" | "NextSequenceSend" => (|| {
            let req: chan_pb::QueryNextSequenceReceiveRequest = decode(data)?;
            view.channel(&req.port_id, &req.channel_id)?;
            let kind = if method == "NextSequenceSend" { "nextSequenceSend" } else { "nextSequenceRecv" };
            let sequence = view
                .state
                .next_sequence(kind, &req.port_id, &req.channel_id)
                .map_err(internal)?
                .ok_or_else(|| TxError::new("channel", 11, "sequence not found"))?;
            Ok(if method == "NextSequenceSend" {
                chan_pb::QueryNextSequenceSendResponse { next_sequence_send: sequence, proof: Vec::new(), proof_height: Some(view.height) }.encode_to_vec()
            } else {
                chan_pb::QueryNextSequenceReceiveResponse { next_sequence_receive: sequence, proof: Vec::new(), proof_height: Some(view.height) }.encode_to_vec()
            })
        })(),
        _ => return None,
    })
}
