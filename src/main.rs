// The schema's query root nests deeper than the default limit lets a release
// build lay out.
#![recursion_limit = "256"]

use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    phancap::telemetry::init();
    phancap::cli::run().await
}
