//! The gRPC server over tonic: every query service the components register (the standard
//! Cosmos ones such as `cosmos.bank.v1beta1.Query` and Agora's `agora.<module>.v1.Query`),
//! `cosmos.tx.v1beta1.Service`, `cosmos.base.tendermint.v1beta1.Service` and
//! `cosmos.base.node.v1beta1.Service`. Each call's request bytes go to `App::query` (or, for
//! the methods that read CometBFT's block store, to [`crate::node_services`]) at the call's
//! path unchanged, and its answer bytes come back unchanged: the
//! components already decode, validate and answer every method, so a typed server would only
//! decode and re-encode the same messages, and both interfaces always agree. A method no
//! component answers is `UNIMPLEMENTED`.
// `tonic::Status` is the error type tonic's service traits require, large as it is.
#![allow(clippy::result_large_err)]

use std::net::SocketAddr;
use std::sync::Arc;

use tonic::codegen::http;
use tonic::{Request, Response, Status};

use crate::node_services::CometRpc;
use crate::query_pool::QueryPool;
use crate::App;

/// The transaction service: answered by the application itself, not by a component.
pub const TX_SERVICE: &str = "cosmos.tx.v1beta1.Service";

/// The gRPC face of the application. Queries (a Simulate among them) run on the node's
/// bounded query pool, shared with ABCI `Query`, never on the async runtime.
#[derive(Clone)]
pub struct GrpcService {
    queries: QueryPool,
    /// The node's CometBFT RPC, for the methods that read its block store, tx index and
    /// mempool (`None`: those methods answer that the node has none).
    comet: Option<CometRpc>,
}

impl GrpcService {
    pub fn new(queries: QueryPool, comet: Option<CometRpc>) -> Self {
        Self { queries, comet }
    }
}

/// A query's refusal as a gRPC status.
pub fn status_of(e: &agora_types::TxError) -> Status {
            let code = match (e.codespace.as_str(), e.code) {
                (crate::query_pool::CODESPACE, 1 | 3 | 4) => tonic::Code::Unavailable,
                (crate::query_pool::CODESPACE, 5 | 6) => tonic::Code::FailedPrecondition,
                (crate::query_pool::CODESPACE, _) => tonic::Code::DeadlineExceeded,
                ("sdk", 11 | 20) => tonic::Code::ResourceExhausted,
                ("sdk", 38) => tonic::Code::NotFound,
                ("sdk", 19) => tonic::Code::AlreadyExists,
                ("sdk", 6) => tonic::Code::Unimplemented,
                ("sdk", 2 | 7 | 10 | 18) => tonic::Code::InvalidArgument,
                ("sdk", 26) => tonic::Code::OutOfRange,
                ("sdk", _) => tonic::Code::Internal,
                // A module's own refusal of a query is about the request (its internal
                // failures use `sdk` 1).
                _ => tonic::Code::InvalidArgument,
            };
            Status::new(code, format!("{} error {}: {}", e.codespace, e.code, e.log))
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

impl<B> tonic::codegen::Service<http::Request<B>> for GrpcService
where
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
        let method = RawMethod { service: self.clone(), path: req.uri().path().to_string() };
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
    type Future = tonic::codegen::BoxFuture<Response<Vec<u8>>, Status>;

    fn call(&mut self, request: Request<Vec<u8>>) -> Self::Future {
        let height = requested_height(request.metadata());
        let (service, path) = (self.service.clone(), self.path.clone());
        Box::pin(async move {
            let answer = service
                .queries
                .answer(service.comet.clone(), path, request.into_inner(), height)
                .await
                .map_err(|e| status_of(&e))?;
            let mut response = Response::new(answer.value);
            set_height(response.metadata_mut(), answer.height);
            Ok(response)
        })
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

/// Every service the server answers: the components' query services and the transaction
/// service.
pub fn service_names(app: &App) -> Vec<&'static str> {
    app.components().query_services().chain([TX_SERVICE, crate::query::NODE_SERVICE, crate::query::TENDERMINT_SERVICE]).collect()
}

/// Serves the gRPC services on `addr` until the process ends, running queries on `queries`
/// and reading blocks and transactions from CometBFT's RPC at `comet`.
pub async fn serve(queries: QueryPool, addr: SocketAddr, comet: Option<CometRpc>) -> Result<(), tonic::transport::Error> {
    let app = Arc::clone(queries.app());
    let service = GrpcService::new(queries, comet);
    // tonic routes a typed service by its compile-time name; these names come from the
    // component list, so each gets an axum route to the same raw service.
    let router = service_names(&app)
        .into_iter()
        .fold(axum::Router::new(), |router, name| router.route_service(&format!("/{name}/*rest"), service.clone()))
        // An unknown service is gRPC's UNIMPLEMENTED (12), as tonic answers it, not HTTP 404.
        .fallback(|| async {
            (
                [("content-type", "application/grpc"), ("grpc-status", "12"), ("grpc-message", "unknown service")],
                "",
            )
        });
    let mut routes = tonic::service::Routes::from(router);
    // Server reflection (both protocol versions grpcurl and other tools speak), listing the
    // services this node answers, so a client needs no .proto files.
    let reflection = || {
        service_names(&app)
            .into_iter()
            .fold(tonic_reflection::server::Builder::configure(), |builder, name| builder.with_service_name(name))
            .register_encoded_file_descriptor_set(crate::descriptors::encoded())
    };
    match (reflection().build_v1(), reflection().build_v1alpha()) {
        (Ok(v1), Ok(v1alpha)) => routes = routes.add_service(v1).add_service(v1alpha),
        (Err(error), _) | (_, Err(error)) => tracing::warn!(%error, "gRPC reflection is off: the service descriptors do not load"),
    }
    tonic::transport::Server::builder().add_routes(routes).serve(addr).await
}
