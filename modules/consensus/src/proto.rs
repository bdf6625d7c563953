//! The `cosmos.consensus.v1` messages Agora serves. `cosmos-sdk-proto` 0.26 generates them
//! but does not export the module, so they are declared here from the SDK's
//! `cosmos/consensus/v1/{tx,query}.proto` (same field numbers and types).

use tendermint_proto::v0_38::types as tm;

#[derive(Clone, PartialEq, prost::Message)]
pub struct MsgUpdateParams {
    #[prost(string, tag = "1")]
    pub authority: String,
    #[prost(message, optional, tag = "2")]
    pub block: Option<tm::BlockParams>,
    #[prost(message, optional, tag = "3")]
    pub evidence: Option<tm::EvidenceParams>,
    #[prost(message, optional, tag = "4")]
    pub validator: Option<tm::ValidatorParams>,
    #[prost(message, optional, tag = "5")]
    pub abci: Option<tm::AbciParams>,
}

impl prost::Name for MsgUpdateParams {
    const NAME: &'static str = "MsgUpdateParams";
    const PACKAGE: &'static str = "cosmos.consensus.v1";
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct QueryParamsRequest {}

#[derive(Clone, PartialEq, prost::Message)]
pub struct QueryParamsResponse {
    #[prost(message, optional, tag = "1")]
    pub params: Option<tm::ConsensusParams>,
}
