//! The receipt a unit gets for each collected file: which file was received when, for
//! which month, the rows read, accepted and rejected, and each problem with its sheet
//! and cell, or that the file is in order. Rendered from the editable templates
//! `receipt.txt` and `receipt.html`; queued under a name made of the file's SHA-256
//! ([`crate::mail::outbox::RECEIPT_PREFIX`]), so that a file gets one receipt however
//! often it is collected.

use chrono::NaiveDate;
use minijinja::value::Serde;
use minijinja::{Environment, context};

use crate::diagnostic::Severity;
use crate::mail::Email;
use crate::model::{Unit, YearMonth};
use crate::report::email::{TemplateError, issue_line, render};
use crate::submission::{FileStatus, Submission};

/// The queue name of the receipt for the file whose SHA-256 is `digest`.
pub fn name(digest: &[u8]) -> String {
    use std::fmt::Write as _;
    digest.iter().take(16).fold(
        crate::mail::outbox::RECEIPT_PREFIX.to_owned(),
        |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        },
    )
}

/// What a receipt is about.
pub struct About<'a> {
    /// The province.
    pub province: &'a str,
    /// The unit, with its addresses.
    pub unit: &'a Unit,
    /// The file as checked.
    pub checked: &'a Submission,
    /// Its file name in the inbox.
    pub file: &'a str,
    /// The day the office's server received it.
    pub received: NaiveDate,
    /// The month its folder is.
    pub month: YearMonth,
    /// The queue name.
    pub name: String,
}

/// Renders the receipt of `about`.
///
/// # Errors
/// A template cannot be filled in.
pub fn render_receipt(env: &Environment, about: &About) -> Result<Email, TemplateError> {
    let s = about.checked;
    let issues: Vec<_> = s.diagnostics.iter().map(issue_line).collect();
    let errors = s.diagnostics.iter().any(|d| d.severity == Severity::Error);
    let status = match s.status {
        FileStatus::Read => "read",
        FileStatus::Skipped | FileStatus::Unreadable => "unreadable",
    };
    let ctx = context! {
        province => about.province,
        unit => context! { code => &about.unit.code, name => &about.unit.name },
        file => about.file,
        received => about.received.format("%d/%m/%Y").to_string(),
        month_vi => about.month.vi(),
        status,
        read => s.read,
        accepted => s.accepted(),
        rejected => s.rejected,
        issues => Serde(&issues),
        errors,
    };
    let verdict = if errors {
        "có lỗi cần sửa"
    } else {
        "hợp lệ"
    };
    Ok(Email {
        name: about.name.clone(),
        to: about.unit.emails.clone(),
        subject: format!(
            "Biên nhận báo cáo tháng {} của {}: {} ({verdict})",
            about.month.vi(),
            about.unit.name,
            about.file
        ),
        text: render(env, "receipt.txt", &ctx)?,
        html: render(env, "receipt.html", &ctx)?,
        attachment: None,
    })
}
