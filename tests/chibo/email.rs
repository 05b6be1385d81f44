//! Emails against a real SMTP server on loopback (aiosmtpd with STARTTLS and AUTH): what
//! is received, parsed back; per-unit isolation; a server that is down; no duplicates;
//! header and markup injection.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::common::{chibo, chibo_env, python, text, tool};

pub(crate) const PASSWORD: (&str, &str) = ("CHIBO_TEST_SMTP_PW", "mat-khau-thu");

/// A test CA and a server certificate it signed for 127.0.0.1.
pub(crate) fn certificates(dir: &Path) -> (PathBuf, PathBuf, PathBuf) {
    let run = |args: &[&str]| {
        let out = Command::new("openssl")
            .args(args)
            .current_dir(dir)
            .output()
            .expect("openssl");
        assert!(
            out.status.success(),
            "openssl {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    run(&[
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem",
        "-days",
        "2",
        "-subj",
        "/CN=chibo test CA",
    ]);
    run(&[
        "req",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
        "-keyout",
        "key.pem",
        "-out",
        "server.csr",
        "-subj",
        "/CN=127.0.0.1",
    ]);
    std::fs::write(dir.join("ext.cnf"), "subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n").unwrap();
    run(&[
        "x509",
        "-req",
        "-in",
        "server.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-out",
        "cert.pem",
        "-days",
        "2",
        "-extfile",
        "ext.cnf",
    ]);
    (
        dir.join("ca.pem"),
        dir.join("cert.pem"),
        dir.join("key.pem"),
    )
}

pub(crate) fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The SMTP server process; stopped when dropped.
pub(crate) struct Server {
    child: Child,
    mail: PathBuf,
}

impl Server {
    pub(crate) fn start(port: u16, dir: &Path, cert: &Path, key: &Path) -> Server {
        Server::start_in(port, dir, cert, key, "")
    }

    /// The server in `mode` (see `smtp_server.py`); what it receives on `port` is
    /// counted with what earlier servers on that port received.
    fn start_in(port: u16, dir: &Path, cert: &Path, key: &Path, mode: &str) -> Server {
        let mail = dir.join(format!("received-{port}"));
        std::fs::create_dir_all(&mail).unwrap();
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/tools/smtp_server.py");
        let mut child = Command::new("python3")
            .arg(script)
            .arg(port.to_string())
            .arg(&mail)
            .arg(cert)
            .arg(key)
            .args(["bantochuc", PASSWORD.1, mode])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start the SMTP server");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        assert_eq!(line.trim(), "READY", "the SMTP server did not start");
        Server { child, mail }
    }

    /// The messages received so far, in order.
    pub(crate) fn received(&self) -> Vec<Value> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(&self.mail)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
            .collect();
        files.sort();
        files
            .iter()
            .map(|p| serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap())
            .collect()
    }
}

impl Server {
    /// How many lines of the server's `events.txt` are `what` (`CONNECT`, `MAIL`,
    /// `DATA`).
    fn events(&self, what: &str) -> usize {
        std::fs::read_to_string(self.mail.join("events.txt"))
            .unwrap_or_default()
            .lines()
            .filter(|l| *l == what)
            .count()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        drop(self.child.stdin.take());
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub(crate) fn tools() -> bool {
    tool("python3", &["-c", "import aiosmtpd"]) && tool("openssl", &["version"])
}

/// The demo province sending through the test server on `port`.
pub(crate) fn smtp_demo(tmp: &Path, port: u16, ca: &Path) -> PathBuf {
    let ws = crate::common::demo_in(tmp);
    let config = std::fs::read_to_string(ws.join("chibo.toml"))
        .unwrap()
        .replace("transport = \"outbox\"", "transport = \"smtp\"");
    let smtp = format!(
        "\n[email.smtp]\nhost = \"127.0.0.1\"\nport = {port}\nsecurity = \"starttls\"\nusername = \"bantochuc\"\npassword_env = \"{}\"\nca_file = \"{}\"\n",
        PASSWORD.0,
        ca.display()
    );
    std::fs::write(ws.join("chibo.toml"), config + &smtp).unwrap();
    ws
}

pub(crate) fn part<'a>(message: &'a Value, kind: &str) -> &'a Value {
    message["parts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["type"] == kind)
        .unwrap_or_else(|| panic!("no {kind} part"))
}

#[test]
fn delivered_over_starttls_with_auth_and_each_unit_sees_only_its_own() {
    if !tools() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let (ca, cert, key) = certificates(tmp.path());
    let port = free_port();
    let server = Server::start(port, tmp.path(), &cert, &key);
    let ws = smtp_demo(tmp.path(), port, &ca);

    let out = chibo_env(&["run", "--month", "2020-07"], &ws, &[PASSWORD]);
    let (stdout, stderr) = text(&out);
    assert_eq!(
        out.status.code(),
        Some(1),
        "data errors, deliveries fine\n{stdout}\n{stderr}"
    );
    assert!(
        stdout.contains("đã gửi 5, trước đó đã gửi 0, chưa gửi được 0"),
        "{stdout}"
    );
    let received = server.received();
    assert_eq!(received.len(), 5);
    assert!(
        received
            .iter()
            .all(|m| m["tls"] == true && m["authenticated"] == true)
    );

    let leaders = &received[0];
    assert_eq!(
        leaders["subject"],
        "Tổng hợp dự sinh hoạt chi bộ tháng 07/2020 — Sơn La"
    );
    assert_eq!(
        leaders["rcpt_tos"],
        serde_json::json!(["thuongvu@example.vn"])
    );
    let attachment = part(
        leaders,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    );
    assert_eq!(attachment["filename"], "tong-hop-2020-07.xlsx");
    let workbook = std::fs::read(ws.join("out/2020-07/tong-hop-2020-07.xlsx")).unwrap();
    let digest = Sha256::digest(&workbook)
        .iter()
        .fold(String::new(), |mut s, b| {
            use std::fmt::Write as _;
            let _ = write!(s, "{b:02x}");
            s
        });
    assert_eq!(attachment["sha256"], digest.as_str());
    let plain = part(leaders, "text/plain")["text"].as_str().unwrap();
    assert!(
        plain.contains("Nộp đúng hạn: 2; nộp muộn: 1; chưa nộp: 1."),
        "{plain}"
    );
    assert!(plain.contains("Huyện ủy Mai Sơn: Chưa nộp"), "{plain}");
    assert!(
        part(leaders, "text/html")["text"]
            .as_str()
            .unwrap()
            .contains("<table")
    );

    let units = [
        ("MC", "Huyện ủy Mộc Châu", "Moc Chau"),
        ("MS", "Huyện ủy Mai Sơn", "Mai Sơn thang"),
        ("TP", "Thành ủy Sơn La", "TP Sơn La thang"),
        ("YC", "Huyện ủy Yên Châu", "Yen Chau"),
    ];
    for (i, (code, name, file)) in units.iter().enumerate() {
        let m = &received[i + 1];
        assert_eq!(
            m["subject"],
            format!("Phản hồi báo cáo dự sinh hoạt chi bộ tháng 07/2020 — {name}")
        );
        assert_eq!(
            m["rcpt_tos"],
            serde_json::json!([format!("vanphong.{}@example.vn", code.to_lowercase())])
        );
        for kind in ["text/plain", "text/html"] {
            let body = part(m, kind)["text"].as_str().unwrap();
            for (other_code, other_name, other_file) in units.iter().filter(|u| u.0 != *code) {
                assert!(
                    !body.contains(other_name),
                    "{code}'s email names {other_code}"
                );
                assert!(
                    !body.contains(other_file),
                    "{code}'s email names {other_code}'s file"
                );
            }
            if *code != "MS" {
                assert!(body.contains(file), "{code}'s email lacks its own file");
            }
        }
        assert_eq!(
            m["parts"].as_array().unwrap().len(),
            2,
            "no attachment for units"
        );
    }
    let tp = part(&received[3], "text/plain")["text"].as_str().unwrap();
    assert!(tp.contains("ô C11: không có «Tổ 12»"), "{tp}");
    assert!(
        part(&received[2], "text/plain")["text"]
            .as_str()
            .unwrap()
            .contains("Chưa nộp")
    );

    // Neither a second run nor a send delivers anything again.
    assert_eq!(
        chibo_env(&["run", "-q", "--month", "2020-07"], &ws, &[PASSWORD])
            .status
            .code(),
        Some(1)
    );
    let again = chibo_env(&["send"], &ws, &[PASSWORD]);
    assert_eq!(again.status.code(), Some(0), "{:?}", text(&again));
    assert!(
        text(&again).0.contains("đã gửi 0, trước đó đã gửi 5"),
        "{:?}",
        text(&again)
    );
    assert_eq!(server.received().len(), 5);
}

#[test]
fn with_the_server_down_messages_stay_queued_then_go_once() {
    if !tools() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let (ca, cert, key) = certificates(tmp.path());
    let port = free_port();
    let ws = smtp_demo(tmp.path(), port, &ca);

    let out = chibo_env(&["run", "--month", "2020-07"], &ws, &[PASSWORD]);
    let (stdout, _) = text(&out);
    assert_eq!(out.status.code(), Some(3), "{stdout}");
    assert!(
        stdout.contains(
            &format!("out/2020-07/outbox: error[email-undelivered]: chưa gửi được thư 01-thuong-vu: không kết nối được tới máy chủ thư 127.0.0.1:{port}; thư vẫn chờ trong hộp thư đi (chi tiết trong 01-thuong-vu.error)")
        ),
        "{stdout}"
    );
    let outbox = ws.join("out/2020-07/outbox");
    let errors = std::fs::read_dir(&outbox)
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|x| x == "error")
        })
        .count();
    assert_eq!(errors, 5);
    assert!(!outbox.join("delivered.log").exists());

    // Without the password the send stops before connecting.
    let no_password = chibo(&["send", "--month", "2020-07"], &ws);
    assert_eq!(no_password.status.code(), Some(2));
    assert!(text(&no_password).1.contains(PASSWORD.0));

    let server = Server::start(port, tmp.path(), &cert, &key);
    let out = chibo_env(&["send", "--month", "2020-07"], &ws, &[PASSWORD]);
    assert_eq!(out.status.code(), Some(0), "{:?}", text(&out));
    assert_eq!(server.received().len(), 5);
    let left = std::fs::read_dir(&outbox)
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|x| x == "error")
        })
        .count();
    assert_eq!(left, 0);
    assert_eq!(
        std::fs::read_to_string(outbox.join("delivered.log"))
            .unwrap()
            .lines()
            .count(),
        5
    );
    assert_eq!(
        chibo_env(&["send"], &ws, &[PASSWORD]).status.code(),
        Some(0)
    );
    assert_eq!(server.received().len(), 5, "delivered once");
}

#[test]
fn names_cannot_add_headers_or_markup() {
    if !tool("python3", &["--version"]) {
        return;
    }
    let (_tmp, ws) = crate::common::demo_workspace();
    let config = chibo::config::Config::load(&ws.join("chibo.toml")).unwrap();
    let (mut roster, _) =
        chibo::roster::load(&config.roster, "roster.xlsx", &config.groups).unwrap();
    let mut units = roster.units.clone();
    units.iter_mut().find(|u| u.code == "YC").unwrap().name =
        "Huyện ủy Yên Châu\r\nBcc: evil@example.com".into();
    let mut cadres = roster.cadres.clone();
    cadres.iter_mut().find(|c| c.code == "BTV01").unwrap().name =
        "<script>alert(1)</script> Hoà".into();
    roster = chibo::roster::Roster::new(
        units,
        roster.cells.clone(),
        cadres,
        roster.assignment_rows(),
    );
    std::fs::write(
        ws.join("roster.xlsx"),
        chibo::report::roster::to_xlsx(&roster).unwrap(),
    )
    .unwrap();

    chibo(&["run", "-q", "--month", "2020-07"], &ws);
    let outbox = ws.join("out/2020-07/outbox");
    let emls: Vec<PathBuf> = ["01-thuong-vu.eml", "02-don-vi-YC.eml"]
        .iter()
        .map(|f| outbox.join(f))
        .collect();
    let args: Vec<&std::ffi::OsStr> = emls.iter().map(|p| p.as_os_str()).collect();
    let parsed: Vec<Value> = serde_json::from_str(&python("parse_eml.py", &args)).unwrap();
    for m in &parsed {
        let headers: Vec<&str> = m["headers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h.as_str().unwrap())
            .collect();
        assert!(!headers.contains(&"bcc"), "{headers:?}");
        let html = part(m, "text/html")["text"].as_str().unwrap();
        assert!(!html.contains("<script>"), "markup got through");
    }
    let yc = &parsed[1];
    assert_eq!(yc["to"], "vanphong.yc@example.vn");
    assert!(!yc["subject"].as_str().unwrap().contains('\n'));
    let html = part(yc, "text/html")["text"].as_str().unwrap();
    assert!(
        html.contains("&lt;script&gt;alert(1)&lt;") && html.contains("script&gt; Hoà"),
        "escaped as text"
    );
    let raw = std::fs::read_to_string(&emls[1]).unwrap();
    assert!(
        !raw.lines()
            .any(|l| l.to_ascii_lowercase().starts_with("bcc:")),
        "no Bcc header line"
    );
}

/// The demo workspace with its `chibo.toml` edited by `edit`.
fn demo_with_config(edit: impl Fn(&str) -> String) -> (tempfile::TempDir, PathBuf) {
    let (tmp, ws) = crate::common::demo_workspace();
    let config = std::fs::read_to_string(ws.join("chibo.toml")).unwrap();
    std::fs::write(ws.join("chibo.toml"), edit(&config)).unwrap();
    (tmp, ws)
}

/// Every file under `dir`, relative to it.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                found.push(path.strip_prefix(dir).unwrap().to_path_buf());
            }
        }
    }
    found
}

/// An `[email]` table that sends mail without `from` is a configuration error found
/// when `chibo.toml` is read: `run` exits 2 and writes nothing.
#[test]
fn a_missing_sender_stops_the_run_before_anything_is_written() {
    let (_tmp, ws) = demo_with_config(|c| {
        let kept: Vec<&str> = c.lines().filter(|l| !l.starts_with("from = ")).collect();
        kept.join("\n") + "\n"
    });
    let out = chibo(&["run", "--month", "2020-07"], &ws);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(2), "{stdout}\n{stderr}");
    let line = std::fs::read_to_string(ws.join("chibo.toml"))
        .unwrap()
        .lines()
        .position(|l| l == "[email]")
        .unwrap()
        + 1;
    assert!(
        stderr.starts_with(&format!(
            "chibo: chibo.toml:{line}: error[config-missing-key]: chưa có địa chỉ người gửi thư"
        )),
        "{stderr}"
    );
    assert_eq!(files_under(&ws.join("out")), Vec::<PathBuf>::new());
    // `check` reads the same configuration.
    let check = chibo(&["check", "inbox/2020-07"], &ws);
    assert_eq!(check.status.code(), Some(2), "{:?}", text(&check));
}

/// Without an `[email]` table the configuration is fine (every key but `province` is
/// optional), but units with addresses would get feedback: `run` refuses before writing,
/// unless told not to email.
#[test]
fn without_an_email_table_a_run_that_would_mail_stops_before_writing() {
    let (_tmp, ws) = demo_with_config(|c| c[..c.find("[email]").unwrap()].to_owned());
    let out = chibo(&["run", "--month", "2020-07"], &ws);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(2), "{stdout}\n{stderr}");
    assert_eq!(
        stderr,
        "chibo: chibo.toml: error[config-missing-key]: chưa có địa chỉ người gửi thư: hãy ghi khóa email.from trong chibo.toml\n"
    );
    assert_eq!(files_under(&ws.join("out")), Vec::<PathBuf>::new());
    let quiet = chibo(&["run", "-q", "--month", "2020-07", "--no-email"], &ws);
    assert_eq!(quiet.status.code(), Some(1), "{:?}", text(&quiet));
}

/// A broken template of the workspace is named with its line, in Vietnamese only, and
/// stops the run before it writes anything.
#[test]
fn a_broken_template_is_named_with_its_line() {
    let (_tmp, ws) = crate::common::demo_workspace();
    let dir = ws.join("templates/email");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("unit.txt"), "Kính gửi {{ unit }}\n{% if %}\n").unwrap();
    let out = chibo(&["run", "--month", "2020-07"], &ws);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(2), "{stdout}\n{stderr}");
    assert_eq!(
        stderr,
        "chibo: templates/email/unit.txt:2: error[email-template]: mẫu thư unit.txt (dòng 2): sai cú pháp (kiểm tra các cặp {{ }} và {% %})\n"
    );
    // Found before anything is written: the month's outputs are not made half.
    assert!(!ws.join("out/2020-07").exists(), "nothing written");
    let verbose = chibo(&["run", "-v", "--month", "2020-07"], &ws);
    assert!(
        text(&verbose).1.contains("\n  nguyên nhân: "),
        "the engine's words with -v: {:?}",
        text(&verbose)
    );
}

/// `chibo send` without an SMTP server configured, with messages waiting.
#[test]
fn send_without_smtp_is_a_coded_error() {
    let (_tmp, ws) = crate::common::demo_workspace();
    chibo(&["run", "-q", "--month", "2020-07"], &ws);
    let out = chibo(&["send"], &ws);
    assert_eq!(out.status.code(), Some(2), "{:?}", text(&out));
    assert_eq!(
        text(&out).1,
        "chibo: chibo.toml: error[email-no-smtp]: chưa cấu hình máy chủ thư: hãy thêm bảng [email.smtp] vào chibo.toml\n"
    );
}

/// Short timeouts for tests (`CHIBO_TEST_SMTP_TIMING`, see docs/commands.md).
const TIMING: &str = "CHIBO_TEST_SMTP_TIMING";

/// A test CA, a server certificate and the demo province sending to `port`.
struct Office {
    tmp: tempfile::TempDir,
    cert: PathBuf,
    key: PathBuf,
    port: u16,
    ws: PathBuf,
}

impl Office {
    fn new() -> Office {
        let tmp = tempfile::tempdir().unwrap();
        let (ca, cert, key) = certificates(tmp.path());
        let port = free_port();
        let ws = smtp_demo(tmp.path(), port, &ca);
        Office {
            tmp,
            cert,
            key,
            port,
            ws,
        }
    }

    fn server(&self, mode: &str) -> Server {
        Server::start_in(self.port, self.tmp.path(), &self.cert, &self.key, mode)
    }

    /// `chibo ARGS` with the password and `timing`.
    fn chibo(&self, args: &[&str], timing: &str) -> (Option<i32>, String, std::time::Duration) {
        let start = std::time::Instant::now();
        let out = chibo_env(args, &self.ws, &[PASSWORD, (TIMING, timing)]);
        let took = start.elapsed();
        let (stdout, stderr) = text(&out);
        (out.status.code(), format!("{stdout}{stderr}"), took)
    }

    /// Queues the month's messages: `run` while no server listens (its deliveries fail
    /// at once), so that a timed `send` measures delivery alone.
    fn queue(&self) {
        let (code, out, _) = self.chibo(&["run", "-q", "--month", "2020-07"], "backoff=10");
        assert_eq!(code, Some(3), "{out}");
        assert!(out.contains("không kết nối được tới máy chủ thư"), "{out}");
    }

    fn outbox(&self) -> PathBuf {
        self.ws.join("out/2020-07/outbox")
    }

    /// The lines of the delivery log.
    fn log(&self) -> Vec<String> {
        std::fs::read_to_string(self.outbox().join("delivered.log"))
            .unwrap_or_default()
            .lines()
            .map(str::to_owned)
            .collect()
    }

    fn error_note(&self, name: &str) -> String {
        std::fs::read_to_string(self.outbox().join(format!("{name}.error"))).unwrap_or_default()
    }
}

/// Nothing but Vietnamese reaches the user: no OS or library words.
fn no_foreign_words(output: &str) {
    for english in [
        "os error",
        "Resource temporarily",
        "timed out",
        "Connection",
        "network error",
        "permanent error",
        "transient error",
        "response error",
    ] {
        assert!(!output.contains(english), "«{english}» shown:\n{output}");
    }
}

/// A server that accepts connections and never answers costs the first message its
/// tries, each cut at the step timeout, and the others are not tried: the whole run
/// takes about a second with these timeouts (today 127 s for one message, 327 s for
/// five), and says the server did not answer in time.
#[test]
fn a_server_that_never_answers_is_given_up_quickly_with_a_vietnamese_reason() {
    if !tools() {
        return;
    }
    let office = Office::new();
    office.queue();
    let server = office.server("stall");
    let (code, out, took) = office.chibo(
        &["send", "--month", "2020-07"],
        "operation=300,bound=5000,backoff=50",
    );
    assert_eq!(code, Some(3), "{out}");
    assert!(took < std::time::Duration::from_secs(3), "took {took:?}");
    assert!(
        out.contains("error[email-undelivered]: chưa gửi được thư 01-thuong-vu: máy chủ thư không trả lời trong 0,3 giây (lúc kết nối); thư vẫn chờ trong hộp thư đi (chi tiết trong 01-thuong-vu.error)"),
        "{out}"
    );
    assert!(
        out.contains("chưa thử gửi thư 02-don-vi-YC vì máy chủ thư không trả lời trong 0,3 giây (lúc kết nối)"),
        "{out}"
    );
    no_foreign_words(&out);
    assert_eq!(
        server.events("CONNECT"),
        3,
        "three tries of the first message only"
    );
    let note = office.error_note("01-thuong-vu");
    assert!(
        note.contains("máy chủ thư không trả lời trong 0,3 giây"),
        "{note}"
    );
    assert!(
        note.contains("network error"),
        "the library's words are kept in the note: {note}"
    );
    assert!(!office.error_note("02-don-vi-MC").is_empty());
    assert!(office.log().is_empty());
}

/// A server answering every command slowly: with a pass bound shorter than one
/// session, chibo gives up at the bound and closes the connection, so nothing is
/// delivered behind its back; with timeouts that allow it, each message goes once.
#[test]
fn a_slow_server_is_given_up_at_the_bound_and_nothing_goes_on_behind() {
    if !tools() {
        return;
    }
    let office = Office::new();
    {
        // A session takes at least 10 replies of 300 ms; the bound is 2 s.
        office.queue();
        let server = office.server("slow=300");
        let (code, out, took) = office.chibo(
            &["send", "--month", "2020-07"],
            "operation=1000,bound=2000,backoff=50",
        );
        assert_eq!(code, Some(3), "{out}");
        assert!(
            took < std::time::Duration::from_millis(3500),
            "took {took:?}"
        );
        assert!(
            out.contains(
                "chưa gửi được thư 01-thuong-vu: đã hết 2 giây dành cho việc gửi thư của tháng này"
            ),
            "{out}"
        );
        no_foreign_words(&out);
        // Were a session still running somewhere, its message would arrive now.
        std::thread::sleep(std::time::Duration::from_millis(2500));
        assert_eq!(server.events("DATA"), 0);
        assert!(server.events("MAIL") <= 1, "one session, never a second");
        assert!(office.log().is_empty());
    }
    let server = office.server("slow=40");
    let (code, out, _) = office.chibo(&["send"], "operation=1000,bound=30000,backoff=50");
    assert_eq!(code, Some(0), "{out}");
    assert_eq!(server.received().len(), 5, "each message once");
    assert_eq!(server.events("MAIL"), 5);
    assert_eq!(office.log().len(), 5);
}

/// 4xx is tried again with back-off within the same pass; 5xx is not.
#[test]
fn temporary_refusals_are_tried_again_and_permanent_ones_are_not() {
    if !tools() {
        return;
    }
    let office = Office::new();
    {
        let server = office.server("tempfail=2");
        let (code, out, _) = office.chibo(&["run", "--month", "2020-07"], "backoff=50");
        assert_eq!(code, Some(1), "data errors only: {out}");
        assert!(
            out.contains("đã gửi 5, trước đó đã gửi 0, chưa gửi được 0"),
            "{out}"
        );
        assert_eq!(server.received().len(), 5);
        assert_eq!(server.events("MAIL"), 7, "two refusals, then accepted");
    }
    let office = Office::new();
    let server = office.server("permfail");
    let (code, out, _) = office.chibo(&["run", "--month", "2020-07"], "backoff=50");
    assert_eq!(code, Some(3), "{out}");
    assert!(
        out.contains("chưa gửi được thư 01-thuong-vu: máy chủ thư từ chối thư (mã 550, lúc gửi địa chỉ người gửi); thư vẫn chờ trong hộp thư đi"),
        "{out}"
    );
    no_foreign_words(&out);
    assert_eq!(server.events("MAIL"), 5, "one try per message");
    assert_eq!(server.received().len(), 0);
    assert!(office.error_note("02-don-vi-YC").contains("sender refused"));
}

/// One refused leadership address does not stop the others; it is named, and a later
/// send neither repeats the message to those who got it nor tries the refused address.
#[test]
fn one_refused_address_does_not_stop_the_others() {
    if !tools() {
        return;
    }
    let office = Office::new();
    let config = std::fs::read_to_string(office.ws.join("chibo.toml")).unwrap();
    let (from, to) = (
        "leadership = [\"thuongvu@example.vn\"]",
        "leadership = [\"thuongvu@example.vn\", \"sai@example.vn\", \"chanhvanphong@example.vn\"]",
    );
    assert!(config.contains(from));
    std::fs::write(office.ws.join("chibo.toml"), config.replace(from, to)).unwrap();
    let server = office.server("refuse-rcpt=sai@example.vn");
    let (code, out, _) = office.chibo(&["run", "--month", "2020-07"], "backoff=50");
    assert_eq!(code, Some(3), "{out}");
    assert!(
        out.contains("out/2020-07/outbox: error[email-recipient-refused]: thư 01-thuong-vu: máy chủ thư từ chối địa chỉ «sai@example.vn» (mã 550); đã gửi cho «thuongvu@example.vn», «chanhvanphong@example.vn»; địa chỉ bị từ chối sẽ không được gửi lại, hãy kiểm tra địa chỉ đó (chi tiết trong 01-thuong-vu.error)"),
        "{out}"
    );
    assert!(
        out.contains("đã gửi 4, trước đó đã gửi 0, chưa gửi được 1"),
        "{out}"
    );
    no_foreign_words(&out);
    let received = server.received();
    assert_eq!(received.len(), 5);
    assert_eq!(
        received[0]["rcpt_tos"],
        serde_json::json!(["thuongvu@example.vn", "chanhvanphong@example.vn"])
    );
    let note = office.error_note("01-thuong-vu");
    assert!(
        note.contains("«sai@example.vn» (mã 550)") && note.contains("no such mailbox"),
        "{note}"
    );

    let (code, out, _) = office.chibo(&["send"], "backoff=50");
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("đã gửi 0, trước đó đã gửi 5"), "{out}");
    assert_eq!(server.received().len(), 5, "nothing again");
    assert_eq!(server.events("MAIL"), 5);
}

/// A server that takes the content and never acknowledges it: each message is sent
/// once per run, not retried, recorded as uncertain; the next send tries it once more.
#[test]
fn content_sent_without_an_acknowledgement_is_tried_once_more_by_the_next_send() {
    if !tools() {
        return;
    }
    let office = Office::new();
    {
        let server = office.server("stall-after-data");
        let (code, out, _) = office.chibo(
            &["run", "--month", "2020-07"],
            "operation=300,ack=300,backoff=50",
        );
        assert_eq!(code, Some(3), "{out}");
        assert!(
            out.contains("error[email-uncertain]: thư 01-thuong-vu: máy chủ thư không trả lời trong 0,3 giây (lúc chờ máy chủ xác nhận đã nhận thư); đã gửi hết nội dung nhưng máy chủ không xác nhận; có thể thư đã đến: lần này không gửi lại; lần gửi sau sẽ gửi lại đúng một lần, nên người nhận có thể nhận hai bản"),
            "{out}"
        );
        no_foreign_words(&out);
        assert_eq!(server.received().len(), 5, "each once, no retry in the run");
        let log = office.log();
        assert_eq!(log.len(), 5);
        assert!(log.iter().all(|l| l.ends_with("\tuncertain")), "{log:?}");
    }
    let server = office.server("");
    let (code, out, _) = office.chibo(&["send"], "backoff=50");
    assert_eq!(code, Some(0), "{out}");
    assert_eq!(server.received().len(), 10, "each retried once");
    let (code, _, _) = office.chibo(&["send"], "backoff=50");
    assert_eq!(code, Some(0));
    assert_eq!(server.received().len(), 10);
    assert_eq!(office.log().len(), 10);
}

/// A server that drops the connection after the content: twice at most, never more
/// (today three copies per run, four with the recovery).
#[test]
fn a_message_never_acknowledged_arrives_at_most_twice() {
    if !tools() {
        return;
    }
    let office = Office::new();
    {
        let server = office.server("drop-after-data");
        let (code, out, _) = office.chibo(&["run", "--month", "2020-07"], "backoff=50");
        assert_eq!(code, Some(3), "{out}");
        assert!(
            out.contains("thư 01-thuong-vu: máy chủ thư đóng kết nối (lúc chờ máy chủ xác nhận đã nhận thư); đã gửi hết nội dung nhưng máy chủ không xác nhận; có thể thư đã đến"),
            "{out}"
        );
        assert_eq!(server.received().len(), 5);
        let (code, out, _) = office.chibo(&["send"], "backoff=50");
        assert_eq!(code, Some(3), "{out}");
        assert!(
            out.contains("đây là lần thứ hai: chibo coi như thư đã gửi và không gửi lại nữa"),
            "{out}"
        );
        assert_eq!(server.received().len(), 10);
    }
    let server = office.server("");
    let (code, out, _) = office.chibo(&["send"], "backoff=50");
    assert_eq!(code, Some(0), "{out}");
    assert!(
        out.contains("warning[email-uncertain]: thư 01-thuong-vu đã được gửi hai lần mà máy chủ không xác nhận lần nào"),
        "{out}"
    );
    assert_eq!(server.received().len(), 10, "never a third copy");
    assert_eq!(server.events("MAIL"), 10);
}

/// The log cannot take the record of a delivery the server acknowledged: the message
/// says the email went out, it is not sent again in the run, and gives the line to add.
#[test]
fn a_delivery_the_log_cannot_record_is_said_to_have_gone_out() {
    if !tools() {
        return;
    }
    let office = Office::new();
    let log = office.outbox().join("delivered.log");
    let server = office.server(&format!("break-log={}", log.display()));
    let (code, out, _) = office.chibo(&["run", "--month", "2020-07"], "backoff=50");
    assert_eq!(code, Some(3), "{out}");
    assert!(
        out.contains("error[email-unrecorded]: thư 01-thuong-vu ĐÃ ĐƯỢC GỬI ĐI tới «thuongvu@example.vn» nhưng không ghi được vào delivered.log (ở chỗ tệp đó lại là một thư mục); lần này không gửi lại; trước khi chạy lại «chibo send», hãy thêm dòng sau vào cuối delivered.log, nếu không thư sẽ được gửi lại: <"),
        "{out}"
    );
    assert!(
        out.contains("đã gửi 5, trước đó đã gửi 0, chưa gửi được 0"),
        "{out}"
    );
    no_foreign_words(&out);
    assert_eq!(server.received().len(), 5, "each once");
}

/// Stray files in an outbox (a reviewer's copy, an `.eml` without its envelope, a copy
/// with its envelope, a note) are named, never sent, and stop neither `run` nor `send`.
#[test]
fn stray_files_in_an_outbox_are_named_and_never_sent() {
    if !tools() {
        return;
    }
    let office = Office::new();
    let config = std::fs::read_to_string(office.ws.join("chibo.toml")).unwrap();
    let smtp = config.replace("transport = \"smtp\"", "transport = \"outbox\"");
    std::fs::write(office.ws.join("chibo.toml"), &smtp).unwrap();
    let (code, out, _) = office.chibo(&["run", "-q", "--month", "2020-07"], "");
    assert_eq!(code, Some(1), "{out}");
    let outbox = office.outbox();
    let copy = |from: &str, to: &str| std::fs::copy(outbox.join(from), outbox.join(to)).unwrap();
    copy("01-thuong-vu.eml", "01-thuong-vu - Copy.eml");
    copy("02-don-vi-MC.eml", "02-don-vi-MC (2).eml");
    copy("02-don-vi-MC.json", "02-don-vi-MC (2).json");
    copy("02-don-vi-YC.eml", "03-cu.eml");
    std::fs::write(outbox.join("ghi chú.txt"), "xem lại thư MC").unwrap();
    std::fs::write(outbox.join("04-cu.error"), "lỗi cũ").unwrap();

    let (code, out, _) = office.chibo(&["run", "--month", "2020-07"], "");
    assert_eq!(code, Some(1), "a data error, not an I/O failure: {out}");
    for (file, why) in [
        (
            "01-thuong-vu - Copy.eml",
            "tệp thư không có phong bì 01-thuong-vu - Copy.json đi kèm",
        ),
        (
            "02-don-vi-MC (2).eml",
            "tên tệp không khớp với thư bên trong (có thể là một bản sao)",
        ),
        ("04-cu.error", "không có tệp thư 04-cu.eml đi kèm"),
        ("03-cu.eml", "tệp thư không có phong bì 03-cu.json đi kèm"),
        ("ghi chú.txt", "không phải tệp của chibo trong hộp thư đi"),
    ] {
        let line = format!(
            "out/2020-07/outbox/{file}: notice[email-stray]: {why}: chibo không gửi tệp này và bỏ qua nó (xóa đi nếu không cần)"
        );
        assert!(out.contains(&line), "{line}\n{out}");
    }

    // An envelope left from another version of the message (its Message-ID differs).
    let json = outbox.join("02-don-vi-MS.json");
    let envelope = std::fs::read_to_string(&json).unwrap();
    let old = envelope.replace("\"message_id\": \"<", "\"message_id\": \"<0");
    assert_ne!(old, envelope);
    std::fs::write(&json, old).unwrap();

    let server = office.server("");
    let (code, out, _) = office.chibo(&["send"], "");
    assert_eq!(code, Some(0), "{out}");
    assert!(
        out.contains("out/2020-07/outbox/01-thuong-vu - Copy.eml: notice[email-stray]"),
        "{out}"
    );
    assert!(
        out.contains("out/2020-07/outbox/02-don-vi-MS.eml: notice[email-stray]: tệp thư không khớp với phong bì 02-don-vi-MS.json (Message-ID khác nhau)"),
        "{out}"
    );
    assert!(
        out.contains("đã gửi 4, trước đó đã gửi 0, chưa gửi được 0"),
        "{out}"
    );
    let received = server.received();
    assert_eq!(
        received.len(),
        4,
        "the copies and the mismatched message never go"
    );
    assert!(
        received
            .iter()
            .all(|m| m["rcpt_tos"] != serde_json::json!(["vanphong.ms@example.vn"]))
    );
}

/// Damaged lines of `delivered.log` (one cut short, two run together, one that names
/// nothing) are reported and never make a message go out again.
#[test]
fn a_damaged_log_line_never_sends_a_message_again() {
    if !tools() {
        return;
    }
    let office = Office::new();
    let server = office.server("");
    let (code, _, _) = office.chibo(&["run", "-q", "--month", "2020-07"], "");
    assert_eq!(code, Some(1));
    assert_eq!(server.received().len(), 5);
    let lines = office.log();
    assert_eq!(lines.len(), 5);
    // Line 2 cut after 20 characters; lines 3 and 4 run together.
    let damaged = format!(
        "{}\n{}\n{}{}{}\n{}\n",
        lines[0],
        &lines[1][..20],
        &lines[2][..30],
        lines[3],
        &lines[2][30..],
        lines[4]
    );
    let log = office.outbox().join("delivered.log");
    std::fs::write(&log, &damaged).unwrap();
    let (code, out, _) = office.chibo(&["send"], "");
    assert_eq!(code, Some(0), "{out}");
    assert!(
        out.contains("out/2020-07/outbox/delivered.log:2: notice[email-log-damaged]: dòng này của delivered.log bị hỏng; nó nhắc tới thư 02-don-vi-MC, nên thư đó được coi là đã gửi và không gửi lại"),
        "{out}"
    );
    assert!(
        out.contains("delivered.log:3: notice[email-log-damaged]: dòng này của delivered.log bị hỏng; nó nhắc tới thư 02-don-vi-MS, 02-don-vi-TP"),
        "{out}"
    );
    assert!(out.contains("đã gửi 0, trước đó đã gửi 5"), "{out}");
    assert_eq!(server.received().len(), 5);

    // Without the record of the last message and with a line that names nothing, the
    // last message is held back rather than risk a second copy.
    let held = damaged.replace(&format!("{}\n", lines[4]), "??\n");
    std::fs::write(&log, held).unwrap();
    let (code, out, _) = office.chibo(&["send"], "");
    assert_eq!(code, Some(3), "{out}");
    assert!(
        out.contains("error[email-log-damaged]: chưa gửi thư 02-don-vi-YC: delivered.log có dòng bị hỏng không rõ là của thư nào (dòng 4)"),
        "{out}"
    );
    assert_eq!(server.received().len(), 5);
}

/// A recipient refused for now (450) is tried again alone within the pass: the others
/// get the message once, it gets it once.
#[test]
fn a_recipient_refused_for_now_is_tried_again_alone() {
    if !tools() {
        return;
    }
    let office = Office::new();
    let config = std::fs::read_to_string(office.ws.join("chibo.toml")).unwrap();
    let (from, to) = (
        "leadership = [\"thuongvu@example.vn\"]",
        "leadership = [\"thuongvu@example.vn\", \"banban@example.vn\"]",
    );
    std::fs::write(office.ws.join("chibo.toml"), config.replace(from, to)).unwrap();
    let server = office.server("busy-rcpt=banban@example.vn");
    let (code, out, _) = office.chibo(&["run", "--month", "2020-07"], "backoff=50");
    assert_eq!(code, Some(1), "data errors only: {out}");
    assert!(
        out.contains("đã gửi 5, trước đó đã gửi 0, chưa gửi được 0"),
        "{out}"
    );
    let received = server.received();
    assert_eq!(received.len(), 6);
    assert_eq!(
        received[0]["rcpt_tos"],
        serde_json::json!(["thuongvu@example.vn"])
    );
    assert_eq!(
        received[1]["rcpt_tos"],
        serde_json::json!(["banban@example.vn"])
    );
    assert_eq!(received[0]["subject"], received[1]["subject"]);
    let log = office.log();
    assert_eq!(log.len(), 6, "{log:?}");
    let (code, _, _) = office.chibo(&["send"], "backoff=50");
    assert_eq!(code, Some(0));
    assert_eq!(server.received().len(), 6);
}
