//! Diagnostics: the one way every part of chibo reports a problem with its input.
//!
//! A [`Diagnostic`] is structured data (severity, stable code, location, message,
//! offending value), never a pre-formatted string. The terminal line, the JSON issue of
//! `summary.json`, the `Lỗi dữ liệu` sheet and a unit's feedback email all render the
//! same struct.

use std::fmt;

use serde::ser::{Serialize, SerializeStruct, Serializer};

/// How bad a problem is. Errors reject a row (or stop a run when the roster is at fault);
/// warnings and notices never change a figure.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// The value cannot be used.
    Error,
    /// The value was used, but someone should look at it.
    Warning,
    /// For information only.
    Notice,
}

impl Severity {
    /// The English word used in diagnostics and in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Notice => "notice",
        }
    }

    /// The Vietnamese word used in workbooks and emails.
    pub fn label_vi(self) -> &'static str {
        match self {
            Severity::Error => "Lỗi",
            Severity::Warning => "Cảnh báo",
            Severity::Notice => "Lưu ý",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

macro_rules! codes {
    ($($(#[doc = $doc:literal])* $variant:ident => $text:literal,)*) => {
        /// Stable diagnostic codes. Scripts and the office's own checklists depend on
        /// them: a code is never renamed or reused.
        ///
        /// The order of the variants means nothing: listings order codes by their
        /// name ([`Code::as_str`]), so `Code` is deliberately not `Ord`, and a new code
        /// may go anywhere.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Code {
            $($(#[doc = $doc])* $variant,)*
        }

        impl Code {
            /// Every code, in declaration order.
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];

            /// The code as printed and serialized.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Code::$variant => $text,)*
                }
            }
        }
    };
}

codes! {
    /// The roster workbook cannot be opened or read.
    RosterUnreadable => "roster-unreadable",
    /// One of the four roster sheets is missing.
    RosterMissingSheet => "roster-missing-sheet",
    /// A roster sheet has no header row with the required columns.
    RosterMissingColumn => "roster-missing-column",
    /// Two roster header cells name the same column.
    RosterDuplicateColumn => "roster-duplicate-column",
    /// A roster header cell names no known column.
    RosterUnknownColumn => "roster-unknown-column",
    /// A required roster value is blank.
    RosterMissingValue => "roster-missing-value",
    /// A unit, cell or cadre code appears twice.
    RosterDuplicateCode => "roster-duplicate-code",
    /// A unit code that is not in the `Đơn vị` sheet.
    RosterUnknownUnit => "roster-unknown-unit",
    /// A cadre code that is not in the `Cán bộ` sheet.
    RosterUnknownCadre => "roster-unknown-cadre",
    /// A cell code that is not in the `Chi bộ` sheet.
    RosterUnknownCell => "roster-unknown-cell",
    /// A group code that the configuration does not define.
    RosterBadGroup => "roster-bad-group",
    /// A number, day, flag or month list that cannot be read.
    RosterBadValue => "roster-bad-value",
    /// An email address that cannot be used.
    RosterBadEmail => "roster-bad-email",
    /// The same cadre and cell assigned twice.
    RosterDuplicateAssignment => "roster-duplicate-assignment",
    /// Two cells with the same name in the same commune: reports must use the code.
    RosterAmbiguousCellName => "roster-ambiguous-cell-name",
    /// A file in the inbox that is not a spreadsheet; skipped.
    FileSkipped => "file-skipped",
    /// A workbook that cannot be opened (corrupt, encrypted, truncated, not a workbook).
    FileUnreadable => "file-unreadable",
    /// A workbook beyond chibo's resource limits.
    FileTooLarge => "file-too-large",
    /// The unit or month of a file cannot be told.
    FileUnidentified => "file-unidentified",
    /// The sources of a file's unit or month disagree.
    FileContradiction => "file-contradiction",
    /// No sheet holds the report table.
    ReportMissingTable => "report-missing-table",
    /// The report's header lacks a required column.
    ReportMissingColumn => "report-missing-column",
    /// Two header cells name the same column; the first is read.
    ReportDuplicateColumn => "report-duplicate-column",
    /// A header cell names no known column; ignored.
    ReportUnknownColumn => "report-unknown-column",
    /// More data rows than chibo reads from one sheet.
    ReportTooManyRows => "report-too-many-rows",
    /// A prefilled planned row left untouched: the meeting stays unreported.
    RowUnfilled => "row-unfilled",
    /// A required value is blank.
    RowMissingValue => "row-missing-value",
    /// A date that cannot be read.
    RowBadDate => "row-bad-date",
    /// A number that cannot be read.
    RowBadNumber => "row-bad-number",
    /// A value outside its list (attended, rating).
    RowBadValue => "row-bad-value",
    /// An absent cadre without a reason.
    RowMissingReason => "row-missing-reason",
    /// More members present than in the cell, or more resolved than raised.
    RowInconsistent => "row-inconsistent",
    /// A date after the report month or outside its year.
    RowDateOutOfRange => "row-date-out-of-range",
    /// A date in an earlier month of the year: accepted.
    RowEarlierMonth => "row-earlier-month",
    /// A cadre the roster does not have, or several it could be.
    RowUnknownCadre => "row-unknown-cadre",
    /// A cadre found only with diacritics ignored, or whose name disagrees with the code.
    RowCadreApproximate => "row-cadre-approximate",
    /// A cell (or commune) the roster does not have, or several it could be.
    RowUnknownCell => "row-unknown-cell",
    /// A cell found only with diacritics ignored, or whose name disagrees with the code.
    RowCellApproximate => "row-cell-approximate",
    /// Text typed in a legacy font encoding (TCVN3, VNI); converted to Unicode.
    TextLegacyEncoding => "text-legacy-encoding",
    /// A text longer than an Excel cell holds (32,767 characters); cut there.
    TextTooLong => "text-too-long",
    /// A recommendation row that cannot be used.
    RecBadRow => "rec-bad-row",
    /// A `Kiến nghị` header cell names no known column; ignored.
    RecUnknownColumn => "rec-unknown-column",
    /// Two `Kiến nghị` header cells name the same column; the first is read.
    RecDuplicateColumn => "rec-duplicate-column",
    /// A second file of a unit and month with identical content; the first received is used.
    FileDuplicate => "file-duplicate",
    /// An older version of a unit's report for the month; the newest is used.
    FileSuperseded => "file-superseded",
    /// The same cadre, cell and date reported again; the first occurrence counts.
    RowDuplicate => "row-duplicate",
    /// Attendance at a cell outside the cadre's area.
    RowOutsideArea => "row-outside-area",
    /// A recommendation code that is not in the register.
    RecUnknownCode => "rec-unknown-code",
    /// A line of a month folder's `received.txt` that cannot be read; ignored.
    ReceivedBadLine => "received-bad-line",
    /// A month folder's `received.txt` that cannot be read (no permission); received
    /// dates come from modification times.
    ReceivedUnreadable => "received-unreadable",
    /// A subfolder, a link or another entry of a month folder that is not a regular
    /// file: not followed, not read.
    InboxNotFollowed => "inbox-not-followed",
    /// The configuration file is missing or cannot be read.
    ConfigUnreadable => "config-unreadable",
    /// The configuration file is not valid TOML.
    ConfigSyntax => "config-syntax",
    /// A key the configuration does not have (at that place).
    ConfigUnknownKey => "config-unknown-key",
    /// A key written twice.
    ConfigDuplicateKey => "config-duplicate-key",
    /// A value of the wrong type (text for a number, a number for a list, …).
    ConfigWrongType => "config-wrong-type",
    /// A required key is missing (`province`, a new group's `area`, `email.smtp.host`,
    /// `email.from` when emails are sent).
    ConfigMissingKey => "config-missing-key",
    /// A key is given but left blank.
    ConfigMissingValue => "config-missing-value",
    /// A value outside its range or list, or an address that cannot be used.
    ConfigBadValue => "config-bad-value",
    /// An SMTP password written into the configuration file.
    ConfigPasswordInFile => "config-password-in-file",
    /// Unencrypted SMTP towards a host that is not on this machine.
    ConfigInsecureSmtp => "config-insecure-smtp",
    /// The IMAP server cannot be found or reached.
    ImapConnect => "imap-connect",
    /// The IMAP server did not answer in time.
    ImapTimeout => "imap-timeout",
    /// The IMAP connection's TLS: a certificate not trusted, a failed handshake, an
    /// unusable `ca_file`.
    ImapTls => "imap-tls",
    /// The IMAP server refused the username and password.
    ImapLogin => "imap-login",
    /// The folder (or done folder) of `[collect.imap]` does not exist.
    ImapFolder => "imap-folder",
    /// The IMAP connection broke or the server answered wrongly.
    ImapFailed => "imap-failed",
    /// The environment variable that should hold the IMAP password is unset or empty.
    ImapNoPassword => "imap-no-password",
    /// A message too large to fetch, left in the mailbox.
    ImapTooLarge => "imap-too-large",
    /// A message that could not be delivered; it stays in the outbox.
    EmailUndelivered => "email-undelivered",
    /// An email template that cannot be read, parsed or rendered.
    EmailTemplate => "email-template",
    /// A recipient address that cannot be used in a message.
    EmailBadAddress => "email-bad-address",
    /// `chibo send` without an `[email.smtp]` table.
    EmailNoSmtp => "email-no-smtp",
    /// The environment variable that should hold the SMTP password is unset or empty.
    EmailNoPassword => "email-no-password",
    /// The SMTP connection's TLS cannot be set up (an unusable CA certificate).
    EmailTls => "email-tls",
    /// A message whose content was sent whole but never acknowledged: it may have
    /// arrived; tried once more by the next pass, never more.
    EmailUncertain => "email-uncertain",
    /// The server refused a recipient for good; the others got the message.
    EmailRecipientRefused => "email-recipient-refused",
    /// A delivery (or refusal) that `delivered.log` could not record.
    EmailUnrecorded => "email-unrecorded",
    /// A file of an outbox that is not a queued message: never sent.
    EmailStray => "email-stray",
    /// A line of `delivered.log` that cannot be read.
    EmailLogDamaged => "email-log-damaged",
    /// A collected message that cannot be parsed as an email: nothing saved.
    CollectBadMessage => "collect-bad-message",
    /// An attachment beyond the size or zip limits: not saved.
    CollectRefused => "collect-refused",
    /// An attachment from an address that is no unit's: put in `quarantine/`.
    CollectQuarantined => "collect-quarantined",
    /// An attachment that is not a spreadsheet: left aside.
    CollectIgnored => "collect-ignored",
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An absolute, zero-based cell position, rendered as `D14`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CellRef {
    /// Zero-based row (row 1 in Excel is 0).
    pub row: u32,
    /// Zero-based column (column A is 0).
    pub col: u32,
}

impl CellRef {
    /// The cell at zero-based `row` and `col`.
    pub fn new(row: u32, col: u32) -> CellRef {
        CellRef { row, col }
    }

    /// Parses an A1-style reference such as `D14`.
    pub fn parse(a1: &str) -> Option<CellRef> {
        let split = a1.find(|c: char| c.is_ascii_digit())?;
        let (letters, digits) = a1.split_at(split);
        if letters.is_empty() || !letters.bytes().all(|b| b.is_ascii_uppercase()) {
            return None;
        }
        let col = letters.bytes().try_fold(0u32, |acc, b| {
            acc.checked_mul(26)?.checked_add(u32::from(b - b'A') + 1)
        })?;
        let row: u32 = digits.parse().ok()?;
        Some(CellRef::new(row.checked_sub(1)?, col - 1))
    }

    /// The column letters (`A`, `Z`, `AA`, …).
    pub fn column_name(col: u32) -> String {
        let mut n = col + 1;
        let mut letters = Vec::new();
        while n > 0 {
            let rem = (n - 1) % 26;
            letters.push(char::from(b'A' + u8::try_from(rem).expect("rem < 26")));
            n = (n - 1) / 26;
        }
        letters.iter().rev().collect()
    }
}

impl fmt::Display for CellRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}{}",
            CellRef::column_name(self.col),
            u64::from(self.row) + 1
        )
    }
}

/// Where a problem is: a file, optionally a line of it (a text file such as
/// `chibo.toml`) or a sheet in it, optionally a cell in that sheet. The field order is
/// the sort order of issues (SPEC §8): file, then sheet with file-level issues first,
/// then row, then column; a line comes after the sheet and cell, which a text file has
/// none of.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Location {
    /// Path relative to the workspace, with `/`, in NFC.
    pub file: Option<String>,
    /// Sheet name, in NFC.
    pub sheet: Option<String>,
    /// Absolute cell position.
    pub cell: Option<CellRef>,
    /// 1-based line of a text file. Never set with a sheet; not part of `summary.json`,
    /// whose issues all come from workbooks.
    pub line: Option<usize>,
}

impl Location {
    /// A whole file.
    pub fn file(file: impl Into<String>) -> Location {
        Location {
            file: Some(file.into()),
            ..Location::default()
        }
    }

    /// A line of a text file, rendered `chibo.toml:12`.
    pub fn line(file: impl Into<String>, line: usize) -> Location {
        Location {
            file: Some(file.into()),
            line: Some(line),
            ..Location::default()
        }
    }

    /// A whole sheet of a file.
    pub fn sheet(file: impl Into<String>, sheet: impl Into<String>) -> Location {
        Location {
            file: Some(file.into()),
            sheet: Some(sheet.into()),
            ..Location::default()
        }
    }

    /// One cell of a sheet.
    pub fn cell(file: impl Into<String>, sheet: impl Into<String>, cell: CellRef) -> Location {
        Location {
            file: Some(file.into()),
            sheet: Some(sheet.into()),
            cell: Some(cell),
            line: None,
        }
    }
}

/// `FILE`, `FILE:LINE`, `FILE:SHEET` or `FILE:SHEET!CELL`.
impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.file.as_deref().unwrap_or("-"))?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if let Some(sheet) = &self.sheet {
            write!(f, ":{sheet}")?;
            if let Some(cell) = self.cell {
                write!(f, "!{cell}")?;
            }
        }
        Ok(())
    }
}

/// One problem found in the input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// How bad it is.
    pub severity: Severity,
    /// Stable code.
    pub code: Code,
    /// The unit whose file it concerns, when known.
    pub unit: Option<String>,
    /// Where it is.
    pub location: Location,
    /// What is wrong and what to do, in Vietnamese.
    pub message: String,
    /// The offending value as it stood in the cell, when there is one.
    pub value: Option<String>,
}

impl Diagnostic {
    /// An error at `location`.
    pub fn error(code: Code, location: Location, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(Severity::Error, code, location, message)
    }

    /// A warning at `location`.
    pub fn warning(code: Code, location: Location, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(Severity::Warning, code, location, message)
    }

    /// A notice at `location`.
    pub fn notice(code: Code, location: Location, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(Severity::Notice, code, location, message)
    }

    fn new(
        severity: Severity,
        code: Code,
        location: Location,
        message: impl Into<String>,
    ) -> Diagnostic {
        Diagnostic {
            severity,
            code,
            unit: None,
            location,
            // A value quoted in the message is shortened: the message is shown on a
            // terminal, in a cell of `Lỗi dữ liệu` and in an email.
            message: crate::text::shorten_quoted(message.into()),
            value: None,
        }
    }

    /// The same diagnostic carrying the offending value, shortened to
    /// [`crate::text::SHOWN_CHARS`] characters and «…» when longer.
    #[must_use]
    pub fn with_value(mut self, value: impl Into<String>) -> Diagnostic {
        let value = value.into();
        self.value = Some(match crate::text::shorten(&value) {
            std::borrow::Cow::Borrowed(_) => value,
            std::borrow::Cow::Owned(short) => short,
        });
        self
    }

    /// The same diagnostic attributed to a unit.
    #[must_use]
    pub fn with_unit(mut self, unit: impl Into<String>) -> Diagnostic {
        self.unit = Some(unit.into());
        self
    }

    /// The message followed by the offending value, as terminals and JSON show it.
    pub fn full_message(&self) -> String {
        match &self.value {
            Some(value) => format!("{} (giá trị: «{value}»)", self.message),
            None => self.message.clone(),
        }
    }

    /// The diagnostic as one terminal line with ANSI styles; `anstream` strips them when
    /// the output is not a terminal.
    pub fn styled(&self) -> String {
        let style = match self.severity {
            Severity::Error => anstyle::AnsiColor::Red.on_default().bold(),
            Severity::Warning => anstyle::AnsiColor::Yellow.on_default().bold(),
            Severity::Notice => anstyle::AnsiColor::Cyan.on_default(),
        };
        let bold = anstyle::Style::new().bold();
        format!(
            "{bold}{}{bold:#}: {style}{}{style:#}[{}]: {}",
            terminal_safe(&self.location.to_string()),
            self.severity,
            self.code,
            terminal_safe(&self.full_message())
        )
    }

    /// The order of issues in every listing (SPEC §8): by location; at one location,
    /// errors first, then by the code's name, then by message. The code's name, not its
    /// place in [`Code`], so that adding a code never reorders an output.
    pub fn sort_key(&self) -> (&Location, Severity, &'static str, &str) {
        (
            &self.location,
            self.severity,
            self.code.as_str(),
            &self.message,
        )
    }
}

/// `FILE:SHEET!CELL: severity[CODE]: message`, plain, on one line.
impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {}[{}]: {}",
            terminal_safe(&self.location.to_string()),
            self.severity,
            self.code,
            terminal_safe(&self.full_message())
        )
    }
}

/// `text` with its control characters written as escapes (`\n`, `\r`, `\t`,
/// `\u{1b}`): a file name, a sheet name or a value holding a line break or a terminal
/// escape cannot start a line of its own, forge a diagnostic or restyle the terminal.
/// Vietnamese and other printable text is left as it is.
pub fn terminal_safe(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(char::is_control) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut safe = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if c.is_control() {
            safe.extend(c.escape_default());
        } else {
            safe.push(c);
        }
    }
    std::borrow::Cow::Owned(safe)
}

/// The `issues[]` item of `summary.json` (SPEC §8), exactly these keys in this order.
impl Serialize for Diagnostic {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("Issue", 7)?;
        s.serialize_field("severity", self.severity.as_str())?;
        s.serialize_field("code", self.code.as_str())?;
        s.serialize_field("unit", &self.unit)?;
        s.serialize_field("file", &self.location.file)?;
        s.serialize_field("sheet", &self.location.sheet)?;
        s.serialize_field("cell", &self.location.cell.map(|c| c.to_string()))?;
        s.serialize_field("message", &self.full_message())?;
        s.end()
    }
}

/// Sorts diagnostics into the order every listing uses.
pub fn sort(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
}

/// Whether any diagnostic is an error.
pub fn has_errors(diagnostics: &[Diagnostic]) -> bool {
    diagnostics.iter().any(|d| d.severity == Severity::Error)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A file name with a line break cannot make a diagnostic line of its own.
    #[test]
    fn control_characters_are_escaped_on_the_terminal() {
        assert_eq!(terminal_safe("Yên Châu.xlsx"), "Yên Châu.xlsx");
        assert_eq!(
            terminal_safe("a\tb\r\nc\u{1b}[31m"),
            "a\\tb\\r\\nc\\u{1b}[31m"
        );
        let forged = "YC.xlsx\nTP.xlsx: error[row-bad-date]: giả";
        let d = Diagnostic::notice(Code::FileSkipped, Location::file(forged), "bỏ qua")
            .with_value("dòng 1\tx");
        for line in [d.to_string(), d.styled()] {
            assert_eq!(line.lines().count(), 1, "{line}");
            assert!(line.contains("YC.xlsx\\nTP.xlsx") && line.contains("dòng 1\\tx"));
        }
    }

    #[test]
    fn cell_refs_round_trip() {
        let cases = [
            (0, 0, "A1"),
            (13, 3, "D14"),
            (0, 25, "Z1"),
            (0, 26, "AA1"),
            (99, 701, "ZZ100"),
            (0, 702, "AAA1"),
        ];
        for (row, col, a1) in cases {
            assert_eq!(CellRef::new(row, col).to_string(), a1);
            assert_eq!(CellRef::parse(a1), Some(CellRef::new(row, col)), "{a1}");
        }
        for bad in ["", "A", "14", "A0", "d14", "Ä1"] {
            assert_eq!(CellRef::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn renders_file_sheet_cell() {
        let d = Diagnostic::error(
            Code::RosterDuplicateCode,
            Location::cell("roster.xlsx", "Cán bộ", CellRef::new(13, 3)),
            "Mã cán bộ trùng với dòng 5",
        )
        .with_value("C01");
        assert_eq!(
            d.to_string(),
            "roster.xlsx:Cán bộ!D14: error[roster-duplicate-code]: Mã cán bộ trùng với dòng 5 (giá trị: «C01»)"
        );
        let file_only = Diagnostic::notice(Code::RosterUnreadable, Location::file("a.xlsx"), "x");
        assert_eq!(
            file_only.to_string(),
            "a.xlsx: notice[roster-unreadable]: x"
        );
    }

    #[test]
    fn serializes_as_summary_issue() {
        let d = Diagnostic::warning(
            Code::RosterBadEmail,
            Location::cell("r.xlsx", "Đơn vị", CellRef::new(2, 2)),
            "m",
        )
        .with_unit("YC");
        let json = serde_json::to_string(&d).unwrap();
        assert_eq!(
            json,
            r#"{"severity":"warning","code":"roster-bad-email","unit":"YC","file":"r.xlsx","sheet":"Đơn vị","cell":"C3","message":"m"}"#
        );
    }

    #[test]
    fn sorts_file_level_first_then_row_then_column() {
        let at = |sheet: Option<&str>, cell: Option<(u32, u32)>| {
            let location = Location {
                file: Some("f.xlsx".into()),
                sheet: sheet.map(Into::into),
                cell: cell.map(|(r, c)| CellRef::new(r, c)),
                line: None,
            };
            Diagnostic::error(Code::RosterBadValue, location, "")
        };
        let mut list = vec![
            at(Some("B"), Some((1, 0))),
            at(Some("A"), Some((2, 0))),
            at(Some("A"), Some((1, 5))),
            at(None, None),
            at(Some("A"), None),
        ];
        sort(&mut list);
        let order: Vec<String> = list.iter().map(|d| d.location.to_string()).collect();
        assert_eq!(
            order,
            [
                "f.xlsx",
                "f.xlsx:A",
                "f.xlsx:A!F2",
                "f.xlsx:A!A3",
                "f.xlsx:B!A2"
            ]
        );
    }

    #[test]
    fn codes_are_unique_and_kebab_case() {
        let mut seen = std::collections::HashSet::new();
        for code in Code::ALL {
            let s = code.as_str();
            assert!(seen.insert(s), "{s} twice");
            assert!(
                s.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'),
                "{s}"
            );
        }
    }

    #[test]
    fn a_line_of_a_text_file() {
        let d = Diagnostic::error(
            Code::ConfigUnknownKey,
            Location::line("chibo.toml", 2),
            "khóa không hợp lệ `provnce`",
        );
        assert_eq!(
            d.to_string(),
            "chibo.toml:2: error[config-unknown-key]: khóa không hợp lệ `provnce`"
        );
        let mut list = vec![
            Diagnostic::error(Code::ConfigBadValue, Location::line("chibo.toml", 10), ""),
            Diagnostic::error(Code::ConfigBadValue, Location::line("chibo.toml", 9), ""),
            Diagnostic::error(Code::ConfigMissingKey, Location::file("chibo.toml"), ""),
        ];
        sort(&mut list);
        let order: Vec<String> = list.iter().map(|d| d.location.to_string()).collect();
        assert_eq!(order, ["chibo.toml", "chibo.toml:9", "chibo.toml:10"]);
    }

    /// At one location and severity, codes sort by name: the declaration order of
    /// [`Code`] decides nothing.
    #[test]
    fn codes_sort_by_name_not_by_declaration() {
        let at = Location::cell("f.xlsx", "Báo cáo", CellRef::new(4, 1));
        // Declared in this order: row-unknown-cadre before row-cadre-approximate, and
        // roster-unreadable first of all.
        let mut list = vec![
            Diagnostic::warning(Code::RowUnknownCadre, at.clone(), "m"),
            Diagnostic::warning(Code::RowCadreApproximate, at.clone(), "m"),
            Diagnostic::warning(Code::RosterUnreadable, at.clone(), "m"),
            Diagnostic::warning(Code::FileSkipped, at, "m"),
        ];
        sort(&mut list);
        let codes: Vec<&str> = list.iter().map(|d| d.code.as_str()).collect();
        assert_eq!(
            codes,
            [
                "file-skipped",
                "roster-unreadable",
                "row-cadre-approximate",
                "row-unknown-cadre"
            ]
        );
        let mut names: Vec<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
        let declared = names.clone();
        names.sort_unstable();
        assert_ne!(
            names, declared,
            "the test above means something only if they differ"
        );
    }
}
