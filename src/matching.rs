//! Matching what a report names to the roster (SPEC §6), pure and indexed once per run.
//!
//! A code decides when present. Otherwise names are compared as [`MatchKey`]s (exact);
//! only when that finds nothing does the diacritics-folded key get a say, and only if it
//! points at exactly one candidate (a warning). Folding never overrides an exact match
//! and never picks among several: `Tâm` and `Tám` are different people.

use std::sync::{LazyLock, RwLock};

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use crate::roster::Roster;
use crate::text::{FoldedKey, MatchKey};

/// Titles written before a cadre's name.
const TITLES: &[&str] = &["đồng chí", "đ/c", "đ/c:", "đ.c", "đc"];
/// Prefixes written before a cell's name; the longest first.
const CELL_PREFIXES: &[&str] = &["chi bộ khu dân cư", "chi bộ", "cb"];
/// Prefixes written before a commune's name.
const COMMUNE_PREFIXES: &[&str] = &["thị trấn", "phường", "xã"];

/// A successful match: the roster index, and whether a warning is due.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Match {
    /// Index into the roster's cadres or cells.
    pub index: usize,
    /// A warning to give at the name cell, if any.
    pub note: Option<Note>,
}

/// Why a match deserves a warning.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Note {
    /// Found only with diacritics ignored.
    Approximate,
    /// Found by code, but the name written beside it is another one.
    NameDisagrees,
}

/// Why nothing could be matched. Messages are for the unit, in Vietnamese.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum MatchError {
    /// A code that the roster does not have.
    #[error("mã «{0}» không có trong danh sách phân công")]
    UnknownCode(String),
    /// A name that matches no one.
    #[error("không có «{0}» trong danh sách phân công")]
    NotFound(String),
    /// A name that matches several; the message says what to add.
    #[error("«{name}» trùng với nhiều {what}: {candidates}; hãy ghi thêm {hint}")]
    Ambiguous {
        /// The name as written.
        name: String,
        /// What it names (`cán bộ`, `chi bộ`).
        what: &'static str,
        /// The candidates, as `name (code)`.
        candidates: String,
        /// What to fill in to tell them apart.
        hint: &'static str,
    },
    /// A commune that the roster does not have.
    #[error("xã/phường «{0}» không có trong danh sách phân công")]
    UnknownCommune(String),
    /// A cell name not found in the commune given.
    #[error("không có chi bộ «{cell}» ở xã/phường «{commune}»")]
    NotInCommune {
        /// The cell name as written.
        cell: String,
        /// The commune as written.
        commune: String,
    },
    /// Neither a code nor a name was written.
    #[error("thiếu tên hoặc mã")]
    Missing,
}

/// Roster indexes for matching.
pub struct Matcher<'r> {
    roster: &'r Roster,
    cadre_exact: FxHashMap<MatchKey, Vec<usize>>,
    cadre_folded: FxHashMap<FoldedKey, Vec<usize>>,
    /// Per cell: its name and aliases, prefixes stripped.
    cell_keys: Vec<Vec<MatchKey>>,
    /// Per cell: its commune key, prefixes stripped.
    cell_commune: Vec<Option<MatchKey>>,
    /// Name or alias → the cells so named.
    cell_exact: FxHashMap<MatchKey, Vec<usize>>,
    /// Name or alias without diacritics → the cells so named.
    cell_folded: FxHashMap<FoldedKey, Vec<usize>>,
    /// Commune keys without diacritics → the commune keys of the roster.
    communes_folded: FxHashMap<FoldedKey, Vec<MatchKey>>,
    /// Unit → name or alias → cells: a unit's cells found without scanning the
    /// province's (the same cell name is common across units).
    unit_exact: FxHashMap<String, FxHashMap<MatchKey, Vec<usize>>>,
    /// Commune → name or alias → cells.
    commune_exact: FxHashMap<MatchKey, FxHashMap<MatchKey, Vec<usize>>>,
    /// Answers given so far, by their arguments ([`memo_key`]): a unit names the same
    /// cadres, cells and communes in every row and every month, and building their keys
    /// is the costly part of matching. Shared by the threads reading files.
    memo: RwLock<FxHashMap<Vec<u8>, Result<Match, MatchError>>>,
}

impl<'r> Matcher<'r> {
    /// Indexes `roster`.
    pub fn new(roster: &'r Roster) -> Matcher<'r> {
        let mut cadre_exact: FxHashMap<MatchKey, Vec<usize>> = FxHashMap::default();
        let mut cadre_folded: FxHashMap<FoldedKey, Vec<usize>> = FxHashMap::default();
        for (i, cadre) in roster.cadres.iter().enumerate() {
            let key = person_key(&cadre.name);
            cadre_folded.entry(key.folded()).or_default().push(i);
            cadre_exact.entry(key).or_default().push(i);
        }
        // The keys of every cell's names and commune are the costly part (a nation has
        // tens of thousands of cells): built on all cores, collected in roster order.
        let (cell_keys, cell_commune): (Vec<Vec<MatchKey>>, Vec<Option<MatchKey>>) = roster
            .cells
            .par_iter()
            .map(|c| {
                let names = std::iter::once(&c.name)
                    .chain(&c.aliases)
                    .map(|n| cell_key(n))
                    .collect();
                (names, c.commune.as_deref().map(commune_key))
            })
            .unzip();
        let mut cell_exact: FxHashMap<MatchKey, Vec<usize>> = FxHashMap::default();
        let mut cell_folded: FxHashMap<FoldedKey, Vec<usize>> = FxHashMap::default();
        for (i, keys) in cell_keys.iter().enumerate() {
            for key in keys {
                let exact = cell_exact.entry(key.clone()).or_default();
                if exact.last() != Some(&i) {
                    exact.push(i);
                }
                let folded = cell_folded.entry(key.folded()).or_default();
                if folded.last() != Some(&i) {
                    folded.push(i);
                }
            }
        }
        let mut unit_exact: FxHashMap<String, FxHashMap<MatchKey, Vec<usize>>> =
            FxHashMap::default();
        let mut commune_exact: FxHashMap<MatchKey, FxHashMap<MatchKey, Vec<usize>>> =
            FxHashMap::default();
        for (i, keys) in cell_keys.iter().enumerate() {
            for key in keys {
                let list = unit_exact
                    .entry(roster.cells[i].unit.clone())
                    .or_default()
                    .entry(key.clone())
                    .or_default();
                if list.last() != Some(&i) {
                    list.push(i);
                }
                if let Some(commune) = &cell_commune[i] {
                    let list = commune_exact
                        .entry(commune.clone())
                        .or_default()
                        .entry(key.clone())
                        .or_default();
                    if list.last() != Some(&i) {
                        list.push(i);
                    }
                }
            }
        }
        let mut communes_folded: FxHashMap<FoldedKey, Vec<MatchKey>> = FxHashMap::default();
        for key in cell_commune.iter().flatten() {
            let list = communes_folded.entry(key.folded()).or_default();
            if !list.contains(key) {
                list.push(key.clone());
            }
        }
        Matcher {
            roster,
            cadre_exact,
            cadre_folded,
            cell_keys,
            cell_commune,
            cell_exact,
            cell_folded,
            communes_folded,
            unit_exact,
            commune_exact,
            memo: RwLock::default(),
        }
    }

    /// The remembered answer for `key`, else `find`'s (then remembered).
    fn remembered(
        &self,
        key: Vec<u8>,
        find: impl FnOnce() -> Result<Match, MatchError>,
    ) -> Result<Match, MatchError> {
        let known = self
            .memo
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get(&key)
            .cloned();
        if let Some(found) = known {
            return found;
        }
        let found = find();
        self.memo
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(key, found.clone());
        found
    }

    /// The roster matched against.
    pub fn roster(&self) -> &'r Roster {
        self.roster
    }

    /// Finds the cadre a row names by `code` or, failing that, by `name`.
    ///
    /// # Errors
    /// An unknown code, or a name that matches no one or several.
    pub fn cadre(&self, code: Option<&str>, name: Option<&str>) -> Result<Match, MatchError> {
        self.remembered(memo_key(&[Some("cadre"), code, name]), || {
            self.find_cadre(code, name)
        })
    }

    fn find_cadre(&self, code: Option<&str>, name: Option<&str>) -> Result<Match, MatchError> {
        if let Some(code) = code {
            let index = self
                .roster
                .cadre_id(code)
                .map(crate::model::CadreId::index)
                .ok_or_else(|| MatchError::UnknownCode(code.to_owned()))?;
            let disagrees =
                name.is_some_and(|n| person_key(n) != person_key(&self.roster.cadres[index].name));
            return Ok(Match {
                index,
                note: disagrees.then_some(Note::NameDisagrees),
            });
        }
        let name = name.ok_or(MatchError::Missing)?;
        let key = person_key(name);
        let exact = self.cadre_exact.get(&key).map_or(&[][..], Vec::as_slice);
        let (list, note) = if exact.is_empty() {
            let folded = self
                .cadre_folded
                .get(&key.folded())
                .map_or(&[][..], Vec::as_slice);
            (folded, Some(Note::Approximate))
        } else {
            (exact, None)
        };
        match list {
            [] => Err(MatchError::NotFound(name.to_owned())),
            [index] => Ok(Match {
                index: *index,
                note,
            }),
            several => Err(MatchError::Ambiguous {
                name: name.to_owned(),
                what: "cán bộ",
                candidates: Self::list(
                    several
                        .iter()
                        .map(|&i| (&self.roster.cadres[i].name, &self.roster.cadres[i].code)),
                ),
                hint: "mã cán bộ",
            }),
        }
    }

    /// Finds the cell a row names: by `code`; else by `name` within `commune` when
    /// given (no wider search), else within `unit`, else the province.
    ///
    /// # Errors
    /// An unknown code or commune, or a name that matches no cell or several.
    pub fn cell(
        &self,
        code: Option<&str>,
        name: Option<&str>,
        commune: Option<&str>,
        unit: Option<&str>,
    ) -> Result<Match, MatchError> {
        self.remembered(memo_key(&[Some("cell"), code, name, commune, unit]), || {
            self.find_cell(code, name, commune, unit)
        })
    }

    fn find_cell(
        &self,
        code: Option<&str>,
        name: Option<&str>,
        commune: Option<&str>,
        unit: Option<&str>,
    ) -> Result<Match, MatchError> {
        if let Some(code) = code {
            let index = self
                .roster
                .cell_id(code)
                .map(crate::model::CellId::index)
                .ok_or_else(|| MatchError::UnknownCode(code.to_owned()))?;
            let disagrees = name.is_some_and(|n| !self.cell_keys[index].contains(&cell_key(n)));
            return Ok(Match {
                index,
                note: disagrees.then_some(Note::NameDisagrees),
            });
        }
        let name = name.ok_or(MatchError::Missing)?;
        let key = cell_key(name);
        let exact = self.cell_exact.get(&key).map_or(&[][..], Vec::as_slice);
        // Without diacritics: only looked at when the exact key finds nothing.
        let folded = || {
            self.cell_folded
                .get(&key.folded())
                .map_or(&[][..], Vec::as_slice)
        };
        if let Some(commune) = commune {
            let wanted = commune_key(commune);
            let exists = self
                .communes_folded
                .get(&wanted.folded())
                .map_or(&[][..], Vec::as_slice);
            // The commune as written, else the communes it names without diacritics.
            let scope: Vec<&MatchKey> = if exists.contains(&wanted) {
                vec![&wanted]
            } else {
                exists.iter().collect()
            };
            if scope.is_empty() {
                return Err(MatchError::UnknownCommune(commune.to_owned()));
            }
            let in_commune = |i: usize| {
                self.cell_commune[i]
                    .as_ref()
                    .is_some_and(|c| scope.contains(&c))
            };
            // The exact candidates of one commune come straight from its index.
            let narrowed = match scope[..] {
                [only] => self
                    .commune_exact
                    .get(only)
                    .and_then(|names| names.get(&key))
                    .map_or(&[][..], Vec::as_slice),
                _ => exact,
            };
            return self
                .pick(narrowed, folded, &in_commune, name)
                .unwrap_or_else(|| {
                    Err(MatchError::NotInCommune {
                        cell: name.to_owned(),
                        commune: commune.to_owned(),
                    })
                });
        }
        if let Some(unit) = unit
            && let Some(result) = self.pick(
                self.unit_exact
                    .get(unit)
                    .and_then(|names| names.get(&key))
                    .map_or(&[][..], Vec::as_slice),
                folded,
                &|i| self.roster.cells[i].unit == unit,
                name,
            )
        {
            return result;
        }
        self.pick(exact, folded, &|_| true, name)
            .unwrap_or_else(|| Err(MatchError::NotFound(name.to_owned())))
    }

    /// Among the cells named `exact` (else `folded`) those `in_scope`: one is a match,
    /// several ask for the commune, none is `None`.
    fn pick<'f>(
        &self,
        exact: &[usize],
        folded: impl FnOnce() -> &'f [usize],
        in_scope: &dyn Fn(usize) -> bool,
        name: &str,
    ) -> Option<Result<Match, MatchError>> {
        let exact: Vec<usize> = exact.iter().copied().filter(|&i| in_scope(i)).collect();
        let (list, note) = if exact.is_empty() {
            (
                folded().iter().copied().filter(|&i| in_scope(i)).collect(),
                Some(Note::Approximate),
            )
        } else {
            (exact, None)
        };
        match list[..] {
            [] => None,
            [index] => Some(Ok(Match { index, note })),
            _ => Some(Err(MatchError::Ambiguous {
                name: name.to_owned(),
                what: "chi bộ",
                // Told apart as the hint asks: by commune (by code when there is none).
                candidates: list
                    .iter()
                    .map(|&i| {
                        let c = &self.roster.cells[i];
                        match &c.commune {
                            Some(commune) => {
                                format!("{} ({})", c.name, crate::roster::commune_label(commune))
                            }
                            None => format!("{} (mã {})", c.name, c.code),
                        }
                    })
                    .collect::<Vec<_>>()
                    .join(", "),
                hint: "xã/phường (hoặc mã chi bộ)",
            })),
        }
    }

    fn list<'a>(items: impl Iterator<Item = (&'a String, &'a String)>) -> String {
        items
            .map(|(name, code)| format!("{name} ({code})"))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// The keys of a list of prefixes, built once.
struct Prefixes(LazyLock<Vec<MatchKey>>);

static TITLE_KEYS: Prefixes = Prefixes(LazyLock::new(|| keys(TITLES)));
static CELL_PREFIX_KEYS: Prefixes = Prefixes(LazyLock::new(|| keys(CELL_PREFIXES)));
static COMMUNE_PREFIX_KEYS: Prefixes = Prefixes(LazyLock::new(|| keys(COMMUNE_PREFIXES)));

fn keys(texts: &[&str]) -> Vec<MatchKey> {
    texts.iter().map(|t| MatchKey::new(t)).collect()
}

/// The arguments of a match as one key: each part absent, or its length and its bytes.
fn memo_key(parts: &[Option<&str>]) -> Vec<u8> {
    let mut key = Vec::with_capacity(parts.iter().flatten().map(|p| p.len() + 9).sum());
    for part in parts {
        match part {
            Some(text) => {
                key.push(1);
                key.extend_from_slice(&text.len().to_le_bytes());
                key.extend_from_slice(text.as_bytes());
            }
            None => key.push(0),
        }
    }
    key
}

fn strip(key: MatchKey, prefixes: &Prefixes) -> MatchKey {
    for prefix in prefixes.0.iter() {
        if let Some(rest) = key.strip_prefix(prefix) {
            return rest;
        }
    }
    key
}

/// A person's name as compared: titles (`đ/c`, `đồng chí`) removed.
pub fn person_key(name: &str) -> MatchKey {
    strip(MatchKey::new(name), &TITLE_KEYS)
}

/// A cell's name as compared: `chi bộ khu dân cư`, `chi bộ`, `cb` removed.
pub fn cell_key(name: &str) -> MatchKey {
    strip(MatchKey::new(name), &CELL_PREFIX_KEYS)
}

/// A commune's name as compared: `xã`, `phường`, `thị trấn` removed.
pub fn commune_key(name: &str) -> MatchKey {
    strip(MatchKey::new(name), &COMMUNE_PREFIX_KEYS)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Cadre, Cell};

    fn roster() -> Roster {
        let cadre = |code: &str, name: &str| Cadre {
            code: code.into(),
            name: name.into(),
            position: None,
            group: "BCH".into(),
            unit: None,
            email: None,
            quota: None,
        };
        let cell = |code: &str, name: &str, commune: &str, unit: &str, aliases: &[&str]| Cell {
            code: code.into(),
            name: name.into(),
            commune: Some(commune.into()),
            unit: unit.into(),
            members: None,
            remote: false,
            meeting_day: None,
            aliases: aliases.iter().map(|a| (*a).into()).collect(),
        };
        Roster::new(
            Vec::new(),
            vec![
                cell("A1", "Bản Mới", "Chiềng Đông", "YC", &[]),
                cell("A2", "Bản Mới", "Chiềng Sàng", "YC", &[]),
                cell("A3", "Tiểu khu 1", "Chiềng Đông", "YC", &["TK1"]),
                cell("B1", "Bản Mới", "Chiềng Mung", "MS", &[]),
                cell("B2", "Bản Hoà", "Thị trấn Hát Lót", "MS", &[]),
                cell("B3", "Tổ 5", "Phường Quyết Thắng", "TP", &[]),
            ],
            vec![
                cadre("C1", "Lường Văn Tâm"),
                cadre("C2", "Lường Văn Tám"),
                cadre("C3", "Nguyễn Văn Hoà"),
                cadre("C4", "Cầm Thị Ngân"),
                cadre("C5", "Lò Văn Minh"),
                cadre("C6", "Lò Văn Minh"),
            ],
            Vec::new(),
        )
    }

    type Found = Result<(String, Option<Note>), MatchError>;
    type CadreCase<'a> = (Option<&'a str>, Option<&'a str>, Found);
    type Case<'a> = (
        Option<&'a str>,
        Option<&'a str>,
        Option<&'a str>,
        Option<&'a str>,
        Result<(String, Option<Note>), MatchError>,
    );

    fn code_of(
        r: &Roster,
        m: &Result<Match, MatchError>,
        cells: bool,
    ) -> Result<(String, Option<Note>), MatchError> {
        m.clone().map(|m| {
            let code = if cells {
                &r.cells[m.index].code
            } else {
                &r.cadres[m.index].code
            };
            (code.clone(), m.note)
        })
    }

    #[test]
    fn cadres() {
        let r = roster();
        let m = Matcher::new(&r);
        let ok = |code: &str, note| Ok((code.to_owned(), note));
        let cases: Vec<CadreCase> = vec![
            (None, Some("Lường Văn Tâm"), ok("C1", None)),
            (None, Some("Lường Văn Tám"), ok("C2", None)),
            (None, Some("đ/c Nguyễn Văn Hòa"), ok("C3", None)),
            (None, Some("Đồng chí NGUYỄN VĂN HOÀ"), ok("C3", None)),
            (
                None,
                Some("Nguyen Van Hoa"),
                ok("C3", Some(Note::Approximate)),
            ),
            (
                None,
                Some("Cam Thi Ngan"),
                ok("C4", Some(Note::Approximate)),
            ),
            (Some("C2"), Some("Lường Văn Tám"), ok("C2", None)),
            (
                Some("C2"),
                Some("Lường Văn Tâm"),
                ok("C2", Some(Note::NameDisagrees)),
            ),
            (
                Some("C9"),
                Some("Lường Văn Tâm"),
                Err(MatchError::UnknownCode("C9".into())),
            ),
            (
                None,
                Some("Lò Văn Hùng"),
                Err(MatchError::NotFound("Lò Văn Hùng".into())),
            ),
            (None, None, Err(MatchError::Missing)),
        ];
        // Asked twice: the second answer comes from the matcher's memory and is the same.
        for (code, name, want) in cases.iter().chain(&cases) {
            assert_eq!(
                &code_of(&r, &m.cadre(*code, *name), false),
                want,
                "{code:?} {name:?}"
            );
        }
        // A name given as a code is another question, not the remembered answer.
        assert_eq!(
            m.cadre(Some("Lường Văn Tâm"), None),
            Err(MatchError::UnknownCode("Lường Văn Tâm".into()))
        );
        // Folding never picks among several: Tâm and Tám are different people.
        assert!(matches!(
            m.cadre(None, Some("Luong Van Tam")),
            Err(MatchError::Ambiguous { .. })
        ));
        // Two cadres with the same name need the code.
        let err = m.cadre(None, Some("Lò Văn Minh")).unwrap_err();
        assert_eq!(
            err.to_string(),
            "«Lò Văn Minh» trùng với nhiều cán bộ: Lò Văn Minh (C5), Lò Văn Minh (C6); hãy ghi thêm mã cán bộ"
        );
    }

    #[test]
    #[allow(clippy::too_many_lines)] // a case table
    fn cells() {
        let r = roster();
        let m = Matcher::new(&r);
        let ok = |code: &str, note| Ok((code.to_owned(), note));

        let cases: Vec<Case> = vec![
            (
                None,
                Some("Bản Mới"),
                Some("Chiềng Sàng"),
                Some("YC"),
                ok("A2", None),
            ),
            (
                None,
                Some("Chi bộ Bản Mới"),
                Some("xã Chiềng Đông"),
                None,
                ok("A1", None),
            ),
            (
                None,
                Some("Bản Mới"),
                Some("Chieng Mung"),
                Some("YC"),
                ok("B1", None),
            ),
            (
                None,
                Some("Ban Moi"),
                Some("Chiềng Mung"),
                None,
                ok("B1", Some(Note::Approximate)),
            ),
            (None, Some("TK1"), None, Some("YC"), ok("A3", None)),
            (
                None,
                Some("Chi bộ khu dân cư Tiểu khu 1"),
                None,
                Some("YC"),
                ok("A3", None),
            ),
            (None, Some("CB Bản Hòa"), None, Some("MS"), ok("B2", None)),
            (None, Some("Bản Mới"), None, Some("MS"), ok("B1", None)),
            (None, Some("Tổ 5"), None, Some("YC"), ok("B3", None)),
            (
                None,
                Some("To 5"),
                None,
                Some("YC"),
                ok("B3", Some(Note::Approximate)),
            ),
            (Some("A3"), Some("Tiểu khu 1"), None, None, ok("A3", None)),
            (Some("A3"), Some("TK1"), None, None, ok("A3", None)),
            (
                Some("A3"),
                Some("Bản Mới"),
                None,
                None,
                ok("A3", Some(Note::NameDisagrees)),
            ),
            (
                Some("ZZ"),
                None,
                None,
                None,
                Err(MatchError::UnknownCode("ZZ".into())),
            ),
            (
                None,
                Some("Bản Mới"),
                Some("Chiềng Khoa"),
                None,
                Err(MatchError::UnknownCommune("Chiềng Khoa".into())),
            ),
            (
                None,
                Some("Tổ 5"),
                Some("Chiềng Đông"),
                None,
                Err(MatchError::NotInCommune {
                    cell: "Tổ 5".into(),
                    commune: "Chiềng Đông".into(),
                }),
            ),
            (
                None,
                Some("Bản Xa"),
                None,
                Some("YC"),
                Err(MatchError::NotFound("Bản Xa".into())),
            ),
        ];
        for (code, name, commune, unit, want) in cases {
            assert_eq!(
                code_of(&r, &m.cell(code, name, commune, unit), true),
                want,
                "{code:?} {name:?} {commune:?}"
            );
        }
        // Two `Bản Mới` in the submitting unit: ask for the commune, do not widen.
        let err = m.cell(None, Some("Bản Mới"), None, Some("YC")).unwrap_err();
        assert_eq!(
            err.to_string(),
            "«Bản Mới» trùng với nhiều chi bộ: Bản Mới (xã Chiềng Đông), Bản Mới (xã Chiềng Sàng); hãy ghi thêm xã/phường (hoặc mã chi bộ)"
        );
        // Without a unit, three across the province.
        assert!(matches!(
            m.cell(None, Some("Bản Mới"), None, None),
            Err(MatchError::Ambiguous { .. })
        ));
    }
}
