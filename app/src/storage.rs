//! Uploaded files, stored by the SHA-256 of their content: on local disk by default, or
//! in S3-compatible object storage, through one interface. Server only.
//!
//! An upload streams into a temporary object while its hash is computed, and stops as
//! soon as it passes the size limit, so a large body is never held in memory. The
//! finished object is then moved to `blobs/<first two hex digits>/<hash>`. Uploading the
//! same content twice keeps one copy.

use std::fmt::Display;
use std::sync::Arc;

use bytes::Bytes;
use futures_util::{Stream, StreamExt};
use object_store::path::Path;
use object_store::{ObjectStore, WriteMultipart};
use sha2::{Digest, Sha256};

/// How many leading bytes of each upload are kept for deciding its type.
pub const SNIFF_BYTES: usize = 64 * 1024;

/// The store that keeps uploaded files.
#[derive(Clone, Debug)]
pub struct FileStorage {
    store: Arc<dyn ObjectStore>,
    /// The store's location, for logs and startup messages.
    pub description: String,
    /// The folder of a local store. A process killed during an upload leaves the
    /// partial file there under a `#N` suffix, which the store's listing hides.
    local_root: Option<std::path::PathBuf>,
}

/// A stored upload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredFile {
    /// Lower-case hex SHA-256 of the content; the file's name in storage.
    pub sha256: String,
    pub size: u64,
    /// The first bytes of the content, at most [`SNIFF_BYTES`].
    pub head: Vec<u8>,
    /// False when the same content was already stored.
    pub newly_stored: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum UploadError {
    #[error("the file is larger than the limit of {limit} bytes")]
    TooLarge { limit: u64 },
    #[error("the file is empty")]
    Empty,
    #[error("the upload was interrupted: {0}")]
    Interrupted(String),
    #[error("the storage is full: {0}")]
    StorageFull(object_store::Error),
    #[error("storage failed: {0}")]
    Storage(object_store::Error),
}

impl From<object_store::Error> for UploadError {
    fn from(error: object_store::Error) -> Self {
        if is_storage_full(&error) {
            UploadError::StorageFull(error)
        } else {
            UploadError::Storage(error)
        }
    }
}

impl FileStorage {
    /// Stores files under `dir` on local disk, creating it when missing.
    pub fn local(dir: &std::path::Path) -> Result<Self, String> {
        std::fs::create_dir_all(dir)
            .map_err(|error| format!("cannot create {}: {error}", dir.display()))?;
        let store = object_store::local::LocalFileSystem::new_with_prefix(dir)
            .map_err(|error| format!("cannot use {}: {error}", dir.display()))?;
        Ok(FileStorage {
            store: Arc::new(store),
            description: format!("local directory {}", dir.display()),
            local_root: Some(dir.to_path_buf()),
        })
    }

    /// Stores files in an S3 bucket, as in `s3://bucket` or `s3://bucket/prefix`.
    /// Credentials, region and endpoint come from the usual `AWS_*` variables, such as
    /// `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_REGION` and `AWS_ENDPOINT` for
    /// S3-compatible services.
    pub fn s3(url: &str) -> Result<Self, String> {
        let parsed =
            url::Url::parse(url).map_err(|error| format!("\"{url}\" is not a URL: {error}"))?;
        if parsed.scheme() != "s3" {
            return Err(format!(
                "\"{url}\" is not an s3:// address; use s3://BUCKET or s3://BUCKET/PREFIX"
            ));
        }
        let bucket = parsed
            .host_str()
            .filter(|bucket| !bucket.is_empty())
            .ok_or_else(|| format!("\"{url}\" names no bucket; use s3://BUCKET"))?;
        let store = object_store::aws::AmazonS3Builder::from_env()
            .with_bucket_name(bucket)
            .build()
            .map_err(|error| format!("cannot use {url}: {error}"))?;
        let prefix = parsed.path().trim_matches('/').to_owned();
        let store: Arc<dyn ObjectStore> = if prefix.is_empty() {
            Arc::new(store)
        } else {
            Arc::new(object_store::prefix::PrefixStore::new(store, prefix))
        };
        Ok(FileStorage {
            store,
            description: format!("S3 bucket {url}"),
            local_root: None,
        })
    }

    /// Uses any object store, such as an in-memory one in tests.
    pub fn from_store(store: Arc<dyn ObjectStore>, description: &str) -> Self {
        FileStorage {
            store,
            description: description.to_owned(),
            local_root: None,
        }
    }

    /// Streams `body` into storage, stopping with [`UploadError::TooLarge`] as soon as
    /// it passes `limit` bytes. Nothing of a failed upload is left behind.
    pub async fn store<S, E>(&self, mut body: S, limit: u64) -> Result<StoredFile, UploadError>
    where
        S: Stream<Item = Result<Bytes, E>> + Unpin,
        E: Display,
    {
        let temporary = Path::from(format!("incoming/{}", random_name()));
        let upload = self.store.put_multipart(&temporary).await?;
        let mut writer = WriteMultipart::new(upload);
        let mut hasher = Sha256::new();
        let mut size: u64 = 0;
        let mut head = Vec::new();
        while let Some(chunk) = body.next().await {
            let chunk = match chunk {
                Ok(chunk) => chunk,
                Err(error) => {
                    writer.abort().await.ok();
                    return Err(UploadError::Interrupted(error.to_string()));
                }
            };
            size += chunk.len() as u64;
            if size > limit {
                writer.abort().await.ok();
                return Err(UploadError::TooLarge { limit });
            }
            if head.len() < SNIFF_BYTES {
                let needed = (SNIFF_BYTES - head.len()).min(chunk.len());
                head.extend_from_slice(&chunk[..needed]);
            }
            hasher.update(&chunk);
            writer.write(&chunk);
            // Bounds the parts in flight, so a slow store never makes the upload pile
            // up in memory, and a failing one (a full disk) stops it at once.
            if let Err(error) = writer.wait_for_capacity(4).await {
                writer.abort().await.ok();
                return Err(error.into());
            }
        }
        if size == 0 {
            writer.abort().await.ok();
            return Err(UploadError::Empty);
        }
        writer.finish().await?;

        let sha256: String = hasher
            .finalize()
            .iter()
            .map(|byte| format!("{byte:02x}"))
            .collect();
        let target = blob_path(&sha256);
        let newly_stored = match self.store.rename_if_not_exists(&temporary, &target).await {
            Ok(()) => true,
            Err(object_store::Error::AlreadyExists { .. }) => {
                self.store.delete(&temporary).await.ok();
                false
            }
            Err(object_store::Error::NotImplemented) => {
                // Some S3-compatible services cannot copy conditionally; the content
                // is the same either way, so an unconditional move is safe.
                self.store.rename(&temporary, &target).await?;
                true
            }
            Err(error) => {
                self.store.delete(&temporary).await.ok();
                return Err(error.into());
            }
        };
        Ok(StoredFile {
            sha256,
            size,
            head,
            newly_stored,
        })
    }

    /// Streams a stored file's content.
    pub async fn read(
        &self,
        sha256: &str,
    ) -> Result<impl Stream<Item = Result<Bytes, object_store::Error>> + use<>, object_store::Error>
    {
        Ok(self.store.get(&blob_path(sha256)).await?.into_stream())
    }

    /// Streams bytes `start..end` of a stored file's content.
    pub async fn read_range(
        &self,
        sha256: &str,
        range: std::ops::Range<u64>,
    ) -> Result<impl Stream<Item = Result<Bytes, object_store::Error>> + use<>, object_store::Error>
    {
        let options = object_store::GetOptions {
            range: Some(object_store::GetRange::Bounded(range)),
            ..Default::default()
        };
        Ok(self
            .store
            .get_opts(&blob_path(sha256), options)
            .await?
            .into_stream())
    }

    /// Reads a whole stored file into memory; for files known to be small.
    pub async fn read_all(&self, sha256: &str) -> Result<Bytes, object_store::Error> {
        self.store.get(&blob_path(sha256)).await?.bytes().await
    }

    /// Returns whether content with this hash is stored.
    pub async fn contains(&self, sha256: &str) -> Result<bool, object_store::Error> {
        match self.store.head(&blob_path(sha256)).await {
            Ok(_) => Ok(true),
            Err(object_store::Error::NotFound { .. }) => Ok(false),
            Err(error) => Err(error),
        }
    }

    /// Removes stored content; removing content that is not there succeeds.
    pub async fn remove(&self, sha256: &str) -> Result<(), object_store::Error> {
        match self.store.delete(&blob_path(sha256)).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(error) => Err(error),
        }
    }

    /// Lists the names of unfinished uploads, for cleaning up after a crash.
    pub async fn unfinished_uploads(&self) -> Result<Vec<String>, object_store::Error> {
        Ok(self
            .list_under("incoming")
            .await?
            .into_iter()
            .map(|entry| entry.name)
            .collect())
    }

    /// Lists unfinished uploads with their last change, for the startup sweep: the
    /// temporary objects of uploads in progress, and on local disk also the partial
    /// files of uploads and exports that a killed process left behind.
    pub async fn unfinished_upload_entries(&self) -> Result<Vec<Entry>, object_store::Error> {
        let mut entries = self.list_under("incoming").await?;
        if let Some(root) = &self.local_root {
            for folder in ["incoming", "exports"] {
                entries.extend(staged_files(root, folder).map_err(|error| {
                    object_store::Error::Generic {
                        store: "local directory",
                        source: Box::new(error),
                    }
                })?);
            }
        }
        Ok(entries)
    }

    /// Removes an unfinished upload named by [`FileStorage::unfinished_upload_entries`].
    pub async fn remove_unfinished(&self, name: &str) -> Result<(), object_store::Error> {
        if let Some(root) = &self.local_root
            && is_staged(name)
        {
            return match std::fs::remove_file(root.join(name)) {
                Ok(()) => Ok(()),
                Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(()),
                Err(error) => Err(object_store::Error::Generic {
                    store: "local directory",
                    source: Box::new(error),
                }),
            };
        }
        match self.store.delete(&Path::from(name)).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(error) => Err(error),
        }
    }

    /// Lists every stored file; each entry's name is the content's SHA-256.
    pub async fn blobs(&self) -> Result<Vec<Entry>, object_store::Error> {
        let mut entries = self.list_under("blobs").await?;
        for entry in &mut entries {
            if let Some((_, sha256)) = entry.name.rsplit_once('/') {
                entry.name = sha256.to_owned();
            }
        }
        Ok(entries)
    }

    /// Copies a local file, such as a finished export archive, into storage under
    /// `name`, streaming it in parts.
    pub async fn put_file(
        &self,
        name: &str,
        source: &std::path::Path,
    ) -> Result<(), object_store::Error> {
        use tokio::io::AsyncReadExt;

        let failed = |error: std::io::Error| object_store::Error::Generic {
            store: "local file",
            source: Box::new(error),
        };
        let mut file = tokio::fs::File::open(source).await.map_err(failed)?;
        let upload = self.store.put_multipart(&Path::from(name)).await?;
        let mut writer = WriteMultipart::new(upload);
        let mut buffer = vec![0u8; 1024 * 1024];
        loop {
            let read = match file.read(&mut buffer).await {
                Ok(read) => read,
                Err(error) => {
                    writer.abort().await.ok();
                    return Err(failed(error));
                }
            };
            if read == 0 {
                break;
            }
            writer.write(&buffer[..read]);
        }
        writer.finish().await.map(|_| ())
    }

    /// Streams a file stored with [`FileStorage::put_file`].
    pub async fn read_named(
        &self,
        name: &str,
    ) -> Result<impl Stream<Item = Result<Bytes, object_store::Error>> + use<>, object_store::Error>
    {
        Ok(self.store.get(&Path::from(name)).await?.into_stream())
    }

    /// Removes a file stored with [`FileStorage::put_file`]; a missing one succeeds.
    pub async fn remove_named(&self, name: &str) -> Result<(), object_store::Error> {
        self.remove_unfinished(name).await
    }

    /// Lists files stored with [`FileStorage::put_file`] under `prefix`.
    pub async fn named_under(&self, prefix: &str) -> Result<Vec<Entry>, object_store::Error> {
        self.list_under(prefix).await
    }

    async fn list_under(&self, prefix: &str) -> Result<Vec<Entry>, object_store::Error> {
        let mut entries = Vec::new();
        let mut listing = self.store.list(Some(&Path::from(prefix)));
        while let Some(meta) = listing.next().await {
            let meta = meta?;
            entries.push(Entry {
                name: meta.location.to_string(),
                size: meta.size,
                modified: meta.last_modified,
            });
        }
        Ok(entries)
    }
}

/// A stored object found by a listing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub name: String,
    pub size: u64,
    pub modified: chrono::DateTime<chrono::Utc>,
}

/// True for the name of a local store's partial file: `name#N` with digits `N`.
fn is_staged(name: &str) -> bool {
    name.rsplit_once('#').is_some_and(|(_, suffix)| {
        !suffix.is_empty() && suffix.bytes().all(|byte| byte.is_ascii_digit())
    })
}

/// Lists the partial files in `root/folder`, named relative to `root`.
fn staged_files(root: &std::path::Path, folder: &str) -> std::io::Result<Vec<Entry>> {
    let listing = match std::fs::read_dir(root.join(folder)) {
        Ok(listing) => listing,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(error) => return Err(error),
    };
    let mut entries = Vec::new();
    for entry in listing {
        let entry = entry?;
        let name = format!("{folder}/{}", entry.file_name().to_string_lossy());
        if !is_staged(&name) {
            continue;
        }
        let metadata = entry.metadata()?;
        entries.push(Entry {
            name,
            size: metadata.len(),
            modified: metadata
                .modified()
                .map(chrono::DateTime::<chrono::Utc>::from)
                .unwrap_or_else(|_| chrono::Utc::now()),
        });
    }
    Ok(entries)
}

/// True when `error` was caused by a full disk or an exhausted quota.
pub fn is_storage_full(error: &(dyn std::error::Error + 'static)) -> bool {
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(current) = cause {
        if let Some(io) = current.downcast_ref::<std::io::Error>()
            && matches!(
                io.kind(),
                std::io::ErrorKind::StorageFull | std::io::ErrorKind::QuotaExceeded
            )
        {
            return true;
        }
        cause = current.source();
    }
    false
}

fn blob_path(sha256: &str) -> Path {
    let shard = sha256.get(..2).unwrap_or("00");
    Path::from(format!("blobs/{shard}/{sha256}"))
}

fn random_name() -> String {
    use rand::Rng;
    let bytes: [u8; 16] = rand::rng().random();
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}
