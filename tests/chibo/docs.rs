//! The README and `docs/` document what the program really has, and a clone of the
//! repository holds everything they point to.

use std::path::{Path, PathBuf};

use chibo::diagnostic::Code;

/// The README's top (what chibo is, prerequisites, the two commands, the monthly cycle,
/// the list of documents) must fit on two screens: about 50 lines each, with a margin for
/// the measured setup times.
const README_MAX_LINES: usize = 110;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// README.md and every `docs/*.md`.
fn documents() -> Vec<PathBuf> {
    let mut docs = vec![root().join("README.md")];
    let mut dir: Vec<PathBuf> = std::fs::read_dir(root().join("docs"))
        .expect("docs/ exists")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .collect();
    dir.sort();
    assert!(!dir.is_empty(), "docs/ holds no .md file");
    docs.extend(dir);
    docs
}

/// The targets of the markdown links `[text](target)` in `text`.
fn link_targets(text: &str) -> Vec<&str> {
    text.match_indices("](")
        .filter_map(|(at, _)| {
            let rest = &text[at + 2..];
            rest.find(')').map(|end| rest[..end].trim())
        })
        .collect()
}

#[test]
fn every_diagnostic_code_is_documented() {
    let table = read(&root().join("docs/diagnostics.md"));
    for code in Code::ALL {
        assert!(
            table.contains(&format!("| `{code}` |")),
            "docs/diagnostics.md lacks a row for `{code}`"
        );
    }
}

#[test]
fn every_dependency_is_explained() {
    let doc = read(&root().join("docs/development.md"));
    // The crates a row of the table names: its first cell, `serde, serde_json` or
    // `filetime (dev)`. (Anywhere in the line, `insta` would be found in "installs".)
    let named: Vec<&str> = doc
        .lines()
        .filter_map(|l| l.strip_prefix('|')?.split('|').next())
        .flat_map(|cell| cell.split(','))
        .map(|name| name.trim().trim_end_matches("(dev)").trim())
        .collect();
    let manifest: toml::Table = include_str!("../../Cargo.toml").parse().unwrap();
    for table in ["dependencies", "dev-dependencies"] {
        for name in manifest[table].as_table().unwrap().keys() {
            assert!(
                named.contains(&name.as_str()),
                "the dependency table of docs/development.md lacks {name}"
            );
        }
    }
}

#[test]
fn readme_fits_two_screens() {
    let lines = read(&root().join("README.md")).lines().count();
    assert!(
        lines <= README_MAX_LINES,
        "README.md has {lines} lines, more than {README_MAX_LINES}: move the details to docs/"
    );
}

#[test]
fn no_doc_points_outside_the_clone() {
    for doc in documents() {
        let text = read(&doc);
        for outside in ["../shared", "SPEC.md"] {
            assert!(
                !text.contains(outside),
                "{} mentions {outside}, which a clone does not have",
                doc.display()
            );
        }
    }
}

#[test]
fn every_doc_link_resolves() {
    let mut checked = 0;
    for doc in documents() {
        let text = read(&doc);
        let dir = doc.parent().unwrap();
        for target in link_targets(&text) {
            if target.contains("://") || target.starts_with("mailto:") || target.starts_with('#') {
                continue;
            }
            let file = target.split('#').next().unwrap();
            assert!(
                dir.join(file).exists(),
                "{}: the link to {target} leads nowhere",
                doc.display()
            );
            checked += 1;
        }
    }
    assert!(
        checked > 0,
        "no relative link was found: the link reader is broken"
    );
}
