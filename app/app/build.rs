//! Records the versions of the crates that define what this node speaks (consensus, IBC, the
//! store, the wire formats) from the workspace's `Cargo.lock`, for `GetNodeInfo`'s `build_deps`.

const REPORTED: &[&str] = &[
    "cosmos-sdk-proto",
    "ibc",
    "ibc-proto",
    "ics23",
    "jmt",
    "prost",
    "rocksdb",
    "tendermint",
    "tendermint-proto",
    "tonic",
    "tower-abci",
];

fn main() {
    let lock = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../Cargo.lock");
    println!("cargo:rerun-if-changed={}", lock.display());
    let text = std::fs::read_to_string(&lock).unwrap_or_default();
    let mut deps = Vec::new();
    let mut name: Option<&str> = None;
    for line in text.lines() {
        if let Some(value) = line.strip_prefix("name = ") {
            name = Some(value.trim_matches('"'));
        } else if let (Some(value), Some(current)) = (line.strip_prefix("version = "), name.take()) {
            if REPORTED.contains(&current) {
                deps.push(format!("{current}@{}", value.trim_matches('"')));
            }
        }
    }
    deps.sort();
    println!("cargo:rustc-env=AGORA_BUILD_DEPS={}", deps.join(","));
}
