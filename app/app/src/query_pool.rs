//! Where public queries run: a bounded pool of blocking threads shared by ABCI `Query` and
//! the gRPC server, so a burst of heavy queries or simulations can neither tie up the async
//! runtime that serves CometBFT's consensus connection nor queue without end.
//!
//! A query waits at most the node's `query_timeout` for one of `query_workers` permits
//! (refused with [`busy`] after that, or at once when [`WAITERS_PER_WORKER`] queries per
//! worker already wait), then runs on its own blocking thread. What it may do there is bounded
//! by `App::query`: its store reads are charged gas up to `query_gas_limit`, and it stops at
//! its first read past its deadline. The methods that wait on CometBFT's RPC
//! ([`crate::node_services`]) take permits of their own, so slow answers from CometBFT never
//! hold up the application's queries (Hermes's proofs among them).

use std::cell::Cell;
use std::sync::Arc;
use std::time::Instant;

use agora_store::{Key, StateRead, StoreError, Value};
use agora_types::TxError;

use crate::node_services::CometRpc;
use crate::query::QueryAnswer;
use crate::App;

/// Codespace of the refusals that come from the node's query limits, not from a module.
pub const CODESPACE: &str = "query";

/// Every worker stayed busy for the whole wait.
pub fn busy(waited_ms: u128) -> TxError {
    TxError::new(CODESPACE, 1, format!("the node's query workers stayed busy for {waited_ms} ms: try again later"))
}

/// The query ran past the node's time limit.
pub fn too_slow(limit_ms: u128) -> TxError {
    TxError::new(CODESPACE, 2, format!("the query ran longer than this node's limit of {limit_ms} ms: narrow it (a smaller page or range)"))
}

/// Queries that may wait for each worker; more are refused at once, so a flood holds neither
/// memory nor every caller's wait.
pub const WAITERS_PER_WORKER: usize = 32;

/// Permits, and the queries waiting for one.
struct Lane {
    permits: Arc<tokio::sync::Semaphore>,
    waiting: std::sync::atomic::AtomicUsize,
    max_waiting: usize,
}

impl Lane {
    fn new(workers: usize) -> Arc<Self> {
        Arc::new(Self {
            permits: Arc::new(tokio::sync::Semaphore::new(workers)),
            waiting: std::sync::atomic::AtomicUsize::new(0),
            max_waiting: workers.saturating_mul(WAITERS_PER_WORKER),
        })
    }
}

/// Counts a waiting query for as long as it waits.
struct Waiting<'a>(&'a std::sync::atomic::AtomicUsize);

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, std::sync::atomic::Ordering::Relaxed);
    }
}

/// The shared, bounded pool of query threads.
#[derive(Clone)]
pub struct QueryPool {
    app: Arc<App>,
    queries: Arc<Lane>,
    node_services: Arc<Lane>,
}

impl QueryPool {
    pub fn new(app: Arc<App>) -> Self {
        let workers = app.config().query_workers.max(1);
        Self { app, queries: Lane::new(workers), node_services: Lane::new(workers) }
    }

    pub fn app(&self) -> &Arc<App> {
        &self.app
    }

    /// Runs `work` on a blocking thread once a worker is free; refused with [`busy`] if none
    /// frees up within the node's query timeout.
    pub async fn run<T, F>(&self, work: F) -> Result<T, TxError>
    where
        T: Send + 'static,
        F: FnOnce(&App) -> Result<T, TxError> + Send + 'static,
    {
        self.run_in(&self.queries, work).await
    }

    /// Answers `request` at `path` and `height` (0 = latest), as the gRPC server and the REST
    /// gateway do: the methods that read CometBFT's RPC at `comet` on the workers kept for them,
    /// the rest through `App::query`.
    pub async fn answer(&self, comet: Option<CometRpc>, path: String, request: Vec<u8>, height: u64) -> Result<QueryAnswer, TxError> {
        if crate::node_services::METHODS.contains(&path.as_str()) {
            return self
                .run_node_service(move |app| {
                    let value = crate::node_services::answer(app, comet.as_ref(), &path, &request)?;
                    Ok(QueryAnswer { value, height: app.last_block().0, ..QueryAnswer::default() })
                })
                .await;
        }
        self.run(move |app| app.query(&path, &request, height, false)).await
    }

    /// Runs `work`, which waits on CometBFT's RPC, on the workers kept for that.
    pub async fn run_node_service<T, F>(&self, work: F) -> Result<T, TxError>
    where
        T: Send + 'static,
        F: FnOnce(&App) -> Result<T, TxError> + Send + 'static,
    {
        self.run_in(&self.node_services, work).await
    }

    async fn run_in<T, F>(&self, lane: &Lane, work: F) -> Result<T, TxError>
    where
        T: Send + 'static,
        F: FnOnce(&App) -> Result<T, TxError> + Send + 'static,
    {
        let timeout = self.app.config().query_timeout;
        let started = Instant::now();
        if lane.waiting.fetch_add(1, std::sync::atomic::Ordering::Relaxed) >= lane.max_waiting {
            lane.waiting.fetch_sub(1, std::sync::atomic::Ordering::Relaxed);
            return Err(busy(0));
        }
        let waiting = Waiting(&lane.waiting);
        let permit = match tokio::time::timeout(timeout, Arc::clone(&lane.permits).acquire_owned()).await {
            Ok(Ok(permit)) => permit,
            Ok(Err(_closed)) => return Err(TxError::new(CODESPACE, 3, "the node's query pool is stopping")),
            Err(_elapsed) => return Err(busy(started.elapsed().as_millis())),
        };
        drop(waiting);
        let app = Arc::clone(&self.app);
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            work(&app)
        })
        .await
        .map_err(|e| TxError::internal(format!("query task failed: {e}")))?
    }
}

/// A query's view of a snapshot that stops at the first read past `deadline` (wall-clock
/// time is fine here: queries are node-local and decide nothing in consensus).
pub struct Deadline<S> {
    inner: S,
    deadline: Instant,
    passed: Cell<bool>,
}

impl<S> Deadline<S> {
    pub fn new(inner: S, deadline: Instant) -> Self {
        Self { inner, deadline, passed: Cell::new(false) }
    }

    /// Whether a read was refused because the deadline had passed.
    pub fn passed(&self) -> bool {
        self.passed.get()
    }

    fn check(&self) -> Result<(), StoreError> {
        if self.passed.get() || Instant::now() >= self.deadline {
            self.passed.set(true);
            return Err(StoreError::OutOfGas("the query's time limit passed".to_string()));
        }
        Ok(())
    }
}

impl<S: StateRead> StateRead for Deadline<S> {
    fn charge_gas(&self, gas: u64, what: &'static str) -> Result<(), StoreError> {
        self.check()?;
        self.inner.charge_gas(gas, what)
    }

    fn get_raw(&self, key: &[u8]) -> Result<Option<Value>, StoreError> {
        self.check()?;
        self.inner.get_raw(key)
    }

    fn prefix_raw<'a>(&'a self, prefix: &[u8], start: Option<&[u8]>) -> Box<dyn Iterator<Item = Result<(Key, Value), StoreError>> + 'a> {
        let mut items = self.inner.prefix_raw(prefix, start);
        Box::new(std::iter::from_fn(move || {
            if let Err(late) = self.check() {
                return Some(Err(late));
            }
            items.next()
        }))
    }
}
