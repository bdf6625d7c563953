//! Typed events of provider penalties.

use agora_types::{Address, Coin, Event, TypedEvent};

/// `provider` was drawn for a liveness challenge it must answer by `deadline`.
pub struct ChallengeDrawn<'a> {
    pub id: u64,
    pub provider: &'a Address,
    pub deadline: u64,
}

/// `provider` answered challenge `id` in time (with `attester`'s hardware attestation).
pub struct ChallengeAnswered<'a> {
    pub id: u64,
    pub provider: &'a Address,
    pub attester: Option<&'a Address>,
}

/// `provider` let challenge `id` pass unanswered: `slashed` was taken from its bond.
pub struct ChallengeMissed<'a> {
    pub id: u64,
    pub provider: &'a Address,
    pub missed_in_a_row: u32,
    pub slashed: &'a Coin,
}

impl TypedEvent for ChallengeDrawn<'_> {
    fn to_event(&self) -> Event {
        Event::new("provider_challenge").attr("id", self.id).attr("provider", self.provider).attr("deadline", self.deadline)
    }
}

impl TypedEvent for ChallengeAnswered<'_> {
    fn to_event(&self) -> Event {
        let event = Event::new("provider_challenge_answered").attr("id", self.id).attr("provider", self.provider);
        match self.attester {
            Some(auditor) => event.attr("attester", auditor),
            None => event,
        }
    }
}

impl TypedEvent for ChallengeMissed<'_> {
    fn to_event(&self) -> Event {
        Event::new("provider_challenge_missed")
            .attr("id", self.id)
            .attr("provider", self.provider)
            .attr("missed_in_a_row", self.missed_in_a_row)
            .attr("slashed", self.slashed)
    }
}

/// A tenant disputed a lease (`provider_dispute_opened`).
pub struct DisputeOpened<'a> {
    pub id: u64,
    pub tenant: &'a Address,
    pub provider: &'a Address,
    pub lease: &'a dyn std::fmt::Display,
    pub claim: &'a str,
    pub deposit: &'a Coin,
}

/// The provider recorded its evidence's hash (hex).
pub struct DisputeAnswered<'a> {
    pub id: u64,
    pub provider: &'a Address,
    pub evidence_hash: &'a str,
}

/// The panel was drawn; it votes until `voting_ends`.
pub struct DisputePanelDrawn<'a> {
    pub id: u64,
    pub panel: &'a [String],
    pub voting_ends: u64,
}

pub struct DisputeVoted<'a> {
    pub id: u64,
    pub panelist: &'a Address,
    pub option: &'a str,
}

/// Upheld: `slashed` and `refund` are held until `appeal_ends`.
pub struct DisputeUpheld<'a> {
    pub id: u64,
    pub provider: &'a Address,
    pub votes_for_tenant: usize,
    pub slashed: &'a Coin,
    pub refund: &'a Coin,
    pub appeal_ends: u64,
}

pub struct DisputeRejected<'a> {
    pub id: u64,
    pub provider: &'a Address,
    pub votes_for_tenant: usize,
}

pub struct DisputeDismissed<'a> {
    pub id: u64,
    pub reason: &'a str,
}

/// The appeal window closed: the tenant was paid `victim_share` of the slash (with the refund
/// and its deposit), the panel `panel_fee`, and `burned` was burned.
pub struct DisputePaid<'a> {
    pub id: u64,
    pub tenant: &'a Address,
    pub victim_share: &'a Coin,
    pub panel_fee: &'a Coin,
    pub burned: &'a Coin,
}

/// Governance reversed the verdict.
pub struct DisputeReversed<'a> {
    pub id: u64,
    pub provider: &'a Address,
}

/// A seat was taken; it is drawn from `active_height`.
pub struct PanelistEnrolled<'a> {
    pub auditor: &'a Address,
    pub bond: &'a Coin,
    pub active_height: u64,
}

/// A seat left the draw; its bond returns from `bond_returns`.
pub struct PanelistLeaving<'a> {
    pub auditor: &'a Address,
    pub bond_returns: u64,
}

/// A panelist did not vote: `burned` of its bond was burned.
pub struct PanelistMissedVote<'a> {
    pub auditor: &'a Address,
    pub burned: &'a Coin,
}

impl TypedEvent for PanelistLeaving<'_> {
    fn to_event(&self) -> Event {
        Event::new("provider_panelist_leaving").attr("auditor", self.auditor).attr("bond_returns", self.bond_returns)
    }
}

impl TypedEvent for PanelistMissedVote<'_> {
    fn to_event(&self) -> Event {
        Event::new("provider_panelist_missed_vote").attr("auditor", self.auditor).attr("burned", self.burned)
    }
}

pub struct PanelistLeft<'a> {
    pub auditor: &'a Address,
}

impl TypedEvent for DisputeOpened<'_> {
    fn to_event(&self) -> Event {
        Event::new("provider_dispute_opened")
            .attr("id", self.id)
            .attr("tenant", self.tenant)
            .attr("provider", self.provider)
            .attr("lease", self.lease.to_string())
            .attr("claim", self.claim)
            .attr("deposit", self.deposit)
    }
}

impl TypedEvent for DisputeAnswered<'_> {
    fn to_event(&self) -> Event {
        Event::new("provider_dispute_answered").attr("id", self.id).attr("provider", self.provider).attr("evidence_hash", self.evidence_hash)
    }
}

impl TypedEvent for DisputePanelDrawn<'_> {
    fn to_event(&self) -> Event {
        Event::new("provider_dispute_panel").attr("id", self.id).attr("panel", self.panel.join(",")).attr("voting_ends", self.voting_ends)
    }
}

impl TypedEvent for DisputeVoted<'_> {
    fn to_event(&self) -> Event {
        Event::new("provider_dispute_vote").attr("id", self.id).attr("panelist", self.panelist).attr("option", self.option)
    }
}

impl TypedEvent for DisputeUpheld<'_> {
    fn to_event(&self) -> Event {
        Event::new("provider_dispute_upheld")
            .attr("id", self.id)
            .attr("provider", self.provider)
            .attr("votes_for_tenant", self.votes_for_tenant)
            .attr("slashed", self.slashed)
            .attr("refund", self.refund)
            .attr("appeal_ends", self.appeal_ends)
    }
}

impl TypedEvent for DisputeRejected<'_> {
    fn to_event(&self) -> Event {
        Event::new("provider_dispute_rejected").attr("id", self.id).attr("provider", self.provider).attr("votes_for_tenant", self.votes_for_tenant)
    }
}

impl TypedEvent for DisputeDismissed<'_> {
    fn to_event(&self) -> Event {
        Event::new("provider_dispute_dismissed").attr("id", self.id).attr("reason", self.reason)
    }
}

impl TypedEvent for DisputePaid<'_> {
    fn to_event(&self) -> Event {
        Event::new("provider_dispute_paid")
            .attr("id", self.id)
            .attr("tenant", self.tenant)
            .attr("victim_share", self.victim_share)
            .attr("panel_fee", self.panel_fee)
            .attr("burned", self.burned)
    }
}

impl TypedEvent for DisputeReversed<'_> {
    fn to_event(&self) -> Event {
        Event::new("provider_dispute_reversed").attr("id", self.id).attr("provider", self.provider)
    }
}

impl TypedEvent for PanelistEnrolled<'_> {
    fn to_event(&self) -> Event {
        Event::new("provider_panelist_enrolled").attr("auditor", self.auditor).attr("bond", self.bond).attr("active_height", self.active_height)
    }
}

impl TypedEvent for PanelistLeft<'_> {
    fn to_event(&self) -> Event {
        Event::new("provider_panelist_left").attr("auditor", self.auditor)
    }
}
