//! The layering the README promises, checked on the sources: a module reaches another module
//! only through the keeper traits it declares (wired in `app/app/src/keepers.rs`), never
//! through that module's state traits (`…Read`, `…Write`), its `state` or its keys. Types
//! (ids, errors, resource arithmetic, hooks) may be shared.

use std::path::{Path, PathBuf};

const MODULES: &[&str] = &["auth", "bank", "consensus", "escrow", "market", "provider", "ibc"];

/// The one remaining exception: bank creates the account of an address that first receives
/// coins through auth's `AuthWrite::ensure_account`, as the Cosmos SDK's bank does through its
/// account keeper.
const ALLOWED: &[(&str, &str)] = &[("bank", "agora_auth::AuthWrite")];

fn rust_files(dir: &Path, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            // A crate's own tests may set up state through other modules' APIs.
            if path.file_name().is_some_and(|name| name != "tests") {
                rust_files(&path, found);
            }
        } else if path.extension().is_some_and(|ext| ext == "rs") && path.file_name().is_some_and(|name| name != "tests.rs") {
            found.push(path);
        }
    }
}

/// `agora_bank::{BankRead, Coins}` → `["agora_bank::BankRead", "agora_bank::Coins"]`, and a
/// plain path as itself.
fn imported_paths(line: &str, other: &str) -> Vec<String> {
    let prefix = format!("agora_{other}::");
    let mut paths = Vec::new();
    let mut rest = line;
    while let Some(at) = rest.find(&prefix) {
        let tail = &rest[at + prefix.len()..];
        let end = tail.find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':' || c == '{' || c == '}' || c == ',' || c == ' '));
        let names = &tail[..end.unwrap_or(tail.len())];
        for name in names.split(['{', '}', ',']).map(str::trim).filter(|n| !n.is_empty()) {
            paths.push(format!("{prefix}{name}"));
        }
        rest = &tail[names.len()..];
    }
    paths
}

#[test]
fn modules_reach_each_other_only_through_declared_keepers() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../modules");
    let mut violations = Vec::new();
    for module in MODULES {
        let mut files = Vec::new();
        rust_files(&root.join(module).join("src"), &mut files);
        assert!(!files.is_empty(), "no sources found for {module}");
        for file in files {
            let text = std::fs::read_to_string(&file).unwrap();
            for (number, line) in text.lines().enumerate() {
                if line.trim_start().starts_with("//") {
                    continue;
                }
                for other in MODULES.iter().filter(|other| *other != module) {
                    for path in imported_paths(line, other) {
                        let name = path.rsplit("::").next().unwrap_or_default();
                        let state_access = path.contains("::state")
                            || path.contains("::keys")
                            || (name.ends_with("Read") || name.ends_with("Write") || name.ends_with("Records"));
                        if state_access && !ALLOWED.contains(&(module, path.as_str())) {
                            violations.push(format!("{}:{}: {module} uses {path}", file.display(), number + 1));
                        }
                    }
                }
            }
        }
    }
    assert!(violations.is_empty(), "modules reaching into other modules' state:\n{}", violations.join("\n"));
}

#[test]
fn the_check_sees_a_state_trait_import() {
    assert_eq!(imported_paths("use agora_bank::{BankRead, BankWrite};", "bank"), ["agora_bank::BankRead", "agora_bank::BankWrite"]);
    assert_eq!(imported_paths("    agora_provider::state::keys::provider(x)", "provider"), ["agora_provider::state::keys::provider"]);
}
