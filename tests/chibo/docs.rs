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
    let manifest: toml::Table = include_str!("../../Cargo.toml").parse().unwrap();
    for table in ["dependencies", "dev-dependencies"] {
        for name in manifest[table].as_table().unwrap().keys() {
            let mentioned = readme
                .lines()
                .any(|l| l.starts_with('|') && l.contains(name.as_str()));
            assert!(mentioned, "README's dependency table lacks {name}");
        }
    }
}
