//! Mint's keys, all under `mint/`.

/// `cosmos.mint.v1beta1.Params`.
pub const PARAMS: &[u8] = b"mint/params";
/// `cosmos.mint.v1beta1.Minter`.
pub const MINTER: &[u8] = b"mint/minter";

#[cfg(test)]
mod tests {
    #[test]
    fn keys_should_not_change() {
        assert_eq!(super::PARAMS, b"mint/params");
        assert_eq!(super::MINTER, b"mint/minter");
    }
}
