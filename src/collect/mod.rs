//! `chibo collect`: reports that arrive by email, taken from a mailbox into the inbox.
//!
//! A mailbox (a folder of exported `.eml`/`.mbox` files, or an IMAP folder) yields
//! [`Arrival`]s: one message each, with the moment the office's server received it.
//! The collector decides each attachment's unit and month, saves it under
//! `inbox/YYYY-MM/` with its received date, and only then tells the mailbox that the
//! message is [`Mailbox::done`] (marked seen, or moved).

use chrono::{DateTime, FixedOffset};

pub mod imap;

/// One message as a mailbox gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Arrival {
    /// What makes the message unique in the collect log: `imap:<uidvalidity>:<uid>` for
    /// IMAP, `message-id:<id>` (or `sha256:<hex>` of the raw message when it has no
    /// Message-ID) for a file.
    pub key: String,
    /// Where it came from, as shown to the office (`mailbox/Outlook.eml`,
    /// `imap://host/INBOX UID 42`).
    pub origin: String,
    /// When the office's server received it: IMAP INTERNALDATE, or a file's topmost
    /// `Received:` header. `None` when the message does not say.
    pub received: Option<DateTime<FixedOffset>>,
    /// The whole message, RFC 5322.
    pub raw: Vec<u8>,
}

/// Where messages come from.
pub trait Mailbox {
    /// The messages to consider, in a stable order (oldest first).
    fn arrivals(&mut self) -> Result<Vec<Arrival>, crate::Error>;
    /// The message's files and `received.txt` are safely written (or it was collected
    /// before): mark it seen, or move it to the done folder.
    fn done(&mut self, arrival: &Arrival) -> Result<(), crate::Error>;
}

pub mod decide;
pub mod folder;
pub mod letter;
pub mod log;
pub mod name;
pub mod receipt;
pub mod store;
