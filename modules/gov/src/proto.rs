//! `cosmos.gov.v1` types the `cosmos-sdk-proto` crate lacks a field of: `Params` with
//! `min_deposit_ratio` (field 16, Cosmos SDK v0.50), and the two messages that carry it.

use cosmos_sdk_proto::cosmos::base::v1beta1::Coin;
use cosmos_sdk_proto::cosmos::gov::v1 as pb;
use tendermint_proto::google::protobuf::Duration;

#[derive(Clone, PartialEq, prost::Message)]
pub struct Params {
    #[prost(message, repeated, tag = "1")]
    pub min_deposit: Vec<Coin>,
    #[prost(message, optional, tag = "2")]
    pub max_deposit_period: Option<Duration>,
    #[prost(message, optional, tag = "3")]
    pub voting_period: Option<Duration>,
    #[prost(string, tag = "4")]
    pub quorum: String,
    #[prost(string, tag = "5")]
    pub threshold: String,
    #[prost(string, tag = "6")]
    pub veto_threshold: String,
    #[prost(string, tag = "7")]
    pub min_initial_deposit_ratio: String,
    #[prost(string, tag = "8")]
    pub proposal_cancel_ratio: String,
    #[prost(string, tag = "9")]
    pub proposal_cancel_dest: String,
    #[prost(message, optional, tag = "10")]
    pub expedited_voting_period: Option<Duration>,
    #[prost(string, tag = "11")]
    pub expedited_threshold: String,
    #[prost(message, repeated, tag = "12")]
    pub expedited_min_deposit: Vec<Coin>,
    #[prost(bool, tag = "13")]
    pub burn_vote_quorum: bool,
    #[prost(bool, tag = "14")]
    pub burn_proposal_deposit_prevote: bool,
    #[prost(bool, tag = "15")]
    pub burn_vote_veto: bool,
    #[prost(string, tag = "16")]
    pub min_deposit_ratio: String,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct QueryParamsResponse {
    #[prost(message, optional, tag = "1")]
    pub voting_params: Option<pb::VotingParams>,
    #[prost(message, optional, tag = "2")]
    pub deposit_params: Option<pb::DepositParams>,
    #[prost(message, optional, tag = "3")]
    pub tally_params: Option<pb::TallyParams>,
    #[prost(message, optional, tag = "4")]
    pub params: Option<Params>,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct MsgUpdateParams {
    #[prost(string, tag = "1")]
    pub authority: String,
    #[prost(message, optional, tag = "2")]
    pub params: Option<Params>,
}

impl prost::Name for MsgUpdateParams {
    const NAME: &'static str = "MsgUpdateParams";
    const PACKAGE: &'static str = "cosmos.gov.v1";
}
