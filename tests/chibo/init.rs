//! `chibo init`: new and demo workspaces.

use calamine::{Data, Reader};
use chibo::config::Config;
use chibo::roster;

use crate::common::{chibo, text};

#[test]
fn demo_workspace_loads_with_zero_issues() {
    let tmp = tempfile::tempdir().unwrap();
    let ws = tmp.path().join("demo");
    let out = chibo(&["init", "--demo", ws.to_str().unwrap()], tmp.path());
    assert_eq!(out.status.code(), Some(0), "{:?}", text(&out));

    let config = Config::load(&ws.join("chibo.toml")).unwrap();
    assert_eq!(config.province, "Sơn La");
    assert!(ws.join("inbox").is_dir() && ws.join("out").is_dir());
    let (roster, diagnostics) =
        roster::load(&config.roster, "roster.xlsx", &config.groups).unwrap();
    assert_eq!(diagnostics, [], "the demo roster has no issue at all");

    // The demo province as issue 2 describes it.
    assert_eq!(roster.units.len(), 4);
    assert!(
        (35..=45).contains(&roster.cells.len()),
        "{} cells",
        roster.cells.len()
    );
    assert!(roster.cells.iter().any(|c| c.remote));
    let communes: std::collections::BTreeSet<_> = roster
        .cells
        .iter()
        .filter_map(|c| c.commune.clone())
        .collect();
    assert!((10..=12).contains(&communes.len()), "{communes:?}");
    let same_name: Vec<_> = roster
        .cells
        .iter()
        .filter(|c| c.name == "Bản Mới" && c.unit == "YC")
        .collect();
    assert_eq!(same_name.len(), 2);
    assert_ne!(same_name[0].commune, same_name[1].commune);
    assert!((15..=18).contains(&roster.cadres.len()));
    for group in ["TT", "BTV", "BCH-BT", "BCH"] {
        assert!(
            roster.cadres.iter().any(|c| c.group == group),
            "no cadre in {group}"
        );
    }
    // Every month-list form is in the workbook as the office would type it.
    let mut book = calamine::open_workbook_auto(ws.join("roster.xlsx")).unwrap();
    let sheet = book.worksheet_range("Phân công").unwrap();
    let forms: Vec<String> = sheet.rows().skip(1).map(|r| r[2].to_string()).collect();
    for form in ["*", "1-12", "1,4,7,10", "", "6-8", "2-4,7", "1, 7", "7"] {
        assert!(
            forms.iter().any(|f| f == form),
            "month form {form:?} missing from {forms:?}"
        );
    }
}

#[test]
fn init_refuses_to_overwrite_and_changes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let ws = tmp.path().to_str().unwrap();
    assert_eq!(chibo(&["init", ws], tmp.path()).status.code(), Some(0));
    std::fs::write(tmp.path().join("chibo.toml"), "province = \"Đã sửa\"\n").unwrap();
    for args in [vec!["init", ws], vec!["init", "--demo", ws]] {
        let out = chibo(&args, tmp.path());
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let (_, stderr) = text(&out);
        assert!(
            stderr.contains("không ghi đè") && stderr.contains("chibo.toml"),
            "{stderr}"
        );
    }
    assert_eq!(
        std::fs::read_to_string(tmp.path().join("chibo.toml")).unwrap(),
        "province = \"Đã sửa\"\n"
    );
}

/// The README's first command runs `init --demo` then `run`: run twice, the second
/// `init` finds the demo's files as it would write them, keeps them (and what the first
/// run wrote) and succeeds, so the run happens again.
#[test]
fn init_demo_twice_keeps_the_same_files_and_succeeds() {
    let tmp = tempfile::tempdir().unwrap();
    let ws = tmp.path().join("demo");
    let ws = ws.to_str().unwrap();
    assert_eq!(
        chibo(&["init", "--demo", ws], tmp.path()).status.code(),
        Some(0)
    );
    let output = tmp.path().join("demo/out/2020-07/summary.json");
    std::fs::create_dir_all(output.parent().unwrap()).unwrap();
    std::fs::write(&output, "{}").unwrap();
    let out = chibo(&["init", "--demo", ws], tmp.path());
    assert_eq!(out.status.code(), Some(0), "{:?}", text(&out));
    let (stdout, _) = text(&out);
    assert!(stdout.contains("giữ nguyên"), "{stdout}");
    assert_eq!(std::fs::read_to_string(&output).unwrap(), "{}");
    // One file changed by the office is not overwritten, and nothing else is written.
    let roster = tmp.path().join("demo/roster.xlsx");
    std::fs::write(&roster, b"edited").unwrap();
    std::fs::remove_file(tmp.path().join("demo/chibo.toml")).unwrap();
    let out = chibo(&["init", "--demo", ws], tmp.path());
    assert_eq!(out.status.code(), Some(2), "{:?}", text(&out));
    assert_eq!(std::fs::read(&roster).unwrap(), b"edited");
    assert!(!tmp.path().join("demo/chibo.toml").exists());
}

#[test]
fn new_workspace_has_a_commented_config_and_an_empty_roster() {
    let tmp = tempfile::tempdir().unwrap();
    let out = chibo(&["init"], tmp.path());
    assert_eq!(out.status.code(), Some(0), "{:?}", text(&out));

    // The office must name the province before anything runs.
    let err = Config::load(&tmp.path().join("chibo.toml")).unwrap_err();
    assert_eq!(err.problems[0].key.as_deref(), Some("province"));
    let filled = std::fs::read_to_string(tmp.path().join("chibo.toml"))
        .unwrap()
        .replacen("province = \"\"", "province = \"Điện Biên\"", 1);
    assert!(filled.contains("# "), "the config carries comments");
    std::fs::write(tmp.path().join("chibo.toml"), filled).unwrap();
    let config = Config::load(&tmp.path().join("chibo.toml")).unwrap();

    let mut book = calamine::open_workbook_auto(&config.roster).unwrap();
    assert_eq!(
        book.sheet_names(),
        ["Đơn vị", "Chi bộ", "Cán bộ", "Phân công"]
    );
    let header: Vec<String> = book
        .worksheet_range("Cán bộ")
        .unwrap()
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(Data::to_string)
        .collect();
    assert_eq!(
        header,
        [
            "Mã cán bộ",
            "Họ và tên",
            "Chức vụ",
            "Nhóm",
            "Mã đơn vị",
            "Email",
            "Định mức năm"
        ]
    );
    let (roster, diagnostics) =
        chibo::roster::load(&config.roster, "roster.xlsx", &config.groups).unwrap();
    assert_eq!(diagnostics, []);
    assert!(roster.units.is_empty() && roster.cadres.is_empty());
}
