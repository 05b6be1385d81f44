//! What people read, as snapshots reviewed like code (`snapshots/`): the terminal account
//! of a run, `chibo check`'s report, both emails in text and HTML, and a whole
//! `summary.json`. A change to any of them shows in review as a diff of the text itself.
//!
//! To accept a deliberate change: `INSTA_UPDATE=always cargo test --test chibo snapshots`,
//! then read every changed `.snap` file before committing it. On CI (`CI=true`) insta
//! writes nothing and a missing snapshot fails.

use std::path::{Path, PathBuf};

use chibo::model::YearMonth;
use chibo::workspace::Workspace;

use crate::common::{chibo, demo_workspace, text};

/// Replaces the temporary folders of a test by fixed names: a snapshot holds nothing of
/// the machine it ran on.
fn portable(text: &str, ws: &Path) -> String {
    let tmp = ws.parent().expect("the demo is inside a temporary folder");
    text.replace(&ws.display().to_string(), "[DEMO]")
        .replace(&tmp.display().to_string(), "[TMP]")
}

#[test]
fn snapshot_of_the_terminal_after_a_run() {
    let (_tmp, ws) = demo_workspace();
    let out = chibo(&["run", "--month", "2020-07", "--no-email"], &ws);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(1), "July has data errors\n{stderr}");
    insta::assert_snapshot!("run_2020_07_terminal", portable(&stdout, &ws));
}

#[test]
fn snapshot_of_check_on_the_july_inbox() {
    let (_tmp, ws) = demo_workspace();
    // As the shell expands `inbox/2020-07/*`: every file, in name order.
    let mut files: Vec<String> = std::fs::read_dir(ws.join("inbox/2020-07"))
        .unwrap()
        .map(|e| format!("inbox/2020-07/{}", e.unwrap().file_name().to_string_lossy()))
        .collect();
    files.sort();
    let mut args = vec!["check"];
    args.extend(files.iter().map(String::as_str));
    let out = chibo(&args, &ws);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(1), "errors give exit 1\n{stderr}");
    insta::assert_snapshot!("check_2020_07_inbox", portable(&stdout, &ws));
}

/// The month's emails as `chibo run` renders them before they become MIME messages
/// (the queued `.eml` files carry the same text, quoted-printable or base64).
fn emails(ws: &Path, month: YearMonth) -> Vec<chibo::report::email::Email> {
    let workspace = Workspace::load(&ws.join("chibo.toml")).unwrap();
    let (files, notes) = chibo::inbox::read_year(&workspace, month, &|_, _, _| {}).unwrap();
    let mut r = chibo::reconcile::reconcile(&workspace.config, &workspace.roster, month, &files);
    r.add_issues(notes);
    let env = chibo::report::email::templates(None).unwrap();
    let name = format!("tong-hop-{month}.xlsx");
    chibo::report::email::render_all(
        &env,
        &r,
        &workspace.roster,
        &workspace.config,
        &name,
        b"",
        true,
    )
    .unwrap()
}

/// The headers a reader sees, then the body.
fn headed(e: &chibo::report::email::Email, body: &str) -> String {
    let attachment = e
        .attachment
        .as_ref()
        .map(|(name, _)| format!("Attachment: {name}\n"))
        .unwrap_or_default();
    format!(
        "To: {}\nSubject: {}\n{attachment}\n{body}",
        e.to.join(", "),
        e.subject
    )
}

#[test]
fn snapshot_of_the_july_emails() {
    let (_tmp, ws) = demo_workspace();
    let emails = emails(&ws, YearMonth::new(2020, 7).unwrap());
    let names: Vec<&str> = emails.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "01-thuong-vu",
            "02-don-vi-MC",
            "02-don-vi-MS",
            "02-don-vi-TP",
            "02-don-vi-YC"
        ]
    );
    let leaders = &emails[0];
    let yc = &emails[4];
    insta::assert_snapshot!("email_leadership_text", headed(leaders, &leaders.text));
    insta::assert_snapshot!("email_leadership_html", headed(leaders, &leaders.html));
    insta::assert_snapshot!("email_unit_yc_text", headed(yc, &yc.text));
    insta::assert_snapshot!("email_unit_yc_html", headed(yc, &yc.html));
}

/// `out/<month>/summary.json` after `chibo run --month <month> --no-email`.
fn summary_after_run(ws: &Path, month: &str) -> (PathBuf, String) {
    let out = chibo(&["run", "-q", "--month", month, "--no-email"], ws);
    assert_eq!(out.status.code(), Some(0), "{:?}", text(&out));
    let path = ws.join(format!("out/{month}/summary.json"));
    let json = std::fs::read_to_string(&path).unwrap();
    (path, json)
}

#[test]
fn snapshot_of_a_small_summary_json() {
    let (_tmp, ws) = demo_workspace();
    let (path, json) = summary_after_run(&ws, "2020-01");
    // insta compares text without its final newline: the file's own ending is held here.
    assert!(json.ends_with("}\n") && !json.contains('\r'), "{json:?}");
    insta::assert_snapshot!("summary_2020_01_json", json);
    // A second run writes the same bytes.
    let first = std::fs::read(&path).unwrap();
    summary_after_run(&ws, "2020-01");
    assert!(
        std::fs::read(&path).unwrap() == first,
        "a second run changed summary.json"
    );
}
