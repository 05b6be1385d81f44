//! The office's mailbox over IMAP against a real Dovecot on loopback: a private server
//! per test (its own configuration, certificates from a test CA, a maildir in a temporary
//! folder), messages put in with IMAP APPEND by Python's imaplib with a chosen
//! INTERNALDATE, and what the server holds afterwards read back by the same helper.

use std::fmt::Write as _;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use chibo::collect::Mailbox;
use chibo::collect::imap::{ImapError, ImapMailbox};
use chibo::config::{ImapConfig, Security};
use chrono::{DateTime, NaiveDate};
use serde_json::Value;

use crate::common::tool;
use crate::email::{certificates, free_port};

pub(crate) const USER: &str = "vanthu";
pub(crate) const PASSWORD: &str = "mat-khau-hop-thu";

/// A private Dovecot; stopped when dropped.
pub(crate) struct Dovecot {
    child: Child,
    /// The implicit-TLS port.
    pub(crate) tls_port: u16,
    /// The plain port (`starttls`, or `none` on loopback).
    pub(crate) plain_port: u16,
    /// The test CA that signed the server's certificate.
    pub(crate) ca: PathBuf,
    dir: PathBuf,
}

/// Whether Dovecot, openssl and Python are there (under CI their absence fails).
pub(crate) fn tools() -> bool {
    tool("dovecot", &["--version"]) && tool("openssl", &["version"]) && tool("python3", &["-V"])
}

fn output(program: &str, args: &[&str]) -> String {
    let out = Command::new(program).args(args).output().expect(program);
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

impl Dovecot {
    /// Starts a server in `dir` (a fresh temporary folder); `extra` is appended to its
    /// configuration.
    pub(crate) fn start(dir: &Path, extra: &str) -> Dovecot {
        let (ca, cert, key) = certificates(dir);
        let root = output("id", &["-u"]) == "0";
        // Dovecot refuses to run its login processes or a mailbox as root: as root the
        // users its package creates take those parts; otherwise the current user does.
        let (internal, login, mail_user) = if root {
            (
                "dovecot".to_owned(),
                "dovenull".to_owned(),
                "dovecot".to_owned(),
            )
        } else {
            let me = output("id", &["-un"]);
            (me.clone(), me.clone(), me)
        };
        let home = dir.join("home");
        std::fs::create_dir_all(&home).unwrap();
        if root {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o755)).unwrap();
            let status = Command::new("chown")
                .args(["-R", &format!("{mail_user}:{mail_user}")])
                .arg(&home)
                .status()
                .unwrap();
            assert!(status.success());
        }
        std::fs::write(
            dir.join("passwd"),
            format!("{USER}:{{PLAIN}}{PASSWORD}:::::\n"),
        )
        .unwrap();
        let (tls_port, plain_port) = (free_port(), free_port());
        let d = dir.display();
        let conf = format!(
            "base_dir = {d}/run\nstate_dir = {d}/state\nlog_path = {d}/dovecot.log\n\
             protocols = imap\nlisten = 127.0.0.1\n\
             default_internal_user = {internal}\ndefault_internal_group = {internal}\n\
             default_login_user = {login}\nfirst_valid_uid = 1\n\
             ssl = yes\nssl_cert = <{cert}\nssl_key = <{key}\n\
             disable_plaintext_auth = no\nauth_mechanisms = plain login\n\
             passdb {{\n  driver = passwd-file\n  args = scheme=PLAIN {d}/passwd\n}}\n\
             userdb {{\n  driver = static\n  args = uid={mail_user} gid={mail_user} home={d}/home/%u\n}}\n\
             mail_location = maildir:{d}/home/%u/Maildir\n\
             service imap-login {{\n  chroot =\n  inet_listener imap {{\n    port = {plain_port}\n  }}\n  \
             inet_listener imaps {{\n    port = {tls_port}\n    ssl = yes\n  }}\n}}\n\
             service anvil {{\n  chroot =\n}}\n{extra}\n",
            cert = cert.display(),
            key = key.display(),
        );
        std::fs::write(dir.join("dovecot.conf"), conf).unwrap();
        for sub in ["run", "state"] {
            std::fs::create_dir_all(dir.join(sub)).unwrap();
        }
        let child = Command::new("dovecot")
            .args(["-F", "-c"])
            .arg(dir.join("dovecot.conf"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("dovecot");
        let server = Dovecot {
            child,
            tls_port,
            plain_port,
            ca,
            dir: dir.to_path_buf(),
        };
        server.wait_ready();
        server
    }

    fn wait_ready(&self) {
        for _ in 0..200 {
            let up = [self.tls_port, self.plain_port]
                .iter()
                .all(|p| std::net::TcpStream::connect(("127.0.0.1", *p)).is_ok());
            if up {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!(
            "dovecot did not start: {}",
            std::fs::read_to_string(self.dir.join("dovecot.log")).unwrap_or_default()
        );
    }

    fn helper(&self, args: &[&str]) -> String {
        let port = self.tls_port.to_string();
        let mut all: Vec<&std::ffi::OsStr> = vec![port.as_ref(), self.ca.as_os_str()];
        all.extend(
            [USER, PASSWORD]
                .iter()
                .chain(args)
                .map(std::ffi::OsStr::new),
        );
        crate::common::python("imap_append.py", &all)
    }

    /// Appends `raw` to `folder` as received at `when` (RFC 3339); its UID.
    pub(crate) fn append(&self, folder: &str, raw: &[u8], when: &str, seen: bool) -> u32 {
        let file = self.dir.join(format!("append-{}.eml", free_port()));
        std::fs::write(&file, raw).unwrap();
        let mut args = vec!["append", folder, file.to_str().unwrap(), when];
        if seen {
            args.push("seen");
        }
        self.helper(&args).trim().parse().unwrap()
    }

    pub(crate) fn create(&self, folder: &str) {
        self.helper(&["create", folder]);
    }

    /// The messages of `folder`: UID, flags, INTERNALDATE, Message-ID.
    pub(crate) fn state(&self, folder: &str) -> Vec<Value> {
        self.helper(&["state", folder])
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }

    /// The `[collect.imap]` settings for this server.
    pub(crate) fn config(&self, security: Security) -> ImapConfig {
        ImapConfig {
            host: "127.0.0.1".into(),
            port: if security == Security::Tls {
                self.tls_port
            } else {
                self.plain_port
            },
            security,
            username: USER.into(),
            password_env: "CHIBO_TEST_IMAP_PW".into(),
            ca_file: Some(self.ca.clone()),
            folder: "INBOX".into(),
            done_folder: None,
        }
    }

    pub(crate) fn ca_pem(&self) -> Vec<u8> {
        std::fs::read(&self.ca).unwrap()
    }
}

impl Drop for Dovecot {
    fn drop(&mut self) {
        // SIGTERM lets the master stop its own processes; the kill is for a master
        // that does not.
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        for _ in 0..100 {
            if self.child.try_wait().ok().flatten().is_some() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// How a mail program writes an attachment's name (Outlook, Gmail and Thunderbird each
/// use both, depending on version and name length).
#[derive(Clone, Copy)]
pub(crate) enum Naming {
    /// `name="=?utf-8?B?…?="` (RFC 2047 words inside quotes).
    Rfc2047,
    /// `filename*=UTF-8''…` (RFC 2231).
    Rfc2231,
}

fn base64_lines(bytes: &[u8]) -> String {
    use base64::Engine;
    let body = base64::engine::general_purpose::STANDARD.encode(bytes);
    body.as_bytes()
        .chunks(76)
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect::<Vec<_>>()
        .join("\r\n")
}

fn attachment_part(naming: Naming, name: &str, bytes: &[u8]) -> String {
    use base64::Engine;
    let header = match naming {
        Naming::Rfc2047 => {
            let word = format!(
                "=?utf-8?B?{}?=",
                base64::engine::general_purpose::STANDARD.encode(name)
            );
            format!(
                "Content-Type: application/octet-stream;\r\n\tname=\"{word}\"\r\n\
                 Content-Transfer-Encoding: base64\r\n\
                 Content-Disposition: attachment;\r\n\tfilename=\"{word}\"\r\n"
            )
        }
        Naming::Rfc2231 => {
            let encoded: String = name
                .bytes()
                .map(|b| {
                    if b.is_ascii_alphanumeric() || b"-._".contains(&b) {
                        char::from(b).to_string()
                    } else {
                        format!("%{b:02X}")
                    }
                })
                .collect();
            format!(
                "Content-Type: application/octet-stream\r\n\
                 Content-Disposition: attachment; filename*=UTF-8''{encoded}\r\n\
                 Content-Transfer-Encoding: base64\r\n"
            )
        }
    };
    format!("{header}\r\n{}\r\n", base64_lines(bytes))
}

/// A message from `from` with `attachments`, multipart/mixed with base64 parts, and a
/// `Date:` the sender's PC wrote (wrong on purpose: 2015).
pub(crate) fn message(
    from: &str,
    id: &str,
    naming: Naming,
    attachments: &[(&str, &[u8])],
) -> Vec<u8> {
    let boundary = "----=_NextPart_000_0001";
    let mut text = format!(
        "From: {from}\r\nTo: bantochuc@example.vn\r\n\
         Subject: =?utf-8?B?QsOhbyBjw6FvIHRow6FuZyA3?=\r\n\
         Date: Thu, 1 Jan 2015 08:00:00 +0700\r\nMessage-ID: <{id}@example.vn>\r\n\
         MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"{boundary}\"\r\n\r\n\
         --{boundary}\r\nContent-Type: text/plain; charset=\"utf-8\"\r\n\
         Content-Transfer-Encoding: 8bit\r\n\r\n\
         Kính gửi Ban Tổ chức, đơn vị gửi báo cáo tháng 7.\r\n"
    );
    for (name, bytes) in attachments {
        write!(text, "\r\n--{boundary}\r\n").unwrap();
        text.push_str(&attachment_part(naming, name, bytes));
    }
    write!(text, "\r\n--{boundary}--\r\n").unwrap();
    text.into_bytes()
}

/// `inner` forwarded as an attachment (message/rfc822), as Outlook's «Forward as
/// attachment» does, by the office's own clerk.
pub(crate) fn forwarded(from: &str, id: &str, inner: &[u8]) -> Vec<u8> {
    let boundary = "----=_NextPart_000_0002";
    let mut text = format!(
        "From: {from}\r\nTo: bantochuc@example.vn\r\nSubject: FW: =?utf-8?B?QsOhbyBjw6Fv?=\r\n\
         Date: Thu, 1 Jan 2015 08:00:00 +0700\r\nMessage-ID: <{id}@example.vn>\r\n\
         MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"{boundary}\"\r\n\r\n\
         --{boundary}\r\nContent-Type: text/plain; charset=\"utf-8\"\r\n\r\nChuyển tiếp.\r\n\
         \r\n--{boundary}\r\nContent-Type: message/rfc822\r\n\
         Content-Disposition: attachment\r\n\r\n"
    )
    .into_bytes();
    text.extend_from_slice(inner);
    text.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    text
}

/// A zip holding `files`, as Windows' «Send to compressed folder» makes one.
pub(crate) fn zipped(files: &[(&str, &[u8])]) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    let mut zip = zip::ZipWriter::new(&mut out);
    for (name, bytes) in files {
        zip.start_file(*name, zip::write::SimpleFileOptions::default())
            .unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap();
    out.into_inner()
}

/// A message from Yên Châu's office as Outlook writes one, with one report attached.
pub(crate) fn outlook_message(id: &str, attachment: &[u8]) -> Vec<u8> {
    message(
        "=?utf-8?B?SHV54buHbiDhu6d5IFnDqm4gQ2jDonU=?= <vanphong.yc@example.vn>",
        id,
        Naming::Rfc2047,
        &[("báo cáo tháng 7.xlsx", attachment)],
    )
}

fn report() -> Vec<u8> {
    std::fs::read(crate::common::fixture("report-yc-2020-07-gnumeric.xlsx")).unwrap()
}

fn since() -> NaiveDate {
    NaiveDate::from_ymd_opt(2020, 8, 1).unwrap()
}

fn open(server: &Dovecot, config: &ImapConfig) -> Result<ImapMailbox, ImapError> {
    ImapMailbox::open(
        config,
        PASSWORD,
        Some(("ca.pem", &server.ca_pem())),
        since(),
        Duration::from_secs(10),
    )
}

fn flags_of(state: &[Value], uid: u32) -> Vec<String> {
    let message = state
        .iter()
        .find(|m| m["uid"] == uid)
        .unwrap_or_else(|| panic!("UID {uid} in {state:?}"));
    message["flags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn received_is_the_servers_date_and_messages_are_seen_only_when_done() {
    if !tools() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let server = Dovecot::start(tmp.path(), "");
    let first = outlook_message("first", &report());
    let unseen = server.append("INBOX", &first, "2020-08-04T09:30:00+07:00", false);
    // Opened in Outlook before chibo ran: seen, within the window, never collected.
    let opened = server.append(
        "INBOX",
        &outlook_message("opened", &report()),
        "2020-08-05T16:45:10+07:00",
        true,
    );
    // Names in RFC 2231, a forwarded message, two reports in one, a zip: handed over byte
    // for byte, in UID order.
    let book = report();
    let others = [
        message(
            "vanphong.tp@example.vn",
            "gmail",
            Naming::Rfc2231,
            &[("Báo cáo TP tháng 7.xlsx", &book)],
        ),
        forwarded(
            "bantochuc@example.vn",
            "fw",
            &outlook_message("inner", &book),
        ),
        message(
            "vanphong.mc@example.vn",
            "two",
            Naming::Rfc2047,
            &[("Mộc Châu 1.xlsx", &book), ("Mộc Châu 2.xlsx", &book)],
        ),
        message(
            "vanphong.ms@example.vn",
            "zip",
            Naming::Rfc2231,
            &[("báo cáo.zip", &zipped(&[("Mai Sơn.xlsx", &book)]))],
        ),
    ];
    let other_uids: Vec<u32> = others
        .iter()
        .map(|raw| server.append("INBOX", raw, "2020-08-05T17:00:00+07:00", false))
        .collect();
    // Seen long ago, before the window: not chibo's business.
    let old = server.append(
        "INBOX",
        &outlook_message("old", b"old"),
        "2019-03-02T10:00:00+07:00",
        true,
    );

    let mut mailbox = open(&server, &server.config(Security::Tls)).unwrap();
    let arrivals = mailbox.arrivals().unwrap();
    let uids: Vec<String> = arrivals.iter().map(|a| a.key.clone()).collect();
    let state = server.state("INBOX");
    let validity = uids[0].split(':').nth(1).unwrap().to_owned();
    let mut expected = vec![
        format!("imap:{validity}:{unseen}"),
        format!("imap:{validity}:{opened}"),
    ];
    expected.extend(other_uids.iter().map(|u| format!("imap:{validity}:{u}")));
    assert_eq!(uids, expected);
    for (arrival, raw) in arrivals[2..].iter().zip(&others) {
        assert_eq!(&arrival.raw, raw, "{}", arrival.origin);
    }
    // And the collector reads each fetched message's reports by their names.
    let names: Vec<Vec<String>> = arrivals
        .iter()
        .map(|a| {
            let letter = chibo::collect::letter::read(&a.raw).unwrap();
            letter.attachments.into_iter().map(|f| f.name).collect()
        })
        .collect();
    assert_eq!(
        names,
        [
            vec!["báo cáo tháng 7.xlsx"],
            vec!["báo cáo tháng 7.xlsx"],
            vec!["Báo cáo TP tháng 7.xlsx"],
            vec!["báo cáo tháng 7.xlsx"],
            vec!["Mộc Châu 1.xlsx", "Mộc Châu 2.xlsx"],
            vec!["báo cáo.zip/Mai Sơn.xlsx"],
        ]
    );
    assert_eq!(arrivals[0].raw, first, "the message exactly as appended");
    assert_eq!(
        arrivals[0].received,
        Some(DateTime::parse_from_rfc3339("2020-08-04T09:30:00+07:00").unwrap()),
        "INTERNALDATE, not the Date: header of 2015"
    );
    assert_eq!(
        arrivals[0].origin,
        format!("imap://127.0.0.1:{}/INBOX UID {unseen}", server.tls_port)
    );
    // Fetched with PEEK: nothing is marked before the collector says it is done.
    assert!(!flags_of(&state, unseen).contains(&"\\Seen".to_owned()));

    for arrival in &arrivals {
        mailbox.done(arrival).unwrap();
    }
    mailbox.close();
    let state = server.state("INBOX");
    for uid in [unseen, opened].into_iter().chain(other_uids) {
        let flags = flags_of(&state, uid);
        assert!(flags.contains(&"\\Seen".to_owned()), "{uid}: {flags:?}");
        assert!(flags.contains(&"$ChiboCollected".to_owned()), "{flags:?}");
    }
    assert_eq!(flags_of(&state, old), ["\\Seen"]);

    // A re-run fetches nothing: the collected ones carry the keyword.
    let mut again = open(&server, &server.config(Security::Tls)).unwrap();
    assert!(again.arrivals().unwrap().is_empty());
    // A new message marked unread by hand is collected; one marked unread after being
    // collected is not fetched again.
    let late = server.append(
        "INBOX",
        &outlook_message("late", &report()),
        "2020-08-06T07:00:00+07:00",
        false,
    );
    let keys: Vec<String> = again
        .arrivals()
        .unwrap()
        .into_iter()
        .map(|a| a.key)
        .collect();
    assert_eq!(keys, [format!("imap:{validity}:{late}")]);
}

#[test]
fn done_folder_receives_collected_messages_with_or_without_move() {
    if !tools() {
        return;
    }
    // Dovecot without MOVE in its capabilities: the copy, \Deleted and UID EXPUNGE path.
    for extra in [
        "",
        "imap_capability = IMAP4rev1 LITERAL+ SASL-IR LOGIN-REFERRALS ID ENABLE IDLE UIDPLUS",
    ] {
        let tmp = tempfile::tempdir().unwrap();
        let server = Dovecot::start(tmp.path(), extra);
        server.create("Đã lấy");
        let uid = server.append(
            "INBOX",
            &outlook_message("moved", &report()),
            "2020-08-04T09:30:00+07:00",
            false,
        );
        let mut config = server.config(Security::Starttls);
        config.done_folder = Some("Đã lấy".into());
        let mut mailbox = open(&server, &config).unwrap();
        let arrivals = mailbox.arrivals().unwrap();
        assert_eq!(arrivals.len(), 1, "{extra}");
        assert!(arrivals[0].key.ends_with(&format!(":{uid}")));
        mailbox.done(&arrivals[0]).unwrap();
        mailbox.close();
        assert!(server.state("INBOX").is_empty(), "{extra}");
        let moved = server.state("Đã lấy");
        assert_eq!(moved.len(), 1, "{extra}");
        assert_eq!(moved[0]["message_id"], "<moved@example.vn>");
        let kept = DateTime::parse_from_str(
            moved[0]["internaldate"].as_str().unwrap(),
            "%d-%b-%Y %H:%M:%S %z",
        )
        .unwrap();
        assert_eq!(
            kept,
            DateTime::parse_from_rfc3339("2020-08-04T09:30:00+07:00").unwrap(),
            "the moved message keeps its INTERNALDATE"
        );
        assert!(
            moved[0]["flags"]
                .as_array()
                .unwrap()
                .iter()
                .any(|f| f == "\\Seen")
        );
    }
}

#[test]
fn refusals_are_told_apart_in_vietnamese() {
    if !tools() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let server = Dovecot::start(tmp.path(), "");
    let config = server.config(Security::Tls);

    let wrong = ImapMailbox::open(
        &config,
        "sai-mat-khau",
        Some(("ca.pem", &server.ca_pem())),
        since(),
        Duration::from_secs(10),
    )
    .err()
    .unwrap();
    assert!(matches!(wrong, ImapError::Login { .. }), "{wrong:?}");
    assert!(
        wrong
            .to_string()
            .contains("từ chối đăng nhập tài khoản «vanthu»")
    );
    assert!(wrong.to_string().contains("CHIBO_TEST_IMAP_PW"));

    // The test CA is not among the public roots: without ca_file the server is refused
    // before the password is sent.
    let untrusted = ImapMailbox::open(&config, PASSWORD, None, since(), Duration::from_secs(10))
        .err()
        .unwrap();
    assert!(
        matches!(untrusted, ImapError::Certificate { .. }),
        "{untrusted:?}"
    );
    assert!(untrusted.to_string().contains("không đáng tin cậy"));

    let mut missing = config.clone();
    missing.folder = "Hộp thư khác".into();
    let err = open(&server, &missing).err().unwrap();
    assert!(matches!(err, ImapError::Folder { .. }), "{err:?}");
    assert_eq!(
        err.to_string(),
        "hộp thư không có thư mục «Hộp thư khác» (khóa folder của [collect.imap])"
    );

    // TLS spoken to the plain port.
    let mut plain = config.clone();
    plain.port = server.plain_port;
    let err = open(&server, &plain).err().unwrap();
    assert!(
        matches!(err, ImapError::Tls { .. } | ImapError::Timeout { .. }),
        "{err:?}"
    );

    // Without encryption on loopback (allowed there only) it works.
    let mut none = config.clone();
    none.security = Security::None;
    none.port = server.plain_port;
    open(&server, &none).unwrap().close();
}

#[test]
fn a_server_that_never_answers_is_a_timeout() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let hold = std::thread::spawn(move || {
        let (mut socket, _) = listener.accept().unwrap();
        std::thread::sleep(Duration::from_secs(2));
        let _ = socket.write_all(b"");
    });
    let config = ImapConfig {
        host: "127.0.0.1".into(),
        port,
        security: Security::Tls,
        username: USER.into(),
        password_env: "X".into(),
        ca_file: None,
        folder: "INBOX".into(),
        done_folder: None,
    };
    let started = std::time::Instant::now();
    let err = ImapMailbox::open(&config, PASSWORD, None, since(), Duration::from_millis(300))
        .err()
        .unwrap();
    assert!(matches!(err, ImapError::Timeout { .. }), "{err:?}");
    assert!(started.elapsed() < Duration::from_secs(2));
    hold.join().unwrap();
}

#[test]
fn a_message_too_large_stays_unread_in_the_mailbox() {
    if !tools() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let server = Dovecot::start(tmp.path(), "");
    let limit = usize::try_from(chibo::collect::imap::MESSAGE_BYTES).unwrap();
    // An attachment whose base64 makes the message just over the limit.
    let huge = outlook_message("huge", &vec![b'x'; limit / 4 * 3 + 1024]);
    assert!(huge.len() > limit);
    let big = server.append("INBOX", &huge, "2020-08-04T09:30:00+07:00", false);
    let small = server.append(
        "INBOX",
        &outlook_message("small", &report()),
        "2020-08-04T09:31:00+07:00",
        false,
    );
    let mut mailbox = open(&server, &server.config(Security::Tls)).unwrap();
    let arrivals = mailbox.arrivals().unwrap();
    assert_eq!(arrivals.len(), 1);
    assert!(arrivals[0].key.ends_with(&format!(":{small}")));
    let too_large = mailbox.too_large();
    assert_eq!(too_large.len(), 1);
    assert!(too_large[0].origin.ends_with(&format!("UID {big}")));
    assert_eq!(too_large[0].bytes, huge.len() as u64);
    mailbox.close();
    assert!(flags_of(&server.state("INBOX"), big).is_empty());
}

/// The messages `tests/fixtures/mail/make-mail.py` writes, made in `dir` (the IMAP
/// tests run Python anyway, to append them).
fn fixture_messages(dir: &Path) -> PathBuf {
    crate::collect::messages(dir).expect("python3")
}

/// The demo province (July only) reading `server`'s INBOX.
fn imap_workspace(tmp: &Path, server: &Dovecot, extra: &str) -> PathBuf {
    std::fs::create_dir_all(tmp).unwrap();
    let ws = crate::common::demo_in(tmp);
    crate::common::only_month(&ws, "2020-07");
    let config = std::fs::read_to_string(ws.join("chibo.toml")).unwrap();
    let imap = format!(
        "\n[collect.imap]\nhost = \"127.0.0.1\"\nport = {}\nsecurity = \"tls\"\nusername = \"{USER}\"\npassword_env = \"CHIBO_TEST_IMAP_PW\"\nca_file = \"{}\"\n{extra}",
        server.tls_port,
        server.ca.display()
    );
    std::fs::write(ws.join("chibo.toml"), config + &imap).unwrap();
    ws
}

fn collect_command(ws: &Path, password: Option<&str>) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_chibo"));
    command
        .args([
            "--config",
            ws.join("chibo.toml").to_str().unwrap(),
            "collect",
        ])
        .current_dir(ws)
        .env("CHIBO_NOW", "2020-08-10T10:00:00+07:00")
        .env_remove("CHIBO_TEST_PAUSE");
    match password {
        Some(p) => command.env("CHIBO_TEST_IMAP_PW", p),
        None => command.env_remove("CHIBO_TEST_IMAP_PW"),
    };
    command
}

fn imap_collect(ws: &Path) -> (Option<i32>, String, String) {
    let out = collect_command(ws, Some(PASSWORD)).output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The Outlook, Gmail and two-report messages of the fixtures, with their arrival
/// moments (none the moment their headers claim); the Gmail one already opened.
fn put_fixture_messages(server: &Dovecot, mail: &Path) -> Vec<u32> {
    [
        ("outlook.eml", "2020-08-07T01:00:00+07:00", false),
        ("gmail.eml", "2020-08-08T23:30:00+07:00", true),
        ("two.eml", "2020-08-09T08:00:00+07:00", false),
    ]
    .iter()
    .map(|(file, when, seen)| {
        let raw = std::fs::read(mail.join(file)).unwrap();
        server.append("INBOX", &raw, when, *seen)
    })
    .collect()
}

fn inbox_files(ws: &Path) -> Vec<(String, Vec<u8>)> {
    let july = ws.join("inbox/2020-07");
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(&july)
        .unwrap()
        .map(|e| {
            let p = e.unwrap().path();
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}

#[test]
fn collect_reads_the_office_mailbox_once_with_the_servers_dates() {
    if !tools() {
        return;
    }
    let (tmp, home) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let server = Dovecot::start(home.path(), "");
    let mail = fixture_messages(tmp.path());
    let uids = put_fixture_messages(&server, &mail);
    let ws = imap_workspace(tmp.path(), &server, "");

    let (code, stdout, stderr) = imap_collect(&ws);
    // Thành ủy Sơn La's report has data errors: exit 1, as check gives.
    assert_eq!(code, Some(1), "{stdout}{stderr}");
    let files = inbox_files(&ws);
    let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "Báo cáo Yên Châu tháng 7.xlsx",
            "Thành ủy Sơn La.xlsx",
            "_CON.xls",
            "received.txt",
            "yc.ods"
        ]
    );
    // Every file's date is the day the server received its message, in +07:00 (the
    // Gmail one at 23:30 on 8 August, 16:30 UTC), not the Received: or Date: headers.
    let received = std::fs::read_to_string(ws.join("inbox/2020-07/received.txt")).unwrap();
    assert_eq!(
        received,
        "2020-08-07\tBáo cáo Yên Châu tháng 7.xlsx\n2020-08-08\tThành ủy Sơn La.xlsx\n2020-08-09\t_CON.xls\n2020-08-09\tyc.ods\n"
    );
    assert!(
        stdout.contains(&format!(
            "Thư imap://127.0.0.1:{}/INBOX UID {} (nhận 23:30 ngày 08/08/2020)",
            server.tls_port, uids[1]
        )),
        "{stdout}"
    );
    assert!(!received.contains("2020-07-31"), "never the Date: header");
    // Every message is marked seen and collected.
    let state = server.state("INBOX");
    for uid in &uids {
        let flags = flags_of(&state, *uid);
        assert!(flags.contains(&"\\Seen".to_owned()), "{uid}: {flags:?}");
    }
    let log = std::fs::read_to_string(ws.join("collect.log")).unwrap();
    assert_eq!(log.lines().count(), 3, "{log}");
    assert!(log.lines().all(|l| l.contains("\"imap:")), "{log}");

    // A re-run collects nothing and changes nothing.
    let before = inbox_files(&ws);
    let (code, stdout, stderr) = imap_collect(&ws);
    assert_eq!(code, Some(0), "{stdout}{stderr}");
    assert!(stdout.contains("Đã đọc 0 thư mới"), "{stdout}");
    assert!(inbox_files(&ws) == before);
}

/// A kill at each pause point of a collect from Dovecot, then a re-run: the inbox one
/// run gives, each message logged once, and every message seen.
#[test]
fn a_kill_during_collect_loses_and_doubles_nothing() {
    if !tools() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let mail = fixture_messages(tmp.path());
    let reference = {
        let home = tempfile::tempdir().unwrap();
        let server = Dovecot::start(home.path(), "");
        put_fixture_messages(&server, &mail);
        let ws = imap_workspace(&tmp.path().join("reference"), &server, "");
        imap_collect(&ws);
        inbox_files(&ws)
    };
    for point in ["imap-fetched", "collect-saved", "collect-logged"] {
        let home = tempfile::tempdir().unwrap();
        let server = Dovecot::start(home.path(), "");
        let uids = put_fixture_messages(&server, &mail);
        let ws = imap_workspace(&tmp.path().join(point), &server, "");
        crate::trust::Paused::start(collect_command(&ws, Some(PASSWORD)), point).kill();
        // Killed before the mailbox was told: nothing is marked yet.
        let state = server.state("INBOX");
        assert!(
            !flags_of(&state, uids[0]).contains(&"\\Seen".to_owned()),
            "{point}"
        );

        let (code, stdout, stderr) = imap_collect(&ws);
        assert_eq!(code, Some(1), "{point}: {stdout}{stderr}");
        assert!(inbox_files(&ws) == reference, "{point}: the inbox differs");
        let log = std::fs::read_to_string(ws.join("collect.log")).unwrap();
        let mut keys: Vec<String> = log
            .lines()
            .map(|l| serde_json::from_str::<Value>(l).unwrap()["key"].to_string())
            .collect();
        let n = keys.len();
        keys.sort();
        keys.dedup();
        assert_eq!((n, keys.len()), (3, 3), "{point}: {log}");
        let state = server.state("INBOX");
        for uid in &uids {
            let flags = flags_of(&state, *uid);
            assert!(
                flags.contains(&"\\Seen".to_owned()),
                "{point} {uid}: {flags:?}"
            );
        }
    }
}

#[test]
fn collect_refusals_exit_3_in_vietnamese_and_a_missing_password_2() {
    if !tools() {
        return;
    }
    let (tmp, home) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let server = Dovecot::start(home.path(), "");
    let ws = imap_workspace(tmp.path(), &server, "");
    let run = |ws: &Path, password: Option<&str>| {
        let out = collect_command(ws, password).output().unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (code, stderr) = run(&ws, Some("sai"));
    assert_eq!(code, Some(3), "{stderr}");
    assert!(stderr.contains("error[imap-login]"), "{stderr}");
    assert!(
        stderr.contains("từ chối đăng nhập tài khoản «vanthu»"),
        "{stderr}"
    );
    let (code, stderr) = run(&ws, None);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("error[imap-no-password]"), "{stderr}");
    assert!(stderr.contains("CHIBO_TEST_IMAP_PW"), "{stderr}");
    // The test CA left out: the server's certificate is refused.
    let config = std::fs::read_to_string(ws.join("chibo.toml")).unwrap();
    let untrusted = config
        .lines()
        .filter(|l| !l.starts_with("ca_file"))
        .collect::<Vec<_>>()
        .join("\n");
    std::fs::write(ws.join("chibo.toml"), untrusted).unwrap();
    let (code, stderr) = run(&ws, Some(PASSWORD));
    assert_eq!(code, Some(3), "{stderr}");
    assert!(stderr.contains("error[imap-tls]"), "{stderr}");
    assert!(stderr.contains("không đáng tin cậy"), "{stderr}");
    assert!(!ws.join("collect.log").exists());
}

/// With `done_folder`, collected messages leave the INBOX for it, an unknown sender's
/// too once set aside in quarantine; the unit's receipt goes out through the aiosmtpd
/// server of the email tests, dated by the IMAP server.
#[test]
fn done_folder_quarantine_and_a_receipt_through_smtp() {
    use crate::email::{PASSWORD as SMTP_PASSWORD, Server, part, smtp_demo};
    if !tools() || !crate::email::tools() {
        return;
    }
    let (tmp, home, smtp_dir) = (
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
    );
    let server = Dovecot::start(home.path(), "");
    server.create("Đã lấy");
    let mail = fixture_messages(tmp.path());
    server.append(
        "INBOX",
        &std::fs::read(mail.join("outlook.eml")).unwrap(),
        "2020-08-07T01:00:00+07:00",
        false,
    );
    let stranger = message(
        "someone@gmail.example.com",
        "stranger",
        Naming::Rfc2231,
        &[("x.xlsx", &report())],
    );
    server.append("INBOX", &stranger, "2020-08-07T02:00:00+07:00", false);
    let (ca, cert, key) = certificates(smtp_dir.path());
    let port = free_port();
    let smtp = Server::start(port, smtp_dir.path(), &cert, &key);
    let ws = smtp_demo(tmp.path(), port, &ca);
    crate::common::only_month(&ws, "2020-07");
    let config = std::fs::read_to_string(ws.join("chibo.toml")).unwrap();
    let imap = format!(
        "\n[collect.imap]\nhost = \"127.0.0.1\"\nport = {}\nusername = \"{USER}\"\npassword_env = \"CHIBO_TEST_IMAP_PW\"\nca_file = \"{}\"\ndone_folder = \"Đã lấy\"\n",
        server.tls_port,
        server.ca.display()
    );
    std::fs::write(ws.join("chibo.toml"), config + &imap).unwrap();

    let out = collect_command(&ws, Some(PASSWORD))
        .env(SMTP_PASSWORD.0, SMTP_PASSWORD.1)
        .output()
        .unwrap();
    let (stdout, stderr) = crate::common::text(&out);
    assert_eq!(out.status.code(), Some(0), "{stdout}{stderr}");
    assert!(server.state("INBOX").is_empty());
    let moved = server.state("Đã lấy");
    let ids: Vec<&str> = moved
        .iter()
        .map(|m| m["message_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), 2, "{moved:?}");
    assert!(ids.contains(&"<stranger@example.vn>"), "{ids:?}");
    assert!(
        std::fs::read_dir(ws.join("quarantine"))
            .unwrap()
            .any(|e| e.unwrap().file_name() == "x.xlsx")
    );
    let received = smtp.received();
    assert_eq!(received.len(), 1, "{stdout}");
    assert_eq!(
        received[0]["rcpt_tos"],
        serde_json::json!(["vanphong.yc@example.vn"])
    );
    let plain = part(&received[0], "text/plain")["text"].as_str().unwrap();
    assert!(plain.contains("ngày 07/08/2020"), "{plain}");
}

/// `chibo collect` against a server that accepts and never answers: given up after the
/// socket timeout (shortened by `CHIBO_TEST_IMAP_TIMEOUT_MS`), exit 3, in Vietnamese.
#[test]
fn collect_gives_up_on_a_silent_server() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let hold = std::thread::spawn(move || {
        let held = listener.accept();
        std::thread::sleep(Duration::from_secs(3));
        drop(held);
    });
    let tmp = tempfile::tempdir().unwrap();
    let ws = crate::common::demo_in(tmp.path());
    let config = std::fs::read_to_string(ws.join("chibo.toml")).unwrap();
    let imap = format!(
        "\n[collect.imap]\nhost = \"127.0.0.1\"\nport = {port}\nusername = \"{USER}\"\npassword_env = \"CHIBO_TEST_IMAP_PW\"\n"
    );
    std::fs::write(ws.join("chibo.toml"), config + &imap).unwrap();
    let started = std::time::Instant::now();
    let out = collect_command(&ws, Some(PASSWORD))
        .env(chibo::collect::imap::TEST_TIMEOUT_VAR, "300")
        .output()
        .unwrap();
    let (stdout, stderr) = crate::common::text(&out);
    assert_eq!(out.status.code(), Some(3), "{stdout}{stderr}");
    assert!(stderr.contains("error[imap-timeout]"), "{stderr}");
    assert!(stderr.contains("không trả lời sau 1 giây"), "{stderr}");
    assert!(started.elapsed() < Duration::from_secs(3));
    hold.join().unwrap();
}

/// A server where the mailbox's owner may not set keywords (an ACL without the `w`
/// right, as on servers without keywords such as Exchange): collected messages are
/// only marked seen, and the window's seen messages come again for the log to skip.
#[test]
fn without_keywords_the_window_comes_again_and_only_seen_is_set() {
    if !tools() {
        return;
    }
    let home = tempfile::tempdir().unwrap();
    let acl = home.path().join("global-acl");
    std::fs::write(&acl, "* owner lrsitekxa\n").unwrap();
    let extra = format!(
        "mail_plugins = acl\nprotocol imap {{\n  mail_plugins = $mail_plugins imap_acl\n}}\nplugin {{\n  acl = vfile:{}\n}}\n",
        acl.display()
    );
    let server = Dovecot::start(home.path(), &extra);
    let unseen = server.append(
        "INBOX",
        &outlook_message("a", &report()),
        "2020-08-04T09:30:00+07:00",
        false,
    );
    let mut mailbox = open(&server, &server.config(Security::Tls)).unwrap();
    let arrivals = mailbox.arrivals().unwrap();
    assert_eq!(arrivals.len(), 1);
    mailbox.done(&arrivals[0]).unwrap();
    mailbox.close();
    assert_eq!(flags_of(&server.state("INBOX"), unseen), ["\\Seen"]);
    // Seen now, but received in the window: fetched again, same key, for the log.
    let mut again = open(&server, &server.config(Security::Tls)).unwrap();
    let keys: Vec<String> = again
        .arrivals()
        .unwrap()
        .into_iter()
        .map(|a| a.key)
        .collect();
    assert_eq!(keys, [arrivals[0].key.clone()]);
}
