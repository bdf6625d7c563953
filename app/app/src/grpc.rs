//! The Cosmos gRPC services (`cosmos.auth.v1beta1.Query`, `cosmos.bank.v1beta1.Query`,
//! `cosmos.tx.v1beta1.Service`) over tonic. Every method answers through the same
//! `App::query` path as ABCI `Query`, so both interfaces always agree.

use std::net::SocketAddr;
use std::sync::Arc;

use cosmos_sdk_proto::cosmos::auth::v1beta1 as auth;
use cosmos_sdk_proto::cosmos::bank::v1beta1 as bank;
use cosmos_sdk_proto::cosmos::tx::v1beta1 as tx;
use prost::Message;
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
        let height = req
            .metadata()
            .get("x-cosmos-block-height")
            .and_then(|h| h.to_str().ok())
            .and_then(|h| h.parse().ok())
            .unwrap_or(0);
        let answer = self.app.query(path, &req.into_inner().encode_to_vec(), height, false).map_err(|e| {
            let code = match e.code {
                38 => tonic::Code::NotFound,
                6 => tonic::Code::Unimplemented,
                2 | 7 | 10 | 18 => tonic::Code::InvalidArgument,
                26 => tonic::Code::OutOfRange,
                _ => tonic::Code::Internal,
            };
            Status::new(code, format!("{} error {}: {}", e.codespace, e.code, e.log))
        })?;
        let mut res = Response::new(Res::decode(answer.value.as_slice()).map_err(|e| Status::internal(e.to_string()))?);
        if let Ok(value) = answer.height.to_string().parse() {
            res.metadata_mut().insert("x-cosmos-block-height", value);
        }
        Ok(res)
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

/// Serves the gRPC services on `addr` until the process ends.
pub async fn serve(app: Arc<App>, addr: SocketAddr) -> Result<(), tonic::transport::Error> {
    let service = GrpcService::new(app);
    tonic::transport::Server::builder()
        .add_service(auth::query_server::QueryServer::new(service.clone()))
        .add_service(bank::query_server::QueryServer::new(service.clone()))
        .add_service(tx::service_server::ServiceServer::new(service))
        .serve(addr)
        .await
}
