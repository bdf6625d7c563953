//! The `agorad` binary: the command line, with the upgrade handlers of this release.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

fn main() -> std::process::ExitCode {
    agorad::main(&agora_app::upgrades::handlers())
}
