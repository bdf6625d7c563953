//! Agora's own protobuf types, one module per package (`agora.provider.v1` is
//! [`provider::v1`]). Every message implements `prost::Name`, so `type_url()` gives the
//! `/agora.provider.v1.MsgCreateProvider` form used in transactions.

macro_rules! package {
    ($file:literal) => {
        include!(concat!(env!("OUT_DIR"), "/", $file));
    };
}

pub mod base {
    pub mod v1 {
        package!("agora.base.v1.rs");
    }
}
pub mod provider {
    pub mod v1 {
        package!("agora.provider.v1.rs");
    }
}
pub mod audit {
    pub mod v1 {
        package!("agora.audit.v1.rs");
    }
}
pub mod deployment {
    pub mod v1 {
        package!("agora.deployment.v1.rs");
    }
}
pub mod market {
    pub mod v1 {
        package!("agora.market.v1.rs");
    }
}
pub mod escrow {
    pub mod v1 {
        package!("agora.escrow.v1.rs");
    }
}
pub mod incentive {
    pub mod v1 {
        package!("agora.incentive.v1.rs");
    }
}
pub mod slashing {
    pub mod v1 {
        package!("agora.slashing.v1.rs");
    }
}
pub mod gov {
    pub mod v1 {
        package!("agora.gov.v1.rs");
    }
}

/// One `FileDescriptorSet` of every service this chain answers and every message they carry:
/// Agora's `.proto` files and the upstream Cosmos SDK and CometBFT ones in `vendor/`, with
/// their `google.api.http` annotations (the REST gateway's routes and gRPC reflection).
pub const FILE_DESCRIPTOR_SET: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/descriptors.bin"));

#[cfg(test)]
mod tests {
    use prost::Name;

    #[test]
    fn type_urls_are_the_full_proto_names() {
        assert_eq!(super::provider::v1::MsgCreateProvider::type_url(), "/agora.provider.v1.MsgCreateProvider");
        assert_eq!(super::market::v1::MsgCreateBid::type_url(), "/agora.market.v1.MsgCreateBid");
    }
}
