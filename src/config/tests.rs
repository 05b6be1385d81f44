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

/// Each bad file gives exactly one problem, with the code, on the line and key given,
/// whose message contains the fragment; it renders as `chibo.toml:LINE: error[CODE]: …`.
#[test]
#[allow(clippy::too_many_lines)] // a case table
fn errors_name_the_key_and_line() {
    use Code::{
        ConfigBadValue as Bad, ConfigDuplicateKey as Twice, ConfigInsecureSmtp as Insecure,
        ConfigMissingKey as NoKey, ConfigMissingValue as Blank, ConfigPasswordInFile as Password,
        ConfigSyntax as Syntax, ConfigUnknownKey as Unknown, ConfigWrongType as Type,
    };
    let cases: &[(&str, Code, usize, &str, &str)] = &[
        (
            "province = \"X\"\nprovnce = \"Y\"\n",
            Unknown,
            2,
            "provnce",
            "khóa không hợp lệ `provnce`",
        ),
        (
            "province = \"X\"\ndeadline_day = \"5\"\n",
            Type,
            2,
            "deadline_day",
            "cần số nguyên, nhưng ghi là chuỗi (trong ngoặc kép) \"5\"",
        ),
        (
            "province = \"X\"\ncount_outside_area = \"có\"\n",
            Type,
            2,
            "count_outside_area",
            "true hoặc false",
        ),
        (
            "province = \"X\"\ndeadline_day = 32\n",
            Bad,
            2,
            "deadline_day",
            "từ 1 đến 31",
        ),
        (
            "province = \"X\"\noverdue_days = -1\n",
            Bad,
            2,
            "overdue_days",
            "từ 0",
        ),
        (
            "province = \"X\"\n[groups.BTV]\narea = \"tinh\"\n",
            Bad,
            3,
            "area",
            "«tinh»",
        ),
        (
            "province = \"X\"\n[groups.BTV]\nquota = 2.5\n",
            Type,
            3,
            "quota",
            "sai kiểu giá trị của khóa `quota`: cần số nguyên, nhưng ghi là số thập phân `2.5`",
        ),
        (
            "province = \"X\"\n[groups.BTV]\nquta = 2\n",
            Unknown,
            3,
            "quta",
            "khóa không hợp lệ `quta`",
        ),
        (
            "province = \"X\"\n[groups.HU]\nquota = 6\n",
            NoKey,
            2,
            "groups.HU",
            "cần khóa `area`",
        ),
        (
            "province = \"X\"\n[email]\nfrom = \"not an address\"\n",
            Bad,
            3,
            "email.from",
            "không hợp lệ",
        ),
        (
            "province = \"X\"\n[email]\nleadership = \"a@b.vn\"\n",
            Type,
            3,
            "leadership",
            "danh sách",
        ),
        (
            "province = \"X\"\n[email]\nfrom = \"a@b.vn\"\ntransport = \"smtp\"\n",
            NoKey,
            4,
            "email.transport",
            "[email.smtp]",
        ),
        (
            "province = \"X\"\n[email]\nfrom = \"a@b.vn\"\n[email.smtp]\nhost = \"mail.example.vn\"\nsecurity = \"none\"\n",
            Insecure,
            5,
            "email.smtp.security",
            "không mã hóa",
        ),
        (
            "province = \"X\"\n[email]\nfrom = \"a@b.vn\"\n[email.smtp]\nhost = \"h\"\npassword = \"secret\"\n",
            Password,
            6,
            "email.smtp.password",
            "biến môi trường",
        ),
        (
            "province = \"X\"\n[email]\nfrom = \"a@b.vn\"\n[email.smtp]\nhost = \"h\"\nport = 70000\n",
            Bad,
            6,
            "email.smtp.port",
            "65535",
        ),
        ("province = \"\"\n", Blank, 1, "province", "đang trống"),
        (
            "province = \"X\"\nprovince = \"Y\"\n",
            Twice,
            2,
            "province",
            "khóa `province` được ghi hai lần",
        ),
        (
            "province = \"X\"\n[email]\nfrom = \"a@b.vn\"\n[email]\nunit_feedback = false\n",
            Twice,
            4,
            "email",
            "khóa `email` được ghi hai lần",
        ),
        (
            "province = \"X\"\n[email]\nfrom = \"a@b.vn\"\nfrom = \"c@d.vn\"\n",
            Twice,
            4,
            "from",
            "khóa `from` được ghi hai lần",
        ),
        (
            "province = \"X\"\ntimezone = \"+7\"\n",
            Bad,
            2,
            "timezone",
            "khóa `timezone` phải là độ lệch giờ so với UTC dạng «+07:00» hay «-05:30» (giờ Việt Nam là \"+07:00\"), nhưng ghi là «+7»",
        ),
        (
            &format!(
                "province = \"X\"\n[groups.BTV]\nname = \"{}\"\n",
                "a".repeat(201)
            ),
            Bad,
            3,
            "groups.BTV.name",
            "tên nhóm dài 201 ký tự, quá 200 ký tự",
        ),
        (
            &format!("province = \"{}\"\n", "Sơn La".repeat(17)),
            Bad,
            1,
            "province",
            "khóa `province` dài 102 ký tự, quá 100 ký tự",
        ),
        (
            "province = \"X\"\ntimezone = 7\n",
            Type,
            2,
            "timezone",
            "cần chuỗi",
        ),
        ("province = \"X\"\nroster = \n", Syntax, 2, "", "cú pháp"),
        (
            "province = \"X\"\nroster = \" \"\n",
            Blank,
            2,
            "roster",
            "đang trống",
        ),
        (
            "province = \"X\"\n[groups.\"B T\"]\narea = \"unit\"\n",
            Bad,
            2,
            "groups.B T",
            "không hợp lệ",
        ),
        (
            "province = \"X\"\n[email]\nfrom = \"a@b.vn\"\n[email.smtp]\npassword_env = \" \"\nhost = \"h\"\n",
            Blank,
            5,
            "email.smtp.password_env",
            "đang trống",
        ),
        (
            "province = \"X\"\n[email]\nfrom = \"a@b.vn\"\n[email.smtp]\nport = 25\n",
            NoKey,
            4,
            "email.smtp.host",
            "cần khóa `host`",
        ),
        (
            "province = \"X\"\n[collect.imap]\nhost = \"mail.example.vn\"\nsecurity = \"none\"\nusername = \"u\"\n",
            Insecure,
            3,
            "collect.imap.security",
            "chỉ được dùng với máy chủ nội bộ",
        ),
        (
            "province = \"X\"\n[collect.imap]\nhost = \"h\"\nusername = \"u\"\npassword = \"secret\"\n",
            Password,
            5,
            "collect.imap.password",
            "không được ghi mật khẩu vào chibo.toml",
        ),
        (
            "province = \"X\"\n[collect.imap]\nhost = \"h\"\n",
            NoKey,
            2,
            "collect.imap.username",
            "cần khóa `username`",
        ),
        (
            "province = \"X\"\n[collect.imap]\nusername = \"u\"\n",
            NoKey,
            2,
            "collect.imap.host",
            "bảng [collect.imap] cần khóa `host`",
        ),
        (
            "province = \"X\"\n[collect.imap]\nhost = \"h\"\nusername = \"u\"\nport = 0\n",
            Bad,
            5,
            "collect.imap.port",
            "từ 1 đến 65535",
        ),
        (
            "province = \"X\"\n[collect.imap]\nhost = \"h\"\nusername = \"u\"\nfolder = \" \"\n",
            Blank,
            5,
            "collect.imap.folder",
            "`collect.imap.folder` đang trống",
        ),
        (
            "province = \"X\"\n[collect.imap]\nhost = \"h\"\nusername = \"u\"\ndone_folder = \"INBOX\"\n",
            Bad,
            5,
            "collect.imap.done_folder",
            "phải khác `folder`",
        ),
        (
            "province = \"X\"\n[collect.imap]\nhost = \"h\"\nusername = \"u\"\nfoldr = \"INBOX\"\n",
            Unknown,
            5,
            "foldr",
            "khóa không hợp lệ `foldr`",
        ),
        (
            "province = \"X\"\n\n[email]\nleadership = [\"a@b.vn\"]\nunit_feedback = false\n",
            NoKey,
            3,
            "email.from",
            "người gửi",
        ),
    ];
    for &(text, code, line, key, fragment) in cases {
        let err = parse(text).expect_err(text);
        assert_eq!(err.problems.len(), 1, "{text:?}: {err}");
        let p = &err.problems[0];
        assert_eq!(p.code, code, "{text:?}: {err}");
        assert_eq!(p.line, Some(line), "{text:?}: {err}");
        if !key.is_empty() {
            assert_eq!(p.key.as_deref(), Some(key), "{text:?}: {err}");
        }
        assert!(p.message.contains(fragment), "{text:?}: {err}");
        assert!(
            err.to_string()
                .starts_with(&format!("chibo.toml:{line}: error[{code}]: ")),
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
        "chibo.toml: error[config-missing-key]: thiếu khóa bắt buộc `province` (tên tỉnh, dùng trong tiêu đề)"
    );
}

#[test]
fn all_validation_problems_are_listed_at_once() {
    let err = parse("province = \"X\"\ndeadline_day = 0\noverdue_days = 99999\n").unwrap_err();
    let lines: Vec<_> = err.problems.iter().map(|p| p.line).collect();
    assert_eq!(lines, [Some(2), Some(3)]);
    assert_eq!(
        err.to_string(),
        "tệp cấu hình chibo.toml có 2 lỗi; hãy sửa rồi chạy lại"
    );
    let shown: Vec<String> = err.diagnostics().iter().map(ToString::to_string).collect();
    assert_eq!(
        shown,
        [
            "chibo.toml:2: error[config-bad-value]: khóa `deadline_day` phải từ 1 đến 31, nhưng ghi là 0",
            "chibo.toml:3: error[config-bad-value]: khóa `overdue_days` phải từ 0 đến 3660, nhưng ghi là 99999"
        ]
    );
}

/// Mail needs a sender, queued as files or sent at once: an `[email]` table that sends
/// anything without `from` is refused, at the table's line, when the file is read.
#[test]
fn a_sender_is_required_when_mail_is_sent() {
    let needs = [
        "[email]\ntransport = \"outbox\"\n",
        "[email]\nleadership = [\"a@b.vn\"]\nunit_feedback = false\n",
        "[email]\nunit_feedback = true\n",
        "[email.smtp]\nhost = \"127.0.0.1\"\n",
    ];
    for email in needs {
        let text = format!("province = \"X\"\n{email}");
        let err = parse(&text).expect_err(&text);
        let p = &err.problems[0];
        assert_eq!(
            (err.problems.len(), p.code, p.line, p.key.as_deref()),
            (1, Code::ConfigMissingKey, Some(2), Some("email.from")),
            "{text}"
        );
        assert_eq!(
            err.to_string(),
            format!("chibo.toml:2: error[config-missing-key]: {MISSING_SENDER}")
        );
    }
    let fine = [
        "",
        "[email]\nunit_feedback = false\n",
        "[email]\nunit_feedback = false\nleadership = []\ntransport = \"smtp\"\n[email.smtp]\nhost = \"h\"\n",
        "[email]\nfrom = \"a@b.vn\"\nleadership = [\"c@d.vn\"]\n",
    ];
    for email in fine {
        let text = format!("province = \"X\"\n{email}");
        parse(&text).unwrap_or_else(|e| panic!("{text}: {e}"));
    }
    // A sender written but unusable is that problem only.
    let err = parse("province = \"X\"\n[email]\nfrom = \"không\"\n").unwrap_err();
    assert_eq!(err.problems.len(), 1);
    assert_eq!(err.problems[0].code, Code::ConfigBadValue);
}

#[test]
fn an_unreadable_file_has_its_code() {
    let dir = tempfile::tempdir().unwrap();
    let err = Config::load(&dir.path().join("chibo.toml")).unwrap_err();
    assert_eq!(err.problems[0].code, Code::ConfigUnreadable);
    assert!(
        err.to_string().ends_with(
            "chibo.toml: error[config-unreadable]: không tìm thấy tệp cấu hình; hãy chạy `chibo init` hoặc dùng --config"
        ),
        "{err}"
    );
}

#[test]
fn plain_smtp_is_allowed_to_loopback_only() {
    for host in ["127.0.0.1", "localhost", "::1", "127.5.5.5"] {
        let text = format!(
            "province = \"X\"\n[email]\nfrom = \"a@b.vn\"\n[email.smtp]\nhost = \"{host}\"\nsecurity = \"none\"\n"
        );
        let c = parse(&text).unwrap_or_else(|e| panic!("{host}: {e}"));
        assert_eq!(c.email.smtp.unwrap().port, 25);
    }
}

#[test]
fn password_comes_from_the_named_environment_variable() {
    let c = parse(FULL).unwrap();
    let smtp = c.email.smtp.unwrap();
    let err = smtp.password_from(|_| None).unwrap_err();
    assert_eq!(err.var, "CHIBO_TEST_PW");
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

#[test]
fn timezone_is_a_fixed_offset_seven_hours_east_by_default() {
    assert_eq!(
        parse("province = \"X\"\n")
            .unwrap()
            .timezone
            .local_minus_utc(),
        7 * 3600
    );
    let c = parse("province = \"X\"\ntimezone = \"-05:30\"\n").unwrap();
    assert_eq!(c.timezone.local_minus_utc(), -(5 * 3600 + 30 * 60));
}

/// A file saved as Notepad may save it is read; one with a line in another encoding is an
/// error naming that line.
#[test]
fn encodings_of_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("chibo.toml");
    let text = "# Cấu hình\r\nprovince = \"Sơn La\"\r\ndeadline_day = 7\r\n";
    let utf16 = |little: bool| {
        let mut bytes = if little {
            vec![0xFF, 0xFE]
        } else {
            vec![0xFE, 0xFF]
        };
        for u in text.encode_utf16() {
            bytes.extend(if little {
                u.to_le_bytes()
            } else {
                u.to_be_bytes()
            });
        }
        bytes
    };
    for bytes in [
        text.as_bytes().to_vec(),
        [&[0xEF, 0xBB, 0xBF][..], text.as_bytes()].concat(),
        utf16(true),
        utf16(false),
    ] {
        std::fs::write(&path, &bytes).unwrap();
        let c = Config::load(&path).unwrap_or_else(|e| panic!("{bytes:x?}: {e}"));
        assert_eq!((c.province.as_str(), c.deadline_day), ("Sơn La", 7));
    }
    // «Sơn La» saved as Windows-1258 («ANSI») on line 3.
    std::fs::write(&path, b"# x\ndeadline_day = 7\nprovince = \"S\xf5n La\"\n").unwrap();
    let err = Config::load(&path).unwrap_err();
    assert_eq!(err.problems.len(), 1, "{err}");
    assert_eq!(
        (err.problems[0].code, err.problems[0].line),
        (Code::ConfigUnreadable, Some(3))
    );
    assert!(
        err.to_string()
            .contains("chibo.toml:3: error[config-unreadable]: dòng này không phải văn bản UTF-8"),
        "{err}"
    );
}

#[test]
fn imap_defaults_and_shared_rules() {
    let c = parse("province = \"X\"\n[collect.imap]\nhost = \"mail.example.vn\"\nusername = \"vanthu\"\nfolder = \"Báo cáo\"\ndone_folder = \"Đã lấy\"\nca_file = \"ca.pem\"\n").unwrap();
    let imap = c.collect.imap.unwrap();
    assert_eq!((imap.port, imap.security), (993, Security::Tls));
    assert_eq!(imap.username, "vanthu");
    assert_eq!(imap.folder, "Báo cáo");
    assert_eq!(imap.done_folder.as_deref(), Some("Đã lấy"));
    assert_eq!(imap.password_env, "CHIBO_IMAP_PASSWORD");
    assert!(imap.ca_file.as_ref().unwrap().ends_with("ca.pem"));
    let err = imap.password_from(|_| None).unwrap_err();
    assert_eq!(err.var, "CHIBO_IMAP_PASSWORD");
    let env = |name: &str| (name == "CHIBO_IMAP_PASSWORD").then(|| "s3cret".to_owned());
    assert_eq!(imap.password_from(env).unwrap(), "s3cret");
    for (security, port) in [("starttls", 143), ("none", 143)] {
        let text = format!(
            "province = \"X\"\n[collect.imap]\nhost = \"127.0.0.1\"\nusername = \"u\"\nsecurity = \"{security}\"\n"
        );
        let imap = parse(&text).unwrap().collect.imap.unwrap();
        assert_eq!(imap.port, port, "{security}");
        assert_eq!(imap.folder, "INBOX");
        assert_eq!(imap.done_folder, None);
    }
    assert_eq!(parse("province = \"X\"\n").unwrap().collect.imap, None);
}
