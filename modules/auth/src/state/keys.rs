//! Every state key of `auth`, in one place. Addresses are raw 20 bytes so keys sort by address.

use agora_types::Address;

/// `auth/params`
pub const PARAMS: &[u8] = b"auth/params";
/// `auth/next_account_number`
pub const NEXT_ACCOUNT_NUMBER: &[u8] = b"auth/next_account_number";
/// `auth/accounts/` prefix of all accounts.
pub const ACCOUNTS_PREFIX: &[u8] = b"auth/accounts/";

/// `auth/account_numbers/` prefix of the index of accounts by number.
pub const ACCOUNT_NUMBERS_PREFIX: &[u8] = b"auth/account_numbers/";

/// `auth/account_numbers/<8-byte big-endian number>` → the account's 20 address bytes
/// (`AccountAddressByID`); written once, when the account is created.
pub fn account_number(number: u64) -> Vec<u8> {
    [ACCOUNT_NUMBERS_PREFIX, number.to_be_bytes().as_slice()].concat()
}

/// `auth/accounts/<20 address bytes>`
pub fn account(address: &Address) -> Vec<u8> {
    [ACCOUNTS_PREFIX, address.as_bytes().as_slice()].concat()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_should_not_change() {
        assert_eq!(PARAMS, b"auth/params");
        assert_eq!(NEXT_ACCOUNT_NUMBER, b"auth/next_account_number");
        let key = account(&Address::new([0xab; 20]));
        assert_eq!(key[..14].to_vec(), b"auth/accounts/".to_vec());
        assert_eq!(key[14..].to_vec(), vec![0xab; 20]);
        assert_eq!(account_number(258), b"auth/account_numbers/\0\0\0\0\0\0\x01\x02".to_vec());
    }
}
