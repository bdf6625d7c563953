//! Hardware identities. A provider registers each device by its device key (a key that never
//! leaves the hardware: a GPU's or host's attestation key), with the device's signature that it
//! is this provider's on this chain (`MsgRegisterHardware`): the registration is proof of
//! possession, so no one registers another's device, and a device is registered to one
//! provider at a time. The registration draws a nonce from the app hash its block commits to.
//! A device that signs, over that nonce, that it is another provider's is claimed twice while
//! registered: anyone who shows that signature (`MsgReportDuplicateHardware`) convicts the
//! registered provider of fraud (slashed, tombstoned, the reporter rewarded), as for
//! conflicting capacity statements. The nonce did not exist before the registration, so a
//! former holder's old signatures (or ones it made before handing the device over) prove
//! nothing against the new holder. A provider removes a device it no longer has
//! (`MsgRemoveHardware`; not once it is tombstoned); its registrations go when it leaves the
//! registry.

use agora_proto::slashing::v1 as pb;
use agora_store::{StateRead, StateReadExt, StateWrite, StateWriteExt};
use agora_tx::PublicKey;
use agora_types::{Address, BlockContext, Event, TxError};
use sha2::{Digest, Sha256};

use super::keeper::ProviderPenaltyKeeper;
use super::keys;
use crate::SlashingError;

/// What a device signs to be registered: this prefix, the chain id, a newline, the provider's
/// address.
pub const POSSESSION_DOMAIN: &[u8] = b"agora-hardware-possession/v1\n";
/// What a device signs to claim it is a provider's while registered: this prefix, the chain
/// id, a newline, the provider's address, a newline, the registration's nonce.
pub const CLAIM_DOMAIN: &[u8] = b"agora-hardware-claim/v1\n";
/// Devices one provider may register (each is a record and an index entry; leaving the
/// registry deletes them in one block).
pub const MAX_DEVICES_PER_PROVIDER: usize = 64;
/// Gas for checking a device's signature (the Cosmos SDK's secp256k1 verification cost).
const SIGNATURE_VERIFY_GAS: u64 = 1_000;

pub fn sign_bytes(chain_id: &str, provider: &Address) -> Vec<u8> {
    [POSSESSION_DOMAIN, chain_id.as_bytes(), b"\n", provider.to_string().as_bytes()].concat()
}

pub fn claim_sign_bytes(chain_id: &str, provider: &Address, nonce: &[u8]) -> Vec<u8> {
    [CLAIM_DOMAIN, chain_id.as_bytes(), b"\n", provider.to_string().as_bytes(), b"\n", nonce].concat()
}

/// The nonce of a registration at `height` (the app hash the block commits to: no one knows it
/// before the block before is committed).
pub fn registration_nonce(last_app_hash: &[u8], height: u64, id: &[u8; 32]) -> Vec<u8> {
    Sha256::new().chain_update(b"agora/device-nonce/v1").chain_update(last_app_hash).chain_update(height.to_be_bytes()).chain_update(id).finalize().to_vec()
}

/// A device's id: the SHA-256 of its encoded public key.
pub fn device_id(key: &PublicKey) -> [u8; 32] {
    Sha256::digest(key.to_any().value).into()
}

/// A device key and its signature of the possession statement for `provider`.
#[derive(Clone, Debug, PartialEq)]
pub struct Possession {
    pub provider: Address,
    pub device: PublicKey,
    pub signature: Vec<u8>,
}

impl Possession {
    pub fn from_proto(provider: &str, pub_key: Option<&cosmos_sdk_proto::Any>, signature: Vec<u8>) -> Result<Self, SlashingError> {
        let provider = provider.parse().map_err(|e| SlashingError::InvalidAddress(format!("provider: {e}")))?;
        let key = pub_key.ok_or_else(|| SlashingError::InvalidRequest("pub_key is missing".into()))?;
        let device = PublicKey::from_any(key).map_err(|e| SlashingError::InvalidRequest(format!("pub_key: {e}")))?;
        Ok(Self { provider, device, signature })
    }

    /// The device signed `bytes` (its cost charged first).
    fn verify(&self, state: &dyn StateRead, bytes: &[u8]) -> Result<(), TxError> {
        state.charge_gas(SIGNATURE_VERIFY_GAS, "device signature").map_err(|e| TxError::new("sdk", 11, e.to_string()))?;
        self.device
            .verify(bytes, &self.signature)
            .map_err(|e| SlashingError::InvalidHardware(format!("the device's signature for {} on this chain: {e}", self.provider)).into())
    }
}

pub trait HardwareRead: StateRead {
    fn device(&self, id: &[u8; 32]) -> Result<Option<pb::HardwareIdentity>, SlashingError> {
        Ok(self.get_proto(&keys::device(id))?)
    }

    /// The ids of a provider's devices (at most [`MAX_DEVICES_PER_PROVIDER`]).
    fn device_ids_of(&self, provider: &Address) -> Result<Vec<[u8; 32]>, SlashingError> {
        let prefix = keys::devices_of(provider);
        self.prefix_raw(&prefix, None)
            .take(MAX_DEVICES_PER_PROVIDER)
            .map(|item| {
                let (key, _) = item?;
                key[prefix.len()..].try_into().map_err(|_| SlashingError::Internal("corrupt device index entry".into()))
            })
            .collect()
    }

    /// A provider's devices, by id.
    fn devices_of(&self, provider: &Address) -> Result<Vec<pb::HardwareIdentity>, SlashingError> {
        self.device_ids_of(provider)?
            .iter()
            .map(|id| self.device(id)?.ok_or_else(|| SlashingError::Internal(format!("indexed device of {provider} is missing"))))
            .collect()
    }
}

impl<S: StateRead + ?Sized> HardwareRead for S {}

pub(crate) fn put_device(state: &mut dyn StateWrite, id: &[u8; 32], record: &pb::HardwareIdentity, owner: &Address) {
    state.put_proto(keys::device(id), record);
    state.put_raw(keys::device_of(owner, id), Vec::new());
}

fn delete_device(state: &mut dyn StateWrite, id: &[u8; 32], owner: &Address) {
    state.delete(keys::device(id));
    state.delete(keys::device_of(owner, id));
}

/// `MsgRegisterHardware`: the provider (registered, not tombstoned) registers a device that
/// signed it is its own, and that no provider has registered.
pub fn register(state: &mut dyn StateWrite, ctx: &BlockContext, keeper: &dyn ProviderPenaltyKeeper, claim: &Possession) -> Result<Vec<Event>, TxError> {
    let provider = &claim.provider;
    let standing = keeper.standing(state, provider)?.ok_or_else(|| SlashingError::InvalidHardware(format!("{provider} is not a registered provider")))?;
    if standing.tombstoned {
        return Err(SlashingError::ProviderTombstoned(provider.to_string()).into());
    }
    let id = device_id(&claim.device);
    if let Some(holder) = state.device(&id)? {
        return Err(SlashingError::DeviceRegistered { device: hex(&id), provider: holder.provider }.into());
    }
    if state.device_ids_of(provider)?.len() >= MAX_DEVICES_PER_PROVIDER {
        return Err(SlashingError::InvalidHardware(format!("{provider} has {MAX_DEVICES_PER_PROVIDER} devices registered, the most it may")).into());
    }
    claim.verify(state, &sign_bytes(&ctx.chain_id, provider))?;
    let nonce = registration_nonce(&ctx.last_app_hash, ctx.height, &id);
    let record = pb::HardwareIdentity { provider: provider.to_string(), pub_key: Some(claim.device.to_any()), registered_height: ctx.height, nonce };
    put_device(state, &id, &record, provider);
    Ok(vec![Event::new("provider_hardware_registered").attr("provider", provider).attr("device", hex(&id))])
}

/// `MsgRemoveHardware`: the provider removes one of its devices (a tombstoned one keeps them, so
/// it cannot take them to another address).
pub fn remove(state: &mut dyn StateWrite, keeper: &dyn ProviderPenaltyKeeper, provider: &Address, device: &PublicKey) -> Result<Vec<Event>, TxError> {
    if keeper.standing(state, provider)?.is_some_and(|s| s.tombstoned) {
        return Err(SlashingError::ProviderTombstoned(provider.to_string()).into());
    }
    let id = device_id(device);
    match state.device(&id)? {
        Some(record) if record.provider == provider.to_string() => {
            delete_device(state, &id, provider);
            Ok(vec![Event::new("provider_hardware_removed").attr("provider", provider).attr("device", hex(&id))])
        }
        _ => Err(SlashingError::DeviceNotRegistered { device: hex(&id), provider: provider.to_string() }.into()),
    }
}

/// The provider left the registry: its devices are free to be registered again.
pub fn forget(state: &mut dyn StateWrite, provider: &Address) -> Result<(), SlashingError> {
    for id in state.device_ids_of(provider)? {
        delete_device(state, &id, provider);
    }
    Ok(())
}

/// `MsgReportDuplicateHardware`: a device registered to one provider signed, over its
/// registration's nonce, that it is another's. The registered provider is convicted of fraud.
pub fn report(state: &mut dyn StateWrite, ctx: &BlockContext, keeper: &dyn ProviderPenaltyKeeper, reporter: &Address, claim: &Possession) -> Result<Vec<Event>, TxError> {
    let id = device_id(&claim.device);
    let record = state.device(&id)?.ok_or_else(|| SlashingError::InvalidEvidence(format!("device {} is not registered", hex(&id))))?;
    let holder: Address = record.provider.parse().map_err(|e| SlashingError::Internal(format!("device {}: {e}", hex(&id))))?;
    if holder == claim.provider {
        return Err(SlashingError::InvalidEvidence(format!("device {} is registered to {holder}, the provider it signed for: no duplicate", hex(&id))).into());
    }
    let standing = super::fraud::convictable(state, keeper, &holder)?;
    claim
        .verify(state, &claim_sign_bytes(&ctx.chain_id, &claim.provider, &record.nonce))
        .map_err(|e| TxError::new("slashing", 107, format!("invalid evidence: {}", e.log)))?;
    let mut events = super::fraud::convict(state, ctx, keeper, &holder, &standing, reporter, "hardware claimed by another provider")?;
    events.push(Event::new("provider_hardware_duplicate").attr("provider", holder).attr("claimed_for", claim.provider).attr("device", hex(&id)));
    Ok(events)
}

pub fn hex(id: &[u8]) -> String {
    id.iter().map(|b| format!("{b:02x}")).collect()
}
