//! `tli-hub backup DIR` and `tli-hub restore DIR`.
//!
//! A backup folder contains a consistent copy of the database, every stored file that
//! the copy refers to, the credential signing keys, and `manifest.json` with the row
//! count of every table and the SHA-256 of every file. The manifest is written last,
//! so a folder without one is an unfinished backup.
//!
//! - SQLite: `VACUUM INTO` writes a snapshot of the live database while the server
//!   runs, never a copy of the database file itself.
//! - PostgreSQL: a read-only repeatable-read transaction exports its snapshot, and
//!   `pg_dump --snapshot` dumps exactly that state, so the counts and the file list
//!   read in the transaction match the dump.
//!
//! Stored files are named by their content's SHA-256 and never change, so copying
//! them after the snapshot is consistent: every file the snapshot refers to exists,
//! unless a deletion removed it in between, which fails the backup with a message.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use futures_util::StreamExt;
use sea_orm::{
    AccessMode, ConnectionTrait, Database, DatabaseConnection, DbBackend, IsolationLevel,
    Statement, TransactionTrait,
};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use tokio::io::AsyncWriteExt;

use crate::config::{Config, DatabaseUrl};

/// The manifest's format; a restore rejects other versions.
pub const FORMAT: u32 = 1;
const MANIFEST: &str = "manifest.json";
const SQLITE_FILE: &str = "database.sqlite3";
const POSTGRES_FILE: &str = "database.pgdump";

/// The contents of a backup, with counts and checksums.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    pub format: u32,
    pub created_at: String,
    pub tli_hub_version: String,
    /// `sqlite` or `postgresql`.
    pub database: String,
    pub database_file: String,
    pub database_sha256: String,
    /// Rows per table at the moment of the snapshot.
    pub tables: BTreeMap<String, u64>,
    pub files: Vec<FileEntry>,
    /// The private key files, named `{multibase}.key`.
    pub keys: Vec<KeyEntry>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileEntry {
    pub sha256: String,
    pub size: u64,
}

/// A copied key file with its checksum.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyEntry {
    pub name: String,
    pub sha256: String,
}

/// Prints progress lines to standard error at most once a second, and at the end.
struct Progress {
    last: Instant,
}

impl Progress {
    fn new() -> Self {
        Progress {
            last: Instant::now(),
        }
    }

    fn report(&mut self, done: usize, total: usize, bytes: u64, verb: &str) {
        if done == total || self.last.elapsed().as_secs() >= 1 {
            self.last = Instant::now();
            eprintln!(
                "{verb} files: {done} of {total} ({})",
                app::portfolio::size_text(bytes)
            );
        }
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

fn io_error(action: &str, path: &Path, error: std::io::Error) -> String {
    format!("{action} {} failed: {error}", path.display())
}

/// Writes a backup of the configured database, files and keys into `dir`, which must
/// be missing or empty.
pub async fn backup(config: &Config, dir: &Path) -> Result<Manifest, String> {
    prepare_empty_dir(dir)?;
    let db = crate::db::connect(config)
        .await
        .map_err(|error| error.to_string())?;
    let state = crate::app_state(config, db.clone(), config.bind)?;

    eprintln!("Copying the database…");
    let (database_file, tables, referenced) = match &config.database {
        DatabaseUrl::Sqlite(_) => sqlite_snapshot(&db, dir).await?,
        DatabaseUrl::Postgres(url) => postgres_snapshot(&db, url, dir).await?,
    };
    let database_sha256 = file_sha256(&dir.join(&database_file)).await?;

    let files_dir = dir.join("files");
    let mut entries = Vec::new();
    let mut progress = Progress::new();
    let mut bytes = 0;
    let total = referenced.len();
    for (index, sha256) in referenced.iter().enumerate() {
        let size = copy_out(&state.files, sha256, &files_dir).await?;
        bytes += size;
        entries.push(FileEntry {
            sha256: sha256.clone(),
            size,
        });
        progress.report(index + 1, total, bytes, "Copied");
    }

    let keys = copy_keys(&config.keys_dir, &dir.join("keys"))?;
    let manifest = Manifest {
        format: FORMAT,
        created_at: chrono::Utc::now().to_rfc3339(),
        tli_hub_version: env!("CARGO_PKG_VERSION").to_owned(),
        database: match config.database {
            DatabaseUrl::Sqlite(_) => "sqlite".into(),
            DatabaseUrl::Postgres(_) => "postgresql".into(),
        },
        database_file,
        database_sha256,
        tables,
        files: entries,
        keys,
    };
    let text = serde_json::to_vec_pretty(&manifest).map_err(|error| error.to_string())?;
    write_synced(&dir.join(MANIFEST), &text)?;
    set_owner_only(&dir.join(MANIFEST))?;
    db.close().await.ok();
    Ok(manifest)
}

fn prepare_empty_dir(dir: &Path) -> Result<(), String> {
    if dir.exists() {
        let mut listing =
            std::fs::read_dir(dir).map_err(|error| io_error("reading", dir, error))?;
        if listing.next().is_some() {
            return Err(format!(
                "{} is not empty. Back up into a new or empty folder, so that no earlier backup is mixed in.",
                dir.display()
            ));
        }
    }
    std::fs::create_dir_all(dir).map_err(|error| io_error("creating", dir, error))?;
    set_owner_only(dir)?;
    Ok(())
}

#[cfg(unix)]
fn set_owner_only(path: &Path) -> Result<(), String> {
    use std::os::unix::fs::PermissionsExt;
    let mode = if path.is_dir() { 0o700 } else { 0o600 };
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
        .map_err(|error| io_error("restricting access to", path, error))
}

#[cfg(not(unix))]
fn set_owner_only(_path: &Path) -> Result<(), String> {
    Ok(())
}

fn write_synced(path: &Path, content: &[u8]) -> Result<(), String> {
    use std::io::Write;
    let mut file =
        std::fs::File::create(path).map_err(|error| io_error("creating", path, error))?;
    file.write_all(content)
        .and_then(|()| file.sync_all())
        .map_err(|error| io_error("writing", path, error))
}

/// Row counts of every table, read with `db`, which may be inside a transaction.
async fn table_counts(
    db: &impl ConnectionTrait,
    backend: DbBackend,
) -> Result<BTreeMap<String, u64>, String> {
    let list = match backend {
        DbBackend::Sqlite => {
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        }
        _ => {
            "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name"
        }
    };
    let rows = db
        .query_all_raw(Statement::from_string(backend, list))
        .await
        .map_err(|error| format!("listing tables failed: {error}"))?;
    let mut counts = BTreeMap::new();
    for row in rows {
        let name: String = row
            .try_get("", "name")
            .map_err(|error| format!("reading a table name failed: {error}"))?;
        let quoted = format!("\"{}\"", name.replace('"', "\"\""));
        let count_row = db
            .query_one_raw(Statement::from_string(
                backend,
                format!("SELECT COUNT(*) AS n FROM {quoted}"),
            ))
            .await
            .map_err(|error| format!("counting the rows of {name} failed: {error}"))?;
        let count: i64 = count_row
            .map(|row| row.try_get("", "n"))
            .transpose()
            .map_err(|error| format!("counting the rows of {name} failed: {error}"))?
            .unwrap_or(0);
        counts.insert(name, u64::try_from(count).unwrap_or(0));
    }
    Ok(counts)
}

/// Lists the SHA-256 of every stored file the database refers to, sorted.
async fn referenced_files(
    db: &impl ConnectionTrait,
    backend: DbBackend,
) -> Result<Vec<String>, String> {
    let rows = db
        .query_all_raw(Statement::from_string(
            backend,
            "SELECT file_sha256 AS sha FROM evidence_items WHERE file_sha256 IS NOT NULL \
             UNION SELECT file_key AS sha FROM module_materials WHERE file_key IS NOT NULL",
        ))
        .await
        .map_err(|error| format!("listing stored files failed: {error}"))?;
    let mut hashes = rows
        .into_iter()
        .map(|row| row.try_get::<String>("", "sha"))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|error| format!("listing stored files failed: {error}"))?;
    hashes.sort();
    hashes.dedup();
    Ok(hashes)
}

type Snapshot = (String, BTreeMap<String, u64>, Vec<String>);

async fn sqlite_snapshot(db: &DatabaseConnection, dir: &Path) -> Result<Snapshot, String> {
    let target = dir.join(SQLITE_FILE);
    let quoted = target.display().to_string().replace('\'', "''");
    db.execute_unprepared(&format!("VACUUM INTO '{quoted}'"))
        .await
        .map_err(|error| format!("copying the database with VACUUM INTO failed: {error}"))?;
    set_owner_only(&target)?;
    let snapshot = Database::connect(format!("sqlite://{}?mode=ro", target.display()))
        .await
        .map_err(|error| format!("opening the copied database failed: {error}"))?;
    let tables = table_counts(&snapshot, DbBackend::Sqlite).await?;
    let referenced = referenced_files(&snapshot, DbBackend::Sqlite).await?;
    snapshot.close().await.ok();
    Ok((SQLITE_FILE.to_owned(), tables, referenced))
}

async fn postgres_snapshot(
    db: &DatabaseConnection,
    url: &str,
    dir: &Path,
) -> Result<Snapshot, String> {
    let txn = db
        .begin_with_config(
            Some(IsolationLevel::RepeatableRead),
            Some(AccessMode::ReadOnly),
        )
        .await
        .map_err(|error| format!("starting the snapshot transaction failed: {error}"))?;
    let row = txn
        .query_one_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT pg_export_snapshot() AS id",
        ))
        .await
        .map_err(|error| format!("exporting the snapshot failed: {error}"))?
        .ok_or("PostgreSQL returned no snapshot id")?;
    let snapshot: String = row
        .try_get("", "id")
        .map_err(|error| format!("reading the snapshot id failed: {error}"))?;
    let tables = table_counts(&txn, DbBackend::Postgres).await?;
    let referenced = referenced_files(&txn, DbBackend::Postgres).await?;

    let target = dir.join(POSTGRES_FILE);
    let output = tokio::process::Command::new(pg_tool("pg_dump"))
        .arg("--format=custom")
        .arg("--no-owner")
        .arg("--no-privileges")
        .arg(format!("--snapshot={snapshot}"))
        .arg(format!("--file={}", target.display()))
        .arg(format!("--dbname={url}"))
        .output()
        .await
        .map_err(|error| missing_tool("pg_dump", &error))?;
    txn.commit().await.ok();
    if !output.status.success() {
        return Err(format!(
            "pg_dump failed: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    set_owner_only(&target)?;
    Ok((POSTGRES_FILE.to_owned(), tables, referenced))
}

/// Returns the path of the PostgreSQL client program `name`, in `TLI_PG_BIN_DIR` when set.
fn pg_tool(name: &str) -> PathBuf {
    match std::env::var_os("TLI_PG_BIN_DIR") {
        Some(dir) => PathBuf::from(dir).join(name),
        None => PathBuf::from(name),
    }
}

fn missing_tool(name: &str, error: &std::io::Error) -> String {
    format!(
        "cannot run {name}: {error}. Install the PostgreSQL client programs of the server's major version (Debian: postgresql-client), or set TLI_PG_BIN_DIR to the folder that holds them."
    )
}

/// Copies one stored file into `files_dir`, checking its content against its name.
async fn copy_out(
    files: &app::storage::FileStorage,
    sha256: &str,
    files_dir: &Path,
) -> Result<u64, String> {
    let shard = files_dir.join(sha256.get(..2).unwrap_or("00"));
    std::fs::create_dir_all(&shard).map_err(|error| io_error("creating", &shard, error))?;
    set_owner_only(files_dir)?;
    set_owner_only(&shard)?;
    let target = shard.join(sha256);
    let mut stream = files.read(sha256).await.map_err(|error| match error {
        object_store::Error::NotFound { .. } => format!(
            "the stored file {sha256} is missing: the database refers to it, so it was removed while the backup ran or is lost. Run the backup again; if it fails again, restore the file from an earlier backup."
        ),
        other => format!("reading the stored file {sha256} failed: {other}"),
    })?;
    let mut out = tokio::fs::File::create(&target)
        .await
        .map_err(|error| io_error("creating", &target, error))?;
    let mut hasher = Sha256::new();
    let mut size = 0u64;
    while let Some(chunk) = stream.next().await {
        let chunk =
            chunk.map_err(|error| format!("reading the stored file {sha256} failed: {error}"))?;
        hasher.update(&chunk);
        size += chunk.len() as u64;
        out.write_all(&chunk)
            .await
            .map_err(|error| io_error("writing", &target, error))?;
    }
    out.sync_all()
        .await
        .map_err(|error| io_error("writing", &target, error))?;
    set_owner_only(&target)?;
    let actual = hex(&hasher.finalize());
    if actual != sha256 {
        return Err(format!(
            "the stored file {sha256} is damaged: its content's SHA-256 is {actual}. Restore it from an earlier backup."
        ));
    }
    Ok(size)
}

fn copy_keys(from: &Path, to: &Path) -> Result<Vec<KeyEntry>, String> {
    let mut keys = Vec::new();
    let Ok(listing) = std::fs::read_dir(from) else {
        return Ok(keys);
    };
    std::fs::create_dir_all(to).map_err(|error| io_error("creating", to, error))?;
    set_owner_only(to)?;
    for entry in listing {
        let entry = entry.map_err(|error| io_error("reading", from, error))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if !name.ends_with(".key") {
            continue;
        }
        let content = std::fs::read(entry.path())
            .map_err(|error| io_error("reading", &entry.path(), error))?;
        let target = to.join(&name);
        write_synced(&target, &content)?;
        set_owner_only(&target)?;
        keys.push(KeyEntry {
            name,
            sha256: hex(&Sha256::digest(&content)),
        });
    }
    keys.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(keys)
}

async fn file_sha256(path: &Path) -> Result<String, String> {
    use tokio::io::AsyncReadExt;
    let mut file = tokio::fs::File::open(path)
        .await
        .map_err(|error| io_error("opening", path, error))?;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; 1024 * 1024];
    loop {
        let read = file
            .read(&mut buffer)
            .await
            .map_err(|error| io_error("reading", path, error))?;
        if read == 0 {
            break;
        }
        hasher.update(&buffer[..read]);
    }
    Ok(hex(&hasher.finalize()))
}

/// Reads and checks a backup folder: the manifest's format, the database copy's
/// checksum, and every file's content against its SHA-256. Changes nothing.
pub async fn check(dir: &Path) -> Result<Manifest, String> {
    let path = dir.join(MANIFEST);
    let text = std::fs::read(&path).map_err(|error| {
        format!(
            "{} has no readable manifest.json ({error}): it is not a TLI Hub backup, or the backup did not finish.",
            dir.display()
        )
    })?;
    let manifest: Manifest = serde_json::from_slice(&text)
        .map_err(|error| format!("{} is not a valid backup manifest: {error}", path.display()))?;
    if manifest.format != FORMAT {
        return Err(format!(
            "the backup has format {}, and this version of TLI Hub restores format {FORMAT}. Restore it with the version that made it ({}).",
            manifest.format, manifest.tli_hub_version
        ));
    }
    if manifest.database_file.contains(['/', '\\']) || manifest.database_file.starts_with('.') {
        return Err("the manifest names a database file outside the backup folder".into());
    }
    let database = dir.join(&manifest.database_file);
    let actual = file_sha256(&database).await?;
    if actual != manifest.database_sha256 {
        return Err(format!(
            "the database copy {} is damaged: its SHA-256 is {actual}, and the manifest records {}. Use another backup.",
            database.display(),
            manifest.database_sha256
        ));
    }
    let mut progress = Progress::new();
    let mut bytes = 0;
    for (index, entry) in manifest.files.iter().enumerate() {
        if entry.sha256.len() != 64 || !entry.sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(format!(
                "the manifest lists an invalid file name {:?}",
                entry.sha256
            ));
        }
        let path = backup_file(dir, &entry.sha256);
        let actual = file_sha256(&path).await?;
        if actual != entry.sha256 {
            return Err(format!(
                "the backed-up file {} is damaged: its SHA-256 is {actual}. Use another backup.",
                path.display()
            ));
        }
        bytes += entry.size;
        progress.report(index + 1, manifest.files.len(), bytes, "Checked");
    }
    for key in &manifest.keys {
        if key.name.contains(['/', '\\']) || !key.name.ends_with(".key") {
            return Err(format!(
                "the manifest lists an invalid key file name {:?}",
                key.name
            ));
        }
        let path = dir.join("keys").join(&key.name);
        if !path.is_file() {
            return Err(format!(
                "the key file {} is missing from the backup",
                path.display()
            ));
        }
        if file_sha256(&path).await? != key.sha256 {
            return Err(format!(
                "the key file {} is damaged: its SHA-256 differs from the manifest's. Use another backup.",
                path.display()
            ));
        }
    }
    Ok(manifest)
}

fn backup_file(dir: &Path, sha256: &str) -> PathBuf {
    dir.join("files").join(&sha256[..2]).join(sha256)
}

/// Restores a backup into the configured database, file storage and key folder.
/// The server must be stopped. A database that already contains people is replaced
/// only with `replace`, and on SQLite the old file is then kept beside the new one.
pub async fn restore(config: &Config, dir: &Path, replace: bool) -> Result<Manifest, String> {
    let manifest = check(dir).await?;
    let expected_backend = match config.database {
        DatabaseUrl::Sqlite(_) => "sqlite",
        DatabaseUrl::Postgres(_) => "postgresql",
    };
    if manifest.database != expected_backend {
        return Err(format!(
            "the backup holds a {} database, but DATABASE_URL names {expected_backend}. Restore into the same kind of database; to move between them, restore first and then copy the data.",
            manifest.database
        ));
    }
    check_keys_fit(dir, &manifest, &config.keys_dir)?;
    crate::db::prepare_data_dir(&config.data_dir).map_err(|error| error.to_string())?;
    let _lock = lock_out_servers(config).await?;

    // Nothing changes until the target is known to be empty, or the current data is
    // backed up in full, so that a rejected or failed restore loses nothing.
    let people = people_in_target(config).await?;
    if people > 0 {
        if !replace {
            return Err(format!(
                "the database already holds {people} people, so nothing was changed. Stop the servers, then run the restore again with --replace; the current data is backed up first."
            ));
        }
        let previous = config.data_dir.join(format!(
            "before-restore-{}",
            chrono::Utc::now().format("%Y%m%dT%H%M%SZ")
        ));
        eprintln!(
            "Backing up the current data to {} first…",
            previous.display()
        );
        backup(config, &previous).await.map_err(|error| {
            format!("backing up the current data before the restore failed, so nothing was changed: {error}")
        })?;
        eprintln!(
            "The current data is backed up in {}; to go back, run `tli-hub restore {} --replace`.",
            previous.display(),
            previous.display()
        );
    }

    // Files and keys first: if the database step fails, the old database still works,
    // and the extra files are removed by the next startup sweep.
    let files = match &config.storage_url {
        Some(url) => app::storage::FileStorage::s3(url),
        None => app::storage::FileStorage::local(&config.data_dir.join("files")),
    }
    .map_err(|error| format!("cannot store uploaded files: {error}"))?;
    let mut progress = Progress::new();
    let mut bytes = 0;
    for (index, entry) in manifest.files.iter().enumerate() {
        restore_file(&files, dir, entry).await?;
        bytes += entry.size;
        progress.report(index + 1, manifest.files.len(), bytes, "Restored");
    }
    restore_keys(dir, &manifest, &config.keys_dir)?;

    match &config.database {
        DatabaseUrl::Sqlite(path) => restore_sqlite(dir, &manifest, path)?,
        DatabaseUrl::Postgres(url) => restore_postgres(dir, &manifest, url).await?,
    }

    // Brings an older backup up to this version's schema, then checks the counts.
    let db = crate::db::connect(config)
        .await
        .map_err(|error| error.to_string())?;
    crate::db::migrate(&db, config)
        .await
        .map_err(|error| error.to_string())?;
    let counts = table_counts(&db, db.get_database_backend()).await?;
    for (table, expected) in &manifest.tables {
        if table == "seaql_migrations" || table == "exports" {
            continue;
        }
        let actual = counts.get(table).copied().unwrap_or(0);
        if actual != *expected {
            return Err(format!(
                "after the restore, table {table} has {actual} rows where the backup has {expected}. Check the database and restore again."
            ));
        }
    }
    // Export archives are not part of a backup, so their rows would offer downloads
    // that no longer exist.
    db.execute_unprepared("DELETE FROM exports")
        .await
        .map_err(|error| format!("removing the restored export list failed: {error}"))?;
    app::audit::record_from(
        &db,
        app::audit::AuditEvent {
            actor_user_id: None,
            action: app::audit_actions::BACKUP_RESTORED,
            subject: format!("backup of {}", manifest.created_at),
            details: format!(
                "{} tables, {} files, restored from the command line",
                manifest.tables.len(),
                manifest.files.len()
            ),
        },
        None,
    )
    .await
    .map_err(|error| {
        format!("the backup was restored, but the audit log could not record it: {error}")
    })?;
    db.close().await.ok();
    Ok(manifest)
}

/// Rejects a restore that would overwrite a different private key of the same name.
fn check_keys_fit(dir: &Path, manifest: &Manifest, keys_dir: &Path) -> Result<(), String> {
    for key in &manifest.keys {
        let key = &key.name;
        let existing = keys_dir.join(key);
        if existing.exists() {
            let ours =
                std::fs::read(&existing).map_err(|error| io_error("reading", &existing, error))?;
            let theirs = std::fs::read(dir.join("keys").join(key))
                .map_err(|error| io_error("reading", &dir.join("keys").join(key), error))?;
            if ours != theirs {
                return Err(format!(
                    "{} already exists with different content. Move it aside before restoring; it signs credentials.",
                    existing.display()
                ));
            }
        }
    }
    Ok(())
}

fn restore_keys(dir: &Path, manifest: &Manifest, keys_dir: &Path) -> Result<(), String> {
    if manifest.keys.is_empty() {
        return Ok(());
    }
    std::fs::create_dir_all(keys_dir).map_err(|error| io_error("creating", keys_dir, error))?;
    set_owner_only(keys_dir)?;
    for key in &manifest.keys {
        let key = &key.name;
        let target = keys_dir.join(key);
        if target.exists() {
            continue;
        }
        std::fs::copy(dir.join("keys").join(key), &target)
            .map_err(|error| io_error("copying", &target, error))?;
        set_owner_only(&target)?;
    }
    Ok(())
}

async fn restore_file(
    files: &app::storage::FileStorage,
    dir: &Path,
    entry: &FileEntry,
) -> Result<(), String> {
    if files
        .contains(&entry.sha256)
        .await
        .map_err(|error| format!("checking the stored file {} failed: {error}", entry.sha256))?
    {
        return Ok(());
    }
    let path = backup_file(dir, &entry.sha256);
    let file = tokio::fs::File::open(&path)
        .await
        .map_err(|error| io_error("opening", &path, error))?;
    let stream = file_chunks(file);
    let stored = files
        .store(Box::pin(stream), u64::MAX)
        .await
        .map_err(|error| format!("storing {} failed: {error}", path.display()))?;
    if stored.sha256 != entry.sha256 {
        return Err(format!(
            "{} changed while it was restored; run the restore again",
            path.display()
        ));
    }
    Ok(())
}

/// Reads a file as a stream of 1 MiB chunks.
fn file_chunks(
    file: tokio::fs::File,
) -> impl futures_util::Stream<Item = Result<bytes::Bytes, std::io::Error>> {
    futures_util::stream::unfold(file, |mut file| async move {
        use tokio::io::AsyncReadExt;
        let mut buffer = vec![0u8; 1024 * 1024];
        match file.read(&mut buffer).await {
            Ok(0) => None,
            Ok(read) => {
                buffer.truncate(read);
                Some((Ok(bytes::Bytes::from(buffer)), file))
            }
            Err(error) => Some((Err(error), file)),
        }
    })
}

/// Counts the people in the configured database: 0 when it is missing or has no
/// schema yet.
async fn people_in_target(config: &Config) -> Result<i64, String> {
    if let DatabaseUrl::Sqlite(path) = &config.database
        && !path.exists()
    {
        return Ok(0);
    }
    let db = crate::db::connect(config)
        .await
        .map_err(|error| error.to_string())?;
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT COUNT(*) AS n FROM users",
        ))
        .await;
    let people = match row {
        Ok(Some(row)) => row.try_get("", "n").unwrap_or(0),
        _ => 0,
    };
    if let DatabaseUrl::Sqlite(_) = config.database {
        // Folds the write-ahead log into the file before the file is replaced.
        db.execute_unprepared("PRAGMA wal_checkpoint(TRUNCATE)")
            .await
            .map_err(|error| format!("checkpointing the current database failed: {error}"))?;
    }
    db.close().await.ok();
    Ok(people)
}

/// The file that every server on an SQLite data folder holds a shared lock on.
pub const LOCK_FILE: &str = "tli-hub.lock";

fn open_lock_file(data_dir: &Path) -> Result<std::fs::File, String> {
    let path = data_dir.join(LOCK_FILE);
    std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|error| io_error("opening", &path, error))
}

/// Takes a shared lock on the data folder for as long as the returned file is open,
/// so that a restore can tell that a server runs. Several servers may share it.
pub fn hold_server_lock(data_dir: &Path) -> Result<std::fs::File, String> {
    let file = open_lock_file(data_dir)?;
    match file.try_lock_shared() {
        Ok(()) => Ok(file),
        Err(std::fs::TryLockError::WouldBlock) => Err(format!(
            "a restore is running on {}; start the server once it has finished",
            data_dir.display()
        )),
        Err(std::fs::TryLockError::Error(error)) => {
            Err(io_error("locking", &data_dir.join(LOCK_FILE), error))
        }
    }
}

/// Makes sure no server uses the data while it is replaced. On SQLite the restore
/// takes the data folder's lock exclusively for its whole run. On PostgreSQL any
/// other session on the database means a server, or a person, is still connected.
async fn lock_out_servers(config: &Config) -> Result<Option<std::fs::File>, String> {
    match &config.database {
        DatabaseUrl::Sqlite(_) => {
            let file = open_lock_file(&config.data_dir)?;
            match file.try_lock() {
                Ok(()) => Ok(Some(file)),
                Err(std::fs::TryLockError::WouldBlock) => Err(format!(
                    "a TLI Hub server is running on {}, so nothing was changed. Stop it, then run the restore again.",
                    config.data_dir.display()
                )),
                Err(std::fs::TryLockError::Error(error)) => {
                    Err(io_error("locking", &config.data_dir.join(LOCK_FILE), error))
                }
            }
        }
        DatabaseUrl::Postgres(_) => {
            let db = crate::db::connect(config)
                .await
                .map_err(|error| error.to_string())?;
            let row = db
                .query_one_raw(Statement::from_string(
                    DbBackend::Postgres,
                    "SELECT COUNT(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()",
                ))
                .await
                .map_err(|error| format!("checking for other connections failed: {error}"))?;
            db.close().await.ok();
            let others: i64 = row.and_then(|row| row.try_get("", "n").ok()).unwrap_or(0);
            if others > 0 {
                return Err(format!(
                    "{others} other connection(s) use this database, so nothing was changed. Stop every TLI Hub server that uses it, then run the restore again."
                ));
            }
            Ok(None)
        }
    }
}

/// Replaces the SQLite file with the backup's copy. The caller has checked that no
/// server uses it and backed up what it held.
fn restore_sqlite(dir: &Path, manifest: &Manifest, path: &Path) -> Result<(), String> {
    let staging = path.with_extension("restoring");
    std::fs::copy(dir.join(&manifest.database_file), &staging)
        .map_err(|error| io_error("copying the database to", &staging, error))?;
    std::fs::File::open(&staging)
        .and_then(|file| file.sync_all())
        .map_err(|error| io_error("writing", &staging, error))?;
    for suffix in ["-wal", "-shm"] {
        let mut side = path.as_os_str().to_owned();
        side.push(suffix);
        let side = PathBuf::from(side);
        if side.exists() {
            std::fs::remove_file(&side).map_err(|error| io_error("removing", &side, error))?;
        }
    }
    std::fs::rename(&staging, path).map_err(|error| io_error("moving into place", path, error))?;
    Ok(())
}

async fn restore_postgres(dir: &Path, manifest: &Manifest, url: &str) -> Result<(), String> {
    let output = tokio::process::Command::new(pg_tool("pg_restore"))
        .arg("--clean")
        .arg("--if-exists")
        .arg("--no-owner")
        .arg("--no-privileges")
        .arg("--single-transaction")
        .arg("--exit-on-error")
        .arg(format!("--dbname={url}"))
        .arg(dir.join(&manifest.database_file))
        .output()
        .await
        .map_err(|error| missing_tool("pg_restore", &error))?;
    if !output.status.success() {
        return Err(format!(
            "pg_restore failed, and the database is unchanged: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    Ok(())
}
