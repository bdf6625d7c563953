//! The reward index arithmetic; allocation and withdrawal run through the real application in
//! `app/app/tests/staking.rs`.

use agora_types::{Coin, Coins, Dec, Denom};

use crate::rewards::accrued;
use crate::DecCoins;

fn coins(amount: u128) -> DecCoins {
    DecCoins::from_coins(&Coins::from_list(vec![Coin::new(Denom::native(), amount)]).unwrap())
}

#[test]
fn a_delegation_earns_its_shares_times_the_index_gain_and_fractions_truncate() {
    let start = coins(0);
    // 7 tokens over 3 shares: 2.333… per share.
    let index = coins(7).mul_ratio(Dec::ONE, Dec::from_units(3)).unwrap();
    let one = accrued(Dec::from_units(1), &start, &index).unwrap();
    let two = accrued(Dec::from_units(2), &start, &index).unwrap();
    let mut sum = one.clone();
    sum.add(&two).unwrap();
    assert!(sum.get(&Denom::native()) <= Dec::from_units(7), "never more than was shared");
    let (whole, fraction) = two.truncate();
    assert_eq!(whole.amount_of(&Denom::native()), 4);
    assert!(fraction.get(&Denom::native()) < Dec::ONE);
}
