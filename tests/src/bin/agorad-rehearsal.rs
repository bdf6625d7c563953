//! `agorad` with one more upgrade handler, `rehearsal-v2`, for the end-to-end upgrade
//! rehearsal: the localnet schedules that plan, every node running the release binary halts
//! at its height, and this binary, started on the same homes, applies it and carries the
//! chain on. Its migration doubles `auth`'s memo limit, so the test can see that it ran, and
//! runs the module migrations as a release's handler would. Not a node to run anywhere else.

use agora_auth::{AuthRead, AuthWrite};
use agora_component::{Components, VersionMap};
use agora_store::StateWrite;
use agora_types::BlockContext;
use agora_upgrade::Plan;

/// The plan name the e2e suite schedules.
pub const REHEARSAL: &str = "rehearsal-v2";

fn rehearsal(state: &mut dyn StateWrite, ctx: &BlockContext, plan: &Plan, from: &VersionMap, components: &Components) -> Result<VersionMap, String> {
    let mut params = state.auth_params().map_err(|e| e.to_string())?;
    params.max_memo_characters = params.max_memo_characters.checked_mul(2).ok_or("memo limit overflows")?;
    state.put_auth_params(&params);
    agora_upgrade::run_module_migrations(state, ctx, plan, from, components)
}

fn main() -> std::process::ExitCode {
    agorad::main(&agora_app::upgrades::handlers().with(REHEARSAL, rehearsal))
}
