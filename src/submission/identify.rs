//! Which unit and month a submission is for (SPEC §4): from the hidden `_chibo` sheet,
//! the title block above the table, and the path. Every source that speaks must agree.

use crate::diagnostic::CellRef;
use crate::ingest::Grid;
use crate::ingest::value::display;
use crate::model::YearMonth;
use crate::roster::Roster;
use crate::text::{LabelKey, MatchKey};

/// Where a unit or month was read; messages list sources in this order.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Source {
    /// The `_chibo` sheet.
    Meta,
    /// A cell of the title block.
    Title(CellRef),
    /// The file name.
    FileName,
    /// The month folder.
    Folder,
}

impl Source {
    fn vi(&self) -> String {
        match self {
            Source::Meta => "trang _chibo".to_owned(),
            Source::Title(cell) => format!("tiêu đề (ô {cell})"),
            Source::FileName => "tên tệp".to_owned(),
            Source::Folder => "thư mục tháng".to_owned(),
        }
    }
}

/// What the file says about itself.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Identity {
    /// The unit code (the roster's) or, without a roster, as `_chibo` gives it.
    pub unit: Option<String>,
    /// The report month.
    pub month: Option<YearMonth>,
    /// The template version from `_chibo`, if any.
    pub template_version: Option<String>,
}

/// Why a file's unit or month cannot be settled.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// What is wrong, in Vietnamese.
    pub message: String,
    /// The title cell, and its sheet, that gave a value the others contradict; `None`
    /// when no title cell is involved (the problem is the file's).
    pub at: Option<(String, CellRef)>,
}

impl Problem {
    fn file(message: String) -> Problem {
        Problem { message, at: None }
    }
}

/// The evidence gathered from one file.
#[derive(Clone, Debug, Default)]
pub struct Evidence {
    units: Vec<(Source, String)>,
    months: Vec<(Source, YearMonth)>,
    template_version: Option<String>,
    /// The sheet of the title block, once [`Evidence::title`] has read it.
    title_sheet: Option<String>,
    /// Problems with single sources (a `_chibo` value that names no unit, a bad month).
    pub problems: Vec<Problem>,
}

impl Evidence {
    /// Reads the `_chibo` sheet: rows of key (column A) and value (column B).
    pub fn meta(&mut self, grid: &Grid, roster: Option<&Roster>) {
        for row in grid.rows() {
            let mut cells = grid.row_cells(row);
            let (Some((_, key)), Some((_, value))) = (cells.next(), cells.next()) else {
                continue;
            };
            let value = display(value);
            match LabelKey::new(&display(key)).as_str() {
                "unit" => match roster {
                    Some(r) => match unit_by_code_or_name(r, &value) {
                        Some(code) => self.units.push((Source::Meta, code)),
                        None => self.problems.push(Problem::file(format!(
                            "trang _chibo ghi đơn vị «{value}» không có trong danh sách"
                        ))),
                    },
                    None => self.units.push((Source::Meta, value)),
                },
                "month" => match YearMonth::parse(&value) {
                    Some(m) => self.months.push((Source::Meta, m)),
                    None => self.problems.push(Problem::file(format!(
                        "trang _chibo ghi tháng «{value}» không đọc được"
                    ))),
                },
                "template version" => self.template_version = Some(value),
                _ => {}
            }
        }
    }

    /// Reads title cells of `sheet` (those above the header row): a unit's name or
    /// code, and a month such as `Tháng 7 năm 2020` or `tháng 07/2020` (not a date line).
    pub fn title<'a>(
        &mut self,
        sheet: &str,
        cells: impl Iterator<Item = (CellRef, &'a str)>,
        roster: Option<&Roster>,
    ) {
        self.title_sheet = Some(sheet.to_owned());
        for (cell, text) in cells {
            if let Some(month) = title_month(text) {
                self.months.push((Source::Title(cell), month));
            }
            if let Some(r) = roster {
                for code in units_in_text(r, text) {
                    self.units.push((Source::Title(cell), code));
                }
            }
        }
    }

    /// Reads the file name (unit codes as whole words) and the month folder.
    pub fn path(
        &mut self,
        file_stem: &str,
        folder_month: Option<YearMonth>,
        roster: Option<&Roster>,
    ) {
        if let Some(r) = roster {
            let codes: Vec<&str> = r
                .units
                .iter()
                .map(|u| u.code.as_str())
                .filter(|c| contains_word(file_stem, c))
                .collect();
            // A name with several codes (`YC_MC.xlsx`) tells nothing for sure.
            if let [code] = codes[..] {
                self.units.push((Source::FileName, code.to_owned()));
            } else if codes.len() > 1 {
                self.problems.push(Problem::file(format!(
                    "tên tệp có mã của nhiều đơn vị: {}",
                    codes.join(", ")
                )));
            }
        }
        if let Some(m) = folder_month {
            self.months.push((Source::Folder, m));
        }
    }

    /// Settles unit and month.
    ///
    /// # Errors
    /// The contradictions or problems found; a contradiction that a title cell takes
    /// part in is at the first such cell.
    pub fn settle(self) -> Result<Identity, Vec<Problem>> {
        let mut errors = self.problems;
        let sheet = self.title_sheet.as_deref();
        let unit = agree(&self.units, "đơn vị", Clone::clone, sheet, &mut errors);
        let month = agree(&self.months, "tháng", |m| m.vi(), sheet, &mut errors);
        if errors.is_empty() {
            Ok(Identity {
                unit,
                month,
                template_version: self.template_version,
            })
        } else {
            Err(errors)
        }
    }
}

fn agree<T: Clone + PartialEq>(
    found: &[(Source, T)],
    what: &str,
    show: impl Fn(&T) -> String,
    title_sheet: Option<&str>,
    errors: &mut Vec<Problem>,
) -> Option<T> {
    let (_, first) = found.first()?;
    if found.iter().all(|(_, v)| v == first) {
        return Some(first.clone());
    }
    let mut sorted: Vec<&(Source, T)> = found.iter().collect();
    sorted.sort_by(|a, b| a.0.cmp(&b.0));
    let said: Vec<String> = sorted
        .iter()
        .map(|(s, v)| format!("{} ghi {}", s.vi(), show(v)))
        .collect();
    let at = sorted.iter().find_map(|(s, _)| match (s, title_sheet) {
        (Source::Title(cell), Some(sheet)) => Some((sheet.to_owned(), *cell)),
        _ => None,
    });
    errors.push(Problem {
        message: format!("{what} không thống nhất: {}", said.join("; ")),
        at,
    });
    None
}

fn unit_by_code_or_name(roster: &Roster, text: &str) -> Option<String> {
    if let Some(u) = roster.unit(text.trim()) {
        return Some(u.code.clone());
    }
    let key = MatchKey::new(text);
    roster
        .units_with_keys()
        .find(|(_, name)| **name == key)
        .map(|(u, _)| u.code.clone())
}

/// Units a title cell names: by name (as a whole-word part of the cell) or by code (a
/// whole word, case-sensitive).
fn units_in_text(roster: &Roster, text: &str) -> Vec<String> {
    let key = MatchKey::new(text);
    let mut found: Vec<String> = roster
        .units_possibly_in(&[key.as_str(), text])
        .into_iter()
        .filter(|(u, name)| {
            contains_word(key.as_str(), name.as_str()) || contains_word(text, &u.code)
        })
        .map(|(u, _)| u.code.clone())
        .collect();
    found.dedup();
    found
}

/// Whether `needle` occurs in `hay` with no letter or digit right before or after it.
pub fn contains_word(hay: &str, needle: &str) -> bool {
    if needle.is_empty() {
        return false;
    }
    hay.match_indices(needle).any(|(i, _)| {
        let before = hay[..i].chars().next_back();
        let after = hay[i + needle.len()..].chars().next();
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
    })
}

/// `Tháng 7 năm 2020`, `THÁNG 07/2020`, `tháng 7/2020`; but not the date line
/// `Sơn La, ngày 02 tháng 4 năm 2021`.
pub fn title_month(text: &str) -> Option<YearMonth> {
    let key = MatchKey::new(text).folded();
    let words: Vec<&str> = key
        .as_str()
        .split([' ', ',', ':', '(', ')'])
        .filter(|w| !w.is_empty())
        .collect();
    for (i, &w) in words.iter().enumerate() {
        if w != "thang" || (i >= 2 && words[i - 2] == "ngay") {
            continue;
        }
        let month = match words.get(i + 1..i + 4) {
            Some([m, "nam", y]) => YearMonth::parse(&format!("{y}-{m:0>2}")),
            _ => words.get(i + 1).and_then(|mmyyyy| YearMonth::parse(mmyyyy)),
        };
        if month.is_some() {
            return month;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Unit;

    fn roster() -> Roster {
        let unit = |code: &str, name: &str| Unit {
            code: code.into(),
            name: name.into(),
            emails: Vec::new(),
        };
        Roster::new(
            vec![
                unit("YC", "Huyện ủy Yên Châu"),
                unit("MC", "Huyện ủy Mộc Châu"),
                unit("TP", "Thành ủy Sơn La"),
            ],
            Vec::new(),
            Vec::new(),
            Vec::new(),
        )
    }

    /// The word index finds exactly the units a scan of every unit finds.
    #[test]
    fn units_in_titles_agree_with_a_scan() {
        let unit = |code: &str, name: &str| Unit {
            code: code.into(),
            name: name.into(),
            emails: Vec::new(),
        };
        let r = Roster::new(
            vec![
                unit("YC", "Huyện ủy Yên Châu"),
                unit("MC", "Huyện ủy Mộc Châu"),
                unit("TP", "Thành ủy Sơn La"),
                unit("U-7", "Đảng ủy Khối cơ quan (tỉnh)"),
                unit("X1", "Huyện ủy Hoà Bình"),
                unit("__", "***"),
            ],
            Vec::new(),
            Vec::new(),
            Vec::new(),
        );
        let titles = [
            "HUYỆN ỦY YÊN CHÂU",
            "Huyện ủy Yên Châu và Huyện ủy Mộc Châu",
            "Đảng ủy Khối cơ quan (tỉnh) — U-7",
            "ĐẢNG BỘ THÀNH ỦY SƠN LA, TP",
            "Huyện ủy Hòa Bình",
            "Huyện ủy Yên Châuu",
            "Mã: X1; ***",
            "",
        ];
        for text in titles {
            let key = MatchKey::new(text);
            let scan: Vec<String> = r
                .units_with_keys()
                .filter(|(u, name)| {
                    contains_word(key.as_str(), name.as_str()) || contains_word(text, &u.code)
                })
                .map(|(u, _)| u.code.clone())
                .collect();
            assert_eq!(units_in_text(&r, text), scan, "{text}");
        }
        assert_eq!(units_in_text(&r, "Huyện ủy Hòa Bình"), ["X1"]);
        assert_eq!(
            units_in_text(&r, "Đảng ủy Khối cơ quan (tỉnh) — U-7"),
            ["U-7"]
        );
    }

    #[test]
    fn months_in_titles() {
        let ym = |y, m| YearMonth::new(y, m);
        let cases = [
            (
                "BÁO CÁO KẾT QUẢ DỰ SINH HOẠT CHI BỘ THÁNG 7 NĂM 2020",
                ym(2020, 7),
            ),
            ("Tháng 07/2020", ym(2020, 7)),
            ("(tháng 7/2020)", ym(2020, 7)),
            ("Thang 12 nam 2020", ym(2020, 12)),
            ("Sơn La, ngày 02 tháng 4 năm 2021", None),
            ("Yên Châu, ngày 5 tháng 8 năm 2020", None),
            ("Tháng 13 năm 2020", None),
            ("Kế hoạch năm 2020", None),
        ];
        for (text, want) in cases {
            assert_eq!(title_month(text), want, "{text}");
        }
    }

    #[test]
    fn whole_words() {
        assert!(contains_word("YC_thang7", "YC"));
        assert!(contains_word("bao-cao YC 2020", "YC"));
        assert!(!contains_word("MYC", "YC"));
        assert!(!contains_word("yc", "YC"));
        assert!(!contains_word("YC2020", "YC"));
    }

    fn settle(ev: Evidence) -> Result<Identity, Vec<String>> {
        ev.settle()
            .map_err(|problems| problems.into_iter().map(|p| p.message).collect())
    }

    fn a1(text: &str) -> CellRef {
        CellRef::parse(text).unwrap()
    }

    #[test]
    fn sources_agree_or_the_file_is_unreadable() {
        let r = roster();
        let mut ev = Evidence::default();
        ev.title(
            "Báo cáo",
            [
                (a1("A2"), "HUYỆN ỦY YÊN CHÂU"),
                (a1("A3"), "Tháng 7 năm 2020"),
            ]
            .into_iter(),
            Some(&r),
        );
        ev.path("bao cao YC", YearMonth::new(2020, 7), Some(&r));
        let id = settle(ev).unwrap();
        assert_eq!(
            (id.unit.as_deref(), id.month),
            (Some("YC"), YearMonth::new(2020, 7))
        );

        let mut ev = Evidence::default();
        ev.title(
            "Báo cáo",
            [(a1("A2"), "Huyện ủy Mộc Châu")].into_iter(),
            Some(&r),
        );
        ev.path("YC", YearMonth::new(2020, 8), Some(&r));
        ev.title(
            "Báo cáo",
            [(a1("B4"), "tháng 07/2020")].into_iter(),
            Some(&r),
        );
        let errors = settle(ev).unwrap_err();
        assert_eq!(
            errors,
            [
                "đơn vị không thống nhất: tiêu đề (ô A2) ghi MC; tên tệp ghi YC",
                "tháng không thống nhất: tiêu đề (ô B4) ghi 07/2020; thư mục tháng ghi 08/2020"
            ]
        );
    }

    /// A contradiction is at the title cell that takes part in it, the first one when
    /// several do; one without a title cell is the file's.
    #[test]
    fn contradictions_keep_the_title_cell() {
        let r = roster();
        let at = |ev: Evidence| -> Vec<Option<(String, String)>> {
            ev.settle()
                .unwrap_err()
                .into_iter()
                .map(|p| p.at.map(|(sheet, cell)| (sheet, cell.to_string())))
                .collect()
        };
        let mut ev = Evidence::default();
        ev.title(
            "BC tháng",
            [
                (a1("C2"), "Huyện ủy Mộc Châu"),
                (a1("A10"), "Tháng 7 năm 2020"),
                (a1("A9"), "Huyện ủy Mộc Châu"),
            ]
            .into_iter(),
            Some(&r),
        );
        ev.path("YC", YearMonth::new(2020, 8), Some(&r));
        assert_eq!(
            at(ev),
            [
                Some(("BC tháng".to_owned(), "C2".to_owned())),
                Some(("BC tháng".to_owned(), "A10".to_owned()))
            ]
        );

        let mut ev = Evidence::default();
        ev.title(
            "Báo cáo",
            [(a1("A2"), "Huyện ủy Mộc Châu")].into_iter(),
            Some(&r),
        );
        ev.path("YC_MC", None, Some(&r));
        ev.path("MC", YearMonth::new(2020, 8), Some(&r));
        ev.months
            .push((Source::Meta, YearMonth::new(2020, 7).unwrap()));
        assert_eq!(
            at(ev),
            [None, None],
            "many codes in the name; meta against folder"
        );
    }

    #[test]
    fn meta_sheet_and_file_names() {
        use calamine::Data;
        let r = roster();
        let s = |t: &str| Data::String(t.into());
        let grid = Grid::from_rows(
            crate::diagnostic::CellRef::new(0, 0),
            vec![
                vec![s("unit"), s("TP")],
                vec![s("month"), s("2020-07")],
                vec![s("template_version"), s("1")],
            ],
        );
        let mut ev = Evidence::default();
        ev.meta(&grid, Some(&r));
        ev.path("Thanh uy TP", None, Some(&r));
        let id = settle(ev).unwrap();
        assert_eq!(
            (id.unit.as_deref(), id.month, id.template_version.as_deref()),
            (Some("TP"), YearMonth::new(2020, 7), Some("1"))
        );

        let mut ev = Evidence::default();
        ev.path("YC_MC", None, Some(&r));
        assert_eq!(
            settle(ev).unwrap_err(),
            ["tên tệp có mã của nhiều đơn vị: YC, MC"]
        );
        let mut ev = Evidence::default();
        ev.path("tong hop", None, Some(&r));
        assert_eq!(settle(ev).unwrap(), Identity::default());
    }
}
