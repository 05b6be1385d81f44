//! Plain text files the office edits by hand (`chibo.toml`, a month's `received.txt`),
//! as Windows Notepad may save them: UTF-8 with or without a byte order mark, or UTF-16
//! (little or big endian) with one. A line that is not valid in its encoding is reported
//! by its number rather than sinking the whole file.

/// The lines of a text file (split at `\n`; a `\r` before it stays), each `None` when it
/// cannot be read in the file's encoding: without a byte order mark, a line that is not
/// UTF-8 (text saved as «ANSI», Windows-1258); in UTF-16, a line holding an unpaired
/// surrogate or the odd last byte of a cut file.
pub fn decode_lines(bytes: &[u8]) -> Vec<Option<String>> {
    let (encoding, bom) = encoding_rs::Encoding::for_bom(bytes).unwrap_or((encoding_rs::UTF_8, 0));
    let body = &bytes[bom..];
    if encoding == encoding_rs::UTF_8 {
        return body
            .split(|&b| b == b'\n')
            .map(|line| std::str::from_utf8(line).ok().map(str::to_owned))
            .collect();
    }
    // UTF-16: what cannot be decoded becomes U+FFFD, which marks its line. A file name or
    // a setting never holds that character itself.
    let (text, _) = encoding.decode_without_bom_handling(body);
    text.split('\n')
        .map(|line| (!line.contains('\u{FFFD}')).then(|| line.to_owned()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::decode_lines;

    fn utf16(text: &str, little: bool) -> Vec<u8> {
        let mut bytes = if little {
            vec![0xFF, 0xFE]
        } else {
            vec![0xFE, 0xFF]
        };
        for unit in text.encode_utf16() {
            let pair = if little {
                unit.to_le_bytes()
            } else {
                unit.to_be_bytes()
            };
            bytes.extend(pair);
        }
        bytes
    }

    #[test]
    fn notepad_encodings() {
        let text = "2020-08-04\tYên Châu.xlsx\r\n2020-08-07\tMai Sơn.ods\r\n";
        let expected = vec![
            Some("2020-08-04\tYên Châu.xlsx\r".to_owned()),
            Some("2020-08-07\tMai Sơn.ods\r".to_owned()),
            Some(String::new()),
        ];
        let bom8 = [&[0xEF, 0xBB, 0xBF][..], text.as_bytes()].concat();
        for bytes in [
            text.as_bytes().to_vec(),
            bom8,
            utf16(text, true),
            utf16(text, false),
        ] {
            assert_eq!(decode_lines(&bytes), expected, "{bytes:x?}");
        }
    }

    #[test]
    fn a_bad_line_is_one_line() {
        // «Sơn» in Windows-1258 is not UTF-8; the lines around it still read.
        let bytes = b"a\nS\xf5n\nb".to_vec();
        assert_eq!(
            decode_lines(&bytes),
            [Some("a".to_owned()), None, Some("b".to_owned())]
        );
        // UTF-16 with an unpaired surrogate on its second line, and an odd last byte.
        let mut bytes = utf16("a\n", true);
        bytes.extend([0x00, 0xD8, b'x', 0x00, b'\n', 0x00, b'c', 0x00, b'd']);
        assert_eq!(decode_lines(&bytes), [Some("a".to_owned()), None, None]);
    }
}
