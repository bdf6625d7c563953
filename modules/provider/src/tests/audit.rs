//! Audited attributes: sign (merge), delete keys or whole records.

use agora_proto::audit::v1 as audit_pb;
use agora_types::AbciError;

use super::*;
use crate::state::ProviderStore;
use crate::Params;

fn sign(auditor: &Address, provider: &Address, attrs: &[(&str, &str)]) -> ProviderMsg {
    let msg = audit_pb::MsgSignProviderAttributes {
        auditor: auditor.to_string(),
        provider: provider.to_string(),
        attributes: attrs.iter().map(|(k, v)| attr(k, v)).collect(),
    };
    ProviderMsg::SignProviderAttributes(msg.try_into().unwrap())
}

fn unsign(auditor: &Address, provider: &Address, keys: &[&str]) -> ProviderMsg {
    let msg = audit_pb::MsgDeleteProviderAttributes {
        auditor: auditor.to_string(),
        provider: provider.to_string(),
        keys: keys.iter().map(|k| k.to_string()).collect(),
    };
    ProviderMsg::DeleteProviderAttributes(msg.try_into().unwrap())
}

#[test]
fn signing_needs_an_existing_provider() {
    let mut state = genesis();
    let (provider, auditor) = (addr(1), addr(2));
    let err = run(&mut state, 1, &sign(&auditor, &provider, &[("tier", "gold")])).unwrap_err();
    assert_eq!((err.codespace(), err.code()), ("audit", 3));
    assert_eq!(err.to_string(), format!("cannot sign attributes of provider {provider}: provider not found"));
}

#[test]
fn signing_merges_into_the_auditors_record_sorted_by_key() {
    let mut state = genesis();
    let (provider, auditor, other) = (addr(1), addr(2), addr(3));
    registered(&mut state, &provider);
    let events = run(&mut state, 2, &sign(&auditor, &provider, &[("tier", "gold"), ("region", "eu")])).unwrap();
    let signed = event(&events, "provider_attributes_signed");
    assert_eq!(signed.get("keys"), Some("region,tier"));
    assert_eq!(signed.get("auditor"), Some(auditor.to_string().as_str()));
    run(&mut state, 3, &sign(&auditor, &provider, &[("tier", "platinum"), ("audited/soc2", "yes")])).unwrap();
    run(&mut state, 3, &sign(&other, &provider, &[("tier", "bronze")])).unwrap();

    assert_eq!(
        state.audited_attributes(&provider, &auditor).unwrap(),
        vec![attr("audited/soc2", "yes"), attr("region", "eu"), attr("tier", "platinum")]
    );
    assert_eq!(state.audited_attributes(&provider, &other).unwrap(), vec![attr("tier", "bronze")]);
    assert!(state.audited_attributes(&provider, &addr(4)).unwrap().is_empty());
    let record = state.audited_record(&provider, &auditor).unwrap().unwrap();
    assert_eq!((record.provider, record.auditor), (provider.to_string(), auditor.to_string()));
}

#[test]
fn a_merged_record_is_bounded_by_params() {
    let mut state = genesis();
    let (provider, auditor) = (addr(1), addr(2));
    state.put_provider_params(&Params { max_attributes: 2, max_attribute_value_len: 8, ..Params::default() });
    fund(&mut state, &provider, BOND);
    let mut create = create_proto(&provider, vec![]);
    create.attributes = vec![];
    run(&mut state, 1, &ProviderMsg::CreateProvider(create.try_into().unwrap())).unwrap();

    run(&mut state, 2, &sign(&auditor, &provider, &[("a1", "x"), ("b1", "y")])).unwrap();
    // Replacing a key keeps the count.
    run(&mut state, 2, &sign(&auditor, &provider, &[("a1", "z")])).unwrap();
    let err = run(&mut state, 2, &sign(&auditor, &provider, &[("c1", "x")])).unwrap_err();
    assert!(matches!(err, ProviderError::TooManyAuditedAttributes { count: 3, max: 2, .. }), "{err}");
    assert_eq!((err.codespace(), err.code()), ("audit", 6));
    let err = run(&mut state, 2, &sign(&auditor, &provider, &[("a1", "123456789")])).unwrap_err();
    assert!(matches!(err, ProviderError::AttributeValueTooLong { len: 9, max: 8, .. }), "{err}");
    assert_eq!(state.audited_attributes(&provider, &auditor).unwrap(), vec![attr("a1", "z"), attr("b1", "y")]);
}

#[test]
fn deleting_keys_removes_them_and_an_empty_record_goes() {
    let mut state = genesis();
    let (provider, auditor) = (addr(1), addr(2));
    registered(&mut state, &provider);

    let err = run(&mut state, 2, &unsign(&auditor, &provider, &[])).unwrap_err();
    assert_eq!(err.to_string(), format!("auditor {auditor} has no attributes signed for provider {provider}"));
    assert_eq!((err.codespace(), err.code()), ("audit", 4));

    run(&mut state, 2, &sign(&auditor, &provider, &[("a1", "x"), ("b1", "y"), ("c1", "z")])).unwrap();
    let err = run(&mut state, 3, &unsign(&auditor, &provider, &["a1", "zz"])).unwrap_err();
    assert_eq!(err.to_string(), format!("auditor {auditor} has not signed attribute \"zz\" for provider {provider}"));
    // All or nothing: a1 is still there.
    assert_eq!(state.audited_attributes(&provider, &auditor).unwrap().len(), 3);

    let events = run(&mut state, 3, &unsign(&auditor, &provider, &["c1", "a1"])).unwrap();
    assert_eq!(event(&events, "provider_attributes_deleted").get("keys"), Some("a1,c1"));
    assert_eq!(state.audited_attributes(&provider, &auditor).unwrap(), vec![attr("b1", "y")]);
    run(&mut state, 4, &unsign(&auditor, &provider, &["b1"])).unwrap();
    assert!(state.audited_record(&provider, &auditor).unwrap().is_none());
}

#[test]
fn deleting_without_keys_removes_the_whole_record() {
    let mut state = genesis();
    let (provider, auditor) = (addr(1), addr(2));
    registered(&mut state, &provider);
    run(&mut state, 2, &sign(&auditor, &provider, &[("a1", "x"), ("b1", "y")])).unwrap();
    let events = run(&mut state, 3, &unsign(&auditor, &provider, &[])).unwrap();
    assert_eq!(event(&events, "provider_attributes_deleted").get("keys"), Some("a1,b1"));
    assert!(state.audited_record(&provider, &auditor).unwrap().is_none());
}

#[test]
fn audited_records_outlive_their_provider() {
    let mut state = genesis();
    let (provider, auditor) = (addr(1), addr(2));
    state.put_provider_params(&Params { unbonding_blocks: 1, ..Params::default() });
    registered(&mut state, &provider);
    run(&mut state, 2, &sign(&auditor, &provider, &[("a1", "x")])).unwrap();
    run(&mut state, 3, &delete_msg(&provider)).unwrap();
    // Still signable while unbonding: the provider exists.
    run(&mut state, 3, &sign(&auditor, &provider, &[("b1", "y")])).unwrap();
    crate::end_block(&mut state, &super::TestBank, &crate::NoHooks, &ctx(4)).unwrap();
    assert!(state.provider(&provider).unwrap().is_none());
    assert_eq!(state.audited_attributes(&provider, &auditor).unwrap().len(), 2);
    // The auditor can still clean up.
    run(&mut state, 5, &unsign(&auditor, &provider, &[])).unwrap();
}
