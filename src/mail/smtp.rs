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
    /// Why the delivery failed, in words for the office.
    fn deliver(&self, from: &str, to: &[String], raw: &[u8]) -> Result<(), String>;
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
    ) -> Result<SmtpSender, String> {
        let tls = || -> Result<TlsParameters, String> {
            let mut builder = TlsParameters::builder(config.host.clone());
            if let Some(pem) = ca_pem {
                let cert = Certificate::from_pem(pem)
                    .map_err(|e| format!("chứng chỉ CA không đọc được: {e}"))?;
                builder = builder.add_root_certificate(cert);
            }
            builder
                .build()
                .map_err(|e| format!("không thiết lập được TLS: {e}"))
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
    fn deliver(&self, from: &str, to: &[String], raw: &[u8]) -> Result<(), String> {
        let from = from
            .parse()
            .map_err(|e| format!("địa chỉ gửi không hợp lệ: {e}"))?;
        let to = to
            .iter()
            .map(|a| a.parse())
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| format!("địa chỉ nhận không hợp lệ: {e}"))?;
        let envelope = Envelope::new(Some(from), to).map_err(|e| e.to_string())?;
        let transport = self.transport.clone();
        let raw = raw.to_vec();
        let (done, wait) = mpsc::channel();
        std::thread::spawn(move || {
            let _ = done.send(
                transport
                    .send_raw(&envelope, &raw)
                    .map(|_| ())
                    .map_err(|e| e.to_string()),
            );
        });
        match wait.recv_timeout(self.deadline) {
            Ok(result) => {
                result.map_err(|e| format!("máy chủ thư từ chối hoặc không kết nối được: {e}"))
            }
            Err(_) => Err(format!(
                "quá {} giây mà chưa gửi xong",
                self.deadline.as_secs()
            )),
        }
    }
}
