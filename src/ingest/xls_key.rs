//! Whether an encrypted `.xls` opens without a password: Excel encrypts a workbook whose
//! structure alone is protected with its built-in default password, `VelvetSweatshop`,
//! and opens it without asking. A `FILEPASS` record ([MS-XLS] 2.4.117) holds a verifier
//! of the password; it is checked here against the default one by the methods of
//! [MS-OFFCRYPTO]: XOR obfuscation (2.3.7.1), RC4 (2.3.6) and RC4 `CryptoAPI` (2.3.5).
//! Pure functions over the record's bytes; nothing is decrypted but the verifier.

use md5::Md5;
use rc4::{KeyInit, Rc4, StreamCipher};
use sha1::{Digest, Sha1};

/// The password Excel uses when a unit set none ([MS-OFFCRYPTO] 2.3.7.1).
const DEFAULT_PASSWORD: &str = "VelvetSweatshop";

/// Whether the `FILEPASS` record `body` was written with Excel's default password, so the
/// unit never set one (the workbook's structure is protected). `false` for a password a
/// unit set, and for a record too short or of an unknown kind.
pub fn is_default_key(body: &[u8]) -> bool {
    let u16_at = |i: usize| body.get(i..i + 2).map(|b| u16::from_le_bytes([b[0], b[1]]));
    match (u16_at(0), u16_at(2), u16_at(4)) {
        // XOR obfuscation: key, then the password's verifier.
        (Some(0), _, Some(verifier)) => xor_verifier(DEFAULT_PASSWORD) == verifier,
        // RC4: version 1.1, then salt, verifier and its MD5, encrypted.
        (Some(1), Some(1), Some(1)) => rc4_matches(&body[6..]),
        // RC4 CryptoAPI: version 2.2, 3.2 or 4.2.
        (Some(1), Some(2..=4), Some(2)) => cryptoapi_matches(&body[6..]),
        _ => false,
    }
}

/// The 16-bit password verifier of XOR obfuscation, method 1: the password's bytes from
/// last to first and its length, each shifted into a 15-bit rotation.
fn xor_verifier(password: &str) -> u16 {
    let bytes: Vec<u8> = password.bytes().take(15).collect();
    let length = u8::try_from(bytes.len()).unwrap_or(15);
    let mut verifier: u16 = 0;
    for &byte in bytes.iter().rev().chain(std::iter::once(&length)) {
        let high = u16::from(verifier & 0x4000 != 0);
        verifier = (((verifier << 1) & 0x7FFF) | high) ^ u16::from(byte);
    }
    verifier ^ 0xCE4B
}

/// The password as the RC4 methods hash it: UTF-16LE.
fn utf16(password: &str) -> Vec<u8> {
    password.encode_utf16().flat_map(u16::to_le_bytes).collect()
}

/// Whether `verifier` followed by `hash` decrypts with `key` (block 0) to a verifier whose
/// digest (`digest`) is the hash.
fn verifies(key: &[u8], verifier: &[u8], hash: &[u8], digest: impl Fn(&[u8]) -> Vec<u8>) -> bool {
    let Ok(mut cipher) = Rc4::new_from_slice(key) else {
        return false;
    };
    let mut plain = [verifier, hash].concat();
    cipher.apply_keystream(&mut plain);
    let (verifier, hash) = plain.split_at(verifier.len());
    let want = digest(verifier);
    want.get(..hash.len()) == Some(hash)
}

/// RC4 ([MS-OFFCRYPTO] 2.3.6.1–2): 16 bytes of salt, the encrypted verifier (16) and its
/// encrypted MD5 (16). The key of block 0 is MD5 of five bytes of
/// MD5(MD5(password)[..5] ‖ salt, sixteen times) and the block number.
fn rc4_matches(rest: &[u8]) -> bool {
    let (Some(salt), Some(verifier), Some(hash)) =
        (rest.get(0..16), rest.get(16..32), rest.get(32..48))
    else {
        return false;
    };
    let h0 = Md5::digest(utf16(DEFAULT_PASSWORD));
    let mut buffer = Vec::with_capacity(21 * 16);
    for _ in 0..16 {
        buffer.extend_from_slice(&h0[..5]);
        buffer.extend_from_slice(salt);
    }
    let h1 = Md5::digest(&buffer);
    let key = Md5::digest([&h1[..5], &0u32.to_le_bytes()[..]].concat());
    verifies(&key, verifier, hash, |v| Md5::digest(v).to_vec())
}

/// RC4 `CryptoAPI` ([MS-OFFCRYPTO] 2.3.5.1–2, 2.3.4.5–7): flags, the header's size, the
/// header (its key size in bits at byte 16), then salt size, salt, encrypted verifier,
/// hash size and encrypted SHA-1 of the verifier. The key of block 0 is
/// SHA-1(SHA-1(salt ‖ password) ‖ block number), cut to the key size; a 40-bit key is
/// padded with zeros to 128 bits.
fn cryptoapi_matches(rest: &[u8]) -> bool {
    let u32_at = |i: usize| {
        rest.get(i..i + 4)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize)
    };
    let Some(header_size) = u32_at(4) else {
        return false;
    };
    let key_bits = u32_at(8 + 16).unwrap_or(0);
    let at = 8usize.saturating_add(header_size);
    let (Some(salt_size), Some(hash_size)) = (u32_at(at), u32_at(at + 4 + 16 + 16)) else {
        return false;
    };
    let (Some(salt), Some(verifier), Some(hash)) = (
        rest.get(at + 4..at + 4 + salt_size.min(16)),
        rest.get(at + 20..at + 36),
        rest.get(at + 40..at + 40 + hash_size.min(20)),
    ) else {
        return false;
    };
    if salt_size != 16 {
        return false;
    }
    let h0 = Sha1::digest([salt, &utf16(DEFAULT_PASSWORD)[..]].concat());
    let hfinal = Sha1::digest([&h0[..], &0u32.to_le_bytes()[..]].concat());
    let key = match key_bits {
        0 | 40 => [&hfinal[..5], &[0u8; 11][..]].concat(),
        bits if bits % 8 == 0 && bits / 8 <= hfinal.len() => hfinal[..bits / 8].to_vec(),
        _ => return false,
    };
    verifies(&key, verifier, hash, |v| Sha1::digest(v).to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// [MS-OFFCRYPTO] 2.3.7.1 worked by hand for a one-letter password: the bytes
    /// 0x61 ("a") then 1 (the length) give 0x61, then ((0x61 << 1) & 0x7FFF) ^ 1 = 0xC3,
    /// and the result is that ^ 0xCE4B.
    #[test]
    fn xor_verifier_follows_method_1() {
        assert_eq!(xor_verifier("a"), 0xC3 ^ 0xCE4B);
        let record = |v: u16| [&[0u8, 0, 0x12, 0x34][..], &v.to_le_bytes()[..]].concat();
        assert!(is_default_key(&record(xor_verifier(DEFAULT_PASSWORD))));
        assert!(!is_default_key(&record(xor_verifier("matkhau"))));
    }

    #[test]
    fn short_or_unknown_records_are_not_the_default_key() {
        for body in [
            &[][..],
            &[1, 0],
            &[1, 0, 1, 0, 1, 0],
            &[2, 0, 1, 0, 1, 0, 9],
        ] {
            assert!(!is_default_key(body), "{body:?}");
        }
    }
}
