//! The office's mailbox over IMAP (`[collect.imap]`): a [`Mailbox`] whose arrivals are
//! the messages of one folder, keyed `imap:<UIDVALIDITY>:<UID>`, with the moment the
//! office's server received each (INTERNALDATE), never the `Date:` the sender's PC wrote.
//!
//! Which messages: every message not yet seen (`UNSEEN`), and every message received
//! since a given day (the collecting window), seen or not: a message someone opened in
//! Outlook or on a phone before `chibo collect` ran is \Seen, yet was never collected.
//! The collect log, not the flag, is what makes a message collected once; the flag is
//! what keeps the next run short. Where the server lets a client create keywords
//! (Dovecot, Gmail), a collected message is also given the keyword `$ChiboCollected`
//! and the window leaves such messages out, so a re-run fetches nothing twice.
//!
//! Bodies are read with `BODY.PEEK[]`, which sets no flag: a message becomes \Seen (or
//! is moved to `done_folder`) only in [`Mailbox::done`], which the collector calls once
//! the message's files and `received.txt` are written. A message larger than
//! [`MESSAGE_BYTES`] is not fetched: it stays unread in the mailbox and is named in
//! [`ImapMailbox::too_large`].
//!
//! The connection: TCP with a timeout on every socket operation, then TLS with rustls
//! (the version and `ring` provider lettre already brings), trusting the public roots
//! and the configuration's `ca_file`. Every failure is an [`ImapError`] in Vietnamese;
//! the library's own words stay its source.

use std::io::{Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use rustls::pki_types::{CertificateDer, ServerName, pem::PemObject};

use super::{Arrival, Mailbox};
use crate::config::{Config, ImapConfig, Security};
use crate::model::YearMonth;

/// The largest message fetched: three times the largest workbook read
/// ([`crate::ingest::workbook::limits::FILE_BYTES`]), room for two such files in base64.
pub const MESSAGE_BYTES: u64 = 3 * crate::ingest::workbook::limits::FILE_BYTES;

/// The keyword given to a collected message where the server allows keywords.
pub const COLLECTED: &str = "$ChiboCollected";

/// The timeout of each socket operation.
pub const TIMEOUT: Duration = Duration::from_secs(30);

/// Test-only: milliseconds replacing [`TIMEOUT`] (`CHIBO_TEST_IMAP_TIMEOUT_MS`).
pub const TEST_TIMEOUT_VAR: &str = "CHIBO_TEST_IMAP_TIMEOUT_MS";

/// How many messages one `UID FETCH` asks for.
const BATCH: usize = 25;

/// A library error kept as the source of ours.
type Source = Box<dyn std::error::Error + Send + Sync>;

/// Why the mailbox cannot be read or a message cannot be marked.
#[derive(Debug, thiserror::Error)]
pub enum ImapError {
    /// The environment variable of `password_env` is unset or empty.
    #[error(
        "chưa có mật khẩu hộp thư IMAP: hãy đặt biến môi trường {var} trước khi chạy chibo collect"
    )]
    NoPassword {
        /// The variable's name.
        var: String,
    },
    /// `ca_file` holds no usable PEM certificate.
    #[error("chứng chỉ CA {path} (khóa ca_file của [collect.imap]) không đọc được")]
    CaFile {
        /// The file, as shown.
        path: String,
        /// What rustls said.
        source: Source,
    },
    /// The host name cannot be resolved.
    #[error(
        "không tìm thấy máy chủ thư «{server}»: hãy kiểm tra khóa host của [collect.imap] và mạng"
    )]
    Dns {
        /// `host:port`.
        server: String,
        /// The resolver's error.
        source: std::io::Error,
    },
    /// The server refused the connection or cannot be reached.
    #[error(
        "không kết nối được máy chủ thư {server}: máy chủ từ chối hoặc không tới được; hãy kiểm tra host, port và mạng"
    )]
    Connect {
        /// `host:port`.
        server: String,
        /// The system's error.
        source: std::io::Error,
    },
    /// The server did not answer within the timeout.
    #[error("máy chủ thư {server} không trả lời sau {} giây; hãy thử lại sau", after.as_millis().div_ceil(1000))]
    Timeout {
        /// `host:port`.
        server: String,
        /// The timeout.
        after: Duration,
        /// The library's error.
        source: Source,
    },
    /// The server's certificate is not trusted for the host.
    #[error(
        "chứng chỉ của máy chủ thư {server} không đáng tin cậy (không do tổ chức cấp chứng chỉ được tin cậy cấp, hết hạn, hoặc không mang tên máy chủ); chibo không gửi mật khẩu; nếu tỉnh có CA riêng, hãy ghi khóa ca_file"
    )]
    Certificate {
        /// `host:port`.
        server: String,
        /// What rustls said.
        source: Source,
    },
    /// TLS cannot be set up (not a TLS server, a failed handshake, no `STARTTLS`).
    #[error(
        "không thiết lập được kết nối mã hóa TLS với máy chủ thư {server}; hãy kiểm tra port và security của [collect.imap] (993 với \"tls\", 143 với \"starttls\")"
    )]
    Tls {
        /// `host:port`.
        server: String,
        /// What failed.
        source: Source,
    },
    /// The server refused the username and password.
    #[error(
        "máy chủ thư {server} từ chối đăng nhập tài khoản «{user}»: hãy kiểm tra khóa username và mật khẩu trong biến môi trường {var}"
    )]
    Login {
        /// `host:port`.
        server: String,
        /// The username.
        user: String,
        /// The password's variable.
        var: String,
        /// The server's answer.
        source: Source,
    },
    /// The folder to read, or to move collected messages to, does not exist.
    #[error("hộp thư không có thư mục «{folder}» (khóa {key} của [collect.imap])")]
    Folder {
        /// The folder as configured.
        folder: String,
        /// `folder` or `done_folder`.
        key: &'static str,
        /// The server's answer.
        source: Source,
    },
    /// The connection broke, or the server answered what it should not.
    #[error(
        "máy chủ thư {server} ngắt kết nối hoặc trả lời không đúng khi {doing}; hãy chạy lại sau"
    )]
    Failed {
        /// `host:port`.
        server: String,
        /// What chibo was doing, in Vietnamese.
        doing: &'static str,
        /// The library's error.
        source: Source,
    },
}

impl ImapError {
    /// Whether the error is the configuration's (exit 2) rather than the server's or the
    /// network's (exit 3).
    pub fn is_configuration(&self) -> bool {
        matches!(
            self,
            ImapError::NoPassword { .. } | ImapError::CaFile { .. }
        )
    }

    /// The diagnostic code.
    pub fn code(&self) -> crate::diagnostic::Code {
        use crate::diagnostic::Code;
        match self {
            ImapError::NoPassword { .. } => Code::ImapNoPassword,
            ImapError::CaFile { .. } | ImapError::Certificate { .. } | ImapError::Tls { .. } => {
                Code::ImapTls
            }
            ImapError::Dns { .. } | ImapError::Connect { .. } => Code::ImapConnect,
            ImapError::Timeout { .. } => Code::ImapTimeout,
            ImapError::Login { .. } => Code::ImapLogin,
            ImapError::Folder { .. } => Code::ImapFolder,
            ImapError::Failed { .. } => Code::ImapFailed,
        }
    }
}

/// The first day of the collecting window: the first day of `month` when one is asked
/// for (its reports arrive in it and in the next), else of the month before `today`'s
/// (last month's reports arrive this month).
pub fn window_start(month: Option<YearMonth>, today: NaiveDate) -> NaiveDate {
    let month = month.unwrap_or_else(|| {
        let (year, month) = if today.month() == 1 {
            (today.year() - 1, 12)
        } else {
            (today.year(), today.month() - 1)
        };
        YearMonth { year, month }
    });
    month.first_day()
}

/// The mailbox of the workspace's `[collect.imap]`, opened with the password of its
/// `password_env`, for `month` (see [`window_start`]) on the office's day of `now`.
///
/// # Errors
/// No `[collect.imap]` ([`crate::Error::NoMailbox`]), no password, an unreadable `ca_file`, or any failure to connect,
/// log in and select the folder.
pub fn open_configured(
    config: &Config,
    month: Option<YearMonth>,
    now: DateTime<Utc>,
) -> Result<ImapMailbox, crate::Error> {
    let error = |source| crate::Error::Imap {
        config: config.path.clone(),
        source,
    };
    let imap = config
        .collect
        .imap
        .as_ref()
        .ok_or_else(|| crate::Error::NoMailbox {
            config: config.path.clone(),
        })?;
    let password = imap
        .password_from(|name| std::env::var(name).ok())
        .map_err(|e| error(ImapError::NoPassword { var: e.var }))?;
    let ca = crate::mail::read_ca(imap.ca_file.as_deref())?;
    let shown = imap
        .ca_file
        .as_deref()
        .map(|p| p.display().to_string())
        .unwrap_or_default();
    let timeout = std::env::var(TEST_TIMEOUT_VAR)
        .ok()
        .and_then(|ms| ms.trim().parse::<u64>().ok())
        .map_or(TIMEOUT, |ms| Duration::from_millis(ms.max(1)));
    let today = now.with_timezone(&config.timezone).date_naive();
    ImapMailbox::open(
        imap,
        &password,
        ca.as_deref().map(|pem| (shown.as_str(), pem)),
        window_start(month, today),
        timeout,
    )
    .map(|m| m.named(&config.path))
    .map_err(error)
}

/// A message left in the mailbox because it is larger than [`MESSAGE_BYTES`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TooLarge {
    /// Where it is, as [`Arrival::origin`] names messages.
    pub origin: String,
    /// Its size in bytes.
    pub bytes: u64,
}

/// The connection: TCP, or TLS over it.
enum Stream {
    Plain(TcpStream),
    Tls(Box<rustls::StreamOwned<rustls::ClientConnection, TcpStream>>),
}

impl Read for Stream {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        match self {
            Stream::Plain(s) => s.read(buf),
            Stream::Tls(s) => s.read(buf),
        }
    }
}

impl Write for Stream {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match self {
            Stream::Plain(s) => s.write(buf),
            Stream::Tls(s) => s.write(buf),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match self {
            Stream::Plain(s) => s.flush(),
            Stream::Tls(s) => s.flush(),
        }
    }
}

/// One folder of the office's mailbox, logged in and selected.
pub struct ImapMailbox {
    /// The configuration file as the user named it, for errors.
    config: String,
    session: imap::Session<Stream>,
    server: String,
    timeout: Duration,
    folder: String,
    done_folder: Option<String>,
    uid_validity: u32,
    keywords: bool,
    moves: bool,
    since: NaiveDate,
    too_large: Vec<TooLarge>,
}

impl ImapMailbox {
    /// Connects to the server of `config`, logs in with `password`, trusting `ca_pem`
    /// besides the public roots, and selects the folder. Messages received on or after
    /// `since` are considered even when seen.
    ///
    /// # Errors
    /// Any [`ImapError`] but [`ImapError::NoPassword`].
    pub fn open(
        config: &ImapConfig,
        password: &str,
        ca_pem: Option<(&str, &[u8])>,
        since: NaiveDate,
        timeout: Duration,
    ) -> Result<ImapMailbox, ImapError> {
        let server = format!("{}:{}", config.host, config.port);
        let tls = match config.security {
            Security::None => None,
            Security::Tls | Security::Starttls => Some(tls_config(ca_pem, &server)?),
        };
        let tcp = connect(&config.host, config.port, &server, timeout)?;
        let failed = |doing| {
            let server = server.clone();
            move |e: imap::Error| classify(e, &server, timeout, doing)
        };
        let client = match (config.security, tls) {
            (Security::Tls, Some(tls)) => {
                let stream = handshake(tls, &config.host, tcp, &server, timeout)?;
                let mut client = imap::Client::new(stream);
                client
                    .read_greeting()
                    .map_err(failed("chờ lời chào của máy chủ"))?;
                client
            }
            (Security::Starttls, Some(tls)) => {
                let tcp = starttls(tcp, &server, timeout)?;
                imap::Client::new(handshake(tls, &config.host, tcp, &server, timeout)?)
            }
            _ => {
                let mut client = imap::Client::new(Stream::Plain(tcp));
                client
                    .read_greeting()
                    .map_err(failed("chờ lời chào của máy chủ"))?;
                client
            }
        };
        let mut session = client
            .login(&config.username, password)
            .map_err(|(e, _)| match e {
                imap::Error::No(_) | imap::Error::Bad(_) => ImapError::Login {
                    server: server.clone(),
                    user: config.username.clone(),
                    var: config.password_env.clone(),
                    source: e.into(),
                },
                e => classify(e, &server, timeout, "đăng nhập"),
            })?;
        let capabilities = session
            .capabilities()
            .map_err(failed("hỏi khả năng của máy chủ"))?;
        let moves = capabilities.has_str("MOVE");
        // Both folders are looked up before anything is read: a missing done folder is
        // found before a message is saved. (SELECT of a missing folder is not relied
        // on: Dovecot's `NO` names the folder in UTF-8, which the imap crate's parser
        // takes for a broken connection.)
        let folders = [
            Some((config.folder.as_str(), "folder")),
            config.done_folder.as_deref().map(|f| (f, "done_folder")),
        ];
        for (folder, key) in folders.into_iter().flatten() {
            let encoded = utf7_imap::encode_utf7_imap(folder.to_owned());
            let names = session
                .list(None, Some(&quote(&encoded)))
                .map_err(|e| classify(e, &server, timeout, "tìm thư mục"))?;
            if !names.iter().any(|n| n.name() == encoded) {
                return Err(ImapError::Folder {
                    folder: folder.to_owned(),
                    key,
                    source: format!("LIST \"{encoded}\" found nothing").into(),
                });
            }
        }
        let selected = session
            .select(utf7_imap::encode_utf7_imap(config.folder.clone()))
            .map_err(|e| match e {
                imap::Error::No(_) | imap::Error::Bad(_) => ImapError::Folder {
                    folder: config.folder.clone(),
                    key: "folder",
                    source: e.into(),
                },
                e => classify(e, &server, timeout, "mở thư mục"),
            })?;
        let uid_validity = selected.uid_validity.ok_or_else(|| ImapError::Failed {
            server: server.clone(),
            doing: "mở thư mục",
            source: "SELECT gave no UIDVALIDITY".into(),
        })?;
        let keywords = selected.permanent_flags.iter().any(|f| match f {
            imap::types::Flag::MayCreate => true,
            imap::types::Flag::Custom(k) => k == COLLECTED,
            _ => false,
        });
        Ok(ImapMailbox {
            config: String::new(),
            session,
            server,
            timeout,
            folder: config.folder.clone(),
            done_folder: config.done_folder.clone(),
            uid_validity,
            keywords,
            moves,
            since,
            too_large: Vec::new(),
        })
    }

    /// Names `config` (the configuration file as the user named it) in the errors of
    /// [`Mailbox::arrivals`] and [`Mailbox::done`].
    #[must_use]
    pub fn named(mut self, config: &str) -> ImapMailbox {
        config.clone_into(&mut self.config);
        self
    }

    /// `e` as the crate's error.
    fn error(&self, source: ImapError) -> crate::Error {
        crate::Error::Imap {
            config: self.config.clone(),
            source,
        }
    }

    /// The messages left in the mailbox because they are too large, from the last
    /// [`Mailbox::arrivals`].
    pub fn too_large(&self) -> &[TooLarge] {
        &self.too_large
    }

    /// A warning for each message left in the mailbox because it is too large.
    pub fn notes(&self) -> Vec<crate::diagnostic::Diagnostic> {
        self.too_large
            .iter()
            .map(|t| {
                crate::diagnostic::Diagnostic::warning(
                    crate::diagnostic::Code::ImapTooLarge,
                    crate::diagnostic::Location::file(&t.origin),
                    format!(
                        "thư lớn {} MiB, quá giới hạn {} MiB: chibo để nguyên thư trong hộp thư, chưa đánh dấu đã đọc; hãy lưu các tệp đính kèm vào thư mục inbox bằng tay",
                        t.bytes.div_ceil(1024 * 1024),
                        MESSAGE_BYTES / (1024 * 1024)
                    ),
                )
            })
            .collect()
    }

    /// Logs out, politely; the messages are settled whatever the answer.
    pub fn close(mut self) {
        let _ = self.session.logout();
    }

    fn origin(&self, uid: u32) -> String {
        format!("imap://{}/{} UID {uid}", self.server, self.folder)
    }

    fn failed(&self, doing: &'static str) -> impl Fn(imap::Error) -> crate::Error + '_ {
        move |e| self.error(classify(e, &self.server, self.timeout, doing))
    }

    /// The UIDs to consider, ascending.
    fn candidates(&mut self) -> Result<Vec<u32>, ImapError> {
        let since = self.since.format("%-d-%b-%Y");
        let query = if self.keywords {
            format!("UNKEYWORD {COLLECTED} OR UNSEEN SINCE {since}")
        } else {
            format!("OR UNSEEN SINCE {since}")
        };
        let found = self
            .session
            .uid_search(query)
            .map_err(|e| classify(e, &self.server, self.timeout, "tìm thư"))?;
        let mut uids: Vec<u32> = found.into_iter().collect();
        uids.sort_unstable();
        Ok(uids)
    }
}

impl Mailbox for ImapMailbox {
    fn arrivals(&mut self) -> Result<Vec<Arrival>, crate::Error> {
        self.too_large.clear();
        // Messages that arrived since the folder was selected are seen after a NOOP.
        self.session.noop().map_err(self.failed("tìm thư"))?;
        let uids = self.candidates().map_err(|e| self.error(e))?;
        let mut wanted = Vec::new();
        for batch in uids.chunks(BATCH) {
            let sizes = self
                .session
                .uid_fetch(uid_set(batch), "(UID RFC822.SIZE)")
                .map_err(self.failed("đọc cỡ thư"))?;
            for fetch in sizes.iter() {
                let (Some(uid), Some(size)) = (fetch.uid, fetch.size) else {
                    continue;
                };
                if u64::from(size) > MESSAGE_BYTES {
                    self.too_large.push(TooLarge {
                        origin: self.origin(uid),
                        bytes: u64::from(size),
                    });
                } else {
                    wanted.push(uid);
                }
            }
        }
        wanted.sort_unstable();
        let mut arrivals = Vec::with_capacity(wanted.len());
        for batch in wanted.chunks(BATCH) {
            let fetches = self
                .session
                .uid_fetch(uid_set(batch), "(UID INTERNALDATE BODY.PEEK[])")
                .map_err(self.failed("đọc thư"))?;
            for fetch in fetches.iter() {
                let (Some(uid), Some(raw)) = (fetch.uid, fetch.body()) else {
                    continue;
                };
                arrivals.push(Arrival {
                    key: format!("imap:{}:{uid}", self.uid_validity),
                    origin: self.origin(uid),
                    received: fetch.internal_date(),
                    raw: raw.to_vec(),
                });
            }
        }
        arrivals.sort_by_key(|a| uid_of(&a.key));
        crate::pause::point("imap-fetched");
        Ok(arrivals)
    }

    fn done(&mut self, arrival: &Arrival) -> Result<(), crate::Error> {
        let Some(uid) = uid_of(&arrival.key) else {
            return Ok(());
        };
        let flags = if self.keywords {
            format!("+FLAGS.SILENT (\\Seen {COLLECTED})")
        } else {
            "+FLAGS.SILENT (\\Seen)".to_owned()
        };
        self.session
            .uid_store(uid.to_string(), flags)
            .map_err(self.failed("đánh dấu thư đã đọc"))?;
        let Some(done) = self.done_folder.clone() else {
            return Ok(());
        };
        let target = utf7_imap::encode_utf7_imap(done.clone());
        let server = self.server.clone();
        let timeout = self.timeout;
        let config = self.config.clone();
        let missing = |e: imap::Error| crate::Error::Imap {
            config: config.clone(),
            source: match e {
                imap::Error::No(_) | imap::Error::Bad(_) => ImapError::Folder {
                    folder: done.clone(),
                    key: "done_folder",
                    source: e.into(),
                },
                e => classify(e, &server, timeout, "chuyển thư"),
            },
        };
        if self.moves {
            self.session
                .uid_mv(uid.to_string(), &target)
                .map_err(missing)?;
        } else {
            // imap 3.0.0-alpha.15 quotes the folder of UID MOVE but not that of UID
            // COPY: a name with a space would be two arguments.
            self.session
                .uid_copy(uid.to_string(), quote(&target))
                .map_err(missing)?;
            self.session
                .uid_store(uid.to_string(), "+FLAGS.SILENT (\\Deleted)")
                .map_err(self.failed("chuyển thư"))?;
            self.session
                .uid_expunge(uid.to_string())
                .map_err(self.failed("chuyển thư"))?;
        }
        Ok(())
    }
}

/// The UID of a key `imap:<uidvalidity>:<uid>`.
fn uid_of(key: &str) -> Option<u32> {
    key.rsplit(':').next()?.parse().ok()
}

/// `name` as an IMAP quoted string.
fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('\\', "\\\\").replace('"', "\\\""))
}

/// `1,5,9`: a UID set.
fn uid_set(uids: &[u32]) -> String {
    uids.iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(",")
}

/// The TLS settings: the public roots and the PEM of `ca_file`.
fn tls_config(
    ca_pem: Option<(&str, &[u8])>,
    server: &str,
) -> Result<Arc<rustls::ClientConfig>, ImapError> {
    let mut roots = rustls::RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    if let Some((path, pem)) = ca_pem {
        let bad = |source: Source| ImapError::CaFile {
            path: path.to_owned(),
            source,
        };
        let mut added = 0;
        for cert in CertificateDer::pem_slice_iter(pem) {
            let cert = cert.map_err(|e| bad(e.into()))?;
            roots.add(cert).map_err(|e| bad(e.into()))?;
            added += 1;
        }
        if added == 0 {
            return Err(bad("no certificate in the file".into()));
        }
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| ImapError::Tls {
            server: server.to_owned(),
            source: e.into(),
        })?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(Arc::new(config))
}

/// A TCP connection to the first address of `host` that answers, with `timeout` on
/// connecting and on every later read and write.
fn connect(host: &str, port: u16, server: &str, timeout: Duration) -> Result<TcpStream, ImapError> {
    let addresses: Vec<_> = (host, port)
        .to_socket_addrs()
        .map_err(|source| ImapError::Dns {
            server: server.to_owned(),
            source,
        })?
        .collect();
    let mut last = std::io::Error::new(std::io::ErrorKind::NotFound, "no address");
    for address in addresses {
        match TcpStream::connect_timeout(&address, timeout) {
            Ok(tcp) => {
                let set = tcp
                    .set_read_timeout(Some(timeout))
                    .and_then(|()| tcp.set_write_timeout(Some(timeout)));
                return set.map(|()| tcp).map_err(|source| ImapError::Connect {
                    server: server.to_owned(),
                    source,
                });
            }
            Err(e) => last = e,
        }
    }
    if matches!(
        last.kind(),
        std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock
    ) {
        return Err(ImapError::Timeout {
            server: server.to_owned(),
            after: timeout,
            source: last.into(),
        });
    }
    Err(ImapError::Connect {
        server: server.to_owned(),
        source: last,
    })
}

/// The plain start of a `starttls` session: the greeting, then `STARTTLS` and its
/// answer. Written here because the imap crate runs `STARTTLS` only on the streams it
/// builds itself (`ClientBuilder`), not on one given to `Client::new`. Lines are read a
/// byte at a time so that nothing of the TLS that follows is taken.
fn starttls(mut tcp: TcpStream, server: &str, timeout: Duration) -> Result<TcpStream, ImapError> {
    let broken = |source: std::io::Error| {
        if matches!(
            source.kind(),
            std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock
        ) {
            ImapError::Timeout {
                server: server.to_owned(),
                after: timeout,
                source: source.into(),
            }
        } else {
            ImapError::Failed {
                server: server.to_owned(),
                doing: "bắt đầu STARTTLS",
                source: source.into(),
            }
        }
    };
    let greeting = line(&mut tcp).map_err(broken)?;
    if !greeting.starts_with(b"* OK") {
        return Err(ImapError::Failed {
            server: server.to_owned(),
            doing: "chờ lời chào của máy chủ",
            source: String::from_utf8_lossy(&greeting).into_owned().into(),
        });
    }
    tcp.write_all(b"s1 STARTTLS\r\n").map_err(broken)?;
    loop {
        let answer = line(&mut tcp).map_err(broken)?;
        if answer.starts_with(b"s1 OK") {
            return Ok(tcp);
        }
        if answer.starts_with(b"s1 ") {
            return Err(ImapError::Tls {
                server: server.to_owned(),
                source: format!(
                    "STARTTLS refused: {}",
                    String::from_utf8_lossy(&answer).trim_end()
                )
                .into(),
            });
        }
    }
}

/// One line from the server, up to its line feed (8 KiB at most).
fn line(tcp: &mut TcpStream) -> std::io::Result<Vec<u8>> {
    let mut line = Vec::new();
    let mut byte = [0u8];
    while line.len() < 8192 {
        if tcp.read(&mut byte)? == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        line.push(byte[0]);
        if byte[0] == b'\n' {
            break;
        }
    }
    Ok(line)
}

/// TLS over `tcp`, the handshake done here so that a refused certificate is told apart.
fn handshake(
    tls: Arc<rustls::ClientConfig>,
    host: &str,
    mut tcp: TcpStream,
    server: &str,
    timeout: Duration,
) -> Result<Stream, ImapError> {
    let name = ServerName::try_from(host.trim_start_matches('[').trim_end_matches(']'))
        .map_err(|e| ImapError::Tls {
            server: server.to_owned(),
            source: e.into(),
        })?
        .to_owned();
    let mut conn = rustls::ClientConnection::new(tls, name).map_err(|e| ImapError::Tls {
        server: server.to_owned(),
        source: e.into(),
    })?;
    while conn.is_handshaking() {
        if let Err(e) = conn.complete_io(&mut tcp) {
            return Err(tls_failure(e, server, timeout));
        }
    }
    Ok(Stream::Tls(Box::new(rustls::StreamOwned::new(conn, tcp))))
}

/// A failed handshake: a certificate refused, a timeout, or the rest.
fn tls_failure(e: std::io::Error, server: &str, timeout: Duration) -> ImapError {
    use std::io::ErrorKind as K;
    let server = server.to_owned();
    if matches!(e.kind(), K::TimedOut | K::WouldBlock) {
        return ImapError::Timeout {
            server,
            after: timeout,
            source: e.into(),
        };
    }
    let certificate = e
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<rustls::Error>())
        .is_some_and(|r| {
            matches!(
                r,
                rustls::Error::InvalidCertificate(_)
                    | rustls::Error::AlertReceived(rustls::AlertDescription::UnknownCA)
            )
        });
    if certificate {
        ImapError::Certificate {
            server,
            source: e.into(),
        }
    } else {
        ImapError::Tls {
            server,
            source: e.into(),
        }
    }
}

/// The library's error `e` while `doing`: a timeout, or a broken or wrong exchange.
fn classify(e: imap::Error, server: &str, timeout: Duration, doing: &'static str) -> ImapError {
    use std::io::ErrorKind as K;
    let server = server.to_owned();
    match &e {
        imap::Error::Io(io) if matches!(io.kind(), K::TimedOut | K::WouldBlock) => {
            ImapError::Timeout {
                server,
                after: timeout,
                source: e.into(),
            }
        }
        _ => ImapError::Failed {
            server,
            doing,
            source: e.into(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_window_starts_with_the_month_asked_for_or_the_last_one() {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        let july = YearMonth::new(2020, 7);
        assert_eq!(window_start(july, day(2020, 9, 3)), day(2020, 7, 1));
        assert_eq!(window_start(None, day(2020, 8, 3)), day(2020, 7, 1));
        assert_eq!(window_start(None, day(2021, 1, 31)), day(2020, 12, 1));
        assert_eq!(window_start(None, day(2020, 3, 1)), day(2020, 2, 1));
    }

    /// RFC 3501 lets a server pad a one-digit day of INTERNALDATE with a space; the
    /// imap crate parses it with chrono's `%d`, which takes either.
    #[test]
    fn internaldate_with_a_space_padded_day() {
        for text in ["04-Aug-2020 09:30:00 +0700", " 4-Aug-2020 09:30:00 +0700"] {
            let parsed = DateTime::parse_from_str(text, "%d-%b-%Y %H:%M:%S %z");
            assert_eq!(
                parsed.ok(),
                DateTime::parse_from_rfc3339("2020-08-04T09:30:00+07:00").ok(),
                "{text:?}"
            );
        }
    }

    #[test]
    fn keys_and_uid_sets() {
        assert_eq!(uid_of("imap:1796573691:42"), Some(42));
        assert_eq!(uid_of("message-id:<a@b>"), None);
        assert_eq!(uid_set(&[1, 5, 9]), "1,5,9");
    }

    #[test]
    fn a_ca_file_without_a_certificate_is_a_configuration_error() {
        let err = tls_config(Some(("ca.pem", b"not a certificate")), "s").unwrap_err();
        assert!(matches!(err, ImapError::CaFile { .. }), "{err:?}");
        assert!(err.is_configuration());
        assert!(err.to_string().contains("ca.pem"));
        assert!(tls_config(None, "s").is_ok());
    }

    #[test]
    fn a_closed_port_is_a_connection_error_and_a_bad_name_a_dns_error() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        drop(listener);
        let err = connect("127.0.0.1", port, "s", Duration::from_secs(2)).unwrap_err();
        assert!(matches!(err, ImapError::Connect { .. }), "{err:?}");
        let err = connect("no-such-host.invalid", 993, "s", Duration::from_secs(2)).unwrap_err();
        assert!(matches!(err, ImapError::Dns { .. }), "{err:?}");
        assert!(!err.is_configuration());
    }
}
