//! Provider and audit messages as validated domain types: each is built from its protobuf
//! message with `TryFrom`, which runs every stateless check, so handlers only see messages
//! that are well formed. Limits that come from params are checked again in the handlers.

use agora_proto::audit::v1 as audit_pb;
use agora_proto::base::v1::{Attribute, Resources};
use agora_proto::provider::v1 as pb;
use agora_types::{Address, Coin};
use cosmos_sdk_proto::Any;
use prost::Message;

use crate::validate;
use crate::ProviderError;

pub const MSG_CREATE_PROVIDER_URL: &str = "/agora.provider.v1.MsgCreateProvider";
pub const MSG_UPDATE_PROVIDER_URL: &str = "/agora.provider.v1.MsgUpdateProvider";
pub const MSG_DELETE_PROVIDER_URL: &str = "/agora.provider.v1.MsgDeleteProvider";
pub const MSG_DEPOSIT_BOND_URL: &str = "/agora.provider.v1.MsgDepositBond";
pub const MSG_SIGN_PROVIDER_ATTRIBUTES_URL: &str = "/agora.audit.v1.MsgSignProviderAttributes";
pub const MSG_DELETE_PROVIDER_ATTRIBUTES_URL: &str = "/agora.audit.v1.MsgDeleteProviderAttributes";
pub const MSG_UPDATE_PARAMS_URL: &str = "/agora.provider.v1.MsgUpdateParams";

/// Every type URL this crate handles.
pub const TYPE_URLS: &[&str] = &[
    MSG_CREATE_PROVIDER_URL,
    MSG_UPDATE_PROVIDER_URL,
    MSG_DELETE_PROVIDER_URL,
    MSG_DEPOSIT_BOND_URL,
    MSG_SIGN_PROVIDER_ATTRIBUTES_URL,
    MSG_DELETE_PROVIDER_ATTRIBUTES_URL,
    MSG_UPDATE_PARAMS_URL,
];

/// Every message of the provider and audit modules.
#[derive(Clone, Debug, PartialEq)]
pub enum ProviderMsg {
    CreateProvider(CreateProvider),
    UpdateProvider(UpdateProvider),
    DeleteProvider(DeleteProvider),
    DepositBond(DepositBond),
    SignProviderAttributes(SignProviderAttributes),
    DeleteProviderAttributes(DeleteProviderAttributes),
    /// New parameters, checked against the authority when executed.
    UpdateParams { authority: Address, params: crate::Params },
}

impl ProviderMsg {
    /// Addresses whose signatures the message requires.
    pub fn signers(&self) -> Vec<Address> {
        match self {
            Self::CreateProvider(m) => vec![m.owner],
            Self::UpdateProvider(m) => vec![m.owner],
            Self::DeleteProvider(m) => vec![m.owner],
            Self::DepositBond(m) => vec![m.owner],
            Self::SignProviderAttributes(m) => vec![m.auditor],
            Self::DeleteProviderAttributes(m) => vec![m.auditor],
            Self::UpdateParams { authority, .. } => vec![*authority],
        }
    }

    pub fn type_url(&self) -> &'static str {
        match self {
            Self::CreateProvider(_) => MSG_CREATE_PROVIDER_URL,
            Self::UpdateProvider(_) => MSG_UPDATE_PROVIDER_URL,
            Self::DeleteProvider(_) => MSG_DELETE_PROVIDER_URL,
            Self::DepositBond(_) => MSG_DEPOSIT_BOND_URL,
            Self::SignProviderAttributes(_) => MSG_SIGN_PROVIDER_ATTRIBUTES_URL,
            Self::DeleteProviderAttributes(_) => MSG_DELETE_PROVIDER_ATTRIBUTES_URL,
            Self::UpdateParams { .. } => MSG_UPDATE_PARAMS_URL,
        }
    }

    /// Decodes and validates a message of this crate; `None` if the type URL is not one of
    /// [`TYPE_URLS`].
    pub fn from_any(any: &Any) -> Option<Result<Self, ProviderError>> {
        fn decode<M: Message + Default>(any: &Any) -> Result<M, ProviderError> {
            M::decode(any.value.as_slice())
                .map_err(|e| ProviderError::Decode { type_url: any.type_url.clone(), reason: e.to_string() })
        }
        let msg = match any.type_url.as_str() {
            MSG_CREATE_PROVIDER_URL => {
                decode::<pb::MsgCreateProvider>(any).and_then(CreateProvider::try_from).map(Self::CreateProvider)
            }
            MSG_UPDATE_PROVIDER_URL => {
                decode::<pb::MsgUpdateProvider>(any).and_then(UpdateProvider::try_from).map(Self::UpdateProvider)
            }
            MSG_DELETE_PROVIDER_URL => {
                decode::<pb::MsgDeleteProvider>(any).and_then(DeleteProvider::try_from).map(Self::DeleteProvider)
            }
            MSG_DEPOSIT_BOND_URL => decode::<pb::MsgDepositBond>(any).and_then(DepositBond::try_from).map(Self::DepositBond),
            MSG_SIGN_PROVIDER_ATTRIBUTES_URL => decode::<audit_pb::MsgSignProviderAttributes>(any)
                .and_then(SignProviderAttributes::try_from)
                .map(Self::SignProviderAttributes),
            MSG_DELETE_PROVIDER_ATTRIBUTES_URL => decode::<audit_pb::MsgDeleteProviderAttributes>(any)
                .and_then(DeleteProviderAttributes::try_from)
                .map(Self::DeleteProviderAttributes),
            MSG_UPDATE_PARAMS_URL => decode::<pb::MsgUpdateParams>(any).and_then(|m| {
                let authority = m
                    .authority
                    .parse()
                    .map_err(|e: agora_types::AddressError| ProviderError::InvalidAddress { field: "authority".into(), reason: e.to_string() })?;
                let params = m.params.as_ref().ok_or_else(|| ProviderError::InvalidParams("params are missing".into()))?;
                Ok(Self::UpdateParams { authority, params: crate::Params::from_proto(params)? })
            }),
            _ => return None,
        };
        Some(msg)
    }
}

/// The fields a provider publishes, shared by create and update. Attributes are sorted by
/// key and the capacity is canonical.
#[derive(Clone, Debug, PartialEq)]
pub struct ProviderFields {
    pub host_uri: String,
    pub attributes: Vec<Attribute>,
    pub info: pb::ProviderInfo,
    pub capacity: Resources,
    /// The key that may answer liveness challenges besides the owner.
    pub operator: Option<Address>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct CreateProvider {
    pub owner: Address,
    pub fields: ProviderFields,
    /// Positive; checked against `params.min_bond` in the handler.
    pub bond: Coin,
}

#[derive(Clone, Debug, PartialEq)]
pub struct UpdateProvider {
    pub owner: Address,
    pub fields: ProviderFields,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeleteProvider {
    pub owner: Address,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DepositBond {
    pub owner: Address,
    /// Positive; its denom is checked against the bond's in the handler.
    pub amount: Coin,
}

#[derive(Clone, Debug, PartialEq)]
pub struct SignProviderAttributes {
    pub auditor: Address,
    pub provider: Address,
    /// Non-empty, sorted by key.
    pub attributes: Vec<Attribute>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeleteProviderAttributes {
    pub auditor: Address,
    pub provider: Address,
    /// Sorted; empty means the whole record.
    pub keys: Vec<String>,
}

pub(crate) fn address(field: &str, value: &str) -> Result<Address, ProviderError> {
    value.parse().map_err(|e: agora_types::AddressError| ProviderError::InvalidAddress {
        field: field.to_string(),
        reason: e.to_string(),
    })
}

fn fields(
    host_uri: String,
    attributes: Vec<Attribute>,
    info: Option<pb::ProviderInfo>,
    capacity: Option<Resources>,
    operator: &str,
) -> Result<ProviderFields, ProviderError> {
    validate::host_uri(&host_uri)?;
    let attributes = validate::attributes(attributes)?;
    let info = info.unwrap_or_default();
    validate::email(&info.email)?;
    validate::website(&info.website)?;
    let capacity = validate::capacity(capacity)?;
    let operator = (!operator.is_empty()).then(|| address("operator", operator)).transpose()?;
    Ok(ProviderFields { host_uri, attributes, info, capacity, operator })
}

impl TryFrom<pb::MsgCreateProvider> for CreateProvider {
    type Error = ProviderError;

    fn try_from(msg: pb::MsgCreateProvider) -> Result<Self, Self::Error> {
        let owner = address("owner", &msg.owner)?;
        let fields = fields(msg.host_uri, msg.attributes, msg.info, msg.capacity, &msg.operator)?;
        let bond = msg.bond.ok_or_else(|| ProviderError::InvalidBond("bond is missing".into()))?;
        let bond = Coin::from_proto(&bond).map_err(|e| ProviderError::InvalidBond(e.to_string()))?;
        if bond.amount == 0 {
            return Err(ProviderError::InvalidBond(format!("amount of {} must be positive", bond.denom)));
        }
        Ok(Self { owner, fields, bond })
    }
}

impl TryFrom<pb::MsgUpdateProvider> for UpdateProvider {
    type Error = ProviderError;

    fn try_from(msg: pb::MsgUpdateProvider) -> Result<Self, Self::Error> {
        let owner = address("owner", &msg.owner)?;
        let fields = fields(msg.host_uri, msg.attributes, msg.info, msg.capacity, &msg.operator)?;
        Ok(Self { owner, fields })
    }
}

impl TryFrom<pb::MsgDeleteProvider> for DeleteProvider {
    type Error = ProviderError;

    fn try_from(msg: pb::MsgDeleteProvider) -> Result<Self, Self::Error> {
        Ok(Self { owner: address("owner", &msg.owner)? })
    }
}

impl TryFrom<pb::MsgDepositBond> for DepositBond {
    type Error = ProviderError;

    fn try_from(msg: pb::MsgDepositBond) -> Result<Self, Self::Error> {
        let owner = address("owner", &msg.owner)?;
        let amount = msg.amount.ok_or_else(|| ProviderError::InvalidBond("amount is missing".into()))?;
        let amount = Coin::from_proto(&amount).map_err(|e| ProviderError::InvalidBond(e.to_string()))?;
        if amount.amount == 0 {
            return Err(ProviderError::InvalidBond(format!("amount of {} must be positive", amount.denom)));
        }
        Ok(Self { owner, amount })
    }
}

impl TryFrom<audit_pb::MsgSignProviderAttributes> for SignProviderAttributes {
    type Error = ProviderError;

    fn try_from(msg: audit_pb::MsgSignProviderAttributes) -> Result<Self, Self::Error> {
        let auditor = address("auditor", &msg.auditor)?;
        let provider = address("provider", &msg.provider)?;
        if auditor == provider {
            return Err(ProviderError::AuditorIsProvider { auditor: auditor.to_string() });
        }
        if msg.attributes.is_empty() {
            return Err(ProviderError::NoAttributesToSign);
        }
        let attributes = validate::attributes(msg.attributes)?;
        Ok(Self { auditor, provider, attributes })
    }
}

impl TryFrom<audit_pb::MsgDeleteProviderAttributes> for DeleteProviderAttributes {
    type Error = ProviderError;

    fn try_from(msg: audit_pb::MsgDeleteProviderAttributes) -> Result<Self, Self::Error> {
        let auditor = address("auditor", &msg.auditor)?;
        let provider = address("provider", &msg.provider)?;
        let keys = validate::attribute_keys(msg.keys)?;
        Ok(Self { auditor, provider, keys })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use agora_proto::base::v1::{GpuClass, StorageCapacity};
    use cosmos_sdk_proto::cosmos::base::v1beta1::Coin as PbCoin;

    fn addr(n: u8) -> String {
        Address::new([n; 20]).to_string()
    }

    fn attr(k: &str, v: &str) -> Attribute {
        Attribute { key: k.into(), value: v.into() }
    }

    fn gpu(model: &str, count: u32) -> GpuClass {
        GpuClass { vendor: "nvidia".into(), model: model.into(), vram_gib: 80, interface: "sxm".into(), count }
    }

    fn capacity() -> Resources {
        Resources {
            cpu_millis: 64_000,
            memory_bytes: 1 << 38,
            storage: vec![StorageCapacity { class: "nvme".into(), bytes: 1 << 40 }],
            gpus: vec![gpu("h100", 8), gpu("a100", 4)],
        }
    }

    fn create() -> pb::MsgCreateProvider {
        pb::MsgCreateProvider {
            owner: addr(1),
            host_uri: "https://provider.example.com".into(),
            attributes: vec![attr("region", "eu-west"), attr("tier", "gold")],
            info: Some(pb::ProviderInfo { email: "ops@example.com".into(), website: "https://example.com".into() }),
            capacity: Some(capacity()),
            bond: Some(PbCoin { denom: "uagora".into(), amount: "100000000".into() }),
            operator: String::new(),
        }
    }

    fn create_err(f: impl FnOnce(&mut pb::MsgCreateProvider)) -> ProviderError {
        let mut msg = create();
        f(&mut msg);
        CreateProvider::try_from(msg).unwrap_err()
    }

    #[test]
    fn a_valid_create_is_canonicalized() {
        let m = CreateProvider::try_from(create()).unwrap();
        assert_eq!(m.owner, Address::new([1; 20]));
        assert_eq!(m.fields.capacity.gpus, vec![gpu("a100", 4), gpu("h100", 8)]);
        assert_eq!(m.bond.to_string(), "100000000uagora");
        let msg = ProviderMsg::CreateProvider(m);
        assert_eq!(msg.signers(), vec![Address::new([1; 20])]);
        assert_eq!(msg.type_url(), MSG_CREATE_PROVIDER_URL);
        let any = Any { type_url: MSG_CREATE_PROVIDER_URL.into(), value: create().encode_to_vec() };
        assert_eq!(ProviderMsg::from_any(&any).unwrap().unwrap(), msg);
        let unknown = Any { type_url: "/cosmos.bank.v1beta1.MsgSend".into(), value: vec![] };
        assert!(ProviderMsg::from_any(&unknown).is_none());
        let garbage = Any { type_url: MSG_CREATE_PROVIDER_URL.into(), value: vec![0xff, 0xff] };
        assert!(matches!(ProviderMsg::from_any(&garbage), Some(Err(ProviderError::Decode { .. }))));
    }

    #[test]
    fn type_urls_match_the_protos() {
        use prost::Name;
        assert_eq!(MSG_CREATE_PROVIDER_URL, pb::MsgCreateProvider::type_url());
        assert_eq!(MSG_UPDATE_PROVIDER_URL, pb::MsgUpdateProvider::type_url());
        assert_eq!(MSG_DELETE_PROVIDER_URL, pb::MsgDeleteProvider::type_url());
        assert_eq!(MSG_SIGN_PROVIDER_ATTRIBUTES_URL, audit_pb::MsgSignProviderAttributes::type_url());
        assert_eq!(MSG_DELETE_PROVIDER_ATTRIBUTES_URL, audit_pb::MsgDeleteProviderAttributes::type_url());
    }

    #[test]
    fn create_refuses_bad_addresses_uris_and_info() {
        assert!(matches!(create_err(|m| m.owner = "cosmos1xyz".into()), ProviderError::InvalidAddress { .. }));
        assert!(matches!(create_err(|m| m.owner = String::new()), ProviderError::InvalidAddress { .. }));
        assert_eq!(
            create_err(|m| m.host_uri = "http://x".into()).to_string(),
            "host_uri \"http://x\" must use https"
        );
        assert!(matches!(create_err(|m| m.host_uri = "https://x/y".into()), ProviderError::InvalidHostUri { .. }));
        assert!(matches!(
            create_err(|m| m.info = Some(pb::ProviderInfo { email: "a".repeat(255), website: String::new() })),
            ProviderError::EmailTooLong { len: 255 }
        ));
        assert!(matches!(
            create_err(|m| m.info = Some(pb::ProviderInfo { email: String::new(), website: "mailto:x@y".into() })),
            ProviderError::InvalidWebsite { .. }
        ));
        // No info at all is fine.
        let mut msg = create();
        msg.info = None;
        assert!(CreateProvider::try_from(msg).is_ok());
    }

    #[test]
    fn create_refuses_bad_attributes() {
        assert!(matches!(
            create_err(|m| m.attributes.push(attr("1bad", "x"))),
            ProviderError::InvalidAttributeKey { key } if key == "1bad"
        ));
        assert!(matches!(
            create_err(|m| m.attributes.push(attr("region", "us"))),
            ProviderError::DuplicateAttributeKey { key } if key == "region"
        ));
        assert!(matches!(create_err(|m| m.attributes.push(attr("empty", ""))), ProviderError::EmptyAttributeValue { .. }));
        assert!(matches!(
            create_err(|m| m.attributes.push(attr("long", &"v".repeat(257)))),
            ProviderError::AttributeValueTooLong { len: 257, max: 256, .. }
        ));
        assert!(matches!(
            create_err(|m| m.attributes = (0..65).map(|i| attr(&format!("k{i}"), "v")).collect()),
            ProviderError::TooManyAttributes { count: 65, max: 64 }
        ));
    }

    #[test]
    fn create_refuses_bad_capacity() {
        assert!(matches!(create_err(|m| m.capacity = None), ProviderError::MissingCapacity));
        assert!(matches!(
            create_err(|m| m.capacity.as_mut().unwrap().cpu_millis = 0),
            ProviderError::ZeroCapacity { field } if field == "cpu_millis"
        ));
        assert!(matches!(
            create_err(|m| m.capacity.as_mut().unwrap().memory_bytes = 0),
            ProviderError::ZeroCapacity { field } if field == "memory_bytes"
        ));
        assert!(matches!(
            create_err(|m| m.capacity.as_mut().unwrap().storage[0].class = "NVMe".into()),
            ProviderError::InvalidClassName { .. }
        ));
        assert!(matches!(
            create_err(|m| m.capacity.as_mut().unwrap().storage[0].bytes = 0),
            ProviderError::ZeroCapacity { .. }
        ));
        assert!(matches!(
            create_err(|m| {
                let c = m.capacity.as_mut().unwrap();
                c.storage.push(c.storage[0].clone());
            }),
            ProviderError::DuplicateStorageClass { class } if class == "nvme"
        ));
        assert!(matches!(
            create_err(|m| m.capacity.as_mut().unwrap().gpus[0].vendor = "NVIDIA".into()),
            ProviderError::InvalidClassName { field, .. } if field == "capacity.gpus[0].vendor"
        ));
        assert!(matches!(
            create_err(|m| m.capacity.as_mut().unwrap().gpus[0].model = String::new()),
            ProviderError::InvalidClassName { .. }
        ));
        assert!(matches!(
            create_err(|m| m.capacity.as_mut().unwrap().gpus[0].interface = "s x m".into()),
            ProviderError::InvalidClassName { .. }
        ));
        assert!(matches!(
            create_err(|m| m.capacity.as_mut().unwrap().gpus[0].vram_gib = 0),
            ProviderError::ZeroCapacity { .. }
        ));
        assert!(matches!(create_err(|m| m.capacity.as_mut().unwrap().gpus[0].count = 0), ProviderError::ZeroCapacity { .. }));
        assert!(matches!(
            create_err(|m| m.capacity.as_mut().unwrap().gpus.push(gpu("h100", 1))),
            ProviderError::DuplicateGpuClass { class } if class == "nvidia/h100/80/sxm"
        ));
        assert!(matches!(
            create_err(|m| m.capacity.as_mut().unwrap().gpus = (0..17).map(|i| gpu(&format!("m{i}"), 1)).collect()),
            ProviderError::TooManyGpuClasses { count: 17, max: 16 }
        ));
        assert!(matches!(
            create_err(|m| {
                m.capacity.as_mut().unwrap().storage =
                    (0..9).map(|i| StorageCapacity { class: format!("c{i}"), bytes: 1 }).collect()
            }),
            ProviderError::TooManyStorageClasses { count: 9, max: 8 }
        ));
    }

    #[test]
    fn create_refuses_bad_bonds() {
        assert!(matches!(create_err(|m| m.bond = None), ProviderError::InvalidBond(_)));
        assert!(matches!(
            create_err(|m| m.bond = Some(PbCoin { denom: "uagora".into(), amount: "0".into() })),
            ProviderError::InvalidBond(_)
        ));
        assert!(matches!(
            create_err(|m| m.bond = Some(PbCoin { denom: "uagora".into(), amount: "-5".into() })),
            ProviderError::InvalidBond(_)
        ));
        assert!(matches!(
            create_err(|m| m.bond = Some(PbCoin { denom: "x".into(), amount: "5".into() })),
            ProviderError::InvalidBond(_)
        ));
    }

    #[test]
    fn update_and_delete_validate_like_create() {
        let c = create();
        let update = pb::MsgUpdateProvider {
            owner: c.owner.clone(),
            host_uri: c.host_uri.clone(),
            attributes: c.attributes.clone(),
            info: c.info.clone(),
            capacity: c.capacity.clone(),
            operator: String::new(),
        };
        assert!(UpdateProvider::try_from(update.clone()).is_ok());
        let deposit = |amount: &str| pb::MsgDepositBond { owner: c.owner.clone(), amount: Some(PbCoin { denom: "uagora".into(), amount: amount.into() }) };
        assert!(DepositBond::try_from(deposit("5")).is_ok());
        assert!(matches!(DepositBond::try_from(deposit("0")), Err(ProviderError::InvalidBond(m)) if m.contains("positive")));
        assert!(matches!(DepositBond::try_from(pb::MsgDepositBond { amount: None, ..deposit("1") }), Err(ProviderError::InvalidBond(m)) if m.contains("missing")));
        let bad = pb::MsgUpdateProvider { operator: "agora1nope".into(), ..update.clone() };
        assert!(matches!(UpdateProvider::try_from(bad), Err(e) if e.to_string().contains("operator")));
        let bad = pb::MsgUpdateProvider { host_uri: "https://x?q".into(), ..update.clone() };
        assert!(matches!(UpdateProvider::try_from(bad), Err(ProviderError::InvalidHostUri { .. })));
        let bad = pb::MsgUpdateProvider { capacity: None, ..update };
        assert!(matches!(UpdateProvider::try_from(bad), Err(ProviderError::MissingCapacity)));
        assert!(DeleteProvider::try_from(pb::MsgDeleteProvider { owner: addr(1) }).is_ok());
        assert!(matches!(
            DeleteProvider::try_from(pb::MsgDeleteProvider { owner: "x".into() }),
            Err(ProviderError::InvalidAddress { .. })
        ));
    }

    #[test]
    fn audit_messages_are_validated() {
        let sign = audit_pb::MsgSignProviderAttributes {
            auditor: addr(2),
            provider: addr(1),
            attributes: vec![attr("tier", "gold"), attr("audited/soc2", "yes")],
        };
        let m = SignProviderAttributes::try_from(sign.clone()).unwrap();
        assert_eq!(m.attributes[0].key, "audited/soc2");
        assert_eq!(ProviderMsg::SignProviderAttributes(m).signers(), vec![Address::new([2; 20])]);
        let own = audit_pb::MsgSignProviderAttributes { auditor: addr(1), ..sign.clone() };
        assert!(matches!(SignProviderAttributes::try_from(own), Err(ProviderError::AuditorIsProvider { .. })));
        let empty = audit_pb::MsgSignProviderAttributes { attributes: vec![], ..sign.clone() };
        assert!(matches!(SignProviderAttributes::try_from(empty), Err(ProviderError::NoAttributesToSign)));
        let dup = audit_pb::MsgSignProviderAttributes { attributes: vec![attr("a1", "x"), attr("a1", "y")], ..sign.clone() };
        assert!(matches!(SignProviderAttributes::try_from(dup), Err(ProviderError::DuplicateAttributeKey { .. })));
        let bad = audit_pb::MsgSignProviderAttributes { provider: "nope".into(), ..sign };
        assert!(matches!(SignProviderAttributes::try_from(bad), Err(ProviderError::InvalidAddress { .. })));

        let del = audit_pb::MsgDeleteProviderAttributes { auditor: addr(2), provider: addr(1), keys: vec!["tier".into(), "region".into()] };
        let m = DeleteProviderAttributes::try_from(del.clone()).unwrap();
        assert_eq!(m.keys, vec!["region".to_string(), "tier".to_string()]);
        let dup = audit_pb::MsgDeleteProviderAttributes { keys: vec!["tier".into(), "tier".into()], ..del.clone() };
        assert!(matches!(DeleteProviderAttributes::try_from(dup), Err(ProviderError::DuplicateAttributeKey { .. })));
        let bad = audit_pb::MsgDeleteProviderAttributes { keys: vec!["-".into()], ..del.clone() };
        assert!(matches!(DeleteProviderAttributes::try_from(bad), Err(ProviderError::InvalidAttributeKey { .. })));
        let all = audit_pb::MsgDeleteProviderAttributes { keys: vec![], ..del };
        assert!(DeleteProviderAttributes::try_from(all).unwrap().keys.is_empty());
    }
}
