//! Pause points for tests of what a kill at a bad moment leaves behind. With the
//! environment variable `CHIBO_TEST_PAUSE` set to a point's name, the process reaching
//! that point writes `CHIBO_TEST_PAUSE <name>` on a line of standard error and waits
//! until its standard input is closed, then goes on: a test reads standard error to
//! know where the process stands, then kills it or lets it go on. Unset (always, but in
//! those tests), a point costs one look at the environment.
//!
//! The points: `locked` (the workspace lock was just taken) and, in a month's outputs
//! being replaced (see `output/set.rs`), `staged`, `committed`, `moved-aside`
//! and `swapped`; in `chibo collect`, `imap-fetched` (the IMAP mailbox's messages read,
//! none saved or marked yet), `collect-saved` (a message's files and `received.txt`
//! lines written, before its receipts and its line in the collect log) and
//! `collect-logged` (logged, before the mailbox is told it is done).

/// The environment variable naming the point to pause at.
pub const VAR: &str = "CHIBO_TEST_PAUSE";

/// Pauses here if `CHIBO_TEST_PAUSE` names `name`.
pub fn point(name: &str) {
    if std::env::var_os(VAR).is_some_and(|v| v == name) {
        use std::io::{Read, Write};
        let mut err = std::io::stderr();
        let _ = writeln!(err, "{VAR} {name}");
        let _ = err.flush();
        let _ = std::io::stdin().read_to_end(&mut Vec::new());
    }
}
