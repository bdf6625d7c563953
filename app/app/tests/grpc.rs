//! The gRPC server answers the standard Cosmos services with the same data as ABCI queries.

mod common;

use std::sync::Arc;

use common::*;
use cosmos_sdk_proto::cosmos::auth::v1beta1 as auth;
use cosmos_sdk_proto::cosmos::bank::v1beta1 as bank;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn grpc_serves_bank_and_auth_queries() {
    let (alice, bob) = (key(1), key(2));
    let mut chain = chain(&[alice.address()]);
    chain.block(vec![send_tx(&alice, &bob.address(), "42uagora", 1, 0)]);

    let port = std::net::TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("addr").port();
    let addr: std::net::SocketAddr = format!("127.0.0.1:{port}").parse().expect("addr");
    let app = Arc::clone(chain.node.app());
    tokio::spawn(agora_app::grpc::serve(app, addr));

    let url = format!("http://{addr}");
    let mut bank_client = loop {
        match bank::query_client::QueryClient::connect(url.clone()).await {
            Ok(client) => break client,
            Err(_) => tokio::time::sleep(std::time::Duration::from_millis(50)).await,
        }
    };
    let balance = bank_client
        .balance(bank::QueryBalanceRequest { address: bob.address().to_bech32(), denom: "uagora".into() })
        .await
        .expect("balance")
        .into_inner();
    assert_eq!(balance.balance.expect("coin").amount, "42");

    let bad = bank_client
        .balance(bank::QueryBalanceRequest { address: "bad".into(), denom: "uagora".into() })
        .await
        .expect_err("invalid address");
    assert_eq!(bad.code(), tonic::Code::InvalidArgument);

    let mut auth_client = auth::query_client::QueryClient::connect(url).await.expect("connect");
    let account = auth_client
        .account(auth::QueryAccountRequest { address: alice.address().to_bech32() })
        .await
        .expect("account")
        .into_inner();
    assert_eq!(account.account.expect("any").type_url, "/cosmos.auth.v1beta1.BaseAccount");
    let prefix = auth_client.bech32_prefix(auth::Bech32PrefixRequest {}).await.expect("prefix").into_inner();
    assert_eq!(prefix.bech32_prefix, "agora");
}
