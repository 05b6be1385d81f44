//! The closed vocabularies of a report (SPEC §4): the attended marks, the absence
//! reasons, the meeting ratings and the recommendation statuses: their types, and their
//! words as data. Each word has
//! the label chibo writes and the other forms units type; parsing (`ingest::marks`), the
//! template's dropdowns and guide, the consolidated workbook and the emails all take
//! them from here, so that a word is spelled once.

use std::sync::LazyLock;

use crate::text::MatchKey;

/// The quality rating of a meeting (Xếp loại buổi sinh hoạt).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Rating {
    /// Tốt.
    Tot,
    /// Khá.
    Kha,
    /// Trung bình.
    TrungBinh,
    /// Kém.
    Kem,
}

impl Rating {
    /// The Vietnamese label.
    pub fn label(self) -> &'static str {
        RATINGS.label_of(&self)
    }
}

/// Why a cadre missed a meeting (Lý do vắng).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum AbsenceReason {
    /// Đi công tác.
    BusinessTrip,
    /// Công việc đột xuất.
    Urgent,
    /// Ốm đau.
    Sick,
    /// Lý do khác, with the text as written.
    Other(String),
}

impl AbsenceReason {
    /// The Vietnamese category label.
    pub fn label(&self) -> &'static str {
        match self {
            AbsenceReason::Other(_) => OTHER_REASON,
            named => REASONS.label_of(named),
        }
    }
}

/// Where a recommendation stands (Tình trạng).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RecStatus {
    /// Giải quyết tại chỗ.
    ResolvedOnSpot,
    /// Đã chuyển (sent on to the responsible body).
    Forwarded,
    /// Đang giải quyết.
    InProgress,
    /// Đã giải quyết.
    Resolved,
}

impl RecStatus {
    /// The Vietnamese label.
    pub fn label(self) -> &'static str {
        STATUSES.label_of(&self)
    }

    /// Still waiting for a resolution.
    pub fn is_pending(self) -> bool {
        matches!(self, RecStatus::Forwarded | RecStatus::InProgress)
    }
}

/// One word of a closed vocabulary.
#[derive(Debug)]
pub struct Term<T: 'static> {
    /// What it means.
    pub value: T,
    /// The label chibo writes (dropdowns, workbooks, emails).
    pub label: &'static str,
    /// Other forms units type, as they usually type them; they are compared as match
    /// keys, so case, spacing and tone-mark style do not matter.
    pub aliases: &'static [&'static str],
}

/// A closed vocabulary: its words, and the list of allowed values that an error
/// message shows.
#[derive(Debug)]
pub struct Vocabulary<T: 'static> {
    /// The words, in the order chibo lists them.
    pub terms: &'static [Term<T>],
    /// What an error message lists as allowed.
    pub allowed: &'static str,
}

impl<T: PartialEq> Vocabulary<T> {
    /// The labels, in order (a template's dropdown).
    pub fn labels(&self) -> Vec<&'static str> {
        self.terms.iter().map(|t| t.label).collect()
    }

    /// The labels as a sentence lists them: `Tốt, Khá, Trung bình hoặc Kém`.
    pub fn or_list(&self) -> String {
        match self.labels().split_last() {
            Some((last, [])) => (*last).to_owned(),
            Some((last, rest)) => format!("{} hoặc {last}", rest.join(", ")),
            None => String::new(),
        }
    }

    /// The label of `value`.
    ///
    /// # Panics
    /// If `value` is not a word of the vocabulary (a closed vocabulary has them all).
    pub fn label_of(&self, value: &T) -> &'static str {
        self.terms
            .iter()
            .find(|t| t.value == *value)
            .map(|t| t.label)
            .expect("every value has a term")
    }

    /// The word typed exactly as its label or one of its aliases (the forms units type
    /// nearly always are read without building a key).
    pub fn as_typed(&self, text: &str) -> Option<&'static Term<T>> {
        self.terms
            .iter()
            .find(|t| t.label == text || t.aliases.contains(&text))
    }
}

/// The match keys of a vocabulary's labels and aliases, built once.
pub struct Keys<T: 'static>(Vec<(MatchKey, &'static Term<T>)>);

impl<T> Keys<T> {
    /// The keys of `vocabulary`.
    pub fn new(vocabulary: &'static Vocabulary<T>) -> Keys<T> {
        let keys = vocabulary
            .terms
            .iter()
            .flat_map(|t| {
                std::iter::once(t.label)
                    .chain(t.aliases.iter().copied())
                    .map(move |form| (MatchKey::new(form), t))
            })
            .collect();
        Keys(keys)
    }

    /// The word whose label or alias has `key`.
    pub fn find(&self, key: &MatchKey) -> Option<&'static Term<T>> {
        self.0.iter().find(|(k, _)| k == key).map(|&(_, t)| t)
    }
}

/// `Có dự`: yes or no.
pub static ATTENDED: Vocabulary<bool> = Vocabulary {
    terms: &[
        Term {
            value: true,
            label: "Có",
            aliases: &["x", "✓", "✔", "☑", "1", "Đã dự", "Có dự", "Dự"],
        },
        Term {
            value: false,
            label: "Không",
            aliases: &["0", "Vắng", "Không dự", "Vắng mặt"],
        },
    ],
    allowed: "Có, x, ✓, 1, Đã dự (có dự) hoặc Không, 0, Vắng (vắng)",
};

/// `Lý do vắng`: the three named reasons (any other text is `Lý do khác`).
pub static REASONS: Vocabulary<AbsenceReason> = Vocabulary {
    terms: &[
        Term {
            value: AbsenceReason::BusinessTrip,
            label: "Đi công tác",
            aliases: &["Công tác"],
        },
        Term {
            value: AbsenceReason::Urgent,
            label: "Công việc đột xuất",
            aliases: &["Việc đột xuất", "Đột xuất"],
        },
        Term {
            value: AbsenceReason::Sick,
            label: "Ốm đau",
            aliases: &["Ốm", "Bị ốm", "Đau ốm"],
        },
    ],
    allowed: "Đi công tác, Công việc đột xuất, Ốm đau, hoặc lý do khác",
};

/// The label of a reason that is none of the three named ones.
pub const OTHER_REASON: &str = "Lý do khác";

/// `Xếp loại buổi sinh hoạt`.
pub static RATINGS: Vocabulary<Rating> = Vocabulary {
    terms: &[
        Term {
            value: Rating::Tot,
            label: "Tốt",
            aliases: &[],
        },
        Term {
            value: Rating::Kha,
            label: "Khá",
            aliases: &[],
        },
        Term {
            value: Rating::TrungBinh,
            label: "Trung bình",
            aliases: &["TB"],
        },
        Term {
            value: Rating::Kem,
            label: "Kém",
            aliases: &[],
        },
    ],
    allowed: "Tốt, Khá, Trung bình (TB), Kém",
};

/// `Tình trạng` of a recommendation.
pub static STATUSES: Vocabulary<RecStatus> = Vocabulary {
    terms: &[
        Term {
            value: RecStatus::ResolvedOnSpot,
            label: "Giải quyết tại chỗ",
            aliases: &["Đã giải quyết tại chỗ"],
        },
        Term {
            value: RecStatus::Forwarded,
            label: "Đã chuyển",
            aliases: &["Chuyển"],
        },
        Term {
            value: RecStatus::InProgress,
            label: "Đang giải quyết",
            aliases: &[],
        },
        Term {
            value: RecStatus::Resolved,
            label: "Đã giải quyết",
            aliases: &[],
        },
    ],
    allowed: "Giải quyết tại chỗ, Đã chuyển, Đang giải quyết, Đã giải quyết",
};

/// The keys of [`ATTENDED`].
pub static ATTENDED_KEYS: LazyLock<Keys<bool>> = LazyLock::new(|| Keys::new(&ATTENDED));
/// The keys of [`REASONS`].
pub static REASON_KEYS: LazyLock<Keys<AbsenceReason>> = LazyLock::new(|| Keys::new(&REASONS));
/// The keys of [`RATINGS`].
pub static RATING_KEYS: LazyLock<Keys<Rating>> = LazyLock::new(|| Keys::new(&RATINGS));
/// The keys of [`STATUSES`].
pub static STATUS_KEYS: LazyLock<Keys<RecStatus>> = LazyLock::new(|| Keys::new(&STATUSES));

#[cfg(test)]
mod tests {
    use super::*;

    /// No form means two words, in any vocabulary.
    #[test]
    fn every_form_means_one_word() {
        fn distinct<T>(keys: &Keys<T>) {
            for (i, (k, _)) in keys.0.iter().enumerate() {
                assert!(keys.0[..i].iter().all(|(other, _)| other != k), "{k} twice");
            }
        }
        distinct(&ATTENDED_KEYS);
        distinct(&REASON_KEYS);
        distinct(&RATING_KEYS);
        distinct(&STATUS_KEYS);
    }

    #[test]
    fn labels_and_lists() {
        assert_eq!(ATTENDED.labels(), ["Có", "Không"]);
        assert_eq!(RATINGS.or_list(), "Tốt, Khá, Trung bình hoặc Kém");
        assert_eq!(ATTENDED.or_list(), "Có hoặc Không");
        assert_eq!(RATINGS.label_of(&Rating::TrungBinh), "Trung bình");
        assert_eq!(ATTENDED.label_of(&false), "Không");
        assert_eq!(
            STATUSES.as_typed("Đã chuyển").map(|t| t.value),
            Some(RecStatus::Forwarded)
        );
        assert!(RATINGS.as_typed("tốt").is_none(), "exact forms only");
    }
}
