//! The `phancap` command line. Every option can also come from the
//! environment (`PHANCAP_*`, `DATABASE_URL`); a flag wins over a variable.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use sea_orm::DatabaseConnection;

use crate::BoxError;
use crate::db::{self, DEFAULT_DATABASE_URL, StatementCounter};
use crate::graphql::{self, Limits};
use crate::startup::{self, Application, Settings};
use crate::units::import::{self, ImportError, Source, Structure};

/// phancap: delegation of state-management powers (phân cấp, phân quyền,
/// ủy quyền) as data, served over GraphQL.
#[derive(Parser)]
#[command(name = "phancap", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Apply pending migrations, then serve GraphQL at /graphql.
    Serve(ServeArgs),
    /// Apply pending migrations and exit.
    Migrate(DbArgs),
    /// Load administrative units (bundled data or a CSV of the same columns).
    ImportUnits {
        #[command(flatten)]
        db: DbArgs,
        /// Which structure the data describes.
        #[arg(long, value_enum)]
        structure: Structure,
        /// A CSV with the bundled file's columns instead of the bundled data.
        #[arg(long)]
        file: Option<PathBuf>,
    },
    /// Load the demo data (both structures, Thái Nguyên's departments).
    Demo(DbArgs),
    /// Print the GraphQL schema (SDL).
    Schema,
}

#[derive(Args)]
struct DbArgs {
    /// Database URL: sqlite://FILE?mode=rwc or postgres://USER@HOST/DB.
    #[arg(long, env = "DATABASE_URL", default_value = DEFAULT_DATABASE_URL)]
    database_url: String,
}

#[derive(Args)]
struct ServeArgs {
    #[command(flatten)]
    db: DbArgs,
    /// Address to listen on.
    #[arg(long, env = "PHANCAP_LISTEN", default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// Load the demo data first (idempotent).
    #[arg(long, env = "PHANCAP_DEMO")]
    demo: bool,
    /// Do not serve GraphiQL at GET /graphql (production).
    #[arg(long, env = "PHANCAP_NO_GRAPHIQL")]
    no_graphiql: bool,
    /// Refuse introspection queries (production).
    #[arg(long, env = "PHANCAP_NO_INTROSPECTION")]
    no_introspection: bool,
    /// Deepest query accepted.
    #[arg(long, env = "PHANCAP_MAX_DEPTH", default_value_t = Limits::default().max_depth)]
    max_depth: usize,
    /// Highest query complexity accepted (a page multiplies its items' cost).
    #[arg(long, env = "PHANCAP_MAX_COMPLEXITY", default_value_t = Limits::default().max_complexity)]
    max_complexity: usize,
    /// Most operations in one batched request.
    #[arg(long, env = "PHANCAP_MAX_BATCH", default_value_t = Settings::default().max_batch)]
    max_batch: usize,
    /// Largest request body, in bytes.
    #[arg(long, env = "PHANCAP_MAX_BODY_BYTES", default_value_t = Settings::default().max_body_bytes)]
    max_body_bytes: usize,
}

/// Parses the command line and runs it.
pub async fn run() -> ExitCode {
    let cli = Cli::parse();
    match execute(cli.command).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err}");
            if let Some(ImportError::BadRows { rows, .. }) = err.downcast_ref::<ImportError>() {
                for row in rows.iter().take(50) {
                    eprintln!("  line {}: {}", row.line, row.message);
                }
                if rows.len() > 50 {
                    eprintln!("  … and {} more", rows.len() - 50);
                }
            }
            ExitCode::FAILURE
        }
    }
}

async fn execute(command: Command) -> Result<(), BoxError> {
    match command {
        Command::Schema => {
            print!("{}", graphql::sdl());
            Ok(())
        }
        Command::Migrate(args) => {
            open(&args).await?;
            println!("migrations applied to {}", db::redact(&args.database_url));
            Ok(())
        }
        Command::ImportUnits {
            db,
            structure,
            file,
        } => {
            let conn = open(&db).await?;
            let text = file.as_ref().map(std::fs::read_to_string).transpose()?;
            let name = file.as_ref().map(|f| f.display().to_string());
            let source = match (&name, &text) {
                (Some(name), Some(text)) => Source::Csv { name, text },
                _ => Source::Bundled,
            };
            let summary = import::import(&conn, structure, source).await?;
            println!("{summary}");
            Ok(())
        }
        Command::Demo(args) => {
            let conn = open(&args).await?;
            load_demo(&conn).await
        }
        Command::Serve(args) => serve(args).await,
    }
}

async fn open(args: &DbArgs) -> Result<DatabaseConnection, BoxError> {
    let conn = db::connect(&args.database_url, None, &StatementCounter::default()).await?;
    db::migrate(&conn).await?;
    Ok(conn)
}

async fn load_demo(conn: &DatabaseConnection) -> Result<(), BoxError> {
    let report = crate::demo::load(conn).await?;
    for summary in &report.imports {
        println!("{summary}");
    }
    println!(
        "demo province: Tỉnh Thái Nguyên (code {}), {} departments created",
        crate::demo::DEMO_PROVINCE,
        report.departments_created
    );
    Ok(())
}

async fn serve(args: ServeArgs) -> Result<(), BoxError> {
    let conn = open(&args.db).await?;
    if args.demo {
        load_demo(&conn).await?;
    }
    let settings = Settings {
        listen: args.listen,
        graphiql: !args.no_graphiql,
        limits: Limits {
            max_depth: args.max_depth,
            max_complexity: args.max_complexity,
            introspection: !args.no_introspection,
        },
        max_batch: args.max_batch,
        max_body_bytes: args.max_body_bytes,
    };
    let app = Application::build(&settings, conn).await?;
    let addr = app.local_addr()?;
    tracing::info!(
        database = %db::redact(&args.db.database_url),
        %addr,
        graphiql = settings.graphiql,
        "phancap listening"
    );
    if settings.graphiql {
        println!("GraphiQL: http://{addr}/graphql");
    }
    app.run_until(startup::shutdown_signal()).await?;
    Ok(())
}
