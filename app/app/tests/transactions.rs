//! In-process app tests: signed transactions through the real ABCI application.

mod common;

use agora_app::AppConfig;
use agora_tx::{to_any, SigningKey, TxBuilder};
use agora_types::Address;
use common::*;
use cosmos_sdk_proto::cosmos::bank::v1beta1 as bank_pb;
use prost::Message;

const FEE_AMOUNT: u128 = 5_000;

fn fee_collector() -> Address {
    Address::module("fee_collector")
}

#[test]
fn a_signed_send_moves_funds_and_pays_the_fee() {
    let (alice, bob) = (key(1), key(2));
    let mut chain = chain(&[alice.address()]);
    let results = chain.block(vec![send_tx(&alice, &bob.address(), "1000uagora", 1, 0)]);
    assert_eq!(results[0].code.value(), 0, "{}", results[0].log);
    assert!(results[0].gas_used > 0 && results[0].gas_used <= results[0].gas_wanted);
    assert_eq!(chain.balance(&alice.address(), "uagora"), 1_000_000_000 - 1_000 - FEE_AMOUNT);
    assert_eq!(chain.balance(&bob.address(), "uagora"), 1_000);
    assert_eq!(chain.balance(&fee_collector(), "uagora"), FEE_AMOUNT);
    assert_eq!(chain.account(&alice.address()).expect("alice").sequence, 1);
    let bob_account = chain.account(&bob.address()).expect("bob's account is created on receipt");
    assert_eq!(bob_account.sequence, 0);

    // Events are Cosmos-shaped so the tx indexer can find the transfer.
    let transfers: Vec<Vec<(String, String)>> = results[0]
        .events
        .iter()
        .filter(|e| e.kind == "transfer")
        .map(|e| {
            e.attributes
                .iter()
                .map(|a| (a.key_str().unwrap_or_default().to_string(), a.value_str().unwrap_or_default().to_string()))
                .collect()
        })
        .collect();
    assert_eq!(transfers.len(), 2, "the fee transfer and the send");
    assert!(transfers[0].contains(&("recipient".into(), fee_collector().to_bech32())));
    assert!(transfers[1].contains(&("recipient".into(), bob.address().to_bech32())));
    assert!(transfers[1].contains(&("amount".into(), "1000uagora".into())));
    assert!(results[0].events.iter().any(|e| e.kind == "message"));
    assert!(results[0].events.iter().any(|e| e.kind == "tx"));
}

#[test]
fn several_transactions_of_one_sender_in_a_block_and_in_the_mempool() {
    let (alice, bob) = (key(1), key(2));
    let mut chain = chain(&[alice.address()]);
    let txs: Vec<_> = (0..5).map(|seq| send_tx(&alice, &bob.address(), "10uagora", 1, seq)).collect();
    for tx in &txs {
        let res = chain.node.check_tx(tx);
        assert_eq!(res.code.value(), 0, "{}", res.log);
    }
    // The mempool view tracks sequences: a replay is refused before any block.
    let replay = chain.node.check_tx(&txs[0]);
    assert_eq!(replay.code.value(), 32, "{}", replay.log);
    let results = chain.block(txs);
    assert!(results.iter().all(|r| r.code.value() == 0));
    assert_eq!(chain.balance(&bob.address(), "uagora"), 50);
}

#[test]
fn multi_send_pays_every_output() {
    let (alice, bob, carol) = (key(1), key(2), key(3));
    let mut chain = chain(&[alice.address()]);
    let msg = bank_pb::MsgMultiSend {
        inputs: vec![bank_pb::Input { address: alice.address().to_bech32(), coins: vec![pb_coin("uagora", "30")] }],
        outputs: vec![
            bank_pb::Output { address: bob.address().to_bech32(), coins: vec![pb_coin("uagora", "10")] },
            bank_pb::Output { address: carol.address().to_bech32(), coins: vec![pb_coin("uagora", "20")] },
        ],
    };
    let results = chain.block(vec![signed(&alice, &msg, 1, 0)]);
    assert_eq!(results[0].code.value(), 0, "{}", results[0].log);
    assert_eq!(chain.balance(&bob.address(), "uagora"), 10);
    assert_eq!(chain.balance(&carol.address(), "uagora"), 20);
}

#[test]
fn ed25519_accounts_can_send() {
    let (ed, bob) = (ed_key(9), key(2));
    let mut chain = chain(&[ed.address()]);
    let results = chain.block(vec![send_tx(&ed, &bob.address(), "7uagora", 1, 0)]);
    assert_eq!(results[0].code.value(), 0, "{}", results[0].log);
    assert_eq!(chain.balance(&bob.address(), "uagora"), 7);
}

/// A refusal before or in the ante handler changes nothing at all: every key of the state is
/// as before, but for the header every block records (staking's `HistoricalInfo`).
fn assert_changes_nothing(chain: &mut Chain, tx: Vec<u8>, codespace: &str, code: u32, needle: &str) {
    // An empty block first: it moves any fees of earlier blocks on to their recipients.
    chain.block(vec![]);
    let before = chain.state_without_block_records();
    let results = chain.raw_block(vec![tx]);
    assert_refused(&results[0], codespace, code, needle);
    assert_eq!(chain.state_without_block_records(), before, "a refused transaction must not change state");
}

#[test]
fn malformed_transactions_are_refused_and_change_nothing() {
    let (alice, bob) = (key(1), key(2));
    let mut chain = chain(&[alice.address()]);
    chain.block(vec![]);
    let good = send_tx(&alice, &bob.address(), "1uagora", 1, 0);

    assert_changes_nothing(&mut chain, vec![0xde, 0xad, 0xbe, 0xef, 0x01], "sdk", 2, "");
    assert_changes_nothing(&mut chain, good[..good.len() / 2].to_vec(), "sdk", 2, "");
    // Larger than a block may be (the consensus parameter `block.max_bytes`, 22,020,096 here).
    let oversized = TxBuilder::new()
        .any_message(to_any(&msg_send(&alice.address(), &bob.address(), vec![pb_coin("uagora", "1")])))
        .memo("x".repeat(22_100_000))
        .fee(coins(FEE))
        .gas_limit(GAS)
        .sign(&alice, CHAIN_ID, 1, 0);
    assert_changes_nothing(&mut chain, oversized, "sdk", 21, "");
    // Within the block's size, the memo still exceeds `auth.params.max_memo_characters`.
    let long_memo = TxBuilder::new()
        .any_message(to_any(&msg_send(&alice.address(), &bob.address(), vec![pb_coin("uagora", "1")])))
        .memo("x".repeat(257))
        .fee(coins(FEE))
        .gas_limit(GAS)
        .sign(&alice, CHAIN_ID, 1, 0);
    assert_changes_nothing(&mut chain, long_memo, "sdk", 12, "the limit is 256 bytes");
    let unknown = TxBuilder::new()
        .any_message(cosmos_sdk_proto::Any { type_url: "/agora.nothing.v1.MsgNothing".into(), value: vec![] })
        .fee(coins(FEE))
        .gas_limit(GAS)
        .sign(&alice, CHAIN_ID, 1, 0);
    assert_changes_nothing(&mut chain, unknown, "sdk", 6, "unrecognized message type");
}

#[test]
fn invalid_messages_are_refused_and_change_nothing() {
    let (alice, bob) = (key(1), key(2));
    let mut chain = chain(&[alice.address()]);
    let send = |amount: Vec<cosmos_sdk_proto::cosmos::base::v1beta1::Coin>| {
        signed(&alice, &msg_send(&alice.address(), &bob.address(), amount), 1, 0)
    };
    assert_changes_nothing(&mut chain, send(vec![pb_coin("uagora", "0")]), "sdk", 10, "must be positive");
    assert_changes_nothing(&mut chain, send(vec![pb_coin("uagora", "-5")]), "sdk", 10, "invalid amount");
    assert_changes_nothing(
        &mut chain,
        send(vec![pb_coin("uagora", "340282366920938463463374607431768211456")]),
        "sdk",
        10,
        "invalid amount",
    );
    assert_changes_nothing(&mut chain, send(vec![pb_coin("1nvalid", "5")]), "sdk", 10, "invalid denom");
    let bad_to = bank_pb::MsgSend {
        from_address: alice.address().to_bech32(),
        to_address: "cosmos1qypqxpq9qcrsszg2pvxq6rs0zqg3yyc5lzv7xu".into(),
        amount: vec![pb_coin("uagora", "1")],
    };
    assert_changes_nothing(&mut chain, signed(&alice, &bad_to, 1, 0), "sdk", 7, "to_address");
}

#[test]
fn authentication_failures_are_refused_and_change_nothing() {
    let (alice, bob, mallory) = (key(1), key(2), key(3));
    let mut chain = chain(&[alice.address(), mallory.address()]);
    let msg = msg_send(&alice.address(), &bob.address(), vec![pb_coin("uagora", "1")]);

    // Signed by someone else, carrying that someone's key: key does not match the signer.
    assert_changes_nothing(&mut chain, signed(&mallory, &msg, 1, 0), "sdk", 8, "public key");
    assert_changes_nothing(&mut chain, signed_with(&alice, &msg, 1, 0, "other-chain", FEE), "sdk", 4, "signature verification failed");
    assert_changes_nothing(&mut chain, signed(&alice, &msg, 7, 0), "sdk", 4, "signature verification failed");
    assert_changes_nothing(&mut chain, signed(&alice, &msg, 1, 3), "sdk", 32, "expected 0, got 3");

    // A valid transaction, then its replay.
    let tx = signed(&alice, &msg, 1, 0);
    assert_eq!(chain.block(vec![tx.clone()])[0].code.value(), 0);
    assert_changes_nothing(&mut chain, tx, "sdk", 32, "expected 1, got 0");

    // A corrupted signature on an otherwise valid transaction.
    let mut raw = cosmos_sdk_proto::cosmos::tx::v1beta1::TxRaw::decode(signed(&alice, &msg, 1, 1).as_slice()).expect("raw");
    raw.signatures[0][5] ^= 0x01;
    assert_changes_nothing(&mut chain, raw.encode_to_vec(), "sdk", 4, "signature verification failed");
}

#[test]
fn a_fee_the_sender_cannot_pay_is_refused_and_changes_nothing() {
    let (poor, bob) = (key(4), key(2));
    let mut chain = chain(&[poor.address()]);
    let msg = msg_send(&poor.address(), &bob.address(), vec![pb_coin("uagora", "1")]);
    let tx = signed_with(&poor, &msg, 1, 0, CHAIN_ID, "2000000000uagora");
    assert_changes_nothing(&mut chain, tx, "sdk", 5, "insufficient funds");
}

#[test]
fn a_failing_message_keeps_the_fee_paid_and_nothing_else() {
    let (alice, bob) = (key(1), key(2));
    let mut chain = chain(&[alice.address()]);
    let results = chain.block(vec![send_tx(&alice, &bob.address(), "999999999uagora", 1, 0)]);
    assert_refused(&results[0], "sdk", 5, "insufficient funds");
    assert_eq!(chain.balance(&alice.address(), "uagora"), 1_000_000_000 - FEE_AMOUNT);
    assert_eq!(chain.balance(&bob.address(), "uagora"), 0);
    assert!(chain.account(&bob.address()).is_none());
    assert_eq!(chain.account(&alice.address()).expect("alice").sequence, 1, "the sequence is used up");
    assert_eq!(chain.balance(&fee_collector(), "uagora"), FEE_AMOUNT);

    // A multi-message transaction is atomic: the second message fails, the first is undone.
    let first = msg_send(&alice.address(), &bob.address(), vec![pb_coin("uagora", "5")]);
    let second = msg_send(&alice.address(), &bob.address(), vec![pb_coin("ufoo", "501")]);
    let tx = TxBuilder::new()
        .any_message(to_any(&first))
        .any_message(to_any(&second))
        .fee(coins(FEE))
        .gas_limit(GAS)
        .sign(&alice, CHAIN_ID, 1, 1);
    let results = chain.block(vec![tx]);
    assert_refused(&results[0], "sdk", 5, "message index: 1");
    assert_eq!(chain.balance(&bob.address(), "uagora"), 0);
}

#[test]
fn sending_to_a_module_account_is_refused() {
    let alice = key(1);
    let mut chain = chain(&[alice.address()]);
    let results = chain.block(vec![send_tx(&alice, &fee_collector(), "1uagora", 1, 0)]);
    assert_refused(&results[0], "sdk", 4, "not allowed to receive funds");
}

#[test]
fn running_out_of_gas_is_refused_with_code_11() {
    let (alice, bob) = (key(1), key(2));
    let mut chain = chain(&[alice.address()]);
    let tx = TxBuilder::new()
        .any_message(to_any(&msg_send(&alice.address(), &bob.address(), vec![pb_coin("uagora", "1")])))
        .fee(coins(FEE))
        .gas_limit(1_500)
        .sign(&alice, CHAIN_ID, 1, 0);
    let results = chain.raw_block(vec![tx]);
    assert_refused(&results[0], "sdk", 11, "out of gas");
}

#[test]
fn check_tx_enforces_the_node_minimum_gas_price() {
    let (alice, bob) = (key(1), key(2));
    let config = AppConfig { min_gas_prices: vec!["0.025uagora".parse().expect("price")], ..AppConfig::default() };
    let chain = chain_with(&[alice.address()], config);
    let msg = msg_send(&alice.address(), &bob.address(), vec![pb_coin("uagora", "1")]);
    let cheap = chain.node.check_tx(&signed_with(&alice, &msg, 1, 0, CHAIN_ID, "4999uagora"));
    assert_eq!(cheap.code.value(), 13, "{}", cheap.log);
    assert!(cheap.log.contains("required: 5000uagora"), "{}", cheap.log);
    let enough = chain.node.check_tx(&signed_with(&alice, &msg, 1, 0, CHAIN_ID, "5000uagora"));
    assert_eq!(enough.code.value(), 0, "{}", enough.log);
}

#[test]
fn check_tx_refuses_what_finalize_block_would_refuse() {
    let (alice, bob) = (key(1), key(2));
    let chain = chain(&[alice.address()]);
    assert_eq!(chain.node.check_tx(b"garbage").code.value(), 2);
    let wrong_chain = signed_with(&alice, &msg_send(&alice.address(), &bob.address(), vec![pb_coin("uagora", "1")]), 1, 0, "x", FEE);
    assert_eq!(chain.node.check_tx(&wrong_chain).code.value(), 4);
}

#[test]
fn simulate_estimates_gas_without_changing_state() {
    use cosmos_sdk_proto::cosmos::tx::v1beta1::{SimulateRequest, SimulateResponse};
    let (alice, bob) = (key(1), key(2));
    let mut chain = chain(&[alice.address()]);
    chain.block(vec![]);
    let before = chain.state_without_block_records();
    let tx = send_tx(&alice, &bob.address(), "5uagora", 1, 0);
    #[allow(deprecated)]
    let res: SimulateResponse = chain
        .node
        .query_proto("/cosmos.tx.v1beta1.Service/Simulate", &SimulateRequest { tx: None, tx_bytes: tx.clone() })
        .expect("simulate");
    let simulated = res.gas_info.expect("gas").gas_used;
    assert!(simulated > 10_000, "gas estimate {simulated}");
    let results = chain.block(vec![]);
    assert!(results.is_empty());
    assert_eq!(chain.state_without_block_records(), before);
    let results = chain.block(vec![tx]);
    let used = results[0].gas_used as u64;
    assert!(used <= simulated && simulated - used < 2_000, "simulated {simulated}, used {used}");
}

/// A client that sends its next transaction before the last one commits (Hermes sends a batch
/// of packets as consecutive transactions) simulates each at the sequence the mempool expects,
/// as the SDK simulates on its check state; the committed state is untouched.
#[test]
fn simulate_sees_the_transactions_the_mempool_has_admitted() {
    let (alice, bob) = (key(1), key(2));
    let mut chain = chain(&[alice.address()]);
    chain.block(vec![]);
    let first = send_tx(&alice, &bob.address(), "5uagora", 1, 0);
    assert_eq!(chain.node.check_tx(&first).code.value(), 0);
    let second = send_tx(&alice, &bob.address(), "5uagora", 1, 1);
    assert!(simulated_gas(&chain, &second).expect("sequence 1 follows the admitted 0") > 10_000);
    let stale = simulated_gas(&chain, &first).expect_err("sequence 0 is taken by the admitted transaction");
    assert!(stale.to_string().contains("account sequence mismatch, expected 1, got 0"), "{stale}");
    assert_eq!(chain.account(&alice.address()).expect("account").sequence, 0, "nothing committed");
    // Once the block commits both, the mempool view is the committed state again.
    let results = chain.block(vec![first, second]);
    assert!(results.iter().all(|r| r.code.value() == 0));
    let third = send_tx(&alice, &bob.address(), "5uagora", 1, 2);
    assert!(simulated_gas(&chain, &third).expect("sequence 2") > 10_000);
}

/// The transaction a gas-estimating client simulates, as cosmjs builds it: the signer's key,
/// sign mode `SIGN_MODE_UNSPECIFIED`, one empty signature, no fee amount and a zero gas limit.
/// The arguments let a test make each of those alone the only thing wrong, or keep the fee as
/// the SDK CLI does.
fn simulation_tx(signer: &SigningKey, to: &agora_types::Address, gas_limit: u64, mode: i32, empty_signature: bool, with_key: bool) -> Vec<u8> {
    simulation_tx_with_fee(signer, to, gas_limit, mode, empty_signature, with_key, false)
}

fn simulation_tx_with_fee(
    signer: &SigningKey,
    to: &agora_types::Address,
    gas_limit: u64,
    mode: i32,
    empty_signature: bool,
    with_key: bool,
    keep_fee: bool,
) -> Vec<u8> {
    use cosmos_sdk_proto::cosmos::tx::v1beta1::{mode_info, AuthInfo, ModeInfo, TxRaw};
    let signed = TxBuilder::new()
        .any_message(to_any(&msg_send(&signer.address(), to, vec![pb_coin("uagora", "1")])))
        .fee(coins(FEE))
        .gas_limit(gas_limit)
        .sign(signer, CHAIN_ID, 1, 0);
    let mut raw = TxRaw::decode(signed.as_slice()).expect("raw");
    let mut auth_info = AuthInfo::decode(raw.auth_info_bytes.as_slice()).expect("auth info");
    auth_info.signer_infos[0].mode_info = Some(ModeInfo { sum: Some(mode_info::Sum::Single(mode_info::Single { mode })) });
    if !with_key {
        auth_info.signer_infos[0].public_key = None;
    }
    if let Some(fee) = auth_info.fee.as_mut().filter(|_| !keep_fee) {
        fee.amount.clear();
    }
    raw.auth_info_bytes = auth_info.encode_to_vec();
    if empty_signature {
        raw.signatures = vec![Vec::new()];
    }
    raw.encode_to_vec()
}

fn simulated_gas(chain: &Chain, tx: &[u8]) -> Result<u64, agora_app::harness::HarnessError> {
    use cosmos_sdk_proto::cosmos::tx::v1beta1::{SimulateRequest, SimulateResponse};
    #[allow(deprecated)]
    let res: SimulateResponse = chain
        .node
        .query_proto("/cosmos.tx.v1beta1.Service/Simulate", &SimulateRequest { tx: None, tx_bytes: tx.to_vec() })?;
    Ok(res.gas_info.expect("gas info").gas_used)
}

#[test]
fn simulate_accepts_what_cosmjs_and_the_sdk_cli_send_and_execution_still_refuses_it() {
    use cosmos_sdk_proto::cosmos::tx::signing::v1beta1::SignMode;
    let (alice, bob) = (key(1), key(2));
    let mut chain = chain(&[alice.address()]);
    let unspecified = SignMode::Unspecified as i32;
    let direct = SignMode::Direct as i32;

    // cosmjs: unspecified mode, empty signature, no fee, zero gas.
    let cosmjs = simulation_tx(&alice, &bob.address(), 0, unspecified, true, true);
    let estimate = simulated_gas(&chain, &cosmjs).expect("cosmjs simulation");
    assert!(estimate > 10_000, "estimate {estimate}");
    // The SDK CLI: its configured mode, empty signature.
    let cli = simulation_tx(&alice, &bob.address(), 0, direct, true, true);
    let cli_estimate = simulated_gas(&chain, &cli).expect("cli simulation");
    // Only the mode's own encoding differs (mode 0 is omitted on the wire): a few bytes.
    assert!(cli_estimate.abs_diff(estimate) <= 50, "{cli_estimate} vs {estimate}");
    // A mode that execution refuses is refused here too, so the wallet learns it before signing.
    let amino = simulation_tx(&alice, &bob.address(), 0, SignMode::LegacyAminoJson as i32, true, true);
    let refused = simulated_gas(&chain, &amino).expect_err("amino JSON is refused");
    assert!(refused.to_string().contains("SIGN_MODE_LEGACY_AMINO_JSON"), "{refused}");
    // A first transaction whose signer info carries no key: priced as if it carried one.
    let keyless = simulation_tx(&alice, &bob.address(), 0, unspecified, true, false);
    let keyless_estimate = simulated_gas(&chain, &keyless).expect("keyless simulation");
    assert!(keyless_estimate.abs_diff(estimate) <= 50, "{keyless_estimate} vs {estimate}");

    // Execution refuses each of those things on its own, in CheckTx and in a block.
    let unspecified_signed = simulation_tx(&alice, &bob.address(), 200_000, unspecified, false, true);
    let empty_signature = simulation_tx(&alice, &bob.address(), 200_000, direct, true, true);
    let zero_gas = simulation_tx(&alice, &bob.address(), 0, direct, false, true);
    let cases = [
        (&unspecified_signed, 18, "SIGN_MODE_UNSPECIFIED"),
        (&empty_signature, 4, "signature verification failed"),
        (&zero_gas, 41, "gas limit must be greater than zero"),
    ];
    for (tx, code, log) in cases {
        let check = chain.node.check_tx(tx);
        assert_eq!(check.code.value(), code, "{}", check.log);
        assert!(check.log.contains(log), "{}", check.log);
    }
    // (A raw block: PrepareProposal would drop the undecodable one.)
    let results = chain.raw_block(cases.iter().map(|(tx, _, _)| tx.to_vec()).collect());
    assert_eq!(results.len(), cases.len());
    for (result, (_, code, log)) in results.iter().zip(cases) {
        assert_refused(result, "sdk", code, log);
    }
    assert_eq!(chain.balance(&bob.address(), "uagora"), 0);

    // The estimate covers the signed transaction, and not by much: simulation charges for the
    // bytes it lacks (signatures, the gas limit; with no fee given, a fee coin and the fee
    // transfer of one base unit), taking the longest encodings.
    let with_fee = simulation_tx_with_fee(&alice, &bob.address(), 0, unspecified, true, true, true);
    let estimate_with_fee = simulated_gas(&chain, &with_fee).expect("simulation with the fee");
    let signed = send_tx(&alice, &bob.address(), "1uagora", 1, 0);
    let results = chain.block(vec![signed]);
    assert_eq!(results[0].code.value(), 0, "{}", results[0].log);
    let used = results[0].gas_used as u64;
    for (what, estimate) in [("with the fee", estimate_with_fee), ("without a fee", estimate)] {
        assert!(used <= estimate && estimate - used <= 500, "estimate {what} {estimate}, used {used}");
    }
}

#[test]
fn signatures_are_checked_in_every_verification_chunk_of_a_large_block() {
    let (alice, bob, carol) = (key(1), key(2), key(3));
    let mut chain = chain(&[alice.address()]);
    // 300 sends span several verification chunks; carol's account only exists after tx 0, so her
    // signature cannot be verified ahead of time and is checked in order.
    let mut txs = vec![send_tx(&alice, &carol.address(), "100000uagora", 1, 0)];
    txs.extend((1..299).map(|seq| send_tx(&alice, &bob.address(), "1uagora", 1, seq)));
    let mut forged = cosmos_sdk_proto::cosmos::tx::v1beta1::TxRaw::decode(send_tx(&alice, &bob.address(), "1uagora", 1, 299).as_slice()).expect("raw");
    forged.signatures[0][10] ^= 0x01;
    txs.push(forged.encode_to_vec());
    // Carol gets the next account number when tx 0 creates her account.
    let carol_number = {
        use agora_auth::AuthRead;
        chain.node.app().storage().latest_snapshot().next_account_number().expect("next account number")
    };
    txs.push(send_tx(&carol, &bob.address(), "5uagora", carol_number, 0));
    let results = chain.block(txs);
    assert!(results[..299].iter().all(|r| r.code.value() == 0));
    assert_refused(&results[299], "sdk", 4, "signature verification failed");
    assert_eq!(results[300].code.value(), 0, "{}", results[300].log);
    assert_eq!(chain.balance(&bob.address(), "uagora"), 298 + 5);
}

/// `TxDecode` and `TxEncode` (`cosmos.tx.v1beta1.Service`, as explorers and cosmjs use them):
/// a signed send decodes to its body, auth info and signatures, and encoding that `Tx` gives
/// back the same bytes; what is not a transaction, or breaks the chain's limits, is refused.
#[test]
fn tx_decode_and_encode_round_trip_a_signed_transaction_and_refuse_what_is_not_one() {
    use cosmos_sdk_proto::cosmos::tx::v1beta1 as tx_pb;
    let (alice, bob) = (key(1), key(2));
    let chain = chain(&[alice.address()]);
    let tx = send_tx(&alice, &bob.address(), "5uagora", 0, 0);
    let decoded: tx_pb::TxDecodeResponse =
        chain.node.query_proto("/cosmos.tx.v1beta1.Service/TxDecode", &tx_pb::TxDecodeRequest { tx_bytes: tx.clone() }).expect("decode");
    let decoded = decoded.tx.expect("tx");
    let body = decoded.body.clone().expect("body");
    assert_eq!(body.messages[0].type_url, "/cosmos.bank.v1beta1.MsgSend");
    assert_eq!(decoded.signatures.len(), 1);
    assert_eq!(decoded.auth_info.clone().expect("auth info").fee.expect("fee").amount[0].amount, "5000");
    let encoded: tx_pb::TxEncodeResponse =
        chain.node.query_proto("/cosmos.tx.v1beta1.Service/TxEncode", &tx_pb::TxEncodeRequest { tx: Some(decoded) }).expect("encode");
    assert_eq!(encoded.tx_bytes, tx, "the same bytes back");

    let refused = |path: &str, request: Vec<u8>| {
        let answer = chain.node.query(path, request, 0, false).expect("answered");
        (answer.codespace.clone(), answer.code.value(), answer.log.clone())
    };
    let (space, code, _) = refused("/cosmos.tx.v1beta1.Service/TxDecode", tx_pb::TxDecodeRequest { tx_bytes: vec![] }.encode_to_vec());
    assert_eq!((space.as_str(), code), ("sdk", 18));
    let (space, code, log) = refused("/cosmos.tx.v1beta1.Service/TxDecode", tx_pb::TxDecodeRequest { tx_bytes: vec![0xff, 0x01, 0x02] }.encode_to_vec());
    assert_eq!((space.as_str(), code), ("sdk", 2), "{log}");
    let (space, code, _) = refused("/cosmos.tx.v1beta1.Service/TxEncode", tx_pb::TxEncodeRequest { tx: None }.encode_to_vec());
    assert_eq!((space.as_str(), code), ("sdk", 18));
}
