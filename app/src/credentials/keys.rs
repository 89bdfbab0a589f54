//! The Ed25519 keys that sign credentials. Each private key is a file in the key
//! directory, readable only by the server's user and named after its public key.
//! The public halves are rows of `signing_keys`, so every server and verifier can
//! check what any key signed. The newest key that is not retired signs.

use std::collections::HashMap;
use std::io::Write;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use chrono::Utc;
use ed25519_dalek::SigningKey;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder,
    Set,
};

use super::proof::public_key_multibase;
use crate::entities::signing_keys;

/// Failure to use the signing key.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error(
        "the signing key {key} is published but its private key is not in {dir}; copy {key}.key from the server that created it into {dir}, or set TLI_KEYS_DIR to the folder the servers share"
    )]
    Missing { key: String, dir: String },
    #[error(
        "the key folder {dir} cannot be used: {cause}. Make it a folder this server's user can create and write, or set TLI_KEYS_DIR."
    )]
    Folder { dir: String, cause: std::io::Error },
    #[error("the key file {file} is not a hex-encoded Ed25519 key")]
    Malformed { file: String },
    #[error(transparent)]
    Db(#[from] DbErr),
}

/// The key that signs now.
#[derive(Clone)]
pub struct ActiveKey {
    pub id: i32,
    pub multibase: String,
    pub key: SigningKey,
}

/// The key directory, with the private keys read so far.
#[derive(Clone)]
pub struct KeyRing {
    dir: PathBuf,
    loaded: Arc<Mutex<HashMap<String, SigningKey>>>,
}

impl std::fmt::Debug for KeyRing {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("KeyRing")
            .field("dir", &self.dir)
            .finish()
    }
}

impl KeyRing {
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Self {
            dir: dir.into(),
            loaded: Arc::default(),
        }
    }

    fn folder_error(&self, cause: std::io::Error) -> KeyError {
        KeyError::Folder {
            dir: self.dir.display().to_string(),
            cause,
        }
    }

    fn file(&self, multibase: &str) -> PathBuf {
        self.dir.join(format!("{multibase}.key"))
    }

    /// Makes sure a signing key exists, creating the first one. Run at start-up.
    pub async fn ensure(&self, db: &DatabaseConnection) -> Result<ActiveKey, KeyError> {
        match self.active(db).await {
            Err(KeyError::Db(DbErr::RecordNotFound(_))) => self.create(db).await,
            other => other,
        }
    }

    /// Returns the key that signs now: the newest published key that is not retired.
    pub async fn active(&self, db: &DatabaseConnection) -> Result<ActiveKey, KeyError> {
        let row = signing_keys::Entity::find()
            .filter(signing_keys::Column::RetiredAt.is_null())
            .order_by_desc(signing_keys::Column::Id)
            .one(db)
            .await?
            .ok_or_else(|| DbErr::RecordNotFound("no signing key".into()))?;
        let key = self.private(&row.public_key_multibase)?;
        Ok(ActiveKey {
            id: row.id,
            multibase: row.public_key_multibase,
            key,
        })
    }

    fn private(&self, multibase: &str) -> Result<SigningKey, KeyError> {
        if let Some(key) = self
            .loaded
            .lock()
            .ok()
            .and_then(|keys| keys.get(multibase).cloned())
        {
            return Ok(key);
        }
        let file = self.file(multibase);
        let text = match std::fs::read_to_string(&file) {
            Ok(text) => text,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                return Err(KeyError::Missing {
                    key: multibase.to_owned(),
                    dir: self.dir.display().to_string(),
                });
            }
            Err(error) => return Err(self.folder_error(error)),
        };
        let key = parse_seed(text.trim())
            .map(|seed| SigningKey::from_bytes(&seed))
            .filter(|key| public_key_multibase(&key.verifying_key()) == multibase)
            .ok_or_else(|| KeyError::Malformed {
                file: file.display().to_string(),
            })?;
        if let Ok(mut keys) = self.loaded.lock() {
            keys.insert(multibase.to_owned(), key.clone());
        }
        Ok(key)
    }

    /// Creates a key, writes its private half, publishes its public half and makes it
    /// the signing key. Earlier keys are retired but stay published.
    pub async fn rotate(&self, db: &DatabaseConnection) -> Result<ActiveKey, KeyError> {
        let created = self.create(db).await?;
        signing_keys::Entity::update_many()
            .col_expr(signing_keys::Column::RetiredAt, Expr::value(Utc::now()))
            .filter(signing_keys::Column::RetiredAt.is_null())
            .filter(signing_keys::Column::Id.ne(created.id))
            .exec(db)
            .await?;
        Ok(created)
    }

    async fn create(&self, db: &DatabaseConnection) -> Result<ActiveKey, KeyError> {
        let key = SigningKey::from_bytes(&rand::random::<[u8; 32]>());
        let multibase = public_key_multibase(&key.verifying_key());
        write_private(&self.dir, &self.file(&multibase), &key)
            .map_err(|cause| self.folder_error(cause))?;
        let row = signing_keys::ActiveModel {
            public_key_multibase: Set(multibase.clone()),
            created_at: Set(Utc::now()),
            retired_at: Set(None),
            ..Default::default()
        }
        .insert(db)
        .await?;
        if let Ok(mut keys) = self.loaded.lock() {
            keys.insert(multibase.clone(), key.clone());
        }
        Ok(ActiveKey {
            id: row.id,
            multibase,
            key,
        })
    }
}

fn parse_seed(text: &str) -> Option<[u8; 32]> {
    if text.len() != 64 || !text.bytes().all(|byte| byte.is_ascii_hexdigit()) {
        return None;
    }
    let mut seed = [0u8; 32];
    for (at, byte) in seed.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&text[at * 2..at * 2 + 2], 16).ok()?;
    }
    Some(seed)
}

/// Writes the key's seed in hex to a new file that only the owner can read, in a
/// folder only the owner can enter.
fn write_private(dir: &Path, file: &Path, key: &SigningKey) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
    let hex: String = key
        .to_bytes()
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect();
    let mut out = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(file)?;
    out.write_all(format!("{hex}\n").as_bytes())?;
    out.sync_all()
}

/// Lists every published public key, newest first.
pub async fn published(db: &DatabaseConnection) -> Result<Vec<signing_keys::Model>, DbErr> {
    signing_keys::Entity::find()
        .order_by_desc(signing_keys::Column::Id)
        .all(db)
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeds_parse_only_from_64_hex_digits() {
        let key = SigningKey::from_bytes(&[9; 32]);
        let hex: String = key
            .to_bytes()
            .iter()
            .map(|byte| format!("{byte:02x}"))
            .collect();
        assert_eq!(parse_seed(&hex), Some([9; 32]));
        assert_eq!(parse_seed(&hex[2..]), None);
        assert_eq!(parse_seed(&hex.replace('0', "g")), None);
    }

    #[test]
    fn key_files_owner_only() {
        let dir = std::env::temp_dir().join(format!("tli-keys-{}", rand::random::<u64>()));
        let key = SigningKey::from_bytes(&[4; 32]);
        let file = dir.join("k.key");
        write_private(&dir, &file, &key).unwrap();
        let mode = |path: &Path| std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&file), 0o600);
        assert_eq!(mode(&dir), 0o700);
        assert!(
            write_private(&dir, &file, &key).is_err(),
            "an existing key is never overwritten"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
