//! An auditor's hardware attestation carried by a challenge answer: an auditor that has
//! audited the provider (it holds an audit record for it) signs the challenge it checked the
//! hardware for. The chain checks the key is the auditor's, the audit record exists, and the
//! signature holds (its cost charged as gas first), and counts the attested answers.

use agora_proto::slashing::v1 as pb;
use agora_store::StateRead;
use agora_tx::PublicKey;
use agora_types::{Address, TxError};

use super::keeper::ProviderPenaltyKeeper;
use crate::SlashingError;

/// What an auditor signs: this prefix, the chain id, a newline, the challenge id (8 bytes,
/// big endian), the challenge's nonce.
pub const ATTESTATION_DOMAIN: &[u8] = b"agora-challenge-attestation/v1\n";

/// Gas for checking the signature (the Cosmos SDK's secp256k1 verification cost).
const SIGNATURE_VERIFY_GAS: u64 = 1_000;

pub fn sign_bytes(chain_id: &str, challenge_id: u64, nonce: &[u8]) -> Vec<u8> {
    [ATTESTATION_DOMAIN, chain_id.as_bytes(), b"\n", &challenge_id.to_be_bytes(), nonce].concat()
}

#[derive(Clone, Debug, PartialEq)]
pub struct Attestation {
    pub auditor: Address,
    pub pub_key: PublicKey,
    pub signature: Vec<u8>,
}

fn invalid(why: impl Into<String>) -> SlashingError {
    SlashingError::InvalidAttestation(why.into())
}

impl Attestation {
    /// The checks that need no state: the auditor's address, and that the key is its.
    pub fn from_proto(proto: pb::HardwareAttestation) -> Result<Self, SlashingError> {
        let auditor: Address = proto.auditor.parse().map_err(|e| SlashingError::InvalidAddress(format!("attestation.auditor: {e}")))?;
        let key = proto.pub_key.as_ref().ok_or_else(|| invalid("pub_key is missing"))?;
        let pub_key = PublicKey::from_any(key).map_err(|e| invalid(format!("pub_key: {e}")))?;
        if pub_key.address() != auditor {
            return Err(invalid(format!("pub_key is {}'s key, not auditor {auditor}'s", pub_key.address())));
        }
        Ok(Self { auditor, pub_key, signature: proto.signature })
    }

    pub fn to_proto(&self) -> pb::HardwareAttestation {
        pb::HardwareAttestation { auditor: self.auditor.to_string(), pub_key: Some(self.pub_key.to_any()), signature: self.signature.clone() }
    }

    /// The auditor audited `provider`, and signed this challenge.
    pub fn verify(&self, state: &dyn StateRead, keeper: &dyn ProviderPenaltyKeeper, provider: &Address, chain_id: &str, challenge: &pb::Challenge) -> Result<(), TxError> {
        if !keeper.audited_by(state, provider, &self.auditor)? {
            return Err(invalid(format!("{} has not audited provider {provider}", self.auditor)).into());
        }
        // The provider's own keys attest nothing about it.
        if keeper.standing(state, provider)?.is_some_and(|s| s.operator == Some(self.auditor)) {
            return Err(invalid(format!("{} is provider {provider}'s own operator key", self.auditor)).into());
        }
        state.charge_gas(SIGNATURE_VERIFY_GAS, "hardware attestation signature").map_err(|e| TxError::new("sdk", 11, e.to_string()))?;
        self.pub_key
            .verify(&sign_bytes(chain_id, challenge.id, &challenge.nonce), &self.signature)
            .map_err(|e| invalid(format!("signature: {e}")).into())
    }
}
