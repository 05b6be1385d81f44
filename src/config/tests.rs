use std::path::Path;

use super::*;

const FULL: &str = r#"
province = "Sơn La"
roster = "roster.xlsx"
inbox = "inbox"
out = "out"
deadline_day = 5
overdue_days = 30
count_outside_area = false

[groups.BTV]
quota = 4

[groups.HU]
name = "Ủy viên huyện ủy"
area = "unit"
quota = 6

[email]
transport = "smtp"
from = "Ban Tổ chức Tỉnh ủy <bantochuc@example.vn>"
leadership = ["thuongvu@example.vn", "Văn phòng <vp@example.vn>"]
unit_feedback = false

[email.smtp]
host = "127.0.0.1"
port = 2587
security = "starttls"
username = "bantochuc"
password_env = "CHIBO_TEST_PW"
"#;

fn parse(text: &str) -> Result<Config, ConfigError> {
    Config::parse(text, "chibo.toml", Path::new("/ws"))
}

#[test]
fn full_file_is_read_with_groups_merged_over_defaults() {
    let c = parse(FULL).unwrap();
    assert_eq!(c.province, "Sơn La");
    assert_eq!(c.roster, Path::new("/ws/roster.xlsx"));
    assert_eq!(c.out, Path::new("/ws/out"));
    assert_eq!(c.deadline_day, 5);
    let btv = c.group("BTV").unwrap();
    assert_eq!(
        (btv.quota, btv.area, btv.name.as_str()),
        (4, Area::Unit, "Ủy viên Ban Thường vụ Tỉnh ủy")
    );
    let hu = c.group("HU").unwrap();
    assert_eq!((hu.quota, hu.area), (6, Area::Unit));
    assert_eq!(c.group("BCH").unwrap().quota, 3);
    assert_eq!(c.groups.len(), 5);
    assert_eq!(c.email.transport, Transport::Smtp);
    assert_eq!(
        c.email.from.as_ref().unwrap().name.as_deref(),
        Some("Ban Tổ chức Tỉnh ủy")
    );
    assert_eq!(c.email.leadership.len(), 2);
    assert!(!c.email.unit_feedback);
    let smtp = c.email.smtp.unwrap();
    assert_eq!((smtp.port, smtp.security), (2587, Security::Starttls));
}

#[test]
fn defaults_as_the_spec_gives_them() {
    let c = parse("province = \"Sơn La\"\n").unwrap();
    assert_eq!(c.roster, Path::new("/ws/roster.xlsx"));
    assert_eq!(c.inbox, Path::new("/ws/inbox"));
    assert_eq!(c.out, Path::new("/ws/out"));
    assert_eq!(
        (c.deadline_day, c.overdue_days, c.count_outside_area),
        (5, 30, false)
    );
    assert_eq!(c.email.transport, Transport::Outbox);
    assert!(c.email.unit_feedback);
    let quotas: Vec<(&str, u32)> = c
        .groups
        .values()
        .map(|g| (g.code.as_str(), g.quota))
        .collect();
    assert_eq!(quotas, [("BCH", 3), ("BCH-BT", 0), ("BTV", 2), ("TT", 0)]);
}

/// Each bad file gives exactly one problem, on the line and key given, whose message
/// contains the fragment.
#[test]
#[allow(clippy::too_many_lines)] // a case table
fn errors_name_the_key_and_line() {
    let cases: &[(&str, usize, &str, &str)] = &[
        (
            "province = \"X\"\nprovnce = \"Y\"\n",
            2,
            "provnce",
            "khóa không hợp lệ `provnce`",
        ),
        (
            "province = \"X\"\ndeadline_day = \"5\"\n",
            2,
            "deadline_day",
            "cần số nguyên, nhưng ghi là chuỗi (trong ngoặc kép) \"5\"",
        ),
        (
            "province = \"X\"\ncount_outside_area = \"có\"\n",
            2,
            "count_outside_area",
            "true hoặc false",
        ),
        (
            "province = \"X\"\ndeadline_day = 32\n",
            2,
            "deadline_day",
            "từ 1 đến 31",
        ),
        (
            "province = \"X\"\noverdue_days = -1\n",
            2,
            "overdue_days",
            "từ 0",
        ),
        (
            "province = \"X\"\n[groups.BTV]\narea = \"tinh\"\n",
            3,
            "area",
            "«tinh»",
        ),
        (
            "province = \"X\"\n[groups.BTV]\nquota = 2.5\n",
            3,
            "quota",
            "sai kiểu giá trị của khóa `quota`: cần số nguyên, nhưng ghi là số thập phân `2.5`",
        ),
        (
            "province = \"X\"\n[groups.BTV]\nquta = 2\n",
            3,
            "quta",
            "khóa không hợp lệ `quta`",
        ),
        (
            "province = \"X\"\n[groups.HU]\nquota = 6\n",
            2,
            "groups.HU",
            "cần khóa `area`",
        ),
        (
            "province = \"X\"\n[email]\nfrom = \"not an address\"\n",
            3,
            "email.from",
            "không hợp lệ",
        ),
        (
            "province = \"X\"\n[email]\nleadership = \"a@b.vn\"\n",
            3,
            "leadership",
            "danh sách",
        ),
        (
            "province = \"X\"\n[email]\ntransport = \"smtp\"\n",
            3,
            "email.transport",
            "[email.smtp]",
        ),
        (
            "province = \"X\"\n[email.smtp]\nhost = \"mail.example.vn\"\nsecurity = \"none\"\n",
            3,
            "email.smtp.security",
            "không mã hóa",
        ),
        (
            "province = \"X\"\n[email.smtp]\nhost = \"h\"\npassword = \"secret\"\n",
            4,
            "email.smtp.password",
            "biến môi trường",
        ),
        (
            "province = \"X\"\n[email.smtp]\nhost = \"h\"\nport = 70000\n",
            4,
            "email.smtp.port",
            "65535",
        ),
        ("province = \"\"\n", 1, "province", "đang trống"),
        ("province = \"X\"\nprovince = \"Y\"\n", 2, "", "hai lần"),
        ("province = \"X\"\nroster = \n", 2, "", "cú pháp"),
    ];
    for &(text, line, key, fragment) in cases {
        let err = parse(text).expect_err(text);
        assert_eq!(err.problems.len(), 1, "{text:?}: {err}");
        let p = &err.problems[0];
        assert_eq!(p.line, Some(line), "{text:?}: {err}");
        if !key.is_empty() {
            assert_eq!(p.key.as_deref(), Some(key), "{text:?}: {err}");
        }
        assert!(p.message.contains(fragment), "{text:?}: {err}");
        assert!(
            err.to_string()
                .starts_with(&format!("chibo.toml:{line}: error[config]: ")),
            "{err}"
        );
    }
}

#[test]
fn missing_province_is_named() {
    let err = parse("deadline_day = 5\n").unwrap_err();
    assert_eq!(err.problems[0].key.as_deref(), Some("province"));
    assert_eq!(
        err.to_string(),
        "chibo.toml: error[config]: thiếu khóa bắt buộc `province` (tên tỉnh, dùng trong tiêu đề)"
    );
}

#[test]
fn all_validation_problems_are_listed_at_once() {
    let err = parse("province = \"X\"\ndeadline_day = 0\noverdue_days = 99999\n").unwrap_err();
    let lines: Vec<_> = err.problems.iter().map(|p| p.line).collect();
    assert_eq!(lines, [Some(2), Some(3)]);
}

#[test]
fn plain_smtp_is_allowed_to_loopback_only() {
    for host in ["127.0.0.1", "localhost", "::1", "127.5.5.5"] {
        let text =
            format!("province = \"X\"\n[email.smtp]\nhost = \"{host}\"\nsecurity = \"none\"\n");
        let c = parse(&text).unwrap_or_else(|e| panic!("{host}: {e}"));
        assert_eq!(c.email.smtp.unwrap().port, 25);
    }
}

#[test]
fn password_comes_from_the_named_environment_variable() {
    let c = parse(FULL).unwrap();
    let smtp = c.email.smtp.unwrap();
    let err = smtp.password_from(|_| None).unwrap_err();
    assert!(err.to_string().contains("CHIBO_TEST_PW"), "{err}");
    let env = |name: &str| (name == "CHIBO_TEST_PW").then(|| "s3cret".to_owned());
    assert_eq!(smtp.password_from(env).unwrap().as_deref(), Some("s3cret"));
}

#[test]
fn load_resolves_paths_against_the_workspace() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("chibo.toml"),
        "province = \"Sơn La\"\nroster = \"ds/roster.xlsx\"\n",
    )
    .unwrap();
    let c = Config::load(&dir.path().join("chibo.toml")).unwrap();
    assert_eq!(c.roster, dir.path().join("ds/roster.xlsx"));
    let missing = Config::load(&dir.path().join("nope.toml")).unwrap_err();
    assert!(missing.to_string().contains("chibo init"), "{missing}");
}
