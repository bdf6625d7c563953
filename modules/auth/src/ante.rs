//! The ante handler: what every transaction must pass before its messages run. Its effects
//! (sequence increments, public keys, the fee) are kept even when a message later fails.

use agora_store::StateWrite;
use agora_tx::{KeyKind, ParsedTx, PublicKey, SIGNATURE_LEN};
use agora_types::{Address, BlockContext, Coin, Coins, Denom, Event, GasMeter};
use prost::Message;

use crate::{AuthError, AuthRead, AuthWrite, FEE_COLLECTOR};

/// Fixed-point scale of minimum gas prices (18 decimals, like the Cosmos SDK's `Dec`).
pub const PRICE_SCALE: u128 = 1_000_000_000_000_000_000;

/// A node-local minimum gas price, e.g. `0.025uagora`, as an 18-decimal fixed-point number.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MinGasPrice {
    pub denom: Denom,
    pub scaled_amount: u128,
}

impl MinGasPrice {
    /// Fee required for `gas` units at this price, rounded up.
    pub fn required_fee(&self, gas: u64) -> Option<u128> {
        let product = self.scaled_amount.checked_mul(u128::from(gas))?;
        Some(product.div_ceil(PRICE_SCALE))
    }
}

impl std::str::FromStr for MinGasPrice {
    type Err = String;

    /// Parses `0.025uagora`: a decimal with at most 18 fractional digits followed by a denom.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        let split = s
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .ok_or_else(|| format!("invalid gas price {s:?}: missing denom"))?;
        let (number, denom) = s.split_at(split);
        let denom = Denom::new(denom).map_err(|e| e.to_string())?;
        let (int_part, frac_part) = number.split_once('.').unwrap_or((number, ""));
        if int_part.is_empty() && frac_part.is_empty() || frac_part.len() > 18 {
            return Err(format!("invalid gas price {s:?}: expected a decimal like 0.025uagora"));
        }
        let parse = |digits: &str| -> Result<u128, String> {
            if digits.is_empty() {
                return Ok(0);
            }
            if !digits.bytes().all(|b| b.is_ascii_digit()) {
                return Err(format!("invalid gas price {s:?}"));
            }
            digits.parse::<u128>().map_err(|_| format!("invalid gas price {s:?}: too large"))
        };
        let frac_scaled = parse(frac_part)?
            .checked_mul(10u128.pow(18 - frac_part.len() as u32))
            .ok_or_else(|| format!("invalid gas price {s:?}: too large"))?;
        let scaled_amount = parse(int_part)?
            .checked_mul(PRICE_SCALE)
            .and_then(|v| v.checked_add(frac_scaled))
            .ok_or_else(|| format!("invalid gas price {s:?}: too large"))?;
        Ok(Self { denom, scaled_amount })
    }
}

/// The key simulation stores for a signer that has none yet: secp256k1's generator point,
/// compressed (any valid key of the usual size prices the same).
const SIMULATED_SECP256K1_KEY: [u8; 33] = [
    0x02, 0x79, 0xbe, 0x66, 0x7e, 0xf9, 0xdc, 0xbb, 0xac, 0x55, 0xa0, 0x62, 0x95, 0xce, 0x87, 0x0b, 0x07, 0x02, 0x9b, 0xfc,
    0xdb, 0x2d, 0xce, 0x28, 0xd9, 0x59, 0xf2, 0x81, 0x5b, 0x16, 0xf8, 0x17, 0x98,
];

/// How the ante handler runs.
#[derive(Clone, Copy, Debug)]
pub enum AnteMode<'a> {
    /// Mempool admission: the node's minimum gas prices apply. `recheck`: CometBFT checks
    /// again, after a block, a transaction it admitted before.
    Check { min_gas_prices: &'a [MinGasPrice], recheck: bool },
    /// Block execution: only consensus rules apply.
    Deliver,
    /// Gas estimation: signatures are not checked, but their gas is charged. A transaction
    /// sent without a fee (as cosmjs simulates) is charged for the fee transfer the signed
    /// transaction will make, in the first of `fee_denoms` that the payer holds.
    /// `gas_cap`: the most gas the simulation may use (it ignores the transaction's limit).
    Simulate { fee_denoms: &'a [Denom], gas_cap: u64 },
}

/// Signatures already verified (in parallel, before the block's transactions ran in order):
/// for each signer index, the account number and public key it was verified against.
#[derive(Clone, Debug, Default)]
pub struct SignatureCheck {
    pub verified: Vec<Option<(u64, Vec<u8>)>>,
}

impl SignatureCheck {
    fn already_verified(&self, index: usize, account_number: u64, key: &PublicKey) -> bool {
        matches!(self.verified.get(index), Some(Some((n, k))) if *n == account_number && *k == key.to_any().value)
    }
}

/// What auth needs from the bank: moving the fee to the fee collector.
pub trait FeeBank {
    fn pay_fee<S: StateWrite>(&self, state: &mut S, payer: &Address, collector: &Address, fee: &Coins) -> Result<Vec<Event>, AuthError>;
}

/// What the ante handler did.
#[derive(Debug, Default)]
pub struct AnteOutcome {
    pub events: Vec<Event>,
    pub fee_payer: Option<Address>,
}

/// Runs every check of the ante handler and applies its effects to `state`.
/// `signers` are the addresses the messages require, in order, without duplicates.
#[allow(clippy::too_many_arguments)]
pub fn run_ante<S: StateWrite>(
    state: &mut S,
    ctx: &BlockContext,
    tx: &ParsedTx,
    signers: &[Address],
    mode: AnteMode<'_>,
    presigned: &SignatureCheck,
    gas: &GasMeter,
    bank: &impl FeeBank,
) -> Result<AnteOutcome, AuthError> {
    let params = state.auth_params()?;

    if tx.timeout_height != 0 && ctx.height > tx.timeout_height {
        return Err(AuthError::TxTimeoutHeight { height: ctx.height, timeout: tx.timeout_height });
    }
    let memo_chars = tx.memo.chars().count() as u64;
    if memo_chars > params.max_memo_characters {
        return Err(AuthError::MemoTooLarge { max: params.max_memo_characters, got: memo_chars });
    }
    if tx.signers.len() as u64 > params.tx_sig_limit {
        return Err(AuthError::TooManySignatures { got: tx.signers.len() as u64, limit: params.tx_sig_limit });
    }
    if signers.is_empty() || tx.signers.len() != signers.len() {
        return Err(AuthError::WrongSignerCount { expected: signers.len(), got: tx.signers.len() });
    }

    let size = (tx.size as u64).saturating_add(match mode {
        AnteMode::Simulate { fee_denoms, .. } => simulated_extra_bytes(tx, fee_denoms),
        _ => 0,
    });
    gas.consume(params.tx_size_cost_per_byte.saturating_mul(size), "txSize")?;

    if let AnteMode::Check { min_gas_prices, .. } = mode {
        check_min_fee(&tx.fee, tx.gas_limit, min_gas_prices)?;
    }

    let fee_payer = match tx.fee_payer {
        Some(payer) if !signers.contains(&payer) => {
            return Err(AuthError::InvalidRequest(format!("fee payer {payer} is not a signer of the transaction")))
        }
        Some(payer) => payer,
        None => signers[0],
    };

    let mut outcome = AnteOutcome { fee_payer: Some(fee_payer), ..AnteOutcome::default() };
    let collector = || agora_types::Address::module(FEE_COLLECTOR);
    match mode {
        AnteMode::Simulate { fee_denoms, .. } if tx.fee.is_empty() => {
            // One base unit stands in for the fee the signed transaction will pay, in the first
            // denom the payer can pay it in (a failed try writes nothing: one coin is debited
            // before it is credited). A payer who holds none of them cannot pay a fee anyway.
            for denom in fee_denoms {
                let stand_in = Coins::from_list(vec![Coin::new(denom.clone(), 1)]).map_err(|e| AuthError::Internal(e.to_string()))?;
                if let Ok(fee_events) = bank.pay_fee(state, &fee_payer, &collector(), &stand_in) {
                    outcome.events.extend(fee_events);
                    break;
                }
            }
        }
        _ if !tx.fee.is_empty() => {
            let fee_events = bank.pay_fee(state, &fee_payer, &collector(), &tx.fee)?;
            outcome.events.extend(fee_events);
        }
        _ => {}
    }
    outcome.events.push(Event::new("tx").attr("fee", tx.fee.to_string()).attr("fee_payer", fee_payer));

    for (index, (address, signer)) in signers.iter().zip(&tx.signers).enumerate() {
        let mut account = state
            .account(address)?
            .ok_or_else(|| AuthError::UnknownAddress(address.to_string()))?;

        let key = match (&account.pub_key, &signer.public_key) {
            (Some(stored), None) => PublicKey::from_any(stored).map_err(|e| AuthError::Internal(e.to_string()))?,
            (Some(stored), Some(given)) => {
                if stored.value != given.to_any().value || stored.type_url != given.to_any().type_url {
                    return Err(AuthError::InvalidPubKey(format!(
                        "public key of signer {index} does not match the key registered for {address}"
                    )));
                }
                given.clone()
            }
            (None, Some(given)) => {
                if given.address() != *address {
                    return Err(AuthError::InvalidPubKey(format!(
                        "public key of signer {index} is for address {}, not {address}",
                        given.address()
                    )));
                }
                account.pub_key = Some(given.to_any());
                given.clone()
            }
            // Simulating a first transaction that carries no key, as the SDK does: a stand-in
            // secp256k1 key is stored and its bytes in the transaction are charged for.
            (None, None) if matches!(mode, AnteMode::Simulate { .. }) => {
                let stand_in = PublicKey::secp256k1_from_bytes(&SIMULATED_SECP256K1_KEY)
                    .map_err(|e| AuthError::Internal(e.to_string()))?;
                let any = stand_in.to_any();
                let key_bytes = any.encoded_len() as u64 + 2;
                gas.consume(params.tx_size_cost_per_byte.saturating_mul(key_bytes), "txSize")?;
                account.pub_key = Some(any);
                stand_in
            }
            (None, None) => {
                return Err(AuthError::InvalidPubKey(format!(
                    "signer {index} ({address}) has no public key on chain and the transaction carries none"
                )))
            }
        };

        let sig_cost = match key.kind() {
            KeyKind::Secp256k1 => params.sig_verify_cost_secp256k1,
            KeyKind::Ed25519 => params.sig_verify_cost_ed25519,
        };
        gas.consume(sig_cost, "signature verification")?;

        if signer.sequence != account.sequence {
            return Err(AuthError::WrongSequence { expected: account.sequence, got: signer.sequence });
        }

        // Simulation charges for the signature but checks none: its clients send empty ones.
        // Genesis transactions (gentxs) are signed before account numbers are known: at
        // height 0 they sign account number 0, as in the Cosmos SDK.
        let signed_number = if ctx.height == 0 && matches!(mode, AnteMode::Deliver) { 0 } else { account.account_number };
        let needs_check = !matches!(mode, AnteMode::Simulate { .. })
            && !presigned.already_verified(index, signed_number, &key);
        if needs_check {
            tx.verify_signer(index, &key, &ctx.chain_id, signed_number).map_err(|_| {
                AuthError::Unauthorized(format!(
                    "signature verification failed; please verify account number ({signed_number}), sequence ({}) and chain-id ({})",
                    account.sequence, ctx.chain_id
                ))
            })?;
        }

        outcome.events.push(Event::new("tx").attr("acc_seq", format!("{address}/{}", account.sequence)));
        account.sequence = account
            .sequence
            .checked_add(1)
            .ok_or_else(|| AuthError::Internal("sequence overflow".into()))?;
        state.put_account(&account);
    }

    Ok(outcome)
}

/// Bytes a simulated transaction may lack and its signed form will carry, counted generously so
/// that the estimate covers the signed transaction: each empty signature's 64 bytes and each
/// signer's `SIGN_MODE_DIRECT` (2 bytes, absent when unspecified); the gas limit's longest
/// varint (and its tag, absent when zero); with no fee given, a fee coin in the longest of
/// `fee_denoms` with the longest amount a u64 has; and a byte for each enclosing length prefix
/// that may grow.
fn simulated_extra_bytes(tx: &ParsedTx, fee_denoms: &[Denom]) -> u64 {
    const MODE_FIELD: u64 = 2;
    const LONGEST_VARINT: u64 = 10;
    const FEE_COIN_OVERHEAD: u64 = 2 + 2 + 2;
    const LONGEST_AMOUNT: u64 = 20;
    const GROWING_PREFIXES: u64 = 3;
    let per_signer: u64 = tx
        .signers
        .iter()
        .map(|s| SIGNATURE_LEN.saturating_sub(s.signature.len()) as u64 + MODE_FIELD)
        .sum();
    let gas_limit = match tx.gas_limit {
        0 => 1 + LONGEST_VARINT,
        gas => LONGEST_VARINT.saturating_sub(prost::encoding::encoded_len_varint(gas) as u64),
    };
    let fee = match tx.fee.is_empty() {
        true => FEE_COIN_OVERHEAD + LONGEST_AMOUNT + fee_denoms.iter().map(|d| d.as_str().len() as u64).max().unwrap_or(0),
        false => 0,
    };
    per_signer + gas_limit + fee + GROWING_PREFIXES
}

/// The fee must meet at least one of the node's minimum gas prices (none set: any fee passes).
fn check_min_fee(fee: &Coins, gas_limit: u64, min_gas_prices: &[MinGasPrice]) -> Result<(), AuthError> {
    if min_gas_prices.is_empty() || min_gas_prices.iter().all(|p| p.scaled_amount == 0) {
        return Ok(());
    }
    let mut required = Vec::new();
    for price in min_gas_prices {
        let need = price.required_fee(gas_limit).unwrap_or(u128::MAX);
        if fee.amount_of(&price.denom) >= need {
            return Ok(());
        }
        required.push(Coin::new(price.denom.clone(), need).to_string());
    }
    Err(AuthError::InsufficientFee(format!("got: {fee} required: {}", required.join(","))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gas_prices_parse_as_fixed_point() {
        let p: MinGasPrice = "0.025uagora".parse().expect("parse");
        assert_eq!(p.scaled_amount, 25_000_000_000_000_000);
        assert_eq!(p.required_fee(200_000), Some(5_000));
        assert_eq!(p.required_fee(1), Some(1), "rounds up");
        let whole: MinGasPrice = "2uagora".parse().expect("parse");
        assert_eq!(whole.required_fee(3), Some(6));
        for bad in ["uagora", "0.0.1uagora", "1", "0.1234567890123456789uagora", "1x"] {
            assert!(bad.parse::<MinGasPrice>().is_err(), "{bad}");
        }
    }

    #[test]
    fn min_fee_needs_one_denom_to_suffice() {
        let prices = vec!["0.025uagora".parse::<MinGasPrice>().expect("p")];
        let enough: Coins = "5000uagora".parse().expect("c");
        let short: Coins = "4999uagora".parse().expect("c");
        assert!(check_min_fee(&enough, 200_000, &prices).is_ok());
        let err = check_min_fee(&short, 200_000, &prices).expect_err("short");
        assert!(err.to_string().contains("required: 5000uagora"), "{err}");
        assert!(check_min_fee(&Coins::new(), 200_000, &[]).is_ok());
    }
}
