//! Delivery over SMTP with lettre's low-level client, driven step by step on the calling
//! thread: every wait on the server (connecting, each reply, TLS, writing the content)
//! is bounded by the socket's timeout, set before each step to the per-step timeout or
//! to what is left of the pass's overall bound, whichever is shorter. When chibo gives
//! up, the connection is dropped there and then: nothing goes on delivering behind it.
//!
//! Each recipient is sent its own `RCPT`: one refused address does not stop the others.
//! The outcome tells apart a refusal (the server answered no), a failure before the
//! content was complete (nothing can have been delivered), and an *uncertain* delivery:
//! the whole content was sent but no acknowledgement came, so the message may have
//! arrived.

use std::cell::Cell;
use std::time::{Duration, Instant};

use lettre::Address;
use lettre::transport::smtp::authentication::{Credentials, DEFAULT_MECHANISMS};
use lettre::transport::smtp::client::{Certificate, SmtpConnection, TlsParameters};
use lettre::transport::smtp::commands::{Data, Mail, Quit, Rcpt};
use lettre::transport::smtp::extension::{ClientId, Extension, MailBodyParameter, MailParameter};

pub use super::attempt::{
    Attempt, Deliver, Failure, Outcome, Reason, Refusal, Stage, TEST_TIMING_VAR, Timing, seconds,
};
use crate::config::{Security, SmtpConfig};

/// Why the SMTP connection cannot be set up; rustls' and lettre's words stay in the
/// source.
#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    /// The CA file of `ca_file` is not a usable PEM certificate.
    #[error("chứng chỉ CA (khóa ca_file) không đọc được")]
    Certificate(#[source] lettre::transport::smtp::Error),
    /// TLS cannot be configured for the host.
    #[error("không thiết lập được TLS với máy chủ thư")]
    Tls(#[source] lettre::transport::smtp::Error),
}

/// An SMTP server, as configured.
pub struct SmtpSender {
    host: String,
    port: u16,
    /// TLS from the first byte (`security = "tls"`).
    wrapper: Option<TlsParameters>,
    /// `STARTTLS`, required (`security = "starttls"`).
    starttls: Option<TlsParameters>,
    credentials: Option<Credentials>,
    hello: ClientId,
    timing: Timing,
}

impl SmtpSender {
    /// A sender for `config`, with `password` when it logs in, trusting `ca_pem` besides
    /// the public roots when given.
    ///
    /// # Errors
    /// A certificate or host that cannot be used.
    pub fn new(
        config: &SmtpConfig,
        password: Option<String>,
        ca_pem: Option<&[u8]>,
        timing: Timing,
    ) -> Result<SmtpSender, SetupError> {
        let tls = || -> Result<TlsParameters, SetupError> {
            let mut builder = TlsParameters::builder(config.host.clone());
            if let Some(pem) = ca_pem {
                let cert = Certificate::from_pem(pem).map_err(SetupError::Certificate)?;
                builder = builder.add_root_certificate(cert);
            }
            builder.build().map_err(SetupError::Tls)
        };
        let (wrapper, starttls) = match config.security {
            Security::Starttls => (None, Some(tls()?)),
            Security::Tls => (Some(tls()?), None),
            // Allowed by the configuration only towards a loopback host.
            Security::None => (None, None),
        };
        let credentials = match (&config.username, password) {
            (Some(user), Some(password)) => Some(Credentials::new(user.clone(), password)),
            _ => None,
        };
        Ok(SmtpSender {
            host: config.host.clone(),
            port: config.port,
            wrapper,
            starttls,
            credentials,
            hello: ClientId::default(),
            timing,
        })
    }

    /// The session of one try; `Err` ends it with nothing delivered (or, after the
    /// whole content, uncertain).
    fn session(
        &self,
        from: Address,
        to: &[(String, Address)],
        raw: &[u8],
        clock: &Clock,
        attempt: &mut Attempt,
    ) -> Result<(), Outcome> {
        let mut conn = self.open(clock)?;
        self.envelope(&mut conn, from, to, raw, clock, attempt)?;
        if attempt.accepted.is_empty() {
            quit(&mut conn, clock, self.timing.operation);
            let temporary = attempt.refused.iter().find(|r| !r.permanent);
            return Err(match temporary {
                Some(r) => Outcome::Temporary(Failure {
                    reason: Reason::Busy {
                        code: r.code,
                        stage: Stage::Rcpt,
                    },
                    detail: r.detail.clone(),
                }),
                None => Outcome::Permanent(Failure {
                    reason: Reason::NoRecipient,
                    detail: refusals(&attempt.refused),
                }),
            });
        }
        let sent = self.content(&mut conn, raw, clock);
        if !matches!(sent, Err(Outcome::Uncertain(_))) && sent.is_err() {
            attempt.accepted.clear();
        }
        sent
    }

    /// Connects, with `STARTTLS` and `AUTH` as configured.
    fn open(&self, clock: &Clock) -> Result<SmtpConnection, Outcome> {
        let op = self.timing.operation;
        let step = clock.budget(op, Stage::Connect)?;
        let mut conn = SmtpConnection::connect(
            (self.host.as_str(), self.port),
            Some(step.timeout),
            &self.hello,
            self.wrapper.as_ref(),
            None,
        )
        .map_err(|e| step.failed(&e, &self.server()))?;
        if let Some(tls) = &self.starttls {
            if !conn.can_starttls() {
                return Err(Outcome::Permanent(Failure {
                    reason: Reason::NoStarttls,
                    detail: "STARTTLS is not offered in the EHLO reply".into(),
                }));
            }
            let step = clock.set(&mut conn, op, Stage::Starttls)?;
            conn.starttls(tls, &self.hello)
                .map_err(|e| step.failed(&e, &self.server()))?;
        }
        if let Some(credentials) = &self.credentials {
            if conn
                .server_info()
                .get_auth_mechanism(DEFAULT_MECHANISMS)
                .is_none()
            {
                return Err(Outcome::Permanent(Failure {
                    reason: Reason::NoAuthMechanism,
                    detail: format!("EHLO: {}", conn.server_info()),
                }));
            }
            let step = clock.set(&mut conn, op, Stage::Auth)?;
            conn.auth(DEFAULT_MECHANISMS, credentials)
                .map_err(|e| step.failed(&e, &self.server()))?;
        }
        Ok(conn)
    }

    /// `MAIL FROM`, then one `RCPT TO` per recipient: a refused recipient is noted and
    /// the others are asked for.
    fn envelope(
        &self,
        conn: &mut SmtpConnection,
        from: Address,
        to: &[(String, Address)],
        raw: &[u8],
        clock: &Clock,
        attempt: &mut Attempt,
    ) -> Result<(), Outcome> {
        let op = self.timing.operation;
        let mut options = Vec::new();
        let non_ascii_address =
            !AsRef::<str>::as_ref(&from).is_ascii() || to.iter().any(|(a, _)| !a.is_ascii());
        if non_ascii_address {
            if !conn.server_info().supports_feature(Extension::SmtpUtfEight) {
                return Err(eight_bit());
            }
            options.push(MailParameter::SmtpUtfEight);
        }
        if !raw.is_ascii() {
            if !conn.server_info().supports_feature(Extension::EightBitMime) {
                return Err(eight_bit());
            }
            options.push(MailParameter::Body(MailBodyParameter::EightBitMime));
        }
        let step = clock.set(conn, op, Stage::Mail)?;
        conn.command(Mail::new(Some(from), options))
            .map_err(|e| step.failed(&e, &self.server()))?;
        for (text, address) in to {
            let step = clock.set(conn, op, Stage::Rcpt)?;
            if let Err(e) = conn.command(Rcpt::new(address.clone(), Vec::new())) {
                let Some(code) = e.status() else {
                    attempt.accepted.clear();
                    return Err(step.failed(&e, &self.server()));
                };
                attempt.refused.push(Refusal {
                    address: text.clone(),
                    code: u16::from(code),
                    permanent: e.is_permanent(),
                    detail: e.to_string(),
                });
            } else {
                attempt.accepted.push(text.clone());
            }
        }
        Ok(())
    }

    /// `DATA`, the content and its final dot, then the acknowledgement. Once the
    /// content was handed over whole, a failure leaves the delivery uncertain.
    fn content(&self, conn: &mut SmtpConnection, raw: &[u8], clock: &Clock) -> Result<(), Outcome> {
        let op = self.timing.operation;
        let step = clock.set(conn, op, Stage::Data)?;
        conn.command(Data)
            .map_err(|e| step.failed(&e, &self.server()))?;
        let step = clock.set(conn, self.timing.ack.max(op), Stage::Content)?;
        let whole = Cell::new(false);
        let mut parts = Some(raw);
        let content = std::iter::from_fn(|| {
            let part = parts.take();
            if part.is_none() {
                whole.set(true);
            }
            part
        });
        match conn.message_iter(content) {
            Ok(_) => {
                quit(conn, clock, op);
                Ok(())
            }
            Err(e) if e.status().is_none() && whole.get() => {
                let failure = match step.failed(&e, &self.server()) {
                    Outcome::Temporary(f) | Outcome::Permanent(f) | Outcome::Uncertain(f) => f,
                    Outcome::Delivered => unreachable!("a failure"),
                };
                let reason = match failure.reason {
                    Reason::Timeout { after, .. } => Reason::Timeout {
                        after,
                        stage: Stage::Ack,
                    },
                    Reason::Bound { bound, .. } => Reason::Bound {
                        bound,
                        stage: Stage::Ack,
                    },
                    Reason::Protocol { .. } => Reason::Protocol { stage: Stage::Ack },
                    _ => Reason::Closed { stage: Stage::Ack },
                };
                Err(Outcome::Uncertain(Failure {
                    reason,
                    detail: failure.detail,
                }))
            }
            Err(e) => Err(step.failed(&e, &self.server())),
        }
    }

    fn server(&self) -> Server {
        Server {
            name: format!("{}:{}", self.host, self.port),
            wrapper: self.wrapper.is_some(),
        }
    }
}

impl Deliver for SmtpSender {
    fn deliver(&self, from: &str, to: &[String], raw: &[u8], deadline: Instant) -> Attempt {
        let mut attempt = Attempt {
            accepted: Vec::new(),
            refused: Vec::new(),
            outcome: Outcome::Delivered,
        };
        let bad = |address: &str, e: lettre::address::AddressError| {
            Outcome::Permanent(Failure {
                reason: Reason::BadAddress(address.to_owned()),
                detail: e.to_string(),
            })
        };
        let from_address: Address = match from.parse() {
            Ok(a) => a,
            Err(e) => {
                attempt.outcome = bad(from, e);
                return attempt;
            }
        };
        let mut recipients = Vec::new();
        for address in to {
            match address.parse::<Address>() {
                Ok(a) => recipients.push((address.clone(), a)),
                Err(e) => {
                    attempt.outcome = bad(address, e);
                    return attempt;
                }
            }
        }
        let clock = Clock {
            deadline,
            bound: self.timing.bound,
        };
        if let Err(outcome) = self.session(from_address, &recipients, raw, &clock, &mut attempt) {
            attempt.outcome = outcome;
        }
        attempt
    }

    fn timing(&self) -> Timing {
        self.timing
    }
}

fn eight_bit() -> Outcome {
    Outcome::Permanent(Failure {
        reason: Reason::EightBit,
        detail: "the server offers neither 8BITMIME nor SMTPUTF8 as needed".into(),
    })
}

fn refusals(refused: &[Refusal]) -> String {
    refused
        .iter()
        .map(|r| format!("{}: {}", r.address, r.detail))
        .collect::<Vec<_>>()
        .join("; ")
}

/// Ends the session politely, waiting little: the message is already settled.
fn quit(conn: &mut SmtpConnection, clock: &Clock, op: Duration) {
    if let Ok(step) = clock.budget(op.min(Duration::from_secs(2)), Stage::Ack) {
        if conn.set_timeout(Some(step.timeout)).is_ok() {
            let _ = conn.command(Quit);
        }
    }
}

/// The server, as errors name it.
struct Server {
    name: String,
    wrapper: bool,
}

/// The overall bound of a pass.
struct Clock {
    deadline: Instant,
    bound: Duration,
}

/// The timeout of one step.
struct Step {
    timeout: Duration,
    /// Shortened to what is left of the bound.
    clipped: bool,
    bound: Duration,
    stage: Stage,
}

impl Clock {
    /// The timeout of a step that may take `wanted`, or the end of the pass.
    fn budget(&self, wanted: Duration, stage: Stage) -> Result<Step, Outcome> {
        let left = self.deadline.saturating_duration_since(Instant::now());
        if left < Duration::from_millis(5) {
            return Err(Outcome::Temporary(Failure {
                reason: Reason::Bound {
                    bound: self.bound,
                    stage,
                },
                detail: "overall bound of the pass reached before this step".into(),
            }));
        }
        Ok(Step {
            timeout: wanted.min(left),
            clipped: left < wanted,
            bound: self.bound,
            stage,
        })
    }

    /// [`Clock::budget`], set on the connection's socket.
    fn set(
        &self,
        conn: &mut SmtpConnection,
        wanted: Duration,
        stage: Stage,
    ) -> Result<Step, Outcome> {
        let step = self.budget(wanted, stage)?;
        conn.set_timeout(Some(step.timeout)).map_err(|e| {
            Outcome::Temporary(Failure {
                reason: Reason::Closed { stage },
                detail: e.to_string(),
            })
        })?;
        Ok(step)
    }
}

impl Step {
    /// The outcome of lettre's error `e` at this step (nothing delivered).
    fn failed(&self, e: &lettre::transport::smtp::Error, server: &Server) -> Outcome {
        use std::io::ErrorKind as K;
        let wrapper = server.wrapper;
        let server = server.name.clone();
        let detail = detail(e);
        let stage = self.stage;
        if let Some(code) = e.status() {
            let code = u16::from(code);
            let reason = match (stage, e.is_permanent()) {
                (Stage::Auth, true) => Reason::Auth { code },
                (_, true) => Reason::Refused { code, stage },
                (_, false) => Reason::Busy { code, stage },
            };
            let failure = Failure { reason, detail };
            return if e.is_permanent() {
                Outcome::Permanent(failure)
            } else {
                Outcome::Temporary(failure)
            };
        }
        let io = io_kind(e);
        let reason = match io {
            Some(K::WouldBlock | K::TimedOut) if self.clipped => Reason::Bound {
                bound: self.bound,
                stage,
            },
            Some(K::WouldBlock | K::TimedOut) => Reason::Timeout {
                after: self.timeout,
                stage,
            },
            Some(
                K::ConnectionRefused
                | K::AddrNotAvailable
                | K::HostUnreachable
                | K::NetworkUnreachable,
            ) => Reason::Connect { server },
            // rustls reports a refused certificate or a failed handshake as invalid data.
            Some(K::InvalidData)
                if stage == Stage::Starttls || (stage == Stage::Connect && wrapper) =>
            {
                Reason::Tls
            }
            Some(
                K::ConnectionReset
                | K::ConnectionAborted
                | K::BrokenPipe
                | K::UnexpectedEof
                | K::NotConnected,
            ) => Reason::Closed { stage },
            _ if e.is_tls() => Reason::Tls,
            _ if e.is_response() && detail.contains("incomplete response") => {
                Reason::Closed { stage }
            }
            _ if e.is_response() => Reason::Protocol { stage },
            _ if stage == Stage::Connect => Reason::Connect { server },
            _ => Reason::Closed { stage },
        };
        let failure = Failure { reason, detail };
        if failure.reason == Reason::Tls {
            Outcome::Permanent(failure)
        } else {
            Outcome::Temporary(failure)
        }
    }
}

/// The kind of the I/O error behind `e`, if any.
fn io_kind(e: &lettre::transport::smtp::Error) -> Option<std::io::ErrorKind> {
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        if let Some(io) = s.downcast_ref::<std::io::Error>() {
            return Some(io.kind());
        }
        source = s.source();
    }
    None
}

/// lettre's error and its sources, one after the other.
fn detail(e: &lettre::transport::smtp::Error) -> String {
    let mut text = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        let s_text = s.to_string();
        if !text.contains(&s_text) {
            text.push_str(" — ");
            text.push_str(&s_text);
        }
        source = s.source();
    }
    text
}
