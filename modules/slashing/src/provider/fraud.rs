//! Provable fraud: a provider that signed two different capacity statements for one epoch
//! (telling one party it has one capacity and another party another) is slashed
//! `fraud_slash_bps` of its bond and tombstoned, its unvested rewards forfeited; whoever
//! submits the evidence earns `reporter_share_bps` of what is slashed, the rest goes to the
//! community pool. The evidence carries the owner's public key; both signatures are checked
//! against it (their cost charged as gas first). A tombstoned provider cannot be reported
//! twice.

use agora_proto::slashing::v1 as pb;
use agora_store::{StateRead, StateWrite};
use agora_tx::PublicKey;
use agora_types::{Address, BlockContext, Coin, Coins, Event, TxError};
use prost::Message;

use super::keeper::{ProviderPenaltyKeeper, SlashTo};
use super::params::share;
use super::state::{ProviderPenaltyRead, ProviderPenaltyWrite};
use crate::SlashingError;

/// What a provider signs: this prefix, then the encoded `CapacityStatement`, so that no
/// transaction or other signature can pass for a statement.
pub const STATEMENT_DOMAIN: &[u8] = b"agora-capacity-statement/v1\n";

/// Gas for one signature check (the Cosmos SDK's secp256k1 verification cost).
const SIGNATURE_VERIFY_GAS: u64 = 1_000;

/// The bytes a provider signs for `statement` (an encoded `CapacityStatement`).
pub fn sign_bytes(statement: &[u8]) -> Vec<u8> {
    [STATEMENT_DOMAIN, statement].concat()
}

/// One signed statement, decoded.
#[derive(Clone, Debug, PartialEq)]
pub struct Signed {
    pub statement: pb::CapacityStatement,
    pub bytes: Vec<u8>,
    pub signature: Vec<u8>,
}

/// `MsgReportConflictingStatements`, checked without state: two statements of one provider,
/// one chain and one epoch, with different capacities, and the provider's own key.
#[derive(Clone, Debug, PartialEq)]
pub struct ConflictingStatements {
    pub reporter: Address,
    pub provider: Address,
    pub pub_key: PublicKey,
    pub first: Signed,
    pub second: Signed,
}

fn invalid(why: impl Into<String>) -> SlashingError {
    SlashingError::InvalidEvidence(why.into())
}

fn signed(field: &str, proto: Option<pb::SignedCapacityStatement>) -> Result<Signed, SlashingError> {
    let proto = proto.ok_or_else(|| invalid(format!("{field} is missing")))?;
    let statement = pb::CapacityStatement::decode(proto.statement.as_slice()).map_err(|e| invalid(format!("{field}.statement: {e}")))?;
    Ok(Signed { statement, bytes: proto.statement, signature: proto.signature })
}

impl ConflictingStatements {
    /// The checks that need no state, cheapest first (the key's point decompression last).
    /// Whether the capacities differ is judged in [`report`], in the registry's canonical form.
    pub fn from_proto(m: pb::MsgReportConflictingStatements) -> Result<Self, SlashingError> {
        let reporter = m.reporter.parse().map_err(|e| SlashingError::InvalidAddress(format!("reporter: {e}")))?;
        let (first, second) = (signed("first", m.first)?, signed("second", m.second)?);
        let provider: Address = first.statement.provider.parse().map_err(|e| invalid(format!("first.provider: {e}")))?;
        if second.statement.provider.parse::<Address>().ok() != Some(provider) {
            return Err(invalid("the statements name different providers"));
        }
        if first.statement.chain_id != second.statement.chain_id || first.statement.epoch != second.statement.epoch {
            return Err(invalid("the statements are for different chains or epochs: no conflict"));
        }
        let key = m.pub_key.as_ref().ok_or_else(|| invalid("pub_key is missing"))?;
        let pub_key = PublicKey::from_any(key).map_err(|e| invalid(format!("pub_key: {e}")))?;
        if pub_key.address() != provider {
            return Err(invalid(format!("pub_key is {}'s key, not provider {provider}'s", pub_key.address())));
        }
        Ok(Self { reporter, provider, pub_key, first, second })
    }

    pub fn to_proto(&self) -> pb::MsgReportConflictingStatements {
        let signed = |s: &Signed| pb::SignedCapacityStatement { statement: s.bytes.clone(), signature: s.signature.clone() };
        pb::MsgReportConflictingStatements {
            reporter: self.reporter.to_string(),
            pub_key: Some(self.pub_key.to_any()),
            first: Some(signed(&self.first)),
            second: Some(signed(&self.second)),
        }
    }
}

/// Judges the evidence: the statements must be for this chain, by a provider that is
/// registered and not proven a fraud yet, of capacities that differ in canonical form, and
/// both signatures must hold.
pub fn report(state: &mut dyn StateWrite, ctx: &BlockContext, keeper: &dyn ProviderPenaltyKeeper, evidence: &ConflictingStatements) -> Result<Vec<Event>, TxError> {
    let provider = &evidence.provider;
    if evidence.first.statement.chain_id != ctx.chain_id {
        return Err(invalid(format!("the statements were signed for chain {:?}, not this one", evidence.first.statement.chain_id)).into());
    }
    let standing = convictable(state, keeper, provider)?;
    // The same capacity written two ways (classes in another order, a zero count) is no
    // conflict.
    let canonical = |s: &Signed| keeper.normalize_capacity(&s.statement.capacity.clone().unwrap_or_default());
    if canonical(&evidence.first)? == canonical(&evidence.second)? {
        return Err(invalid("the statements state the same capacity: no conflict").into());
    }
    state
        .charge_gas(2 * SIGNATURE_VERIFY_GAS, "capacity statement signatures")
        .map_err(|e| TxError::new("sdk", 11, e.to_string()))?;
    for (name, signed) in [("first", &evidence.first), ("second", &evidence.second)] {
        evidence
            .pub_key
            .verify(&sign_bytes(&signed.bytes), &signed.signature)
            .map_err(|e| invalid(format!("{name} statement's signature: {e}")))?;
    }

    convict(state, ctx, keeper, provider, &standing, &evidence.reporter, "conflicting capacity statements")
}

/// The standing of a provider that evidence may convict: registered, and neither proven a
/// fraud before (one fraud per provider, for ever: the record outlives its registration) nor
/// tombstoned.
pub(crate) fn convictable(state: &dyn StateRead, keeper: &dyn ProviderPenaltyKeeper, provider: &Address) -> Result<super::ProviderStanding, TxError> {
    if state.provider_fraud(provider)?.is_some() {
        return Err(SlashingError::ProviderTombstoned(provider.to_string()).into());
    }
    let standing = keeper.standing(state, provider)?.ok_or_else(|| invalid(format!("{provider} is not a registered provider")))?;
    if standing.tombstoned {
        return Err(SlashingError::ProviderTombstoned(provider.to_string()).into());
    }
    Ok(standing)
}

/// Proven fraud of `provider` (registered, not convicted before): `fraud_slash_bps` of its bond,
/// `reporter_share_bps` of that to the reporter (nothing to the provider or its operator), the
/// rest to the community pool; tombstoned, its unvested rewards forfeited, the record kept.
pub(crate) fn convict(
    state: &mut dyn StateWrite,
    ctx: &BlockContext,
    keeper: &dyn ProviderPenaltyKeeper,
    provider: &Address,
    standing: &super::ProviderStanding,
    reporter: &Address,
    reason: &str,
) -> Result<Vec<Event>, TxError> {
    let params = state.provider_penalty_params()?;
    let slash = share(standing.bond.amount, params.fraud_slash_bps);
    // A provider reporting itself (or through its operator key) earns nothing back.
    let self_report = *reporter == *provider || standing.operator == Some(*reporter);
    let reward = if self_report { 0 } else { share(slash, params.reporter_share_bps) };
    let (rewarded, mut events) = keeper.slash_bond(state, provider, reward, SlashTo::Account(reporter), 0, ctx.height)?;
    let (pooled, pool_events) = keeper.slash_bond(state, provider, slash - reward, SlashTo::CommunityPool, 0, ctx.height)?;
    events.extend(pool_events);
    events.extend(keeper.tombstone(state, provider, reason, ctx.height)?);
    events.extend(keeper.forfeit_unvested(state, provider, ctx.height)?);

    let slashed = Coin::new(standing.bond.denom.clone(), rewarded.amount + pooled.amount);
    let coins = |coin: &Coin| -> Result<_, SlashingError> {
        Ok(if coin.amount == 0 { Vec::new() } else { Coins::from_list(vec![coin.clone()]).map_err(|e| SlashingError::Internal(e.to_string()))?.to_protos() })
    };
    state.put_provider_fraud(
        provider,
        &pb::ProviderFraud {
            provider: provider.to_string(),
            height: ctx.height,
            reporter: reporter.to_string(),
            reason: reason.into(),
            slashed: coins(&slashed)?,
            reporter_reward: coins(&rewarded)?,
        },
    );
    events.push(
        Event::new("provider_fraud")
            .attr("provider", provider)
            .attr("reporter", reporter)
            .attr("reason", reason)
            .attr("slashed", &slashed)
            .attr("reporter_reward", &rewarded),
    );
    Ok(events)
}
