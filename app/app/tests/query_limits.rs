//! Public queries buy bounded work: each is charged gas for its store reads up to the node's
//! `query_gas_limit`, stops at its time limit, and waits at most that long for one of the
//! node's query workers (shared by ABCI and gRPC).

mod common;

use std::sync::Arc;
use std::time::Duration;

use agora_app::query_pool::QueryPool;
use agora_app::AppConfig;
use agora_types::Address;
use common::*;
use cosmos_sdk_proto::cosmos::bank::v1beta1 as bank;
use cosmos_sdk_proto::cosmos::base::query::v1beta1::PageRequest;
use prost::Message;

const DENOM_OWNERS: &str = "/cosmos.bank.v1beta1.Query/DenomOwners";
const BALANCE: &str = "/cosmos.bank.v1beta1.Query/Balance";

fn owners_request(limit: u64) -> Vec<u8> {
    bank::QueryDenomOwnersRequest { denom: "uagora".into(), pagination: Some(PageRequest { limit, ..PageRequest::default() }) }
        .encode_to_vec()
}

fn balance_request(address: &Address) -> Vec<u8> {
    bank::QueryBalanceRequest { address: address.to_bech32(), denom: "uagora".into() }.encode_to_vec()
}

fn funded(count: u8) -> Vec<Address> {
    (1..=count).map(|seed| key(seed).address()).collect()
}

#[test]
fn a_query_that_reads_past_the_node_gas_limit_is_refused_with_out_of_gas() {
    let accounts = funded(200);
    let chain = chain_with(&accounts, AppConfig { query_gas_limit: 30_000, ..AppConfig::default() });

    // A single balance fits; a page of 200 holders (each step charged as a transaction's
    // iteration is) does not.
    let balance = chain.node.query(BALANCE, balance_request(&accounts[0]), 0, false).expect("query");
    assert_eq!(balance.code.value(), 0, "{}", balance.log);
    let page = chain.node.query(DENOM_OWNERS, owners_request(1_000), 0, false).expect("query");
    assert_eq!((page.codespace.as_str(), page.code.value()), ("sdk", 11), "{}", page.log);
    assert!(page.log.contains("query gas limit"), "{}", page.log);
    // A smaller page of the same query fits.
    let small = chain.node.query(DENOM_OWNERS, owners_request(10), 0, false).expect("query");
    assert_eq!(small.code.value(), 0, "{}", small.log);
    let owners = bank::QueryDenomOwnersResponse::decode(small.value.as_ref()).expect("decode");
    assert_eq!(owners.denom_owners.len(), 10);

    // The default limit answers the whole page.
    let chain = chain_with(&accounts, AppConfig::default());
    let page = chain.node.query(DENOM_OWNERS, owners_request(1_000), 0, false).expect("query");
    assert_eq!(page.code.value(), 0, "{}", page.log);
}

#[test]
fn a_query_past_its_time_limit_is_refused() {
    let accounts = funded(3);
    let chain = chain_with(&accounts, AppConfig { query_timeout: Duration::ZERO, ..AppConfig::default() });
    let late = chain.node.query(BALANCE, balance_request(&accounts[0]), 0, false).expect("query");
    assert_eq!((late.codespace.as_str(), late.code.value()), ("query", 2), "{}", late.log);
    assert!(late.log.contains("0 ms"), "{}", late.log);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_query_waits_for_a_worker_at_most_the_time_limit_over_abci_and_grpc() {
    let accounts = funded(3);
    let config = AppConfig { query_workers: 1, query_timeout: Duration::from_millis(300), ..AppConfig::default() };
    let chain = chain_with(&accounts, config);
    let app = Arc::clone(chain.node.app());
    let pool = QueryPool::new(Arc::clone(&app));

    // A worker held for longer than the wait: the next query is refused as busy, through the
    // pool, through ABCI (CometBFT's query connection) and through the gRPC server sharing it.
    let (started_tx, started_rx) = tokio::sync::oneshot::channel();
    let (release_tx, release_rx) = std::sync::mpsc::channel::<()>();
    let slow = {
        let pool = pool.clone();
        tokio::spawn(async move {
            pool.run(move |_| {
                let _ = started_tx.send(());
                let _ = release_rx.recv();
                Ok(())
            })
            .await
        })
    };
    started_rx.await.expect("the slow query started");
    let address = accounts[0];
    let refused = pool.run(move |app| app.query(BALANCE, &balance_request(&address), 0, false)).await.expect_err("busy");
    assert_eq!((refused.codespace.as_str(), refused.code), ("query", 1), "{}", refused.log);

    let mut abci = agora_app::abci::AbciService::new(Arc::clone(&app)).with_query_pool(pool.clone());
    let request = tendermint::v0_38::abci::InfoRequest::Query(tendermint::abci::request::Query {
        data: balance_request(&address).into(),
        path: BALANCE.into(),
        height: 0u32.into(),
        prove: false,
    });
    let tendermint::v0_38::abci::InfoResponse::Query(answer) = tower::ServiceExt::oneshot(&mut abci, request).await.expect("abci") else {
        panic!("not a query response");
    };
    assert_eq!((answer.codespace.as_str(), answer.code.value()), ("query", 1), "{}", answer.log);

    let port = std::net::TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("addr").port();
    let addr: std::net::SocketAddr = format!("127.0.0.1:{port}").parse().expect("addr");
    tokio::spawn(agora_app::grpc::serve(pool.clone(), addr, None));
    let mut client = loop {
        match bank::query_client::QueryClient::connect(format!("http://{addr}")).await {
            Ok(client) => break client,
            Err(_) => tokio::time::sleep(Duration::from_millis(20)).await,
        }
    };
    let status = client
        .balance(bank::QueryBalanceRequest { address: address.to_bech32(), denom: "uagora".into() })
        .await
        .expect_err("busy over gRPC");
    assert_eq!(status.code(), tonic::Code::Unavailable, "{status:?}");

    // Once the worker is free, queries are answered again, over ABCI and gRPC.
    release_tx.send(()).expect("release");
    slow.await.expect("joined").expect("slow query");
    let request = tendermint::v0_38::abci::InfoRequest::Query(tendermint::abci::request::Query {
        data: balance_request(&address).into(),
        path: BALANCE.into(),
        height: 0u32.into(),
        prove: false,
    });
    let tendermint::v0_38::abci::InfoResponse::Query(answer) = tower::ServiceExt::oneshot(&mut abci, request).await.expect("abci") else {
        panic!("not a query response");
    };
    assert_eq!(answer.code.value(), 0, "{}", answer.log);
    let balance = client
        .balance(bank::QueryBalanceRequest { address: address.to_bech32(), denom: "uagora".into() })
        .await
        .expect("answered")
        .into_inner();
    assert!(balance.balance.is_some());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_queue_refuses_at_once() {
    let accounts = funded(1);
    let config = AppConfig { query_workers: 1, query_timeout: Duration::from_secs(5), ..AppConfig::default() };
    let chain = chain_with(&accounts, config);
    let pool = QueryPool::new(Arc::clone(chain.node.app()));

    let (started_tx, started_rx) = tokio::sync::oneshot::channel();
    let (release_tx, release_rx) = std::sync::mpsc::channel::<()>();
    let held = {
        let pool = pool.clone();
        tokio::spawn(async move {
            pool.run(move |_| {
                let _ = started_tx.send(());
                let _ = release_rx.recv();
                Ok(())
            })
            .await
        })
    };
    started_rx.await.expect("the worker is held");
    // As many waiters as the queue holds; the next is refused without waiting.
    let waiters: Vec<_> = (0..agora_app::query_pool::WAITERS_PER_WORKER)
        .map(|_| {
            let pool = pool.clone();
            tokio::spawn(async move { pool.run(|_| Ok(())).await })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(200)).await;
    let started = std::time::Instant::now();
    let refused = pool.run(|_| Ok(())).await.expect_err("the queue is full");
    assert_eq!((refused.codespace.as_str(), refused.code), ("query", 1), "{}", refused.log);
    assert!(started.elapsed() < Duration::from_secs(1), "refused at once, not after the wait");

    release_tx.send(()).expect("release");
    held.await.expect("joined").expect("held query");
    for waiter in waiters {
        waiter.await.expect("joined").expect("every waiter ran once the worker was free");
    }
}
