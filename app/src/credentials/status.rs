//! Revocation published as a W3C Bitstring Status List: one bit per credential, set
//! when the credential is revoked, gzip-compressed and base64url multibase encoded.

use std::io::{Read, Write};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// Bits in one status list. The Bitstring Status List specification sets a minimum
/// of 131,072, so that a credential's position reveals little about its holder.
pub const LIST_BITS: usize = 131_072;
/// The largest decompressed list the verifier accepts.
const MAX_DECODED_BYTES: u64 = 16 * LIST_BITS as u64;

/// Returns the list that contains status index `index`, counted from 1, and the
/// index's bit within that list.
pub fn position(index: i64) -> (i64, usize) {
    let index = index.max(0);
    (
        index / LIST_BITS as i64 + 1,
        (index % LIST_BITS as i64) as usize,
    )
}

/// Encodes a list with the given bits set.
pub fn encode(set_bits: impl IntoIterator<Item = usize>) -> String {
    let mut bits = vec![0u8; LIST_BITS / 8];
    for bit in set_bits {
        if bit < LIST_BITS {
            bits[bit / 8] |= 0x80 >> (bit % 8);
        }
    }
    let mut gzip = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    // `Write` for `Vec<u8>` returns no errors.
    let _ = gzip.write_all(&bits);
    let compressed = gzip.finish().unwrap_or_default();
    format!("u{}", URL_SAFE_NO_PAD.encode(compressed))
}

/// Returns whether bit `bit` is set in an encoded list, or `None` when the list cannot be read.
pub fn is_set(encoded: &str, bit: usize) -> Option<bool> {
    let compressed = URL_SAFE_NO_PAD.decode(encoded.strip_prefix('u')?).ok()?;
    let mut bits = Vec::new();
    flate2::read::GzDecoder::new(compressed.as_slice())
        .take(MAX_DECODED_BYTES)
        .read_to_end(&mut bits)
        .ok()?;
    let byte = bits.get(bit / 8)?;
    Some(byte & (0x80 >> (bit % 8)) != 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_bits_read_back_and_others_stay_clear() {
        let list = encode([0, 9, LIST_BITS - 1]);
        assert!(list.starts_with('u'));
        for bit in [0, 9, LIST_BITS - 1] {
            assert_eq!(is_set(&list, bit), Some(true));
        }
        for bit in [1, 8, 10, LIST_BITS - 2] {
            assert_eq!(is_set(&list, bit), Some(false));
        }
        assert_eq!(is_set(&list, LIST_BITS), None);
        assert_eq!(is_set("not a list", 0), None);
    }

    #[test]
    fn positions_fill_one_list_before_the_next() {
        assert_eq!(position(5), (1, 5));
        assert_eq!(position(LIST_BITS as i64), (2, 0));
        assert_eq!(position(-3), (1, 0));
    }
}
