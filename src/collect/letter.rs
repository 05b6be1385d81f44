//! A message's content as the collector needs it: who sent it, its subject, and its
//! spreadsheet attachments (inside a forwarded message too, and unpacked from a `.zip`
//! within the ingest limits). Pure: the raw message in, the findings out. MIME is
//! parsed by `mail-parser`, which decodes attachment names written the way Outlook
//! (RFC 2231, `filename*=UTF-8''…` and its continuations) and Gmail or Thunderbird
//! (RFC 2047, `=?UTF-8?B?…?=`) write them.

use std::io::Read;

use mail_parser::{MessageParser, MimeHeaders};
use unicode_normalization::UnicodeNormalization;

use crate::ingest::workbook::limits;

/// A spreadsheet found in a message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attachment {
    /// Its name as the sender gave it (decoded, NFC), `archive.zip/inner.xlsx` for a
    /// file unpacked from a zip; not yet safe as a path.
    pub name: String,
    /// Its bytes.
    pub bytes: Vec<u8>,
}

/// An attachment that is not taken, and why (in Vietnamese).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Left {
    /// Its name as given.
    pub name: String,
    /// Why it is left: not a spreadsheet, or beyond a limit.
    pub why: String,
    /// Whether it is beyond a limit (an error the sender must hear of), rather than
    /// simply not a report (a signature image, a PDF).
    pub refused: bool,
}

/// What a message holds.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Letter {
    /// The sender's address (`From:`), lower case.
    pub sender: Option<String>,
    /// The subject, if any.
    pub subject: String,
    /// The spreadsheets, in the message's order.
    pub attachments: Vec<Attachment>,
    /// The attachments left aside.
    pub left: Vec<Left>,
}

/// Whether `raw` is a message at all: `None` when it cannot be parsed.
pub fn read(raw: &[u8]) -> Option<Letter> {
    let message = MessageParser::default().parse(raw)?;
    let sender = message
        .from()
        .and_then(|a| a.first())
        .and_then(|a| a.address())
        .map(|a| a.trim().to_lowercase());
    let subject = message.subject().unwrap_or_default().nfc().collect();
    let mut letter = Letter {
        sender,
        subject,
        ..Letter::default()
    };
    walk(&message, &mut letter, 0);
    Some(letter)
}

/// How deep forwarded messages are followed.
const DEPTH: usize = 5;

/// The spreadsheet file name endings taken from a message.
const SPREADSHEETS: &[&str] = &["xlsx", "xlsm", "xls", "xlsb", "ods"];

fn walk(message: &mail_parser::Message, letter: &mut Letter, depth: usize) {
    for part in message.attachments() {
        if let Some(inner) = part.message() {
            if depth < DEPTH {
                walk(inner, letter, depth + 1);
            }
            continue;
        }
        let content_type = part
            .content_type()
            .map(|c| format!("{}/{}", c.ctype(), c.subtype().unwrap_or_default()))
            .unwrap_or_default()
            .to_ascii_lowercase();
        let name: String = part
            .attachment_name()
            .map(|n| n.nfc().collect())
            .unwrap_or_default();
        take(&name, &content_type, part.contents(), letter);
    }
}

/// The ending a spreadsheet's content type gives, for an attachment whose name has none.
fn ending_of_type(content_type: &str) -> Option<&'static str> {
    Some(match content_type {
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" => "xlsx",
        "application/vnd.ms-excel.sheet.macroenabled.12" => "xlsm",
        "application/vnd.ms-excel.sheet.binary.macroenabled.12" => "xlsb",
        "application/vnd.ms-excel" => "xls",
        "application/vnd.oasis.opendocument.spreadsheet" => "ods",
        "application/zip" | "application/x-zip-compressed" | "application/x-zip" => "zip",
        _ => return None,
    })
}

/// A name's ending, lower case.
fn ending(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    base.rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default()
}

/// Takes one attachment: a spreadsheet as it is, a zip unpacked, anything else left.
fn take(name: &str, content_type: &str, bytes: &[u8], letter: &mut Letter) {
    let mut ext = ending(name);
    let mut name = name.to_owned();
    if !SPREADSHEETS.contains(&ext.as_str())
        && ext != "zip"
        && let Some(by_type) = ending_of_type(content_type)
    {
        if name.is_empty() {
            name = format!("tep-dinh-kem.{by_type}");
        } else {
            name = format!("{name}.{by_type}");
        }
        by_type.clone_into(&mut ext);
    }
    let shown = if name.is_empty() {
        "(không tên)".to_owned()
    } else {
        name.clone()
    };
    let left = |why: String, refused: bool| Left {
        name: shown.clone(),
        why,
        refused,
    };
    if bytes.len() as u64 > limits::FILE_BYTES {
        letter.left.push(left(too_large(bytes.len() as u64), true));
        return;
    }
    if SPREADSHEETS.contains(&ext.as_str()) {
        letter.attachments.push(Attachment {
            name,
            bytes: bytes.to_vec(),
        });
    } else if ext == "zip" {
        unzip(&name, bytes, letter);
    } else {
        letter.left.push(left(
            "không phải bảng tính (.xlsx, .xlsm, .xls, .xlsb, .ods) hay tệp nén .zip; bỏ qua"
                .into(),
            false,
        ));
    }
}

fn too_large(size: u64) -> String {
    format!(
        "tệp {} MB, vượt giới hạn {} MB của một báo cáo; không lưu",
        size.div_ceil(1024 * 1024),
        limits::FILE_BYTES / (1024 * 1024)
    )
}

/// Unpacks the spreadsheets of the zip `name` within the ingest limits: at most
/// [`limits::ZIP_ENTRIES`] entries, each at most [`limits::FILE_BYTES`] once inflated,
/// all together at most [`limits::UNZIPPED_BYTES`]. The sizes are measured while
/// inflating, never taken from the archive's own (forgeable) declarations.
fn unzip(name: &str, bytes: &[u8], letter: &mut Letter) {
    let refuse = |letter: &mut Letter, entry: &str, why: String| {
        letter.left.push(Left {
            name: entry.to_owned(),
            why,
            refused: true,
        });
    };
    let Ok(mut archive) = zip::ZipArchive::new(std::io::Cursor::new(bytes)) else {
        refuse(
            letter,
            name,
            "tệp nén .zip hỏng, không mở được; không lưu".into(),
        );
        return;
    };
    if archive.len() > limits::ZIP_ENTRIES {
        let why = format!(
            "tệp nén có {} mục, vượt giới hạn {} mục; không lưu",
            archive.len(),
            limits::ZIP_ENTRIES
        );
        refuse(letter, name, why);
        return;
    }
    let mut total: u64 = 0;
    let mut found = Vec::new();
    for i in 0..archive.len() {
        let Ok(mut entry) = archive.by_index(i) else {
            refuse(
                letter,
                name,
                format!("mục {} của tệp nén không đọc được; không lưu", i + 1),
            );
            return;
        };
        if entry.is_dir() {
            continue;
        }
        let inner: String = entry.name().map(|n| n.nfc().collect()).unwrap_or_default();
        let shown = format!("{name}/{inner}");
        if !SPREADSHEETS.contains(&ending(&inner).as_str()) {
            letter.left.push(Left {
                name: shown,
                why: "trong tệp nén, không phải bảng tính; bỏ qua".into(),
                refused: false,
            });
            continue;
        }
        let mut out = Vec::new();
        let read = (&mut entry)
            .take(limits::FILE_BYTES + 1)
            .read_to_end(&mut out);
        if read.is_err() {
            refuse(letter, &shown, "không giải nén được; không lưu".into());
            continue;
        }
        if out.len() as u64 > limits::FILE_BYTES {
            let why = format!(
                "giải nén ra hơn {} MB, vượt giới hạn của một báo cáo; không lưu",
                limits::FILE_BYTES / (1024 * 1024)
            );
            refuse(letter, &shown, why);
            continue;
        }
        total += out.len() as u64;
        if total > limits::UNZIPPED_BYTES {
            let why = format!(
                "tệp nén giải ra quá {} MB; không lưu tệp nào của nó",
                limits::UNZIPPED_BYTES / (1024 * 1024)
            );
            refuse(letter, name, why);
            return;
        }
        found.push(Attachment {
            name: shown,
            bytes: out,
        });
    }
    letter.attachments.extend(found);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A message as Outlook writes it (RFC 2231 name in two continuations), with a
    /// forwarded message whose attachment is named as Gmail writes it (RFC 2047).
    const OUTLOOK: &str = "From: =?UTF-8?B?VsSDbiBwaMOybmc=?= <VanPhong.YC@Example.vn>\r
Subject: =?UTF-8?B?QsOhbyBjw6FvIHRow6FuZyA3?=\r
Message-ID: <1@example.vn>\r
MIME-Version: 1.0\r
Content-Type: multipart/mixed; boundary=\"b1\"\r
\r
--b1\r
Content-Type: text/plain; charset=utf-8\r
\r
Kính gửi\r
--b1\r
Content-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet\r
Content-Disposition: attachment;\r
 filename*0*=UTF-8''B%C3%A1o%20c%C3%A1o%20;\r
 filename*1*=Y%C3%AAn%20Ch%C3%A2u.xlsx\r
Content-Transfer-Encoding: base64\r
\r
UEsDBA==\r
--b1\r
Content-Type: image/png; name=\"logo.png\"\r
Content-Disposition: attachment; filename=\"logo.png\"\r
Content-Transfer-Encoding: base64\r
\r
iVBORw0K\r
--b1\r
Content-Type: message/rfc822\r
\r
From: a@b.vn\r
Subject: fw\r
Content-Type: multipart/mixed; boundary=\"b2\"\r
\r
--b2\r
Content-Type: application/vnd.ms-excel; name=\"=?UTF-8?B?TeG7mWMgQ2jDonUueGxz?=\"\r
Content-Disposition: attachment; filename=\"=?UTF-8?B?TeG7mWMgQ2jDonUueGxz?=\"\r
Content-Transfer-Encoding: base64\r
\r
0M8R4A==\r
--b2--\r
--b1--\r
";

    #[test]
    fn names_in_both_encodings_and_forwarded_attachments() {
        let letter = read(OUTLOOK.as_bytes()).unwrap();
        assert_eq!(letter.sender.as_deref(), Some("vanphong.yc@example.vn"));
        assert_eq!(letter.subject, "Báo cáo tháng 7");
        let names: Vec<&str> = letter.attachments.iter().map(|a| a.name.as_str()).collect();
        assert_eq!(names, ["Báo cáo Yên Châu.xlsx", "Mộc Châu.xls"]);
        assert_eq!(letter.attachments[0].bytes, b"PK\x03\x04");
        assert_eq!(letter.left.len(), 1);
        assert_eq!(letter.left[0].name, "logo.png");
        assert!(!letter.left[0].refused);
    }
}
