//! Building and signing `SIGN_MODE_DIRECT` transactions, for the CLI, tests and load
//! generators. Output is plain `TxRaw` bytes, accepted by any Cosmos node API.

use agora_types::{Address, Coins};
use cosmos_sdk_proto::cosmos::tx::signing::v1beta1::SignMode;
use cosmos_sdk_proto::cosmos::tx::v1beta1::{
    mode_info, AuthInfo, Fee, ModeInfo, SignerInfo, TxBody, TxRaw,
};
use cosmos_sdk_proto::Any;
use prost::Message;

use crate::keys::SigningKey;
use crate::tx::sign_doc_bytes;

/// Packs a message into an `Any` with its canonical type URL (`/` + full proto name).
pub fn to_any<M: prost::Name>(msg: &M) -> Any {
    Any {
        type_url: M::type_url(),
        value: msg.encode_to_vec(),
    }
}

/// Accumulates a tx body and fee, then signs it for one or more signers.
#[derive(Clone, Debug)]
pub struct TxBuilder {
    messages: Vec<Any>,
    memo: String,
    fee: Coins,
    gas_limit: u64,
    timeout_height: u64,
    fee_payer: Option<Address>,
}

impl Default for TxBuilder {
    fn default() -> Self {
        Self::new()
    }
}

impl TxBuilder {
    /// Default gas limit 200_000, as the Cosmos CLI uses without `--gas`.
    pub fn new() -> Self {
        Self {
            messages: Vec::new(),
            memo: String::new(),
            fee: Coins::new(),
            gas_limit: 200_000,
            timeout_height: 0,
            fee_payer: None,
        }
    }

    pub fn message<M: prost::Name>(self, msg: &M) -> Self {
        self.any_message(to_any(msg))
    }

    pub fn raw_message(self, type_url: impl Into<String>, value: Vec<u8>) -> Self {
        self.any_message(Any {
            type_url: type_url.into(),
            value,
        })
    }

    pub fn any_message(mut self, any: Any) -> Self {
        self.messages.push(any);
        self
    }

    pub fn memo(mut self, memo: impl Into<String>) -> Self {
        self.memo = memo.into();
        self
    }

    pub fn fee(mut self, fee: Coins) -> Self {
        self.fee = fee;
        self
    }

    pub fn gas_limit(mut self, gas_limit: u64) -> Self {
        self.gas_limit = gas_limit;
        self
    }

    pub fn timeout_height(mut self, height: u64) -> Self {
        self.timeout_height = height;
        self
    }

    pub fn fee_payer(mut self, payer: Address) -> Self {
        self.fee_payer = Some(payer);
        self
    }

    /// Encoded `TxBody`: what every signer signs, byte for byte.
    pub fn body_bytes(&self) -> Vec<u8> {
        TxBody {
            messages: self.messages.clone(),
            memo: self.memo.clone(),
            timeout_height: self.timeout_height,
            extension_options: Vec::new(),
            non_critical_extension_options: Vec::new(),
        }
        .encode_to_vec()
    }

    /// Encoded `AuthInfo` for signers given as (key, sequence), public keys included.
    pub fn auth_info_bytes(&self, signers: &[(&SigningKey, u64)]) -> Vec<u8> {
        let signer_infos = signers
            .iter()
            .map(|(key, sequence)| SignerInfo {
                public_key: Some(key.public_key().to_any()),
                mode_info: Some(ModeInfo {
                    sum: Some(mode_info::Sum::Single(mode_info::Single {
                        mode: SignMode::Direct as i32,
                    })),
                }),
                sequence: *sequence,
            })
            .collect();
        #[allow(deprecated)] // `tip` must be named to build the struct; it stays empty.
        let auth_info = AuthInfo {
            signer_infos,
            fee: Some(Fee {
                amount: self.fee.to_protos(),
                gas_limit: self.gas_limit,
                payer: self.fee_payer.map(|a| a.to_bech32()).unwrap_or_default(),
                granter: String::new(),
            }),
            tip: None,
        };
        auth_info.encode_to_vec()
    }

    /// Signs for a single signer and returns `TxRaw` bytes.
    pub fn sign(
        &self,
        key: &SigningKey,
        chain_id: &str,
        account_number: u64,
        sequence: u64,
    ) -> Vec<u8> {
        self.sign_multi(&[(key, account_number, sequence)], chain_id)
    }

    /// Signs for several signers, each given as (key, account number, sequence), in the
    /// order the messages require them. Returns `TxRaw` bytes.
    pub fn sign_multi(&self, signers: &[(&SigningKey, u64, u64)], chain_id: &str) -> Vec<u8> {
        let body_bytes = self.body_bytes();
        let infos: Vec<(&SigningKey, u64)> = signers
            .iter()
            .map(|(key, _, sequence)| (*key, *sequence))
            .collect();
        let auth_info_bytes = self.auth_info_bytes(&infos);
        let signatures = signers
            .iter()
            .map(|(key, account_number, _)| {
                key.sign(&sign_doc_bytes(
                    &body_bytes,
                    &auth_info_bytes,
                    chain_id,
                    *account_number,
                ))
            })
            .collect();
        TxRaw {
            body_bytes,
            auth_info_bytes,
            signatures,
        }
        .encode_to_vec()
    }
}
