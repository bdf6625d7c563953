//! Arithmetic on typed compute resources ([`Resources`]): canonical form, checked sums and
//! differences, containment, and `plan`, which decides what a provider would allocate to a
//! group's demand.
//!
//! Canonical form: storage sorted by class, GPUs sorted by (vendor, model, vram_gib,
//! interface), duplicates merged, zero amounts dropped. Everything the module stores is
//! canonical. All arithmetic is checked: overflow is an error (or `None`), never a panic.

use std::collections::BTreeMap;

use agora_proto::base::v1::{GpuClass, Resources, StorageCapacity};

use crate::ProviderError;

/// Identity of a GPU class: (vendor, model, vram_gib, interface). Orders classes canonically.
pub type GpuKey = (String, String, u32, String);

pub fn gpu_key(class: &GpuClass) -> GpuKey {
    (class.vendor.clone(), class.model.clone(), class.vram_gib, class.interface.clone())
}

/// `vendor/model/vram/interface`, e.g. `nvidia/a100/80/sxm`.
pub fn gpu_label(class: &GpuClass) -> String {
    format!("{}/{}/{}/{}", class.vendor, class.model, class.vram_gib, class.interface)
}

fn key_label(key: &GpuKey) -> String {
    format!("{}/{}/{}/{}", key.0, key.1, key.2, key.3)
}

/// Resources as ordered maps: the working form of every operation here.
#[derive(Default)]
struct Tally {
    cpu_millis: u64,
    memory_bytes: u64,
    storage: BTreeMap<String, u64>,
    gpus: BTreeMap<GpuKey, u32>,
}

impl Tally {
    fn from_resources(r: &Resources) -> Result<Self, ProviderError> {
        let mut t = Tally { cpu_millis: r.cpu_millis, memory_bytes: r.memory_bytes, ..Tally::default() };
        t.add_lists(&r.storage, &r.gpus)?;
        Ok(t)
    }

    fn add_lists(&mut self, storage: &[StorageCapacity], gpus: &[GpuClass]) -> Result<(), ProviderError> {
        for s in storage {
            let entry = self.storage.entry(s.class.clone()).or_insert(0);
            *entry = entry
                .checked_add(s.bytes)
                .ok_or_else(|| ProviderError::ResourceOverflow(format!("storage {}", s.class)))?;
        }
        for g in gpus {
            let entry = self.gpus.entry(gpu_key(g)).or_insert(0);
            *entry =
                entry.checked_add(g.count).ok_or_else(|| ProviderError::ResourceOverflow(format!("gpu {}", gpu_label(g))))?;
        }
        Ok(())
    }

    fn add(&mut self, r: &Resources) -> Result<(), ProviderError> {
        self.cpu_millis =
            self.cpu_millis.checked_add(r.cpu_millis).ok_or_else(|| ProviderError::ResourceOverflow("cpu_millis".into()))?;
        self.memory_bytes = self
            .memory_bytes
            .checked_add(r.memory_bytes)
            .ok_or_else(|| ProviderError::ResourceOverflow("memory_bytes".into()))?;
        self.add_lists(&r.storage, &r.gpus)
    }

    fn into_resources(self) -> Resources {
        Resources {
            cpu_millis: self.cpu_millis,
            memory_bytes: self.memory_bytes,
            storage: self
                .storage
                .into_iter()
                .filter(|(_, bytes)| *bytes > 0)
                .map(|(class, bytes)| StorageCapacity { class, bytes })
                .collect(),
            gpus: self
                .gpus
                .into_iter()
                .filter(|(_, count)| *count > 0)
                .map(|((vendor, model, vram_gib, interface), count)| GpuClass { vendor, model, vram_gib, interface, count })
                .collect(),
        }
    }
}

/// The canonical form of `r` (duplicates merged with checked addition).
pub fn normalize(r: &Resources) -> Result<Resources, ProviderError> {
    Ok(Tally::from_resources(r)?.into_resources())
}

/// `a + b`, canonical.
pub fn checked_add(a: &Resources, b: &Resources) -> Result<Resources, ProviderError> {
    let mut t = Tally::from_resources(a)?;
    t.add(b)?;
    Ok(t.into_resources())
}

/// `a - b`, canonical; an error if any component of `b` exceeds `a`'s.
pub fn checked_sub(a: &Resources, b: &Resources) -> Result<Resources, ProviderError> {
    let mut t = Tally::from_resources(a)?;
    let b = Tally::from_resources(b)?;
    let under = |what: String, need: u128, have: u128| ProviderError::ResourceUnderflow(format!("{what}: subtract {need} from {have}"));
    t.cpu_millis = t
        .cpu_millis
        .checked_sub(b.cpu_millis)
        .ok_or_else(|| under("cpu_millis".into(), b.cpu_millis.into(), t.cpu_millis.into()))?;
    t.memory_bytes = t
        .memory_bytes
        .checked_sub(b.memory_bytes)
        .ok_or_else(|| under("memory_bytes".into(), b.memory_bytes.into(), t.memory_bytes.into()))?;
    for (class, bytes) in b.storage {
        let have = t.storage.get(&class).copied().unwrap_or(0);
        let left = have.checked_sub(bytes).ok_or_else(|| under(format!("storage {class}"), bytes.into(), have.into()))?;
        t.storage.insert(class, left);
    }
    for (key, count) in b.gpus {
        let have = t.gpus.get(&key).copied().unwrap_or(0);
        let left = have.checked_sub(count).ok_or_else(|| under(format!("gpu {}", key_label(&key)), count.into(), have.into()))?;
        t.gpus.insert(key, left);
    }
    Ok(t.into_resources())
}

/// Sums per storage class and per GPU class in u128, which cannot overflow for any list that
/// fits in memory.
fn wide(r: &Resources) -> (BTreeMap<&str, u128>, BTreeMap<GpuKey, u128>) {
    let mut storage: BTreeMap<&str, u128> = BTreeMap::new();
    for s in &r.storage {
        *storage.entry(s.class.as_str()).or_insert(0) += u128::from(s.bytes);
    }
    let mut gpus: BTreeMap<GpuKey, u128> = BTreeMap::new();
    for g in &r.gpus {
        *gpus.entry(gpu_key(g)).or_insert(0) += u128::from(g.count);
    }
    (storage, gpus)
}

/// Whether `outer` has at least `inner` of every component (per storage class, per GPU class).
pub fn contains(outer: &Resources, inner: &Resources) -> bool {
    shortfall(outer, inner).is_none()
}

/// The first component `outer` lacks to hold `inner`, in human words, e.g.
/// `"gpu nvidia/a100/80/sxm: need 8, have 4"`; `None` if `outer` contains `inner`.
pub fn shortfall(outer: &Resources, inner: &Resources) -> Option<String> {
    if inner.cpu_millis > outer.cpu_millis {
        return Some(format!("cpu_millis: need {}, have {}", inner.cpu_millis, outer.cpu_millis));
    }
    if inner.memory_bytes > outer.memory_bytes {
        return Some(format!("memory_bytes: need {}, have {}", inner.memory_bytes, outer.memory_bytes));
    }
    let (outer_storage, outer_gpus) = wide(outer);
    let (inner_storage, inner_gpus) = wide(inner);
    for (class, need) in inner_storage {
        let have = outer_storage.get(class).copied().unwrap_or(0);
        if need > have {
            return Some(format!("storage {class}: need {need}, have {have}"));
        }
    }
    for (key, need) in inner_gpus {
        let have = outer_gpus.get(&key).copied().unwrap_or(0);
        if need > have {
            return Some(format!("gpu {}: need {need}, have {have}", key_label(&key)));
        }
    }
    None
}

/// One replica set of a group: `replicas` copies of these per-replica needs.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ReplicaDemand {
    pub cpu_millis: u64,
    pub memory_bytes: u64,
    pub storage: Vec<StorageCapacity>,
    pub gpu: Option<GpuDemand>,
    pub replicas: u32,
}

/// GPUs one replica needs, all of one class. An empty string matches any value; `min_vram_gib`
/// is a minimum.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GpuDemand {
    pub count: u32,
    pub vendor: String,
    pub model: String,
    pub min_vram_gib: u32,
    pub interface: String,
}

/// Whether GPUs of `class` satisfy `demand` (ignoring counts).
pub fn gpu_matches(class: &GpuClass, demand: &GpuDemand) -> bool {
    (demand.vendor.is_empty() || demand.vendor == class.vendor)
        && (demand.model.is_empty() || demand.model == class.model)
        && class.vram_gib >= demand.min_vram_gib
        && (demand.interface.is_empty() || demand.interface == class.interface)
}

/// The concrete resources a provider with `free` resources would allocate to `demand`, or
/// `None` if it does not fit (or the arithmetic overflows).
///
/// Deterministic: demands in order, replica by replica; each replica takes all its GPUs from
/// ONE class: the first class (canonical order) that matches and still has `count` free.
/// Replicas of one demand are placed in bulk, which gives the same result as placing them one
/// by one: a class that has dropped below `count` never becomes eligible again, so the
/// replicas fill the first eligible class as far as it goes, then the next.
pub fn plan(free: &Resources, demand: &[ReplicaDemand]) -> Option<Resources> {
    let mut left = Tally::from_resources(free).ok()?;
    let mut taken = Tally::default();
    for d in demand {
        let replicas = u64::from(d.replicas);
        if replicas == 0 {
            continue;
        }
        let cpu = d.cpu_millis.checked_mul(replicas)?;
        left.cpu_millis = left.cpu_millis.checked_sub(cpu)?;
        taken.cpu_millis = taken.cpu_millis.checked_add(cpu)?;
        let memory = d.memory_bytes.checked_mul(replicas)?;
        left.memory_bytes = left.memory_bytes.checked_sub(memory)?;
        taken.memory_bytes = taken.memory_bytes.checked_add(memory)?;
        for s in &d.storage {
            let bytes = s.bytes.checked_mul(replicas)?;
            if bytes == 0 {
                continue;
            }
            let have = left.storage.get_mut(&s.class)?;
            *have = have.checked_sub(bytes)?;
            let got = taken.storage.entry(s.class.clone()).or_insert(0);
            *got = got.checked_add(bytes)?;
        }
        let Some(gpu) = d.gpu.as_ref().filter(|g| g.count > 0) else {
            continue;
        };
        let mut unplaced = replicas;
        for (key, have) in left.gpus.iter_mut() {
            if unplaced == 0 {
                break;
            }
            let class = GpuClass {
                vendor: key.0.clone(),
                model: key.1.clone(),
                vram_gib: key.2,
                interface: key.3.clone(),
                count: *have,
            };
            if !gpu_matches(&class, gpu) {
                continue;
            }
            let fit = u64::from(*have / gpu.count).min(unplaced);
            if fit == 0 {
                continue;
            }
            // fit ≤ have / count, so fit * count ≤ have fits in u32.
            let count = u32::try_from(fit.checked_mul(u64::from(gpu.count))?).ok()?;
            *have = have.checked_sub(count)?;
            let got = taken.gpus.entry(key.clone()).or_insert(0);
            *got = got.checked_add(count)?;
            unplaced -= fit;
        }
        if unplaced > 0 {
            return None;
        }
    }
    Some(taken.into_resources())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn gpu(vendor: &str, model: &str, vram: u32, interface: &str, count: u32) -> GpuClass {
        GpuClass { vendor: vendor.into(), model: model.into(), vram_gib: vram, interface: interface.into(), count }
    }

    fn storage(class: &str, bytes: u64) -> StorageCapacity {
        StorageCapacity { class: class.into(), bytes }
    }

    fn res(cpu: u64, mem: u64, storage: Vec<StorageCapacity>, gpus: Vec<GpuClass>) -> Resources {
        Resources { cpu_millis: cpu, memory_bytes: mem, storage, gpus }
    }

    fn any_gpu(count: u32) -> GpuDemand {
        GpuDemand { count, ..GpuDemand::default() }
    }

    #[test]
    fn normalize_sorts_merges_and_drops_zeros() {
        let r = res(
            1,
            2,
            vec![storage("nvme", 5), storage("default", 0), storage("nvme", 6), storage("beta", 1)],
            vec![gpu("nvidia", "h100", 80, "sxm", 2), gpu("amd", "mi300x", 192, "oam", 0), gpu("nvidia", "a100", 80, "sxm", 1), gpu("nvidia", "h100", 80, "sxm", 3)],
        );
        let n = normalize(&r).unwrap();
        assert_eq!(n.storage, vec![storage("beta", 1), storage("nvme", 11)]);
        assert_eq!(n.gpus, vec![gpu("nvidia", "a100", 80, "sxm", 1), gpu("nvidia", "h100", 80, "sxm", 5)]);
        assert_eq!(normalize(&n).unwrap(), n);
    }

    #[test]
    fn arithmetic_overflow_is_an_error_not_a_panic() {
        let big = res(u64::MAX, 0, vec![storage("a", u64::MAX)], vec![gpu("v", "m", 1, "i", u32::MAX)]);
        assert!(matches!(checked_add(&big, &res(1, 0, vec![], vec![])), Err(ProviderError::ResourceOverflow(_))));
        assert!(matches!(normalize(&res(0, 0, vec![storage("a", u64::MAX), storage("a", 1)], vec![])), Err(ProviderError::ResourceOverflow(_))));
        assert!(matches!(
            checked_add(&big, &res(0, 0, vec![], vec![gpu("v", "m", 1, "i", 1)])),
            Err(ProviderError::ResourceOverflow(_))
        ));
        assert!(contains(&big, &big));
    }

    #[test]
    fn checked_sub_refuses_to_go_negative() {
        let a = res(10, 10, vec![storage("nvme", 10)], vec![gpu("nvidia", "a100", 80, "sxm", 4)]);
        let b = res(5, 10, vec![storage("nvme", 3)], vec![gpu("nvidia", "a100", 80, "sxm", 4)]);
        assert_eq!(checked_sub(&a, &b).unwrap(), res(5, 0, vec![storage("nvme", 7)], vec![]));
        let too_many = res(0, 0, vec![], vec![gpu("nvidia", "a100", 80, "sxm", 5)]);
        let err = checked_sub(&a, &too_many).unwrap_err();
        assert_eq!(err.to_string(), "resource arithmetic goes negative: gpu nvidia/a100/80/sxm: subtract 5 from 4");
        assert!(checked_sub(&a, &res(11, 0, vec![], vec![])).is_err());
        assert!(checked_sub(&a, &res(0, 0, vec![storage("hdd", 1)], vec![])).is_err());
    }

    #[test]
    fn shortfall_names_the_first_missing_component() {
        let outer = res(100, 100, vec![storage("nvme", 10)], vec![gpu("nvidia", "a100", 80, "sxm", 4)]);
        assert_eq!(shortfall(&outer, &outer), None);
        assert_eq!(
            shortfall(&outer, &res(0, 0, vec![], vec![gpu("nvidia", "a100", 80, "sxm", 8)])).as_deref(),
            Some("gpu nvidia/a100/80/sxm: need 8, have 4")
        );
        assert_eq!(shortfall(&outer, &res(101, 0, vec![], vec![])).as_deref(), Some("cpu_millis: need 101, have 100"));
        assert_eq!(shortfall(&outer, &res(0, 101, vec![], vec![])).as_deref(), Some("memory_bytes: need 101, have 100"));
        assert_eq!(shortfall(&outer, &res(0, 0, vec![storage("ram", 1)], vec![])).as_deref(), Some("storage ram: need 1, have 0"));
        // Duplicates in the inner list are summed.
        assert!(!contains(&outer, &res(0, 0, vec![storage("nvme", 6), storage("nvme", 6)], vec![])));
    }

    #[test]
    fn gpu_matching_treats_empty_as_any_and_vram_as_a_minimum() {
        let class = gpu("nvidia", "a100", 80, "sxm", 8);
        assert!(gpu_matches(&class, &any_gpu(1)));
        assert!(gpu_matches(&class, &GpuDemand { count: 1, vendor: "nvidia".into(), min_vram_gib: 40, ..GpuDemand::default() }));
        assert!(!gpu_matches(&class, &GpuDemand { count: 1, min_vram_gib: 81, ..GpuDemand::default() }));
        assert!(!gpu_matches(&class, &GpuDemand { count: 1, model: "h100".into(), ..GpuDemand::default() }));
        assert!(!gpu_matches(&class, &GpuDemand { count: 1, interface: "pcie".into(), ..GpuDemand::default() }));
        assert!(!gpu_matches(&class, &GpuDemand { count: 1, vendor: "amd".into(), ..GpuDemand::default() }));
    }

    #[test]
    fn plan_takes_each_replica_gpus_from_one_class_first_fit() {
        let free = res(
            10_000,
            1 << 40,
            vec![storage("nvme", 1000)],
            vec![gpu("nvidia", "a100", 40, "pcie", 3), gpu("nvidia", "a100", 80, "sxm", 8)],
        );
        // Two replicas of 2 GPUs each: the first class fits one replica (3 → 1), the second the other.
        let demand = [ReplicaDemand {
            cpu_millis: 1000,
            memory_bytes: 1 << 30,
            storage: vec![storage("nvme", 100)],
            gpu: Some(GpuDemand { count: 2, vendor: "nvidia".into(), ..GpuDemand::default() }),
            replicas: 2,
        }];
        let planned = plan(&free, &demand).unwrap();
        assert_eq!(
            planned,
            res(2000, 2 << 30, vec![storage("nvme", 200)], vec![gpu("nvidia", "a100", 40, "pcie", 2), gpu("nvidia", "a100", 80, "sxm", 2)])
        );
        // A replica never splits its GPUs across classes: 4 GPUs fit only the 80 GiB class.
        let four = [ReplicaDemand { gpu: Some(any_gpu(4)), replicas: 2, ..ReplicaDemand::default() }];
        assert_eq!(plan(&free, &four).unwrap().gpus, vec![gpu("nvidia", "a100", 80, "sxm", 8)]);
        let five = [ReplicaDemand { gpu: Some(any_gpu(4)), replicas: 3, ..ReplicaDemand::default() }];
        assert_eq!(plan(&free, &five), None);
        // Minimum VRAM skips the small class.
        let big = [ReplicaDemand { gpu: Some(GpuDemand { count: 1, min_vram_gib: 80, ..GpuDemand::default() }), replicas: 1, ..ReplicaDemand::default() }];
        assert_eq!(plan(&free, &big).unwrap().gpus, vec![gpu("nvidia", "a100", 80, "sxm", 1)]);
    }

    #[test]
    fn plan_refuses_what_does_not_fit_and_never_overflows() {
        let free = res(1000, 1000, vec![storage("nvme", 10)], vec![]);
        let cpu = [ReplicaDemand { cpu_millis: 600, replicas: 2, ..ReplicaDemand::default() }];
        assert_eq!(plan(&free, &cpu), None);
        let class = [ReplicaDemand { storage: vec![storage("ram", 1)], replicas: 1, ..ReplicaDemand::default() }];
        assert_eq!(plan(&free, &class), None);
        let gpu_needed = [ReplicaDemand { gpu: Some(any_gpu(1)), replicas: 1, ..ReplicaDemand::default() }];
        assert_eq!(plan(&free, &gpu_needed), None);
        let huge = [ReplicaDemand { cpu_millis: u64::MAX, replicas: u32::MAX, ..ReplicaDemand::default() }];
        assert_eq!(plan(&free, &huge), None);
        // Demands add up across the list.
        let two = [
            ReplicaDemand { cpu_millis: 500, replicas: 1, ..ReplicaDemand::default() },
            ReplicaDemand { cpu_millis: 501, replicas: 1, ..ReplicaDemand::default() },
        ];
        assert_eq!(plan(&free, &two), None);
        // Zero replicas and empty demands take nothing, quickly.
        let zero = [ReplicaDemand { cpu_millis: 5000, replicas: 0, ..ReplicaDemand::default() }, ReplicaDemand { replicas: u32::MAX, ..ReplicaDemand::default() }];
        assert_eq!(plan(&free, &zero), Some(Resources::default()));
    }

    fn arb_name() -> impl Strategy<Value = String> {
        prop_oneof![Just("a".to_string()), Just("b".to_string()), Just("c".to_string())]
    }

    fn arb_gpu_class() -> impl Strategy<Value = GpuClass> {
        (arb_name(), arb_name(), prop_oneof![Just(24u32), Just(40), Just(80)], arb_name(), 0u32..20)
            .prop_map(|(vendor, model, vram_gib, interface, count)| GpuClass { vendor, model, vram_gib, interface, count })
    }

    fn arb_resources() -> impl Strategy<Value = Resources> {
        (
            0u64..100_000,
            0u64..100_000,
            proptest::collection::vec((arb_name(), 0u64..10_000).prop_map(|(c, b)| storage(&c, b)), 0..4),
            proptest::collection::vec(arb_gpu_class(), 0..6),
        )
            .prop_map(|(cpu, mem, storage, gpus)| res(cpu, mem, storage, gpus))
    }

    fn arb_demand() -> impl Strategy<Value = ReplicaDemand> {
        (
            0u64..20_000,
            0u64..20_000,
            proptest::collection::vec((arb_name(), 0u64..3_000).prop_map(|(c, b)| storage(&c, b)), 0..2),
            proptest::option::of(
                (1u32..5, prop_oneof![Just(String::new()), arb_name()], prop_oneof![Just(String::new()), arb_name()], 0u32..90)
                    .prop_map(|(count, vendor, model, min_vram_gib)| GpuDemand { count, vendor, model, min_vram_gib, interface: String::new() }),
            ),
            0u32..5,
        )
            .prop_map(|(cpu_millis, memory_bytes, storage, gpu, replicas)| ReplicaDemand { cpu_millis, memory_bytes, storage, gpu, replicas })
    }

    proptest! {
        #[test]
        fn planned_resources_always_fit_in_free(free in arb_resources(), demand in proptest::collection::vec(arb_demand(), 0..4)) {
            if let Some(planned) = plan(&free, &demand) {
                prop_assert!(contains(&free, &planned), "{:?}", shortfall(&free, &planned));
                let left = checked_sub(&free, &planned);
                prop_assert!(left.is_ok());
                let left = left.unwrap();
                prop_assert_eq!(checked_add(&left, &planned).unwrap(), normalize(&free).unwrap());
                prop_assert_eq!(normalize(&planned).unwrap(), planned.clone());
                // Every replica's GPUs came from a matching class, whole replicas only.
                let needed: u64 = demand.iter().filter_map(|d| d.gpu.as_ref().map(|g| u64::from(g.count) * u64::from(d.replicas))).sum();
                let got: u64 = planned.gpus.iter().map(|g| u64::from(g.count)).sum();
                prop_assert_eq!(needed, got);
            }
        }

        #[test]
        fn add_then_sub_round_trips(a in arb_resources(), b in arb_resources()) {
            let sum = checked_add(&a, &b).unwrap();
            prop_assert!(contains(&sum, &a));
            prop_assert!(contains(&sum, &b));
            prop_assert_eq!(checked_sub(&sum, &b).unwrap(), normalize(&a).unwrap());
        }
    }
}
