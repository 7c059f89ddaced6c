use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    phancap::telemetry::init();
    phancap::cli::run().await
}
