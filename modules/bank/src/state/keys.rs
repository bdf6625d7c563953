//! Every state key of `bank`, in one place. Addresses are raw 20 bytes (fixed length, so one
//! account's balances share a prefix); amounts are 16-byte big-endian u128.

use agora_types::{Address, Denom};

/// `bank/params`
pub const PARAMS: &[u8] = b"bank/params";
/// `bank/balances/` prefix of all balances.
pub const BALANCES_PREFIX: &[u8] = b"bank/balances/";
/// `bank/supply/` prefix of the total supply per denom.
pub const SUPPLY_PREFIX: &[u8] = b"bank/supply/";
/// `bank/denom_owners/` prefix of the index of holders by denom (the SDK's reverse balance
/// index, for `DenomOwners`).
pub const DENOM_OWNERS_PREFIX: &[u8] = b"bank/denom_owners/";
/// `bank/denom_metadata/` prefix of denom metadata.
pub const DENOM_METADATA_PREFIX: &[u8] = b"bank/denom_metadata/";

/// `bank/module_permissions/` prefix of the permission table: one byte of flags (1 mint,
/// 2 burn, 4 receive through bank messages) per module account.
pub const MODULE_PERMISSIONS_PREFIX: &[u8] = b"bank/module_permissions/";

/// `bank/module_permissions/<20 address bytes>`
pub fn module_permissions(address: &Address) -> Vec<u8> {
    [MODULE_PERMISSIONS_PREFIX, address.as_bytes().as_slice()].concat()
}

/// `bank/balances/<20 address bytes>/`: all balances of one account.
pub fn balances_of(address: &Address) -> Vec<u8> {
    [BALANCES_PREFIX, address.as_bytes().as_slice(), b"/"].concat()
}

/// `bank/balances/<20 address bytes>/<denom>`
pub fn balance(address: &Address, denom: &Denom) -> Vec<u8> {
    [balances_of(address).as_slice(), denom.as_str().as_bytes()].concat()
}

/// `bank/denom_owners/<denom>\0`: every holder of one denom (denoms never contain NUL).
pub fn denom_owners(denom: &Denom) -> Vec<u8> {
    [DENOM_OWNERS_PREFIX, denom.as_str().as_bytes(), b"\0"].concat()
}

/// `bank/denom_owners/<denom>\0<20 address bytes>` → empty, while the address holds the denom.
pub fn denom_owner(denom: &Denom, address: &Address) -> Vec<u8> {
    [denom_owners(denom).as_slice(), address.as_bytes().as_slice()].concat()
}

/// `bank/supply/<denom>`
pub fn supply(denom: &Denom) -> Vec<u8> {
    [SUPPLY_PREFIX, denom.as_str().as_bytes()].concat()
}

/// `bank/denom_metadata/<denom>`
pub fn denom_metadata(denom: &str) -> Vec<u8> {
    [DENOM_METADATA_PREFIX, denom.as_bytes()].concat()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_should_not_change() {
        let addr = Address::new([1; 20]);
        let denom = Denom::new("uagora").expect("denom");
        let mut expected = b"bank/balances/".to_vec();
        expected.extend([1u8; 20]);
        expected.extend(b"/uagora");
        assert_eq!(balance(&addr, &denom), expected);
        assert_eq!(supply(&denom), b"bank/supply/uagora".to_vec());
        assert_eq!(denom_metadata("uagora"), b"bank/denom_metadata/uagora".to_vec());
        assert_eq!(PARAMS, b"bank/params");
        assert_eq!(module_permissions(&addr), [b"bank/module_permissions/".as_slice(), &[1u8; 20]].concat());
    }
}
