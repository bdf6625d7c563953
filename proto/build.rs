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

/// Writes `descriptors.bin` to `OUT_DIR`: one file descriptor set of Agora's files and the
/// upstream Cosmos SDK and CometBFT files in `vendor/` (with their HTTP annotations), which the
/// REST gateway and gRPC reflection read at run time.
fn describe_services(root: &Path, agora_files: &[PathBuf]) -> Result<(), Box<dyn std::error::Error>> {
    let mut files = agora_files.to_vec();
    proto_files(&root.join("vendor").join("cosmos"), &mut files)?;
    files.sort();
    let set = protox::Compiler::new([root.join("vendor"), root.to_path_buf()])?
        .include_imports(true)
        .include_source_info(false)
        .open_files(files)?
        .encode_file_descriptor_set();
    std::fs::write(PathBuf::from(std::env::var("OUT_DIR")?).join("descriptors.bin"), set)?;
    Ok(())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR")?);
    let mut files = Vec::new();
    proto_files(&root.join("agora"), &mut files)?;
    files.sort();
    println!("cargo:rerun-if-changed=agora");
    println!("cargo:rerun-if-changed=third_party");
    println!("cargo:rerun-if-changed=vendor");
    describe_services(&root, &files)?;
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
