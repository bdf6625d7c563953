//! A GPU class as incentives pay it: the provider registry's (vendor, model, VRAM, interface).

use std::fmt;

use agora_proto::base::v1::GpuClass;
use agora_proto::incentive::v1 as pb;
use agora_provider::validate::is_valid_class_name;
use borsh::{BorshDeserialize, BorshSerialize};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GpuClassId {
    pub vendor: String,
    pub model: String,
    pub vram_gib: u32,
    pub interface: String,
}

impl GpuClassId {
    /// The class of a registry entry (its count aside).
    pub fn of(class: &GpuClass) -> Self {
        Self { vendor: class.vendor.clone(), model: class.model.clone(), vram_gib: class.vram_gib, interface: class.interface.clone() }
    }

    /// Names as the registry stores them: lower case `[a-z0-9][a-z0-9._-]{0,63}`, VRAM > 0.
    pub fn validate(&self) -> Result<(), String> {
        for (field, name) in [("vendor", &self.vendor), ("model", &self.model), ("interface", &self.interface)] {
            if !is_valid_class_name(name) {
                return Err(format!("{field} {name:?} is not a GPU class name ([a-z0-9][a-z0-9._-]{{0,63}})"));
            }
        }
        if self.vram_gib == 0 {
            return Err("vram_gib must be positive".into());
        }
        Ok(())
    }

    /// `<vendor>\0<model>\0<vram u32 BE><interface>\0`: names never hold `\0`, so the key is
    /// unambiguous and a suffix (an epoch) can follow it.
    pub fn key(&self) -> Vec<u8> {
        [
            self.vendor.as_bytes(),
            b"\0",
            self.model.as_bytes(),
            b"\0",
            self.vram_gib.to_be_bytes().as_slice(),
            self.interface.as_bytes(),
            b"\0",
        ]
        .concat()
    }

    pub fn to_proto(&self) -> pb::GpuClassId {
        pb::GpuClassId { vendor: self.vendor.clone(), model: self.model.clone(), vram_gib: self.vram_gib, interface: self.interface.clone() }
    }

    pub fn from_proto(proto: &pb::GpuClassId) -> Self {
        Self { vendor: proto.vendor.clone(), model: proto.model.clone(), vram_gib: proto.vram_gib, interface: proto.interface.clone() }
    }
}

impl fmt::Display for GpuClassId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}/{}gib/{}", self.vendor, self.model, self.vram_gib, self.interface)
    }
}
