//! Parameters and the window arithmetic; the liveness and evidence paths run through the real
//! application in `app/app/tests/slashing.rs`.

use agora_types::Dec;

use crate::Params;

#[test]
fn max_missed_is_the_window_minus_the_signed_minimum() {
    let params = Params::default();
    assert_eq!(params.max_missed(), 50);
    let params = Params { signed_blocks_window: 10, min_signed_per_window: "0.05".parse().unwrap(), ..Params::default() };
    assert_eq!(params.max_missed(), 10, "0.5 blocks signed rounds down to 0");
    let params = Params { signed_blocks_window: 7, min_signed_per_window: Dec::ONE, ..Params::default() };
    assert_eq!(params.max_missed(), 0);
}

#[test]
fn params_round_trip_and_refuse_bad_values() {
    let params = Params::default();
    assert_eq!(Params::from_proto(&params.to_proto()).unwrap(), params);
    for bad in [
        Params { signed_blocks_window: 0, ..Params::default() },
        Params { min_signed_per_window: "1.5".parse().unwrap(), ..Params::default() },
        Params { downtime_jail_duration: 0, ..Params::default() },
        Params { slash_fraction_double_sign: "2".parse().unwrap(), ..Params::default() },
    ] {
        assert!(bad.validate().is_err(), "{bad:?}");
    }
}
