//! An in-process relayer between two Agora chains, as Hermes relays: 07-tendermint clients
//! created and updated with signed headers, the connection and channel handshakes, packets and
//! acknowledgements carried with real ICS-23 proofs from the store. Shared by the IBC app tests
//! and the `ibc_recv_packet_tps_app` benchmark.
#![allow(dead_code)]

use agora_app::harness::TestNode;
use agora_app::AppConfig;
use agora_tx::{SigningKey, TxBuilder};
use agora_types::Address;
use cosmos_sdk_proto::Any as SdkAny;
use ibc_proto::ibc::applications::transfer::v1 as transfer_pb;
use ibc_proto::ibc::core::channel::v1 as chan_pb;
use ibc_proto::ibc::core::client::v1 as client_pb;
use ibc_proto::ibc::core::commitment::v1 as commitment_pb;
use ibc_proto::ibc::core::connection::v1 as conn_pb;
use ibc_proto::ibc::lightclients::tendermint::v1 as tm_pb;
use prost::Message;
use tendermint::abci::types::ExecTxResult;

use crate::common::*;

pub const CHAIN_A: &str = "agora-alpha-1";
pub const CHAIN_B: &str = "agora-beta-1";
pub const IBC_GAS: u64 = 3_000_000;
pub const IBC_FEE: &str = "75000uagora";

/// One chain and the account that relays and transfers on it.
pub struct Side {
    pub chain: Chain,
    pub chain_id: &'static str,
    pub key: SigningKey,
    pub account_number: u64,
    pub sequence: u64,
    /// This chain's client of the other one, and the height it was last updated to.
    pub client_id: String,
    pub client_height: u64,
}

pub fn side(chain_id: &'static str, seed: u8, validator_seed: u8) -> Side {
    side_with(chain_id, seed, validator_seed, |_| {})
}

pub fn side_with(chain_id: &'static str, seed: u8, validator_seed: u8, tune: impl FnOnce(&mut agora_genesis::AppState)) -> Side {
    let key = key(seed);
    let dir = tempfile::tempdir().expect("tempdir");
    let app = open_app(dir.path(), AppConfig::default());
    let mut genesis = agora_app::genesis::new_chain().expect("genesis");
    without_inflation(&mut genesis);
    agora_app::genesis::add_account(&mut genesis, key.address(), &coins("1000000000uagora")).expect("fund");
    tune(&mut genesis);
    let mut node = TestNode::start(app, chain_id, &genesis.to_json().expect("json")).expect("start");
    node.sign_blocks_with([validator_seed; 32]).expect("validator");
    node.make_block(vec![]).expect("first block");
    let mut chain = Chain { node, dir };
    chain.block(vec![]);
    let account_number = chain.account(&key.address()).expect("account").account_number;
    Side { chain, chain_id, key, account_number, sequence: 0, client_id: String::new(), client_height: 0 }
}

pub fn any<M: Message>(type_url: &str, msg: &M) -> SdkAny {
    SdkAny { type_url: type_url.to_string(), value: msg.encode_to_vec() }
}

pub fn ibc_any<M: Message>(type_url: &str, msg: &M) -> tendermint_proto::google::protobuf::Any {
    tendermint_proto::google::protobuf::Any { type_url: type_url.to_string(), value: msg.encode_to_vec() }
}

pub fn height(h: u64) -> client_pb::Height {
    client_pb::Height { revision_number: 1, revision_height: h }
}

impl Side {
    pub fn address(&self) -> Address {
        self.key.address()
    }

    pub fn signer(&self) -> String {
        self.address().to_bech32()
    }

    pub fn height(&self) -> u64 {
        self.chain.node.height()
    }

    /// Delivers `msgs` in one transaction in a block of their own.
    pub fn send(&mut self, msgs: Vec<SdkAny>) -> ExecTxResult {
        let mut builder = TxBuilder::new();
        for msg in msgs {
            builder = builder.any_message(msg);
        }
        let tx = builder.fee(coins(IBC_FEE)).gas_limit(IBC_GAS).sign(&self.key, self.chain_id, self.account_number, self.sequence);
        // Finalized as given: a refusal CheckTx would catch is still answered by the block.
        let result = self.chain.raw_block(vec![tx]).remove(0);
        // The sequence advances when the ante handler ran, even if a message then failed.
        self.sequence = self.chain.account(&self.address()).expect("account").sequence;
        result
    }

    pub fn send_ok(&mut self, msgs: Vec<SdkAny>) -> ExecTxResult {
        let result = self.send(msgs);
        assert_eq!(result.code.value(), 0, "{}: {}", result.codespace, result.log);
        result
    }

    /// A membership or absence proof of ICS-24 `path` in the state committed at `at`, as
    /// ibc-go's `MerkleProof` (substore proof, then root proof).
    pub fn proof(&self, path: &str, at: u64) -> Vec<u8> {
        let res = self.chain.node.query("/store/ibc/key", path.as_bytes().to_vec(), at, true).expect("query");
        assert_eq!(res.code.value(), 0, "{}", res.log);
        let ops = res.proof.expect("proof").ops;
        assert_eq!(ops.len(), 2, "two-level proof");
        let proofs = ops.iter().map(|op| ics23::CommitmentProof::decode(op.data.as_slice()).expect("commitment proof")).collect();
        commitment_pb::MerkleProof { proofs }.encode_to_vec()
    }

    pub fn raw_ibc(&self, path: &str) -> Vec<u8> {
        let res = self.chain.node.query("/store/ibc/key", path.as_bytes().to_vec(), 0, false).expect("query");
        res.value.to_vec()
    }

    /// The client state and consensus state a counterparty's client of this chain starts from,
    /// at this chain's latest height.
    pub fn client_of_self(&self) -> (tm_pb::ClientState, tm_pb::ConsensusState) {
        let header = self.chain.node.signed_header(self.height()).expect("header").header;
        let spec = agora_store::proof_spec();
        let seconds = |s: i64| Some(tendermint_proto::google::protobuf::Duration { seconds: s, nanos: 0 });
        #[allow(deprecated)] // The two flags are deprecated but still fields of the message.
        let client_state = tm_pb::ClientState {
            chain_id: self.chain_id.to_string(),
            trust_level: Some(tm_pb::Fraction { numerator: 1, denominator: 3 }),
            trusting_period: seconds(14 * 24 * 3600),
            unbonding_period: seconds(21 * 24 * 3600),
            max_clock_drift: seconds(40),
            frozen_height: Some(client_pb::Height { revision_number: 0, revision_height: 0 }),
            latest_height: Some(height(self.height())),
            proof_specs: vec![spec.clone(), spec],
            upgrade_path: vec!["upgrade".into(), "upgradedIBCState".into()],
            allow_update_after_expiry: false,
            allow_update_after_misbehaviour: false,
        };
        let time = header.time;
        let consensus_state = tm_pb::ConsensusState {
            timestamp: Some(tendermint_proto::google::protobuf::Timestamp {
                seconds: time.unix_timestamp(),
                nanos: (time.unix_timestamp_nanos() % 1_000_000_000) as i32,
            }),
            root: Some(commitment_pb::MerkleRoot { hash: header.app_hash.as_bytes().to_vec() }),
            next_validators_hash: header.next_validators_hash.as_bytes().to_vec(),
        };
        (client_state, consensus_state)
    }

    /// `MsgUpdateClient` bringing `dst`'s client of this chain to this chain's latest height.
    pub fn update_msg(&self, dst: &Side) -> SdkAny {
        let signed_header = self.chain.node.signed_header(self.height()).expect("header");
        let validators = self.chain.node.validator_set().expect("validators").clone();
        let header = tm_pb::Header {
            signed_header: Some(signed_header.into()),
            validator_set: Some(validators.clone().into()),
            trusted_height: Some(height(dst.client_height)),
            trusted_validators: Some(validators.into()),
        };
        any(
            "/ibc.core.client.v1.MsgUpdateClient",
            &client_pb::MsgUpdateClient {
                client_id: dst.client_id.clone(),
                client_message: Some(ibc_any("/ibc.lightclients.tendermint.v1.Header", &header)),
                signer: dst.signer(),
            },
        )
    }
}

/// Makes one more block on `src` so its latest header commits the state with what is to be
/// proven; returns (the height proofs are read at, the height they verify at).
pub fn seal(src: &mut Side) -> (u64, u64) {
    src.chain.block(vec![]);
    (src.height() - 1, src.height())
}

/// Delivers `msg` on `dst` after updating its client of `src` to `src`'s latest height.
pub fn relay(src: &Side, dst: &mut Side, msg: SdkAny) -> ExecTxResult {
    let update = src.update_msg(dst);
    let result = dst.send(vec![update, msg]);
    if result.code.value() == 0 {
        dst.client_height = src.height();
    }
    result
}

pub fn create_client(src: &Side, dst: &mut Side) {
    let (client_state, consensus_state) = src.client_of_self();
    let msg = client_pb::MsgCreateClient {
        client_state: Some(ibc_any("/ibc.lightclients.tendermint.v1.ClientState", &client_state)),
        consensus_state: Some(ibc_any("/ibc.lightclients.tendermint.v1.ConsensusState", &consensus_state)),
        signer: dst.signer(),
    };
    let result = dst.send_ok(vec![any("/ibc.core.client.v1.MsgCreateClient", &msg)]);
    let created = result.events.iter().find(|e| e.kind == "create_client").expect("create_client event");
    dst.client_id = attribute(created, "client_id");
    dst.client_height = src.height();
}

pub fn attribute(event: &tendermint::abci::Event, key: &str) -> String {
    event
        .attributes
        .iter()
        .find(|a| a.key_bytes() == key.as_bytes())
        .map(|a| String::from_utf8_lossy(a.value_bytes()).into_owned())
        .unwrap_or_else(|| panic!("event {} has no {key}", event.kind))
}

pub fn event_of<'r>(result: &'r ExecTxResult, kind: &str) -> &'r tendermint::abci::Event {
    result.events.iter().find(|e| e.kind == kind).unwrap_or_else(|| panic!("no {kind} event in {:?}", result.events))
}

pub fn prefix() -> Option<commitment_pb::MerklePrefix> {
    Some(commitment_pb::MerklePrefix { key_prefix: b"ibc".to_vec() })
}

pub fn version() -> conn_pb::Version {
    conn_pb::Version { identifier: "1".into(), features: vec!["ORDER_ORDERED".into(), "ORDER_UNORDERED".into()] }
}

pub fn client_state_any(side: &Side) -> tendermint_proto::google::protobuf::Any {
    let bytes = side.raw_ibc(&format!("clients/{}/clientState", side.client_id));
    tendermint_proto::google::protobuf::Any::decode(bytes.as_slice()).expect("client state any")
}

/// Opens a connection: A inits, B tries, A acks, B confirms. Returns (A's id, B's id).
pub fn open_connection(a: &mut Side, b: &mut Side) -> (String, String) {
    let init = conn_pb::MsgConnectionOpenInit {
        client_id: a.client_id.clone(),
        counterparty: Some(conn_pb::Counterparty { client_id: b.client_id.clone(), connection_id: String::new(), prefix: prefix() }),
        version: Some(version()),
        delay_period: 0,
        signer: a.signer(),
    };
    let result = a.send_ok(vec![any("/ibc.core.connection.v1.MsgConnectionOpenInit", &init)]);
    let conn_a = attribute(event_of(&result, "connection_open_init"), "connection_id");

    let (at, proof_height) = seal(a);
    let try_msg = conn_pb::MsgConnectionOpenTry {
        client_id: b.client_id.clone(),
        #[allow(deprecated)]
        previous_connection_id: String::new(),
        client_state: Some(client_state_any(a)),
        counterparty: Some(conn_pb::Counterparty { client_id: a.client_id.clone(), connection_id: conn_a.clone(), prefix: prefix() }),
        delay_period: 0,
        counterparty_versions: vec![version()],
        proof_height: Some(height(proof_height)),
        proof_init: a.proof(&format!("connections/{conn_a}"), at),
        proof_client: a.proof(&format!("clients/{}/clientState", a.client_id), at),
        proof_consensus: a.proof(&format!("clients/{}/consensusStates/1-{}", a.client_id, a.client_height), at),
        consensus_height: Some(height(a.client_height)),
        signer: b.signer(),
        host_consensus_state_proof: Vec::new(),
    };
    let result = relay(a, b, any("/ibc.core.connection.v1.MsgConnectionOpenTry", &try_msg));
    assert_eq!(result.code.value(), 0, "open try: {}", result.log);
    let conn_b = attribute(event_of(&result, "connection_open_try"), "connection_id");

    let (at, proof_height) = seal(b);
    let ack = conn_pb::MsgConnectionOpenAck {
        connection_id: conn_a.clone(),
        counterparty_connection_id: conn_b.clone(),
        version: Some(version()),
        client_state: Some(client_state_any(b)),
        proof_height: Some(height(proof_height)),
        proof_try: b.proof(&format!("connections/{conn_b}"), at),
        proof_client: b.proof(&format!("clients/{}/clientState", b.client_id), at),
        proof_consensus: b.proof(&format!("clients/{}/consensusStates/1-{}", b.client_id, b.client_height), at),
        consensus_height: Some(height(b.client_height)),
        signer: a.signer(),
        host_consensus_state_proof: Vec::new(),
    };
    let result = relay(b, a, any("/ibc.core.connection.v1.MsgConnectionOpenAck", &ack));
    assert_eq!(result.code.value(), 0, "open ack: {}", result.log);

    let (at, proof_height) = seal(a);
    let confirm = conn_pb::MsgConnectionOpenConfirm {
        connection_id: conn_b.clone(),
        proof_ack: a.proof(&format!("connections/{conn_a}"), at),
        proof_height: Some(height(proof_height)),
        signer: b.signer(),
    };
    let result = relay(a, b, any("/ibc.core.connection.v1.MsgConnectionOpenConfirm", &confirm));
    assert_eq!(result.code.value(), 0, "open confirm: {}", result.log);
    (conn_a, conn_b)
}

pub fn channel(state: chan_pb::State, counterparty_channel: &str, connection: &str) -> chan_pb::Channel {
    chan_pb::Channel {
        state: state as i32,
        ordering: chan_pb::Order::Unordered as i32,
        counterparty: Some(chan_pb::Counterparty { port_id: "transfer".into(), channel_id: counterparty_channel.into() }),
        connection_hops: vec![connection.into()],
        version: "ics20-1".into(),
        upgrade_sequence: 0,
    }
}

/// Opens a transfer channel over the connection. Returns (A's channel, B's channel).
pub fn open_channel(a: &mut Side, b: &mut Side, conn_a: &str, conn_b: &str) -> (String, String) {
    let init = chan_pb::MsgChannelOpenInit { port_id: "transfer".into(), channel: Some(channel(chan_pb::State::Init, "", conn_a)), signer: a.signer() };
    let result = a.send_ok(vec![any("/ibc.core.channel.v1.MsgChannelOpenInit", &init)]);
    let chan_a = attribute(event_of(&result, "channel_open_init"), "channel_id");

    let (at, proof_height) = seal(a);
    let try_msg = chan_pb::MsgChannelOpenTry {
        port_id: "transfer".into(),
        #[allow(deprecated)]
        previous_channel_id: String::new(),
        channel: Some(channel(chan_pb::State::Tryopen, &chan_a, conn_b)),
        counterparty_version: "ics20-1".into(),
        proof_init: a.proof(&format!("channelEnds/ports/transfer/channels/{chan_a}"), at),
        proof_height: Some(height(proof_height)),
        signer: b.signer(),
    };
    let result = relay(a, b, any("/ibc.core.channel.v1.MsgChannelOpenTry", &try_msg));
    assert_eq!(result.code.value(), 0, "channel try: {}", result.log);
    let chan_b = attribute(event_of(&result, "channel_open_try"), "channel_id");

    let (at, proof_height) = seal(b);
    let ack = chan_pb::MsgChannelOpenAck {
        port_id: "transfer".into(),
        channel_id: chan_a.clone(),
        counterparty_channel_id: chan_b.clone(),
        counterparty_version: "ics20-1".into(),
        proof_try: b.proof(&format!("channelEnds/ports/transfer/channels/{chan_b}"), at),
        proof_height: Some(height(proof_height)),
        signer: a.signer(),
    };
    let result = relay(b, a, any("/ibc.core.channel.v1.MsgChannelOpenAck", &ack));
    assert_eq!(result.code.value(), 0, "channel ack: {}", result.log);

    let (at, proof_height) = seal(a);
    let confirm = chan_pb::MsgChannelOpenConfirm {
        port_id: "transfer".into(),
        channel_id: chan_b.clone(),
        proof_ack: a.proof(&format!("channelEnds/ports/transfer/channels/{chan_a}"), at),
        proof_height: Some(height(proof_height)),
        signer: b.signer(),
    };
    let result = relay(a, b, any("/ibc.core.channel.v1.MsgChannelOpenConfirm", &confirm));
    assert_eq!(result.code.value(), 0, "channel confirm: {}", result.log);
    (chan_a, chan_b)
}

/// Two chains with clients of each other, a connection and a transfer channel.
pub struct Pair {
    pub a: Side,
    pub b: Side,
    pub chan_a: String,
    pub chan_b: String,
}

pub fn pair() -> Pair {
    pair_with(|_| {}, |_| {})
}

pub fn pair_with(tune_a: impl FnOnce(&mut agora_genesis::AppState), tune_b: impl FnOnce(&mut agora_genesis::AppState)) -> Pair {
    let mut a = side_with(CHAIN_A, 1, 101, tune_a);
    let mut b = side_with(CHAIN_B, 2, 102, tune_b);
    create_client(&b, &mut a);
    create_client(&a, &mut b);
    let (conn_a, conn_b) = open_connection(&mut a, &mut b);
    let (chan_a, chan_b) = open_channel(&mut a, &mut b, &conn_a, &conn_b);
    Pair { a, b, chan_a, chan_b }
}

pub fn transfer_msg(from: &Side, channel: &str, denom: &str, amount: &str, receiver: &str, timeout_height: u64) -> SdkAny {
    any(
        "/ibc.applications.transfer.v1.MsgTransfer",
        &transfer_pb::MsgTransfer {
            source_port: "transfer".into(),
            source_channel: channel.into(),
            token: Some(ibc_proto::cosmos::base::v1beta1::Coin { denom: denom.into(), amount: amount.into() }),
            sender: from.signer(),
            receiver: receiver.into(),
            timeout_height: Some(height(timeout_height)),
            timeout_timestamp: 0,
            memo: String::new(),
        },
    )
}

/// The packet a `send_packet` event describes.
pub fn sent_packet(result: &ExecTxResult) -> chan_pb::Packet {
    let event = event_of(result, "send_packet");
    let timeout = attribute(event, "packet_timeout_height");
    let (revision, timeout_height) = timeout.split_once('-').expect("timeout height");
    chan_pb::Packet {
        sequence: attribute(event, "packet_sequence").parse().expect("sequence"),
        source_port: attribute(event, "packet_src_port"),
        source_channel: attribute(event, "packet_src_channel"),
        destination_port: attribute(event, "packet_dst_port"),
        destination_channel: attribute(event, "packet_dst_channel"),
        data: hex::decode(attribute(event, "packet_data_hex")).expect("hex"),
        timeout_height: Some(client_pb::Height { revision_number: revision.parse().expect("rev"), revision_height: timeout_height.parse().expect("h") }),
        timeout_timestamp: attribute(event, "packet_timeout_timestamp").parse().expect("timestamp"),
    }
}

/// `MsgRecvPacket` of `packet` for `dst`, with its commitment proven in `src`'s state at `at`
/// (verified at `proof_height`).
pub fn recv_msg(src: &Side, dst: &Side, packet: &chan_pb::Packet, at: u64, proof_height: u64) -> SdkAny {
    let proof = src.proof(
        &format!("commitments/ports/{}/channels/{}/sequences/{}", packet.source_port, packet.source_channel, packet.sequence),
        at,
    );
    any(
        "/ibc.core.channel.v1.MsgRecvPacket",
        &chan_pb::MsgRecvPacket { proof_commitment: proof, packet: Some(packet.clone()), proof_height: Some(height(proof_height)), signer: dst.signer() },
    )
}

/// Relays `packet` from `src` to `dst` and its acknowledgement back; returns the
/// acknowledgement bytes.
pub fn relay_packet(src: &mut Side, dst: &mut Side, packet: chan_pb::Packet) -> Vec<u8> {
    let (at, proof_height) = seal(src);
    let recv = recv_msg(src, dst, &packet, at, proof_height);
    let result = relay(src, dst, recv);
    assert_eq!(result.code.value(), 0, "recv: {}", result.log);
    let ack = hex::decode(attribute(event_of(&result, "write_acknowledgement"), "packet_ack_hex")).expect("ack hex");

    let (at, proof_height) = seal(dst);
    let ack_msg = chan_pb::MsgAcknowledgement {
        proof_acked: dst.proof(
            &format!("acks/ports/{}/channels/{}/sequences/{}", packet.destination_port, packet.destination_channel, packet.sequence),
            at,
        ),
        packet: Some(packet),
        acknowledgement: ack.clone(),
        proof_height: Some(height(proof_height)),
        signer: src.signer(),
    };
    let result = relay(dst, src, any("/ibc.core.channel.v1.MsgAcknowledgement", &ack_msg));
    assert_eq!(result.code.value(), 0, "acknowledgement: {}", result.log);
    ack
}

pub fn voucher(path: &str) -> String {
    format!("ibc/{}", agora_ibc::transfer::denom_hash(path))
}
