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

mod provider_penalties {
    use agora_proto::slashing::v1 as pb;
    use agora_store::{EmptyState, StateDelta};
    use agora_types::{Address, Coin, Denom};

    use crate::provider::state::{ProviderPenaltyRead, ProviderPenaltyWrite};
    use crate::provider::{ProviderParams, ProviderPenaltyGenesis};

    fn challenge(id: u64, provider: &Address, drawn: u64, deadline: u64) -> pb::Challenge {
        pb::Challenge { id, provider: provider.to_string(), drawn_height: drawn, deadline, nonce: vec![id as u8; 32], answered_height: 0 }
    }

    #[test]
    fn genesis_export_rebases_heights_and_imports_to_the_same_records() {
        let (bob, carol) = (Address::new([2; 20]), Address::new([3; 20]));
        let mut state = StateDelta::new(EmptyState);
        state.put_provider_penalty_params(&ProviderParams { response_window: 10, ..ProviderParams::default() });
        state.put_challenge(&challenge(4, &bob, 95, 105)).unwrap();
        state.put_challenge(&challenge(5, &carol, 99, 100)).unwrap();
        state.put_next_challenge_id(6);
        let live = |provider: &Address, open: u64| pb::ProviderLiveness {
            provider: provider.to_string(),
            open_challenge: open,
            missed_in_a_row: 1,
            answered: 7,
            missed: 2,
            last_answered_height: 90,
            slashed: vec![cosmos_sdk_proto::cosmos::base::v1beta1::Coin { denom: "uagora".into(), amount: "30".into() }],
            attested: 1,
            last_attested_height: 88,
            last_attester: Address::new([9; 20]).to_string(),
        };
        state.put_liveness(&bob, &live(&bob, 4));
        state.put_liveness(&carol, &live(&carol, 5));
        let mut answered = challenge(7, &Address::new([4; 20]), 90, 110);
        answered.answered_height = 92;
        state.put_challenge(&answered).unwrap();
        state.put_liveness(&Address::new([4; 20]), &live(&Address::new([4; 20]), 7));
        state.put_next_challenge_id(8);
        state.put_provider_fraud(
            &Address::new([5; 20]),
            &pb::ProviderFraud { provider: Address::new([5; 20]).to_string(), height: 80, reporter: bob.to_string(), reason: "x".into(), ..Default::default() },
        );

        let exported = ProviderPenaltyGenesis::export(&state, 100).unwrap();
        assert_eq!(exported.next_challenge_id, 8);
        let deadlines: Vec<(u64, u64, u64)> = exported.challenges.iter().map(|c| (c.drawn_height, c.deadline, c.answered_height)).collect();
        assert_eq!(deadlines, [(0, 5, 0), (0, 1, 0), (0, 10, 1)], "rebased; a deadline at the export height stays answerable at block 1; an answer stays one");
        assert_eq!(exported.frauds[0].height, 0);
        assert_eq!((exported.liveness[0].last_answered_height, exported.liveness[0].last_attested_height), (0, 0));

        let json = serde_json::to_string(&exported).unwrap();
        let imported: ProviderPenaltyGenesis = serde_json::from_str(&json).unwrap();
        let mut fresh = StateDelta::new(EmptyState);
        imported.apply(&mut fresh).unwrap();
        assert_eq!(ProviderPenaltyGenesis::export(&fresh, 0).unwrap(), exported);
        assert_eq!(fresh.challenge(5).unwrap().map(|c| c.deadline), Some(1));
        assert_eq!(fresh.next_challenge_id().unwrap(), 8);
    }

    #[test]
    fn genesis_refuses_a_record_whose_open_challenge_is_not_its_own() {
        let (bob, carol) = (Address::new([2; 20]), Address::new([3; 20]));
        let genesis = ProviderPenaltyGenesis {
            params: ProviderParams::default(),
            challenges: vec![challenge(1, &bob, 1, 5)],
            liveness: vec![pb::ProviderLiveness { provider: carol.to_string(), open_challenge: 1, ..Default::default() }],
            next_challenge_id: 2,
            ..Default::default()
        };
        let error = genesis.validate().unwrap_err().to_string();
        assert!(error.contains("liveness[0].open_challenge 1"), "{error}");
        let genesis = ProviderPenaltyGenesis { next_challenge_id: 1, liveness: Vec::new(), ..genesis };
        assert!(genesis.validate().unwrap_err().to_string().contains("below next_challenge_id"));
    }

    #[test]
    fn provider_params_refuse_what_would_make_block_work_unbounded_or_meaningless() {
        let valid = ProviderParams::default();
        assert_eq!(ProviderParams::from_proto(&valid.to_proto()).unwrap(), valid);
        for (bad, field) in [
            (ProviderParams { challenges_per_block: 65, ..valid.clone() }, "challenges_per_block"),
            (ProviderParams { response_window: 1, ..valid.clone() }, "response_window"),
            (ProviderParams { response_window: 100_001, ..valid.clone() }, "response_window"),
            (ProviderParams { missed_challenge_slash_bps: 10_001, ..valid.clone() }, "missed_challenge_slash_bps"),
            (ProviderParams { max_missed: 0, ..valid.clone() }, "max_missed"),
            (ProviderParams { jail_blocks: 0, ..valid.clone() }, "jail_blocks"),
            (ProviderParams { panel_size: 0, ..valid.clone() }, "panel_size"),
            (ProviderParams { panel_size: 22, panel_threshold: 12, ..valid.clone() }, "panel_size"),
            // 2 of 5 is no majority: two halves of a panel could both decide.
            (ProviderParams { panel_threshold: 2, ..valid.clone() }, "panel_threshold"),
            (ProviderParams { panel_threshold: 6, ..valid.clone() }, "panel_threshold"),
            (ProviderParams { dispute_window: 0, ..valid.clone() }, "dispute_window"),
            (ProviderParams { appeal_blocks: 1_000_001, ..valid.clone() }, "appeal_blocks"),
            (ProviderParams { dispute_slash_bps: 10_001, ..valid.clone() }, "dispute_slash_bps"),
            (ProviderParams { victim_share_bps: 9_500, panel_fee_bps: 600, ..valid.clone() }, "victim_share_bps"),
            (ProviderParams { dispute_deposit: Coin::new(Denom::native(), 0), ..valid.clone() }, "dispute_deposit"),
            (ProviderParams { panelist_bond: Coin::new(Denom::native(), 0), ..valid.clone() }, "panelist_bond"),
        ] {
            let error = ProviderParams::from_proto(&bad.to_proto()).unwrap_err().to_string();
            assert!(error.contains(field), "{error}");
        }
        // The slash is exact at any bond size.
        let slash = ProviderParams { missed_challenge_slash_bps: 50, ..valid };
        assert_eq!(slash.miss_slash(2_000_000), 10_000);
        assert_eq!(slash.miss_slash(199), 0);
        assert_eq!(slash.miss_slash(u128::MAX), u128::MAX / 10_000 * 50 + (u128::MAX % 10_000) * 50 / 10_000);
    }
}
