//! The tree is the pipeline: the modules of `src/` depend on each other in one direction
//! only, and the commands sit in a wing that nothing but the command line uses.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Each top-level module of the library and the top-level modules its non-test code
/// names as `crate::…`.
fn dependencies() -> BTreeMap<String, BTreeSet<String>> {
    fn walk(dir: &Path, top: Option<&str>, out: &mut BTreeMap<String, BTreeSet<String>>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_stem().unwrap().to_str().unwrap().to_owned();
            let module = top.map_or(name.clone(), str::to_owned);
            if path.is_dir() {
                walk(&path, Some(&module), out);
            } else if path.extension().is_some_and(|e| e == "rs")
                && !["lib", "main"].contains(&module.as_str())
                && !name.ends_with("tests")
            {
                let code = without_tests(&std::fs::read_to_string(&path).unwrap());
                let deps = out.entry(module.clone()).or_default();
                for (i, _) in code.match_indices("crate::") {
                    let named: String = code[i + 7..]
                        .chars()
                        .take_while(|c| c.is_ascii_lowercase() || *c == '_')
                        .collect();
                    if !named.is_empty() && named != module {
                        deps.insert(named);
                    }
                }
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        None,
        &mut out,
    );
    out
}

/// The code without its `#[cfg(test)]` items (a `mod tests { … }` block ends at the
/// first line that is a lone `}`; `mod tests;` at its semicolon).
fn without_tests(code: &str) -> String {
    let mut kept = String::new();
    let mut lines = code.lines();
    while let Some(line) = lines.next() {
        if line.trim() == "#[cfg(test)]" {
            for skipped in lines.by_ref() {
                if skipped == "}" || (skipped.starts_with("mod ") && skipped.ends_with(';')) {
                    break;
                }
            }
            continue;
        }
        kept.push_str(line);
        kept.push('\n');
    }
    kept
}

#[test]
fn no_module_depends_on_itself_through_others() {
    let deps = dependencies();
    for (module, direct) in &deps {
        let mut seen = BTreeSet::new();
        let mut stack: Vec<&String> = direct.iter().collect();
        while let Some(next) = stack.pop() {
            assert_ne!(next, module, "{module} depends on itself through {seen:?}");
            if seen.insert(next.clone()) {
                stack.extend(deps.get(next).into_iter().flatten());
            }
        }
    }
}

#[test]
fn the_layers_point_one_way() {
    let deps = dependencies();
    let ground = [
        "clock",
        "config",
        "diagnostic",
        "model",
        "output",
        "roster",
        "text",
        "vocabulary",
    ];
    let stages = ["inbox", "ingest", "submission", "matching", "reconcile"];
    for (module, direct) in &deps {
        let forbidden: &[&str] = if ground.contains(&module.as_str()) {
            &[
                "inbox",
                "submission",
                "matching",
                "reconcile",
                "report",
                "mail",
                "commands",
                "cli",
                "workspace",
            ]
        } else if stages.contains(&module.as_str()) {
            &["report", "mail", "commands", "cli"]
        } else if module == "report" || module == "mail" {
            &["commands", "cli", "inbox"]
        } else if module == "commands" {
            &["cli"]
        } else {
            &[]
        };
        for dep in direct {
            assert!(
                !forbidden.contains(&dep.as_str()),
                "{module} depends on {dep}, a later floor"
            );
        }
    }
    assert!(deps.contains_key("commands") && deps["cli"].contains("commands"));
    // The menu sits on top of the command line: it runs the commands through `cli`,
    // and only the binary's no-argument branch (`main.rs`) calls it.
    assert!(deps["menu"].contains("cli") && !deps["menu"].contains("commands"));
    for (module, direct) in &deps {
        assert!(
            !direct.contains("menu"),
            "{module} depends on menu, the top floor"
        );
    }
}
