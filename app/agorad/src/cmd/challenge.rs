//! Provider liveness challenges from the provider's side: `agorad tx provider
//! respond-challenge` and `unjail`, `agorad provider watch` (a loop that answers every
//! challenge drawn for the provider's key, to run beside its hardware), and `agorad query
//! slashing provider-params | challenge | challenges | provider-liveness`.

use std::time::Duration;

use agora_proto::slashing::v1 as pb;
use agora_tx::{SigningKey, TxBuilder};
use agora_types::Address;
use anyhow::{anyhow, Result};
use clap::{Args, Subcommand};
use serde_json::{json, Value};

use crate::cmd::market::query::PageOpts;
use crate::cmd::resolve_address;
use crate::cmd::staking::At;
use crate::cmd::tx::{broadcast_signed, BroadcastMode, TxOpts};
use crate::keyring::Keyring;
use crate::rpc::Rpc;
use crate::GlobalOpts;

const CHALLENGES_PATH: &str = "/agora.slashing.v1.Query/Challenges";

/// A challenge as the CLI prints it (the nonce in hex).
pub fn challenge_json(c: &pb::Challenge) -> Value {
    json!({
        "id": c.id.to_string(),
        "provider": c.provider,
        "drawn_height": c.drawn_height.to_string(),
        "deadline": c.deadline.to_string(),
        "nonce": hex::encode(&c.nonce),
    })
}

/// The challenge `provider` has waiting for an answer, if any (an answered one runs on to its
/// deadline, but needs nothing more).
pub fn open_challenge(rpc: &Rpc, provider: &Address) -> Result<Option<pb::Challenge>> {
    let req = pb::QueryChallengesRequest { provider: provider.to_bech32(), pagination: None };
    let res: pb::QueryChallengesResponse = rpc.query_proto(CHALLENGES_PATH, &req, None)?;
    Ok(res.challenges.into_iter().find(|c| c.answered_height == 0))
}

/// Why `signer` cannot answer for `provider` now (not registered, jailed, not its operator).
fn cannot_answer(rpc: &Rpc, provider: &Address, signer: &Address) -> Result<Option<String>> {
    let res: agora_proto::provider::v1::QueryProviderResponse = match rpc.query_proto(
        "/agora.provider.v1.Query/Provider",
        &agora_proto::provider::v1::QueryProviderRequest { owner: provider.to_bech32() },
        None,
    ) {
        Ok(res) => res,
        // The registry's NotFound; any other failure (the node unreachable) is the caller's to
        // report and retry.
        Err(e) if format!("{e:#}").contains("not found") => return Ok(Some(format!("{provider} is not a registered provider"))),
        Err(e) => return Err(e),
    };
    let Some(record) = res.provider else { return Ok(Some(format!("{provider} is not a registered provider"))) };
    if signer != provider && record.operator != signer.to_bech32() {
        return Ok(Some(format!("{signer} is not the operator key of provider {provider} (registered: {:?})", record.operator)));
    }
    if record.tombstoned || record.jailed_until > 0 {
        return Ok(Some(format!("provider {provider} is jailed (until height {}): it is not challenged until it unjails", record.jailed_until)));
    }
    Ok(None)
}

/// The answer to `challenge`, signed by `key`: the provider's owner, or its operator key.
fn response(key: &SigningKey, challenge: &pb::Challenge, attestation: Option<pb::HardwareAttestation>) -> TxBuilder {
    let signer = key.address().to_bech32();
    let operator = if signer == challenge.provider { String::new() } else { signer };
    TxBuilder::new().message(&pb::MsgChallengeResponse {
        provider: challenge.provider.clone(),
        challenge_id: challenge.id,
        nonce: challenge.nonce.clone(),
        operator,
        attestation,
    })
}

/// An auditor's attestation of `challenge` (`agorad provider attest-challenge`), as JSON:
/// `{"auditor", "pub_key", "signature"}` (the key an encoded `Any`, both base64).
pub fn attest(g: &GlobalOpts, auditor: &SigningKey, challenge: &pb::Challenge) -> Result<Value> {
    use prost::Message;
    let chain_id = match &g.chain_id {
        Some(id) => id.clone(),
        None => g.rpc().chain_id()?,
    };
    let signature = auditor.sign(&agora_slashing::provider::attestation::sign_bytes(&chain_id, challenge.id, &challenge.nonce));
    Ok(json!({
        "auditor": auditor.address().to_bech32(),
        "pub_key": b64(&auditor.public_key().to_any().encode_to_vec()),
        "signature": b64(&signature),
        "challenge": challenge_json(challenge),
    }))
}

fn read_attestation(path: &std::path::Path) -> Result<pb::HardwareAttestation> {
    use prost::Message;
    let text = std::fs::read_to_string(path).map_err(|e| anyhow!("cannot read {}: {e}", path.display()))?;
    let doc: Value = serde_json::from_str(&text).map_err(|e| anyhow!("{}: not JSON: {e}", path.display()))?;
    let field = |name: &str| doc.get(name).and_then(Value::as_str).ok_or_else(|| anyhow!("{}: no {name:?}", path.display()));
    let pub_key = cosmos_sdk_proto::Any::decode(from_b64("pub_key", field("pub_key")?)?.as_slice()).map_err(|e| anyhow!("pub_key: {e}"))?;
    Ok(pb::HardwareAttestation { auditor: field("auditor")?.to_string(), pub_key: Some(pub_key), signature: from_b64("signature", field("signature")?)? })
}

/// The challenge numbered `id`, or `provider`'s open one.
pub fn find_challenge(g: &GlobalOpts, provider: &Address, id: Option<u64>) -> Result<pb::Challenge> {
    let rpc = g.rpc();
    match id {
        Some(id) => {
            let res: pb::QueryChallengeResponse = rpc.query_proto("/agora.slashing.v1.Query/Challenge", &pb::QueryChallengeRequest { id }, None)?;
            res.challenge.ok_or_else(|| anyhow!("challenge {id} is not open"))
        }
        None => open_challenge(&rpc, provider)?.ok_or_else(|| anyhow!("{provider} has no open challenge")),
    }
}

/// The provider `key` answers for: `provider` (address or key name) if given, else the key's own.
fn provider_of(g: &GlobalOpts, key: &SigningKey, provider: Option<&str>) -> Result<Address> {
    provider.map_or(Ok(key.address()), |p| resolve_address(&g.home()?, p))
}

/// Answers the open challenge of `provider` (default: the key's own provider), or the one
/// numbered `id`, signed by `key`, with an auditor's attestation (a file
/// `agorad provider attest-challenge` wrote) if given.
pub fn respond(g: &GlobalOpts, key: &SigningKey, provider: Option<&str>, id: Option<u64>, attestation: Option<&std::path::Path>, opts: &TxOpts) -> Result<()> {
    let provider = provider_of(g, key, provider)?;
    let challenge = find_challenge(g, &provider, id)?;
    let attestation = attestation.map(read_attestation).transpose()?;
    broadcast_signed(g, key, response(key, &challenge, attestation), opts, &format!("answer challenge {} (deadline {})", challenge.id, challenge.deadline))
}

pub fn unjail(g: &GlobalOpts, key: &SigningKey, opts: &TxOpts) -> Result<()> {
    let builder = TxBuilder::new().message(&pb::MsgUnjailProvider { provider: key.address().to_bech32() });
    broadcast_signed(g, key, builder, opts, "unjail provider")
}

#[derive(Subcommand, Debug)]
pub enum ProviderCmd {
    /// Answer every liveness challenge drawn for the --from key's provider, until stopped
    Watch(WatchArgs),
    /// Sign a statement of the provider's capacity for an incentive epoch (printed as JSON):
    /// signing two different ones for one epoch is fraud anyone can report
    SignCapacity(SignCapacityArgs),
    /// As a device (its key, which never leaves the hardware), sign that it is --provider's on
    /// this chain (printed as JSON, for `agorad tx slashing register-hardware` or, if the device
    /// is registered to another provider, as evidence for `report-duplicate-hardware`)
    SignHardware {
        /// Key name of the device (in --home's keyring)
        #[arg(long)]
        device: String,
        /// The provider (address or key name)
        #[arg(long)]
        provider: String,
        /// Sign a claim for --provider over the nonce of the device's registration to this
        /// provider (what a device claimed twice signs: evidence for
        /// `report-duplicate-hardware`), instead of the statement that registers it
        #[arg(long)]
        registered_to: Option<String>,
    },
    /// As an auditor of the provider, attest its hardware for its open challenge (printed as
    /// JSON, for `agorad tx provider respond-challenge --attestation`)
    AttestChallenge {
        /// Key name of the auditor (in --home's keyring)
        #[arg(long)]
        from: String,
        /// The provider (address or key name)
        #[arg(long)]
        provider: String,
        /// The challenge (default: the provider's open one)
        #[arg(long)]
        id: Option<u64>,
    },
}

#[derive(Args, Debug)]
pub struct SignCapacityArgs {
    /// Key name of the provider's owner (in --home's keyring)
    #[arg(long)]
    pub from: String,
    /// The incentive epoch the statement is for
    #[arg(long)]
    pub epoch: u64,
    /// The capacity, from a provider file (default: the provider's registered capacity)
    #[arg(long)]
    pub file: Option<std::path::PathBuf>,
    /// Sign even if this home signed a different capacity for this chain and epoch: that is
    /// the fraud anyone can report (half the bond and a tombstone). For rehearsing reports only.
    #[arg(long)]
    pub allow_conflict: bool,
}

/// What this home signed, per chain and epoch (`HOME/capacity-statements.json`: "chain/epoch"
/// → hex SHA-256 of the canonical capacity), so that an honest provider whose capacity changed
/// mid-epoch never signs a second, different statement for it (as CometBFT's signing state
/// keeps a validator from signing twice).
fn check_and_record_statement(home: &std::path::Path, chain_id: &str, epoch: u64, capacity: &[u8], allow_conflict: bool) -> Result<()> {
    use sha2::{Digest, Sha256};
    let path = home.join("capacity-statements.json");
    let mut signed: serde_json::Map<String, Value> = match std::fs::read_to_string(&path) {
        Ok(text) => serde_json::from_str(&text).map_err(|e| anyhow!("{}: {e}", path.display()))?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => serde_json::Map::new(),
        Err(e) => return Err(anyhow!("cannot read {}: {e}", path.display())),
    };
    let slot = format!("{chain_id}/{epoch}");
    let digest = hex::encode(Sha256::digest(capacity));
    if let Some(previous) = signed.get(&slot).and_then(Value::as_str) {
        if previous != digest && !allow_conflict {
            return Err(anyhow!(
                "this home signed a different capacity for {chain_id} epoch {epoch} already: a second statement is fraud anyone can report; sign for the next epoch"
            ));
        }
        if previous == digest {
            return Ok(());
        }
    }
    signed.insert(slot, Value::String(digest));
    std::fs::write(&path, serde_json::to_string_pretty(&signed)?).map_err(|e| anyhow!("cannot write {}: {e}", path.display()))
}

fn b64(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

fn from_b64(field: &str, text: &str) -> Result<Vec<u8>> {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.decode(text.trim()).map_err(|e| anyhow!("{field}: not base64: {e}"))
}

/// `{"statement", "signature", "pub_key"}` (base64: the encoded statement, its signature, the
/// owner's key as an encoded `Any`), plus the statement readable.
pub fn sign_capacity(g: &GlobalOpts, args: SignCapacityArgs) -> Result<Value> {
    use prost::Message;
    let key = Keyring::open(&g.home()?).signing_key(&args.from)?;
    let rpc = g.rpc();
    let chain_id = match &g.chain_id {
        Some(id) => id.clone(),
        None => rpc.chain_id()?,
    };
    let capacity = match &args.file {
        Some(path) => crate::cmd::market::tx::provider_spec(path)?.capacity,
        None => {
            let res: agora_proto::provider::v1::QueryProviderResponse = rpc.query_proto(
                "/agora.provider.v1.Query/Provider",
                &agora_proto::provider::v1::QueryProviderRequest { owner: key.address().to_bech32() },
                None,
            )?;
            res.provider.and_then(|p| p.capacity).ok_or_else(|| anyhow!("{} is not a registered provider: pass --file", key.address()))?
        }
    };
    // Canonical, as the chain compares them: the same capacity always signs the same bytes.
    let capacity = agora_provider::resources::normalize(&capacity).map_err(|e| anyhow!("capacity: {e}"))?;
    check_and_record_statement(&g.home()?, &chain_id, args.epoch, &capacity.encode_to_vec(), args.allow_conflict)?;
    let statement = pb::CapacityStatement { chain_id, provider: key.address().to_bech32(), epoch: args.epoch, capacity: Some(capacity) };
    let bytes = statement.encode_to_vec();
    let signature = key.sign(&agora_slashing::provider::fraud::sign_bytes(&bytes));
    Ok(json!({
        "statement": b64(&bytes),
        "signature": b64(&signature),
        "pub_key": b64(&key.public_key().to_any().encode_to_vec()),
        "readable": serde_json::to_value(&statement)?,
    }))
}

/// A device's signature that it is `provider`'s on this chain: `{"provider", "pub_key",
/// "signature"}` (the key as an encoded `Any` and the signature, base64). With `registered_to`,
/// the claim over the nonce of the device's registration to that provider.
pub fn sign_hardware(g: &GlobalOpts, device: &SigningKey, provider: &agora_types::Address, registered_to: Option<&agora_types::Address>) -> Result<Value> {
    use prost::Message;
    let rpc = g.rpc();
    let chain_id = match &g.chain_id {
        Some(id) => id.clone(),
        None => rpc.chain_id()?,
    };
    let key = device.public_key().to_any();
    let bytes = match registered_to {
        None => agora_slashing::provider::hardware::sign_bytes(&chain_id, provider),
        Some(holder) => {
            let res: pb::QueryProviderHardwareResponse = rpc.query_proto(
                "/agora.slashing.v1.Query/ProviderHardware",
                &pb::QueryProviderHardwareRequest { provider: holder.to_bech32() },
                None,
            )?;
            let record = res.devices.into_iter().find(|d| d.pub_key.as_ref() == Some(&key)).ok_or_else(|| anyhow!("the device is not registered to {holder}"))?;
            agora_slashing::provider::hardware::claim_sign_bytes(&chain_id, provider, &record.nonce)
        }
    };
    let signature = device.sign(&bytes);
    Ok(json!({
        "provider": provider.to_bech32(),
        "pub_key": b64(&device.public_key().to_any().encode_to_vec()),
        "signature": b64(&signature),
    }))
}

/// A file `agorad provider sign-hardware` wrote: the provider named, the device key, the
/// signature.
pub fn read_possession(path: &std::path::Path) -> Result<(String, cosmos_sdk_proto::Any, Vec<u8>)> {
    use prost::Message;
    let text = std::fs::read_to_string(path).map_err(|e| anyhow!("cannot read {}: {e}", path.display()))?;
    let doc: Value = serde_json::from_str(&text).map_err(|e| anyhow!("{}: not JSON: {e}", path.display()))?;
    let field = |name: &str| doc.get(name).and_then(Value::as_str).ok_or_else(|| anyhow!("{}: no {name:?}", path.display()));
    let pub_key = cosmos_sdk_proto::Any::decode(from_b64("pub_key", field("pub_key")?)?.as_slice()).map_err(|e| anyhow!("pub_key: {e}"))?;
    Ok((field("provider")?.to_string(), pub_key, from_b64("signature", field("signature")?)?))
}

fn read_signed(path: &std::path::Path) -> Result<(pb::SignedCapacityStatement, Vec<u8>)> {
    let text = std::fs::read_to_string(path).map_err(|e| anyhow!("cannot read {}: {e}", path.display()))?;
    let doc: Value = serde_json::from_str(&text).map_err(|e| anyhow!("{}: not JSON: {e}", path.display()))?;
    let field = |name: &str| -> Result<Vec<u8>> {
        from_b64(name, doc.get(name).and_then(Value::as_str).ok_or_else(|| anyhow!("{}: no {name:?}", path.display()))?)
    };
    Ok((pb::SignedCapacityStatement { statement: field("statement")?, signature: field("signature")? }, field("pub_key")?))
}

/// Reports two signed statements (files `agorad provider sign-capacity` wrote) as fraud.
pub fn report_conflicting(g: &GlobalOpts, key: &SigningKey, first: &std::path::Path, second: &std::path::Path, opts: &TxOpts) -> Result<()> {
    use prost::Message;
    let (first, pub_key) = read_signed(first)?;
    let (second, _) = read_signed(second)?;
    let pub_key = cosmos_sdk_proto::Any::decode(pub_key.as_slice()).map_err(|e| anyhow!("pub_key: {e}"))?;
    let msg = pb::MsgReportConflictingStatements { reporter: key.address().to_bech32(), pub_key: Some(pub_key), first: Some(first), second: Some(second) };
    broadcast_signed(g, key, TxBuilder::new().message(&msg), opts, "report a provider's conflicting capacity statements")
}

#[derive(Args, Debug)]
pub struct WatchArgs {
    /// Key name (in --home's keyring) that signs the answers: the provider's owner, or the
    /// operator key it registered
    #[arg(long)]
    pub from: String,
    /// The provider (address or key name) when --from is its operator key
    #[arg(long)]
    pub provider: Option<String>,
    /// Seconds between two looks at the chain
    #[arg(long, default_value_t = 2)]
    pub interval: u64,
    /// Stop after answering this many challenges (default: never)
    #[arg(long)]
    pub max_answers: Option<u64>,
    #[command(flatten)]
    pub tx: TxOpts,
}

/// Polls the provider's open challenge and answers each once, waiting for its block. It never
/// spends a fee on an answer that cannot pass: a challenge past its deadline is skipped, an
/// answer refused once is not sent again, and nothing is sent while the key is not the
/// provider's or the provider is jailed (said once, then checked again quietly). A failed look
/// is reported and tried again at the next one: the loop only ends when asked.
pub fn watch(g: &GlobalOpts, args: WatchArgs) -> Result<()> {
    let key = Keyring::open(&g.home()?).signing_key(&args.from)?;
    let provider = provider_of(g, &key, args.provider.as_deref())?;
    let opts = TxOpts { yes: true, broadcast_mode: BroadcastMode::Commit, ..args.tx };
    let rpc = g.rpc();
    eprintln!("watching liveness challenges of provider {provider}, answering as {}", key.address());
    let mut answered = 0u64;
    let mut given_up = std::collections::BTreeSet::new();
    let mut last_problem = None;
    while args.max_answers.is_none_or(|max| answered < max) {
        std::thread::sleep(Duration::from_secs(args.interval.max(1)));
        let problem = match cannot_answer(&rpc, &provider, &key.address()) {
            Ok(problem) => problem,
            Err(e) => Some(format!("cannot read provider {provider}: {e:#}")),
        };
        if problem != last_problem {
            if let Some(problem) = &problem {
                eprintln!("not answering: {problem}");
            }
            last_problem = problem.clone();
        }
        if problem.is_some() {
            continue;
        }
        let challenge = match open_challenge(&rpc, &provider) {
            Ok(Some(challenge)) if !given_up.contains(&challenge.id) => challenge,
            Ok(_) => continue,
            Err(e) => {
                eprintln!("cannot read the open challenge: {e:#}");
                continue;
            }
        };
        if rpc.latest_height().is_ok_and(|latest| latest >= challenge.deadline) {
            eprintln!("challenge {} passed its deadline {} before it could be answered", challenge.id, challenge.deadline);
            given_up.insert(challenge.id);
            continue;
        }
        eprintln!("challenge {} drawn at {}, deadline {}: answering", challenge.id, challenge.drawn_height, challenge.deadline);
        match broadcast_signed(g, &key, response(&key, &challenge, None), &opts, "answer challenge") {
            Ok(()) => answered += 1,
            Err(e) => {
                let text = format!("{e:#}");
                eprintln!("answering challenge {} failed: {text}", challenge.id);
                // The chain's own refusal of the answer will not change: never pay for it
                // twice. Anything else (the node unreachable, a sequence race, a full
                // mempool) is tried again at the next look, until the deadline.
                if (101..=106).any(|code| text.contains(&format!("codespace=slashing code={code} "))) {
                    given_up.insert(challenge.id);
                }
            }
        }
    }
    Ok(())
}

#[derive(Subcommand, Debug)]
pub enum ChallengeQuery {
    /// Provider-penalty parameters (draws per block, answer window, slash, jail)
    ProviderParams {
        #[command(flatten)]
        at: At,
    },
    /// One open challenge
    Challenge {
        id: u64,
        #[command(flatten)]
        at: At,
    },
    /// Open challenges, or the one of --provider
    Challenges {
        /// Provider address or key name
        #[arg(long)]
        provider: Option<String>,
        #[command(flatten)]
        page: PageOpts,
        #[command(flatten)]
        at: At,
    },
    /// A provider's proven fraud, if any: reporter, what was slashed and the reporter's reward
    ProviderFraud {
        /// Provider address or key name
        provider: String,
        #[command(flatten)]
        at: At,
    },
    /// A provider's registered devices (hardware identities)
    ProviderHardware {
        /// Provider address or key name
        provider: String,
        #[command(flatten)]
        at: At,
    },
    /// A provider's challenges answered and missed, and what misses took from its bond
    ProviderLiveness {
        /// Provider address or key name
        provider: String,
        #[command(flatten)]
        at: At,
    },
}

pub fn run_query(g: &GlobalOpts, cmd: ChallengeQuery) -> Result<Value> {
    let rpc = g.rpc();
    Ok(match cmd {
        ChallengeQuery::ProviderParams { at } => {
            let res: pb::QueryParamsResponse = rpc.query_proto("/agora.slashing.v1.Query/Params", &pb::QueryParamsRequest {}, at.height)?;
            serde_json::to_value(res.params.unwrap_or_default())?
        }
        ChallengeQuery::Challenge { id, at } => {
            let res: pb::QueryChallengeResponse = rpc.query_proto("/agora.slashing.v1.Query/Challenge", &pb::QueryChallengeRequest { id }, at.height)?;
            res.challenge.as_ref().map_or(Value::Null, challenge_json)
        }
        ChallengeQuery::Challenges { provider, page, at } => {
            let provider = provider.map(|p| resolve_address(&g.home()?, &p)).transpose()?.map(|a| a.to_bech32()).unwrap_or_default();
            let req = pb::QueryChallengesRequest { provider, pagination: page.to_proto()? };
            let res: pb::QueryChallengesResponse = rpc.query_proto(CHALLENGES_PATH, &req, at.height)?;
            json!({
                "challenges": res.challenges.iter().map(challenge_json).collect::<Vec<_>>(),
                "pagination": res.pagination.map(|p| json!({ "next_key": p.next_key, "total": p.total.to_string() })),
            })
        }
        ChallengeQuery::ProviderFraud { provider, at } => {
            let provider = resolve_address(&g.home()?, &provider)?.to_bech32();
            let res: pb::QueryProviderFraudResponse =
                rpc.query_proto("/agora.slashing.v1.Query/ProviderFraud", &pb::QueryProviderFraudRequest { provider }, at.height)?;
            serde_json::to_value(res.fraud.unwrap_or_default())?
        }
        ChallengeQuery::ProviderHardware { provider, at } => {
            let provider = resolve_address(&g.home()?, &provider)?.to_bech32();
            let res: pb::QueryProviderHardwareResponse =
                rpc.query_proto("/agora.slashing.v1.Query/ProviderHardware", &pb::QueryProviderHardwareRequest { provider }, at.height)?;
            json!({ "devices": res.devices.iter().map(|d| json!({
                "provider": d.provider,
                "pub_key": d.pub_key.as_ref().map(|k| b64(&prost::Message::encode_to_vec(k))),
                "registered_height": d.registered_height.to_string(),
                "nonce": hex::encode(&d.nonce),
            })).collect::<Vec<_>>() })
        }
        ChallengeQuery::ProviderLiveness { provider, at } => {
            let provider = resolve_address(&g.home()?, &provider)?.to_bech32();
            let res: pb::QueryProviderLivenessResponse =
                rpc.query_proto("/agora.slashing.v1.Query/ProviderLiveness", &pb::QueryProviderLivenessRequest { provider }, at.height)?;
            serde_json::to_value(res.liveness.unwrap_or_default())?
        }
    })
}
