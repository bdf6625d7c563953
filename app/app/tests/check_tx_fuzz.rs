//! `CheckTx` must answer every input with a code, never a panic.

mod common;

use common::*;
use proptest::prelude::*;

thread_local! {
    static CHAIN: Chain = chain(&[key(1).address()]);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, .. ProptestConfig::default() })]

    #[test]
    fn check_tx_refuses_arbitrary_bytes_without_panicking(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let code = CHAIN.with(|chain| chain.node.check_tx(&bytes).code.value());
        prop_assert_ne!(code, 0);
    }

    #[test]
    fn check_tx_never_panics_on_mutated_transactions(
        flips in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..8),
        cut in any::<usize>(),
    ) {
        let (alice, bob) = (key(1), key(2));
        let mut tx = send_tx(&alice, &bob.address(), "1uagora", 1, 0);
        for (at, byte) in flips {
            let len = tx.len();
            tx[at % len] ^= byte;
        }
        tx.truncate(cut % (tx.len() + 1));
        // Any code is an acceptable answer (a flip may land in the memo); a panic is not.
        let _ = CHAIN.with(|chain| chain.node.check_tx(&tx));
    }
}
