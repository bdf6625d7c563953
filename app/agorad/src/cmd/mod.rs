//! One module per top-level command, plus helpers they share.

pub mod genesis;
pub mod gov;
pub mod ibc;
pub mod challenge;
pub mod dispute;
pub mod incentive;
pub mod init;
pub mod keys;
pub mod load;
pub mod market;
pub mod pos;
pub mod query;
pub mod staking;
pub mod start;
pub mod tx;
pub mod upgrade;

use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};

use agora_types::Address;
use anyhow::{anyhow, Result};

use crate::keyring::Keyring;

/// The CometBFT binary: `$AGORA_COMETBFT`, else `cometbft` on `PATH`.
pub fn cometbft_bin() -> PathBuf {
    std::env::var_os("AGORA_COMETBFT")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("cometbft"))
}

pub fn genesis_path(home: &Path) -> PathBuf {
    home.join("config").join("genesis.json")
}

/// An `agora1…` address, or the name of a key in the keyring.
pub fn resolve_address(home: &Path, s: &str) -> Result<Address> {
    match s.parse::<Address>() {
        Ok(a) => Ok(a),
        Err(parse_err) => {
            if crate::keyring::validate_name(s).is_ok() {
                if let Ok(rec) = Keyring::open(home).get(s) {
                    return rec
                        .address
                        .parse::<Address>()
                        .map_err(|e| anyhow!("key {s:?} has an invalid address: {e}"));
                }
            }
            Err(anyhow!("{s:?} is neither a valid address ({parse_err}) nor a key name in the keyring"))
        }
    }
}

/// Asks a yes/no question on stderr; anything but y/yes (including end of input) is no.
pub fn confirm(question: &str) -> Result<bool> {
    eprint!("{question} [y/N]: ");
    std::io::stderr().flush()?;
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    Ok(matches!(line.trim().to_ascii_lowercase().as_str(), "y" | "yes"))
}
