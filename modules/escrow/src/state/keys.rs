//! Every state key of `escrow`. Addresses are their raw 20 bytes and numbers big-endian, so
//! keys sort by owner, deployment, group, order and provider, and the depletion index by height.

use agora_store::HeightQueue;
use agora_types::Address;

use crate::account::{AccountId, PaymentId};

/// `escrow/params`
pub const PARAMS: &[u8] = b"escrow/params";
/// `escrow/accounts/<owner><dseq>` → `Account`
pub const ACCOUNTS: &[u8] = b"escrow/accounts/";
/// `escrow/payments/<owner><dseq><gseq><oseq><provider>` → `Payment`
pub const PAYMENTS: &[u8] = b"escrow/payments/";
/// `escrow/open/<owner><dseq><gseq><oseq><provider>` → empty: the open payments of an account.
pub const OPEN_PAYMENTS: &[u8] = b"escrow/open/";
/// `escrow/by_provider/<provider><owner><dseq><gseq><oseq>` → empty.
pub const BY_PROVIDER: &[u8] = b"escrow/by_provider/";
/// `escrow/depletion/<height><owner><dseq>` → empty: accounts whose funds run out at `height`.
pub const DEPLETION: &[u8] = b"escrow/depletion/";
/// `escrow/depletion_next` → height (BE): a lower bound on the earliest `DEPLETION` height.
pub const DEPLETION_NEXT: &[u8] = b"escrow/depletion_next";
/// The depletion index as a queue for `EndBlock`.
pub const DEPLETION_QUEUE: HeightQueue = HeightQueue::new(DEPLETION, DEPLETION_NEXT);

/// `<owner><dseq>`: an account's id in keys.
pub fn account_suffix(id: &AccountId) -> Vec<u8> {
    [id.owner.as_bytes().as_slice(), &id.dseq.to_be_bytes()].concat()
}

/// Parses [`account_suffix`] back.
pub fn parse_account_suffix(bytes: &[u8]) -> Option<AccountId> {
    let owner = Address::from_slice(bytes.get(0..20)?).ok()?;
    let dseq = u64::from_be_bytes(bytes.get(20..28)?.try_into().ok()?);
    (bytes.len() == 28).then_some(AccountId { owner, dseq })
}

fn payment_suffix(id: &AccountId, pid: &PaymentId) -> Vec<u8> {
    [
        account_suffix(id).as_slice(),
        &pid.gseq.to_be_bytes(),
        &pid.oseq.to_be_bytes(),
        pid.provider.as_bytes().as_slice(),
    ]
    .concat()
}

pub fn account(id: &AccountId) -> Vec<u8> {
    [ACCOUNTS, &account_suffix(id)].concat()
}

pub fn payment(id: &AccountId, pid: &PaymentId) -> Vec<u8> {
    [PAYMENTS, &payment_suffix(id, pid)].concat()
}

/// Prefix of all payments of one account.
pub fn payments_of(id: &AccountId) -> Vec<u8> {
    [PAYMENTS, &account_suffix(id)].concat()
}

pub fn open_payment(id: &AccountId, pid: &PaymentId) -> Vec<u8> {
    [OPEN_PAYMENTS, &payment_suffix(id, pid)].concat()
}

/// Prefix of the open payments of one account.
pub fn open_payments_of(id: &AccountId) -> Vec<u8> {
    [OPEN_PAYMENTS, &account_suffix(id)].concat()
}

pub fn by_provider(id: &AccountId, pid: &PaymentId) -> Vec<u8> {
    [
        BY_PROVIDER,
        pid.provider.as_bytes().as_slice(),
        &account_suffix(id),
        &pid.gseq.to_be_bytes(),
        &pid.oseq.to_be_bytes(),
    ]
    .concat()
}

/// Prefix of one provider's payments.
pub fn by_provider_of(provider: &Address) -> Vec<u8> {
    [BY_PROVIDER, provider.as_bytes().as_slice()].concat()
}

pub fn depletion(height: u64, id: &AccountId) -> Vec<u8> {
    DEPLETION_QUEUE.key(height, &account_suffix(id))
}

/// Parses the tail of an `OPEN_PAYMENTS` key after the account prefix.
pub fn parse_payment_tail(tail: &[u8]) -> Option<PaymentId> {
    let gseq = u32::from_be_bytes(tail.get(0..4)?.try_into().ok()?);
    let oseq = u32::from_be_bytes(tail.get(4..8)?.try_into().ok()?);
    let provider = Address::from_slice(tail.get(8..28)?).ok()?;
    (tail.len() == 28).then_some(PaymentId { gseq, oseq, provider })
}

/// Parses a `BY_PROVIDER` key into the payment it points at.
pub fn parse_by_provider(key: &[u8]) -> Option<(AccountId, PaymentId)> {
    let rest = key.strip_prefix(BY_PROVIDER)?;
    let provider = Address::from_slice(rest.get(0..20)?).ok()?;
    let owner = Address::from_slice(rest.get(20..40)?).ok()?;
    let dseq = u64::from_be_bytes(rest.get(40..48)?.try_into().ok()?);
    let gseq = u32::from_be_bytes(rest.get(48..52)?.try_into().ok()?);
    let oseq = u32::from_be_bytes(rest.get(52..56)?.try_into().ok()?);
    (rest.len() == 56).then_some((AccountId { owner, dseq }, PaymentId { gseq, oseq, provider }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_should_not_change() {
        let id = AccountId { owner: Address::new([1; 20]), dseq: 7 };
        let pid = PaymentId { gseq: 2, oseq: 3, provider: Address::new([4; 20]) };
        let hex = |k: Vec<u8>| k.iter().map(|b| format!("{b:02x}")).collect::<String>();
        let owner = "01".repeat(20);
        let provider = "04".repeat(20);
        assert_eq!(hex(account(&id)), format!("{}{owner}0000000000000007", hex(ACCOUNTS.to_vec())));
        assert_eq!(
            hex(payment(&id, &pid)),
            format!("{}{owner}00000000000000070000000200000003{provider}", hex(PAYMENTS.to_vec()))
        );
        assert_eq!(
            hex(by_provider(&id, &pid)),
            format!("{}{provider}{owner}00000000000000070000000200000003", hex(BY_PROVIDER.to_vec()))
        );
        assert_eq!(hex(depletion(9, &id)), format!("{}0000000000000009{owner}0000000000000007", hex(DEPLETION.to_vec())));
        assert_eq!(PARAMS, b"escrow/params");
    }

    #[test]
    fn depletion_keys_sort_by_height_and_parse_back() {
        let a = AccountId { owner: Address::new([9; 20]), dseq: 1 };
        let b = AccountId { owner: Address::new([1; 20]), dseq: 2 };
        assert!(depletion(255, &a) < depletion(256, &b));
        assert_eq!(parse_account_suffix(&depletion(256, &b)[DEPLETION.len() + 8..]), Some(b));
        assert_eq!(parse_account_suffix(&account_suffix(&b)[1..]), None);
        assert!(!DEPLETION_NEXT.starts_with(DEPLETION));
        let pid = PaymentId { gseq: 1, oseq: 2, provider: Address::new([3; 20]) };
        assert_eq!(parse_by_provider(&by_provider(&a, &pid)), Some((a, pid)));
        let tail = &open_payment(&a, &pid)[open_payments_of(&a).len()..];
        assert_eq!(parse_payment_tail(tail), Some(pid));
    }
}
