//! `cosmos.mint.v1beta1.Query` with the standard request and response types. As in the SDK,
//! the inflation and annual provisions answers are `bytes` holding the `LegacyDec` protobuf
//! text (the atto-unit integer, e.g. `130000000000000000` for 13%).

use agora_store::StateRead;
use agora_types::TxError;
use cosmos_sdk_proto::cosmos::mint::v1beta1 as pb;
use prost::Message;

use crate::MintRead;

pub const SERVICE: &str = "cosmos.mint.v1beta1.Query";

fn decode<M: Message + Default>(data: &[u8]) -> Result<M, TxError> {
    M::decode(data).map_err(|e| TxError::new("sdk", 2, format!("invalid request encoding: {e}")))
}

/// Answers `path`; `None` if it is not one of this service's methods.
pub fn query<S: StateRead + ?Sized>(state: &S, path: &str, data: &[u8]) -> Option<Result<Vec<u8>, TxError>> {
    let method = path.strip_prefix("/cosmos.mint.v1beta1.Query/")?;
    let result = match method {
        "Params" => decode::<pb::QueryParamsRequest>(data).and_then(|_| {
            let params = state.mint_params().map_err(TxError::internal)?;
            Ok(pb::QueryParamsResponse { params: Some(params.to_proto()) }.encode_to_vec())
        }),
        "Inflation" => decode::<pb::QueryInflationRequest>(data).and_then(|_| {
            let minter = state.minter().map_err(TxError::internal)?;
            Ok(pb::QueryInflationResponse { inflation: minter.inflation.to_atto_string().into_bytes() }.encode_to_vec())
        }),
        "AnnualProvisions" => decode::<pb::QueryAnnualProvisionsRequest>(data).and_then(|_| {
            let minter = state.minter().map_err(TxError::internal)?;
            Ok(pb::QueryAnnualProvisionsResponse { annual_provisions: minter.annual_provisions.to_atto_string().into_bytes() }
                .encode_to_vec())
        }),
        _ => return None,
    };
    Some(result)
}
