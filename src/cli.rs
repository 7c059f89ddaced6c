//! The `phancap` command line. Every option can also come from the
//! environment (`PHANCAP_*`, `DATABASE_URL`); a flag wins over a variable.

use std::io::IsTerminal;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Args, Parser, Subcommand};
use entity::app_user::UserKind;
use entity::role_grant::Role;
use jsonwebtoken::Algorithm;
use sea_orm::{DatabaseConnection, Iterable};

use crate::BoxError;
use crate::auth::tokens::parse_ttl;
use crate::auth::{Authority, ExternalKey, TokenService, secret};
use crate::db::{self, DEFAULT_DATABASE_URL, StatementCounter};
use crate::schema::{self, Limits};
use crate::startup::{self, Application, Settings};
use crate::units::import::{self, ImportError, Source, Structure};
use crate::{audit, calendar, units, users};

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
    Serve(Box<ServeArgs>),
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
    /// Manage users from the server's console (audited as `cli`).
    #[command(subcommand)]
    User(UserCommand),
    /// Issue a long-lived token for a service account.
    Token {
        #[command(flatten)]
        db: DbArgs,
        #[command(flatten)]
        auth: AuthArgs,
        #[arg(long)]
        username: String,
        /// Lifetime such as 30d, 12h, 15m.
        #[arg(long, default_value = "30d")]
        ttl: String,
    },
    /// Check the audit trail.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Maintain the reporting data.
    #[command(subcommand)]
    Reports(ReportsCommand),
    /// The annual evaluation of the delegated contents.
    #[command(subcommand)]
    Evaluations(EvaluationsCommand),
}

#[derive(Subcommand)]
enum EvaluationsCommand {
    /// Open a province's evaluation round for a year (audited as `cli`):
    /// one evaluation per mandate and holder in force on the evaluation
    /// day. A round already open for that year is left as it is.
    Open(OpenRoundArgs),
}

#[derive(Args)]
struct OpenRoundArgs {
    #[command(flatten)]
    db: DbArgs,
    /// The province's code, e.g. 19.
    #[arg(long)]
    province: String,
    /// The year evaluated.
    #[arg(long)]
    year: i32,
    /// The day mandates and holders are taken on (default: the evaluation
    /// day of `year`).
    #[arg(long)]
    as_of: Option<chrono::NaiveDate>,
    /// The day self-assessments are due (default: 10 working days later).
    #[arg(long)]
    due_on: Option<chrono::NaiveDate>,
    /// The day of the year rounds are taken on, MM-DD.
    #[arg(long, env = "PHANCAP_EVALUATION_DAY", default_value = "12-15")]
    evaluation_day: crate::evaluations::service::EvaluationDay,
}

#[derive(Subcommand)]
enum ReportsCommand {
    /// Recompute every period's progress rollups from its reports (after a
    /// bulk load or a repair; the server keeps them current by itself).
    RebuildRollups(DbArgs),
    /// Bring the open periods' reports in line with one mandate (the
    /// periods its assignments or items reach) or with every mandate
    /// (every open period, whole): expected reporters, their items and the
    /// rollups, as every mandate change does by itself. Prints what changed.
    FollowMandates(FollowArgs),
}

#[derive(Args)]
struct FollowArgs {
    #[command(flatten)]
    db: DbArgs,
    /// The mandate's code; every mandate when omitted.
    #[arg(long)]
    mandate: Option<String>,
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create a user; a person's password is read from stdin when it is
    /// not a terminal, and prompted for otherwise.
    Create {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long)]
        username: String,
        /// Full name (default: the username).
        #[arg(long)]
        full_name: Option<String>,
        /// Home unit code, as of today or CODE@YYYY-MM-DD.
        #[arg(long)]
        unit: String,
        #[arg(long, value_enum, default_value = "human")]
        kind: KindArg,
        /// ROLE@UNITCODE (or ROLE@UNITCODE@YYYY-MM-DD); repeatable.
        #[arg(long = "role")]
        roles: Vec<String>,
    },
    /// Grant a role to a user.
    Grant {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long)]
        username: String,
        /// ROLE@UNITCODE (or ROLE@UNITCODE@YYYY-MM-DD).
        #[arg(long)]
        role: String,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Walk the hash chain and name the first broken link.
    Verify(DbArgs),
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum KindArg {
    Human,
    Service,
}

#[derive(Args)]
struct AuthArgs {
    /// HS256 secret for the tokens phancap issues (at least 32 bytes).
    /// Without it, the embedded SQLite default keeps a generated one next
    /// to the database file; PostgreSQL deployments must set it.
    #[arg(long, env = "PHANCAP_JWT_SECRET", hide_env_values = true)]
    jwt_secret: Option<String>,
    /// Lifetime of the tokens `login` issues.
    #[arg(long, env = "PHANCAP_TOKEN_TTL", default_value = "1h")]
    token_ttl: String,
    /// Longest lifetime of any token, issued here or by the identity
    /// provider (service tokens included); longer-lived ones are refused.
    #[arg(long, env = "PHANCAP_MAX_TOKEN_TTL", default_value = "30d")]
    max_token_ttl: String,
    /// PEM public key of an external identity provider whose tokens are
    /// also accepted (their `sub` is the username).
    #[arg(long, env = "PHANCAP_EXTERNAL_JWT_KEY")]
    external_jwt_key: Option<PathBuf>,
    /// Algorithm of the external key: RS256 or EdDSA.
    #[arg(long, env = "PHANCAP_EXTERNAL_JWT_ALG", default_value = "RS256")]
    external_jwt_alg: String,
    /// Required `iss` of external tokens.
    #[arg(long, env = "PHANCAP_EXTERNAL_JWT_ISSUER", default_value = "")]
    external_jwt_issuer: String,
    /// Required `aud` of external tokens.
    #[arg(long, env = "PHANCAP_EXTERNAL_JWT_AUDIENCE", default_value = "phancap")]
    external_jwt_audience: String,
}

impl AuthArgs {
    fn token_service(&self, database_url: &str) -> Result<Arc<TokenService>, BoxError> {
        let secret = secret::resolve(self.jwt_secret.as_deref(), database_url)?;
        let ttl = parse_ttl(&self.token_ttl)?;
        let external = match &self.external_jwt_key {
            None => None,
            Some(path) => {
                let algorithm = match self.external_jwt_alg.as_str() {
                    "RS256" => Algorithm::RS256,
                    "EdDSA" => Algorithm::EdDSA,
                    other => {
                        return Err(
                            format!("external tokens may be RS256 or EdDSA, not {other}").into(),
                        );
                    }
                };
                if self.external_jwt_issuer.is_empty() {
                    return Err(
                        "PHANCAP_EXTERNAL_JWT_ISSUER must name the identity provider".into(),
                    );
                }
                let pem = std::fs::read(path)?;
                Some(ExternalKey::from_pem(
                    algorithm,
                    &pem,
                    self.external_jwt_issuer.clone(),
                    self.external_jwt_audience.clone(),
                )?)
            }
        };
        let max = parse_ttl(&self.max_token_ttl)?;
        Ok(Arc::new(
            TokenService::new(&secret, ttl, external)?.with_max_lifetime(max)?,
        ))
    }
}

#[derive(Args)]
struct DbArgs {
    /// Database URL: sqlite://FILE?mode=rwc or postgres://USER@HOST/DB.
    #[arg(long, env = "DATABASE_URL", default_value = DEFAULT_DATABASE_URL)]
    database_url: String,
}

/// How notices are delivered and swept.
#[derive(Args)]
struct NoticeArgs {
    /// SMTP server for e-mailed notices: smtp://user:password@host:port
    /// (plain SMTP, AUTH PLAIN when a user is given; no STARTTLS). Unset:
    /// no e-mail is sent by this server.
    #[arg(long, env = "PHANCAP_SMTP_URL")]
    smtp_url: Option<String>,
    /// The sender address of e-mailed notices.
    #[arg(
        long,
        env = "PHANCAP_SMTP_FROM",
        default_value = "no-reply@phancap.local"
    )]
    smtp_from: String,
    /// Notices of a deadline go this many working days before it.
    #[arg(long, env = "PHANCAP_NOTICE_DAYS_BEFORE", default_value_t = 3)]
    notice_days_before: u32,
    /// How often the sweep of due dates runs, e.g. 1h, 15m (and once at start).
    #[arg(long, env = "PHANCAP_SWEEP_EVERY", default_value = "1h")]
    sweep_every: String,
    /// Wait after a failed delivery, doubled after each next failure, e.g. 30s.
    #[arg(long, env = "PHANCAP_RETRY_BASE", default_value = "30s")]
    retry_base: String,
    /// Longest wait between delivery attempts, e.g. 6h.
    #[arg(long, env = "PHANCAP_RETRY_CAP", default_value = "6h")]
    retry_cap: String,
    /// Attempts before a delivery is given up.
    #[arg(long, env = "PHANCAP_RETRY_MAX_ATTEMPTS", default_value_t = 10)]
    retry_max_attempts: u32,
}

impl NoticeArgs {
    fn settings(&self) -> Result<crate::notices::dispatch::NoticeSettings, BoxError> {
        let smtp = match self.smtp_url.as_deref().filter(|u| !u.trim().is_empty()) {
            Some(url) => Some(crate::notices::smtp::SmtpSettings::parse(
                url,
                &self.smtp_from,
            )?),
            None => None,
        };
        if self.retry_max_attempts == 0 {
            return Err("PHANCAP_RETRY_MAX_ATTEMPTS must be at least 1".into());
        }
        let sweep_every = parse_ttl(&self.sweep_every)?;
        if sweep_every.is_zero() {
            return Err("PHANCAP_SWEEP_EVERY must be longer than 0".into());
        }
        Ok(crate::notices::dispatch::NoticeSettings {
            smtp,
            sweep_every,
            retry_base: parse_ttl(&self.retry_base)?,
            retry_cap: parse_ttl(&self.retry_cap)?,
            max_attempts: self.retry_max_attempts,
            days_before: self.notice_days_before,
            ..Default::default()
        })
    }
}

#[derive(Args)]
struct ServeArgs {
    #[command(flatten)]
    db: DbArgs,
    #[command(flatten)]
    auth: AuthArgs,
    /// The day of the year evaluation rounds are taken on by default, MM-DD.
    #[arg(long, env = "PHANCAP_EVALUATION_DAY", default_value = "12-15")]
    evaluation_day: crate::evaluations::service::EvaluationDay,
    /// Address to listen on.
    #[arg(long, env = "PHANCAP_LISTEN", default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    #[command(flatten)]
    notices: NoticeArgs,
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
    /// Queries reading subtrees (children of children) at once; the
    /// others wait their turn (0: no limit). Default: four per core.
    #[arg(long, env = "PHANCAP_MAX_SUBTREE_READS", default_value_t = Settings::default().max_subtree_reads)]
    max_subtree_reads: usize,
    /// Largest request body, in bytes.
    #[arg(long, env = "PHANCAP_MAX_BODY_BYTES", default_value_t = Settings::default().max_body_bytes)]
    max_body_bytes: usize,
    /// Folder for files attached to documents (default: beside the SQLite
    /// file, `<database>.files`; `./phancap-files` for PostgreSQL).
    #[arg(long, env = "PHANCAP_FILES_DIR")]
    files_dir: Option<std::path::PathBuf>,
    /// Largest file attached to a document, in bytes.
    #[arg(long, env = "PHANCAP_MAX_FILE_BYTES", default_value_t = crate::mandates::attachments::DEFAULT_MAX_FILE_BYTES)]
    max_file_bytes: usize,
    /// Origins whose pages may call the API from a browser (CORS), comma
    /// separated, e.g. https://portal.thainguyen.gov.vn; none by default.
    #[arg(long, env = "PHANCAP_CORS_ORIGINS", value_delimiter = ',')]
    cors_origins: Vec<String>,
    /// Serve /metrics on this address instead of the main one.
    #[arg(long, env = "PHANCAP_METRICS_LISTEN")]
    metrics_listen: Option<SocketAddr>,
    /// Requests without a token allowed per client address and minute
    /// (0: no limit); more are answered 429 with Retry-After.
    #[arg(long, env = "PHANCAP_ANONYMOUS_PER_MINUTE", default_value_t = Settings::default().anonymous_per_minute)]
    anonymous_per_minute: u32,
    /// Sign-ins allowed per client address and minute (0: no limit).
    #[arg(long, env = "PHANCAP_LOGINS_PER_MINUTE", default_value_t = Settings::default().logins_per_minute)]
    logins_per_minute: u32,
    /// How long an Idempotency-Key is remembered (30d, 24h, 15m).
    #[arg(long, env = "PHANCAP_IDEMPOTENCY_TTL", default_value = "24h")]
    idempotency_ttl: String,
    /// Seconds a browser or CDN may keep an anonymous query fetched by GET.
    #[arg(long, env = "PHANCAP_PUBLIC_MAX_AGE", default_value_t = Settings::default().public_max_age)]
    public_max_age: u32,
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
            print!("{}", schema::sdl());
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
        Command::Serve(args) => serve(*args).await,
        Command::User(command) => user_command(command).await,
        Command::Token {
            db,
            auth,
            username,
            ttl,
        } => {
            let tokens = auth.token_service(&db.database_url)?;
            let conn = open(&db).await?;
            let ttl = parse_ttl(&ttl)?;
            let user = users::service::by_username(&conn, &username.to_lowercase())
                .await?
                .ok_or_else(|| format!("no user {username}"))?;
            if user.kind != UserKind::Service || !user.active {
                return Err("tokens are issued here only for active service accounts; people sign in with `login`".into());
            }
            let (token, expires) = tokens.issue(user.id, user.token_version, Some(ttl))?;
            eprintln!("token for {} valid until {expires}:", user.username);
            println!("{token}");
            Ok(())
        }
        Command::Reports(ReportsCommand::RebuildRollups(args)) => {
            let conn = open(&args).await?;
            let started = std::time::Instant::now();
            let (periods, rows) = crate::reporting::progress::rebuild_all(&conn).await?;
            println!(
                "rebuilt the rollups of {periods} periods ({rows} unit rows) in {:.2} s",
                started.elapsed().as_secs_f64()
            );
            Ok(())
        }
        Command::Reports(ReportsCommand::FollowMandates(args)) => {
            let statements = StatementCounter::default();
            let conn = db::connect(&args.db.database_url, None, &statements).await?;
            db::migrate(&conn).await?;
            let before = statements.get();
            let started = std::time::Instant::now();
            let mandate = args.mandate.as_deref();
            let f = crate::reporting::regimes::follow_again(&conn, mandate).await?;
            println!(
                "{}: {} open periods touched; reports added {}, removed {}, changed {}; items added {}, closed {}, removed {}, reopened {}; {} statements in {:.3} s",
                mandate.unwrap_or("every mandate"),
                f.periods,
                f.reports_added,
                f.reports_removed,
                f.reports_changed,
                f.items_added,
                f.items_closed,
                f.items_removed,
                f.items_reopened,
                statements.get() - before,
                started.elapsed().as_secs_f64()
            );
            Ok(())
        }
        Command::Evaluations(EvaluationsCommand::Open(args)) => open_round(args).await,
        Command::Audit(AuditCommand::Verify(args)) => {
            let conn = open(&args).await?;
            match audit::verify(&conn).await? {
                Ok(n) => {
                    println!("audit chain intact: {n} events");
                    Ok(())
                }
                Err(broken) => Err(broken.to_string().into()),
            }
        }
    }
}

/// `CODE` or `CODE@YYYY-MM-DD`: the unit bearing the code on that date
/// (default today).
async fn unit_by_spec(
    conn: &DatabaseConnection,
    spec: &str,
) -> Result<entity::unit::Model, BoxError> {
    let (code, date) = match spec.split_once('@') {
        Some((code, date)) => (
            code,
            date.parse()
                .map_err(|_| format!("`{date}` is not a date (YYYY-MM-DD)"))?,
        ),
        None => (spec, calendar::today()),
    };
    Ok(units::service::find_by_code(conn, code, None, date)
        .await?
        .ok_or_else(|| format!("no unit {code} in force on {date}"))?)
}

/// `ROLE@UNIT[@DATE]`.
async fn role_by_spec(
    conn: &DatabaseConnection,
    spec: &str,
) -> Result<(Role, entity::unit::Model), BoxError> {
    let (role, unit) = spec
        .split_once('@')
        .ok_or_else(|| format!("`{spec}` is not ROLE@UNITCODE"))?;
    let role = Role::iter()
        .find(|r| audit::service::role_name(*r) == role.to_uppercase())
        .ok_or_else(|| format!("unknown role {role}"))?;
    Ok((role, unit_by_spec(conn, unit).await?))
}

async fn user_command(command: UserCommand) -> Result<(), BoxError> {
    match command {
        UserCommand::Create {
            db,
            username,
            full_name,
            unit,
            kind,
            roles,
        } => {
            let conn = open(&db).await?;
            let home = unit_by_spec(&conn, &unit).await?;
            let mut grants = Vec::new();
            for spec in &roles {
                grants.push(role_by_spec(&conn, spec).await?);
            }
            let kind = match kind {
                KindArg::Human => UserKind::Human,
                KindArg::Service => UserKind::Service,
            };
            let password = match kind {
                UserKind::Human => Some(read_password()?),
                UserKind::Service => None,
            };
            let create = users::service::CreateUser {
                full_name: full_name.unwrap_or_else(|| username.clone()),
                username,
                home_unit: home.id,
                kind,
                password,
            };
            let user = users::service::create_user(&conn, Authority::Cli, create).await?;
            println!("created user {} ({})", user.username, home.name);
            for (role, scope) in grants {
                users::service::grant_role(&conn, Authority::Cli, user.id, role, scope.id).await?;
                println!(
                    "granted {} over {} ({})",
                    audit::service::role_name(role),
                    scope.name,
                    scope.code
                );
            }
            Ok(())
        }
        UserCommand::Grant { db, username, role } => {
            let conn = open(&db).await?;
            let user = users::service::by_username(&conn, &username.to_lowercase())
                .await?
                .ok_or_else(|| format!("no user {username}"))?;
            let (role, scope) = role_by_spec(&conn, &role).await?;
            users::service::grant_role(&conn, Authority::Cli, user.id, role, scope.id).await?;
            println!(
                "granted {} over {} to {}",
                audit::service::role_name(role),
                scope.name,
                user.username
            );
            Ok(())
        }
    }
}

/// A password from stdin: the first line when piped, prompted for otherwise.
fn read_password() -> Result<String, BoxError> {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        eprint!("password (at least 10 characters; it is shown as you type): ");
    }
    let mut line = String::new();
    stdin.read_line(&mut line)?;
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
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
    println!(
        "catalogue of powers: {} matters created, {} updated, {} unchanged",
        report.matters.created, report.matters.updated, report.matters.unchanged
    );
    if report.mandates_created > 0 {
        println!(
            "{} demo mandates created (phân cấp, ủy quyền, phân quyền; one lapsed and transferred, one lapsed, one draft)",
            report.mandates_created
        );
    }
    if let Some(reporting) = &report.reporting {
        println!(
            "demo reporting: regime {}, {} reports ({} closed and compiled for UBND tỉnh; {} open, reports in every state)",
            crate::demo::DEMO_REGIME,
            reporting.reports,
            reporting.closed,
            reporting.open
        );
        println!(
            "demo exports: {}'s compiled report as Excel: `exportUrl(format: XLSX)` on it (sign in as coordinator.snv), or GET /export/reports/{}?format=xlsx with the token; also CSV, NDJSON, `mandatesExportUrl`, `Unit.exportUrl` (see README, Exports)",
            reporting.closed,
            crate::graphql::encode_id(crate::graphql::NodeKind::Report, reporting.compiled_report)
                .0
        );
        println!(
            "demo imports: GET /import/templates/mandates.xlsx (or .csv) has Thái Nguyên's 19-UQ-NV-01 (902/QĐ-UBND) as its example row; send it back to `importMandates(dryRun: true)` as approver.ubnd to see a taken code reported by line and column (see README, Imports)"
        );
    }
    if let Some(evaluations) = &report.evaluations {
        println!(
            "demo evaluation: round {} ({} evaluations; {} assessed, {} awaiting UBND tỉnh, the rest for you to try)",
            evaluations.round,
            evaluations.expected,
            evaluations.assessed,
            evaluations.self_assessed
        );
    }
    if report.proposals_created > 0 {
        println!(
            "demo proposals: {} (one at every stage, DRAFT to DECIDED; see `proposals`)",
            report.proposals_created
        );
    }
    if report.plan_tasks_created > 0 {
        println!(
            "demo plan: 89/KH-UBND with its four contents ({} tasks; see `plans`)",
            report.plan_tasks_created
        );
    }
    if let Some(code) = &report.inspection {
        println!(
            "demo inspection: {code} (269/BC-SNV and its follow-up 6085/UBND-TTPVHCC; see `inspections`)"
        );
    }
    println!(
        "change feed: {} changes; `service.lienthong` (VIEWER over Thái Nguyên) syncs the province with `changes(after:)` (see README, The change feed)",
        report.changes
    );
    println!(
        "in Vietnamese: Thái Nguyên's communes by name begin {} (`units(parent: …, orderBy: {{field: NAME}})`); `labels` gives \"Phân cấp\" for DECENTRALIZATION; messages are Vietnamese unless Accept-Language: en (see README, Vietnamese)",
        first_communes_by_name(conn).await?.join(", ")
    );
    if !report.users_created.is_empty() {
        println!();
        println!(
            "WARNING: demo users with a shared, published password. Never load the demo into a production database."
        );
        println!(
            "password for every demo user: {}",
            crate::demo::DEMO_PASSWORD
        );
        for line in &report.users_created {
            println!("  {line}");
        }
        println!(
            "sign in with: mutation {{ login(input: {{username: \"admin.thainguyen\", password: \"…\"}}) {{ accessToken }} }}"
        );
        println!("service account token: phancap token --username service.lienthong --ttl 30d");
    }
    Ok(())
}

/// The first four communes of the demo province in Vietnamese order.
async fn first_communes_by_name(conn: &DatabaseConnection) -> Result<Vec<String>, BoxError> {
    use crate::pagination::{ListOrder, OrderField, PageRequest};
    let today = crate::calendar::today();
    let province = units::service::find_by_code(
        conn,
        crate::demo::DEMO_PROVINCE,
        Some(entity::unit::UnitKind::Province),
        today,
    )
    .await?
    .ok_or("the demo province is not in force today")?;
    let filter = units::service::UnitFilter {
        kind: Some(entity::unit::UnitKind::Commune),
        within: None,
        parent: Some(province.id),
        search: None,
        as_of: today,
    };
    let order = Some(ListOrder {
        field: OrderField::Name,
        ..Default::default()
    });
    let page = PageRequest::parse(Some(4), None, None, None)?.ordered(order)?;
    let page = units::service::list(conn, &filter, &page, order, false).await?;
    Ok(page.items.into_iter().map(|u| u.name).collect())
}

/// `phancap evaluations open`: idempotent, so that a scheduler may run it
/// every year without looking first.
async fn open_round(args: OpenRoundArgs) -> Result<(), BoxError> {
    use crate::evaluations::service;
    let conn = open(&args.db).await?;
    let as_of = args
        .as_of
        .unwrap_or_else(|| args.evaluation_day.in_year(args.year));
    let province = units::service::find_by_code(
        &conn,
        &args.province,
        Some(entity::unit::UnitKind::Province),
        as_of,
    )
    .await?
    .ok_or_else(|| format!("no unit with code {} in force on {as_of}", args.province))?;
    if let Some(round) = service::round_of(&conn, province.id, args.year).await? {
        println!(
            "{} already has its round of {} ({}, {}): nothing to do",
            province.name,
            args.year,
            round.code,
            sea_orm::ActiveEnum::to_value(&round.status)
        );
        return Ok(());
    }
    let input = service::OpenRound {
        province: province.id,
        year: args.year,
        as_of: args.as_of,
        due_on: args.due_on,
    };
    let opened = service::open_round(&conn, Authority::Cli, args.evaluation_day, input)
        .await
        .map_err(|e| e.to_string())?;
    println!(
        "opened {} for {}: {} evaluations as of {}, due on {}",
        opened.round.code, province.name, opened.expected, opened.round.as_of, opened.round.due_on
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
        max_subtree_reads: args.max_subtree_reads,
        max_body_bytes: args.max_body_bytes,
        cors_origins: args
            .cors_origins
            .into_iter()
            .filter(|o| !o.trim().is_empty())
            .collect(),
        metrics_listen: args.metrics_listen,
        public_max_age: args.public_max_age,
        anonymous_per_minute: args.anonymous_per_minute,
        logins_per_minute: args.logins_per_minute,
        idempotency_ttl: parse_ttl(&args.idempotency_ttl)?.as_secs(),
        files: crate::mandates::attachments::FileStore {
            dir: args.files_dir.clone().unwrap_or_else(|| {
                crate::mandates::attachments::FileStore::default_dir(&args.db.database_url)
            }),
            max_bytes: args.max_file_bytes,
        },
        evaluation_day: args.evaluation_day,
        notices: args.notices.settings()?,
        ..Settings::default()
    };
    let tokens = args.auth.token_service(&args.db.database_url)?;
    let app = Application::build(&settings, conn, tokens).await?;
    let addr = app.local_addr()?;
    tracing::info!(
        database = %db::redact(&args.db.database_url),
        %addr,
        graphiql = settings.graphiql,
        "phancap listening"
    );
    if let Some(metrics) = app.metrics_addr() {
        println!("metrics: http://{metrics}/metrics");
    }
    if settings.graphiql {
        println!("GraphiQL: http://{addr}/graphql");
    }
    app.run_until(startup::shutdown_signal()).await?;
    Ok(())
}
