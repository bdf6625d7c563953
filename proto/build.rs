//! Compiles `agora/**/*.proto` with protox (a pure-Rust protobuf compiler, so no `protoc` is
//! needed) and prost-build. Imported Cosmos types map to the `cosmos-sdk-proto` crate.

use std::path::{Path, PathBuf};

fn proto_files(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            proto_files(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "proto") {
            out.push(path);
        }
    }
    Ok(())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR")?);
    let mut files = Vec::new();
    proto_files(&root.join("agora"), &mut files)?;
    files.sort();
    println!("cargo:rerun-if-changed=agora");
    println!("cargo:rerun-if-changed=third_party");
    let descriptors = protox::compile(&files, [root.clone(), root.join("third_party")])?;
    prost_build::Config::new()
        .extern_path(".cosmos.base.v1beta1", "::cosmos_sdk_proto::cosmos::base::v1beta1")
        .extern_path(".cosmos.base.query.v1beta1", "::cosmos_sdk_proto::cosmos::base::query::v1beta1")
        .extern_path(".google.protobuf.Any", "::cosmos_sdk_proto::Any")
        // Genesis export and import carry records as JSON (field names as in the .proto files).
        .type_attribute(".agora", "#[derive(serde::Serialize, serde::Deserialize)]")
        .enable_type_names()
        .type_name_domain(["."], "")
        .compile_fds(descriptors)?;
    Ok(())
}
