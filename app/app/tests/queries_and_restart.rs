//! Queries (protobuf paths, raw store reads with ICS-23 proofs) and restart behaviour.

mod common;

use agora_app::harness::TestNode;
use agora_app::AppConfig;
use common::*;
use cosmos_sdk_proto::cosmos::auth::v1beta1 as auth_pb;
use cosmos_sdk_proto::cosmos::bank::v1beta1 as bank_pb;
use cosmos_sdk_proto::cosmos::base::query::v1beta1::PageRequest;
use prost::Message;

#[test]
fn bank_and_auth_queries_answer_with_standard_types() {
    let (alice, bob) = (key(1), key(2));
    let mut chain = chain(&[alice.address(), bob.address()]);
    chain.block(vec![send_tx(&alice, &bob.address(), "10uagora", 1, 0)]);

    let all: bank_pb::QueryAllBalancesResponse = chain
        .node
        .query_proto(
            "/cosmos.bank.v1beta1.Query/AllBalances",
            &bank_pb::QueryAllBalancesRequest { address: bob.address().to_bech32(), pagination: None, resolve_denom: false },
        )
        .expect("all balances");
    let shown: Vec<_> = all.balances.iter().map(|c| format!("{}{}", c.amount, c.denom)).collect();
    assert_eq!(shown, vec!["1000000010uagora", "500ufoo"]);

    let page: bank_pb::QueryAllBalancesResponse = chain
        .node
        .query_proto(
            "/cosmos.bank.v1beta1.Query/AllBalances",
            &bank_pb::QueryAllBalancesRequest {
                address: bob.address().to_bech32(),
                pagination: Some(PageRequest { limit: 1, count_total: true, ..Default::default() }),
                resolve_denom: false,
            },
        )
        .expect("page");
    assert_eq!(page.balances.len(), 1);
    let pagination = page.pagination.expect("pagination");
    assert_eq!(pagination.total, 2);
    assert_eq!(pagination.next_key, b"ufoo".to_vec());

    let spendable: bank_pb::QuerySpendableBalanceByDenomResponse = chain
        .node
        .query_proto(
            "/cosmos.bank.v1beta1.Query/SpendableBalanceByDenom",
            &bank_pb::QuerySpendableBalanceByDenomRequest { address: bob.address().to_bech32(), denom: "ufoo".into() },
        )
        .expect("spendable by denom");
    assert_eq!(spendable.balance.expect("coin").amount, "500");
    let refused = chain.node.query_proto::<_, bank_pb::QuerySpendableBalanceByDenomResponse>(
        "/cosmos.bank.v1beta1.Query/SpendableBalanceByDenom",
        &bank_pb::QuerySpendableBalanceByDenomRequest { address: "agora1bad".into(), denom: "ufoo".into() },
    );
    assert!(refused.is_err(), "a bad address is refused");
    // Every holder of a denom, with its balance, a page at a time (the SDK's DenomOwners).
    let owners = |denom: &str, pagination: Option<PageRequest>| {
        chain.node.query_proto::<_, bank_pb::QueryDenomOwnersResponse>(
            "/cosmos.bank.v1beta1.Query/DenomOwners",
            &bank_pb::QueryDenomOwnersRequest { denom: denom.into(), pagination },
        )
    };
    let all_owners = owners("ufoo", None).expect("denom owners");
    let mut holders: Vec<_> = all_owners.denom_owners.iter().map(|o| (o.address.clone(), o.balance.clone().expect("coin").amount)).collect();
    holders.sort();
    let mut expected = vec![(alice.address().to_bech32(), "500".to_string()), (bob.address().to_bech32(), "500".to_string())];
    expected.sort();
    assert_eq!(holders, expected);
    let first = owners("ufoo", Some(PageRequest { limit: 1, count_total: true, ..Default::default() })).expect("page");
    assert_eq!((first.denom_owners.len(), first.pagination.as_ref().map(|p| p.total)), (1, Some(2)));
    let next = owners("ufoo", Some(PageRequest { key: first.pagination.expect("page").next_key, limit: 1, ..Default::default() })).expect("next page");
    assert_eq!(next.denom_owners.len(), 1);
    assert_ne!(next.denom_owners[0].address, first.denom_owners[0].address);
    assert!(owners("unknown", None).expect("no holders").denom_owners.is_empty());
    assert!(owners("Bad Denom!", None).is_err(), "an invalid denom is refused");
    let by_query: bank_pb::QueryDenomOwnersByQueryResponse = chain
        .node
        .query_proto("/cosmos.bank.v1beta1.Query/DenomOwnersByQuery", &bank_pb::QueryDenomOwnersByQueryRequest { denom: "ufoo".into(), pagination: None })
        .expect("denom owners by query");
    assert_eq!(by_query.denom_owners.len(), 2);
    // No denom has its own send setting at genesis: nothing listed, for a named denom or all.
    let enabled: bank_pb::QuerySendEnabledResponse = chain
        .node
        .query_proto("/cosmos.bank.v1beta1.Query/SendEnabled", &bank_pb::QuerySendEnabledRequest { denoms: vec!["uagora".into()], pagination: None })
        .expect("send enabled");
    assert!(enabled.send_enabled.is_empty());

    let supply: bank_pb::QuerySupplyOfResponse = chain
        .node
        .query_proto("/cosmos.bank.v1beta1.Query/SupplyOf", &bank_pb::QuerySupplyOfRequest { denom: "uagora".into() })
        .expect("supply");
    assert_eq!(supply.amount.expect("coin").amount, "2000000000");
    let total: bank_pb::QueryTotalSupplyResponse = chain
        .node
        .query_proto("/cosmos.bank.v1beta1.Query/TotalSupply", &bank_pb::QueryTotalSupplyRequest { pagination: None })
        .expect("total");
    assert_eq!(total.supply.len(), 2);

    let account: auth_pb::QueryAccountResponse = chain
        .node
        .query_proto("/cosmos.auth.v1beta1.Query/Account", &auth_pb::QueryAccountRequest { address: alice.address().to_bech32() })
        .expect("account");
    let any = account.account.expect("any");
    assert_eq!(any.type_url, "/cosmos.auth.v1beta1.BaseAccount");
    let base = auth_pb::BaseAccount::decode(any.value.as_slice()).expect("base account");
    assert_eq!((base.account_number, base.sequence), (1, 1));
    assert_eq!(base.pub_key.expect("pubkey set by first tx").type_url, "/cosmos.crypto.secp256k1.PubKey");

    let metadata: bank_pb::QueryDenomMetadataResponse = chain
        .node
        .query_proto("/cosmos.bank.v1beta1.Query/DenomMetadata", &bank_pb::QueryDenomMetadataRequest { denom: "uagora".into() })
        .expect("metadata");
    assert_eq!(metadata.metadata.expect("metadata").display, "agora");
}

/// The auth queries explorers and wallets use besides `Account`, and their refusals.
#[test]
fn auth_answers_account_info_numbers_module_accounts_and_address_conversions() {
    let (alice, bob) = (key(1), key(2));
    let mut chain = chain(&[alice.address()]);
    // bob's account is created by the send, with the next number.
    chain.block(vec![send_tx(&alice, &bob.address(), "10uagora", 1, 0)]);
    let query = |path: &str, request: Vec<u8>| chain.node.query(path, request, 0, false).expect("query");
    let code = |res: &tendermint::abci::response::Query| (res.codespace.clone(), res.code.value());

    let info = query("/cosmos.auth.v1beta1.Query/AccountInfo", auth_pb::QueryAccountInfoRequest { address: bob.address().to_bech32() }.encode_to_vec());
    let info = auth_pb::QueryAccountInfoResponse::decode(info.value.as_ref()).expect("decode").info.expect("info");
    assert_eq!((info.address, info.sequence, info.pub_key), (bob.address().to_bech32(), 0, None));
    let by_number = |account_id: u64| {
        query("/cosmos.auth.v1beta1.Query/AccountAddressByID", auth_pb::QueryAccountAddressByIdRequest { account_id, ..Default::default() }.encode_to_vec())
    };
    let found = by_number(info.account_number);
    let found = auth_pb::QueryAccountAddressByIdResponse::decode(found.value.as_ref()).expect("decode");
    assert_eq!(found.account_address, bob.address().to_bech32(), "the index follows a created account");
    let genesis = auth_pb::QueryAccountAddressByIdResponse::decode(by_number(1).value.as_ref()).expect("decode");
    assert_eq!(genesis.account_address, alice.address().to_bech32(), "and the genesis accounts");
    assert_eq!(code(&by_number(1_000_000)), ("sdk".into(), 38));
    #[allow(deprecated)]
    let deprecated = query("/cosmos.auth.v1beta1.Query/AccountAddressByID", auth_pb::QueryAccountAddressByIdRequest { id: 1, account_id: 0 }.encode_to_vec());
    assert_eq!(code(&deprecated), ("sdk".into(), 18), "{}", deprecated.log);
    assert_eq!(code(&query("/cosmos.auth.v1beta1.Query/AccountInfo", auth_pb::QueryAccountInfoRequest::default().encode_to_vec())), ("sdk".into(), 18));
    let missing = query("/cosmos.auth.v1beta1.Query/AccountInfo", auth_pb::QueryAccountInfoRequest { address: key(9).address().to_bech32() }.encode_to_vec());
    assert_eq!(code(&missing), ("sdk".into(), 38));

    let modules = query("/cosmos.auth.v1beta1.Query/ModuleAccounts", auth_pb::QueryModuleAccountsRequest {}.encode_to_vec());
    let modules = auth_pb::QueryModuleAccountsResponse::decode(modules.value.as_ref()).expect("decode");
    let names: Vec<String> = modules
        .accounts
        .iter()
        .map(|any| {
            assert_eq!(any.type_url, "/cosmos.auth.v1beta1.ModuleAccount");
            auth_pb::ModuleAccount::decode(any.value.as_slice()).expect("module account").name
        })
        .collect();
    assert!(names.windows(2).all(|pair| pair[0] < pair[1]), "sorted by name: {names:?}");
    for name in ["fee_collector", "bonded_tokens_pool", "not_bonded_tokens_pool", "distribution", "gov", "transfer", "escrow"] {
        assert!(names.iter().any(|n| n == name), "{name} in {names:?}");
    }

    let to_string = query(
        "/cosmos.auth.v1beta1.Query/AddressBytesToString",
        auth_pb::AddressBytesToStringRequest { address_bytes: bob.address().as_bytes().to_vec() }.encode_to_vec(),
    );
    let text = auth_pb::AddressBytesToStringResponse::decode(to_string.value.as_ref()).expect("decode").address_string;
    assert_eq!(text, bob.address().to_bech32());
    let to_bytes = query("/cosmos.auth.v1beta1.Query/AddressStringToBytes", auth_pb::AddressStringToBytesRequest { address_string: text }.encode_to_vec());
    let bytes = auth_pb::AddressStringToBytesResponse::decode(to_bytes.value.as_ref()).expect("decode").address_bytes;
    assert_eq!(bytes, bob.address().as_bytes().to_vec());
    for refused in [
        query("/cosmos.auth.v1beta1.Query/AddressBytesToString", auth_pb::AddressBytesToStringRequest { address_bytes: Vec::new() }.encode_to_vec()),
        query("/cosmos.auth.v1beta1.Query/AddressBytesToString", auth_pb::AddressBytesToStringRequest { address_bytes: vec![1; 7] }.encode_to_vec()),
        query("/cosmos.auth.v1beta1.Query/AddressStringToBytes", auth_pb::AddressStringToBytesRequest { address_string: String::new() }.encode_to_vec()),
        query("/cosmos.auth.v1beta1.Query/AddressStringToBytes", auth_pb::AddressStringToBytesRequest { address_string: "cosmos1xyz".into() }.encode_to_vec()),
    ] {
        assert_eq!(code(&refused), ("sdk".into(), 18), "{}", refused.log);
    }

    // Bank's DenomMetadataByQueryString answers as DenomMetadata does.
    let metadata: bank_pb::QueryDenomMetadataByQueryStringResponse = chain
        .node
        .query_proto("/cosmos.bank.v1beta1.Query/DenomMetadataByQueryString", &bank_pb::QueryDenomMetadataByQueryStringRequest { denom: "uagora".into() })
        .expect("metadata");
    assert_eq!(metadata.metadata.expect("metadata").display, "agora");
    let unknown = query("/cosmos.bank.v1beta1.Query/DenomMetadataByQueryString", bank_pb::QueryDenomMetadataByQueryStringRequest { denom: "ufoo".into() }.encode_to_vec());
    assert_eq!(code(&unknown), ("sdk".into(), 38));
}

#[test]
fn query_refusals_carry_codes() {
    let alice = key(1);
    let chain = chain(&[alice.address()]);
    let res = chain.node.query("/cosmos.bank.v1beta1.Query/Nope", vec![], 0, false).expect("query");
    assert_eq!(res.code.value(), 6);
    let res = chain
        .node
        .query(
            "/cosmos.bank.v1beta1.Query/Balance",
            bank_pb::QueryBalanceRequest { address: "nonsense".into(), denom: "uagora".into() }.encode_to_vec(),
            0,
            false,
        )
        .expect("query");
    assert_eq!(res.code.value(), 7, "{}", res.log);
    let res = chain
        .node
        .query("/cosmos.auth.v1beta1.Query/Account", auth_pb::QueryAccountRequest { address: key(9).address().to_bech32() }.encode_to_vec(), 0, false)
        .expect("query");
    assert_eq!(res.code.value(), 38, "{}", res.log);
    let res = chain.node.query("/cosmos.bank.v1beta1.Query/Balance", vec![0xff, 0xff, 0xff], 0, false).expect("query");
    assert_eq!(res.code.value(), 2, "{}", res.log);
}

#[test]
fn store_queries_prove_values_against_the_app_hash() {
    let (alice, bob) = (key(1), key(2));
    let mut chain = chain(&[alice.address()]);
    chain.block(vec![send_tx(&alice, &bob.address(), "10uagora", 1, 0)]);
    let app_hash = chain.app_hash();
    let height = chain.node.height();

    let denom = agora_types::Denom::new("uagora").expect("denom");
    let key_bytes = agora_bank::state::keys::balance(&bob.address(), &denom);
    let res = chain.node.query("/store/main/key", key_bytes.clone(), 0, true).expect("query");
    assert_eq!(res.code.value(), 0, "{}", res.log);
    assert_eq!(res.height.value(), height);
    assert_eq!(u128::from_be_bytes(res.value.as_ref().try_into().expect("16 bytes")), 10);
    let ops = res.proof.expect("proof ops").ops;
    assert_eq!(ops.len(), 2);
    assert!(ops.iter().all(|op| op.field_type == "ics23:jmt"));

    let spec = agora_store::proof_spec();
    let inner = ics23::CommitmentProof::decode(ops[0].data.as_slice()).expect("inner proof");
    let outer = ics23::CommitmentProof::decode(ops[1].data.as_slice()).expect("outer proof");
    let substore_root = match &inner.proof {
        Some(ics23::commitment_proof::Proof::Exist(exist)) => {
            ics23::calculate_existence_root::<ics23::HostFunctionsManager>(exist).expect("root")
        }
        other => panic!("expected an existence proof, got {other:?}"),
    };
    assert!(ics23::verify_membership::<ics23::HostFunctionsManager>(&inner, &spec, &substore_root, &key_bytes, &res.value));
    assert!(ics23::verify_membership::<ics23::HostFunctionsManager>(&outer, &spec, &app_hash, b"main", &substore_root));
    assert!(!ics23::verify_membership::<ics23::HostFunctionsManager>(&inner, &spec, &substore_root, &key_bytes, b"tampered"));

    // An absent key gets a non-membership proof.
    let absent = agora_bank::state::keys::balance(&key(7).address(), &denom);
    let res = chain.node.query("/store/main/key", absent.clone(), 0, true).expect("query");
    let ops = res.proof.expect("proof ops").ops;
    let inner = ics23::CommitmentProof::decode(ops[0].data.as_slice()).expect("inner proof");
    assert!(ics23::verify_non_membership::<ics23::HostFunctionsManager>(&inner, &spec, &substore_root, &absent));
}

#[test]
fn historical_queries_read_older_heights() {
    let (alice, bob) = (key(1), key(2));
    let mut chain = chain(&[alice.address()]);
    chain.block(vec![send_tx(&alice, &bob.address(), "10uagora", 1, 0)]);
    let first = chain.node.height();
    chain.block(vec![send_tx(&alice, &bob.address(), "5uagora", 1, 1)]);
    let req = bank_pb::QueryBalanceRequest { address: bob.address().to_bech32(), denom: "uagora".into() };
    let old = chain.node.query("/cosmos.bank.v1beta1.Query/Balance", req.encode_to_vec(), first, false).expect("query");
    assert_eq!(old.height.value(), first);
    let old = bank_pb::QueryBalanceResponse::decode(old.value.as_ref()).expect("decode");
    assert_eq!(old.balance.expect("coin").amount, "10");
    assert_eq!(chain.balance(&bob.address(), "uagora"), 15);

    // List queries too: bob held one denom before he was sent a second one.
    chain.block(vec![send_tx(&alice, &bob.address(), "3ufoo", 1, 2)]);
    let all = |height: u64| -> Vec<(String, String)> {
        let req = bank_pb::QueryAllBalancesRequest { address: bob.address().to_bech32(), pagination: None, resolve_denom: false };
        let res = chain.node.query("/cosmos.bank.v1beta1.Query/AllBalances", req.encode_to_vec(), height, false).expect("query");
        assert_eq!(res.code.value(), 0, "{}", res.log);
        let res = bank_pb::QueryAllBalancesResponse::decode(res.value.as_ref()).expect("decode");
        res.balances.into_iter().map(|c| (c.denom, c.amount)).collect()
    };
    let pair = |d: &str, a: &str| (d.to_string(), a.to_string());
    assert_eq!(all(first - 1), vec![]);
    assert_eq!(all(first), vec![pair("uagora", "10")]);
    assert_eq!(all(first + 1), vec![pair("uagora", "15")]);
    assert!(first > 1);
    assert_eq!(all(0), vec![pair("uagora", "15"), pair("ufoo", "3")]);
}

#[test]
fn a_restarted_node_reports_its_last_block_and_continues() {
    let (alice, bob) = (key(1), key(2));
    let dir = tempfile::tempdir().expect("tempdir");
    let (height, hash) = {
        let app = open_app(dir.path(), AppConfig::default());
        let mut node = TestNode::start(app, CHAIN_ID, &genesis_json(&[alice.address()])).expect("start");
        node.make_block(vec![send_tx(&alice, &bob.address(), "10uagora", 1, 0)]).expect("block");
        node.make_block(vec![]).expect("block");
        (node.height(), node.last_app_hash().to_vec())
    };
    let app = open_app(dir.path(), AppConfig::default());
    let mut node = TestNode::start(app, CHAIN_ID, b"{}").expect("restart");
    assert_eq!(node.height(), height, "Info reports the last committed height");
    assert_eq!(node.last_app_hash(), hash.as_slice(), "and its app hash");
    let results = node.make_block(vec![send_tx(&alice, &bob.address(), "5uagora", 1, 1)]).expect("block");
    assert_eq!(results[0].code.value(), 0, "{}", results[0].log);
}

#[test]
fn the_same_blocks_give_the_same_app_hash_on_every_node() {
    let (alice, bob) = (key(1), key(2));
    let blocks: Vec<Vec<Vec<u8>>> = vec![
        vec![send_tx(&alice, &bob.address(), "10uagora", 1, 0), send_tx(&alice, &bob.address(), "3ufoo", 1, 1)],
        vec![],
        vec![send_tx(&bob, &alice.address(), "1uagora", 2, 0)],
    ];
    let run = || {
        let mut chain = chain(&[alice.address(), bob.address()]);
        blocks.iter().map(|b| {
            chain.block(b.clone());
            chain.app_hash()
        }).collect::<Vec<_>>()
    };
    assert_eq!(run(), run());
}
