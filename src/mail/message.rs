//! Rendered emails → MIME messages with a deterministic Message-ID, date and MIME
//! boundaries, so that the same month gives the same `.eml` bytes.

use std::time::SystemTime;

use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart, MultiPartKind, SinglePart};
use sha2::{Digest, Sha256};

use crate::text::clean;

/// A rendered email, before it becomes a MIME message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Email {
    /// A stable name for the queue file (`01-thuong-vu`, `02-don-vi-YC`).
    pub name: String,
    /// Recipient addresses.
    pub to: Vec<String>,
    /// Subject.
    pub subject: String,
    /// Plain-text body.
    pub text: String,
    /// HTML body.
    pub html: String,
    /// File name and bytes of the attachment, if any.
    pub attachment: Option<(String, Vec<u8>)>,
}

/// A message ready for the outbox.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Queued {
    /// Queue file name without extension.
    pub name: String,
    /// Its Message-ID, with angle brackets.
    pub message_id: String,
    /// Envelope sender.
    pub from: String,
    /// Envelope recipients.
    pub to: Vec<String>,
    /// The RFC 5322 bytes.
    pub raw: Vec<u8>,
}

/// Why a message could not be built; lettre's own words stay in the source.
#[derive(Debug, thiserror::Error)]
pub enum MessageError {
    /// A recipient address that cannot be used.
    #[error("thư {name}: địa chỉ «{address}» không hợp lệ")]
    BadAddress {
        /// The email.
        name: String,
        /// The address as given.
        address: String,
        /// lettre's reason.
        source: lettre::address::AddressError,
    },
    /// The message cannot be assembled.
    #[error("thư {name}: không tạo được thư")]
    Build {
        /// The email.
        name: String,
        /// lettre's reason.
        source: lettre::error::Error,
    },
}

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// Builds the message of `email` from `from`, dated `date`.
///
/// # Errors
/// A recipient address that cannot be used.
pub fn build(email: &Email, from: &Mailbox, date: SystemTime) -> Result<Queued, MessageError> {
    let mut digest = Sha256::new();
    for part in [
        email.subject.as_bytes(),
        email.text.as_bytes(),
        email.html.as_bytes(),
        email.to.join(",").as_bytes(),
    ] {
        digest.update(part);
        digest.update([0]);
    }
    if let Some((name, bytes)) = &email.attachment {
        digest.update(name.as_bytes());
        digest.update(bytes);
    }
    let hash = digest
        .finalize()
        .iter()
        .take(12)
        .fold(String::with_capacity(24), |mut s, b| {
            use std::fmt::Write as _;
            let _ = write!(s, "{b:02x}");
            s
        });
    let domain = from.email.domain().to_owned();
    let message_id = format!("<{hash}.{}@chibo.{domain}>", email.name);

    // Header text passes through the same cleaning as every input: no line break can
    // reach a header; lettre then encodes the Vietnamese text.
    let mut builder = lettre::Message::builder()
        .from(from.clone())
        .subject(clean(&email.subject))
        .message_id(Some(message_id.clone()))
        .date(date);
    let mut to = Vec::new();
    for address in &email.to {
        let mailbox: Mailbox = address.parse().map_err(|source| MessageError::BadAddress {
            name: email.name.clone(),
            address: address.clone(),
            source,
        })?;
        to.push(mailbox.email.to_string());
        builder = builder.to(mailbox);
    }
    let alternative = MultiPart::builder()
        .kind(MultiPartKind::Alternative)
        .boundary(format!("alt-{hash}"))
        .singlepart(SinglePart::plain(email.text.clone()))
        .singlepart(SinglePart::html(email.html.clone()));
    let message = match &email.attachment {
        Some((name, bytes)) => {
            let content_type = ContentType::parse(XLSX).expect("a valid content type");
            let attachment = Attachment::new(name.clone()).body(bytes.clone(), content_type);
            let mixed = MultiPart::builder()
                .kind(MultiPartKind::Mixed)
                .boundary(format!("mix-{hash}"))
                .multipart(alternative)
                .singlepart(attachment);
            builder.multipart(mixed)
        }
        None => builder.multipart(alternative),
    }
    .map_err(|source| MessageError::Build {
        name: email.name.clone(),
        source,
    })?;
    Ok(Queued {
        name: email.name.clone(),
        message_id,
        from: from.email.to_string(),
        to,
        raw: message.formatted(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn email(text: &str) -> Email {
        Email {
            name: "02-don-vi-YC".into(),
            to: vec!["vanphong.yc@example.vn".into()],
            subject: "Phản hồi báo cáo tháng 07/2020 — Huyện ủy Yên Châu".into(),
            text: text.into(),
            html: format!("<p>{text}</p>"),
            attachment: Some(("tong-hop-2020-07.xlsx".into(), vec![1, 2, 3])),
        }
    }

    #[test]
    fn the_same_email_gives_the_same_bytes() {
        let from: Mailbox = "Ban Tổ chức Tỉnh ủy <bantochuc@example.vn>"
            .parse()
            .unwrap();
        let date = SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_596_934_800);
        let a = build(&email("Đã dự 2 buổi"), &from, date).unwrap();
        let b = build(&email("Đã dự 2 buổi"), &from, date).unwrap();
        assert_eq!(a, b);
        assert!(
            a.message_id.starts_with('<')
                && a.message_id.ends_with(".02-don-vi-YC@chibo.example.vn>")
        );
        assert_eq!(
            (a.from.as_str(), a.to.as_slice()),
            (
                "bantochuc@example.vn",
                &["vanphong.yc@example.vn".to_owned()][..]
            )
        );
        let changed = build(&email("Đã dự 3 buổi"), &from, date).unwrap();
        assert_ne!(changed.message_id, a.message_id, "new content, new message");
        let raw = String::from_utf8_lossy(&a.raw);
        assert!(raw.contains("Content-Type: multipart/mixed"));
        assert!(raw.contains("filename=\"tong-hop-2020-07.xlsx\""));
    }

    #[test]
    fn a_bad_recipient_is_an_error_naming_the_email() {
        let from: Mailbox = "bantochuc@example.vn".parse().unwrap();
        let mut e = email("x");
        e.to = vec!["không phải địa chỉ".into()];
        let err = build(&e, &from, SystemTime::UNIX_EPOCH).unwrap_err();
        assert_eq!(
            err.to_string(),
            "thư 02-don-vi-YC: địa chỉ «không phải địa chỉ» không hợp lệ"
        );
        assert!(
            std::error::Error::source(&err).is_some(),
            "lettre's reason kept"
        );
    }
}
