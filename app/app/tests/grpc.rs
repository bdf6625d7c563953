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
    tokio::spawn(agora_app::grpc::serve(agora_app::query_pool::QueryPool::new(app), addr, None));

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

/// Calls `path` with a protobuf request as a generated client would.
async fn unary<Req, Res>(channel: &tonic::transport::Channel, path: &'static str, request: Req) -> Result<Res, tonic::Status>
where
    Req: prost::Message + Send + Sync + 'static,
    Res: prost::Message + Default + Send + Sync + 'static,
{
    let mut client = tonic::client::Grpc::new(channel.clone());
    client.ready().await.map_err(|e| tonic::Status::unknown(e.to_string()))?;
    let codec = tonic::codec::ProstCodec::<Req, Res>::default();
    let path = tonic::codegen::http::uri::PathAndQuery::from_static(path);
    client.unary(tonic::Request::new(request), path, codec).await.map(tonic::Response::into_inner)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn grpc_serves_the_agora_query_services() {
    use agora_proto::{deployment::v1 as dpb, escrow::v1 as epb, market::v1 as mpb, provider::v1 as ppb};

    let alice = key(1);
    let mut chain = chain(&[alice.address()]);
    chain.block(vec![]);

    let port = std::net::TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("addr").port();
    let addr: std::net::SocketAddr = format!("127.0.0.1:{port}").parse().expect("addr");
    let app = Arc::clone(chain.node.app());
    tokio::spawn(agora_app::grpc::serve(agora_app::query_pool::QueryPool::new(app), addr, None));
    let channel = loop {
        match tonic::transport::Endpoint::from_shared(format!("http://{addr}")).expect("url").connect().await {
            Ok(channel) => break channel,
            Err(_) => tokio::time::sleep(std::time::Duration::from_millis(50)).await,
        }
    };

    // Each service answers exactly what ABCI `Query` answers.
    let market: mpb::QueryParamsResponse =
        unary(&channel, "/agora.market.v1.Query/Params", mpb::QueryParamsRequest {}).await.expect("market params");
    let abci: mpb::QueryParamsResponse =
        chain.node.query_proto("/agora.market.v1.Query/Params", &mpb::QueryParamsRequest {}).expect("abci");
    assert_eq!(market, abci);
    assert!(market.params.is_some());
    let deployment: dpb::QueryParamsResponse =
        unary(&channel, "/agora.deployment.v1.Query/Params", dpb::QueryParamsRequest {}).await.expect("deployment params");
    assert!(!deployment.params.expect("params").allowed_payment_denoms.is_empty());
    let escrow: epb::QueryParamsResponse =
        unary(&channel, "/agora.escrow.v1.Query/Params", epb::QueryParamsRequest {}).await.expect("escrow params");
    assert!(escrow.params.is_some());
    let providers: ppb::QueryProvidersResponse =
        unary(&channel, "/agora.provider.v1.Query/Providers", ppb::QueryProvidersRequest::default()).await.expect("providers");
    assert!(providers.providers.is_empty());

    // Refusals keep their meaning: unknown record, bad argument, unknown method.
    let missing = unary::<_, ppb::QueryProviderResponse>(
        &channel,
        "/agora.provider.v1.Query/Provider",
        ppb::QueryProviderRequest { owner: alice.address().to_bech32() },
    )
    .await
    .expect_err("no such provider");
    assert_eq!(missing.code(), tonic::Code::NotFound, "{missing:?}");
    let bad = unary::<_, ppb::QueryProviderResponse>(
        &channel,
        "/agora.provider.v1.Query/Provider",
        ppb::QueryProviderRequest { owner: "not-an-address".into() },
    )
    .await
    .expect_err("bad address");
    assert_eq!(bad.code(), tonic::Code::InvalidArgument, "{bad:?}");
    let unknown = unary::<_, mpb::QueryParamsResponse>(&channel, "/agora.market.v1.Query/NoSuchMethod", mpb::QueryParamsRequest {})
        .await
        .expect_err("unknown method");
    assert_eq!(unknown.code(), tonic::Code::Unimplemented, "{unknown:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn grpc_and_abci_serve_the_node_services() {
    use cosmos_sdk_proto::cosmos::base::node::v1beta1 as node_pb;
    use cosmos_sdk_proto::cosmos::base::tendermint::v1beta1 as tm_pb;

    let alice = key(1);
    let config = agora_app::AppConfig { min_gas_prices: vec!["0.025uagora".parse().expect("price")], ..agora_app::AppConfig::default() };
    let mut chain = chain_with(&[alice.address()], config);
    chain.block(vec![]);
    let port = std::net::TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("addr").port();
    let addr: std::net::SocketAddr = format!("127.0.0.1:{port}").parse().expect("addr");
    tokio::spawn(agora_app::grpc::serve(agora_app::query_pool::QueryPool::new(Arc::clone(chain.node.app())), addr, None));
    let channel = loop {
        match tonic::transport::Endpoint::from_shared(format!("http://{addr}")).expect("url").connect().await {
            Ok(channel) => break channel,
            Err(_) => tokio::time::sleep(std::time::Duration::from_millis(50)).await,
        }
    };

    // Config: the minimum gas price as the SDK's DecCoins string (Hermes reads it).
    let config: node_pb::ConfigResponse = unary(&channel, "/cosmos.base.node.v1beta1.Service/Config", node_pb::ConfigRequest {}).await.expect("config");
    assert_eq!(config.minimum_gas_price, "0.025000000000000000uagora");
    assert_eq!(config.pruning_keep_recent, "100");
    let abci: node_pb::ConfigResponse = chain.node.query_proto("/cosmos.base.node.v1beta1.Service/Config", &node_pb::ConfigRequest {}).expect("abci");
    assert_eq!(config, abci);

    // Status: the latest committed block.
    let status: node_pb::StatusResponse = unary(&channel, "/cosmos.base.node.v1beta1.Service/Status", node_pb::StatusRequest {}).await.expect("status");
    let height = chain.node.app().storage().latest_version();
    assert_eq!(status.height, height);
    assert_eq!(status.app_hash, chain.node.app().storage().latest_app_hash().to_vec());
    assert!(status.timestamp.is_some(), "{status:?}");

    // GetNodeInfo: unavailable (query 4) until CometBFT's node info is known, then CometBFT's node
    // info with the app's version and the crates it speaks through.
    let early = unary::<_, tm_pb::GetNodeInfoResponse>(&channel, "/cosmos.base.tendermint.v1beta1.Service/GetNodeInfo", tm_pb::GetNodeInfoRequest {})
        .await
        .expect_err("no node info yet");
    assert_eq!(early.code(), tonic::Code::Unavailable, "{early:?}");
    assert!(early.message().contains("query error 4"), "{early:?}");
    let node_info = tendermint_proto::p2p::DefaultNodeInfo {
        default_node_id: "f00d".into(),
        network: CHAIN_ID.into(),
        version: "0.38.26".into(),
        moniker: "val0".into(),
        ..Default::default()
    };
    chain.node.app().set_node_info(node_info.clone());
    let info: tm_pb::GetNodeInfoResponse =
        unary(&channel, "/cosmos.base.tendermint.v1beta1.Service/GetNodeInfo", tm_pb::GetNodeInfoRequest {}).await.expect("node info");
    assert_eq!(info.default_node_info, Some(node_info));
    let version = info.application_version.expect("application version");
    assert_eq!((version.name.as_str(), version.app_name.as_str()), ("agora", "agorad"));
    assert_eq!(version.version, env!("CARGO_PKG_VERSION"));
    let deps: Vec<&str> = version.build_deps.iter().map(|m| m.path.as_str()).collect();
    for dep in ["ibc", "tendermint", "tower-abci", "jmt", "rocksdb"] {
        assert!(deps.contains(&dep), "{dep} missing from {deps:?}");
    }
    assert!(version.build_deps.iter().all(|m| !m.version.is_empty()), "{:?}", version.build_deps);
    let cometbft = version.build_deps.iter().find(|m| m.path == "github.com/cometbft/cometbft").expect("CometBFT named");
    assert_eq!(cometbft.version, "v0.38.26");
    let abci: tm_pb::GetNodeInfoResponse =
        chain.node.query_proto("/cosmos.base.tendermint.v1beta1.Service/GetNodeInfo", &tm_pb::GetNodeInfoRequest {}).expect("abci");
    assert_eq!(abci.application_version.map(|v| v.version), Some(env!("CARGO_PKG_VERSION").to_string()));

    // The methods that read CometBFT's block store need its RPC: without one they say so
    // (the end-to-end tests call them on a localnet).
    let syncing = unary::<_, tm_pb::GetSyncingResponse>(&channel, "/cosmos.base.tendermint.v1beta1.Service/GetSyncing", tm_pb::GetSyncingRequest {})
        .await
        .expect_err("no CometBFT here");
    assert_eq!(syncing.code(), tonic::Code::FailedPrecondition, "{syncing:?}");
    assert!(syncing.message().contains("CometBFT's RPC"), "{syncing:?}");

    // ABCIQuery is the app's own query, proofs included.
    let balance = cosmos_sdk_proto::cosmos::bank::v1beta1::QueryBalanceRequest { address: key(1).address().to_bech32(), denom: "uagora".into() };
    let answer: tm_pb::AbciQueryResponse = unary(
        &channel,
        "/cosmos.base.tendermint.v1beta1.Service/ABCIQuery",
        tm_pb::AbciQueryRequest { path: "/cosmos.bank.v1beta1.Query/Balance".into(), data: prost::Message::encode_to_vec(&balance), height: 0, prove: false },
    )
    .await
    .expect("abci query");
    assert_eq!(answer.code, 0, "{answer:?}");
    let direct = chain.node.query("/cosmos.bank.v1beta1.Query/Balance", prost::Message::encode_to_vec(&balance), 0, false).expect("query");
    assert_eq!((answer.value.as_slice(), answer.height), (direct.value.as_ref(), direct.height.value() as i64));
    let proved: tm_pb::AbciQueryResponse = unary(
        &channel,
        "/cosmos.base.tendermint.v1beta1.Service/ABCIQuery",
        tm_pb::AbciQueryRequest { path: "/store/main/key".into(), data: b"bank/params".to_vec(), height: 0, prove: true },
    )
    .await
    .expect("proved query");
    assert_eq!((proved.code, proved.proof_ops.map(|ops| ops.ops.len())), (0, Some(2)), "a substore proof and a root proof: {}", proved.log);
    let refused: tm_pb::AbciQueryResponse = unary(
        &channel,
        "/cosmos.base.tendermint.v1beta1.Service/ABCIQuery",
        tm_pb::AbciQueryRequest { path: "/no.such.Query/Method".into(), data: Vec::new(), height: 0, prove: false },
    )
    .await
    .expect("answered with a code");
    assert_eq!((refused.codespace.as_str(), refused.code), ("sdk", 6), "{refused:?}");
}

/// gRPC server reflection lists the services the node answers and gives their descriptions
/// (Cosmos, Agora and IBC alike), so grpcurl needs no .proto files.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn grpc_reflection_describes_every_served_service() {
    use tonic_reflection::pb::v1::server_reflection_client::ServerReflectionClient;
    use tonic_reflection::pb::v1::server_reflection_request::MessageRequest;
    use tonic_reflection::pb::v1::server_reflection_response::MessageResponse;
    use tonic_reflection::pb::v1::ServerReflectionRequest;

    let chain = chain(&[key(1).address()]);
    let port = std::net::TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("addr").port();
    let addr: std::net::SocketAddr = format!("127.0.0.1:{port}").parse().expect("addr");
    tokio::spawn(agora_app::grpc::serve(agora_app::query_pool::QueryPool::new(Arc::clone(chain.node.app())), addr, None));
    let mut client = loop {
        match tonic::transport::Endpoint::from_shared(format!("http://{addr}")).expect("url").connect().await {
            Ok(channel) => break ServerReflectionClient::new(channel),
            Err(_) => tokio::time::sleep(std::time::Duration::from_millis(20)).await,
        }
    };
    let ask = |request: MessageRequest| ServerReflectionRequest { host: String::new(), message_request: Some(request) };
    let requests = vec![
        ask(MessageRequest::ListServices(String::new())),
        ask(MessageRequest::FileContainingSymbol("cosmos.bank.v1beta1.Query".into())),
        ask(MessageRequest::FileContainingSymbol("agora.market.v1.Query".into())),
        ask(MessageRequest::FileContainingSymbol("ibc.core.client.v1.Query".into())),
        ask(MessageRequest::FileContainingSymbol("no.such.Service".into())),
    ];
    let mut answers = client.server_reflection_info(futures::stream::iter(requests)).await.expect("stream").into_inner();
    let mut responses = Vec::new();
    let unknown = loop {
        match answers.message().await {
            Ok(Some(answer)) => responses.push(answer.message_response.expect("response")),
            Ok(None) => panic!("the unknown symbol was answered: {responses:?}"),
            Err(status) => break status,
        }
    };
    assert_eq!(responses.len(), 4);
    assert_eq!(unknown.code(), tonic::Code::NotFound, "{unknown:?}");
    let MessageResponse::ListServicesResponse(list) = &responses[0] else { panic!("{:?}", responses[0]) };
    let names: Vec<&str> = list.service.iter().map(|s| s.name.as_str()).collect();
    for served in agora_app::grpc::service_names(chain.node.app()) {
        assert!(names.contains(&served), "{served} listed in {names:?}");
    }
    for response in &responses[1..] {
        let MessageResponse::FileDescriptorResponse(files) = response else { panic!("{response:?}") };
        assert!(!files.file_descriptor_proto.is_empty());
    }
}
