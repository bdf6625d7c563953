//! Unit tests of what `ibc` owns outside ibc-rs's handlers (the handlers are driven end to end
//! by the app tests in `app/app/tests/ibc.rs`).

use crate::transfer::{denom_hash, escrow_address, local_denom};

/// The proof specs the IBC localnet's Hermes config carries for Agora chains, kept equal to
/// the store's (both levels the JMT spec).
#[test]
fn the_relayer_proof_specs_file_is_the_stores_spec() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../scripts/ibc/agora-proof-specs.json");
    let text = std::fs::read_to_string(path).expect("read the specs file");
    let specs: Vec<ics23::ProofSpec> = serde_json::from_str(&text).expect("JSON proof specs");
    let spec = agora_store::proof_spec();
    if specs != vec![spec.clone(), spec.clone()] {
        panic!("{path} is stale; it should be:\n{}", serde_json::to_string_pretty(&vec![spec.clone(), spec]).expect("json"));
    }
    assert_eq!(crate::context::agora_proof_specs().clone(), ibc::core::commitment_types::specs::ProofSpecs::try_from(specs).expect("specs"));
}

#[test]
fn escrow_addresses_and_voucher_denoms_are_ibc_gos() {
    // ibc-go's `GetEscrowAddress("transfer", "channel-0")` (ADR-028): the Cosmos Hub's escrow
    // account of its channel-0, under the hub's prefix.
    assert_eq!(escrow_address("transfer", "channel-0").to_bech32_with("cosmos"), "cosmos1a53udazy8ayufvy0s434pfwjcedzqv34kvz9tw");
    // The voucher of ATOM over channel-0, as every Cosmos chain names it.
    assert_eq!(denom_hash("transfer/channel-0/uatom"), "27394FB092D2ECCD56123C74F36E4C1F926001CEADA9CA97EA622B25F41E5EB2");
    let native: ibc::apps::transfer::types::PrefixedDenom = "uagora".parse().expect("denom");
    assert_eq!(local_denom(&native).expect("local").as_str(), "uagora");
    let voucher: ibc::apps::transfer::types::PrefixedDenom = "transfer/channel-0/uatom".parse().expect("denom");
    assert_eq!(local_denom(&voucher).expect("local").as_str(), "ibc/27394FB092D2ECCD56123C74F36E4C1F926001CEADA9CA97EA622B25F41E5EB2");
}

/// A received packet whose data is not UTF-8 still renders its events (ibc-rs alone would
/// fail the receive): `packet_data` as lossy text, `packet_data_hex` exact, every other
/// attribute as ibc-rs renders it for text data.
#[test]
fn packet_events_render_data_that_is_not_utf8() {
    use ibc::core::channel::types::channel::Order;
    use ibc::core::channel::types::events::{ReceivePacket, WriteAcknowledgement};
    use ibc::core::channel::types::packet::Packet;
    use ibc::core::handler::types::events::IbcEvent;

    let packet = |data: Vec<u8>| Packet {
        seq_on_a: 7u64.into(),
        port_id_on_a: "transfer".parse().expect("port"),
        chan_id_on_a: "channel-3".parse().expect("channel"),
        port_id_on_b: "transfer".parse().expect("port"),
        chan_id_on_b: "channel-0".parse().expect("channel"),
        data,
        timeout_height_on_b: ibc::core::channel::types::timeout::TimeoutHeight::Never,
        timeout_timestamp_on_b: ibc::core::channel::types::timeout::TimeoutTimestamp::Never,
    };
    let connection: ibc::core::host::types::identifiers::ConnectionId = "connection-0".parse().expect("connection");
    let bytes = vec![0xff, b'a', 0xfe];
    let receive = crate::context::to_event(IbcEvent::ReceivePacket(ReceivePacket::new(packet(bytes.clone()), Order::Unordered, connection.clone())))
        .expect("a packet of any bytes renders");
    assert_eq!(receive.get("packet_data_hex"), Some("ff61fe"));
    assert_eq!(receive.get("packet_data"), Some("\u{fffd}a\u{fffd}"));
    // The same packet as text renders the same attributes but for its data.
    let text = crate::context::to_event(IbcEvent::ReceivePacket(ReceivePacket::new(packet(b"xax".to_vec()), Order::Unordered, connection.clone())))
        .expect("text");
    let others = |e: &agora_types::Event| e.attributes.iter().filter(|a| !a.key.starts_with("packet_data")).cloned().collect::<Vec<_>>();
    assert_eq!(others(&receive), others(&text));
    assert_eq!(receive.get("packet_src_channel"), Some("channel-3"));
    assert_eq!(receive.get("packet_dst_channel"), Some("channel-0"));

    let ack = ibc::core::channel::types::acknowledgement::Acknowledgement::try_from(b"{\"error\":\"x\"}".to_vec()).expect("ack");
    let write = crate::context::to_event(IbcEvent::WriteAcknowledgement(WriteAcknowledgement::new(packet(bytes), ack, connection)))
        .expect("a written acknowledgement of any packet renders");
    assert_eq!(write.get("packet_data_hex"), Some("ff61fe"));
    assert_eq!(write.get("packet_src_channel"), Some("channel-3"));
}

/// Received packet data beyond ibc-go's limits is refused (with ibc-go's codes, in the error
/// acknowledgement), whatever the sending chain checked.
#[test]
fn received_memos_and_receivers_beyond_ibc_gos_limits_are_refused() {
    use agora_types::AbciError;
    let data = |receiver: usize, memo: usize| -> ibc::apps::transfer::types::packet::PacketData {
        serde_json::from_value(serde_json::json!({
            "denom": "uatom", "amount": "1", "sender": "cosmos1x", "receiver": "r".repeat(receiver), "memo": "m".repeat(memo)
        }))
        .expect("packet data")
    };
    assert!(crate::transfer::beyond_receive_limits(&data(2_048, 32_768)).is_none(), "at the limits");
    let memo = crate::transfer::beyond_receive_limits(&data(10, 32_769)).expect("memo too long");
    assert_eq!((memo.codespace(), memo.code()), ("transfer", 11));
    let receiver = crate::transfer::beyond_receive_limits(&data(2_049, 0)).expect("receiver too long");
    assert_eq!((receiver.codespace(), receiver.code()), ("sdk", 7));
    assert!(receiver.to_string().contains("receiver is 2049 bytes"), "{receiver}");
}
