//! Which unit and month a collected workbook is for (the rules, SPEC §4 first):
//! the workbook's own evidence (its `_chibo` sheet, title block and file name, read by
//! `submission` exactly as `check` and `run` read them); else the unit whose roster
//! `Email` sent it; the month, else `--month` when given, else the month before the
//! message arrived (in the workspace's time zone). When the unit comes from the sender,
//! its code is put in front of the file name, so that `run` identifies the file the same
//! way.

use crate::matching::Matcher;
use crate::model::YearMonth;
use crate::submission::{self, Context, FileStatus};

/// Where a workbook goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decision {
    /// The unit's code.
    pub unit: String,
    /// The report month.
    pub month: YearMonth,
    /// The file name to save it under.
    pub name: String,
}

/// The unit of the roster whose `Email` is `sender` (any case).
pub fn unit_of_sender<'a>(matcher: &'a Matcher, sender: &str) -> Option<&'a str> {
    let sender = sender.trim().to_lowercase();
    matcher.roster().units.iter().find_map(|u| {
        u.emails
            .iter()
            .any(|e| {
                let address = e.rsplit_once('<').map_or(e.as_str(), |(_, a)| a);
                address.trim().trim_end_matches('>').trim().to_lowercase() == sender
            })
            .then_some(u.code.as_str())
    })
}

/// Decides the unit and month of the workbook `bytes` named `name` (safe), sent by the
/// unit `sender_unit`; `fallback` is the month taken when the workbook has none.
pub fn decide(
    bytes: &[u8],
    name: &str,
    matcher: &Matcher,
    sender_unit: &str,
    fallback: YearMonth,
) -> Decision {
    let read = |name: &str, folder_month: Option<YearMonth>| {
        let ctx = Context {
            matcher: Some(matcher),
            folder_month,
            counting_only: false,
        };
        submission::read_bytes(bytes.to_vec(), name, &ctx)
    };
    let own = read(name, None);
    if own.status == FileStatus::Read
        && let (Some(unit), Some(month)) = (own.identity.unit, own.identity.month)
    {
        return Decision {
            unit,
            month,
            name: name.to_owned(),
        };
    }
    // The unit told by the workbook, the month not: read again in the fallback month.
    let in_month = read(name, Some(fallback));
    if in_month.status == FileStatus::Read
        && let Some(unit) = in_month.identity.unit
    {
        return Decision {
            unit,
            month: fallback,
            name: name.to_owned(),
        };
    }
    // The unit from the sender, named in the file name; the month from the workbook if
    // it says.
    let named = super::name::with_unit(name, sender_unit);
    let month = match read(&named, None) {
        s if s.status == FileStatus::Read => s.identity.month.unwrap_or(fallback),
        _ => fallback,
    };
    Decision {
        unit: sender_unit.to_owned(),
        month,
        name: named,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A report workbook with the header a report needs, one row, and `title` above.
    fn workbook(title: Option<&str>) -> Vec<u8> {
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet().set_name("Báo cáo").unwrap();
        let top = u32::from(title.is_some()) * 2;
        if let Some(t) = title {
            sheet.write_string(0, 0, t).unwrap();
        }
        for (c, label) in ["Họ và tên", "Chi bộ", "Ngày sinh hoạt", "Có dự"]
            .iter()
            .enumerate()
        {
            sheet
                .write_string(top, u16::try_from(c).unwrap(), *label)
                .unwrap();
        }
        book.save_to_buffer().unwrap()
    }

    #[test]
    fn the_workbook_first_then_the_sender_and_the_fallback_month() {
        let config = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/chibo.toml");
        let ws = crate::workspace::Workspace::load(&config).unwrap();
        let matcher = Matcher::new(&ws.roster);
        let july = YearMonth::new(2020, 7).unwrap();
        assert_eq!(
            unit_of_sender(&matcher, "VanPhong.YC@Example.vn "),
            Some("YC")
        );
        assert_eq!(unit_of_sender(&matcher, "someone@example.vn"), None);
        // Nothing in the workbook: the sender's unit (named in the file), the fallback.
        let bare = decide(&workbook(None), "bao cao.xlsx", &matcher, "YC", july);
        assert_eq!(
            bare,
            Decision {
                unit: "YC".into(),
                month: july,
                name: "YC bao cao.xlsx".into()
            }
        );
        // The month in the title wins over the fallback; the unit still the sender's.
        let titled = workbook(Some("BÁO CÁO THÁNG 6 NĂM 2020"));
        let d = decide(&titled, "bao cao.xlsx", &matcher, "YC", july);
        assert_eq!(
            (d.unit.as_str(), d.month.to_string()),
            ("YC", "2020-06".into())
        );
        // A unit named in the title wins over the sender's.
        let other = workbook(Some("Huyện ủy Mai Sơn — Tháng 6 năm 2020"));
        let d = decide(&other, "bao cao.xlsx", &matcher, "YC", july);
        assert_eq!(
            (d.unit.as_str(), d.month.to_string(), d.name.as_str()),
            ("MS", "2020-06".into(), "bao cao.xlsx")
        );
        // The unit in the title, no month: the fallback month.
        let unit_only = workbook(Some("Huyện ủy Mai Sơn"));
        let d = decide(&unit_only, "bao cao.xlsx", &matcher, "YC", july);
        assert_eq!((d.unit.as_str(), d.month), ("MS", july));
    }
}
