//! End-to-end: a real 4-validator CometBFT localnet of `agorad` nodes on 127.0.0.1.
// The gRPC checks compare `tonic::Status` values, large as they are.
#![allow(clippy::result_large_err)]

use std::time::Duration;

use agora_e2e::{app_hash_after, cosmjs, height, rpc, wait_for, Localnet};

/// The gRPC services that read CometBFT's block store, tx index and mempool (node 2's), after
/// the CLI's send `sent_hash` from `alice` to `bob`.
fn node_services_answer(net: &Localnet, alice: &str, bob: &str, sent_hash: &str) {
    use cosmos_sdk_proto::cosmos::{auth::v1beta1 as auth, bank::v1beta1 as bank, base::tendermint::v1beta1 as tm, tx::v1beta1 as tx};
    use prost::{Message, Name};

    let grpc = net.nodes[2].grpc.as_str();
    let found: tx::GetTxResponse = agora_e2e::grpc(grpc, "/cosmos.tx.v1beta1.Service/GetTx", tx::GetTxRequest { hash: sent_hash.into() }).expect("GetTx");
    let response = found.tx_response.expect("tx response");
    assert_eq!((response.code, response.txhash.as_str()), (0, sent_hash), "{response:?}");
    assert!(response.height > 0 && response.gas_used > 0 && response.timestamp.ends_with('Z') && !response.timestamp.contains('.'), "{response:?}");
    assert_eq!(response.tx.as_ref().map(|any| any.type_url.as_str()), Some("/cosmos.tx.v1beta1.Tx"));
    assert!(
        response.events.iter().any(|e| e.r#type == "transfer" && e.attributes.iter().any(|a| a.key == "recipient" && a.value == bob)),
        "the send's transfer to bob among the events: {:?}",
        response.events
    );
    let body = found.tx.and_then(|t| t.body).expect("decoded body");
    assert_eq!(body.messages[0].type_url, bank::MsgSend::type_url());
    let missing = agora_e2e::grpc::<_, tx::GetTxResponse>(grpc, "/cosmos.tx.v1beta1.Service/GetTx", tx::GetTxRequest { hash: "AB".repeat(32) })
        .expect_err("unknown hash");
    assert_eq!(missing.code(), tonic::Code::NotFound, "{missing:?}");

    // GetTxsEvent with the SDK v0.50 query syntax, and the older `events` list.
    let search = |query: String| -> tx::GetTxsEventResponse {
        agora_e2e::grpc(grpc, "/cosmos.tx.v1beta1.Service/GetTxsEvent", tx::GetTxsEventRequest { query, limit: 100, ..Default::default() })
            .expect("GetTxsEvent")
    };
    let by_sender = search(format!("message.sender='{alice}' AND tx.height={}", response.height));
    assert!(by_sender.tx_responses.iter().any(|r| r.txhash == sent_hash), "{by_sender:?}");
    assert_eq!(by_sender.total as usize, by_sender.tx_responses.len());
    assert_eq!(by_sender.txs.len(), by_sender.tx_responses.len());
    #[allow(deprecated)]
    let by_events: tx::GetTxsEventResponse = agora_e2e::grpc(
        grpc,
        "/cosmos.tx.v1beta1.Service/GetTxsEvent",
        tx::GetTxsEventRequest { events: vec![format!("transfer.recipient='{bob}'"), format!("tx.height={}", response.height)], ..Default::default() },
    )
    .expect("GetTxsEvent by events");
    assert!(by_events.tx_responses.iter().any(|r| r.txhash == sent_hash), "{by_events:?}");
    let empty = agora_e2e::grpc::<_, tx::GetTxsEventResponse>(grpc, "/cosmos.tx.v1beta1.Service/GetTxsEvent", tx::GetTxsEventRequest::default())
        .expect_err("an empty query");
    assert_eq!(empty.code(), tonic::Code::InvalidArgument, "{empty:?}");

    // GetBlockWithTxs: the send's block, its transactions decoded.
    let with_txs: tx::GetBlockWithTxsResponse =
        agora_e2e::grpc(grpc, "/cosmos.tx.v1beta1.Service/GetBlockWithTxs", tx::GetBlockWithTxsRequest { height: response.height, pagination: None })
            .expect("GetBlockWithTxs");
    assert_eq!(with_txs.block.as_ref().and_then(|b| b.header.as_ref()).map(|h| h.height), Some(response.height));
    assert_eq!(with_txs.pagination.as_ref().map(|p| p.total as usize), Some(with_txs.txs.len()));
    assert!(with_txs.txs.iter().any(|t| t.body.as_ref().is_some_and(|b| b.messages[0].type_url == bank::MsgSend::type_url())));

    // BroadcastTx in both modes, of sends signed here; TxDecode and TxEncode round-trip them.
    let key = agorad::keyring::Keyring::open(&net.keys_dir()).signing_key("alice").expect("alice's key");
    let account: auth::QueryAccountResponse =
        agora_e2e::grpc(grpc, "/cosmos.auth.v1beta1.Query/Account", auth::QueryAccountRequest { address: alice.into() }).expect("account");
    let account = auth::BaseAccount::decode(account.account.expect("account").value.as_slice()).expect("base account");
    let send = |sequence: u64, amount: &str| {
        let msg = bank::MsgSend {
            from_address: alice.into(),
            to_address: bob.into(),
            amount: vec![cosmos_sdk_proto::cosmos::base::v1beta1::Coin { denom: "uagora".into(), amount: amount.into() }],
        };
        agora_tx::TxBuilder::new()
            .message(&msg)
            .fee("5000uagora".parse().expect("fee"))
            .gas_limit(200_000)
            .sign(&key, &net.chain_id, account.account_number, sequence)
    };
    let (first, second) = (send(account.sequence, "5"), send(account.sequence + 1, "5"));
    let decoded: tx::TxDecodeResponse =
        agora_e2e::grpc(grpc, "/cosmos.tx.v1beta1.Service/TxDecode", tx::TxDecodeRequest { tx_bytes: first.clone() }).expect("TxDecode");
    let encoded: tx::TxEncodeResponse =
        agora_e2e::grpc(grpc, "/cosmos.tx.v1beta1.Service/TxEncode", tx::TxEncodeRequest { tx: decoded.tx }).expect("TxEncode");
    assert_eq!(encoded.tx_bytes, first, "TxDecode then TxEncode gives back the same bytes");
    let broadcast = |tx_bytes: Vec<u8>, mode: tx::BroadcastMode| {
        agora_e2e::grpc::<_, tx::BroadcastTxResponse>(grpc, "/cosmos.tx.v1beta1.Service/BroadcastTx", tx::BroadcastTxRequest { tx_bytes, mode: mode as i32 })
    };
    let block_mode = broadcast(first.clone(), tx::BroadcastMode::Block).expect_err("block mode is gone");
    assert_eq!(block_mode.code(), tonic::Code::InvalidArgument, "{block_mode:?}");
    let synced = broadcast(first.clone(), tx::BroadcastMode::Sync).expect("sync").tx_response.expect("response");
    assert_eq!(synced.code, 0, "{synced:?}");
    let asynced = broadcast(second, tx::BroadcastMode::Async).expect("async").tx_response.expect("response");
    assert!(asynced.code == 0 && asynced.txhash.len() == 64, "{asynced:?}");
    let synced_hash = synced.txhash.clone();
    for hash in [synced.txhash, asynced.txhash] {
        wait_for("the broadcast send in a block", Duration::from_secs(30), || {
            Ok(agora_e2e::grpc::<_, tx::GetTxResponse>(grpc, "/cosmos.tx.v1beta1.Service/GetTx", tx::GetTxRequest { hash: hash.clone() })
                .is_ok_and(|found| found.tx_response.is_some_and(|r| r.code == 0)))
        })
        .expect("broadcast send committed");
    }
    // Every node past the block that holds them, so no mempool still counts them (the cosmjs
    // check below compares two gas estimates made a moment apart).
    let committed = height(&net.nodes[2].rpc).expect("height");
    wait_for("every node past the broadcast sends", Duration::from_secs(30), || {
        Ok(net.nodes.iter().all(|n| height(&n.rpc).is_ok_and(|h| h > committed)))
    })
    .expect("every node committed them");
    let refused = broadcast(send(account.sequence, "6"), tx::BroadcastMode::Sync).expect("answered").tx_response.expect("response");
    assert_eq!((refused.codespace.as_str(), refused.code), ("sdk", 32), "a used sequence is CheckTx's refusal: {refused:?}");
    // The same bytes again: CometBFT's cache refuses them before CheckTx, which the SDK
    // reports as an answer with code 19 and the transaction's hash.
    let again = broadcast(first, tx::BroadcastMode::Sync).expect("answered").tx_response.expect("response");
    assert_eq!((again.codespace.as_str(), again.code, again.txhash.as_str()), ("sdk", 19, synced_hash.as_str()), "{again:?}");

    // The base tendermint service.
    let syncing: tm::GetSyncingResponse = agora_e2e::grpc(grpc, "/cosmos.base.tendermint.v1beta1.Service/GetSyncing", tm::GetSyncingRequest {}).expect("syncing");
    assert!(!syncing.syncing);
    let latest: tm::GetLatestBlockResponse =
        agora_e2e::grpc(grpc, "/cosmos.base.tendermint.v1beta1.Service/GetLatestBlock", tm::GetLatestBlockRequest {}).expect("latest block");
    let header = latest.sdk_block.and_then(|b| b.header).expect("sdk header");
    assert!(header.proposer_address.starts_with("agoravalcons1") && header.chain_id == net.chain_id, "{header:?}");
    assert_eq!(latest.block_id.map(|id| id.hash.len()), Some(32));
    let by_height: tm::GetBlockByHeightResponse =
        agora_e2e::grpc(grpc, "/cosmos.base.tendermint.v1beta1.Service/GetBlockByHeight", tm::GetBlockByHeightRequest { height: response.height })
            .expect("block by height");
    assert_eq!(by_height.block.and_then(|b| b.header).map(|h| h.app_hash), with_txs.block.and_then(|b| b.header).map(|h| h.app_hash));
    let zero = agora_e2e::grpc::<_, tm::GetBlockByHeightResponse>(grpc, "/cosmos.base.tendermint.v1beta1.Service/GetBlockByHeight", tm::GetBlockByHeightRequest { height: 0 })
        .expect_err("height 0");
    assert_eq!(zero.code(), tonic::Code::InvalidArgument, "{zero:?}");
    let set: tm::GetLatestValidatorSetResponse =
        agora_e2e::grpc(grpc, "/cosmos.base.tendermint.v1beta1.Service/GetLatestValidatorSet", tm::GetLatestValidatorSetRequest { pagination: None })
            .expect("validator set");
    assert_eq!((set.validators.len(), set.pagination.map(|p| p.total)), (4, Some(4)), "{:?}", set.validators);
    assert!(set.validators.iter().all(|v| v.address.starts_with("agoravalcons1") && v.voting_power > 0
        && v.pub_key.as_ref().is_some_and(|k| k.type_url == "/cosmos.crypto.ed25519.PubKey")));
    let at: tm::GetValidatorSetByHeightResponse = agora_e2e::grpc(
        grpc,
        "/cosmos.base.tendermint.v1beta1.Service/GetValidatorSetByHeight",
        tm::GetValidatorSetByHeightRequest { height: response.height, pagination: None },
    )
    .expect("validator set at a height");
    assert_eq!((at.block_height, at.validators.len()), (response.height, 4));

    // The same over the REST gateway, in the SDK's JSON.
    let rest = |path: &str| -> serde_json::Value {
        let url = format!("{}{path}", net.nodes[2].rest);
        ureq::get(&url).call().unwrap_or_else(|e| panic!("GET {url}: {e}")).into_json().expect("JSON")
    };
    let balances = rest(&format!("/cosmos/bank/v1beta1/balances/{bob}"));
    assert!(balances["balances"].as_array().is_some_and(|b| b.iter().any(|c| c["denom"] == "uagora")), "{balances}");
    let tx = rest(&format!("/cosmos/tx/v1beta1/txs/{sent_hash}"));
    assert_eq!((tx["tx_response"]["txhash"].as_str(), tx["tx_response"]["code"].as_u64()), (Some(sent_hash), Some(0)), "{tx}");
    assert_eq!(tx["tx"]["body"]["messages"][0]["@type"], "/cosmos.bank.v1beta1.MsgSend", "{tx}");
    assert_eq!(tx["tx_response"]["tx"]["@type"], "/cosmos.tx.v1beta1.Tx", "{tx}");
    let found = rest(&format!("/cosmos/tx/v1beta1/txs?query=message.sender%3D%27{alice}%27&limit=5&order_by=ORDER_BY_DESC"));
    assert!(found["tx_responses"].as_array().is_some_and(|r| !r.is_empty()) && found["total"].is_string(), "{found}");
    let latest = rest("/cosmos/base/tendermint/v1beta1/blocks/latest");
    assert!(latest["sdk_block"]["header"]["proposer_address"].as_str().is_some_and(|a| a.starts_with("agoravalcons1")), "{latest}");
    let node_info = rest("/cosmos/base/tendermint/v1beta1/node_info");
    assert_eq!(node_info["application_version"]["app_name"], "agorad", "{node_info}");
    let missing = ureq::get(&format!("{}/cosmos/tx/v1beta1/txs/{}", net.nodes[2].rest, "AB".repeat(32))).call();
    match missing {
        Err(ureq::Error::Status(404, response)) => {
            let body: serde_json::Value = response.into_json().expect("JSON");
            assert_eq!(body["code"], 5, "{body}");
        }
        other => panic!("an unknown hash is 404: {other:?}"),
    }
}

/// How long the query flood (and the quiet period it is compared with) lasts.
const FLOOD: Duration = Duration::from_secs(10);

#[derive(Debug, Default)]
struct Flooded {
    /// Blocks the chain made while the flood lasted.
    blocks: u64,
    /// Of those, the blocks whose commit (in the next block) carries the flooded node's signature.
    signed_by_flooded: u64,
    answered: u64,
    refusals: Vec<(tonic::Code, String)>,
    rpc_answered: u64,
}

/// For [`FLOOD`], 16 gRPC clients send node `node` `Simulate`s of a 300-output multi-send
/// from `sender` (each a few milliseconds of work), and 2 threads its RPC `abci_query`s.
fn flood_queries(net: &Localnet, node: usize, sender: &str) -> Flooded {
    use cosmos_sdk_proto::cosmos::{auth::v1beta1 as auth, bank::v1beta1 as bank, base::v1beta1::Coin, tx::v1beta1 as tx};
    use cosmos_sdk_proto::cosmos::tx::signing::v1beta1::SignMode;
    use prost::{Message, Name};

    let grpc = net.nodes[node].grpc.clone();
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");
    let rpc_url = net.nodes[node].rpc.clone();
    let rpc0 = net.nodes[0].rpc.clone();
    runtime.block_on(async move {
        let channel = tonic::transport::Endpoint::from_shared(grpc).expect("url").connect().await.expect("gRPC");
        let account = auth::query_client::QueryClient::new(channel.clone())
            .account(auth::QueryAccountRequest { address: sender.to_string() })
            .await
            .expect("account")
            .into_inner()
            .account
            .expect("account");
        let account = auth::BaseAccount::decode(account.value.as_slice()).expect("base account");
        let coin = || vec![Coin { denom: "uagora".into(), amount: "1".into() }];
        let multi = bank::MsgMultiSend {
            inputs: vec![bank::Input { address: sender.to_string(), coins: vec![Coin { denom: "uagora".into(), amount: "300".into() }] }],
            outputs: (0..300u32)
                .map(|i| {
                    let mut bytes = [7u8; 20];
                    bytes[..4].copy_from_slice(&i.to_le_bytes());
                    bank::Output { address: agora_types::Address::new(bytes).to_bech32(), coins: coin() }
                })
                .collect(),
        };
        let body = tx::TxBody {
            messages: vec![cosmos_sdk_proto::Any { type_url: bank::MsgMultiSend::type_url(), value: multi.encode_to_vec() }],
            ..Default::default()
        };
        let auth_info = tx::AuthInfo {
            signer_infos: vec![tx::SignerInfo {
                public_key: None,
                mode_info: Some(tx::ModeInfo { sum: Some(tx::mode_info::Sum::Single(tx::mode_info::Single { mode: SignMode::Unspecified as i32 })) }),
                sequence: account.sequence,
            }],
            fee: Some(tx::Fee::default()),
            ..Default::default()
        };
        let tx_bytes = tx::TxRaw { body_bytes: body.encode_to_vec(), auth_info_bytes: auth_info.encode_to_vec(), signatures: vec![Vec::new()] }.encode_to_vec();
        let simulate = tx::SimulateRequest { tx_bytes, ..Default::default() };
        // The simulation itself must succeed, or the flood measures refusals only.
        let mut client = tx::service_client::ServiceClient::new(channel.clone());
        client.simulate(simulate.clone()).await.expect("the flood's simulation is valid");

        let start_height = agora_e2e::height(&rpc0).expect("height");
        let until = tokio::time::Instant::now() + FLOOD;
        let clients = (0..16).map(|_| {
            let (mut client, simulate) = (tx::service_client::ServiceClient::new(channel.clone()), simulate.clone());
            tokio::spawn(async move {
                let (mut answered, mut refusals) = (0u64, Vec::new());
                while tokio::time::Instant::now() < until {
                    match client.simulate(simulate.clone()).await {
                        Ok(_) => answered += 1,
                        Err(status) => refusals.push((status.code(), status.message().to_string())),
                    }
                }
                (answered, refusals)
            })
        });
        let clients: Vec<_> = clients.collect();
        let path = format!("/abci_query?path=%22/cosmos.bank.v1beta1.Query/DenomOwners%22&data=0x{}", "0a067561676f7261");
        let end_height = {
            let rpc0 = rpc0.clone();
            tokio::spawn(async move {
                tokio::time::sleep_until(until).await;
                tokio::task::spawn_blocking(move || agora_e2e::height(&rpc0)).await
            })
        };
        let rpc_threads: Vec<_> = (0..2)
            .map(|_| {
                let (rpc_url, path) = (rpc_url.clone(), path.clone());
                std::thread::spawn(move || {
                    let mut answered = 0u64;
                    while tokio::time::Instant::now() < until {
                        if agora_e2e::rpc(&rpc_url, &path).is_ok_and(|r| r["response"]["code"] == 0) {
                            answered += 1;
                        }
                    }
                    answered
                })
            })
            .collect();
        let mut flooded = Flooded::default();
        for client in clients {
            let (answered, refusals) = client.await.expect("flood client");
            flooded.answered += answered;
            flooded.refusals.extend(refusals);
        }
        for thread in rpc_threads {
            flooded.rpc_answered += thread.join().expect("rpc flood");
        }
        let end_height = end_height.await.expect("joined").expect("joined").expect("height");
        flooded.blocks = end_height - start_height;
        let status = agora_e2e::rpc(&rpc_url, "/status").expect("status");
        let flooded_address = status["validator_info"]["address"].as_str().expect("validator address").to_string();
        for h in start_height + 1..=end_height {
            let commit = agora_e2e::rpc(&rpc0, &format!("/commit?height={h}")).expect("commit");
            let signatures = commit["signed_header"]["commit"]["signatures"].as_array().cloned().unwrap_or_default();
            if signatures.iter().any(|s| s["validator_address"] == flooded_address.as_str() && s["block_id_flag"] == 2) {
                flooded.signed_by_flooded += 1;
            }
        }
        flooded
    })
}

fn balance(net: &Localnet, node: usize, address: &str) -> u128 {
    let json = net.agorad_json(node, &["query", "bank", "balances", address]).expect("balances");
    json["balances"]
        .as_array()
        .and_then(|b| b.iter().find(|c| c["denom"] == "uagora"))
        .and_then(|c| c["amount"].as_str())
        .and_then(|a| a.parse().ok())
        .unwrap_or(0)
}

#[test]
#[ignore = "end-to-end: scripts/test.sh runs it (cargo test --workspace --test <name> -- --ignored)"]
fn a_four_validator_localnet_makes_blocks_serves_the_cli_and_cosmjs_agrees_survives_a_crash_and_slashes_faults() {
    let mut net = Localnet::up(4, 20656).expect("localnet up");
    assert_eq!(net.nodes.len(), 4);
    let rpc0 = net.nodes[0].rpc.clone();
    wait_for("height 3", Duration::from_secs(60), || Ok(height(&rpc0)? >= 3)).expect("blocks");

    // A send through the CLI lands, and every node's query shows it.
    let alice = net.account("alice").expect("alice");
    let bob = net.account("bob").expect("bob");
    let before = balance(&net, 1, &bob);
    let keys = net.keys_dir();
    let sent = net
        .agorad_json(
            0,
            &["tx", "bank", "send", "alice", &bob, "1234uagora", "--fees", "5000uagora", "--home", keys.to_str().unwrap_or_default(), "-y"],
        )
        .expect("send");
    assert_eq!(sent["code"], 0, "{sent}");
    assert!(!alice.is_empty());
    wait_for("bob's balance on every node", Duration::from_secs(30), || {
        Ok((0..4).all(|n| balance(&net, n, &bob) == before + 1234))
    })
    .expect("balance");
    node_services_answer(&net, &alice, &bob, sent["txhash"].as_str().expect("txhash"));

    // cosmjs as most dapps use it: gas "auto" simulates the send (SIGN_MODE_UNSPECIFIED, an empty
    // signature, no fee), then signs it with SIGN_MODE_DIRECT at the estimate times 1.4.
    let bob_before = balance(&net, 2, &bob);
    let alice_mnemonic = net.dev_account("alice").expect("alice").mnemonic.clone();
    let sent = cosmjs("send-auto.mjs", &[("RPC", &net.nodes[1].rpc), ("MNEMONIC", &alice_mnemonic), ("TO", &bob), ("AMOUNT", "777")])
        .expect("cosmjs send with gas auto");
    assert_eq!(sent["from"], alice.as_str(), "cosmjs derives the same address from the mnemonic: {sent}");
    assert_eq!(sent["received"], "777", "{sent}");
    let (simulated, wanted, used) =
        (sent["simulated"].as_u64().unwrap_or(0), sent["gasWanted"].as_u64().unwrap_or(0), sent["gasUsed"].as_u64().unwrap_or(0));
    assert!(simulated > 0 && used > 0, "{sent}");
    // cosmjs simulates again inside signAndBroadcast: a block between the two (the fee
    // collector emptied or refilled) can move that estimate by a few dozen gas.
    let estimate = wanted as f64 / 1.4;
    assert!((estimate - simulated as f64).abs() <= 200.0, "gas wanted is cosmjs's 1.4 × its estimate: {sent}");
    // The simulation carries no fee, so it leaves out the fee's move into the fee collector:
    // its balance, and (distribution empties the collector every block) the collector's entry
    // in bank's holder index when the fee is the block's first. The 1.4 margin covers both.
    assert!(used <= wanted && used.saturating_sub(simulated) <= 5_000 && simulated <= used + 500, "the estimate covers the signed send: {sent}");
    wait_for("cosmjs's send on every node", Duration::from_secs(30), || Ok((0..4).all(|n| balance(&net, n, &bob) == bob_before + 777)))
        .expect("cosmjs send visible");

    // Staking as Keplr and dapps do it: cosmjs's delegateTokens and undelegateTokens with gas
    // "auto" and its staking query extension. CometBFT then reports the validator's new power.
    let staked = cosmjs("stake.mjs", &[("RPC", &net.nodes[1].rpc), ("MNEMONIC", &alice_mnemonic), ("AMOUNT", "3000000")])
        .expect("cosmjs staking");
    let amount = |key: &str| staked[key].as_str().and_then(|s| s.parse::<u128>().ok()).unwrap_or_else(|| panic!("{key} in {staked}"));
    assert_eq!(amount("after"), amount("before") + 3_000_000, "{staked}");
    assert_eq!(amount("unbondingBalance"), 1_500_000, "{staked}");
    assert_eq!(staked["unbondingTimeSeconds"], 120, "the localnet's unbonding time: {staked}");
    assert_eq!(staked["bondDenom"], "uagora");
    // withdrawRewards pays at least what the query showed (its block adds that block's share),
    // and the balance moves by exactly the event's amount less the fee.
    assert!(amount("rewardsPaid") >= amount("rewardsQueried") && amount("rewardsPaid") > 0, "{staked}");
    assert_eq!(amount("balanceChangePlusFee"), amount("rewardsPaid"), "{staked}");
    let expected_power = ((amount("tokensAfterDelegation") - 1_500_000) / 1_000_000).to_string();
    let key = staked["consensusKey"].as_str().expect("key").to_string();
    wait_for("CometBFT to report the validator's new power", Duration::from_secs(30), || {
        let set = rpc(&rpc0, "/validators")?;
        let validators = set["validators"].as_array().cloned().unwrap_or_default();
        Ok(validators.iter().any(|v| v["pub_key"]["value"] == key.as_str() && v["voting_power"] == expected_power.as_str()))
    })
    .expect("voting power follows the stake");

    // All four nodes report the same app hash at the same height.
    let h = height(&rpc0).expect("height") - 1;
    wait_for("every node past the common height", Duration::from_secs(30), || {
        Ok(net.nodes.iter().all(|n| height(&n.rpc).map(|x| x > h).unwrap_or(false)))
    })
    .expect("sync");
    let hashes: Vec<String> = net.nodes.iter().map(|n| app_hash_after(&n.rpc, h).expect("hash")).collect();
    assert!(hashes.iter().all(|x| x == &hashes[0] && !x.is_empty()), "app hashes differ at height {h}: {hashes:?}");

    // Public traffic cannot stall a validator: node1's gRPC is flooded with heavy simulations
    // and its CometBFT RPC with ABCI queries, and the chain keeps its pace while node1 keeps up.
    let before_flood = height(&rpc0).expect("height");
    std::thread::sleep(FLOOD);
    let baseline = height(&rpc0).expect("height") - before_flood;
    let flooded = flood_queries(&net, 1, &alice);
    let during = flooded.blocks;
    eprintln!("query flood of node1 for {FLOOD:?}: {flooded:?}; blocks in the {FLOOD:?} before: {baseline}");
    assert!(flooded.answered > 0 && flooded.rpc_answered > 0, "the flooded node answered queries over gRPC and ABCI: {flooded:?}");
    assert!(
        flooded.refusals.iter().all(|(code, message)| matches!(code, tonic::Code::Unavailable | tonic::Code::DeadlineExceeded) && message.starts_with("query error")),
        "only the query pool's typed refusals: {flooded:?}"
    );
    assert!(during * 2 >= baseline && during >= 3, "blocks kept their pace under the flood: {during} in {FLOOD:?} against {baseline} before: {flooded:?}");
    // The flooded validator itself kept voting: its signature is in the commits of the flood's blocks.
    assert!(
        flooded.signed_by_flooded * 10 >= flooded.blocks * 7,
        "node1 signed {} of the {} blocks made under the flood: {flooded:?}",
        flooded.signed_by_flooded,
        flooded.blocks
    );
    let (tip, flooded_tip) = (height(&rpc0).expect("height"), height(&net.nodes[1].rpc).expect("height"));
    assert!(flooded_tip + 2 >= tip, "the flooded validator keeps up: {flooded_tip} against {tip}");

    let validator_of = |net: &Localnet, moniker: &str| -> Result<serde_json::Value, String> {
        let set = net.agorad_json(0, &["query", "staking", "validators"])?;
        set["validators"]
            .as_array()
            .and_then(|list| list.iter().find(|v| v["description"]["moniker"] == moniker).cloned())
            .ok_or_else(|| format!("no {moniker} validator"))
    };
    let node3_validator = || validator_of(&net, "node3");
    let node3_key = node3_validator().expect("node3")["consensus_pubkey"]["key"].as_str().expect("key").to_string();
    let tokens_before: u128 = node3_validator().expect("node3")["tokens"].as_str().and_then(|t| t.parse().ok()).expect("tokens");

    // kill -9 one validator's agorad: the other three keep making blocks.
    let victim = 3;
    let pid = net.pid(victim).expect("pid");
    let status = std::process::Command::new("kill").args(["-9", &pid.to_string()]).status().expect("kill");
    assert!(status.success());
    let at_kill = height(&rpc0).expect("height");
    wait_for("three validators to make 3 more blocks", Duration::from_secs(60), || Ok(height(&rpc0)? >= at_kill + 3))
        .expect("liveness without one validator");

    // Past the liveness window (10 blocks here) the stopped validator is jailed and slashed 1%,
    // and CometBFT drops it from the set, while the other three go on.
    wait_for("the stopped validator to be jailed for downtime", Duration::from_secs(90), || Ok(node3_validator()?["jailed"] == true))
        .expect("jailed");
    let slashed = tokens_before / 1_000_000 * 1_000_000 / 100;
    assert_eq!(node3_validator().expect("node3")["tokens"], (tokens_before - slashed).to_string(), "1% of the stake behind its power slashed");
    let in_set = |key: &str| -> Result<bool, String> {
        let set = rpc(&rpc0, "/validators")?;
        Ok(set["validators"].as_array().cloned().unwrap_or_default().iter().any(|v| v["pub_key"]["value"] == key))
    };
    wait_for("CometBFT to drop the jailed validator", Duration::from_secs(30), || Ok(!in_set(&node3_key)?)).expect("dropped");
    let h = height(&rpc0).expect("height");
    wait_for("three validators to go on", Duration::from_secs(30), || Ok(height(&rpc0)? >= h + 3)).expect("liveness");

    // The killed node restarts, catches up and agrees on the app hash.
    net.restart_stopped().expect("restart");
    let victim_rpc = net.nodes[victim].rpc.clone();
    let target = height(&rpc0).expect("height");
    wait_for("the restarted node to catch up", Duration::from_secs(90), || Ok(height(&victim_rpc)? > target + 1))
        .expect("catch up");
    let common = target;
    assert_eq!(
        app_hash_after(&victim_rpc, common).expect("victim hash"),
        app_hash_after(&rpc0, common).expect("node0 hash"),
        "the restarted node must reach the same app hash"
    );

    // After its jail time, MsgUnjail brings it back: CometBFT has it in the set and it signs.
    std::thread::sleep(Duration::from_secs(10));
    let keys = net.keys_dir();
    let unjailed = std::process::Command::new(agora_e2e::agorad_bin())
        .args(["tx", "slashing", "unjail", "--from", "validator3", "--fees", "5000uagora", "-y", "-o", "json", "--node", &rpc0])
        .arg("--home")
        .arg(&keys)
        .output()
        .expect("agorad");
    assert!(unjailed.status.success(), "unjail: {}{}", String::from_utf8_lossy(&unjailed.stdout), String::from_utf8_lossy(&unjailed.stderr));
    assert_eq!(node3_validator().expect("node3")["jailed"], false);
    wait_for("CometBFT to take the unjailed validator back", Duration::from_secs(30), || in_set(&node3_key)).expect("back in the set");
    let node3_address = {
        let set = rpc(&rpc0, "/validators").expect("validators");
        set["validators"].as_array().cloned().unwrap_or_default().iter().find(|v| v["pub_key"]["value"] == node3_key.as_str()).expect("node3")["address"]
            .as_str()
            .expect("address")
            .to_string()
    };
    wait_for("the unjailed validator to sign a block", Duration::from_secs(30), || {
        let commit = rpc(&rpc0, "/commit")?;
        let signatures = commit["signed_header"]["commit"]["signatures"].as_array().cloned().unwrap_or_default();
        Ok(signatures.iter().any(|s| s["validator_address"] == node3_address.as_str() && s["block_id_flag"] == 2))
    })
    .expect("signs again");

    // Double signing: a new node signs with node1's validator key. The two sign conflicting
    // votes, CometBFT's evidence reaches a block, and node1's validator is slashed 5% of the
    // stake behind its power, jailed and tombstoned; the other three go on.
    let node1 = validator_of(&net, "node1").expect("node1");
    let tokens_before: u128 = node1["tokens"].as_str().and_then(|t| t.parse().ok()).expect("tokens");
    let node1_key = node1["consensus_pubkey"]["key"].as_str().expect("key").to_string();
    let operator = node1["operator_address"].as_str().expect("operator").to_string();
    net = net.join(&["--validator-key-of", "1"]).expect("join a node with node1's key");
    assert_eq!(net.nodes.len(), 5);
    wait_for("evidence of node1's double signing", Duration::from_secs(120), || Ok(validator_of(&net, "node1")?["jailed"] == true))
        .expect("double signing is punished");
    let node1 = validator_of(&net, "node1").expect("node1");
    let burned = tokens_before / 1_000_000 * 1_000_000 * 5 / 100;
    assert_eq!(node1["tokens"], (tokens_before - burned).to_string(), "5% of the stake behind its power burned: {node1}");
    let infos = net.agorad_json(0, &["query", "slashing", "signing-infos"]).expect("signing infos");
    let tombstoned: Vec<&serde_json::Value> = infos["info"].as_array().map(|list| list.iter().filter(|i| i["tombstoned"] == true).collect()).unwrap_or_default();
    assert_eq!(tombstoned.len(), 1, "exactly one validator is tombstoned: {infos}");
    let slashes = net.agorad_json(0, &["query", "distribution", "slashes", &operator, "1", "0"]).expect("slashes");
    assert!(!slashes["slashes"].as_array().cloned().unwrap_or_default().is_empty(), "the slash is on record: {slashes}");
    wait_for("CometBFT to drop the tombstoned validator", Duration::from_secs(30), || Ok(!in_set(&node1_key)?)).expect("dropped");
    let h = height(&rpc0).expect("height");
    wait_for("the other three to go on", Duration::from_secs(30), || Ok(height(&rpc0)? >= h + 3)).expect("liveness after tombstoning");
    // A tombstoned validator can never unjail.
    let refused = std::process::Command::new(agora_e2e::agorad_bin())
        .args(["tx", "slashing", "unjail", "--from", "validator1", "--fees", "5000uagora", "-y", "-o", "json", "--node", &rpc0])
        .arg("--home")
        .arg(&keys)
        .output()
        .expect("agorad");
    let text = format!("{}{}", String::from_utf8_lossy(&refused.stdout), String::from_utf8_lossy(&refused.stderr));
    assert!(text.contains("tombstoned"), "unjail of a tombstoned validator: {text}");
    // The node that signed with node1's key has served its purpose: it leaves the network.
    let net = net.remove_last_node().expect("remove the double-signing node");
    assert_eq!(net.nodes.len(), 4);

    // Governance: one proposal lowers the community tax and sets the marketplace's order TTL
    // to 777 blocks; submitted with its full deposit, it passes by the validators' votes, both
    // changes apply together, and the next order expires 777 blocks after it opens.
    let gov = agora_types::Address::module("gov").to_bech32();
    let market = net.agorad_json(0, &["query", "market", "params"]).expect("market params")["params"].clone();
    let number = |key: &str| -> u64 { market[key].as_str().map_or_else(|| market[key].as_u64().unwrap_or(0), |s| s.parse().unwrap_or(0)) };
    let market_params = serde_json::json!({
        "order_max_bids": number("order_max_bids"),
        "bid_min_deposit": market["bid_min_deposit"],
        "order_ttl_blocks": 777,
        "auction_window_blocks": number("auction_window_blocks"),
        "max_due_orders_per_block": number("max_due_orders_per_block"),
        "retention_blocks": number("retention_blocks"),
        "max_prunes_per_block": number("max_prunes_per_block"),
    });
    let proposal = serde_json::json!({
        "title": "Lower the community tax, lengthen orders",
        "summary": "Community tax from 2% to 1%; orders stay open 777 blocks",
        "deposit": "10000000uagora",
        "messages": [{
            "@type": "/cosmos.distribution.v1beta1.MsgUpdateParams",
            "authority": gov,
            "params": {"community_tax": "10000000000000000", "base_proposer_reward": "0", "bonus_proposer_reward": "0", "withdraw_addr_enabled": true}
        }, {
            "@type": "/agora.market.v1.MsgUpdateParams",
            "authority": gov,
            "params": market_params,
        }]
    });
    let file = keys.join("proposal.json");
    std::fs::write(&file, proposal.to_string()).expect("write proposal");
    let tx = |args: &[&str]| {
        let out = std::process::Command::new(agora_e2e::agorad_bin())
            .args(args)
            .args(["--fees", "5000uagora", "-y", "-o", "json", "--node", &rpc0])
            .arg("--home")
            .arg(&keys)
            .output()
            .expect("agorad");
        assert!(out.status.success(), "{args:?}: {}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    };
    tx(&["tx", "gov", "submit-proposal", file.to_str().unwrap_or_default(), "--from", "alice"]);
    let proposal = net.agorad_json(0, &["query", "gov", "proposal", "1"]).expect("proposal");
    assert_eq!(proposal["status"], "PROPOSAL_STATUS_VOTING_PERIOD", "{proposal}");
    for validator in ["validator0", "validator2", "validator3"] {
        tx(&["tx", "gov", "vote", "1", "yes", "--from", validator]);
    }
    wait_for("the proposal to pass", Duration::from_secs(60), || {
        let proposal = net.agorad_json(0, &["query", "gov", "proposal", "1"])?;
        Ok(proposal["status"] != "PROPOSAL_STATUS_VOTING_PERIOD")
    })
    .expect("decided");
    let proposal = net.agorad_json(0, &["query", "gov", "proposal", "1"]).expect("proposal");
    assert_eq!(proposal["status"], "PROPOSAL_STATUS_PASSED", "{proposal}");
    let params = net.agorad_json(0, &["query", "distribution", "params"]).expect("params");
    assert_eq!(params["community_tax"], "0.01", "{params}");
    let market = net.agorad_json(0, &["query", "market", "params"]).expect("market params");
    assert_eq!(market["params"]["order_ttl_blocks"], "777", "{market}");
    let dseq = height(&rpc0).expect("height").to_string();
    let deployment = agora_e2e::repo_root().join("localnet").join("examples").join("deployment-gpu.yaml");
    tx(&["tx", "deployment", "create", deployment.to_str().unwrap_or_default(), "--dseq", &dseq, "--deposit", "5000000uagora", "--from", "alice"]);
    let order = net.agorad_json(0, &["query", "market", "order", "get", "--owner", &alice, "--dseq", &dseq, "--gseq", "1", "--oseq", "1"]).expect("order");
    let at = |key: &str| order[key].as_str().and_then(|s| s.parse::<u64>().ok()).unwrap_or_else(|| panic!("{key} in {order}"));
    assert_eq!(at("expires_height") - at("created_height"), 777, "the order follows the voted TTL: {order}");

    // A milestone grant to bob of three 1,000 uagora tranches: the first is paid when the
    // grant passes, the second after a release vote bob asks for, and the third goes back to
    // the community pool when its release vote is rejected.
    tx(&["tx", "distribution", "fund-community-pool", "3000uagora", "--from", "alice"]);
    let bob = net.account("bob").expect("bob");
    let tranche = |milestone: &str| serde_json::json!({"amount": [{"denom": "uagora", "amount": "1000"}], "milestone": milestone, "deadline_seconds": 600});
    let grant = serde_json::json!({
        "title": "GPU-class dashboard",
        "summary": "Three milestones",
        "deposit": "10000000uagora",
        "messages": [{
            "@type": "/agora.gov.v1.MsgCreateGrant",
            "authority": gov,
            "recipient": bob,
            "title": "GPU-class dashboard",
            "tranches": [tranche("design"), tranche("prototype"), tranche("launch")],
        }]
    });
    let release = |n: u32| serde_json::json!({
        "title": format!("Release tranche {n}"),
        "summary": "Milestone delivered",
        "deposit": "10000000uagora",
        "messages": [{"@type": "/agora.gov.v1.MsgReleaseTranche", "authority": gov, "grant_id": 1, "tranche": n}]
    });
    let decide = |id: &str, file: &std::path::Path, document: serde_json::Value, proposer: &str, option: &str| -> serde_json::Value {
        std::fs::write(file, document.to_string()).expect("write proposal");
        tx(&["tx", "gov", "submit-proposal", file.to_str().unwrap_or_default(), "--from", proposer]);
        for validator in ["validator0", "validator2", "validator3"] {
            tx(&["tx", "gov", "vote", id, option, "--from", validator]);
        }
        wait_for("the proposal to be decided", Duration::from_secs(60), || {
            Ok(net.agorad_json(0, &["query", "gov", "proposal", id])?["status"] != "PROPOSAL_STATUS_VOTING_PERIOD")
        })
        .expect("decided");
        net.agorad_json(0, &["query", "gov", "proposal", id]).expect("proposal")
    };
    let bob_before = balance(&net, 0, &bob);
    let passed = decide("2", &keys.join("grant.json"), grant, "alice", "yes");
    assert_eq!(passed["status"], "PROPOSAL_STATUS_PASSED", "{passed}");
    assert_eq!(balance(&net, 0, &bob), bob_before + 1000, "the first tranche is paid with the grant");
    let amounts = |grant: &serde_json::Value| -> Vec<String> {
        ["paid", "pending", "returned"].iter().map(|k| grant[*k][0]["amount"].as_str().unwrap_or("0").to_string()).collect()
    };
    let grant = net.agorad_json(0, &["query", "gov", "grant", "1"]).expect("grant");
    assert_eq!(amounts(&grant), ["1000", "2000", "0"], "{grant}");
    let passed = decide("3", &keys.join("release-1.json"), release(1), "bob", "yes");
    assert_eq!(passed["status"], "PROPOSAL_STATUS_PASSED", "{passed}");
    let rejected = decide("4", &keys.join("release-2.json"), release(2), "bob", "no");
    assert_eq!(rejected["status"], "PROPOSAL_STATUS_REJECTED", "{rejected}");
    let grant = net.agorad_json(0, &["query", "gov", "grant", "1"]).expect("grant");
    assert_eq!(amounts(&grant), ["2000", "0", "1000"], "{grant}");

    // An upgrade rehearsal: governance schedules `rehearsal-v2`; at its height every node
    // (the release binary has no handler for it) halts without committing the block and
    // leaves data/upgrade-info.json, as cosmovisor expects. Started again with the binary
    // that carries the handler (cosmovisor's part), every node executes that block with the
    // migration applied, headers carry app version 2 from the next block, and all agree.
    let upgrade_height = height(&rpc0).expect("height") + 40;
    let upgrade_height_text = upgrade_height.to_string();
    tx(&[
        "tx", "upgrade", "software-upgrade", "rehearsal-v2", "--upgrade-height", &upgrade_height_text, "--upgrade-info", "rehearsal",
        "--title", "Rehearse an upgrade", "--summary", "rehearsal-v2 at a height", "--deposit", "10000000uagora", "--from", "alice",
    ]);
    for validator in ["validator0", "validator2", "validator3"] {
        tx(&["tx", "gov", "vote", "5", "yes", "--from", validator]);
    }
    wait_for("the upgrade proposal to be decided", Duration::from_secs(60), || {
        Ok(net.agorad_json(0, &["query", "gov", "proposal", "5"])?["status"] != "PROPOSAL_STATUS_VOTING_PERIOD")
    })
    .expect("decided");
    let plan = net.agorad_json(0, &["query", "upgrade", "plan"]).expect("plan");
    assert_eq!((plan["name"].as_str(), plan["height"].as_str()), (Some("rehearsal-v2"), Some(upgrade_height_text.as_str())), "{plan}");
    // Each node halts when it executes the plan's block. A node that commits it first and halts
    // may take with it a precommit the others still need (three validators of equal power
    // need all three), so they wait at the height before until it is back: as cosmovisor
    // does, every node that halted is started again with the new binary, until all have
    // halted once and the chain is past the upgrade.
    let halted = |node: &agora_e2e::Node| node.home.join("data").join("upgrade-info.json").exists();
    let after = upgrade_height + 3;
    let progress = wait_for("every node to halt at the upgrade height and resume with the new binary", Duration::from_secs(180), || {
        if (0..net.nodes.len()).any(|n| !net.running(n)) {
            net.restart_stopped_with(&agora_e2e::rehearsal_bin())?;
        }
        Ok(net.nodes.iter().all(|n| halted(n) && height(&n.rpc).map(|h| h > after).unwrap_or(false)))
    });
    if let Err(error) = progress {
        let states: Vec<String> = net.nodes.iter().enumerate().map(|(i, n)| format!("{}: running {}, halted {}, height {:?}", n.moniker, net.running(i), halted(n), height(&n.rpc))).collect();
        panic!("{error}: {states:?}");
    }
    for node in &net.nodes {
        let info = std::fs::read_to_string(node.home.join("data").join("upgrade-info.json")).expect("upgrade-info.json");
        let info: serde_json::Value = serde_json::from_str(&info).expect("json");
        let expected = serde_json::json!({"name": "rehearsal-v2", "time": "0001-01-01T00:00:00Z", "height": upgrade_height, "info": "rehearsal"});
        assert_eq!(info, expected, "{}", node.moniker);
        let log = std::fs::read_to_string(node.home.join("agorad.log")).expect("log");
        let needed = format!("UPGRADE \"rehearsal-v2\" NEEDED at height: {upgrade_height}: rehearsal");
        assert!(log.contains(&needed), "{} logs {needed:?}", node.moniker);
    }
    let hashes: Vec<String> = net.nodes.iter().map(|n| app_hash_after(&n.rpc, after).expect("hash")).collect();
    assert!(hashes.iter().all(|x| x == &hashes[0] && !x.is_empty()), "app hashes differ after the upgrade: {hashes:?}");
    let applied = net.agorad_json(0, &["query", "upgrade", "applied", "rehearsal-v2"]).expect("applied");
    assert_eq!(applied["height"], upgrade_height_text.as_str(), "{applied}");
    assert_eq!(net.agorad_json(0, &["query", "upgrade", "plan"]).expect("plan"), serde_json::Value::Null);
    let header = |h: u64| rpc(&rpc0, &format!("/block?height={h}")).expect("block")["block"]["header"]["version"]["app"].clone();
    assert_eq!((header(upgrade_height), header(upgrade_height + 1)), ("1".into(), "2".into()), "the app version from the block after the upgrade");
    let auth = net.agorad_json(0, &["query", "auth", "params"]).expect("auth params");
    assert_eq!(auth["max_memo_characters"], "512", "the rehearsal's migration ran: {auth}");
}
