//! Every state key of `auth`, in one place. Addresses are raw 20 bytes so keys sort by address.

use agora_types::Address;

/// `auth/params`
pub const PARAMS: &[u8] = b"auth/params";
/// `auth/next_account_number`
pub const NEXT_ACCOUNT_NUMBER: &[u8] = b"auth/next_account_number";
/// `auth/accounts/` prefix of all accounts.
pub const ACCOUNTS_PREFIX: &[u8] = b"auth/accounts/";

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
    }
}
