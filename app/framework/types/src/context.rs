//! What the state machine knows about the block being executed: it comes from the block
//! header and CometBFT's `FinalizeBlock` request, never from the local clock.

/// A validator's consensus address: the first 20 bytes of SHA-256 of its public key, as
/// CometBFT computes it.
pub type ConsensusAddress = [u8; 20];

/// Block-level context handed to every handler and block hook.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct BlockContext {
    pub chain_id: String,
    pub height: u64,
    /// Block time from the header, seconds since the Unix epoch.
    pub time_unix_secs: i64,
    /// Nanoseconds part of the block time.
    pub time_nanos: u32,
    /// Consensus address of the validator that proposed this block (zero outside a block).
    pub proposer_address: ConsensusAddress,
    /// Hash of the validator set that will sign the next block.
    pub next_validators_hash: Vec<u8>,
    /// Votes of the previous block's commit, as CometBFT decided them: each validator of that
    /// height's set, its power, and whether it signed.
    pub last_commit: Vec<VoteInfo>,
    /// Evidence of misbehaviour committed in this block.
    pub misbehavior: Vec<Misbehavior>,
    /// The app hash after the previous block, as this block's header carries it (empty at
    /// height 1, as CometBFT has it from `InitChain`).
    pub last_app_hash: Vec<u8>,
}

impl BlockContext {
    /// A context with only chain id and height, for paths that run outside a block (CheckTx,
    /// Simulate, tests).
    pub fn at(chain_id: impl Into<String>, height: u64) -> Self {
        Self { chain_id: chain_id.into(), height, ..Self::default() }
    }

    /// The block time in nanoseconds since the Unix epoch (0 for a time before it; a u64
    /// reaches the year 2554).
    pub fn time_nanos(&self) -> u64 {
        u64::try_from(self.time_unix_secs)
            .unwrap_or(0)
            .saturating_mul(1_000_000_000)
            .saturating_add(u64::from(self.time_nanos))
    }

    /// Total voting power of the last commit's validator set.
    pub fn last_commit_power(&self) -> u64 {
        self.last_commit.iter().fold(0u64, |total, vote| total.saturating_add(vote.power))
    }
}

/// How a validator took part in a commit (CometBFT's `BlockIDFlag`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum CommitFlag {
    /// Did not vote (or its vote did not arrive in time).
    Absent,
    /// Voted for the committed block.
    Commit,
    /// Voted nil.
    Nil,
}

/// One validator's part in the last commit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VoteInfo {
    pub validator_address: ConsensusAddress,
    pub power: u64,
    pub flag: CommitFlag,
}

impl VoteInfo {
    /// Whether the validator's signature counts toward the commit.
    pub fn signed(&self) -> bool {
        self.flag != CommitFlag::Absent
    }
}

/// The kind of a misbehaviour CometBFT reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum MisbehaviorKind {
    Unknown,
    DuplicateVote,
    LightClientAttack,
}

/// Evidence that a validator misbehaved at `height`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Misbehavior {
    pub kind: MisbehaviorKind,
    pub validator_address: ConsensusAddress,
    /// The validator's power at the infraction height.
    pub power: u64,
    /// Height of the infraction.
    pub height: u64,
    /// Time of the infraction's block, seconds since the Unix epoch.
    pub time_unix_secs: i64,
    /// Total voting power of the validator set at the infraction height.
    pub total_voting_power: u64,
}

/// State key of the chain id, written by the application at genesis (`FinalizeBlock` does not
/// carry it); read outside a block by what needs it (IBC's query heights carry its revision).
pub const CHAIN_ID_KEY: &[u8] = b"app/chain_id";
