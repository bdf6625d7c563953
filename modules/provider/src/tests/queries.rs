//! ABCI queries of `provider` and `audit`.

use agora_proto::audit::v1 as audit_pb;
use cosmos_sdk_proto::cosmos::base::query::v1beta1::PageRequest;
use prost::Message;

use super::*;
use crate::query::{self, query};

fn ask<R: Message + Default>(state: &State, path: &str, req: impl Message) -> Result<R, agora_types::TxError> {
    query(state, path, &req.encode_to_vec()).expect("path served").map(|bytes| R::decode(bytes.as_slice()).unwrap())
}

fn providers(state: &State, req: pb::QueryProvidersRequest) -> pb::QueryProvidersResponse {
    ask(state, query::PROVIDERS, req).unwrap()
}

fn owners(resp: &pb::QueryProvidersResponse) -> Vec<String> {
    resp.providers.iter().map(|p| p.owner.clone()).collect()
}

#[test]
fn providers_are_filtered_before_paging() {
    let mut state = genesis();
    for n in 1..=5u8 {
        fund(&mut state, &addr(n), BOND);
        let mut msg = create_proto(&addr(n), if n % 2 == 1 { vec![gpu("h100", 80, 1)] } else { vec![gpu("a100", 80, 1)] });
        msg.attributes = vec![attr("region", if n <= 3 { "eu" } else { "us" })];
        run(&mut state, 1, &ProviderMsg::CreateProvider(msg.try_into().unwrap())).unwrap();
    }
    let all = providers(&state, pb::QueryProvidersRequest::default());
    assert_eq!(owners(&all), (1..=5).map(|n| addr(n).to_string()).collect::<Vec<_>>());

    // gpu_model = h100 → providers 1, 3, 5; pages of 2 with totals that count matches only.
    let page = |key: Vec<u8>| pb::QueryProvidersRequest {
        pagination: Some(PageRequest { key, offset: 0, limit: 2, count_total: true, reverse: false }),
        gpu_model: "h100".into(),
        ..Default::default()
    };
    let first = providers(&state, page(vec![]));
    assert_eq!(owners(&first), vec![addr(1).to_string(), addr(3).to_string()]);
    let pagination = first.pagination.unwrap();
    assert_eq!(pagination.total, 3);
    assert_eq!(pagination.next_key, addr(5).as_bytes().to_vec());
    let second = providers(&state, page(pagination.next_key));
    assert_eq!(owners(&second), vec![addr(5).to_string()]);
    assert!(second.pagination.unwrap().next_key.is_empty());

    let eu = providers(&state, pb::QueryProvidersRequest { attribute_key: "region".into(), attribute_value: "eu".into(), ..Default::default() });
    assert_eq!(owners(&eu), vec![addr(1).to_string(), addr(2).to_string(), addr(3).to_string()]);
    let eu_h100 = providers(
        &state,
        pb::QueryProvidersRequest { attribute_key: "region".into(), attribute_value: "eu".into(), gpu_model: "h100".into(), ..Default::default() },
    );
    assert_eq!(owners(&eu_h100), vec![addr(1).to_string(), addr(3).to_string()]);
    let any_region = providers(&state, pb::QueryProvidersRequest { attribute_key: "region".into(), ..Default::default() });
    assert_eq!(any_region.providers.len(), 5);
    let none = providers(&state, pb::QueryProvidersRequest { attribute_key: "tier".into(), ..Default::default() });
    assert!(none.providers.is_empty());
    let bad = ask::<pb::QueryProvidersResponse>(&state, query::PROVIDERS, pb::QueryProvidersRequest { attribute_value: "eu".into(), ..Default::default() });
    assert!(bad.is_err());
}

#[test]
fn provider_params_and_utilization_queries() {
    let mut state = genesis();
    let owner = addr(1);
    registered(&mut state, &owner);
    let resp: pb::QueryProviderResponse = ask(&state, query::PROVIDER, pb::QueryProviderRequest { owner: owner.to_string() }).unwrap();
    assert_eq!(resp.provider.unwrap().owner, owner.to_string());

    let err = ask::<pb::QueryProviderResponse>(&state, query::PROVIDER, pb::QueryProviderRequest { owner: addr(2).to_string() }).unwrap_err();
    // A missing record is the SDK's ErrNotFound (gRPC NOT_FOUND), as for every module.
    assert_eq!((err.codespace.as_str(), err.code), ("sdk", 38));
    assert_eq!(err.log, format!("provider {} not found", addr(2)));
    let err = ask::<pb::QueryProviderResponse>(&state, query::PROVIDER, pb::QueryProviderRequest { owner: "nope".into() }).unwrap_err();
    assert_eq!((err.codespace.as_str(), err.code), ("provider", 2));

    let params: pb::QueryParamsResponse = ask(&state, query::PARAMS, pb::QueryParamsRequest {}).unwrap();
    assert_eq!(params.params.unwrap(), crate::Params::default().to_proto());

    let util: pb::QueryGpuUtilizationResponse = ask(&state, query::GPU_UTILIZATION, pb::QueryGpuUtilizationRequest {}).unwrap();
    let rows: Vec<_> = util.classes.iter().map(|c| (c.model.as_str(), c.registered, c.leased)).collect();
    assert_eq!(rows, vec![("a100", 4, 0), ("h100", 8, 0)]);

    assert!(query(&state, "/agora.provider.v1.Query/Nope", &[]).is_none());
    let garbage = query(&state, query::PROVIDER, &[0xff, 0xff]).unwrap().unwrap_err();
    assert_eq!((garbage.codespace.as_str(), garbage.code), ("sdk", 2));
}

#[test]
fn audit_queries_list_records_per_provider() {
    let mut state = genesis();
    let provider = addr(1);
    registered(&mut state, &provider);
    for n in [4u8, 2, 3] {
        let msg = audit_pb::MsgSignProviderAttributes { auditor: addr(n).to_string(), provider: provider.to_string(), attributes: vec![attr("tier", "gold")] };
        run(&mut state, 2, &ProviderMsg::SignProviderAttributes(msg.try_into().unwrap())).unwrap();
    }
    let req = audit_pb::QueryProviderAttributesRequest {
        provider: provider.to_string(),
        pagination: Some(PageRequest { key: vec![], offset: 0, limit: 2, count_total: true, reverse: false }),
    };
    let resp: audit_pb::QueryProviderAttributesResponse = ask(&state, query::PROVIDER_ATTRIBUTES, req).unwrap();
    let auditors: Vec<_> = resp.attributes.iter().map(|r| r.auditor.clone()).collect();
    assert_eq!(auditors, vec![addr(2).to_string(), addr(3).to_string()]);
    let pagination = resp.pagination.unwrap();
    assert_eq!(pagination.total, 3);
    assert_eq!(pagination.next_key, addr(4).as_bytes().to_vec());

    let one: audit_pb::QueryProviderAuditorResponse = ask(
        &state,
        query::PROVIDER_AUDITOR,
        audit_pb::QueryProviderAuditorRequest { provider: provider.to_string(), auditor: addr(3).to_string() },
    )
    .unwrap();
    assert_eq!(one.attributes.unwrap().attributes, vec![attr("tier", "gold")]);
    let err = ask::<audit_pb::QueryProviderAuditorResponse>(
        &state,
        query::PROVIDER_AUDITOR,
        audit_pb::QueryProviderAuditorRequest { provider: provider.to_string(), auditor: addr(9).to_string() },
    )
    .unwrap_err();
    assert_eq!((err.codespace.as_str(), err.code), ("sdk", 38), "a missing record is ErrNotFound");
    assert!(err.log.contains("has no attributes signed"), "{}", err.log);
}
