//! Structured logs to stderr; `PHANCAP_LOG` sets the filter (default `info`).

use tracing_subscriber::EnvFilter;

/// Installs the global subscriber once.
pub fn init() {
    let filter = EnvFilter::try_from_env("PHANCAP_LOG")
        .unwrap_or_else(|_| EnvFilter::new("info,sea_orm_migration=warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}
