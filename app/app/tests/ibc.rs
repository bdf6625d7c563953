//! IBC between two in-process Agora chains, relayed by the test as Hermes relays: 07-tendermint
//! clients updated with signed headers, the connection and channel handshakes, ICS-20
//! transfers both ways, a timeout refunded, and the refusals, with every proof a real
//! ICS-23 proof from the store.

mod common;
mod ibc_relay;

use agora_tx::{SigningKey, TxBuilder};
use agora_types::Address;
use common::*;
use ibc_relay::*;
use cosmos_sdk_proto::Any as SdkAny;
use ibc_proto::ibc::applications::transfer::v1 as transfer_pb;
use ibc_proto::ibc::core::channel::v1 as chan_pb;
use ibc_proto::ibc::core::client::v1 as client_pb;
use ibc_proto::ibc::core::connection::v1 as conn_pb;
use prost::Message;
use tendermint::abci::types::ExecTxResult;


#[test]
fn transfer_there_and_back_over_a_channel_between_two_chains() {
    let Pair { mut a, mut b, chan_a, chan_b } = pair();
    let escrow = agora_ibc::transfer::escrow_address("transfer", &chan_a);
    let sender_before = a.chain.balance(&a.address(), "uagora");
    let sequence_before = a.sequence;

    // A → B: native uagora escrowed on A, a voucher minted on B.
    let timeout = b.height() + 100;
    let result = a.send_ok(vec![transfer_msg(&a, &chan_a, "uagora", "1000", &b.signer(), timeout)]);
    let packet = sent_packet(&result);
    assert_eq!(a.chain.balance(&escrow, "uagora"), 1000);
    let ack = relay_packet(&mut a, &mut b, packet);
    assert_eq!(ack, br#"{"result":"AQ=="}"#);
    let denom = voucher(&format!("transfer/{chan_b}/uagora"));
    assert_eq!(b.chain.balance(&b.address(), &denom), 1000);

    // The trace is recorded under the voucher's hash.
    let trace: transfer_pb::QueryDenomTraceResponse = b
        .chain
        .node
        .query_proto(
            "/ibc.applications.transfer.v1.Query/DenomTrace",
            &transfer_pb::QueryDenomTraceRequest { hash: denom.trim_start_matches("ibc/").to_string() },
        )
        .expect("denom trace");
    let trace = trace.denom_trace.expect("trace");
    assert_eq!((trace.path.as_str(), trace.base_denom.as_str()), (format!("transfer/{chan_b}").as_str(), "uagora"));

    // B → A with the voucher: burned on B, unescrowed on A.
    let timeout = a.height() + 100;
    let result = b.send_ok(vec![transfer_msg(&b, &chan_b, &denom, "400", &a.signer(), timeout)]);
    let packet = sent_packet(&result);
    assert_eq!(b.chain.balance(&b.address(), &denom), 600);
    relay_packet(&mut b, &mut a, packet);
    assert_eq!(a.chain.balance(&escrow, "uagora"), 600);
    // A's account paid 1,000, got 400 back, and paid the fees of its transactions.
    let fees = u128::from(a.sequence - sequence_before) * 75_000;
    assert_eq!(a.chain.balance(&a.address(), "uagora"), sender_before - 600 - fees);
}

/// Relays a timeout of `packet` (sent by `src`, never received by `dst`) back to `src`.
fn relay_timeout(src: &mut Side, dst: &mut Side, packet: chan_pb::Packet) -> ExecTxResult {
    let (at, proof_height) = seal(dst);
    let msg = chan_pb::MsgTimeout {
        proof_unreceived: dst.proof(
            &format!("receipts/ports/{}/channels/{}/sequences/{}", packet.destination_port, packet.destination_channel, packet.sequence),
            at,
        ),
        packet: Some(packet),
        proof_height: Some(height(proof_height)),
        next_sequence_recv: 1,
        signer: src.signer(),
    };
    relay(dst, src, any("/ibc.core.channel.v1.MsgTimeout", &msg))
}

#[test]
fn a_packet_that_times_out_is_refunded_and_cannot_be_received_after() {
    let Pair { mut a, mut b, chan_a, .. } = pair();
    let escrow = agora_ibc::transfer::escrow_address("transfer", &chan_a);
    let before = a.chain.balance(&a.address(), "uagora");
    let timeout = b.height() + 3;
    let result = a.send_ok(vec![transfer_msg(&a, &chan_a, "uagora", "2500", &b.signer(), timeout)]);
    let packet = sent_packet(&result);
    assert_eq!(a.chain.balance(&escrow, "uagora"), 2500);

    // B passes the timeout height without receiving it.
    for _ in 0..4 {
        b.chain.block(vec![]);
    }
    // Too late to receive: B refuses.
    let (at, proof_height) = seal(&mut a);
    let recv = chan_pb::MsgRecvPacket {
        proof_commitment: a.proof(&format!("commitments/ports/transfer/channels/{chan_a}/sequences/{}", packet.sequence), at),
        packet: Some(packet.clone()),
        proof_height: Some(height(proof_height)),
        signer: b.signer(),
    };
    let refused = relay(&a, &mut b, any("/ibc.core.channel.v1.MsgRecvPacket", &recv));
    assert_refused(&refused, "channel", 14, "");

    // The timeout, proven by the absence of B's receipt, refunds the sender on A.
    let sequence_before = a.sequence;
    let result = relay_timeout(&mut a, &mut b, packet.clone());
    assert_eq!(result.code.value(), 0, "timeout: {}", result.log);
    event_of(&result, "timeout_packet");
    assert_eq!(a.chain.balance(&escrow, "uagora"), 0);
    let fees = u128::from(a.sequence - sequence_before) * 75_000;
    assert_eq!(a.chain.balance(&a.address(), "uagora"), before - 75_000 - fees, "refunded but for the fees");

    // The commitment is gone: a second timeout is refused.
    let again = relay_timeout(&mut a, &mut b, packet);
    assert_ne!(again.code.value(), 0, "a packet times out once");
}

#[test]
fn an_error_acknowledgement_refunds_the_sender_and_mints_nothing() {
    let Pair { mut a, mut b, chan_a, chan_b } = pair();
    let escrow = agora_ibc::transfer::escrow_address("transfer", &chan_a);
    let before = a.chain.balance(&a.address(), "uagora");
    let sequence_before = a.sequence;
    let timeout = b.height() + 100;
    let result = a.send_ok(vec![transfer_msg(&a, &chan_a, "uagora", "700", "not-an-address", timeout)]);
    let packet = sent_packet(&result);
    let ack = relay_packet(&mut a, &mut b, packet);
    let ack: serde_json::Value = serde_json::from_slice(&ack).expect("json ack");
    // ibc-go's error acknowledgement: the code only (sdk 7, the receiver's address), so every
    // node writes the same bytes; the reason is in the events.
    assert_eq!(ack, serde_json::json!({"error": "ABCI code: 7: error handling packet: see events for details"}));
    // Nothing minted on B; the sender has its coins back on A.
    let voucher = voucher(&format!("transfer/{chan_b}/uagora"));
    let supply: cosmos_sdk_proto::cosmos::bank::v1beta1::QuerySupplyOfResponse = b
        .chain
        .node
        .query_proto("/cosmos.bank.v1beta1.Query/SupplyOf", &cosmos_sdk_proto::cosmos::bank::v1beta1::QuerySupplyOfRequest { denom: voucher })
        .expect("supply");
    assert_eq!(supply.amount.expect("coin").amount, "0");
    assert_eq!(a.chain.balance(&escrow, "uagora"), 0);
    let fees = u128::from(a.sequence - sequence_before) * 75_000;
    assert_eq!(a.chain.balance(&a.address(), "uagora"), before - fees);
}

#[test]
fn refusals_carry_ibc_go_codespaces_and_change_nothing() {
    let Pair { mut a, mut b, chan_a, chan_b } = pair();
    let timeout = b.height() + 100;

    // Amount zero, and a voucher this chain never minted, are refused before anything moves.
    let zero = a.send(vec![transfer_msg(&a, &chan_a, "uagora", "0", &b.signer(), timeout)]);
    assert_refused(&zero, "transfer", 5, "amount must be positive");
    let unknown = format!("ibc/{}", "AB".repeat(32));
    let untraced = a.send(vec![transfer_msg(&a, &chan_a, &unknown, "5", &b.signer(), timeout)]);
    assert_refused(&untraced, "transfer", 6, "denomination trace not found");
    // A channel that does not exist.
    let missing = a.send(vec![transfer_msg(&a, "channel-9", "uagora", "5", &b.signer(), timeout)]);
    assert_refused(&missing, "channel", 3, "channel-9");
    // More than the sender holds.
    let too_much = a.send(vec![transfer_msg(&a, &chan_a, "uagora", "999999999999", &b.signer(), timeout)]);
    assert_refused(&too_much, "sdk", 5, "insufficient funds");

    // A packet proven with the wrong proof (the channel end's, not the commitment's).
    let result = a.send_ok(vec![transfer_msg(&a, &chan_a, "uagora", "10", &b.signer(), timeout)]);
    let packet = sent_packet(&result);
    let (at, proof_height) = seal(&mut a);
    let recv = chan_pb::MsgRecvPacket {
        proof_commitment: a.proof(&format!("channelEnds/ports/transfer/channels/{chan_a}"), at),
        packet: Some(packet.clone()),
        proof_height: Some(height(proof_height)),
        signer: b.signer(),
    };
    let wrong = relay(&a, &mut b, any("/ibc.core.channel.v1.MsgRecvPacket", &recv));
    assert_refused(&wrong, "client", 14, "");
    // A packet whose data was changed after it was committed.
    let mut forged = packet.clone();
    forged.data = forged.data.iter().map(|b| if *b == b'1' { b'9' } else { *b }).collect();
    let recv = chan_pb::MsgRecvPacket {
        proof_commitment: a.proof(&format!("commitments/ports/transfer/channels/{chan_a}/sequences/{}", packet.sequence), at),
        packet: Some(forged),
        proof_height: Some(height(proof_height)),
        signer: b.signer(),
    };
    let forged = relay(&a, &mut b, any("/ibc.core.channel.v1.MsgRecvPacket", &recv));
    assert_refused(&forged, "client", 14, "");
    // The honest packet still goes through, once.
    relay_packet(&mut a, &mut b, packet.clone());
    assert_eq!(b.chain.balance(&b.address(), &voucher(&format!("transfer/{chan_b}/uagora"))), 10);

    // ICS-20 channels cannot be closed by a user.
    let close = chan_pb::MsgChannelCloseInit { port_id: "transfer".into(), channel_id: chan_a.clone(), signer: a.signer() };
    let closed = a.send(vec![any("/ibc.core.channel.v1.MsgChannelCloseInit", &close)]);
    assert_ne!(closed.code.value(), 0, "closing a transfer channel is refused");

    // Only governance changes IBC's parameters.
    let params = transfer_pb::MsgUpdateParams {
        signer: a.signer(),
        params: Some(transfer_pb::Params { send_enabled: false, receive_enabled: false }),
    };
    let not_gov = a.send(vec![any("/ibc.applications.transfer.v1.MsgUpdateParams", &params)]);
    assert_refused(&not_gov, "gov", 13, "");
    let params: transfer_pb::QueryParamsResponse =
        a.chain.node.query_proto("/ibc.applications.transfer.v1.Query/Params", &transfer_pb::QueryParamsRequest {}).expect("params");
    assert_eq!(params.params, Some(transfer_pb::Params { send_enabled: true, receive_enabled: true }));
}

#[test]
fn an_expired_client_refuses_updates() {
    let mut a = side(CHAIN_A, 1, 101);
    let mut b = side(CHAIN_B, 2, 102);
    // A client of A on B that trusts a header for 5 seconds (5 blocks of the harness).
    let (mut client_state, consensus_state) = a.client_of_self();
    client_state.trusting_period = Some(tendermint_proto::google::protobuf::Duration { seconds: 5, nanos: 0 });
    let msg = client_pb::MsgCreateClient {
        client_state: Some(ibc_any("/ibc.lightclients.tendermint.v1.ClientState", &client_state)),
        consensus_state: Some(ibc_any("/ibc.lightclients.tendermint.v1.ConsensusState", &consensus_state)),
        signer: b.signer(),
    };
    let result = b.send_ok(vec![any("/ibc.core.client.v1.MsgCreateClient", &msg)]);
    b.client_id = attribute(event_of(&result, "create_client"), "client_id");
    b.client_height = a.height();
    for _ in 0..8 {
        a.chain.block(vec![]);
        b.chain.block(vec![]);
    }
    let update = a.update_msg(&b);
    let refused = b.send(vec![update]);
    assert_refused(&refused, "client", 28, "");
}

#[test]
fn switched_off_transfers_are_refused_on_send_and_acknowledged_with_an_error_on_receive() {
    let switched = |send_enabled: bool, receive_enabled: bool| {
        move |genesis: &mut agora_genesis::AppState| {
            let mut ibc: agora_ibc::GenesisState = genesis.section("ibc").expect("ibc");
            ibc.send_enabled = send_enabled;
            ibc.receive_enabled = receive_enabled;
            genesis.set_section("ibc", &ibc).expect("set");
        }
    };
    // A sends but does not receive; B receives but does not send.
    let Pair { mut a, mut b, chan_a, chan_b } = pair_with(switched(true, false), switched(false, true));
    let refused = b.send(vec![transfer_msg(&b, &chan_b, "uagora", "5", &a.signer(), a.height() + 100)]);
    assert_refused(&refused, "transfer", 7, "transfers from this chain are disabled");

    // A's transfer reaches B; and a voucher B could not send back would be refused there too.
    let result = a.send_ok(vec![transfer_msg(&a, &chan_a, "uagora", "5", &b.signer(), b.height() + 100)]);
    let ack = relay_packet(&mut a, &mut b, sent_packet(&result));
    assert_eq!(ack, br#"{"result":"AQ=="}"#);

    // The other way round, receiving is what is off: a chain with sending on and receiving off
    // answers a packet with an error acknowledgement (transfer 8), which refunds the sender.
    let Pair { a: mut c, b: mut d, chan_a: chan_c, .. } = pair_with(switched(true, true), switched(true, false));
    let escrow = agora_ibc::transfer::escrow_address("transfer", &chan_c);
    let result = c.send_ok(vec![transfer_msg(&c, &chan_c, "uagora", "9", &d.signer(), d.height() + 100)]);
    let ack = relay_packet(&mut c, &mut d, sent_packet(&result));
    let ack: serde_json::Value = serde_json::from_slice(&ack).expect("json");
    assert_eq!(ack, serde_json::json!({"error": "ABCI code: 8: error handling packet: see events for details"}));
    assert_eq!(c.chain.balance(&escrow, "uagora"), 0, "refunded");
}

fn query<Req: Message, Res: Message + Default>(side: &Side, path: &str, req: &Req) -> Res {
    side.chain.node.query_proto(path, req).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn relayer_queries_answer_what_hermes_reads_at_any_kept_height() {
    let Pair { mut a, mut b, chan_a, chan_b } = pair();
    let conn_a = "connection-0";

    // Clients.
    let res: client_pb::QueryClientStatesResponse = query(&a, "/ibc.core.client.v1.Query/ClientStates", &client_pb::QueryClientStatesRequest { pagination: None });
    assert_eq!(res.client_states.iter().map(|c| c.client_id.as_str()).collect::<Vec<_>>(), [a.client_id.as_str()]);
    assert_eq!(res.client_states[0].client_state.as_ref().expect("state").type_url, "/ibc.lightclients.tendermint.v1.ClientState");
    let res: client_pb::QueryClientStatusResponse = query(&a, "/ibc.core.client.v1.Query/ClientStatus", &client_pb::QueryClientStatusRequest { client_id: a.client_id.clone() });
    assert_eq!(res.status, "Active");
    let res: client_pb::QueryConsensusStateHeightsResponse = query(
        &a,
        "/ibc.core.client.v1.Query/ConsensusStateHeights",
        &client_pb::QueryConsensusStateHeightsRequest { client_id: a.client_id.clone(), pagination: None },
    );
    let heights: Vec<u64> = res.consensus_state_heights.iter().map(|h| h.revision_height).collect();
    assert!(heights.windows(2).all(|w| w[0] < w[1]), "ascending: {heights:?}");
    assert_eq!(heights.last(), Some(&a.client_height));
    let res: client_pb::QueryConsensusStateResponse = query(
        &a,
        "/ibc.core.client.v1.Query/ConsensusState",
        &client_pb::QueryConsensusStateRequest { client_id: a.client_id.clone(), revision_number: 0, revision_height: 0, latest_height: true },
    );
    assert!(res.consensus_state.is_some());
    assert_eq!(res.proof_height.expect("height"), height(a.height()));

    // Connections and channels.
    let res: conn_pb::QueryConnectionsResponse = query(&a, "/ibc.core.connection.v1.Query/Connections", &conn_pb::QueryConnectionsRequest { pagination: None });
    assert_eq!(res.connections.len(), 1);
    assert_eq!((res.connections[0].id.as_str(), res.connections[0].state), (conn_a, conn_pb::State::Open as i32));
    let res: conn_pb::QueryClientConnectionsResponse =
        query(&a, "/ibc.core.connection.v1.Query/ClientConnections", &conn_pb::QueryClientConnectionsRequest { client_id: a.client_id.clone() });
    assert_eq!(res.connection_paths, [conn_a]);
    let res: chan_pb::QueryConnectionChannelsResponse =
        query(&a, "/ibc.core.channel.v1.Query/ConnectionChannels", &chan_pb::QueryConnectionChannelsRequest { connection: conn_a.into(), pagination: None });
    assert_eq!(res.channels.len(), 1);
    assert_eq!((res.channels[0].channel_id.as_str(), res.channels[0].state), (chan_a.as_str(), chan_pb::State::Open as i32));
    let res: chan_pb::QueryChannelClientStateResponse = query(
        &a,
        "/ibc.core.channel.v1.Query/ChannelClientState",
        &chan_pb::QueryChannelClientStateRequest { port_id: "transfer".into(), channel_id: chan_a.clone() },
    );
    assert_eq!(res.identified_client_state.expect("client").client_id, a.client_id);

    // Packets in flight: a commitment on A, unreceived on B, then received and acknowledged.
    let before_send = a.height();
    let result = a.send_ok(vec![transfer_msg(&a, &chan_a, "uagora", "3", &b.signer(), b.height() + 100)]);
    let packet = sent_packet(&result);
    let commitments = |side: &Side, at: u64| -> Vec<u64> {
        let res = side
            .chain
            .node
            .query(
                "/ibc.core.channel.v1.Query/PacketCommitments",
                chan_pb::QueryPacketCommitmentsRequest { port_id: "transfer".into(), channel_id: chan_a.clone(), pagination: None }.encode_to_vec(),
                at,
                false,
            )
            .expect("query");
        assert_eq!(res.code.value(), 0, "{}", res.log);
        chan_pb::QueryPacketCommitmentsResponse::decode(res.value.as_ref()).expect("decode").commitments.iter().map(|c| c.sequence).collect()
    };
    assert_eq!(commitments(&a, 0), [packet.sequence]);
    assert_eq!(commitments(&a, before_send), Vec::<u64>::new(), "the state before the send, at its height");
    let unreceived: chan_pb::QueryUnreceivedPacketsResponse = query(
        &b,
        "/ibc.core.channel.v1.Query/UnreceivedPackets",
        &chan_pb::QueryUnreceivedPacketsRequest { port_id: "transfer".into(), channel_id: chan_b.clone(), packet_commitment_sequences: vec![packet.sequence] },
    );
    assert_eq!(unreceived.sequences, [packet.sequence]);
    relay_packet(&mut a, &mut b, packet.clone());
    let unreceived: chan_pb::QueryUnreceivedPacketsResponse = query(
        &b,
        "/ibc.core.channel.v1.Query/UnreceivedPackets",
        &chan_pb::QueryUnreceivedPacketsRequest { port_id: "transfer".into(), channel_id: chan_b.clone(), packet_commitment_sequences: vec![packet.sequence] },
    );
    assert!(unreceived.sequences.is_empty());
    let acks: chan_pb::QueryPacketAcknowledgementsResponse = query(
        &b,
        "/ibc.core.channel.v1.Query/PacketAcknowledgements",
        &chan_pb::QueryPacketAcknowledgementsRequest { port_id: "transfer".into(), channel_id: chan_b.clone(), pagination: None, packet_commitment_sequences: vec![] },
    );
    assert_eq!(acks.acknowledgements.iter().map(|a| a.sequence).collect::<Vec<_>>(), [packet.sequence]);
    let unacked: chan_pb::QueryUnreceivedAcksResponse = query(
        &a,
        "/ibc.core.channel.v1.Query/UnreceivedAcks",
        &chan_pb::QueryUnreceivedAcksRequest { port_id: "transfer".into(), channel_id: chan_a.clone(), packet_ack_sequences: vec![packet.sequence] },
    );
    assert!(unacked.sequences.is_empty(), "the acknowledgement arrived");
    let next: chan_pb::QueryNextSequenceReceiveResponse = query(
        &b,
        "/ibc.core.channel.v1.Query/NextSequenceReceive",
        &chan_pb::QueryNextSequenceReceiveRequest { port_id: "transfer".into(), channel_id: chan_b.clone() },
    );
    assert_eq!(next.next_sequence_receive, 1, "unordered channels keep the initial receive sequence");

    // Transfer queries.
    let escrow: transfer_pb::QueryEscrowAddressResponse = query(
        &a,
        "/ibc.applications.transfer.v1.Query/EscrowAddress",
        &transfer_pb::QueryEscrowAddressRequest { port_id: "transfer".into(), channel_id: chan_a.clone() },
    );
    assert_eq!(escrow.escrow_address, agora_ibc::transfer::escrow_address("transfer", &chan_a).to_bech32());
    let total: transfer_pb::QueryTotalEscrowForDenomResponse =
        query(&a, "/ibc.applications.transfer.v1.Query/TotalEscrowForDenom", &transfer_pb::QueryTotalEscrowForDenomRequest { denom: "uagora".into() });
    assert_eq!(total.amount.expect("coin").amount, "3");
    let hash: transfer_pb::QueryDenomHashResponse = query(
        &b,
        "/ibc.applications.transfer.v1.Query/DenomHash",
        &transfer_pb::QueryDenomHashRequest { trace: format!("transfer/{chan_b}/uagora") },
    );
    assert_eq!(format!("ibc/{}", hash.hash), voucher(&format!("transfer/{chan_b}/uagora")));
    let traces: transfer_pb::QueryDenomTracesResponse =
        query(&b, "/ibc.applications.transfer.v1.Query/DenomTraces", &transfer_pb::QueryDenomTracesRequest { pagination: None });
    assert_eq!(traces.denom_traces.len(), 1);

    // Unknown things are typed refusals.
    let res = a
        .chain
        .node
        .query("/ibc.core.channel.v1.Query/Channel", chan_pb::QueryChannelRequest { port_id: "transfer".into(), channel_id: "channel-42".into() }.encode_to_vec(), 0, false)
        .expect("query");
    assert_eq!((res.codespace.as_str(), res.code.value()), ("channel", 3), "{}", res.log);
    let res = a
        .chain
        .node
        .query("/ibc.core.client.v1.Query/ClientState", client_pb::QueryClientStateRequest { client_id: "../../x".into() }.encode_to_vec(), 0, false)
        .expect("query");
    assert_eq!((res.codespace.as_str(), res.code.value()), ("host", 2), "{}", res.log);
}

/// Signs `msgs` with `key` (an account of `side`'s chain other than its relayer) and delivers
/// them in a block of their own.
fn send_from(side: &mut Side, key: &SigningKey, msgs: Vec<SdkAny>) -> ExecTxResult {
    let account = side.chain.account(&key.address()).expect("account");
    let mut builder = TxBuilder::new();
    for msg in msgs {
        builder = builder.any_message(msg);
    }
    let tx = builder.fee(coins(IBC_FEE)).gas_limit(IBC_GAS).sign(key, side.chain_id, account.account_number, account.sequence);
    let result = side.chain.block(vec![tx]).remove(0);
    assert_eq!(result.code.value(), 0, "{}: {}", result.codespace, result.log);
    result
}

#[test]
fn a_lease_is_paid_in_a_voucher_that_arrived_over_the_channel() {
    use agora_proto::base::v1::{Attribute, DecCoin, GpuClass, Resources, StorageCapacity};
    use agora_proto::deployment::v1 as dpb;
    use agora_proto::market::v1 as mpb;
    use agora_proto::provider::v1 as ppb;
    const GIB: u64 = 1 << 30;
    // B's first transfer channel is channel-0: the voucher of A's uagora is known in advance,
    // and B's governance (here its genesis) lists it as a payment denom.
    let voucher = voucher("transfer/channel-0/uagora");
    let provider = key(3);
    let listed = voucher.clone();
    let provider_address = provider.address();
    let tune_b = move |genesis: &mut agora_genesis::AppState| {
        agora_app::genesis::add_account(genesis, provider_address, &coins("1000000000uagora")).expect("fund provider");
        genesis
            .update_section::<agora_market::genesis::DeploymentGenesis, String>("deployment", |deployment| {
                deployment.params.allowed_payment_denoms.push(agora_types::Denom::new(listed).expect("denom"));
                Ok(())
            })
            .expect("deployment");
    };
    let Pair { mut a, mut b, chan_a, chan_b } = pair_with(|_| {}, tune_b);
    assert_eq!(chan_b, "channel-0");

    // The tenant on B receives 1,000,000 of A's uagora as the voucher.
    let result = a.send_ok(vec![transfer_msg(&a, &chan_a, "uagora", "1000000", &b.signer(), b.height() + 100)]);
    relay_packet(&mut a, &mut b, sent_packet(&result));
    assert_eq!(b.chain.balance(&b.address(), &voucher), 1_000_000);

    // A provider of 8 A100s on B, bonded in B's own token.
    let gpus = GpuClass { vendor: "nvidia".into(), model: "a100".into(), vram_gib: 80, interface: "sxm".into(), count: 8 };
    let create_provider = ppb::MsgCreateProvider {
        owner: provider.address().to_bech32(),
        host_uri: "https://provider.example.com".into(),
        attributes: vec![Attribute { key: "region".into(), value: "eu".into() }],
        info: Some(ppb::ProviderInfo { email: "ops@example.com".into(), website: "https://example.com".into() }),
        capacity: Some(Resources {
            cpu_millis: 128_000,
            memory_bytes: 1024 * GIB,
            storage: vec![StorageCapacity { class: "default".into(), bytes: 10_240 * GIB }],
            gpus: vec![gpus],
        }),
        bond: Some(pb_coin("uagora", "100000000")),
        operator: String::new(),
    };
    send_from(&mut b, &provider, vec![agora_tx::to_any(&create_provider)]);

    // The tenant deploys one replica of 2 A100s, priced and deposited in the voucher.
    let group = dpb::GroupSpec {
        name: "gpu".into(),
        requirements: Some(dpb::PlacementRequirements { attributes: vec![Attribute { key: "region".into(), value: "eu".into() }], signed_by: None }),
        resources: vec![dpb::ResourceUnit {
            cpu_millis: 8_000,
            memory_bytes: 64 * GIB,
            storage: vec![StorageCapacity { class: "default".into(), bytes: 100 * GIB }],
            gpu: Some(dpb::GpuRequest { count: 2, vendor: "nvidia".into(), model: "a100".into(), min_vram_gib: 40, interface: String::new() }),
            count: 1,
            price: Some(DecCoin { denom: voucher.clone(), amount: "100".into() }),
        }],
        auction: false,
    };
    let owner = b.signer();
    let deploy = dpb::MsgCreateDeployment {
        id: Some(dpb::DeploymentId { owner: owner.clone(), dseq: 1 }),
        groups: vec![group],
        deposit: Some(pb_coin(&voucher, "500000")),
        version_hash: vec![7; 32],
    };
    let tenant = b.key.clone();
    send_from(&mut b, &tenant, vec![agora_tx::to_any(&deploy)]);
    assert_eq!(b.chain.balance(&b.address(), &voucher), 500_000);

    let order = mpb::OrderId { owner: owner.clone(), dseq: 1, gseq: 1, oseq: 1 };
    let bid = mpb::MsgCreateBid {
        order_id: Some(order),
        provider: provider.address().to_bech32(),
        price: Some(DecCoin { denom: voucher.clone(), amount: "80".into() }),
        deposit: Some(pb_coin("uagora", "500000")),
    };
    send_from(&mut b, &provider, vec![agora_tx::to_any(&bid)]);
    let lease_id = mpb::BidId { owner, dseq: 1, gseq: 1, oseq: 1, provider: provider.address().to_bech32() };
    send_from(&mut b, &tenant, vec![agora_tx::to_any(&mpb::MsgCreateLease { bid_id: Some(lease_id.clone()) })]);
    let started = b.height();
    for _ in 0..10 {
        b.chain.block(vec![]);
    }
    send_from(&mut b, &provider, vec![agora_tx::to_any(&mpb::MsgWithdrawLease { id: Some(lease_id) })]);
    // 80 per block from the lease's first block through the withdrawal's, less escrow's take on
    // a denom other than the native one (its default rate, 20%), went to the provider in the voucher.
    let blocks = u128::from(b.height() - started);
    let paid = 80 * blocks;
    let take = paid * 2_000 / 10_000;
    assert_eq!(b.chain.balance(&provider.address(), &voucher), paid - take);
}

#[test]
fn a_packet_to_a_blocked_module_account_is_acknowledged_with_an_error_and_refunded() {
    let Pair { mut a, mut b, chan_a, .. } = pair();
    let escrow = agora_ibc::transfer::escrow_address("transfer", &chan_a);
    // The bonded pool accounts for its balance exactly; nobody may pay it.
    let bonded_pool = Address::module(agora_staking::BONDED_POOL).to_bech32();
    let result = a.send_ok(vec![transfer_msg(&a, &chan_a, "uagora", "50", &bonded_pool, b.height() + 100)]);
    let ack = relay_packet(&mut a, &mut b, sent_packet(&result));
    let ack: serde_json::Value = serde_json::from_slice(&ack).expect("json");
    assert_eq!(ack, serde_json::json!({"error": "ABCI code: 4: error handling packet: see events for details"}));
    assert_eq!(a.chain.balance(&escrow, "uagora"), 0, "refunded");
}

#[test]
fn a_client_with_proof_specs_no_chain_uses_is_refused() {
    let a = side(CHAIN_A, 1, 101);
    let mut b = side(CHAIN_B, 2, 102);
    let (mut client_state, consensus_state) = a.client_of_self();
    // A spec whose inner nodes may have no prefix at all: verification code assumes otherwise.
    for spec in &mut client_state.proof_specs {
        if let Some(inner) = spec.inner_spec.as_mut() {
            inner.min_prefix_length = 0;
        }
    }
    let msg = client_pb::MsgCreateClient {
        client_state: Some(ibc_any("/ibc.lightclients.tendermint.v1.ClientState", &client_state)),
        consensus_state: Some(ibc_any("/ibc.lightclients.tendermint.v1.ConsensusState", &consensus_state)),
        signer: b.signer(),
    };
    let refused = b.send(vec![any("/ibc.core.client.v1.MsgCreateClient", &msg)]);
    assert_refused(&refused, "client", 3, "proof specs");
}

#[test]
fn simulating_a_client_update_sees_the_chains_clock() {
    let Pair { mut a, b, .. } = pair();
    a.chain.block(vec![]);
    // As Hermes estimates gas: Simulate a MsgUpdateClient (signature unchecked in simulation).
    let update = a.update_msg(&b);
    let tx = TxBuilder::new().any_message(update).fee(coins(IBC_FEE)).gas_limit(IBC_GAS).sign(&b.key, b.chain_id, b.account_number, b.sequence);
    let req = cosmos_sdk_proto::cosmos::tx::v1beta1::SimulateRequest { tx_bytes: tx, ..Default::default() };
    let res = b.chain.node.query("/cosmos.tx.v1beta1.Service/Simulate", req.encode_to_vec(), 0, false).expect("simulate");
    assert_eq!(res.code.value(), 0, "{}: {}", res.codespace, res.log);
    let sim = cosmos_sdk_proto::cosmos::tx::v1beta1::SimulateResponse::decode(res.value.as_ref()).expect("response");
    assert!(sim.gas_info.expect("gas").gas_used > agora_ibc::component::HEADER_SIGNATURE_GAS, "the header's signature is charged");
}

#[test]
fn store_queries_answer_with_or_without_the_leading_slash_as_hermes_sends_them() {
    let Pair { a, .. } = pair();
    let path = format!("clients/{}/clientState", a.client_id);
    let with = a.chain.node.query("/store/ibc/key", path.as_bytes().to_vec(), 0, true).expect("query");
    let without = a.chain.node.query("store/ibc/key", path.as_bytes().to_vec(), 0, true).expect("query");
    assert_eq!(without.code.value(), 0, "{}", without.log);
    assert_eq!((with.value, with.proof), (without.value, without.proof));
}

/// `msgs` signed by `side`'s relayer at `sequence`, not delivered.
fn signed_at(side: &Side, msgs: Vec<SdkAny>, sequence: u64) -> Vec<u8> {
    let builder = msgs.into_iter().fold(TxBuilder::new(), TxBuilder::any_message);
    builder.fee(coins(IBC_FEE)).gas_limit(IBC_GAS).sign(&side.key, side.chain_id, side.account_number, sequence)
}

/// As Hermes sends a batch: a client update in one transaction, then packets proven at the new
/// height in the next, before the first commits. CheckTx applies the update to the mempool
/// view (ibc-go's RedundantRelayDecorator), so the second passes CheckTx and simulates; a
/// transaction whose packets were all received already is refused (channel 22) and pays
/// nothing, while one with a fresh packet beside a received one is admitted.
#[test]
fn check_tx_applies_client_updates_and_refuses_redundant_relays() {
    let Pair { mut a, mut b, chan_a, .. } = pair();
    let timeout = b.height() + 100;
    let first = sent_packet(&a.send_ok(vec![transfer_msg(&a, &chan_a, "uagora", "10", &b.signer(), timeout)]));
    let second = sent_packet(&a.send_ok(vec![transfer_msg(&a, &chan_a, "uagora", "20", &b.signer(), timeout)]));
    let (at, proof_height) = seal(&mut a);

    let update = signed_at(&b, vec![a.update_msg(&b)], b.sequence);
    let recv = signed_at(&b, vec![recv_msg(&a, &b, &first, at, proof_height)], b.sequence + 1);
    // Without the update, the packet's proof height is beyond B's client: refused by Simulate.
    let req = |tx: &[u8]| cosmos_sdk_proto::cosmos::tx::v1beta1::SimulateRequest { tx_bytes: tx.to_vec(), ..Default::default() }.encode_to_vec();
    let early = b.chain.node.query("/cosmos.tx.v1beta1.Service/Simulate", req(&signed_at(&b, vec![recv_msg(&a, &b, &first, at, proof_height)], b.sequence)), 0, false).expect("simulate");
    assert_ne!(early.code.value(), 0, "the client is not at the proof height yet");

    let checked = b.chain.node.check_tx(&update);
    assert_eq!(checked.code.value(), 0, "{}", checked.log);
    let simulated = b.chain.node.query("/cosmos.tx.v1beta1.Service/Simulate", req(&recv), 0, false).expect("simulate");
    assert_eq!(simulated.code.value(), 0, "{}: {}", simulated.codespace, simulated.log);
    let checked = b.chain.node.check_tx(&recv);
    assert_eq!(checked.code.value(), 0, "{}", checked.log);
    let client_key = format!("clients/{}/consensusStates/1-{proof_height}", b.client_id);
    let results = b.chain.raw_block(vec![update, recv]);
    assert!(results.iter().all(|r| r.code.value() == 0), "{results:?}");
    assert!(!b.raw_ibc(&client_key).is_empty());
    b.client_height = proof_height;
    b.sequence += 2;

    // Relaying the first packet again changes nothing: refused, alone or after a client update
    // (Hermes' shape when another relayer was first); its fee and sequence stay out of the
    // mempool view, since the next transaction at the same sequence is admitted.
    let again = signed_at(&b, vec![recv_msg(&a, &b, &first, at, proof_height)], b.sequence);
    let refused = b.chain.node.check_tx(&again);
    assert_eq!((refused.codespace.as_str(), refused.code.value()), ("channel", 22), "{}", refused.log);
    assert!(refused.log.contains("packet messages are redundant"), "{}", refused.log);
    a.chain.block(vec![]);
    let updated_again = signed_at(&b, vec![a.update_msg(&b), recv_msg(&a, &b, &first, at, proof_height)], b.sequence);
    let refused = b.chain.node.check_tx(&updated_again);
    assert_eq!((refused.codespace.as_str(), refused.code.value()), ("channel", 22), "{}", refused.log);
    // Beside a message of another module it is admitted, as ibc-go admits it (the block runs
    // it as a no-op).
    let send = any(
        "/cosmos.bank.v1beta1.MsgSend",
        &msg_send(&b.address(), &a.address(), vec![pb_coin("uagora", "1")]),
    );
    let with_send = signed_at(&b, vec![send, recv_msg(&a, &b, &first, at, proof_height)], b.sequence);
    let admitted = b.chain.node.check_tx(&with_send);
    assert_eq!(admitted.code.value(), 0, "{}", admitted.log);
    // Beside a fresh packet, it is admitted (the fresh one is work).
    let mixed = signed_at(&b, vec![recv_msg(&a, &b, &first, at, proof_height), recv_msg(&a, &b, &second, at, proof_height)], b.sequence + 1);
    let admitted = b.chain.node.check_tx(&mixed);
    assert_eq!(admitted.code.value(), 0, "{}", admitted.log);
}

/// A client update admitted by CheckTx lives only in the mempool view: a block without it
/// leaves the client where it was (a packet proven at the new height fails in that block), and
/// on recheck the update is not verified or applied again.
#[test]
fn a_client_update_admitted_to_the_mempool_reaches_state_only_through_a_block() {
    let Pair { mut a, mut b, chan_a, .. } = pair();
    let timeout = b.height() + 100;
    let packet = sent_packet(&a.send_ok(vec![transfer_msg(&a, &chan_a, "uagora", "10", &b.signer(), timeout)]));
    let (at, proof_height) = seal(&mut a);
    let update = signed_at(&b, vec![a.update_msg(&b)], b.sequence);
    assert_eq!(b.chain.node.check_tx(&update).code.value(), 0);
    let client_key = format!("clients/{}/consensusStates/1-{proof_height}", b.client_id);

    // The proposer leaves the update out; the packet's proof cannot be verified in the block.
    let recv = signed_at(&b, vec![recv_msg(&a, &b, &packet, at, proof_height)], b.sequence);
    let results = b.chain.raw_block(vec![recv]);
    assert_ne!(results[0].code.value(), 0, "the client never reached the proof height");
    assert!(b.raw_ibc(&client_key).is_empty(), "CheckTx's update is not state");
    b.sequence += 1;

    // Rechecked after that block, the update is admitted again without being applied: a
    // simulation that needs it fails until a block carries it.
    let update = signed_at(&b, vec![a.update_msg(&b)], b.sequence);
    assert_eq!(b.chain.node.recheck_tx(&update).code.value(), 0);
    let recv = signed_at(&b, vec![recv_msg(&a, &b, &packet, at, proof_height)], b.sequence + 1);
    let req = cosmos_sdk_proto::cosmos::tx::v1beta1::SimulateRequest { tx_bytes: recv.clone(), ..Default::default() }.encode_to_vec();
    let simulated = b.chain.node.query("/cosmos.tx.v1beta1.Service/Simulate", req, 0, false).expect("simulate");
    assert_ne!(simulated.code.value(), 0, "the rechecked update was not applied to the view");
    let results = b.chain.raw_block(vec![update, recv]);
    assert!(results.iter().all(|r| r.code.value() == 0), "{results:?}");
    assert!(!b.raw_ibc(&client_key).is_empty());
}

#[test]
fn a_denom_bank_does_not_let_be_sent_does_not_leave_by_ibc_either() {
    let stopped = |genesis: &mut agora_genesis::AppState| {
        genesis
            .update_section::<agora_bank::GenesisState, String>("bank", |bank| {
                bank.params.send_enabled.push(agora_bank::params::SendEnabled { denom: agora_types::Denom::native(), enabled: false });
                Ok(())
            })
            .expect("bank");
    };
    let Pair { mut a, b, chan_a, .. } = pair_with(stopped, |_| {});
    let escrow = agora_ibc::transfer::escrow_address("transfer", &chan_a);
    let refused = a.send(vec![transfer_msg(&a, &chan_a, "uagora", "5", &b.signer(), b.height() + 100)]);
    assert_refused(&refused, "transfer", 7, "uagora are disabled: bank does not let it be sent");
    assert_eq!(a.chain.balance(&escrow, "uagora"), 0, "nothing escrowed");
}

/// The receive side's limits (a chain that does not check on send) are unit tests of
/// `agora_ibc::transfer`; this chain checks both on send.
#[test]
fn memos_and_receivers_beyond_ibc_gos_limits_are_refused_on_send() {
    let Pair { mut a, b, chan_a, .. } = pair();
    let escrow = agora_ibc::transfer::escrow_address("transfer", &chan_a);
    let transfer = |a: &Side, receiver: &str, memo: String| {
        let mut msg = transfer_pb::MsgTransfer::decode(transfer_msg(a, &chan_a, "uagora", "40", receiver, 1_000).value.as_slice()).expect("transfer");
        msg.memo = memo;
        any("/ibc.applications.transfer.v1.MsgTransfer", &msg)
    };
    let refused = a.send(vec![transfer(&a, &b.signer(), "m".repeat(32_769))]);
    assert_refused(&refused, "transfer", 11, "memo must not exceed 32768 bytes");
    let refused = a.send(vec![transfer(&a, &"r".repeat(2_049), String::new())]);
    assert_refused(&refused, "sdk", 7, "recipient address must not exceed 2048 bytes");
    assert_eq!(a.chain.balance(&escrow, "uagora"), 0, "nothing escrowed");
}

#[test]
fn denom_hash_answers_only_for_traces_this_chain_has_seen() {
    let Pair { mut a, mut b, chan_a, chan_b } = pair();
    let trace = format!("transfer/{chan_b}/uagora");
    let ask = |side: &Side| {
        side.chain.node.query_proto::<_, transfer_pb::QueryDenomHashResponse>(
            "/ibc.applications.transfer.v1.Query/DenomHash",
            &transfer_pb::QueryDenomHashRequest { trace: trace.clone() },
        )
    };
    let unseen = ask(&b).expect_err("no voucher has arrived yet");
    assert!(unseen.to_string().contains("not found"), "{unseen}");
    // The first voucher of a trace reports it once (`denomination_trace`, as ibc-go); the
    // next receive of the same trace does not.
    let mut traces_reported = Vec::new();
    for _ in 0..2 {
        let result = a.send_ok(vec![transfer_msg(&a, &chan_a, "uagora", "5", &b.signer(), b.height() + 100)]);
        let packet = sent_packet(&result);
        let (at, proof_height) = seal(&mut a);
        let recv = recv_msg(&a, &b, &packet, at, proof_height);
        let recv = relay(&a, &mut b, recv);
        assert_eq!(recv.code.value(), 0, "{}", recv.log);
        let reported: Vec<String> = recv.events.iter().filter(|e| e.kind == "denomination_trace").map(|e| attribute(e, "denom")).collect();
        traces_reported.push(reported);
    }
    assert_eq!(traces_reported, [vec![voucher(&trace)], vec![]]);
    assert_eq!(format!("ibc/{}", ask(&b).expect("seen").hash), voucher(&trace));
}
