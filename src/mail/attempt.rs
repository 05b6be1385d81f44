//! What one try of a delivery did, and why it failed, in Vietnamese; the timeouts and
//! tries; the [`Deliver`] trait the delivery pass drives.

use std::time::{Duration, Instant};

/// The environment variable that shortens the timeouts, for tests only:
/// `operation=MS,ack=MS,bound=MS,backoff=MS,attempts=N` (any of them; the others keep
/// their defaults).
pub const TEST_TIMING_VAR: &str = "CHIBO_TEST_SMTP_TIMING";

/// How long chibo waits, and how often it tries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Timing {
    /// The longest wait for one step: connecting (with the greeting and `EHLO`),
    /// `STARTTLS`, `AUTH`, each command.
    pub operation: Duration,
    /// The longest wait for the content to be written and acknowledged.
    pub ack: Duration,
    /// The overall bound of one delivery pass over an outbox (a month).
    pub bound: Duration,
    /// The wait before the second try, doubled before each next one.
    pub backoff: Duration,
    /// Tries per message for temporary failures.
    pub attempts: u32,
}

impl Default for Timing {
    fn default() -> Timing {
        Timing {
            operation: Duration::from_secs(30),
            ack: Duration::from_secs(60),
            bound: Duration::from_secs(180),
            backoff: Duration::from_millis(500),
            attempts: 3,
        }
    }
}

impl Timing {
    /// The defaults, changed by the value of [`TEST_TIMING_VAR`] when given; parts that
    /// cannot be read are ignored.
    pub fn with_test_overrides(value: Option<&str>) -> Timing {
        let mut timing = Timing::default();
        for part in value.unwrap_or_default().split(',') {
            let Some((key, n)) = part.split_once('=') else {
                continue;
            };
            let Ok(n) = n.trim().parse::<u64>() else {
                continue;
            };
            let ms = Duration::from_millis(n.max(1));
            match key.trim() {
                "operation" => timing.operation = ms,
                "ack" => timing.ack = ms,
                "bound" => timing.bound = ms,
                "backoff" => timing.backoff = ms,
                "attempts" => timing.attempts = u32::try_from(n.max(1)).unwrap_or(3),
                _ => {}
            }
        }
        timing
    }
}

/// Where a step of the session was.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    /// Connecting, the greeting and `EHLO`.
    Connect,
    /// `STARTTLS` and the TLS handshake.
    Starttls,
    /// Logging in.
    Auth,
    /// `MAIL FROM`.
    Mail,
    /// `RCPT TO`.
    Rcpt,
    /// `DATA`.
    Data,
    /// Writing the content.
    Content,
    /// Waiting for the acknowledgement of the whole content.
    Ack,
}

impl std::fmt::Display for Stage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Stage::Connect => "lúc kết nối",
            Stage::Starttls => "lúc bắt đầu mã hóa TLS",
            Stage::Auth => "lúc đăng nhập",
            Stage::Mail => "lúc gửi địa chỉ người gửi",
            Stage::Rcpt => "lúc gửi địa chỉ người nhận",
            Stage::Data => "lúc bắt đầu gửi nội dung",
            Stage::Content => "lúc gửi nội dung",
            Stage::Ack => "lúc chờ máy chủ xác nhận đã nhận thư",
        })
    }
}

/// `20 giây`, `0,3 giây`.
pub fn seconds(d: Duration) -> String {
    let ms = d.as_millis();
    if ms % 1000 == 0 {
        format!("{} giây", ms / 1000)
    } else {
        let text = format!("{:.3}", d.as_secs_f64());
        let text = text.trim_end_matches('0').replace('.', ",");
        format!("{text} giây")
    }
}

/// Why a try failed, in Vietnamese.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Reason {
    /// A step waited its whole timeout.
    #[error("máy chủ thư không trả lời trong {} ({stage})", seconds(*after))]
    Timeout {
        /// The timeout.
        after: Duration,
        /// The step.
        stage: Stage,
    },
    /// The overall bound of the pass ran out.
    #[error("đã hết {} dành cho việc gửi thư của tháng này ({stage})", seconds(*bound))]
    Bound {
        /// The bound.
        bound: Duration,
        /// The step.
        stage: Stage,
    },
    /// The server cannot be reached.
    #[error("không kết nối được tới máy chủ thư {server}")]
    Connect {
        /// `host:port`.
        server: String,
    },
    /// The server closed the connection.
    #[error("máy chủ thư đóng kết nối ({stage})")]
    Closed {
        /// The step.
        stage: Stage,
    },
    /// A reply that is not SMTP.
    #[error("máy chủ thư trả lời không đúng giao thức SMTP ({stage})")]
    Protocol {
        /// The step.
        stage: Stage,
    },
    /// TLS could not be set up.
    #[error(
        "không thiết lập được kết nối mã hóa TLS với máy chủ thư (kiểm tra tên máy chủ và chứng chỉ, khóa ca_file)"
    )]
    Tls,
    /// `security = "starttls"` towards a server that does not offer it.
    #[error("máy chủ thư không hỗ trợ STARTTLS")]
    NoStarttls,
    /// The server turned the login down.
    #[error("máy chủ thư không chấp nhận tên đăng nhập hoặc mật khẩu (mã {code})")]
    Auth {
        /// The reply code.
        code: u16,
    },
    /// No login method both sides know.
    #[error("máy chủ thư không có cách đăng nhập mà chibo dùng được (PLAIN, LOGIN)")]
    NoAuthMechanism,
    /// A temporary refusal (4xx).
    #[error("máy chủ thư tạm thời chưa nhận thư (mã {code}, {stage})")]
    Busy {
        /// The reply code.
        code: u16,
        /// The step.
        stage: Stage,
    },
    /// A permanent refusal (5xx).
    #[error("máy chủ thư từ chối thư (mã {code}, {stage})")]
    Refused {
        /// The reply code.
        code: u16,
        /// The step.
        stage: Stage,
    },
    /// Every recipient was refused.
    #[error("máy chủ thư từ chối mọi địa chỉ nhận")]
    NoRecipient,
    /// An envelope address that is not an address.
    #[error("địa chỉ «{0}» không hợp lệ")]
    BadAddress(String),
    /// Non-ASCII content or addresses towards a server that cannot take them.
    #[error("máy chủ thư không nhận thư có chữ ngoài ASCII (thiếu 8BITMIME hoặc SMTPUTF8)")]
    EightBit,
}

impl Reason {
    /// Whether the failure is the server's or the session's rather than the message's:
    /// the other messages of the pass would meet it too.
    pub fn is_server_wide(&self) -> bool {
        match self {
            Reason::Timeout { stage, .. }
            | Reason::Closed { stage }
            | Reason::Protocol { stage } => *stage != Stage::Ack,
            Reason::Busy { stage, .. } | Reason::Refused { stage, .. } => {
                matches!(stage, Stage::Connect | Stage::Starttls | Stage::Auth)
            }
            Reason::Bound { .. }
            | Reason::Connect { .. }
            | Reason::Tls
            | Reason::NoStarttls
            | Reason::Auth { .. }
            | Reason::NoAuthMechanism
            | Reason::EightBit => true,
            Reason::NoRecipient | Reason::BadAddress(_) => false,
        }
    }
}

/// A failed try: the Vietnamese reason and the library's (English) words, kept for the
/// `.error` note.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure {
    /// Why.
    pub reason: Reason,
    /// lettre's and the server's words.
    pub detail: String,
}

/// One refused recipient.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refusal {
    /// The address.
    pub address: String,
    /// The reply code.
    pub code: u16,
    /// 5xx (never tried again) rather than 4xx.
    pub permanent: bool,
    /// The server's words.
    pub detail: String,
}

/// How a try ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The server acknowledged the message for the accepted recipients.
    Delivered,
    /// Nothing was delivered; trying again may work (4xx, no connection, a timeout
    /// before the content was complete).
    Temporary(Failure),
    /// Nothing was delivered; trying again the same way will not work (5xx, TLS, login).
    Permanent(Failure),
    /// The whole content was sent to the accepted recipients but no acknowledgement
    /// came: the message may have arrived.
    Uncertain(Failure),
}

/// What one try did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attempt {
    /// Recipients the server accepted (`RCPT` answered 250).
    pub accepted: Vec<String>,
    /// Recipients the server refused.
    pub refused: Vec<Refusal>,
    /// How it ended.
    pub outcome: Outcome,
}

/// Delivers one raw message.
pub trait Deliver {
    /// Sends `raw` from `from` to each of `to`, giving up at `deadline`.
    fn deliver(&self, from: &str, to: &[String], raw: &[u8], deadline: Instant) -> Attempt;

    /// The timeouts and tries.
    fn timing(&self) -> Timing;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timing_overrides_for_tests() {
        let t = Timing::with_test_overrides(Some("operation=300, bound=2000,backoff=x,attempts=2"));
        assert_eq!(t.operation, Duration::from_millis(300));
        assert_eq!(t.bound, Duration::from_secs(2));
        assert_eq!(t.backoff, Timing::default().backoff);
        assert_eq!(t.attempts, 2);
        assert_eq!(Timing::with_test_overrides(None), Timing::default());
    }

    #[test]
    fn seconds_with_a_decimal_comma() {
        assert_eq!(seconds(Duration::from_secs(20)), "20 giây");
        assert_eq!(seconds(Duration::from_millis(300)), "0,3 giây");
        assert_eq!(seconds(Duration::from_millis(1250)), "1,25 giây");
    }
}
