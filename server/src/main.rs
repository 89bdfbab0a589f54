//! The `tli-hub` command: runs the server, applies migrations, and seeds demo data.

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use server::config::Config;
use server::{admin_commands, backup, db, seed, telemetry};

#[derive(Parser)]
#[command(
    name = "tli-hub",
    version,
    about = "TLI Hub: the Teacher Leadership Institute platform"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the web server (the default). Applies pending migrations first.
    Serve,
    /// Apply pending database migrations, then exit.
    Migrate,
    /// Load sample data. Running it again adds nothing that already exists.
    Seed {
        /// Load the demo program: the Teacher Leadership Institute, two cohorts and
        /// one demo account per role.
        #[arg(long)]
        demo: bool,
    },
    /// Create a program administrator. Reads the password from TLI_ADMIN_PASSWORD, or
    /// from the first line of standard input.
    CreateAdmin {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
    },
    /// Invite a person by email, optionally with a first role in a cohort.
    Invite {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// Cohort name, such as "Ohio 2027"; needs --role.
        #[arg(long, requires = "role")]
        cohort: Option<String>,
        /// fellow, coach, reviewer or facilitator; needs --cohort.
        #[arg(long, requires = "cohort")]
        role: Option<String>,
        /// Make the person a program administrator.
        #[arg(long)]
        admin: bool,
    },
    /// Import people from a OneRoster-style users.csv (columns sourcedId, givenName,
    /// familyName, email, role, cohort). Validates every row first and imports nothing
    /// if any row is invalid.
    ImportRoster {
        file: std::path::PathBuf,
        /// Check the file and report what would change, without changing anything.
        #[arg(long)]
        dry_run: bool,
    },
    /// Send the daily notification digests that are due now, then exit. The server
    /// also does this every 15 minutes.
    SendDigests,
    /// Create a new key for signing credentials and retire the current one. Retired
    /// keys stay published, so everything they signed still verifies.
    RotateSigningKey,
    /// Write a consistent copy of the database, the stored files and the signing keys
    /// into DIR, a new or empty folder. Safe while the server runs. PostgreSQL needs
    /// pg_dump of the server's major version.
    Backup { dir: std::path::PathBuf },
    /// Check a backup made by `backup`, then restore it into the configured database,
    /// file storage and key folder. Stop the server first. PostgreSQL needs pg_restore.
    Restore {
        dir: std::path::PathBuf,
        /// Replace a database that already contains people. The current data is backed
        /// up first into TLI_DATA_DIR/before-restore-<time>.
        #[arg(long)]
        replace: bool,
        /// Only check the backup's files against its manifest; change nothing.
        #[arg(long)]
        check_only: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let config = match Config::from_env() {
        Ok(config) => config,
        Err(error) => return fail(&error),
    };
    let command = cli.command.unwrap_or(Command::Serve);
    // The server logs its work. A one-off command logs only warnings unless TLI_LOG
    // sets a filter, so that its own output stays readable.
    let (log_target, log_filter) = match command {
        Command::Serve => (telemetry::LogTarget::Stdout, config.log_filter.as_str()),
        _ if std::env::var_os("TLI_LOG").is_some() => {
            (telemetry::LogTarget::Stderr, config.log_filter.as_str())
        }
        _ => (telemetry::LogTarget::Stderr, "warn"),
    };
    telemetry::init(log_filter, config.log_format, log_target);

    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => return fail(&format!("cannot start the async runtime: {error}")),
    };
    let result = runtime.block_on(run(command, config));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => fail(&message),
    }
}

/// Prints a startup error as one line that states what failed and what to do.
fn fail(message: &dyn std::fmt::Display) -> ExitCode {
    eprintln!("tli-hub: {message}");
    ExitCode::FAILURE
}

/// Returns an error unless TLI_PUBLIC_URL is set. Invitation emails link to the
/// server, and a command's own default address would name the wrong one.
fn require_public_url(config: &Config) -> Result<(), String> {
    match config.public_url {
        Some(_) => Ok(()),
        None => Err("invitation links need TLI_PUBLIC_URL: set it to the address people use to reach TLI Hub, such as https://tli.example.org or http://127.0.0.1:3000.".into()),
    }
}

async fn run(command: Command, config: Config) -> Result<(), String> {
    if let Command::Seed { demo: false } = command {
        return Err(
            "seed needs --demo, the only data set there is: run `tli-hub seed --demo`.".into(),
        );
    }

    // Backup reads the database as it is, and restore replaces it, so neither
    // migrates first.
    match &command {
        Command::Backup { dir } => {
            let manifest = backup::backup(&config, dir).await?;
            println!(
                "Backed up {} tables ({} rows), {} files and {} signing keys to {}.",
                manifest.tables.len(),
                manifest.tables.values().sum::<u64>(),
                manifest.files.len(),
                manifest.keys.len(),
                dir.display()
            );
            return Ok(());
        }
        Command::Restore {
            dir,
            check_only: true,
            ..
        } => {
            let manifest = backup::check(dir).await?;
            println!(
                "The backup of {} is complete: the database copy and {} files match the manifest.",
                manifest.created_at,
                manifest.files.len()
            );
            return Ok(());
        }
        Command::Restore { dir, replace, .. } => {
            let manifest = backup::restore(&config, dir, *replace).await?;
            println!(
                "Restored the backup of {}: {} tables ({} rows) and {} files. Start the server now.",
                manifest.created_at,
                manifest.tables.len(),
                manifest.tables.values().sum::<u64>(),
                manifest.files.len()
            );
            return Ok(());
        }
        _ => {}
    }

    db::prepare_data_dir(&config.data_dir).map_err(|error| error.to_string())?;
    let connection = db::connect(&config)
        .await
        .map_err(|error| error.to_string())?;
    db::migrate(&connection, &config)
        .await
        .map_err(|error| error.to_string())?;

    match command {
        Command::Migrate => {
            tracing::info!(database = %config.database, "migrations applied");
            Ok(())
        }
        Command::Seed { .. } => {
            let report = seed::seed_demo(&connection)
                .await
                .map_err(|error| format!("seeding the demo data failed: {error}"))?;
            tracing::info!(
                cohorts.created = report.cohorts_created,
                users.created = report.users_created,
                "demo data seeded"
            );
            println!(
                "Demo sign-ins, all with the password {}:",
                seed::DEMO_PASSWORD
            );
            for (email, role) in seed::demo_sign_ins() {
                println!("  {email:<32} {role}");
            }
            Ok(())
        }
        Command::CreateAdmin { email, name } => {
            let state = server::app_state(&config, connection, config.bind)?;
            admin_commands::create_admin(&state, &email, &name).await
        }
        Command::Invite {
            email,
            name,
            cohort,
            role,
            admin,
        } => {
            let state = server::app_state(&config, connection, config.bind)?;
            admin_commands::invite(
                &state,
                &email,
                &name,
                cohort.as_deref(),
                role.as_deref(),
                admin,
            )
            .await
        }
        Command::ImportRoster { file, dry_run } => {
            let state = server::app_state(&config, connection, config.bind)?;
            let check_public_url = || require_public_url(&config);
            admin_commands::import_roster(&state, &file, dry_run, check_public_url).await
        }
        Command::SendDigests => {
            let state = server::app_state(&config, connection, config.bind)?;
            let notifier = app::mail::Notifier::of(&state);
            let run = app::notify::store::send_digests(&state.db, &notifier, chrono::Utc::now())
                .await
                .map_err(|error| format!("sending the digests failed: {error}"))?;
            println!(
                "Sent {} digest email(s) listing {} notification(s).",
                run.sent, run.listed
            );
            Ok(())
        }
        Command::RotateSigningKey => {
            let state = server::app_state(&config, connection, config.bind)?;
            let key = state
                .keys
                .rotate(&state.db)
                .await
                .map_err(|error| format!("rotating the signing key failed: {error}"))?;
            app::audit::record_from(
                &state.db,
                app::audit::AuditEvent {
                    actor_user_id: None,
                    action: app::audit_actions::SIGNING_KEY_ROTATED,
                    subject: format!("signing key {}", key.multibase),
                    details: "rotated from the command line".into(),
                },
                None,
            )
            .await
            .map_err(|error| {
                format!("the key was rotated, but the audit log could not record it: {error}")
            })?;
            println!(
                "Credentials are now signed with {}. Earlier keys stay published for verification.",
                key.multibase
            );
            Ok(())
        }
        Command::Backup { .. } | Command::Restore { .. } => {
            unreachable!("backup and restore return before the database is opened")
        }
        Command::Serve => {
            let shutdown = server::shutdown_signal();
            let listener = tokio::net::TcpListener::bind(config.bind).await.map_err(|error| {
                format!(
                    "cannot listen on TLI_BIND={}: {error}. Choose a free port, such as TLI_BIND=127.0.0.1:3001.",
                    config.bind
                )
            })?;
            let addr = listener.local_addr().map_err(|error| error.to_string())?;
            if config.public_url.is_none() && addr.ip().is_unspecified() {
                tracing::warn!(
                    bind = %addr,
                    "TLI_PUBLIC_URL is not set, so links in emails will name {addr}, which people cannot open; set TLI_PUBLIC_URL"
                );
            }
            // Held until the process ends, so that `restore` can tell a server runs.
            let _data_lock = backup::hold_server_lock(&config.data_dir)?;
            let state = server::app_state(&config, connection, addr)?;
            let key =
                state.keys.ensure(&state.db).await.map_err(|error| {
                    format!("the credential signing key cannot be used: {error}")
                })?;
            tracing::info!(key = %key.multibase, "credentials are signed with this key");
            server::spawn_session_cleanup(state.db.clone());
            server::spawn_credential_issuing(state.clone());
            server::spawn_digests(state.clone());
            server::spawn_exports(state.clone(), config.data_dir.join("scratch"));
            server::spawn_startup_sweep(
                state.clone(),
                std::time::Duration::from_secs(config.orphan_grace_minutes * 60),
            );
            tracing::info!(
                url = %format!("http://{addr}"),
                database = %config.database,
                files = %state.files.description,
                "TLI Hub is listening"
            );
            server::serve(listener, state, shutdown)
                .await
                .map_err(|error| format!("the server stopped with an error: {error}"))?;
            tracing::info!("TLI Hub stopped");
            Ok(())
        }
    }
}
