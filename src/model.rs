//! Domain types shared by every stage: the roster's units, cells, cadres and
//! assignments, and the attendee groups of the configuration.

use std::fmt;

use serde::Deserialize;

pub use crate::vocabulary::{AbsenceReason, Rating, RecStatus};

/// A submitting unit (huyện ủy, thành ủy).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unit {
    /// Unique code, e.g. `YC`; case-sensitive.
    pub code: String,
    /// Display name, e.g. `Huyện ủy Yên Châu`.
    pub name: String,
    /// Contact addresses for the unit's feedback email.
    pub emails: Vec<String>,
}

/// A residential-area party cell (chi bộ khu dân cư).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cell {
    /// Unique code.
    pub code: String,
    /// Display name, e.g. `Bản Mới`.
    pub name: String,
    /// Commune or ward (xã/phường/thị trấn), when given.
    pub commune: Option<String>,
    /// Code of the unit the cell belongs to.
    pub unit: String,
    /// Number of party members, when given.
    pub members: Option<u32>,
    /// In a remote, disadvantaged area (vùng khó khăn).
    pub remote: bool,
    /// The regular meeting day of the month (1–31), when fixed.
    pub meeting_day: Option<u8>,
    /// Other names the cell is known by.
    pub aliases: Vec<String>,
}

/// A provincial committee member assigned to attend cell meetings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cadre {
    /// Unique code.
    pub code: String,
    /// Full name.
    pub name: String,
    /// Position (chức vụ), when given.
    pub position: Option<String>,
    /// Group code, one of the configuration's groups.
    pub group: String,
    /// Unit code: the assigned unit (BTV), the unit headed (BCH-BT), or none.
    pub unit: Option<String>,
    /// Personal address, when given.
    pub email: Option<String>,
    /// Annual minimum overriding the group's, when given.
    pub quota: Option<u32>,
}

/// A cadre of the roster: its place in `Roster::cadres`, typed so that it cannot be
/// taken for a cell's. Matching gives one; later stages look the cadre up by it
/// instead of carrying its code and finding it again.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CadreId(u32);

/// A cell of the roster: its place in `Roster::cells` (see [`CadreId`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CellId(u32);

impl CadreId {
    /// The id of the cadre at `index` of `Roster::cadres`.
    pub fn new(index: usize) -> CadreId {
        CadreId(u32::try_from(index).expect("a roster's cadres fit in u32"))
    }

    /// Its place in `Roster::cadres`.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

impl CellId {
    /// The id of the cell at `index` of `Roster::cells`.
    pub fn new(index: usize) -> CellId {
        CellId(u32::try_from(index).expect("a roster's cells fit in u32"))
    }

    /// Its place in `Roster::cells`.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// An assignment as the `Phân công` sheet writes it: a cadre's code, a cell's code and
/// the planned months. The roster resolves it into an [`Assignment`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AssignmentRow {
    /// Cadre code.
    pub cadre: String,
    /// Cell code.
    pub cell: String,
    /// Planned months; empty means no fixed month.
    pub months: MonthSet,
}

/// A standing assignment of a cadre to a cell.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Assignment {
    /// The cadre.
    pub cadre: CadreId,
    /// The cell.
    pub cell: CellId,
    /// Planned months; empty means no fixed month.
    pub months: MonthSet,
}

/// Where a group's members may attend (SPEC §2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Area {
    /// Any cell of the province.
    Province,
    /// Cells of the cadre's unit.
    Unit,
    /// Only the cells assigned in the roster.
    Assigned,
}

/// A group of attendees with its rule and its annual minimum.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Group {
    /// Code, e.g. `BTV`.
    pub code: String,
    /// Vietnamese name.
    pub name: String,
    /// Where its members may attend.
    pub area: Area,
    /// Annual minimum; 0 means none.
    pub quota: u32,
}

impl Group {
    /// The four groups of Regulation 1120-QĐ/TU, the defaults of every workspace.
    pub fn defaults() -> Vec<Group> {
        let group = |code: &str, name: &str, area, quota| Group {
            code: code.to_owned(),
            name: name.to_owned(),
            area,
            quota,
        };
        vec![
            group("TT", "Thường trực Tỉnh ủy", Area::Province, 0),
            group("BTV", "Ủy viên Ban Thường vụ Tỉnh ủy", Area::Unit, 2),
            group("BCH-BT", "Ủy viên BCH, Bí thư huyện ủy", Area::Unit, 0),
            group("BCH", "Ủy viên Ban Chấp hành", Area::Assigned, 3),
        ]
    }
}

/// A set of months of the year (1–12).
#[derive(Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct MonthSet(u16);

/// Why a month list could not be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum MonthSetError {
    /// A part that is neither a month nor a range.
    #[error("«{0}» không phải là tháng; hãy ghi như 1,4,7,10 hoặc 1-12 hoặc *")]
    NotAMonth(String),
    /// A month outside 1–12.
    #[error("tháng {0} không có; tháng phải từ 1 đến 12")]
    OutOfRange(u32),
    /// A range whose start is after its end.
    #[error("khoảng tháng {0}-{1} bị ngược")]
    Reversed(u32, u32),
}

impl MonthSet {
    /// Every month.
    pub const ALL: MonthSet = MonthSet(0b1_1111_1111_1110);

    /// Parses the roster's `Tháng` column: `1,4,7,10`, `1-12`, `*`, `2-4, 8` or blank
    /// (no fixed month). `;` and spaces separate like `,`.
    pub fn parse(text: &str) -> Result<MonthSet, MonthSetError> {
        let mut set = MonthSet::default();
        for part in text
            .split([',', ';', ' '])
            .map(str::trim)
            .filter(|p| !p.is_empty())
        {
            if part == "*" {
                set = MonthSet::ALL;
                continue;
            }
            let (from, to) = match part.split_once(['-', '–']) {
                Some((a, b)) => (month(a)?, month(b)?),
                None => (month(part)?, month(part)?),
            };
            if from > to {
                return Err(MonthSetError::Reversed(from, to));
            }
            for m in from..=to {
                set.0 |= 1 << m;
            }
        }
        Ok(set)
    }

    /// Whether month `m` (1–12) is in the set.
    pub fn contains(self, m: u32) -> bool {
        (1..=12).contains(&m) && self.0 & (1 << m) != 0
    }

    /// Whether the set has no month (the assignment has no fixed month).
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The months in order.
    pub fn iter(self) -> impl Iterator<Item = u32> {
        (1..=12).filter(move |&m| self.contains(m))
    }

    /// The union of two sets.
    #[must_use]
    pub fn union(self, other: MonthSet) -> MonthSet {
        MonthSet(self.0 | other.0)
    }
}

fn month(text: &str) -> Result<u32, MonthSetError> {
    let text = text.trim();
    let n: u32 = text
        .parse()
        .map_err(|_| MonthSetError::NotAMonth(text.to_owned()))?;
    if (1..=12).contains(&n) {
        Ok(n)
    } else {
        Err(MonthSetError::OutOfRange(n))
    }
}

/// The shortest form [`MonthSet::parse`] reads back: runs of three or more months as a
/// range (`1-12`, `2-4,8`), others listed (`1,4,7,10`), nothing for no fixed month.
impl fmt::Display for MonthSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let months: Vec<u32> = self.iter().collect();
        let mut parts = Vec::new();
        let mut i = 0;
        while i < months.len() {
            let mut j = i;
            while j + 1 < months.len() && months[j + 1] == months[j] + 1 {
                j += 1;
            }
            if j - i >= 2 {
                parts.push(format!("{}-{}", months[i], months[j]));
            } else {
                parts.extend(months[i..=j].iter().map(ToString::to_string));
            }
            i = j + 1;
        }
        f.write_str(&parts.join(","))
    }
}

impl fmt::Debug for MonthSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "MonthSet({self})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn month_lists() {
        let cases: &[(&str, &[u32])] = &[
            ("", &[]),
            ("  ", &[]),
            ("*", &[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]),
            ("1-12", &[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]),
            ("1,4,7,10", &[1, 4, 7, 10]),
            ("1, 4; 7 10", &[1, 4, 7, 10]),
            ("2-4,8", &[2, 3, 4, 8]),
            ("6–7", &[6, 7]),
            ("3", &[3]),
            ("12,1", &[1, 12]),
        ];
        for (text, want) in cases {
            let set = MonthSet::parse(text).unwrap_or_else(|e| panic!("{text:?}: {e}"));
            assert_eq!(set.iter().collect::<Vec<_>>(), *want, "{text:?}");
        }
    }

    #[test]
    fn bad_month_lists() {
        let cases = [
            ("13", MonthSetError::OutOfRange(13)),
            ("0", MonthSetError::OutOfRange(0)),
            ("5-2", MonthSetError::Reversed(5, 2)),
            ("tháng 3", MonthSetError::NotAMonth("tháng".into())),
            ("1.5", MonthSetError::NotAMonth("1.5".into())),
        ];
        for (text, want) in cases {
            assert_eq!(MonthSet::parse(text), Err(want), "{text:?}");
        }
    }

    #[test]
    fn displays_compactly() {
        assert_eq!(MonthSet::parse("*").unwrap().to_string(), "1-12");
        assert_eq!(MonthSet::parse("10,1,4,7").unwrap().to_string(), "1,4,7,10");
        assert_eq!(MonthSet::parse("").unwrap().to_string(), "");
        assert_eq!(MonthSet::parse("8,2,3,4").unwrap().to_string(), "2-4,8");
        assert_eq!(MonthSet::parse("5,6").unwrap().to_string(), "5,6");
        for text in ["1-12", "2-4,8", "1,4,7,10", "5,6", "1-3,5-7,12"] {
            assert_eq!(MonthSet::parse(text).unwrap().to_string(), text);
        }
    }
}

/// A report month (`2020-07`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct YearMonth {
    /// The year.
    pub year: i32,
    /// The month, 1–12.
    pub month: u32,
}

impl YearMonth {
    /// The month if `month` is 1–12 and the year plausible (1900–9999).
    pub fn new(year: i32, month: u32) -> Option<YearMonth> {
        ((1..=12).contains(&month) && (1900..=9999).contains(&year))
            .then_some(YearMonth { year, month })
    }

    /// Parses `YYYY-MM` (the command line and folder names) or `MM/YYYY`, `M/YYYY`.
    pub fn parse(text: &str) -> Option<YearMonth> {
        let text = text.trim();
        let (year, month) = if let Some((y, m)) = text.split_once('-') {
            (y, m)
        } else {
            let (m, y) = text.split_once('/')?;
            (y, m)
        };
        let digits =
            |s: &str| !s.is_empty() && s.len() <= 4 && s.bytes().all(|b| b.is_ascii_digit());
        if !digits(year) || year.len() != 4 || !digits(month) || month.len() > 2 {
            return None;
        }
        YearMonth::new(year.parse().ok()?, month.parse().ok()?)
    }

    /// The first day of the month.
    pub fn first_day(self) -> chrono::NaiveDate {
        chrono::NaiveDate::from_ymd_opt(self.year, self.month, 1).expect("valid year and month")
    }

    /// The last day of the month.
    pub fn last_day(self) -> chrono::NaiveDate {
        self.next()
            .first_day()
            .pred_opt()
            .expect("a day before the first of a month")
    }

    /// The following month.
    #[must_use]
    pub fn next(self) -> YearMonth {
        if self.month == 12 {
            YearMonth {
                year: self.year + 1,
                month: 1,
            }
        } else {
            YearMonth {
                year: self.year,
                month: self.month + 1,
            }
        }
    }

    /// `MM/YYYY`, as Vietnamese text writes it.
    pub fn vi(self) -> String {
        format!("{:02}/{}", self.month, self.year)
    }
}

/// `YYYY-MM`.
impl fmt::Display for YearMonth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{:02}", self.year, self.month)
    }
}

#[cfg(test)]
mod year_month_tests {
    use super::YearMonth;

    #[test]
    fn parses_and_bounds() {
        let ym = |y, m| YearMonth::new(y, m).unwrap();
        assert_eq!(YearMonth::parse("2020-07"), Some(ym(2020, 7)));
        assert_eq!(YearMonth::parse("07/2020"), Some(ym(2020, 7)));
        assert_eq!(YearMonth::parse("7/2020"), Some(ym(2020, 7)));
        for bad in [
            "2020-13", "2020-00", "20-07", "2020/07", "July", "2020-7-1", "",
        ] {
            assert_eq!(YearMonth::parse(bad), None, "{bad}");
        }
        assert_eq!(ym(2020, 2).last_day().to_string(), "2020-02-29");
        assert_eq!(ym(2021, 2).last_day().to_string(), "2021-02-28");
        assert_eq!(ym(2020, 12).next(), ym(2021, 1));
        assert_eq!(ym(2020, 7).to_string(), "2020-07");
        assert_eq!(ym(2020, 7).vi(), "07/2020");
    }
}
