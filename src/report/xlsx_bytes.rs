//! The same workbook bytes whatever system chibo was built for. An `.xlsx` is a zip, and
//! the zip crate (9.x, under `rust_xlsxwriter` 0.102, which does not choose) records in
//! each central directory entry the system that "made" it: MS-DOS when chibo is built
//! for Windows, Unix otherwise. The Windows build's workbooks thus differed from the
//! Linux build's in those bytes alone, and with them the Message-ID of the email the
//! workbook is attached to. [`as_made_on_unix`] writes Unix in every entry; on Linux it
//! changes nothing. (Upstream: the zip crate's `FileOptions::system` could fix the
//! value, but `rust_xlsxwriter` does not expose its zip options.)

/// The central directory's entries, the End of Central Directory record and the ZIP64
/// records, by their signatures.
const ENTRY: &[u8; 4] = b"PK\x01\x02";
const END: &[u8; 4] = b"PK\x05\x06";
const END64_LOCATOR: &[u8; 4] = b"PK\x06\x07";
const END64: &[u8; 4] = b"PK\x06\x06";
/// The "version made by" host of Unix.
const UNIX: u8 = 3;

/// `zip` with every central directory entry marked as made on Unix; unchanged if its
/// central directory cannot be walked (never the case for `rust_xlsxwriter`'s output).
pub fn as_made_on_unix(zip: Vec<u8>) -> Vec<u8> {
    with_host(zip, UNIX)
}

fn with_host(mut zip: Vec<u8>, host: u8) -> Vec<u8> {
    if let Some(entries) = entries(&zip) {
        for at in entries {
            zip[at + 5] = host;
        }
    }
    zip
}

/// Where each central directory entry starts.
fn entries(zip: &[u8]) -> Option<Vec<usize>> {
    let u16_at = |at: usize| Some(u16::from_le_bytes(zip.get(at..at + 2)?.try_into().ok()?));
    let u32_at = |at: usize| Some(u32::from_le_bytes(zip.get(at..at + 4)?.try_into().ok()?));
    let u64_at = |at: usize| Some(u64::from_le_bytes(zip.get(at..at + 8)?.try_into().ok()?));
    // The end record is 22 bytes and a comment of up to 65,535.
    let last = zip.len().checked_sub(22)?;
    let end = (last.saturating_sub(65_535)..=last)
        .rev()
        .find(|&i| &zip[i..i + 4] == END)?;
    let (mut count, mut at) = (u64::from(u16_at(end + 10)?), u64::from(u32_at(end + 16)?));
    if count == 0xFFFF || at == 0xFFFF_FFFF {
        let locator = end.checked_sub(20)?;
        if zip.get(locator..locator + 4)? != END64_LOCATOR {
            return None;
        }
        let end64 = usize::try_from(u64_at(locator + 8)?).ok()?;
        if zip.get(end64..end64 + 4)? != END64 {
            return None;
        }
        count = u64_at(end64 + 32)?;
        at = u64_at(end64 + 48)?;
    }
    let mut at = usize::try_from(at).ok()?;
    let mut found = Vec::new();
    for _ in 0..count {
        if zip.get(at..at + 4)? != ENTRY {
            return None;
        }
        found.push(at);
        let name = usize::from(u16_at(at + 28)?);
        let extra = usize::from(u16_at(at + 30)?);
        let comment = usize::from(u16_at(at + 32)?);
        at += 46 + name + extra + comment;
    }
    Some(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn workbook() -> Vec<u8> {
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        sheet.write_string(0, 0, "Sơn La").unwrap();
        book.save_to_buffer().unwrap()
    }

    #[test]
    fn a_workbook_made_on_windows_gets_the_bytes_made_on_unix() {
        let made = workbook();
        let here = entries(&made).expect("a central directory");
        assert!(here.len() > 5, "one entry per part");
        let unix = with_host(made.clone(), UNIX);
        let dos = with_host(made, 0);
        assert_ne!(dos, unix);
        assert!(
            here.iter()
                .all(|&at| dos[at + 5] == 0 && unix[at + 5] == UNIX)
        );
        assert_eq!(as_made_on_unix(dos), unix);
        assert_eq!(as_made_on_unix(unix.clone()), unix);
    }

    #[test]
    fn what_is_no_zip_is_left_as_it_is() {
        for bytes in [Vec::new(), b"PK\x05\x06".to_vec(), vec![7; 100]] {
            assert_eq!(as_made_on_unix(bytes.clone()), bytes);
        }
        let mut cut = workbook();
        let end = cut.len() - 22;
        cut[end + 16] ^= 0xFF; // the central directory's offset, wrong
        assert_eq!(as_made_on_unix(cut.clone()), cut);
    }
}
