//! Uploaded-file storage on local disk and on an in-memory object store, which replaces
//! S3 in tests: content addressing, deduplication, the size limit and cleanup.

use std::sync::Arc;

use app::storage::{FileStorage, SNIFF_BYTES, UploadError};
use axum::body::Bytes;
use futures_util::{StreamExt, stream};
use sha2::{Digest, Sha256};

fn chunks(
    parts: &[&'static [u8]],
) -> impl futures_util::Stream<Item = Result<Bytes, String>> + Unpin {
    stream::iter(
        parts
            .iter()
            .map(|part| Ok(Bytes::from_static(part)))
            .collect::<Vec<_>>(),
    )
}

fn hex_sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

async fn read_all(storage: &FileStorage, sha256: &str) -> Vec<u8> {
    let mut content = Vec::new();
    let mut body = storage.read(sha256).await.expect("the file is stored");
    while let Some(chunk) = body.next().await {
        content.extend_from_slice(&chunk.unwrap());
    }
    content
}

async fn storage_behaves(storage: FileStorage) {
    // Content comes back byte for byte under its hash.
    let stored = storage
        .store(chunks(&[b"%PDF-1.7 ", b"evidence ", b"of growth"]), 1024)
        .await
        .unwrap();
    assert_eq!(stored.sha256, hex_sha256(b"%PDF-1.7 evidence of growth"));
    assert_eq!(stored.size, 27);
    assert_eq!(stored.head, b"%PDF-1.7 evidence of growth");
    assert!(stored.newly_stored);
    assert_eq!(
        read_all(&storage, &stored.sha256).await,
        b"%PDF-1.7 evidence of growth"
    );

    // The same content uploaded again is kept once.
    let again = storage
        .store(chunks(&[b"%PDF-1.7 evidence of growth"]), 1024)
        .await
        .unwrap();
    assert_eq!(again.sha256, stored.sha256);
    assert!(!again.newly_stored);

    // Exactly at the limit is accepted; one byte more is not, and the upload stops
    // without reading the rest of an endless body.
    assert!(storage.store(chunks(&[b"12345678"]), 8).await.is_ok());
    let endless = stream::repeat_with(|| Ok::<_, String>(Bytes::from_static(&[7u8; 4096])));
    match storage.store(endless, 10_000).await {
        Err(UploadError::TooLarge { limit }) => assert_eq!(limit, 10_000),
        other => panic!("expected TooLarge, got {other:?}"),
    }

    // Empty and interrupted uploads fail and leave nothing behind.
    assert!(matches!(
        storage.store(chunks(&[]), 100).await,
        Err(UploadError::Empty)
    ));
    let broken = stream::iter(vec![
        Ok(Bytes::from_static(b"part")),
        Err("connection reset".to_owned()),
    ]);
    match storage.store(broken, 100).await {
        Err(UploadError::Interrupted(message)) => assert!(message.contains("connection reset")),
        other => panic!("expected Interrupted, got {other:?}"),
    }
    assert_eq!(
        storage.unfinished_uploads().await.unwrap(),
        Vec::<String>::new()
    );

    // Only the first bytes are kept for sniffing.
    let big = vec![b'a'; SNIFF_BYTES * 3];
    let leaked: &'static [u8] = Box::leak(big.into_boxed_slice());
    let stored_big = storage.store(chunks(&[leaked]), u64::MAX).await.unwrap();
    assert_eq!(stored_big.head.len(), SNIFF_BYTES);

    // Removing is idempotent.
    assert!(storage.contains(&stored.sha256).await.unwrap());
    storage.remove(&stored.sha256).await.unwrap();
    storage.remove(&stored.sha256).await.unwrap();
    assert!(!storage.contains(&stored.sha256).await.unwrap());
}

#[tokio::test]
async fn local_disk_storage() {
    let dir = tempfile::tempdir().unwrap();
    let storage = FileStorage::local(&dir.path().join("files")).unwrap();
    storage_behaves(storage).await;
    // Files sit in two-character shards under blobs/.
    let shards: Vec<_> = std::fs::read_dir(dir.path().join("files/blobs"))
        .unwrap()
        .collect();
    assert!(!shards.is_empty());
}

#[tokio::test]
async fn object_store_storage() {
    let store = Arc::new(object_store::memory::InMemory::new());
    storage_behaves(FileStorage::from_store(store, "memory")).await;
}

#[test]
fn s3_addresses_are_checked() {
    assert!(
        FileStorage::s3("http://bucket")
            .unwrap_err()
            .contains("not an s3:// address")
    );
    assert!(
        FileStorage::s3("not a url")
            .unwrap_err()
            .contains("is not a URL")
    );
}
