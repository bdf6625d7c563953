//! The error contract between modules and the ABCI layer: every refusal carries a stable
//! codespace and code, and a message that says what was wrong.

/// Implemented by each module's error enum.
pub trait AbciError: std::error::Error {
    /// The module's codespace, e.g. `"bank"`; codes are unique within it.
    fn codespace(&self) -> &'static str;
    /// Stable non-zero code within the codespace.
    fn code(&self) -> u32;

    fn to_tx_error(&self) -> TxError {
        TxError { codespace: self.codespace().to_string(), code: self.code(), log: self.to_string() }
    }
}

/// A refusal as reported to clients (ABCI `code`, `codespace`, `log`).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{codespace} error {code}: {log}")]
pub struct TxError {
    pub codespace: String,
    pub code: u32,
    pub log: String,
}

impl TxError {
    pub fn new(codespace: &str, code: u32, log: impl Into<String>) -> Self {
        Self { codespace: codespace.to_string(), code, log: log.into() }
    }

    /// A malformed request: the Cosmos SDK's `ErrInvalidRequest` (`sdk` 18, gRPC
    /// `INVALID_ARGUMENT`).
    pub fn invalid_request(log: impl Into<String>) -> Self {
        Self::new("sdk", 18, log)
    }

    /// A failure that is not the caller's fault (a store error): `sdk` 1.
    pub fn internal(error: impl std::fmt::Display) -> Self {
        Self::new("sdk", 1, error.to_string())
    }

    /// A query for a record that does not exist: the Cosmos SDK's `ErrNotFound` (`sdk` 38),
    /// which gRPC clients receive as `NOT_FOUND`, whatever module was asked.
    pub fn not_found(log: impl Into<String>) -> Self {
        Self::new("sdk", 38, log)
    }
}

impl<E: AbciError> From<&E> for TxError {
    fn from(e: &E) -> Self {
        e.to_tx_error()
    }
}
