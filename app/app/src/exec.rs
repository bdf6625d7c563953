//! The transaction pipeline: stateless decoding, parallel signature pre-verification, and
//! ordered execution (ante handler, then messages) against the block state.

use agora_auth::ante::{AnteMode, SignatureCheck};
use agora_auth::{AuthError, AuthRead};
use agora_component::{Components, RoutedMsg};
use agora_store::{StateDelta, StateRead};
use agora_tx::{decode_tx, DecodeLimits, ParsedTx, PublicKey};
use agora_types::{AbciError, Address, BlockContext, Event, GasMeter, TxError};
use rayon::prelude::*;

use crate::metered::Metered;

/// A transaction that passed every stateless check.
#[derive(Debug)]
pub struct DecodedTx {
    pub parsed: ParsedTx,
    pub msgs: Vec<RoutedMsg>,
    /// Required signers in order of first appearance, without duplicates.
    pub signers: Vec<Address>,
}

/// Decodes a transaction and validates its messages; nothing here reads state.
pub fn decode(components: &Components, bytes: &[u8], limits: &DecodeLimits) -> Result<DecodedTx, TxError> {
    let parsed = decode_tx(bytes, limits).map_err(|e| e.to_tx_error())?;
    let msgs = parsed.messages.iter().map(|any| components.decode_msg(any)).collect::<Result<Vec<_>, _>>()?;
    let mut signers = Vec::new();
    for signer in msgs.iter().flat_map(RoutedMsg::signers) {
        if !signers.contains(&signer) {
            signers.push(signer);
        }
    }
    Ok(DecodedTx { parsed, msgs, signers })
}

/// Decodes a block's transactions in parallel.
pub fn decode_all(
    components: &Components,
    txs: &[impl AsRef<[u8]> + Sync],
    limits: &DecodeLimits,
) -> Vec<Result<DecodedTx, TxError>> {
    txs.par_iter().map(|tx| decode(components, tx.as_ref(), limits)).collect()
}

/// Verifies, in parallel, every signature whose signer account exists in `state` (the state
/// at the start of the block). Signers created during the block are verified in order later.
/// Then, for a transaction its signers really signed (each signature verified, with a key
/// bound to the signer's account and at the account's sequence), it reads the keys its fee
/// and messages will read ([`read_ahead`]), so that ordered execution finds them in the
/// store's cache.
pub fn preverify<S: StateRead + Sync>(
    state: &S,
    chain_id: &str,
    txs: &[Result<DecodedTx, TxError>],
) -> Vec<SignatureCheck> {
    txs.par_iter()
        .map(|tx| {
            let Ok(tx) = tx else {
                return SignatureCheck::default();
            };
            // Whether every signer is who the transaction says: a key bound to the account
            // (the stored one, or one whose address is the signer's) and the account's
            // current sequence. Ante checks all of it again; here it only gates read-ahead.
            let mut authentic = true;
            let verified: Vec<Option<(u64, Vec<u8>)>> = tx
                .signers
                .iter()
                .zip(&tx.parsed.signers)
                .enumerate()
                .map(|(index, (address, signer))| {
                    let checked = (|| {
                        let account = state.account(address).ok().flatten()?;
                        let (key, bound) = match (&signer.public_key, &account.pub_key) {
                            (Some(given), Some(stored)) => (given.clone(), given.to_any() == *stored),
                            (Some(given), None) => (given.clone(), given.address() == *address),
                            (None, Some(stored)) => (PublicKey::from_any(stored).ok()?, true),
                            (None, None) => return None,
                        };
                        tx.parsed.verify_signer(index, &key, chain_id, account.account_number).ok()?;
                        authentic &= bound && signer.sequence == account.sequence;
                        Some((account.account_number, key.to_any().value))
                    })();
                    authentic &= checked.is_some();
                    checked
                })
                .collect();
            // Only for a transaction its signers really signed: a forged one buys no reads.
            if authentic {
                read_ahead(state, tx);
            }
            SignatureCheck { verified }
        })
        .collect()
}

/// At most this many keys are read ahead for one transaction (a send paying its fee in one
/// denom needs three).
const READ_AHEAD_KEYS_PER_TX: usize = 16;

/// Reads the fee payer's balances in the fee's denoms and the keys the messages name as
/// theirs (`ComponentMsg::read_hints`), discarding what it reads: a committed snapshot keeps what
/// it reads in the store's inter-block cache, so execution, which runs in order on one core,
/// reads them from memory instead of waiting on the database. Bounded by the transaction's
/// [`READ_AHEAD_KEYS_PER_TX`] and done only for authentic transactions; a wrong hint costs
/// one read and changes nothing.
fn read_ahead<S: StateRead>(state: &S, tx: &DecodedTx) {
    let payer = tx.parsed.fee_payer.or_else(|| tx.signers.first().copied());
    let fee_keys = payer.into_iter().flat_map(|payer| {
        tx.parsed.fee.iter().map(move |coin| agora_bank::state::keys::balance(&payer, &coin.denom))
    });
    // A signed transaction that then fails its fee never pays for these reads: a few per
    // transaction, like its signature check, whatever its messages name.
    let hinted = fee_keys.chain(tx.msgs.iter().flat_map(RoutedMsg::read_hints)).take(READ_AHEAD_KEYS_PER_TX);
    for key in hinted {
        // Only a cache warm-up: a failed read is execution's to report.
        let _ = state.get_raw(&key);
    }
}

/// What executing one transaction produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TxOutcome {
    pub result: Result<(), TxError>,
    pub gas_wanted: u64,
    pub gas_used: u64,
    pub events: Vec<Event>,
}

impl TxOutcome {
    /// A transaction refused before or during its ante handler: no events.
    pub fn refused(error: TxError, gas_wanted: u64, gas_used: u64) -> Self {
        Self { result: Err(error), gas_wanted, gas_used, events: Vec::new() }
    }
}

/// Runs one transaction against `state`. The ante handler's effects (fee, sequence) are kept
/// once it passes; the messages' effects are kept only if every message succeeds within the
/// gas limit. In `Check` mode the ante handler runs, then the components' `CheckTx` hooks (IBC's
/// relay checks); no message executes, as in the Cosmos SDK.
pub fn execute_tx<S: StateRead>(
    components: &Components,
    state: &mut StateDelta<S>,
    ctx: &BlockContext,
    tx: &DecodedTx,
    mode: AnteMode<'_>,
    presigned: &SignatureCheck,
) -> TxOutcome {
    let gas_wanted = tx.parsed.gas_limit;
    let gas = match mode {
        AnteMode::Simulate { gas_cap, .. } => GasMeter::new(gas_cap),
        _ => GasMeter::new(gas_wanted),
    };

    let ante = {
        let mut fork = Metered::new(StateDelta::new(&*state), &gas);
        let ante = agora_auth::run_ante(&mut fork, ctx, &tx.parsed, &tx.signers, mode, presigned, &gas, &crate::keepers::Bank);
        // Out of gas wins over whatever the ante handler made of its failed read.
        match (gas.check("ante"), ante) {
            (Err(out), _) => Err(AuthError::from(out).to_tx_error()),
            (Ok(()), Ok(outcome)) => Ok((outcome, fork.into_inner().into_changes())),
            (Ok(()), Err(e)) => Err(e.to_tx_error()),
        }
    };
    let (ante_outcome, ante_changes) = match ante {
        Ok(ok) => ok,
        Err(error) => return TxOutcome::refused(error, gas_wanted, gas.used()),
    };
    let mut events = ante_outcome.events;

    if matches!(mode, AnteMode::Check { .. }) {
        // The components' look at the messages, metered like them; a refusal keeps the ante
        // handler's fee and sequence out of the mempool view too.
        let checked = {
            let mut inner = StateDelta::new(&*state);
            inner.apply(ante_changes);
            let mut fork = Metered::new(inner, &gas);
            let recheck = matches!(mode, AnteMode::Check { recheck: true, .. });
            let checked = components.check_tx(&mut fork, ctx, &tx.msgs, recheck);
            match (gas.check("check tx"), checked) {
                (Err(out), _) => Err(AuthError::from(out).to_tx_error()),
                (Ok(()), Ok(())) => Ok(fork.into_inner().into_changes()),
                (Ok(()), Err(e)) => Err(e),
            }
        };
        return match checked {
            Ok(changes) => {
                state.apply(changes);
                TxOutcome { result: Ok(()), gas_wanted, gas_used: gas.used(), events }
            }
            Err(error) => TxOutcome::refused(error, gas_wanted, gas.used()),
        };
    }
    state.apply(ante_changes);

    let messages = {
        let mut fork = Metered::new(StateDelta::new(&*state), &gas);
        let mut msg_events = Vec::new();
        let mut result = Ok(());
        for (index, msg) in tx.msgs.iter().enumerate() {
            let executed = components.execute(&mut fork, ctx, msg);
            // Out of gas wins over whatever the message made of its failed read.
            let step = match gas.check("message execution") {
                Ok(()) => executed,
                Err(out) => Err(AuthError::from(out).to_tx_error()),
            };
            match step {
                Ok(evs) => {
                    let sender = msg.signers().first().map(|a| a.to_string()).unwrap_or_default();
                    msg_events.push(
                        Event::new("message")
                            .attr("action", msg.type_url())
                            .attr("sender", sender)
                            .attr("module", msg.module())
                            .attr("msg_index", index),
                    );
                    msg_events.extend(evs.into_iter().map(|e| e.attr("msg_index", index)));
                }
                Err(mut error) => {
                    error.log = format!("failed to execute message; message index: {index}: {}", error.log);
                    result = Err(error);
                    break;
                }
            }
        }
        result.map(|()| (msg_events, fork.into_inner().into_changes()))
    };
    match messages {
        Ok((msg_events, changes)) => {
            state.apply(changes);
            events.extend(msg_events);
            TxOutcome { result: Ok(()), gas_wanted, gas_used: gas.used(), events }
        }
        // The ante handler's events (fee, sequence) stand: those effects were kept.
        Err(error) => TxOutcome { result: Err(error), gas_wanted, gas_used: gas.used(), events },
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use agora_store::{Key, StoreError, Value};
    use agora_tx::{to_any, SigningKey, TxBuilder};
    use cosmos_sdk_proto::cosmos::bank::v1beta1 as bank;
    use cosmos_sdk_proto::cosmos::base::v1beta1::Coin;

    use super::*;

    /// An empty state that counts the reads made of it.
    #[derive(Default)]
    struct CountingState(AtomicUsize);

    impl StateRead for CountingState {
        fn get_raw(&self, _key: &[u8]) -> Result<Option<Value>, StoreError> {
            self.0.fetch_add(1, Ordering::Relaxed);
            Ok(None)
        }

        fn prefix_raw<'a>(
            &'a self,
            _prefix: &[u8],
            _start: Option<&[u8]>,
        ) -> Box<dyn Iterator<Item = Result<(Key, Value), StoreError>> + 'a> {
            Box::new(std::iter::empty())
        }
    }

    fn send_signed_by(signer: &SigningKey, from: Address, sequence: u64) -> DecodedTx {
        let msg = bank::MsgSend {
            from_address: from.to_bech32(),
            to_address: Address::new([9; 20]).to_bech32(),
            amount: vec![Coin { denom: "uagora".into(), amount: "1".into() }],
        };
        let bytes = TxBuilder::new()
            .any_message(to_any(&msg))
            .fee("10uagora".parse().expect("fee"))
            .gas_limit(200_000)
            .sign(signer, "test-chain", 7, sequence);
        decode(&crate::components().expect("components"), &bytes, &DecodeLimits::default()).expect("decodes")
    }

    /// Only a transaction its signer really signed reads ahead: not one signed with another
    /// key in the signer's name, nor one at a stale sequence.
    #[test]
    fn preverify_reads_ahead_only_for_authentic_transactions() {
        use agora_auth::{Account, AuthWrite};
        let owner = SigningKey::secp256k1_from_bytes(&[5u8; 32]).expect("key");
        let forger = SigningKey::secp256k1_from_bytes(&[6u8; 32]).expect("key");
        let reads_ahead = |tx: DecodedTx| {
            let mut state = agora_store::StateDelta::new(CountingState::default());
            let mut account = Account::new(owner.address(), 7);
            account.pub_key = Some(owner.public_key().to_any());
            account.sequence = 3;
            state.put_account(&account);
            let before = state.base().0.load(Ordering::Relaxed);
            let checks = preverify(&state, "test-chain", &[Ok(tx)]);
            (state.base().0.load(Ordering::Relaxed) - before, checks)
        };

        let (reads, checks) = reads_ahead(send_signed_by(&owner, owner.address(), 3));
        assert_eq!(reads, 3, "the fee payer's fee balance, and the send's two balances");
        assert!(checks[0].verified.iter().all(Option::is_some));

        let (reads, _) = reads_ahead(send_signed_by(&forger, owner.address(), 3));
        assert_eq!(reads, 0, "a key not bound to the account");
        let (reads, checks) = reads_ahead(send_signed_by(&owner, owner.address(), 2));
        assert_eq!(reads, 0, "a stale sequence");
        assert!(checks[0].verified.iter().all(Option::is_some), "the signature itself still counts as verified");
    }

    #[test]
    fn read_ahead_reads_a_bounded_number_of_keys_whatever_the_messages_name() {
        let key = SigningKey::secp256k1_from_bytes(&[4u8; 32]).expect("key");
        let coin = |amount: &str| Coin { denom: "uagora".into(), amount: amount.into() };
        let outputs: Vec<bank::Output> = (0..200u8)
            .map(|i| bank::Output { address: Address::new([i; 20]).to_bech32(), coins: vec![coin("1")] })
            .collect();
        let msg = bank::MsgMultiSend {
            inputs: vec![bank::Input { address: key.address().to_bech32(), coins: vec![coin("200")] }],
            outputs,
        };
        let bytes = TxBuilder::new()
            .any_message(to_any(&msg))
            .fee("10uagora".parse().expect("fee"))
            .gas_limit(10_000_000)
            .sign(&key, "test-chain", 1, 0);
        let tx = decode(&crate::components().expect("components"), &bytes, &DecodeLimits::default()).expect("decodes");

        let state = CountingState::default();
        read_ahead(&state, &tx);
        assert_eq!(state.0.load(Ordering::Relaxed), READ_AHEAD_KEYS_PER_TX);
    }
}
