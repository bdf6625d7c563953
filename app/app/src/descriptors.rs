//! The protobuf descriptions of every service this node answers, for the REST gateway's routes
//! and JSON and for gRPC reflection: Agora's files with the upstream Cosmos SDK and CometBFT
//! ones (`agora_proto::FILE_DESCRIPTOR_SET`), joined by ibc-go's from `ibc-proto` (a file both
//! describe keeps the Cosmos SDK v0.50 version).

use std::sync::OnceLock;

use prost::Message;
use prost_reflect::DescriptorPool;
use prost_types::FileDescriptorSet;

struct Descriptors {
    encoded: Vec<u8>,
    pool: DescriptorPool,
}

fn descriptors() -> &'static Descriptors {
    static DESCRIPTORS: OnceLock<Descriptors> = OnceLock::new();
    DESCRIPTORS.get_or_init(|| {
        // Joined as encoded bytes: `prost_types` would drop the options' extensions (the
        // `google.api.http` annotations) on a decode and re-encode.
        let own = agora_proto::FILE_DESCRIPTOR_SET;
        let known: std::collections::BTreeSet<String> =
            FileDescriptorSet::decode(own).unwrap_or_default().file.into_iter().filter_map(|f| f.name).collect();
        let mut joined = own.to_vec();
        for file in encoded_files(ibc_proto::FILE_DESCRIPTOR_SET) {
            let name = prost_types::FileDescriptorProto::decode(file).ok().and_then(|f| f.name);
            if name.is_some_and(|name| !known.contains(&name)) {
                prost::encoding::encode_key(1, prost::encoding::WireType::LengthDelimited, &mut joined);
                prost::encoding::encode_varint(file.len() as u64, &mut joined);
                joined.extend_from_slice(file);
            }
        }
        match DescriptorPool::decode(joined.as_slice()) {
            Ok(pool) => Descriptors { encoded: joined, pool },
            Err(error) => {
                // Only a build whose upstream files disagree gets here: serve what is consistent.
                tracing::warn!(%error, "ibc-go's descriptors do not join the Cosmos SDK's: REST and reflection leave IBC out");
                Descriptors { encoded: own.to_vec(), pool: DescriptorPool::decode(own).unwrap_or_default() }
            }
        }
    })
}

/// The encoded `FileDescriptorProto`s of an encoded `FileDescriptorSet` (its field 1).
fn encoded_files(mut set: &[u8]) -> Vec<&[u8]> {
    let mut files = Vec::new();
    while !set.is_empty() {
        let Ok((tag, wire_type)) = prost::encoding::decode_key(&mut set) else { break };
        if wire_type != prost::encoding::WireType::LengthDelimited {
            break;
        }
        let Ok(len) = prost::encoding::decode_varint(&mut set) else { break };
        let Some((file, rest)) = usize::try_from(len).ok().and_then(|len| set.get(..len).map(|file| (file, &set[len..]))) else { break };
        if tag == 1 {
            files.push(file);
        }
        set = rest;
    }
    files
}

/// The joined descriptors, as a pool.
pub fn pool() -> &'static DescriptorPool {
    &descriptors().pool
}

/// The joined descriptors, as an encoded `FileDescriptorSet`.
pub fn encoded() -> &'static [u8] {
    &descriptors().encoded
}
