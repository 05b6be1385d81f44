//! Whether an encrypted `.xls` opens without a password: Excel encrypts a workbook whose
//! structure alone is protected with its built-in default password, `VelvetSweatshop`,
//! and opens it without asking. A `FILEPASS` record ([MS-XLS] 2.4.117) holds a verifier
//! of the password; it is checked here against the default one by the methods of
//! [MS-OFFCRYPTO]: XOR obfuscation (2.3.7.1), RC4 (2.3.6) and RC4 `CryptoAPI` (2.3.5).
//! A workbook of the RC4 methods with the default password is decrypted, so it reads as
//! Excel opens it. Pure functions over bytes.

use md5::Md5;
use rc4::{KeyInit, Rc4, StreamCipher};
use sha1::{Digest, Sha1};

/// The password Excel uses when a unit set none ([MS-OFFCRYPTO] 2.3.7.1).
pub(super) const DEFAULT_PASSWORD: &str = "VelvetSweatshop";

/// Whether the `FILEPASS` record `body` was written with Excel's default password, so the
/// unit never set one (the workbook's structure is protected). `false` for a password a
/// unit set, and for a record too short or of an unknown kind.
pub fn is_default_key(body: &[u8]) -> bool {
    let u16_at = |i: usize| body.get(i..i + 2).map(|b| u16::from_le_bytes([b[0], b[1]]));
    // XOR obfuscation: key, then the password's verifier.
    if let (Some(0), Some(verifier)) = (u16_at(0), u16_at(4)) {
        return xor_verifier(DEFAULT_PASSWORD) == verifier;
    }
    default_keys(body).is_some()
}

/// The keys of an RC4 `FILEPASS` record `body` whose verifier is the default password's.
fn default_keys(body: &[u8]) -> Option<Keys> {
    let u16_at = |i: usize| body.get(i..i + 2).map(|b| u16::from_le_bytes([b[0], b[1]]));
    match (u16_at(0), u16_at(2), u16_at(4)) {
        // RC4: version 1.1, then salt, verifier and its MD5, encrypted.
        (Some(1), Some(1), Some(1)) => rc4_keys(&body[6..]),
        // RC4 CryptoAPI: version 2.2, 3.2 or 4.2.
        (Some(1), Some(2..=4), Some(2)) => cryptoapi_keys(&body[6..]),
        _ => None,
    }
}

/// How the RC4 key of each block of 1,024 bytes is made from the password.
enum Keys {
    /// RC4: MD5 of five bytes of the password's intermediate hash and the block number.
    Rc4 { h1: [u8; 5] },
    /// RC4 `CryptoAPI`: SHA-1 of the salted password's hash and the block number, cut to
    /// the key's bytes (a 40-bit key padded with zeros to 128 bits).
    CryptoApi { h0: Vec<u8>, bytes: usize },
}

impl Keys {
    fn block(&self, block: u32) -> Vec<u8> {
        match self {
            Keys::Rc4 { h1 } => Md5::digest([&h1[..], &block.to_le_bytes()[..]].concat()).to_vec(),
            Keys::CryptoApi { h0, bytes } => {
                let hash = Sha1::digest([&h0[..], &block.to_le_bytes()[..]].concat());
                if *bytes == 5 {
                    [&hash[..5], &[0u8; 11][..]].concat()
                } else {
                    hash[..*bytes].to_vec()
                }
            }
        }
    }
}

/// The `Workbook` stream `data`, whose `FILEPASS` record starts at `filepass`, decrypted
/// with Excel's default password ([MS-XLS] 2.2.10): the stream is encrypted from its
/// start in blocks of 1,024 bytes, each with its own key, but record headers, a few
/// records (BOF, FILEPASS, `InterfaceHdr`, …) and the sheet position of each BOUNDSHEET are
/// left plain. The FILEPASS record is taken out and the sheet positions after it moved
/// back: the stream reads as if never encrypted. `None` when the record is not RC4 of
/// the default password.
pub fn decrypt_default(data: &[u8], filepass: usize) -> Option<Vec<u8>> {
    let u16_at = |i: usize| {
        data.get(i..i + 2)
            .map(|b| usize::from(u16::from_le_bytes([b[0], b[1]])))
    };
    let length = u16_at(filepass + 2)?;
    let start = filepass + 4 + length;
    let keys = default_keys(data.get(filepass + 4..start)?)?;
    let mut plain = data.to_vec();
    let mut at = start;
    while at < plain.len() {
        let block = at / 1024;
        let end = ((block + 1) * 1024).min(plain.len());
        let mut cipher = Rc4::new_from_slice(&keys.block(u32::try_from(block).ok()?)).ok()?;
        let mut skipped = vec![0u8; at - block * 1024];
        cipher.apply_keystream(&mut skipped);
        cipher.apply_keystream(&mut plain[at..end]);
        at = end;
    }
    // What was never encrypted is put back; sheet positions lose the FILEPASS record.
    let mut at = start;
    while let Some(size) = u16_at(at + 2) {
        let kind = u16_at(at)?;
        let end = (at + 4 + size).min(data.len());
        plain[at..at + 4].copy_from_slice(&data[at..at + 4]);
        let kept = match kind {
            0x0809 | 0x002F | 0x0194 | 0x0195 | 0x00E1 | 0x0196 | 0x0138 => end,
            0x0085 => (at + 8).min(end),
            _ => at + 4,
        };
        plain[at + 4..kept].copy_from_slice(&data[at + 4..kept]);
        if kind == 0x0085 && kept == at + 8 {
            let position =
                u32::from_le_bytes([plain[at + 4], plain[at + 5], plain[at + 6], plain[at + 7]]);
            let moved = position.saturating_sub(u32::try_from(start - filepass).ok()?);
            plain[at + 4..at + 8].copy_from_slice(&moved.to_le_bytes());
        }
        at += 4 + size;
    }
    plain.drain(filepass..start);
    Some(plain)
}

/// The 16-bit password verifier of XOR obfuscation, method 1: the password's bytes from
/// last to first and its length, each shifted into a 15-bit rotation.
pub(super) fn xor_verifier(password: &str) -> u16 {
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
fn rc4_keys(rest: &[u8]) -> Option<Keys> {
    let (salt, verifier, hash) = (rest.get(0..16)?, rest.get(16..32)?, rest.get(32..48)?);
    let h0 = Md5::digest(utf16(DEFAULT_PASSWORD));
    let mut buffer = Vec::with_capacity(21 * 16);
    for _ in 0..16 {
        buffer.extend_from_slice(&h0[..5]);
        buffer.extend_from_slice(salt);
    }
    let h1 = Md5::digest(&buffer);
    let keys = Keys::Rc4 {
        h1: [h1[0], h1[1], h1[2], h1[3], h1[4]],
    };
    verifies(&keys.block(0), verifier, hash, |v| Md5::digest(v).to_vec()).then_some(keys)
}

/// RC4 `CryptoAPI` ([MS-OFFCRYPTO] 2.3.5.1–2, 2.3.4.5–7): flags, the header's size, the
/// header (its key size in bits at byte 16), then salt size, salt, encrypted verifier,
/// hash size and encrypted SHA-1 of the verifier. The key of block 0 is
/// SHA-1(SHA-1(salt ‖ password) ‖ block number), cut to the key size; a 40-bit key is
/// padded with zeros to 128 bits.
fn cryptoapi_keys(rest: &[u8]) -> Option<Keys> {
    let u32_at = |i: usize| {
        rest.get(i..i + 4)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize)
    };
    let header_size = u32_at(4)?;
    let key_bits = u32_at(8 + 16).unwrap_or(0);
    let at = 8usize.saturating_add(header_size);
    let (salt_size, hash_size) = (u32_at(at)?, u32_at(at + 4 + 16 + 16)?);
    if salt_size != 16 {
        return None;
    }
    let salt = rest.get(at + 4..at + 20)?;
    let verifier = rest.get(at + 20..at + 36)?;
    let hash = rest.get(at + 40..at + 40 + hash_size.min(20))?;
    let bytes = match key_bits {
        0 | 40 => 5,
        bits if bits % 8 == 0 && (6..=20).contains(&(bits / 8)) => bits / 8,
        _ => return None,
    };
    let h0 = Sha1::digest([salt, &utf16(DEFAULT_PASSWORD)[..]].concat()).to_vec();
    let keys = Keys::CryptoApi { h0, bytes };
    verifies(&keys.block(0), verifier, hash, |v| Sha1::digest(v).to_vec()).then_some(keys)
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
