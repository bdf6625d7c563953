//! The gRPC services over tonic: the standard Cosmos ones (`cosmos.auth.v1beta1.Query`,
//! `cosmos.bank.v1beta1.Query`, `cosmos.tx.v1beta1.Service`) and Agora's
//! (`agora.<module>.v1.Query`). Every method answers through the same
//! `App::query` path as ABCI `Query`, so both interfaces always agree.
// `tonic::Status` is the error type tonic's service traits require, large as it is.
#![allow(clippy::result_large_err)]

use std::net::SocketAddr;
use std::sync::Arc;

use cosmos_sdk_proto::cosmos::auth::v1beta1 as auth;
use cosmos_sdk_proto::cosmos::bank::v1beta1 as bank;
use cosmos_sdk_proto::cosmos::tx::v1beta1 as tx;
use prost::Message;
use tonic::codegen::http;
use tonic::{Request, Response, Status};

use crate::App;

/// The gRPC face of the application.
#[derive(Clone)]
pub struct GrpcService {
    app: Arc<App>,
}

impl GrpcService {
    pub fn new(app: Arc<App>) -> Self {
        Self { app }
    }

    fn call<Req: Message, Res: Message + Default>(&self, path: &str, req: Request<Req>) -> Result<Response<Res>, Status> {
        let height = requested_height(req.metadata());
        let (value, height) = self.query_raw(path, &req.into_inner().encode_to_vec(), height)?;
        let mut res = Response::new(Res::decode(value.as_slice()).map_err(|e| Status::internal(e.to_string()))?);
        set_height(res.metadata_mut(), height);
        Ok(res)
    }

    /// Answers one query at `path` through `App::query`: the response bytes and their height.
    fn query_raw(&self, path: &str, request: &[u8], height: u64) -> Result<(Vec<u8>, u64), Status> {
        let answer = self.app.query(path, request, height, false).map_err(|e| {
            let code = match (e.codespace.as_str(), e.code) {
                ("sdk", 38) => tonic::Code::NotFound,
                ("sdk", 6) => tonic::Code::Unimplemented,
                ("sdk", 2 | 7 | 10 | 18) => tonic::Code::InvalidArgument,
                ("sdk", 26) => tonic::Code::OutOfRange,
                ("sdk", _) => tonic::Code::Internal,
                // A module's own refusal of a query is about the request (its internal
                // failures use `sdk` 1).
                _ => tonic::Code::InvalidArgument,
            };
            Status::new(code, format!("{} error {}: {}", e.codespace, e.code, e.log))
        })?;
        Ok((answer.value, answer.height))
    }
}

/// The height a client asks for (`x-cosmos-block-height`, as in the Cosmos SDK); 0 = latest.
fn requested_height(metadata: &tonic::metadata::MetadataMap) -> u64 {
    metadata
        .get("x-cosmos-block-height")
        .and_then(|h| h.to_str().ok())
        .and_then(|h| h.parse().ok())
        .unwrap_or(0)
}

fn set_height(metadata: &mut tonic::metadata::MetadataMap, height: u64) {
    if let Ok(value) = height.to_string().parse() {
        metadata.insert("x-cosmos-block-height", value);
    }
}

/// Implements one standard service: `forward` methods answer through `App::query` at the
/// given path, `not_served` ones say so with `UNIMPLEMENTED`.
macro_rules! service {
    (
        $service:path;
        forward { $($method:ident: $req:ty => $res:ty = $path:literal;)* }
        not_served { $($missing:ident: $mreq:ty => $mres:ty;)* }
        $($extra:item)*
    ) => {
        #[tonic::async_trait]
        impl $service for GrpcService {
            $(
                async fn $method(&self, req: Request<$req>) -> Result<Response<$res>, Status> {
                    self.call($path, req)
                }
            )*
            $(
                async fn $missing(&self, _: Request<$mreq>) -> Result<Response<$mres>, Status> {
                    Err(Status::unimplemented(concat!(stringify!($missing), " is not served by Agora")))
                }
            )*
            $($extra)*
        }
    };
}

service! {
    auth::query_server::Query;
    forward {
        accounts: auth::QueryAccountsRequest => auth::QueryAccountsResponse = "/cosmos.auth.v1beta1.Query/Accounts";
        account: auth::QueryAccountRequest => auth::QueryAccountResponse = "/cosmos.auth.v1beta1.Query/Account";
        params: auth::QueryParamsRequest => auth::QueryParamsResponse = "/cosmos.auth.v1beta1.Query/Params";
        module_account_by_name: auth::QueryModuleAccountByNameRequest => auth::QueryModuleAccountByNameResponse = "/cosmos.auth.v1beta1.Query/ModuleAccountByName";
    }
    not_served {
        account_address_by_id: auth::QueryAccountAddressByIdRequest => auth::QueryAccountAddressByIdResponse;
        module_accounts: auth::QueryModuleAccountsRequest => auth::QueryModuleAccountsResponse;
        address_bytes_to_string: auth::AddressBytesToStringRequest => auth::AddressBytesToStringResponse;
        address_string_to_bytes: auth::AddressStringToBytesRequest => auth::AddressStringToBytesResponse;
        account_info: auth::QueryAccountInfoRequest => auth::QueryAccountInfoResponse;
    }
    async fn bech32_prefix(&self, _: Request<auth::Bech32PrefixRequest>) -> Result<Response<auth::Bech32PrefixResponse>, Status> {
        Ok(Response::new(auth::Bech32PrefixResponse { bech32_prefix: agora_types::ADDRESS_PREFIX.into() }))
    }
}

service! {
    bank::query_server::Query;
    forward {
        balance: bank::QueryBalanceRequest => bank::QueryBalanceResponse = "/cosmos.bank.v1beta1.Query/Balance";
        all_balances: bank::QueryAllBalancesRequest => bank::QueryAllBalancesResponse = "/cosmos.bank.v1beta1.Query/AllBalances";
        spendable_balances: bank::QuerySpendableBalancesRequest => bank::QuerySpendableBalancesResponse = "/cosmos.bank.v1beta1.Query/SpendableBalances";
        total_supply: bank::QueryTotalSupplyRequest => bank::QueryTotalSupplyResponse = "/cosmos.bank.v1beta1.Query/TotalSupply";
        supply_of: bank::QuerySupplyOfRequest => bank::QuerySupplyOfResponse = "/cosmos.bank.v1beta1.Query/SupplyOf";
        params: bank::QueryParamsRequest => bank::QueryParamsResponse = "/cosmos.bank.v1beta1.Query/Params";
        denom_metadata: bank::QueryDenomMetadataRequest => bank::QueryDenomMetadataResponse = "/cosmos.bank.v1beta1.Query/DenomMetadata";
        denoms_metadata: bank::QueryDenomsMetadataRequest => bank::QueryDenomsMetadataResponse = "/cosmos.bank.v1beta1.Query/DenomsMetadata";
    }
    not_served {
        spendable_balance_by_denom: bank::QuerySpendableBalanceByDenomRequest => bank::QuerySpendableBalanceByDenomResponse;
        denom_metadata_by_query_string: bank::QueryDenomMetadataByQueryStringRequest => bank::QueryDenomMetadataByQueryStringResponse;
        denom_owners: bank::QueryDenomOwnersRequest => bank::QueryDenomOwnersResponse;
        denom_owners_by_query: bank::QueryDenomOwnersByQueryRequest => bank::QueryDenomOwnersByQueryResponse;
        send_enabled: bank::QuerySendEnabledRequest => bank::QuerySendEnabledResponse;
    }
}

service! {
    tx::service_server::Service;
    forward {
        simulate: tx::SimulateRequest => tx::SimulateResponse = "/cosmos.tx.v1beta1.Service/Simulate";
    }
    not_served {
        get_tx: tx::GetTxRequest => tx::GetTxResponse;
        broadcast_tx: tx::BroadcastTxRequest => tx::BroadcastTxResponse;
        get_txs_event: tx::GetTxsEventRequest => tx::GetTxsEventResponse;
        get_block_with_txs: tx::GetBlockWithTxsRequest => tx::GetBlockWithTxsResponse;
        tx_decode: tx::TxDecodeRequest => tx::TxDecodeResponse;
        tx_encode: tx::TxEncodeRequest => tx::TxEncodeResponse;
        tx_encode_amino: tx::TxEncodeAminoRequest => tx::TxEncodeAminoResponse;
        tx_decode_amino: tx::TxDecodeAminoRequest => tx::TxDecodeAminoResponse;
    }
}

/// Agora's own query services (`agora.<module>.v1.Query`). Each call's request bytes go to
/// `App::query` at the call's path unchanged, and its answer bytes come back unchanged: the
/// ABCI router already decodes, validates and answers every method, so a typed server would
/// only decode and re-encode the same messages. A method the router does not know is
/// `UNIMPLEMENTED`.
pub struct AgoraQuery<S> {
    service: GrpcService,
    name: std::marker::PhantomData<S>,
}

impl<S> Clone for AgoraQuery<S> {
    fn clone(&self) -> Self {
        Self { service: self.service.clone(), name: std::marker::PhantomData }
    }
}

/// Names one of Agora's services at the type level (tonic routes by `NamedService::NAME`).
pub trait ServiceName: Send + Sync + 'static {
    const NAME: &'static str;
}

macro_rules! agora_services {
    ($($marker:ident = $name:literal;)*) => {
        $(
            #[doc = concat!("`", $name, "`")]
            pub enum $marker {}
            impl ServiceName for $marker {
                const NAME: &'static str = $name;
            }
        )*
        /// Every Agora query service, as `(package.Service)` names.
        pub const AGORA_SERVICES: &[&str] = &[$($name),*];

        fn add_agora_services(router: tonic::transport::server::Router, service: &GrpcService) -> tonic::transport::server::Router {
            router$(.add_service(AgoraQuery::<$marker>::new(service.clone())))*
        }
    };
}

agora_services! {
    ProviderQuery = "agora.provider.v1.Query";
    AuditQuery = "agora.audit.v1.Query";
    DeploymentQuery = "agora.deployment.v1.Query";
    MarketQuery = "agora.market.v1.Query";
    EscrowQuery = "agora.escrow.v1.Query";
}

impl<S> AgoraQuery<S> {
    fn new(service: GrpcService) -> Self {
        Self { service, name: std::marker::PhantomData }
    }
}

impl<S: ServiceName> tonic::server::NamedService for AgoraQuery<S> {
    const NAME: &'static str = S::NAME;
}

impl<S, B> tonic::codegen::Service<http::Request<B>> for AgoraQuery<S>
where
    S: ServiceName,
    B: tonic::codegen::Body + Send + 'static,
    B::Error: Into<tonic::codegen::StdError> + Send + 'static,
{
    type Response = http::Response<tonic::body::BoxBody>;
    type Error = std::convert::Infallible;
    type Future = tonic::codegen::BoxFuture<Self::Response, Self::Error>;

    fn poll_ready(&mut self, _cx: &mut std::task::Context<'_>) -> std::task::Poll<Result<(), Self::Error>> {
        std::task::Poll::Ready(Ok(()))
    }

    fn call(&mut self, req: http::Request<B>) -> Self::Future {
        let method = RawMethod { service: self.service.clone(), path: req.uri().path().to_string() };
        Box::pin(async move {
            let mut grpc = tonic::server::Grpc::new(RawCodec);
            Ok(grpc.unary(method, req).await)
        })
    }
}

/// One call of an Agora service: its path and the app that answers it.
struct RawMethod {
    service: GrpcService,
    path: String,
}

impl tonic::server::UnaryService<Vec<u8>> for RawMethod {
    type Response = Vec<u8>;
    type Future = std::future::Ready<Result<Response<Vec<u8>>, Status>>;

    fn call(&mut self, request: Request<Vec<u8>>) -> Self::Future {
        let height = requested_height(request.metadata());
        std::future::ready(self.service.query_raw(&self.path, request.get_ref(), height).map(|(value, height)| {
            let mut response = Response::new(value);
            set_height(response.metadata_mut(), height);
            response
        }))
    }
}

/// A gRPC codec that passes message bytes through untouched.
#[derive(Clone, Copy, Default)]
struct RawCodec;

impl tonic::codec::Codec for RawCodec {
    type Encode = Vec<u8>;
    type Decode = Vec<u8>;
    type Encoder = RawCodec;
    type Decoder = RawCodec;

    fn encoder(&mut self) -> Self::Encoder {
        RawCodec
    }

    fn decoder(&mut self) -> Self::Decoder {
        RawCodec
    }
}

impl tonic::codec::Encoder for RawCodec {
    type Item = Vec<u8>;
    type Error = Status;

    fn encode(&mut self, item: Vec<u8>, dst: &mut tonic::codec::EncodeBuf<'_>) -> Result<(), Status> {
        use bytes::BufMut;
        dst.put_slice(&item);
        Ok(())
    }
}

impl tonic::codec::Decoder for RawCodec {
    type Item = Vec<u8>;
    type Error = Status;

    fn decode(&mut self, src: &mut tonic::codec::DecodeBuf<'_>) -> Result<Option<Vec<u8>>, Status> {
        use bytes::Buf;
        let mut bytes = vec![0; src.remaining()];
        src.copy_to_slice(&mut bytes);
        Ok(Some(bytes))
    }
}

/// Serves the gRPC services on `addr` until the process ends.
pub async fn serve(app: Arc<App>, addr: SocketAddr) -> Result<(), tonic::transport::Error> {
    let service = GrpcService::new(app);
    let router = tonic::transport::Server::builder()
        .add_service(auth::query_server::QueryServer::new(service.clone()))
        .add_service(bank::query_server::QueryServer::new(service.clone()))
        .add_service(tx::service_server::ServiceServer::new(service.clone()));
    add_agora_services(router, &service).serve(addr).await
}
