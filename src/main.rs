// The schema's query root nests deeper than the default limit lets a release
// build lay out.
#![recursion_limit = "256"]

use std::process::ExitCode;

/// jemalloc serves the many small allocations of a GraphQL response
/// (a value and a string per field) faster than glibc's malloc, and keeps
/// no fragmented heap after bursts of deep queries. Chosen by measurement
/// against glibc and mimalloc (bench/README.md, issue 17). The library and
/// its tests keep the system allocator.
#[cfg(not(target_env = "msvc"))]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

#[tokio::main]
async fn main() -> ExitCode {
    phancap::telemetry::init();
    phancap::cli::run().await
}
