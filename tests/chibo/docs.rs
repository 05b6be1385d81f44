//! The README documents what the program really has.

use chibo::diagnostic::Code;

#[test]
fn every_diagnostic_code_is_documented() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    for code in Code::ALL {
        assert!(
            readme.contains(&format!("| `{code}` |")),
            "README lacks a row for `{code}`"
        );
    }
}

#[test]
fn every_dependency_is_explained() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    // The crates a row of the table names: its first cell, `serde, serde_json` or
    // `filetime (dev)`. (Anywhere in the line, `insta` would be found in "installs".)
    let named: Vec<&str> = readme
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
                "README's dependency table lacks {name}"
            );
        }
    }
}
