//! A file keyring in `HOME/keyring-test/NAME.json`, like the Cosmos SDK `test` backend:
//! keys are stored unencrypted (mode 0600), for local networks, tests and load generation.

use std::fs::{self, OpenOptions};
use std::io::Write;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use agora_tx::{KeyKind, SigningKey};
use anyhow::{anyhow, bail, Context, Result};
use base64::Engine as _;
use serde::{Deserialize, Serialize};

/// Directory name under the home, as the Cosmos SDK names its test backend.
pub const KEYRING_DIR: &str = "keyring-test";

/// One stored key.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyRecord {
    pub name: String,
    /// Signature scheme: "secp256k1" or "ed25519".
    #[serde(rename = "type")]
    pub key_type: String,
    pub address: String,
    /// Public key bytes, base64 (33-byte compressed point for secp256k1).
    pub pubkey: String,
    pub private_key_hex: String,
}

impl KeyRecord {
    fn from_key(name: &str, key: &SigningKey) -> Self {
        Self {
            name: name.to_string(),
            key_type: kind_name(key.kind()).into(),
            address: key.address().to_bech32(),
            pubkey: base64::engine::general_purpose::STANDARD.encode(key.public_key().to_bytes()),
            private_key_hex: hex::encode(key.to_bytes()),
        }
    }

    /// The key as shown to users: everything but the secret.
    pub fn public_json(&self) -> serde_json::Value {
        serde_json::json!({
            "name": self.name,
            "type": self.key_type,
            "address": self.address,
            "pubkey": self.pubkey,
        })
    }

    pub fn signing_key(&self) -> Result<SigningKey> {
        let bytes = hex::decode(&self.private_key_hex)
            .ok()
            .and_then(|b| <[u8; 32]>::try_from(b).ok())
            .ok_or_else(|| anyhow!("key {:?}: private_key_hex is not 32 hex bytes", self.name))?;
        let key = match self.key_type.as_str() {
            "secp256k1" => SigningKey::secp256k1_from_bytes(&bytes)
                .map_err(|e| anyhow!("key {:?}: {e}", self.name))?,
            "ed25519" => SigningKey::ed25519_from_bytes(&bytes),
            other => bail!("key {:?}: unknown key type {other:?}", self.name),
        };
        if key.address().to_bech32() != self.address {
            bail!("key {:?}: stored address does not match the private key (file corrupted?)", self.name);
        }
        Ok(key)
    }
}

fn kind_name(kind: KeyKind) -> &'static str {
    match kind {
        KeyKind::Secp256k1 => "secp256k1",
        KeyKind::Ed25519 => "ed25519",
    }
}

/// Key names become file names, so only a safe character set is allowed.
pub fn validate_name(name: &str) -> Result<()> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
        && name != "."
        && name != "..";
    if !ok {
        bail!("invalid key name {name:?}: use 1-64 characters from A-Z a-z 0-9 _ . -");
    }
    Ok(())
}

pub struct Keyring {
    dir: PathBuf,
}

impl Keyring {
    pub fn open(home: &Path) -> Self {
        Self { dir: home.join(KEYRING_DIR) }
    }

    fn file(&self, name: &str) -> Result<PathBuf> {
        validate_name(name)?;
        Ok(self.dir.join(format!("{name}.json")))
    }

    /// Stores `key` under `name`; refuses an existing name or address.
    pub fn add(&self, name: &str, key: &SigningKey) -> Result<KeyRecord> {
        let path = self.file(name)?;
        let record = KeyRecord::from_key(name, key);
        if path.exists() {
            bail!("a key named {name:?} already exists");
        }
        if let Some(other) = self.list()?.into_iter().find(|r| r.address == record.address) {
            bail!("this key is already stored as {:?} ({})", other.name, other.address);
        }
        fs::create_dir_all(&self.dir)
            .with_context(|| format!("cannot create keyring directory {}", self.dir.display()))?;
        let _ = fs::set_permissions(&self.dir, fs::Permissions::from_mode(0o700));
        let json = serde_json::to_vec_pretty(&record)?;
        // create_new: a concurrent `keys add` of the same name cannot overwrite this one.
        let mut file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&path)
            .with_context(|| format!("cannot create {}", path.display()))?;
        file.write_all(&json)
            .and_then(|()| file.sync_all())
            .with_context(|| format!("cannot write {}", path.display()))?;
        Ok(record)
    }

    pub fn get(&self, name: &str) -> Result<KeyRecord> {
        let path = self.file(name)?;
        let bytes = match fs::read(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                bail!("key {name:?} not found in keyring {}", self.dir.display())
            }
            Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
        };
        serde_json::from_slice(&bytes).with_context(|| format!("invalid key file {}", path.display()))
    }

    pub fn signing_key(&self, name: &str) -> Result<SigningKey> {
        self.get(name)?.signing_key()
    }

    /// All keys, sorted by name.
    pub fn list(&self) -> Result<Vec<KeyRecord>> {
        let entries = match fs::read_dir(&self.dir) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(e).with_context(|| format!("cannot read {}", self.dir.display())),
        };
        let mut out = Vec::new();
        for entry in entries {
            let path = entry?.path();
            let Some(name) = path
                .file_name()
                .and_then(|n| n.to_str())
                .and_then(|n| n.strip_suffix(".json"))
            else {
                continue;
            };
            if validate_name(name).is_ok() {
                out.push(self.get(name)?);
            }
        }
        out.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(out)
    }

    pub fn delete(&self, name: &str) -> Result<()> {
        let path = self.file(name)?;
        match fs::remove_file(&path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => bail!("key {name:?} not found"),
            Err(e) => Err(e).with_context(|| format!("cannot delete {}", path.display())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use agora_tx::DEFAULT_HD_PATH;

    const ABANDON: &str = "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about";

    #[test]
    fn add_show_list_delete() {
        let dir = tempfile::tempdir().unwrap();
        let kr = Keyring::open(dir.path());
        assert!(kr.list().unwrap().is_empty());

        let k1 = SigningKey::from_mnemonic(&SigningKey::generate_mnemonic().unwrap(), DEFAULT_HD_PATH).unwrap();
        let rec = kr.add("alice", &k1).unwrap();
        assert_eq!(rec.address, k1.address().to_bech32());
        assert!(rec.address.starts_with("agora1"));

        let path = dir.path().join(KEYRING_DIR).join("alice.json");
        let mode = fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);

        let shown = kr.get("alice").unwrap();
        assert_eq!(shown, rec);
        assert_eq!(kr.signing_key("alice").unwrap().address(), k1.address());

        let k2 = SigningKey::generate(KeyKind::Secp256k1).unwrap();
        kr.add("bob.2", &k2).unwrap();
        let names: Vec<_> = kr.list().unwrap().into_iter().map(|r| r.name).collect();
        assert_eq!(names, vec!["alice", "bob.2"]);

        // Duplicates: same name, or same key under another name.
        let err = kr.add("alice", &k2).unwrap_err().to_string();
        assert!(err.contains("already exists"), "{err}");
        let err = kr.add("carol", &k1).unwrap_err().to_string();
        assert!(err.contains("already stored"), "{err}");

        kr.delete("alice").unwrap();
        assert!(kr.get("alice").unwrap_err().to_string().contains("not found"));
        assert!(kr.delete("alice").is_err());
        assert_eq!(kr.list().unwrap().len(), 1);
    }

    #[test]
    fn invalid_names_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let kr = Keyring::open(dir.path());
        let key = SigningKey::generate(KeyKind::Secp256k1).unwrap();
        for bad in ["", "a/b", "../x", "..", "sp ace", "é", &"x".repeat(65)] {
            assert!(kr.add(bad, &key).is_err(), "{bad:?} accepted");
        }
        assert!(validate_name(&"x".repeat(64)).is_ok());
        assert!(validate_name("A-z_0.9").is_ok());
    }

    #[test]
    fn recover_known_mnemonic() {
        let key = SigningKey::from_mnemonic(ABANDON, DEFAULT_HD_PATH).unwrap();
        // Same 20 bytes as cosmos19rl4cm2hmr8afy4kldpxz3fka4jguq0auqdal4 (what gaiad derives);
        // only the prefix and the bech32 checksum differ.
        assert_eq!(hex::encode(key.address().as_bytes()), "28ff5c6d57d8cfd492b6fb42614536ed648e01fd");
        assert_eq!(key.address().to_bech32(), "agora19rl4cm2hmr8afy4kldpxz3fka4jguq0aemhkp7");
        let dir = tempfile::tempdir().unwrap();
        let kr = Keyring::open(dir.path());
        kr.add("abandon", &key).unwrap();
        let back = kr.signing_key("abandon").unwrap();
        assert_eq!(back.address(), key.address());
    }

    #[test]
    fn ed25519_keys_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let kr = Keyring::open(dir.path());
        let key = SigningKey::generate(KeyKind::Ed25519).unwrap();
        let rec = kr.add("ed", &key).unwrap();
        assert_eq!(rec.key_type, "ed25519");
        assert_eq!(kr.signing_key("ed").unwrap().address(), key.address());
    }
}
