//! `agorad keys`: the local file keyring.

use std::io::BufRead;
use std::path::PathBuf;

use agora_tx::{SigningKey, DEFAULT_HD_PATH};
use anyhow::{anyhow, bail, Context, Result};
use clap::Subcommand;

use crate::cmd::confirm;
use crate::keyring::{validate_name, Keyring};
use crate::{output, GlobalOpts, OutputFormat};

#[derive(Subcommand, Debug)]
pub enum KeysCmd {
    /// Create a key from a new 24-word mnemonic (or recover one with --recover)
    Add {
        name: String,
        /// Read an existing BIP-39 mnemonic from stdin instead of generating one
        #[arg(long)]
        recover: bool,
    },
    /// List all keys
    List,
    /// Show one key
    Show {
        name: String,
        /// Print only the address
        #[arg(short = 'a', long)]
        address: bool,
    },
    /// Delete a key
    Delete {
        name: String,
        /// Do not ask for confirmation
        #[arg(short = 'y', long)]
        yes: bool,
    },
    /// Import a key from a raw private key or a mnemonic file
    Import {
        name: String,
        /// 32-byte secp256k1 private key, hex
        #[arg(long, conflicts_with = "mnemonic_file", required_unless_present = "mnemonic_file")]
        private_key_hex: Option<String>,
        /// File holding a BIP-39 mnemonic
        #[arg(long)]
        mnemonic_file: Option<PathBuf>,
    },
    /// Print a key's private key as hex
    Export {
        name: String,
        /// Required: acknowledges the secret is printed in clear
        #[arg(long = "unsafe")]
        unsafe_: bool,
    },
}

pub fn run(g: &GlobalOpts, cmd: KeysCmd) -> Result<()> {
    let kr = Keyring::open(&g.home()?);
    match cmd {
        KeysCmd::Add { name, recover } => {
            validate_name(&name)?;
            if kr.get(&name).is_ok() {
                bail!("a key named {name:?} already exists");
            }
            let (key, mnemonic) = if recover {
                eprintln!("> Enter your bip39 mnemonic");
                let mut line = String::new();
                std::io::stdin().lock().read_line(&mut line).context("cannot read the mnemonic from stdin")?;
                let key = key_from_mnemonic(&line)?;
                (key, None)
            } else {
                let mnemonic = SigningKey::generate_mnemonic().map_err(|e| anyhow!("{e}"))?;
                (key_from_mnemonic(&mnemonic)?, Some(mnemonic))
            };
            let rec = kr.add(&name, &key)?;
            let mut json = rec.public_json();
            match g.output {
                OutputFormat::Json => {
                    if let (Some(m), Some(obj)) = (&mnemonic, json.as_object_mut()) {
                        obj.insert("mnemonic".into(), m.clone().into());
                    }
                    output::print(&json, g.output);
                }
                OutputFormat::Text => {
                    output::print(&json, g.output);
                    if let Some(m) = mnemonic {
                        println!("\n**Important** write this mnemonic phrase in a safe place.");
                        println!("It is the only way to recover your account if you ever forget your password.\n");
                        println!("{m}");
                    }
                }
            }
            Ok(())
        }
        KeysCmd::List => {
            let keys: Vec<_> = kr.list()?.iter().map(|r| r.public_json()).collect();
            output::print(&serde_json::Value::Array(keys), g.output);
            Ok(())
        }
        KeysCmd::Show { name, address } => {
            let rec = kr.get(&name)?;
            if address {
                println!("{}", rec.address);
            } else {
                output::print(&rec.public_json(), g.output);
            }
            Ok(())
        }
        KeysCmd::Delete { name, yes } => {
            kr.get(&name)?;
            if !yes && !confirm(&format!("Key {name:?} will be deleted. Continue?"))? {
                bail!("aborted");
            }
            kr.delete(&name)?;
            eprintln!("key {name:?} deleted");
            Ok(())
        }
        KeysCmd::Import { name, private_key_hex, mnemonic_file } => {
            validate_name(&name)?;
            let key = match (private_key_hex, mnemonic_file) {
                (Some(h), _) => {
                    let bytes = hex::decode(h.trim().trim_start_matches("0x"))
                        .ok()
                        .and_then(|b| <[u8; 32]>::try_from(b).ok())
                        .ok_or_else(|| anyhow!("--private-key-hex must be 32 bytes of hex (64 characters)"))?;
                    SigningKey::secp256k1_from_bytes(&bytes).map_err(|e| anyhow!("{e}"))?
                }
                (None, Some(file)) => {
                    let text = std::fs::read_to_string(&file)
                        .with_context(|| format!("cannot read {}", file.display()))?;
                    key_from_mnemonic(&text)?
                }
                (None, None) => bail!("give --private-key-hex or --mnemonic-file"),
            };
            let rec = kr.add(&name, &key)?;
            output::print(&rec.public_json(), g.output);
            Ok(())
        }
        KeysCmd::Export { name, unsafe_ } => {
            if !unsafe_ {
                bail!("exporting prints the private key in clear: pass --unsafe to confirm");
            }
            println!("{}", kr.get(&name)?.private_key_hex);
            Ok(())
        }
    }
}

/// Normalises whitespace so a pasted or file-read mnemonic parses.
fn key_from_mnemonic(text: &str) -> Result<SigningKey> {
    let words: Vec<&str> = text.split_whitespace().collect();
    if words.is_empty() {
        bail!("empty mnemonic");
    }
    SigningKey::from_mnemonic(&words.join(" "), DEFAULT_HD_PATH).map_err(|e| anyhow!("{e}"))
}
