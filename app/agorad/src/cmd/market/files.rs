//! The provider and deployment YAML files (`localnet/examples/README.md` documents them),
//! read with `serde_yaml`. Unknown fields are refused, so a typo is an error that names the
//! field rather than a silently missing value. Units are parsed by [`super::units`].

use std::collections::BTreeSet;
use std::fmt;

use agora_proto::base::v1 as base_pb;
use agora_proto::deployment::v1 as dpb;
use agora_proto::provider::v1 as ppb;
use agora_types::{Coin, DecCoin};
use anyhow::{anyhow, bail, Context, Result};
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;

use super::units;

// ---------------------------------------------------------------------------------------------
// Scalars that YAML may write as numbers or strings.

/// A YAML scalar kept as text: `cpu: 64` and `cpu: "64"` mean the same. Floats are kept in
/// Rust's shortest round-trip form (`0.5`); booleans as `true`/`false`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scalar(pub String);

impl fmt::Display for Scalar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Scalar {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Scalar;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string or a number")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Scalar, E> {
                if !v.is_finite() {
                    return Err(E::custom(format!("{v} is not a quantity")));
                }
                Ok(Scalar(v.to_string()))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
        }
        d.deserialize_any(V)
    }
}

// ---------------------------------------------------------------------------------------------
// Attributes: a map (`region: us-west`) or a list (`- {key: region, value: us-west}`).

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AttributeEntry {
    key: String,
    value: Scalar,
}

/// `key=value` pairs in the order written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Attributes(pub Vec<(String, String)>);

impl<'de> Deserialize<'de> for Attributes {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Attributes;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a map of key: value, or a list of {key, value}")
            }
            fn visit_unit<E: de::Error>(self) -> Result<Attributes, E> {
                Ok(Attributes::default())
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Attributes, A::Error> {
                let mut out = Vec::new();
                while let Some((k, v)) = map.next_entry::<String, Scalar>()? {
                    out.push((k, v.0));
                }
                Ok(Attributes(out))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Attributes, A::Error> {
                let mut out = Vec::new();
                while let Some(e) = seq.next_element::<AttributeEntry>()? {
                    out.push((e.key, e.value.0));
                }
                Ok(Attributes(out))
            }
        }
        d.deserialize_any(V)
    }
}

impl Attributes {
    /// The protobuf list; a key given twice is an error.
    fn to_proto(&self, field: &str) -> Result<Vec<base_pb::Attribute>> {
        let mut seen = BTreeSet::new();
        let mut out = Vec::with_capacity(self.0.len());
        for (key, value) in &self.0 {
            if !seen.insert(key.as_str()) {
                bail!("{field}: attribute {key:?} is given twice");
            }
            out.push(base_pb::Attribute { key: key.clone(), value: value.clone() });
        }
        Ok(out)
    }
}

/// Splits `key=value` (CLI `--attr`).
pub fn parse_key_value(s: &str) -> Result<base_pb::Attribute> {
    let (key, value) = s.split_once('=').ok_or_else(|| anyhow!("invalid attribute {s:?}: expected key=value"))?;
    if key.is_empty() {
        bail!("invalid attribute {s:?}: empty key");
    }
    Ok(base_pb::Attribute { key: key.to_string(), value: value.to_string() })
}

// ---------------------------------------------------------------------------------------------
// Shared resource pieces.

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StorageEntry {
    pub class: String,
    pub size: Scalar,
}

fn storage_to_proto(field: &str, list: &[StorageEntry]) -> Result<Vec<base_pb::StorageCapacity>> {
    list.iter()
        .enumerate()
        .map(|(i, s)| {
            let f = format!("{field}[{i}]");
            if s.class.is_empty() {
                bail!("{f}.class must not be empty");
            }
            let bytes = units::parse_bytes(&s.size.0).with_context(|| format!("{f}.size"))?;
            Ok(base_pb::StorageCapacity { class: s.class.clone(), bytes })
        })
        .collect()
}

fn cpu(field: &str, value: &Scalar) -> Result<u64> {
    units::parse_cpu_millis(&value.0).with_context(|| field.to_string())
}

fn bytes(field: &str, value: &Scalar) -> Result<u64> {
    units::parse_bytes(&value.0).with_context(|| field.to_string())
}

/// GPU vendor, model and interface are lower case on chain; the file may use any case.
fn class(value: &str) -> String {
    value.trim().to_ascii_lowercase()
}

// ---------------------------------------------------------------------------------------------
// Provider file.

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProviderFile {
    pub host_uri: String,
    #[serde(default)]
    pub attributes: Attributes,
    #[serde(default)]
    pub info: InfoFile,
    pub capacity: CapacityFile,
    /// Only used by `tx provider create`.
    #[serde(default)]
    pub bond: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InfoFile {
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub website: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CapacityFile {
    pub cpu: Scalar,
    pub memory: Scalar,
    #[serde(default)]
    pub storage: Vec<StorageEntry>,
    #[serde(default)]
    pub gpus: Vec<GpuClassFile>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GpuClassFile {
    pub vendor: String,
    pub model: String,
    pub vram: Scalar,
    pub interface: String,
    pub count: u32,
}

/// What a provider file turns into, for `MsgCreateProvider` / `MsgUpdateProvider`.
#[derive(Debug, Clone, PartialEq)]
pub struct ProviderSpec {
    pub host_uri: String,
    pub attributes: Vec<base_pb::Attribute>,
    pub info: ppb::ProviderInfo,
    pub capacity: base_pb::Resources,
    pub bond: Option<Coin>,
}

impl ProviderFile {
    pub fn parse(text: &str) -> Result<ProviderSpec> {
        let file: ProviderFile = serde_yaml::from_str(text).map_err(|e| anyhow!("{e}"))?;
        file.to_spec()
    }

    fn to_spec(&self) -> Result<ProviderSpec> {
        let c = &self.capacity;
        let gpus = c
            .gpus
            .iter()
            .enumerate()
            .map(|(i, g)| {
                let f = format!("capacity.gpus[{i}]");
                if g.count == 0 {
                    bail!("{f}.count must be more than zero");
                }
                Ok(base_pb::GpuClass {
                    vendor: class(&g.vendor),
                    model: class(&g.model),
                    vram_gib: units::parse_gib(&g.vram.0).with_context(|| format!("{f}.vram"))?,
                    interface: class(&g.interface),
                    count: g.count,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let capacity = base_pb::Resources {
            cpu_millis: cpu("capacity.cpu", &c.cpu)?,
            memory_bytes: bytes("capacity.memory", &c.memory)?,
            storage: storage_to_proto("capacity.storage", &c.storage)?,
            gpus,
        };
        let bond = self
            .bond
            .as_deref()
            .map(|b| b.trim().parse::<Coin>().map_err(|e| anyhow!("bond: invalid coin {b:?}: {e}")))
            .transpose()?;
        Ok(ProviderSpec {
            host_uri: self.host_uri.trim().to_string(),
            attributes: self.attributes.to_proto("attributes")?,
            info: ppb::ProviderInfo { email: self.info.email.clone(), website: self.info.website.clone() },
            capacity,
            bond,
        })
    }
}

// ---------------------------------------------------------------------------------------------
// Deployment file.

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeploymentFile {
    pub groups: Vec<GroupFile>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GroupFile {
    pub name: String,
    #[serde(default)]
    pub auction: bool,
    #[serde(default)]
    pub requirements: Option<RequirementsFile>,
    pub resources: Vec<ResourceUnitFile>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RequirementsFile {
    #[serde(default)]
    pub attributes: Attributes,
    #[serde(default)]
    pub signed_by: Option<SignedByFile>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignedByFile {
    #[serde(default)]
    pub all_of: Vec<String>,
    #[serde(default)]
    pub any_of: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResourceUnitFile {
    pub cpu: Scalar,
    pub memory: Scalar,
    #[serde(default)]
    pub storage: Vec<StorageEntry>,
    #[serde(default)]
    pub gpu: Option<GpuRequestFile>,
    #[serde(default = "one")]
    pub count: u32,
    pub price: String,
}

fn one() -> u32 {
    1
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GpuRequestFile {
    pub count: u32,
    #[serde(default)]
    pub vendor: String,
    #[serde(default)]
    pub model: String,
    #[serde(default)]
    pub min_vram: Option<Scalar>,
    #[serde(default)]
    pub interface: String,
}

impl DeploymentFile {
    /// The group specs, in file order (group `i` gets gseq `i + 1`). `resolve` turns each
    /// `signed_by` entry (an address or a key name) into an address.
    pub fn parse(text: &str, resolve: &dyn Fn(&str) -> Result<String>) -> Result<Vec<dpb::GroupSpec>> {
        let file: DeploymentFile = serde_yaml::from_str(text).map_err(|e| anyhow!("{e}"))?;
        if file.groups.is_empty() {
            bail!("groups: at least one group is required");
        }
        file.groups.iter().enumerate().map(|(i, g)| g.to_proto(&format!("groups[{i}]"), resolve)).collect()
    }
}

impl GroupFile {
    fn to_proto(&self, field: &str, resolve: &dyn Fn(&str) -> Result<String>) -> Result<dpb::GroupSpec> {
        if self.resources.is_empty() {
            bail!("{field}.resources: at least one resource unit is required");
        }
        let requirements = match &self.requirements {
            None => None,
            Some(r) => {
                let signed_by = match &r.signed_by {
                    None => None,
                    Some(s) => {
                        let list = |name: &str, items: &[String]| -> Result<Vec<String>> {
                            items
                                .iter()
                                .enumerate()
                                .map(|(i, a)| resolve(a).with_context(|| format!("{field}.requirements.signed_by.{name}[{i}]")))
                                .collect()
                        };
                        Some(dpb::SignedBy { all_of: list("all_of", &s.all_of)?, any_of: list("any_of", &s.any_of)? })
                    }
                };
                Some(dpb::PlacementRequirements {
                    attributes: r.attributes.to_proto(&format!("{field}.requirements.attributes"))?,
                    signed_by,
                })
            }
        };
        let resources = self
            .resources
            .iter()
            .enumerate()
            .map(|(i, u)| u.to_proto(&format!("{field}.resources[{i}]")))
            .collect::<Result<Vec<_>>>()?;
        Ok(dpb::GroupSpec { name: self.name.clone(), requirements, resources, auction: self.auction })
    }
}

impl ResourceUnitFile {
    fn to_proto(&self, f: &str) -> Result<dpb::ResourceUnit> {
        let gpu = match &self.gpu {
            None => None,
            Some(g) => {
                if g.count == 0 {
                    bail!("{f}.gpu.count must be more than zero (leave gpu out for none)");
                }
                let min_vram_gib = match &g.min_vram {
                    None => 0,
                    Some(v) => units::parse_gib(&v.0).with_context(|| format!("{f}.gpu.min_vram"))?,
                };
                Some(dpb::GpuRequest {
                    count: g.count,
                    vendor: class(&g.vendor),
                    model: class(&g.model),
                    min_vram_gib,
                    interface: class(&g.interface),
                })
            }
        };
        if self.count == 0 {
            bail!("{f}.count must be more than zero");
        }
        let price: DecCoin = self.price.parse().map_err(|e| anyhow!("{f}.price: {e}"))?;
        Ok(dpb::ResourceUnit {
            cpu_millis: cpu(&format!("{f}.cpu"), &self.cpu)?,
            memory_bytes: bytes(&format!("{f}.memory"), &self.memory)?,
            storage: storage_to_proto(&format!("{f}.storage"), &self.storage)?,
            gpu,
            count: self.count,
            price: Some(price.to_proto()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_resolve(s: &str) -> Result<String> {
        Ok(s.to_string())
    }

    const PROVIDER: &str = r#"
host_uri: https://provider.example.com
attributes:
  region: us-west
  tier: 1
info:
  email: ops@example.com
  website: https://example.com
capacity:
  cpu: 128
  memory: 1Ti
  storage:
    - class: nvme
      size: 30Ti
  gpus:
    - vendor: NVIDIA
      model: A100
      vram: 80Gi
      interface: SXM
      count: 8
bond: 100000000uagora
"#;

    #[test]
    fn provider_file_parses_with_units() {
        let spec = ProviderFile::parse(PROVIDER).expect("parse");
        assert_eq!(spec.host_uri, "https://provider.example.com");
        assert_eq!(
            spec.attributes,
            vec![
                base_pb::Attribute { key: "region".into(), value: "us-west".into() },
                base_pb::Attribute { key: "tier".into(), value: "1".into() },
            ]
        );
        assert_eq!(spec.info.email, "ops@example.com");
        assert_eq!(spec.capacity.cpu_millis, 128_000);
        assert_eq!(spec.capacity.memory_bytes, 1 << 40);
        assert_eq!(spec.capacity.storage, vec![base_pb::StorageCapacity { class: "nvme".into(), bytes: 30 << 40 }]);
        assert_eq!(
            spec.capacity.gpus,
            vec![base_pb::GpuClass { vendor: "nvidia".into(), model: "a100".into(), vram_gib: 80, interface: "sxm".into(), count: 8 }]
        );
        assert_eq!(spec.bond.map(|b| b.to_string()), Some("100000000uagora".to_string()));
    }

    #[test]
    fn provider_attributes_may_be_a_list_and_cpu_millicores() {
        let text = r#"
host_uri: https://p.example.com
attributes:
  - key: region
    value: eu
capacity:
  cpu: "64000m"
  memory: 512Gi
"#;
        let spec = ProviderFile::parse(text).expect("parse");
        assert_eq!(spec.attributes, vec![base_pb::Attribute { key: "region".into(), value: "eu".into() }]);
        assert_eq!(spec.capacity.cpu_millis, 64_000);
        assert_eq!(spec.capacity.memory_bytes, 512 << 30);
        assert!(spec.capacity.gpus.is_empty());
        assert_eq!(spec.bond, None);
        assert_eq!(spec.info, ppb::ProviderInfo::default());
    }

    #[test]
    fn unknown_fields_are_refused_by_name() {
        let text = PROVIDER.replace("  memory: 1Ti", "  memory: 1Ti\n  ram: 1Ti");
        let e = ProviderFile::parse(&text).expect_err("unknown").to_string();
        assert!(e.contains("unknown field `ram`"), "{e}");
        let text = PROVIDER.replace("      count: 8", "      count: 8\n      cores: 2");
        let e = ProviderFile::parse(&text).expect_err("unknown").to_string();
        assert!(e.contains("unknown field `cores`"), "{e}");
        let text = r#"
groups:
  - name: g
    resources:
      - cpu: 1
        memory: 1Gi
        price: 1uagora
        replicas: 2
"#;
        let e = DeploymentFile::parse(text, &no_resolve).expect_err("unknown").to_string();
        assert!(e.contains("unknown field `replicas`"), "{e}");
        let e = DeploymentFile::parse("groups: []\nversion: 2\n", &no_resolve).expect_err("unknown").to_string();
        assert!(e.contains("unknown field `version`"), "{e}");
    }

    #[test]
    fn bad_units_name_their_field() {
        let text = PROVIDER.replace("vram: 80Gi", "vram: 80G");
        let e = format!("{:#}", ProviderFile::parse(&text).expect_err("vram"));
        assert!(e.contains("capacity.gpus[0].vram"), "{e}");
        let text = PROVIDER.replace("size: 30Ti", "size: 30TB");
        let e = format!("{:#}", ProviderFile::parse(&text).expect_err("size"));
        assert!(e.contains("capacity.storage[0].size") && e.contains("unknown unit"), "{e}");
        let text = PROVIDER.replace("cpu: 128", "cpu: 0.0001");
        let e = format!("{:#}", ProviderFile::parse(&text).expect_err("cpu"));
        assert!(e.contains("capacity.cpu"), "{e}");
        let text = PROVIDER.replace("bond: 100000000uagora", "bond: lots");
        assert!(format!("{:#}", ProviderFile::parse(&text).expect_err("bond")).contains("bond"));
    }

    #[test]
    fn duplicate_attributes_are_refused() {
        let text = r#"
host_uri: https://p.example.com
attributes:
  - {key: region, value: eu}
  - {key: region, value: us}
capacity: {cpu: 1, memory: 1Gi}
"#;
        let e = format!("{:#}", ProviderFile::parse(text).expect_err("dup"));
        assert!(e.contains("\"region\" is given twice"), "{e}");
    }

    #[test]
    fn deployment_file_parses() {
        let text = r#"
groups:
  - name: train
    auction: false
    requirements:
      attributes:
        region: us-west
      signed_by:
        any_of: [auditor1]
    resources:
      - cpu: 16
        memory: 128Gi
        storage:
          - class: nvme
            size: 1Ti
        gpu:
          count: 2
          vendor: nvidia
          model: a100
          min_vram: 80Gi
          interface: sxm
        count: 2
        price: 12.5uagora
  - name: web
    resources:
      - cpu: 500m
        memory: 512Mi
        price: "0.25uagora"
"#;
        let resolve = |s: &str| -> Result<String> { Ok(format!("resolved-{s}")) };
        let groups = DeploymentFile::parse(text, &resolve).expect("parse");
        assert_eq!(groups.len(), 2);
        let g = &groups[0];
        assert_eq!(g.name, "train");
        assert!(!g.auction);
        let req = g.requirements.as_ref().expect("requirements");
        assert_eq!(req.attributes, vec![base_pb::Attribute { key: "region".into(), value: "us-west".into() }]);
        assert_eq!(
            req.signed_by,
            Some(dpb::SignedBy { all_of: vec![], any_of: vec!["resolved-auditor1".into()] })
        );
        let u = &g.resources[0];
        assert_eq!((u.cpu_millis, u.memory_bytes, u.count), (16_000, 128 << 30, 2));
        assert_eq!(u.storage, vec![base_pb::StorageCapacity { class: "nvme".into(), bytes: 1 << 40 }]);
        assert_eq!(
            u.gpu,
            Some(dpb::GpuRequest { count: 2, vendor: "nvidia".into(), model: "a100".into(), min_vram_gib: 80, interface: "sxm".into() })
        );
        assert_eq!(u.price, Some(base_pb::DecCoin { denom: "uagora".into(), amount: "12.5".into() }));
        let web = &groups[1];
        assert!(web.requirements.is_none());
        assert_eq!((web.resources[0].cpu_millis, web.resources[0].memory_bytes, web.resources[0].count), (500, 512 << 20, 1));
        assert_eq!(web.resources[0].gpu, None);
        assert_eq!(web.resources[0].price.as_ref().map(|p| p.amount.as_str()), Some("0.25"));
    }

    #[test]
    fn deployment_file_errors() {
        assert!(DeploymentFile::parse("groups: []\n", &no_resolve).is_err());
        let text = "groups:\n  - name: g\n    resources:\n      - {cpu: 1, memory: 1Gi, price: tenuagora}\n";
        let e = format!("{:#}", DeploymentFile::parse(text, &no_resolve).expect_err("price"));
        assert!(e.contains("groups[0].resources[0].price"), "{e}");
        let text = "groups:\n  - name: g\n    resources:\n      - {cpu: 1, memory: 1Gi, price: 1uagora, gpu: {count: 1, min_vram: 1.5Gi}}\n";
        let e = format!("{:#}", DeploymentFile::parse(text, &no_resolve).expect_err("vram"));
        assert!(e.contains("groups[0].resources[0].gpu.min_vram"), "{e}");
        let text = "groups:\n  - name: g\n    resources: []\n";
        assert!(DeploymentFile::parse(text, &no_resolve).is_err());
    }

    #[test]
    fn key_value_flags() {
        assert_eq!(parse_key_value("a=b=c").expect("kv"), base_pb::Attribute { key: "a".into(), value: "b=c".into() });
        assert!(parse_key_value("novalue").is_err());
        assert!(parse_key_value("=x").is_err());
    }
}
