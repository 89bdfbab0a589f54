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
    #[error("storage failed: {0}")]
    Storage(#[from] object_store::Error),
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
        })
    }

    /// Uses any object store, such as an in-memory one in tests.
    pub fn from_store(store: Arc<dyn ObjectStore>, description: &str) -> Self {
        FileStorage {
            store,
            description: description.to_owned(),
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
        let mut names = Vec::new();
        let mut listing = self.store.list(Some(&Path::from("incoming")));
        while let Some(meta) = listing.next().await {
            names.push(meta?.location.to_string());
        }
        Ok(names)
    }
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
