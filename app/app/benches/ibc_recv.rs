//! `ibc_recv_packet_tps_app`: ICS-20 packets received per second through `FinalizeBlock` +
//! `Commit` in-process, each with its commitment proof verified against the light client's
//! root. Two Agora chains open a transfer channel with the in-process relayer of the IBC app
//! tests; each round, A sends `AGORA_BENCH_IBC_PACKETS` transfers (default 1,000) and B receives
//! them in one block, as Hermes batches them: the first transaction updates B's client of A,
//! then each carries up to 30 `MsgRecvPacket`s (Hermes' `max_msg_num`). Proofs are read and transactions signed before
//! the clock starts. Prints one JSON line.

#[path = "../tests/common/mod.rs"]
mod common;
#[path = "../tests/ibc_relay/mod.rs"]
mod ibc_relay;

use std::time::Instant;

use agora_tx::TxBuilder;
use ibc_proto::ibc::core::channel::v1 as chan_pb;
use ibc_relay::*;
use tendermint::abci::types::ExecTxResult;

use common::coins;

const ROUNDS: usize = 5;
/// Hermes' default `max_msg_num`.
const MSGS_PER_TX: usize = 30;
/// Gas and fee of one transaction of 30 messages (0.025 uagora per gas, as the relay tests).
const TX_GAS: u64 = 20_000_000;
const TX_FEE: &str = "500000uagora";

fn main() {
    let packets: usize = std::env::var("AGORA_BENCH_IBC_PACKETS").ok().and_then(|n| n.parse().ok()).unwrap_or(1_000);
    let Pair { mut a, mut b, chan_a, .. } = pair_with(
        |genesis| fund_relayer(genesis, 1),
        |genesis| fund_relayer(genesis, 2),
    );
    let receiver = b.signer();
    let mut rates = Vec::new();
    for _ in 0..ROUNDS {
        // A sends the round's transfers in one block.
        let msgs: Vec<_> = (0..packets).map(|_| transfer_msg(&a, &chan_a, "uagora", "1", &receiver, b.height() + 1_000)).collect();
        let txs = signed_txs(&mut a, msgs);
        let sent = a.chain.node.make_raw_block(txs).expect("send block");
        let sent: Vec<chan_pb::Packet> = sent.iter().flat_map(sent_packets).collect();
        assert_eq!(sent.len(), packets, "every transfer sent");
        let (at, proof_height) = seal(&mut a);

        // B's block: the client update, then every packet with its proof.
        let mut msgs = vec![a.update_msg(&b)];
        msgs.extend(sent.iter().map(|packet| recv_msg(&a, &b, packet, at, proof_height)));
        let txs = signed_txs(&mut b, msgs);
        let height = b.chain.node.height() + 1;
        let start = Instant::now();
        let results = b.chain.node.finalize_and_commit(height, txs.into_iter().map(Into::into).collect()).expect("receive block");
        let elapsed = start.elapsed().as_secs_f64();
        b.client_height = proof_height;
        assert_all_ok(&results, "receive");
        let received = results.iter().flat_map(|r| &r.events).filter(|e| e.kind == "recv_packet").count();
        assert_eq!(received, packets, "every packet received");
        rates.push(received as f64 / elapsed);
        // Not timed: escrow, vouchers and supply still agree after the round.
        b.chain.check_invariants();
        a.chain.check_invariants();
    }
    rates.sort_by(f64::total_cmp);
    let median = rates[rates.len() / 2];
    println!(
        "{}",
        serde_json::json!({"name": "ibc_recv_packet_tps_app", "value": median.round(), "unit": "packets/s", "packets_per_block": packets, "msgs_per_tx": MSGS_PER_TX, "rounds": ROUNDS})
    );
}

/// Enough uagora for the relayer's fees over every round.
fn fund_relayer(genesis: &mut agora_genesis::AppState, seed: u8) {
    agora_app::genesis::add_account(genesis, common::key(seed).address(), &coins("1000000000000uagora")).expect("fund");
}

/// `msgs` in transactions of up to 30 messages from `side`'s account, in sequence.
fn signed_txs(side: &mut Side, msgs: Vec<cosmos_sdk_proto::Any>) -> Vec<Vec<u8>> {
    msgs.chunks(MSGS_PER_TX)
        .map(|chunk| {
            let builder = chunk.iter().cloned().fold(TxBuilder::new(), TxBuilder::any_message);
            let tx = builder.fee(coins(TX_FEE)).gas_limit(TX_GAS).sign(&side.key, side.chain_id, side.account_number, side.sequence);
            side.sequence += 1;
            tx
        })
        .collect()
}

fn sent_packets(result: &ExecTxResult) -> Vec<chan_pb::Packet> {
    assert_eq!(result.code.value(), 0, "send: {}", result.log);
    result
        .events
        .iter()
        .filter(|e| e.kind == "send_packet")
        .map(|event| {
            let one = ExecTxResult { events: vec![event.clone()], ..ExecTxResult::default() };
            sent_packet(&one)
        })
        .collect()
}

fn assert_all_ok(results: &[ExecTxResult], what: &str) {
    if let Some(failed) = results.iter().find(|r| r.code.value() != 0) {
        panic!("{what}: {} {}: {}", failed.codespace, failed.code.value(), failed.log);
    }
}
