//! `chibo.toml` → validated [`Config`] (SPEC §2).
//!
//! Reading is two stages: serde into raw structs that mirror the file (unknown keys and
//! wrong types are rejected there, with the line), then validation into the settings
//! the rest of the program uses (defaults filled, paths made absolute, groups merged
//! over the defaults, addresses checked). Messages are in Vietnamese because the office
//! edits this file by hand.

use std::collections::BTreeMap;
use std::fmt;
use std::net::IpAddr;
use std::path::{Path, PathBuf};

use lettre::message::Mailbox;
use serde::Deserialize;
use toml::Spanned;

use crate::diagnostic::{Code, Diagnostic, Location};
use crate::model::{Area, Group};

/// The validated settings of a workspace.
#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    /// The configuration file as the user named it, for messages.
    pub path: String,
    /// The workspace folder (the folder of `chibo.toml`).
    pub root: PathBuf,
    /// Province name for titles and the document header.
    pub province: String,
    /// Absolute path of the roster workbook.
    pub roster: PathBuf,
    /// Absolute path of the inbox folder.
    pub inbox: PathBuf,
    /// Absolute path of the output folder.
    pub out: PathBuf,
    /// Reports for month M are due on this day of month M+1.
    pub deadline_day: u8,
    /// An unresolved recommendation older than this many days is overdue.
    pub overdue_days: u32,
    /// Whether attendance at a non-eligible cell counts toward the minimum.
    pub count_outside_area: bool,
    /// The office's UTC offset: received dates, deadlines and email dates are judged in
    /// it, never in the machine's time zone.
    pub timezone: chrono::FixedOffset,
    /// Attendee groups by code: the defaults merged with the file's.
    pub groups: BTreeMap<String, Group>,
    /// Email settings.
    pub email: EmailConfig,
    /// Where `chibo collect` takes reports from.
    pub collect: CollectConfig,
}

/// How emails leave.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Transport {
    /// `.eml` files in `out/YYYY-MM/outbox/`.
    #[default]
    Outbox,
    /// Delivery over SMTP.
    Smtp,
}

/// How a mail server connection (SMTP or IMAP) is protected.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Security {
    /// Plain connection upgraded with STARTTLS (SMTP port 587, IMAP 143).
    #[default]
    Starttls,
    /// Implicit TLS (SMTP port 465, IMAP 993).
    Tls,
    /// No encryption: allowed only to a loopback host.
    None,
}

/// The `[email]` table.
#[derive(Clone, Debug, PartialEq)]
pub struct EmailConfig {
    /// How emails leave.
    pub transport: Transport,
    /// Sender mailbox, e.g. `Ban Tổ chức Tỉnh ủy <bantochuc@example.vn>`.
    pub from: Option<Mailbox>,
    /// Recipients of the leadership summary.
    pub leadership: Vec<Mailbox>,
    /// Whether each unit gets its feedback email.
    pub unit_feedback: bool,
    /// SMTP settings, when given.
    pub smtp: Option<SmtpConfig>,
}

/// The `[email.smtp]` table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SmtpConfig {
    /// Server host name or address.
    pub host: String,
    /// Server port.
    pub port: u16,
    /// Connection security.
    pub security: Security,
    /// Login name, when the server needs one.
    pub username: Option<String>,
    /// Name of the environment variable holding the password.
    pub password_env: String,
    /// A CA certificate (PEM) to trust besides the public ones, for a province mail
    /// server with its own CA; absolute.
    pub ca_file: Option<PathBuf>,
}

/// The `[collect]` table.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CollectConfig {
    /// The office's IMAP mailbox, when given (`[collect.imap]`).
    pub imap: Option<ImapConfig>,
}

/// The `[collect.imap]` table: the office's mailbox that units send reports to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImapConfig {
    /// Server host name or address.
    pub host: String,
    /// Server port (993 with `tls`, 143 otherwise).
    pub port: u16,
    /// Connection security (default `tls`).
    pub security: Security,
    /// Login name.
    pub username: String,
    /// Name of the environment variable holding the password.
    pub password_env: String,
    /// A CA certificate (PEM) to trust besides the public ones; absolute.
    pub ca_file: Option<PathBuf>,
    /// The folder read (default `INBOX`), as people name it (Unicode).
    pub folder: String,
    /// The folder a collected message is moved to; `None` marks it seen where it is.
    pub done_folder: Option<String>,
}

impl ImapConfig {
    /// The password, read from the environment variable `password_env`.
    ///
    /// # Errors
    /// The variable is unset or empty.
    pub fn password_from(
        &self,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<String, MissingPassword> {
        secret(&self.password_env, env)
    }
}

/// The value of the environment variable `var`, which must not be empty.
fn secret(var: &str, env: impl Fn(&str) -> Option<String>) -> Result<String, MissingPassword> {
    match env(var) {
        Some(p) if !p.is_empty() => Ok(p),
        _ => Err(MissingPassword {
            var: var.to_owned(),
        }),
    }
}

impl SmtpConfig {
    /// The password, read from the environment variable the configuration names; the
    /// secret never lives in the file or on the command line. `None` without a username.
    ///
    /// # Errors
    /// The variable is unset or empty.
    pub fn password(&self) -> Result<Option<String>, MissingPassword> {
        self.password_from(|name| std::env::var(name).ok())
    }

    /// [`SmtpConfig::password`] with the environment given as a lookup function.
    ///
    /// # Errors
    /// As for [`SmtpConfig::password`].
    pub fn password_from(
        &self,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Option<String>, MissingPassword> {
        if self.username.is_none() {
            return Ok(None);
        }
        secret(&self.password_env, env).map(Some)
    }
}

/// The environment variable that should hold the SMTP password is unset or empty.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("chưa có mật khẩu SMTP: hãy đặt biến môi trường {var} trước khi gửi thư")]
pub struct MissingPassword {
    /// The variable's name.
    pub var: String,
}

/// Everything wrong with a configuration file, each problem with its code and line.
#[derive(Debug, thiserror::Error)]
pub struct ConfigError {
    /// The file as the user named it.
    pub path: String,
    /// The problems, in file order.
    pub problems: Vec<Problem>,
}

/// One problem of a configuration file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// What kind of problem, as diagnostics name it.
    pub code: Code,
    /// 1-based line, when the problem sits on one.
    pub line: Option<usize>,
    /// The key concerned, dotted (`email.smtp.host`), when there is one.
    pub key: Option<String>,
    /// What is wrong, in Vietnamese.
    pub message: String,
}

impl ConfigError {
    fn single(path: &str, code: Code, message: String) -> ConfigError {
        ConfigError {
            path: path.to_owned(),
            problems: vec![Problem {
                code,
                line: None,
                key: None,
                message,
            }],
        }
    }

    /// Every problem as a diagnostic: `chibo.toml:12: error[config-bad-value]: …`.
    pub fn diagnostics(&self) -> Vec<Diagnostic> {
        self.problems
            .iter()
            .map(|p| {
                let location = match p.line {
                    Some(line) => Location::line(&self.path, line),
                    None => Location::file(&self.path),
                };
                Diagnostic::error(p.code, location, &p.message)
            })
            .collect()
    }
}

/// One problem: its diagnostic line. Several: how many, for a line above the list of
/// [`ConfigError::diagnostics`].
impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.diagnostics().as_slice() {
            [one] => write!(f, "{one}"),
            list => write!(
                f,
                "tệp cấu hình {} có {} lỗi; hãy sửa rồi chạy lại",
                self.path,
                list.len()
            ),
        }
    }
}

impl Config {
    /// Reads and validates the configuration file at `path`; the workspace is its folder.
    ///
    /// # Errors
    /// The file cannot be read, is not valid TOML, has unknown keys or wrong types, or
    /// fails validation. Every validation problem is listed at once.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let shown = path.display().to_string();
        let bytes = std::fs::read(path).map_err(|e| {
            let message = if e.kind() == std::io::ErrorKind::NotFound {
                "không tìm thấy tệp cấu hình; hãy chạy `chibo init` hoặc dùng --config".to_owned()
            } else {
                format!("không đọc được tệp cấu hình: {e}")
            };
            ConfigError::single(&shown, Code::ConfigUnreadable, message)
        })?;
        let text = text_of(&bytes, &shown)?;
        let root = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let root = std::path::absolute(&root).unwrap_or(root);
        Config::parse(&text, &shown, &root)
    }

    /// Validates configuration `text` read from `path` (used in messages) for the
    /// workspace `root`. Pure: touches no file.
    ///
    /// # Errors
    /// As for [`Config::load`].
    pub fn parse(text: &str, path: &str, root: &Path) -> Result<Config, ConfigError> {
        let raw: RawConfig = toml::from_str(text).map_err(|e| ConfigError {
            path: path.to_owned(),
            problems: vec![translate(&e, text)],
        })?;
        let mut v = Validator {
            text,
            problems: Vec::new(),
        };
        let config = v.config(raw, path, root);
        if v.problems.is_empty() {
            Ok(config)
        } else {
            v.problems.sort_by_key(|p| p.line);
            Err(ConfigError {
                path: path.to_owned(),
                problems: v.problems,
            })
        }
    }

    /// The group of `code`, if the configuration defines it.
    pub fn group(&self, code: &str) -> Option<&Group> {
        self.groups.get(code)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    province: Option<Spanned<String>>,
    roster: Option<Spanned<String>>,
    inbox: Option<Spanned<String>>,
    out: Option<Spanned<String>>,
    deadline_day: Option<Spanned<i64>>,
    overdue_days: Option<Spanned<i64>>,
    count_outside_area: Option<bool>,
    timezone: Option<Spanned<String>>,
    #[serde(default)]
    groups: BTreeMap<String, Spanned<RawGroup>>,
    email: Option<Spanned<RawEmail>>,
    collect: Option<RawCollect>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCollect {
    imap: Option<Spanned<RawImap>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawImap {
    host: Option<Spanned<String>>,
    port: Option<Spanned<i64>>,
    security: Option<Spanned<Security>>,
    username: Option<String>,
    password_env: Option<Spanned<String>>,
    /// Present only so that a password written into the file gets its own message.
    password: Option<Spanned<toml::Value>>,
    ca_file: Option<String>,
    folder: Option<Spanned<String>>,
    done_folder: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGroup {
    name: Option<Spanned<String>>,
    area: Option<Area>,
    quota: Option<Spanned<i64>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEmail {
    transport: Option<Spanned<Transport>>,
    from: Option<Spanned<String>>,
    leadership: Option<Vec<Spanned<String>>>,
    unit_feedback: Option<bool>,
    smtp: Option<Spanned<RawSmtp>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSmtp {
    host: Option<Spanned<String>>,
    port: Option<Spanned<i64>>,
    security: Option<Spanned<Security>>,
    username: Option<String>,
    password_env: Option<Spanned<String>>,
    /// Present only so that a password written into the file gets its own message.
    password: Option<Spanned<toml::Value>>,
    ca_file: Option<String>,
}

/// The longest province name: it is part of the workbook's title, which Excel's page
/// header (255 characters at most) repeats, and of the document header's cells.
const PROVINCE_CHARS: usize = 100;

/// The longest group name, written in cells of the workbook and the templates.
const GROUP_NAME_CHARS: usize = 200;

/// The message for an `[email]` table that sends mail without `from`.
pub const MISSING_SENDER: &str = "chưa có địa chỉ người gửi thư: hãy ghi khóa `from` trong bảng [email] (ví dụ from = \"Ban Tổ chức Tỉnh ủy <bantochuc@example.vn>\"), hoặc đặt unit_feedback = false và bỏ leadership nếu không gửi thư";

struct Validator<'a> {
    text: &'a str,
    problems: Vec<Problem>,
}

impl Validator<'_> {
    fn problem<T>(&mut self, at: &Spanned<T>, code: Code, key: &str, message: String) {
        self.problems.push(Problem {
            code,
            line: Some(line_of(self.text, at.span().start)),
            key: Some(key.to_owned()),
            message,
        });
    }

    fn config(&mut self, raw: RawConfig, path: &str, root: &Path) -> Config {
        let province = match raw.province {
            Some(p) if p.get_ref().chars().count() > PROVINCE_CHARS => {
                let message = format!(
                    "khóa `province` dài {} ký tự, quá {PROVINCE_CHARS} ký tự: tên tỉnh nằm trong tiêu đề, đầu trang và các ô của bảng tổng hợp; hãy ghi tên tỉnh ngắn gọn",
                    p.get_ref().chars().count()
                );
                self.problem(&p, Code::ConfigBadValue, "province", message);
                String::new()
            }
            Some(p) if !p.get_ref().trim().is_empty() => crate::text::clean(p.get_ref()),
            Some(p) => {
                self.problem(
                    &p,
                    Code::ConfigMissingValue,
                    "province",
                    "khóa `province` đang trống: hãy điền tên tỉnh".into(),
                );
                String::new()
            }
            None => {
                self.problems.push(Problem {
                    code: Code::ConfigMissingKey,
                    line: None,
                    key: Some("province".into()),
                    message: "thiếu khóa bắt buộc `province` (tên tỉnh, dùng trong tiêu đề)".into(),
                });
                String::new()
            }
        };
        let deadline_day = self.ranged(raw.deadline_day, "deadline_day", 5, 1, 31);
        let overdue_days = self.ranged(raw.overdue_days, "overdue_days", 30, 0, 3660);
        Config {
            path: path.to_owned(),
            root: root.to_path_buf(),
            province,
            roster: self.path(raw.roster, "roster", "roster.xlsx", root),
            inbox: self.path(raw.inbox, "inbox", "inbox", root),
            out: self.path(raw.out, "out", "out", root),
            deadline_day: u8::try_from(deadline_day).unwrap_or(5),
            overdue_days: u32::try_from(overdue_days).unwrap_or(30),
            count_outside_area: raw.count_outside_area.unwrap_or(false),
            timezone: self.timezone(raw.timezone),
            groups: self.groups(raw.groups),
            email: self.email(raw.email, root),
            collect: CollectConfig {
                imap: raw
                    .collect
                    .and_then(|c| c.imap)
                    .and_then(|i| self.imap(&i, root)),
            },
        }
    }

    fn timezone(&mut self, value: Option<Spanned<String>>) -> chrono::FixedOffset {
        let Some(v) = value else {
            return crate::clock::vietnam();
        };
        crate::clock::parse_offset(v.get_ref().trim()).unwrap_or_else(|| {
            let message = format!(
                "khóa `timezone` phải là độ lệch giờ so với UTC dạng «+07:00» hay «-05:30» (giờ Việt Nam là \"+07:00\"), nhưng ghi là «{}»",
                v.get_ref()
            );
            self.problem(&v, Code::ConfigBadValue, "timezone", message);
            crate::clock::vietnam()
        })
    }

    fn ranged(
        &mut self,
        value: Option<Spanned<i64>>,
        key: &str,
        default: i64,
        min: i64,
        max: i64,
    ) -> i64 {
        match value {
            None => default,
            Some(v) if (min..=max).contains(v.get_ref()) => *v.get_ref(),
            Some(v) => {
                let message = format!(
                    "khóa `{key}` phải từ {min} đến {max}, nhưng ghi là {}",
                    v.get_ref()
                );
                self.problem(&v, Code::ConfigBadValue, key, message);
                default
            }
        }
    }

    fn path(
        &mut self,
        value: Option<Spanned<String>>,
        key: &str,
        default: &str,
        root: &Path,
    ) -> PathBuf {
        match value {
            None => root.join(default),
            Some(v) if v.get_ref().trim().is_empty() => {
                self.problem(
                    &v,
                    Code::ConfigMissingValue,
                    key,
                    format!("khóa `{key}` đang trống: hãy ghi một đường dẫn"),
                );
                root.join(default)
            }
            Some(v) => root.join(v.get_ref()),
        }
    }

    fn groups(&mut self, raw: BTreeMap<String, Spanned<RawGroup>>) -> BTreeMap<String, Group> {
        let mut groups: BTreeMap<String, Group> = Group::defaults()
            .into_iter()
            .map(|g| (g.code.clone(), g))
            .collect();
        for (code, spanned) in raw {
            let key = format!("groups.{code}");
            let code = code.trim().to_owned();
            if code.is_empty() || code.chars().any(char::is_whitespace) {
                self.problem(
                    &spanned,
                    Code::ConfigBadValue,
                    &key,
                    format!("mã nhóm «{code}» không hợp lệ: không được trống hay có dấu cách"),
                );
                continue;
            }
            let default = groups.get(&code).cloned();
            let raw = spanned.get_ref();
            let quota = match &raw.quota {
                Some(q) if (0..=366).contains(q.get_ref()) => u32::try_from(*q.get_ref()).ok(),
                Some(q) => {
                    self.problem(
                        q,
                        Code::ConfigBadValue,
                        &format!("{key}.quota"),
                        format!("`quota` phải từ 0 đến 366, nhưng ghi là {}", q.get_ref()),
                    );
                    None
                }
                None => None,
            };
            let Some(area) = raw.area.or(default.as_ref().map(|g| g.area)) else {
                let message = format!(
                    "nhóm mới `{code}` cần khóa `area` (\"province\", \"unit\" hoặc \"assigned\")"
                );
                self.problem(&spanned, Code::ConfigMissingKey, &key, message);
                continue;
            };
            if let Some(name) = &raw.name
                && name.get_ref().chars().count() > GROUP_NAME_CHARS
            {
                let message = format!(
                    "tên nhóm dài {} ký tự, quá {GROUP_NAME_CHARS} ký tự mà các ô của bảng tổng hợp và mẫu báo cáo dùng; hãy ghi ngắn gọn",
                    name.get_ref().chars().count()
                );
                self.problem(name, Code::ConfigBadValue, &format!("{key}.name"), message);
                continue;
            }
            let group = Group {
                name: raw
                    .name
                    .as_ref()
                    .map(|n| crate::text::clean(n.get_ref()))
                    .or(default.as_ref().map(|g| g.name.clone()))
                    .unwrap_or_else(|| code.clone()),
                area,
                quota: quota.or(default.as_ref().map(|g| g.quota)).unwrap_or(0),
                code: code.clone(),
            };
            groups.insert(code, group);
        }
        groups
    }

    fn email(&mut self, raw: Option<Spanned<RawEmail>>, root: &Path) -> EmailConfig {
        let Some(spanned) = raw else {
            return EmailConfig {
                transport: Transport::Outbox,
                from: None,
                leadership: Vec::new(),
                unit_feedback: true,
                smtp: None,
            };
        };
        let table_line = line_of(self.text, spanned.span().start);
        let raw = spanned.into_inner();
        let unit_feedback = raw.unit_feedback.unwrap_or(true);
        let sends = unit_feedback || raw.leadership.as_ref().is_some_and(|l| !l.is_empty());
        // Every message, queued as a file or sent at once, needs a sender: without one
        // `run` would stop after writing its outputs, so the file is refused here.
        if sends && raw.from.is_none() {
            self.problems.push(Problem {
                code: Code::ConfigMissingKey,
                line: Some(table_line),
                key: Some("email.from".into()),
                message: MISSING_SENDER.into(),
            });
        }
        let from = raw.from.and_then(|f| self.mailbox(&f, "email.from"));
        let leadership = raw
            .leadership
            .unwrap_or_default()
            .iter()
            .filter_map(|a| self.mailbox(a, "email.leadership"))
            .collect();
        let smtp = raw.smtp.and_then(|s| self.smtp(&s, root));
        let transport = match raw.transport {
            Some(t) if *t.get_ref() == Transport::Smtp && smtp.is_none() => {
                self.problem(
                    &t,
                    Code::ConfigMissingKey,
                    "email.transport",
                    "`transport = \"smtp\"` cần bảng [email.smtp] có `host`".into(),
                );
                Transport::Smtp
            }
            Some(t) => *t.get_ref(),
            None => Transport::Outbox,
        };
        EmailConfig {
            transport,
            from,
            leadership,
            unit_feedback,
            smtp,
        }
    }

    fn mailbox(&mut self, value: &Spanned<String>, key: &str) -> Option<Mailbox> {
        let parsed = value.get_ref().trim().parse::<Mailbox>().ok();
        if parsed.is_none() {
            let message = format!(
                "địa chỉ thư «{}» của khóa `{key}` không hợp lệ",
                value.get_ref()
            );
            self.problem(value, Code::ConfigBadValue, key, message);
        }
        parsed
    }

    fn smtp(&mut self, spanned: &Spanned<RawSmtp>, root: &Path) -> Option<SmtpConfig> {
        let raw = spanned.get_ref();
        let server = self.server(
            spanned,
            &ServerKeys {
                table: "email.smtp",
                host: raw.host.as_ref(),
                port: raw.port.as_ref(),
                security: raw.security.as_ref(),
                password_env: raw.password_env.as_ref(),
                password: raw.password.as_ref(),
                ca_file: raw.ca_file.as_deref(),
            },
            &SMTP_DEFAULTS,
            root,
        )?;
        Some(SmtpConfig {
            host: server.host,
            port: server.port,
            security: server.security,
            username: raw
                .username
                .as_deref()
                .map(str::trim)
                .filter(|u| !u.is_empty())
                .map(str::to_owned),
            password_env: server.password_env,
            ca_file: server.ca_file,
        })
    }

    fn imap(&mut self, spanned: &Spanned<RawImap>, root: &Path) -> Option<ImapConfig> {
        let raw = spanned.get_ref();
        let server = self.server(
            spanned,
            &ServerKeys {
                table: "collect.imap",
                host: raw.host.as_ref(),
                port: raw.port.as_ref(),
                security: raw.security.as_ref(),
                password_env: raw.password_env.as_ref(),
                password: raw.password.as_ref(),
                ca_file: raw.ca_file.as_deref(),
            },
            &IMAP_DEFAULTS,
            root,
        );
        let username = raw
            .username
            .as_deref()
            .map(str::trim)
            .filter(|u| !u.is_empty())
            .map(str::to_owned);
        if username.is_none() {
            self.problem(
                spanned,
                Code::ConfigMissingKey,
                "collect.imap.username",
                "bảng [collect.imap] cần khóa `username` (tên đăng nhập hộp thư)".into(),
            );
        }
        let folder = self.folder(raw.folder.as_ref(), "collect.imap.folder");
        let done_folder = raw
            .done_folder
            .as_ref()
            .and_then(|f| self.folder(Some(f), "collect.imap.done_folder"));
        if let (Some(done), Some(folder)) = (&done_folder, &folder) {
            if done == folder {
                let message = format!(
                    "`done_folder` phải khác `folder` (cả hai là «{folder}»): thư đã lấy được chuyển sang thư mục khác"
                );
                if let Some(at) = &raw.done_folder {
                    self.problem(
                        at,
                        Code::ConfigBadValue,
                        "collect.imap.done_folder",
                        message,
                    );
                }
            }
        }
        let server = server?;
        Some(ImapConfig {
            host: server.host,
            port: server.port,
            security: server.security,
            username: username?,
            password_env: server.password_env,
            ca_file: server.ca_file,
            folder: folder?,
            done_folder,
        })
    }

    /// A folder name: `INBOX` when not given; never empty.
    fn folder(&mut self, value: Option<&Spanned<String>>, key: &str) -> Option<String> {
        let Some(v) = value else {
            return Some("INBOX".to_owned());
        };
        let name = crate::text::clean(v.get_ref());
        if name.is_empty() {
            self.problem(
                v,
                Code::ConfigMissingValue,
                key,
                format!("khóa `{key}` đang trống: hãy ghi tên thư mục thư (ví dụ \"INBOX\")"),
            );
            return None;
        }
        Some(name)
    }

    /// What `[email.smtp]` and `[collect.imap]` share: the server, its security (no
    /// encryption only to a loopback host), the password's variable (never the password
    /// itself) and the CA file.
    fn server<T>(
        &mut self,
        table_at: &Spanned<T>,
        keys: &ServerKeys<'_>,
        defaults: &ServerDefaults,
        root: &Path,
    ) -> Option<Server> {
        let table = keys.table;
        if let Some(p) = keys.password {
            let message = "không được ghi mật khẩu vào chibo.toml: hãy xóa `password` và đặt mật khẩu trong biến môi trường nêu ở `password_env`".into();
            self.problem(
                p,
                Code::ConfigPasswordInFile,
                &format!("{table}.password"),
                message,
            );
        }
        let security = keys.security.map_or(defaults.security, |s| *s.get_ref());
        let port = match keys.port {
            None => match security {
                Security::Starttls => defaults.ports[0],
                Security::Tls => defaults.ports[1],
                Security::None => defaults.ports[2],
            },
            Some(p) => u16::try_from(*p.get_ref())
                .ok()
                .filter(|&p| p > 0)
                .unwrap_or_else(|| {
                    self.problem(
                        p,
                        Code::ConfigBadValue,
                        &format!("{table}.port"),
                        format!(
                            "cổng `port` phải từ 1 đến 65535, nhưng ghi là {}",
                            p.get_ref()
                        ),
                    );
                    0
                }),
        };
        let password_env = match keys.password_env {
            Some(v) if !v.get_ref().trim().is_empty() => v.get_ref().trim().to_owned(),
            Some(v) => {
                self.problem(
                    v,
                    Code::ConfigMissingValue,
                    &format!("{table}.password_env"),
                    "`password_env` đang trống".into(),
                );
                String::new()
            }
            None => defaults.password_env.to_owned(),
        };
        let Some(host) = keys.host.filter(|h| !h.get_ref().trim().is_empty()) else {
            self.problem(
                table_at,
                Code::ConfigMissingKey,
                &format!("{table}.host"),
                format!("bảng [{table}] cần khóa `host`"),
            );
            return None;
        };
        let host_name = host.get_ref().trim().to_owned();
        if security == Security::None && !is_loopback(&host_name) {
            let message = format!(
                "`security = \"none\"` chỉ được dùng với máy chủ nội bộ (127.0.0.1, localhost), không với «{host_name}»: mật khẩu và thư sẽ đi không mã hóa"
            );
            self.problem(
                host,
                Code::ConfigInsecureSmtp,
                &format!("{table}.security"),
                message,
            );
        }
        Some(Server {
            host: host_name,
            port,
            security,
            password_env,
            ca_file: keys
                .ca_file
                .map(str::trim)
                .filter(|f| !f.is_empty())
                .map(|f| root.join(f)),
        })
    }
}

/// The keys of a mail server's table, as written.
struct ServerKeys<'a> {
    /// The table's dotted name, for messages.
    table: &'a str,
    host: Option<&'a Spanned<String>>,
    port: Option<&'a Spanned<i64>>,
    security: Option<&'a Spanned<Security>>,
    password_env: Option<&'a Spanned<String>>,
    password: Option<&'a Spanned<toml::Value>>,
    ca_file: Option<&'a str>,
}

/// A protocol's defaults.
struct ServerDefaults {
    security: Security,
    /// The port for `starttls`, `tls` and `none`.
    ports: [u16; 3],
    password_env: &'static str,
}

const SMTP_DEFAULTS: ServerDefaults = ServerDefaults {
    security: Security::Starttls,
    ports: [587, 465, 25],
    password_env: "CHIBO_SMTP_PASSWORD",
};

const IMAP_DEFAULTS: ServerDefaults = ServerDefaults {
    security: Security::Tls,
    ports: [143, 993, 143],
    password_env: "CHIBO_IMAP_PASSWORD",
};

/// A mail server's validated settings.
struct Server {
    host: String,
    port: u16,
    security: Security,
    password_env: String,
    ca_file: Option<PathBuf>,
}

fn is_loopback(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost")
        || host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// The text of a configuration file as Notepad may save it (UTF-8, with or without a
/// byte order mark, or UTF-16 with one); a line that is not readable text is an error
/// naming it.
fn text_of(bytes: &[u8], shown: &str) -> Result<String, ConfigError> {
    let lines = crate::text::decode_lines(bytes);
    let problems: Vec<Problem> = lines
        .iter()
        .enumerate()
        .filter(|(_, line)| line.is_none())
        .map(|(n, _)| Problem {
            code: Code::ConfigUnreadable,
            line: Some(n + 1),
            key: None,
            message: "dòng này không phải văn bản UTF-8 (có thể tệp được lưu bằng bảng mã khác, như «ANSI»); hãy mở tệp bằng Notepad, chọn Save As với Encoding là UTF-8 rồi lưu lại".into(),
        })
        .collect();
    if problems.is_empty() {
        Ok(lines.into_iter().flatten().collect::<Vec<_>>().join("\n"))
    } else {
        Err(ConfigError {
            path: shown.to_owned(),
            problems,
        })
    }
}

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

/// Turns a TOML or serde error into a Vietnamese problem with its line and key.
fn translate(error: &toml::de::Error, text: &str) -> Problem {
    let line = error.span().map(|s| line_of(text, s.start));
    let key_on_line = line.and_then(|l| {
        let src = text.lines().nth(l - 1)?;
        let (key, _) = src.split_once('=')?;
        Some(key.trim().trim_matches('"').to_owned())
    });
    let message = error.message().trim();
    let ticked = |s: &str| s.split('`').nth(1).map(str::to_owned);
    let expected_list = |s: &str| {
        s.split_once("expected")
            .map(|(_, rest)| rest.replace("one of", "").trim().replace('`', ""))
            .unwrap_or_default()
    };
    let (code, key, text) = if let Some(rest) = message.strip_prefix("unknown field") {
        let key = ticked(rest);
        let allowed = expected_list(rest);
        let allowed = if allowed.is_empty() {
            "không có".to_owned()
        } else {
            allowed
        };
        let msg = format!(
            "khóa không hợp lệ `{}`; các khóa được phép ở đây: {allowed}",
            key.clone().unwrap_or_default()
        );
        (Code::ConfigUnknownKey, key, msg)
    } else if let Some(rest) = message.strip_prefix("missing field") {
        let key = ticked(rest);
        (
            Code::ConfigMissingKey,
            key.clone(),
            format!("thiếu khóa bắt buộc `{}`", key.unwrap_or_default()),
        )
    } else if let Some(rest) = message.strip_prefix("unknown variant") {
        let msg = format!(
            "giá trị «{}» của khóa `{}` không hợp lệ; cần một trong: {}",
            ticked(rest).unwrap_or_default(),
            key_on_line.clone().unwrap_or_default(),
            expected_list(rest)
        );
        (Code::ConfigBadValue, key_on_line, msg)
    } else if let Some(rest) = message.strip_prefix("invalid type:") {
        let (got, want) = rest.split_once(", expected").unwrap_or((rest, ""));
        let msg = format!(
            "sai kiểu giá trị của khóa `{}`: cần {}, nhưng ghi là {}",
            key_on_line.clone().unwrap_or_default(),
            type_vi(want),
            type_vi(got)
        );
        (Code::ConfigWrongType, key_on_line, msg)
    } else if let Some(rest) = message.strip_prefix("duplicate key") {
        // toml names the key in the message, or only points at it: then the key is what
        // the line defines (`key = …`, or a table `[key]`).
        let key = ticked(rest)
            .filter(|k| !k.is_empty())
            .or(key_on_line.clone())
            .or_else(|| table_on_line(text, line?));
        (
            Code::ConfigDuplicateKey,
            key.clone(),
            format!("khóa `{}` được ghi hai lần", key.unwrap_or_default()),
        )
    } else {
        (
            Code::ConfigSyntax,
            None,
            format!("lỗi cú pháp TOML: {message}"),
        )
    };
    Problem {
        code,
        line,
        key,
        message: text,
    }
}

/// The table a line opens (`[email.smtp]`, `[[x]]`), if it opens one.
fn table_on_line(text: &str, line: usize) -> Option<String> {
    let src = text.lines().nth(line - 1)?.trim();
    let inner = src.strip_prefix('[')?.split(']').next()?;
    let name = inner.trim_start_matches('[').trim();
    (!name.is_empty()).then(|| name.to_owned())
}

/// serde's words for a type and value (such as `string "5"` or `i64`) in
/// Vietnamese, keeping the value as written.
fn type_vi(serde_words: &str) -> String {
    let w = serde_words.trim();
    let (words, value) = match w.find(['`', '"']) {
        Some(i) => (w[..i].trim(), w[i..].trim()),
        None => (w, ""),
    };
    let name = if words.contains("string") {
        "chuỗi (trong ngoặc kép)"
    } else if words.contains("bool") {
        "true hoặc false"
    } else if words.contains("float") {
        "số thập phân"
    } else if words.contains("int") || words.starts_with(['i', 'u']) {
        "số nguyên"
    } else if words.contains("sequence") || words.contains("array") {
        "danh sách [ ... ]"
    } else if words.contains("map") || words.contains("struct") || words.contains("table") {
        "bảng"
    } else {
        words
    };
    if value.is_empty() {
        name.to_owned()
    } else {
        format!("{name} {value}")
    }
}

#[cfg(test)]
mod tests;
