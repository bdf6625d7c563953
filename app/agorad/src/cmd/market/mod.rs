//! The marketplace commands: `tx`/`query` of the provider, audit, deployment, market and
//! escrow modules, the provider and deployment YAML files, and the JSON of their messages.

pub mod files;
pub mod json;
pub mod query;
pub mod tx;
pub mod units;
