//! Delivery over SMTP with lettre, behind a small trait so the queue logic does not
//! depend on lettre's transport types.

use std::sync::mpsc;
use std::time::Duration;

use lettre::Transport;
use lettre::address::Envelope;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};

use crate::config::{Security, SmtpConfig};

/// Delivers one raw message.
pub trait Deliver {
    /// Sends `raw` from `from` to `to`.
    ///
    /// # Errors
    /// Why the delivery failed.
    fn deliver(&self, from: &str, to: &[String], raw: &[u8]) -> Result<(), DeliveryError>;
}

/// Why one delivery failed: Vietnamese words for the office, the library's (English)
/// words kept as the source for the outbox's `.error` note.
#[derive(Debug, thiserror::Error)]
pub enum DeliveryError {
    /// The envelope sender is not an address.
    #[error("địa chỉ gửi «{address}» không hợp lệ")]
    BadSender {
        /// The address.
        address: String,
        /// lettre's reason.
        source: lettre::address::AddressError,
    },
    /// An envelope recipient is not an address.
    #[error("địa chỉ nhận «{address}» không hợp lệ")]
    BadRecipient {
        /// The address.
        address: String,
        /// lettre's reason.
        source: lettre::address::AddressError,
    },
    /// The envelope cannot be made (no recipient).
    #[error("phong bì thư không hợp lệ (không có người nhận?)")]
    Envelope(#[source] lettre::error::Error),
    /// The server refused the message, or could not be reached.
    #[error("máy chủ thư từ chối hoặc không kết nối được")]
    Smtp(#[source] lettre::transport::smtp::Error),
    /// The delivery took longer than [`DELIVERY_DEADLINE`].
    #[error("quá {} giây mà chưa gửi xong", .0.as_secs())]
    Timeout(Duration),
}

impl DeliveryError {
    /// The Vietnamese reason followed by the library's, for the `.error` note a person
    /// reads when the short reason is not enough.
    pub fn detailed(&self) -> String {
        let mut text = self.to_string();
        let mut source = std::error::Error::source(self);
        while let Some(s) = source {
            text.push_str(" — ");
            text.push_str(&s.to_string());
            source = s.source();
        }
        text
    }
}

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
    transport: lettre::SmtpTransport,
    deadline: Duration,
}

/// How long one delivery may take in all, STARTTLS and AUTH included (lettre's own
/// timeout covers each socket operation, not a handshake that stalls).
pub const DELIVERY_DEADLINE: Duration = Duration::from_secs(60);

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
    ) -> Result<SmtpSender, SetupError> {
        let tls = || -> Result<TlsParameters, SetupError> {
            let mut builder = TlsParameters::builder(config.host.clone());
            if let Some(pem) = ca_pem {
                let cert = Certificate::from_pem(pem).map_err(SetupError::Certificate)?;
                builder = builder.add_root_certificate(cert);
            }
            builder.build().map_err(SetupError::Tls)
        };
        let tls = match config.security {
            Security::Starttls => Tls::Required(tls()?),
            Security::Tls => Tls::Wrapper(tls()?),
            // Allowed by the configuration only towards a loopback host.
            Security::None => Tls::None,
        };
        let mut builder = lettre::SmtpTransport::builder_dangerous(config.host.clone())
            .port(config.port)
            .tls(tls)
            .timeout(Some(Duration::from_secs(20)));
        if let (Some(user), Some(password)) = (&config.username, password) {
            builder = builder.credentials(Credentials::new(user.clone(), password));
        }
        Ok(SmtpSender {
            transport: builder.build(),
            deadline: DELIVERY_DEADLINE,
        })
    }
}

impl Deliver for SmtpSender {
    fn deliver(&self, from: &str, to: &[String], raw: &[u8]) -> Result<(), DeliveryError> {
        let from = from.parse().map_err(|source| DeliveryError::BadSender {
            address: from.to_owned(),
            source,
        })?;
        let to = to
            .iter()
            .map(|a| {
                a.parse().map_err(|source| DeliveryError::BadRecipient {
                    address: a.clone(),
                    source,
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let envelope = Envelope::new(Some(from), to).map_err(DeliveryError::Envelope)?;
        let transport = self.transport.clone();
        let raw = raw.to_vec();
        let (done, wait) = mpsc::channel();
        std::thread::spawn(move || {
            let _ = done.send(
                transport
                    .send_raw(&envelope, &raw)
                    .map(|_| ())
                    .map_err(DeliveryError::Smtp),
            );
        });
        match wait.recv_timeout(self.deadline) {
            Ok(result) => result,
            Err(_) => Err(DeliveryError::Timeout(self.deadline)),
        }
    }
}
