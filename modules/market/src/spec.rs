//! Group specs: their stateless validation, the price and resources they add up to, and
//! placement — whether a provider's attributes (or its auditors') meet the requirements.

use agora_proto::base::v1::{Attribute, StorageCapacity};
use agora_proto::deployment::v1 as dpb;
use agora_provider::resources::{GpuDemand, ReplicaDemand};
use agora_types::{Address, Dec, DecCoin, Denom};

use crate::MarketError;

/// Stateless bounds of a group spec (params may tighten the counts).
pub const MAX_GROUP_NAME_LEN: usize = 64;
pub const MAX_UNITS: usize = 16;
pub const MAX_REPLICAS: u32 = 1_000;
pub const MAX_REQUIRED_ATTRIBUTES: usize = 32;
pub const MAX_AUDITORS: usize = 16;
pub const MAX_VOLUMES: usize = 8;
pub const CPU_MILLIS: (u64, u64) = (10, 384_000);
pub const MEMORY_BYTES: (u64, u64) = (1 << 20, 2 << 40);
pub const STORAGE_BYTES: (u64, u64) = (5 << 20, 32 << 40);
pub const MAX_GPUS_PER_REPLICA: u32 = 24;
/// Highest price per block of one unit: 10^9 whole units of its denom, so a rate times any
/// realistic number of blocks stays far inside u128.
pub const MAX_UNIT_PRICE_UNITS: u128 = 1_000_000_000;

fn invalid(msg: String) -> MarketError {
    MarketError::InvalidGroupSpec(msg)
}

fn is_name(s: &str, max: usize) -> bool {
    !s.is_empty()
        && s.len() <= max
        && s.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

fn is_class(s: &str) -> bool {
    let bytes = s.as_bytes();
    !bytes.is_empty()
        && bytes.len() <= 64
        && (bytes[0].is_ascii_lowercase() || bytes[0].is_ascii_digit())
        && bytes.iter().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'_' | b'-'))
}

/// Requirement keys follow provider attribute keys, and may also use `*`.
fn is_requirement_key(key: &str) -> bool {
    let bytes = key.as_bytes();
    (2..=127).contains(&bytes.len())
        && (bytes[0].is_ascii_alphabetic() || bytes[0] == b'*')
        && bytes[1..].iter().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'/' | b'.' | b'-' | b'*'))
}

fn in_range(field: &str, value: u64, (min, max): (u64, u64)) -> Result<(), MarketError> {
    if value < min || value > max {
        return Err(invalid(format!("{field} {value} is outside {min}..={max}")));
    }
    Ok(())
}

/// A spec that passed every stateless check, with what it adds up to.
#[derive(Clone, Debug, PartialEq)]
pub struct ValidSpec {
    pub proto: dpb::GroupSpec,
    /// Maximum total price per block (all units, all replicas).
    pub max_price: DecCoin,
}

/// Validates one group spec; `field` names it in errors (`groups[0]`).
pub fn validate(field: &str, spec: &dpb::GroupSpec) -> Result<ValidSpec, MarketError> {
    if !is_name(&spec.name, MAX_GROUP_NAME_LEN) {
        return Err(invalid(format!("{field}.name {:?} must be 1-{MAX_GROUP_NAME_LEN} of [A-Za-z0-9._-]", spec.name)));
    }
    if let Some(req) = &spec.requirements {
        if req.attributes.len() > MAX_REQUIRED_ATTRIBUTES {
            return Err(invalid(format!("{field}.requirements: more than {MAX_REQUIRED_ATTRIBUTES} attributes")));
        }
        for (i, attr) in req.attributes.iter().enumerate() {
            if !is_requirement_key(&attr.key) {
                return Err(invalid(format!("{field}.requirements.attributes[{i}]: invalid key {:?}", attr.key)));
            }
            if attr.value.is_empty() || attr.value.len() > 256 {
                return Err(invalid(format!("{field}.requirements.attributes[{i}]: value must be 1-256 bytes")));
            }
        }
        if let Some(signed) = &req.signed_by {
            for (list, name) in [(&signed.all_of, "all_of"), (&signed.any_of, "any_of")] {
                if list.len() > MAX_AUDITORS {
                    return Err(invalid(format!("{field}.requirements.signed_by.{name}: more than {MAX_AUDITORS} auditors")));
                }
                for (i, auditor) in list.iter().enumerate() {
                    auditor.parse::<Address>().map_err(|e| {
                        MarketError::InvalidAddress(format!("{field}.requirements.signed_by.{name}[{i}]: {e}"))
                    })?;
                    if list[..i].contains(auditor) {
                        return Err(invalid(format!("{field}.requirements.signed_by.{name}: duplicate auditor {auditor}")));
                    }
                }
            }
        }
    }
    if spec.resources.is_empty() || spec.resources.len() > MAX_UNITS {
        return Err(invalid(format!("{field}.resources must have 1-{MAX_UNITS} units")));
    }
    let mut total: Option<DecCoin> = None;
    for (i, unit) in spec.resources.iter().enumerate() {
        let f = format!("{field}.resources[{i}]");
        in_range(&format!("{f}.cpu_millis"), unit.cpu_millis, CPU_MILLIS)?;
        in_range(&format!("{f}.memory_bytes"), unit.memory_bytes, MEMORY_BYTES)?;
        if unit.storage.len() > MAX_VOLUMES {
            return Err(invalid(format!("{f}.storage: more than {MAX_VOLUMES} volumes")));
        }
        for (j, volume) in unit.storage.iter().enumerate() {
            if !is_class(&volume.class) {
                return Err(invalid(format!("{f}.storage[{j}].class {:?} must match [a-z0-9][a-z0-9._-]{{0,63}}", volume.class)));
            }
            in_range(&format!("{f}.storage[{j}].bytes"), volume.bytes, STORAGE_BYTES)?;
        }
        if let Some(gpu) = &unit.gpu {
            if gpu.count == 0 || gpu.count > MAX_GPUS_PER_REPLICA {
                return Err(invalid(format!("{f}.gpu.count {} is outside 1..={MAX_GPUS_PER_REPLICA}", gpu.count)));
            }
            for (value, name) in [(&gpu.vendor, "vendor"), (&gpu.model, "model"), (&gpu.interface, "interface")] {
                if !value.is_empty() && !is_class(value) {
                    return Err(invalid(format!("{f}.gpu.{name} {value:?} must be lower case [a-z0-9._-]")));
                }
            }
        }
        if unit.count == 0 || unit.count > MAX_REPLICAS {
            return Err(invalid(format!("{f}.count {} is outside 1..={MAX_REPLICAS}", unit.count)));
        }
        let price = unit.price.as_ref().ok_or_else(|| MarketError::InvalidPrice(format!("{f}.price is required")))?;
        let price = DecCoin::from_proto(&format!("{f}.price"), price).map_err(MarketError::InvalidPrice)?;
        let max = Dec::from_units(MAX_UNIT_PRICE_UNITS);
        if price.amount.is_zero() || price.amount > max {
            return Err(MarketError::InvalidPrice(format!("{f}.price {price} must be positive and at most {max}")));
        }
        let unit_total = price.amount.checked_mul_int(u128::from(unit.count)).ok_or_else(|| MarketError::InvalidPrice(format!("{f}: price overflows")))?;
        total = Some(match total {
            None => DecCoin::new(price.denom, unit_total),
            Some(sum) if sum.denom == price.denom => DecCoin::new(
                sum.denom,
                sum.amount.checked_add(unit_total).ok_or_else(|| MarketError::InvalidPrice(format!("{f}: price overflows")))?,
            ),
            Some(sum) => {
                return Err(MarketError::InvalidPrice(format!("{f}.price is in {} but earlier units are in {}", price.denom, sum.denom)))
            }
        });
    }
    let max_price = total.ok_or_else(|| invalid(format!("{field}.resources is empty")))?;
    Ok(ValidSpec { proto: spec.clone(), max_price })
}

/// The total maximum price per block of a stored (already validated) spec.
pub fn max_price(spec: &dpb::GroupSpec) -> Result<DecCoin, MarketError> {
    validate("spec", spec).map(|v| v.max_price).map_err(|e| MarketError::Internal(format!("stored spec: {e}")))
}

/// What a group needs from a provider, replica set by replica set.
pub fn demand(spec: &dpb::GroupSpec) -> Vec<ReplicaDemand> {
    spec.resources
        .iter()
        .map(|unit| ReplicaDemand {
            cpu_millis: unit.cpu_millis,
            memory_bytes: unit.memory_bytes,
            storage: unit.storage.iter().map(|s| StorageCapacity { class: s.class.clone(), bytes: s.bytes }).collect(),
            gpu: unit.gpu.as_ref().map(|g| GpuDemand {
                count: g.count,
                vendor: g.vendor.clone(),
                model: g.model.clone(),
                min_vram_gib: g.min_vram_gib,
                interface: g.interface.clone(),
            }),
            replicas: unit.count,
        })
        .collect()
}

/// Gas per step of the placement matcher: its worst case is pattern length × key length per
/// pair, over every required attribute × every attribute of the provider or auditor, so it
/// is paid by the step, as it runs.
pub const MATCH_STEP_GAS: u64 = 5;
/// Steps between two charges: work beyond the gas paid is at most this much.
const STEPS_PER_CHARGE: u64 = 256;

/// Pays for matcher steps as they are taken (see [`MATCH_STEP_GAS`]).
pub struct StepMeter<'c> {
    charge: &'c dyn Fn(u64) -> Result<(), MarketError>,
    unpaid: u64,
}

impl<'c> StepMeter<'c> {
    pub fn new(charge: &'c dyn Fn(u64) -> Result<(), MarketError>) -> Self {
        Self { charge, unpaid: 0 }
    }

    /// A meter that charges nothing (stateless checks, tests).
    pub fn free() -> StepMeter<'static> {
        StepMeter { charge: &|_| Ok(()), unpaid: 0 }
    }

    fn step(&mut self) -> Result<(), MarketError> {
        self.unpaid += 1;
        if self.unpaid >= STEPS_PER_CHARGE {
            self.settle()?;
        }
        Ok(())
    }

    /// Charges the steps taken since the last charge.
    pub fn settle(&mut self) -> Result<(), MarketError> {
        let steps = std::mem::take(&mut self.unpaid);
        if steps > 0 {
            (self.charge)(steps.saturating_mul(MATCH_STEP_GAS))?;
        }
        Ok(())
    }
}

/// `*` matches any run of characters (including `/`); everything else matches itself.
pub fn wildcard_match(pattern: &str, text: &str) -> bool {
    metered_wildcard_match(pattern, text, &mut StepMeter::free()).unwrap_or(false)
}

/// [`wildcard_match`], paying for every step on `meter` (it stops when the meter fails).
pub fn metered_wildcard_match(pattern: &str, text: &str, meter: &mut StepMeter<'_>) -> Result<bool, MarketError> {
    let (p, t) = (pattern.as_bytes(), text.as_bytes());
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    meter.step()?;
    while ti < t.len() {
        meter.step()?;
        if pi < p.len() && p[pi] == b'*' {
            star = Some((pi, ti));
            pi += 1;
        } else if pi < p.len() && p[pi] == t[ti] {
            pi += 1;
            ti += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return Ok(false);
        }
    }
    for &b in &p[pi..] {
        meter.step()?;
        if b != b'*' {
            return Ok(false);
        }
    }
    Ok(true)
}

/// The first required attribute that `have` does not satisfy, paying for the matching.
pub fn first_unmet<'a>(required: &'a [Attribute], have: &[Attribute], meter: &mut StepMeter<'_>) -> Result<Option<&'a Attribute>, MarketError> {
    for req in required {
        let mut met = false;
        for attribute in have {
            if attribute.value == req.value && metered_wildcard_match(&req.key, &attribute.key, meter)? {
                met = true;
                break;
            }
        }
        if !met {
            meter.settle()?;
            return Ok(Some(req));
        }
    }
    meter.settle()?;
    Ok(None)
}

/// Checks placement: without `signed_by`, the provider's own attributes must meet the
/// requirements; with it, the named auditors' signed attributes must (all of `all_of`, at
/// least one of `any_of`), and the provider's own claims are not considered.
pub fn check_requirements(
    spec: &dpb::GroupSpec,
    own: &[Attribute],
    audited: impl Fn(&Address) -> Result<Vec<Attribute>, MarketError>,
    meter: &mut StepMeter<'_>,
) -> Result<Result<(), String>, MarketError> {
    let Some(req) = &spec.requirements else {
        return Ok(Ok(()));
    };
    let signed = req.signed_by.clone().unwrap_or_default();
    if signed.all_of.is_empty() && signed.any_of.is_empty() {
        return Ok(match first_unmet(&req.attributes, own, meter)? {
            Some(a) => Err(format!("missing attribute {}={}", a.key, a.value)),
            None => Ok(()),
        });
    }
    let parse = |s: &String| s.parse::<Address>().map_err(|e| MarketError::Internal(format!("stored auditor: {e}")));
    for auditor in &signed.all_of {
        if let Some(a) = first_unmet(&req.attributes, &audited(&parse(auditor)?)?, meter)? {
            return Ok(Err(format!("auditor {auditor} has not signed {}={}", a.key, a.value)));
        }
    }
    if !signed.any_of.is_empty() {
        let mut any = false;
        for auditor in &signed.any_of {
            if first_unmet(&req.attributes, &audited(&parse(auditor)?)?, meter)?.is_none() {
                any = true;
                break;
            }
        }
        if !any {
            return Ok(Err("none of the any_of auditors has signed every required attribute".into()));
        }
    }
    Ok(Ok(()))
}

/// The denom a spec is priced in.
pub fn price_denom(spec: &ValidSpec) -> &Denom {
    &spec.max_price.denom
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attr(k: &str, v: &str) -> Attribute {
        Attribute { key: k.into(), value: v.into() }
    }

    #[test]
    fn wildcards_match_runs_of_characters() {
        assert!(wildcard_match("region", "region"));
        assert!(wildcard_match("capabilities/gpu/*/a100", "capabilities/gpu/vendor/nvidia/model/a100"));
        assert!(wildcard_match("*", "anything"));
        assert!(wildcard_match("reg*n", "region"));
        assert!(!wildcard_match("region", "regions"));
        assert!(!wildcard_match("a*b", "acbc"));
        assert!(wildcard_match("a*b*", "acbc"));
    }

    #[test]
    fn requirements_use_own_attributes_unless_auditors_are_named() {
        let mut spec = dpb::GroupSpec {
            requirements: Some(dpb::PlacementRequirements { attributes: vec![attr("region", "eu")], signed_by: None }),
            ..Default::default()
        };
        let own = vec![attr("region", "eu")];
        let none = |_: &Address| Ok(Vec::new());
        assert_eq!(check_requirements(&spec, &own, none, &mut StepMeter::free()).expect("check"), Ok(()));
        assert!(check_requirements(&spec, &[], none, &mut StepMeter::free()).expect("check").is_err());

        let auditor = Address::new([5; 20]);
        spec.requirements = Some(dpb::PlacementRequirements {
            attributes: vec![attr("region", "eu")],
            signed_by: Some(dpb::SignedBy { all_of: vec![auditor.to_bech32()], any_of: vec![] }),
        });
        // Own claims do not count once auditors are named.
        assert!(check_requirements(&spec, &own, none, &mut StepMeter::free()).expect("check").is_err());
        let signed = |a: &Address| Ok(if *a == auditor { vec![attr("region", "eu")] } else { vec![] });
        assert_eq!(check_requirements(&spec, &[], signed, &mut StepMeter::free()).expect("check"), Ok(()));
    }
}
