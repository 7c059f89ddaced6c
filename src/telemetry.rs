//! Logs to stderr. `PHANCAP_LOG` sets the filter (default `info`);
//! `PHANCAP_LOG_FORMAT=json` writes one JSON object per line for a log
//! collector, anything else (or nothing) readable text. Colour codes are
//! written only when stderr is a terminal.
//!
//! What is logged at `info`: one access line per HTTP request (target
//! `phancap::access`: method, path, operation name, status, outcome,
//! duration, user id, client address; never tokens, passwords, queries or
//! variables), failed and throttled sign-ins with the username and the
//! client address (target `phancap::security`, at `warn`), and startup.

use std::io::IsTerminal;

use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::MakeWriter;

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
}

impl LogFormat {
    /// `json` (any case) or text.
    pub fn parse(value: Option<&str>) -> LogFormat {
        match value {
            Some(v) if v.trim().eq_ignore_ascii_case("json") => LogFormat::Json,
            _ => LogFormat::Text,
        }
    }
}

/// Installs the global subscriber once, from the environment.
pub fn init() {
    let format = LogFormat::parse(std::env::var("PHANCAP_LOG_FORMAT").ok().as_deref());
    let ansi = format == LogFormat::Text && std::io::stderr().is_terminal();
    init_with(format, ansi, std::io::stderr);
}

/// Installs the global subscriber once, writing to `writer` (the tests
/// capture the log this way). A second call changes nothing.
pub fn init_with<W>(format: LogFormat, ansi: bool, writer: W)
where
    W: for<'a> MakeWriter<'a> + Send + Sync + 'static,
{
    let filter = EnvFilter::try_from_env("PHANCAP_LOG")
        .unwrap_or_else(|_| EnvFilter::new("info,sea_orm_migration=warn"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer)
        .with_ansi(ansi);
    let _ = match format {
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(false)
            .try_init(),
        LogFormat::Text => builder.try_init(),
    };
}
