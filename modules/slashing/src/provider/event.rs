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
