//! Printing, as a reader prints: each workbook chibo writes (the consolidated workbook,
//! a unit template, the demo roster) converted to PDF by LibreOffice, and every word's
//! box read back with `pdftotext -bbox` (poppler-utils). No two words may be drawn over
//! each other (a wrapped line over the next row), and the text must be printed at 70% of
//! its size or more, no word below 6.5 points.
//!
//! The same by hand: `docs/outputs.md`, "Printing".

use std::path::Path;
use std::process::Command;

use crate::common::{chibo, soffice, text, tool};

/// A word's box on a page, in points from the top left.
#[derive(Debug, Clone)]
struct Word {
    x0: f64,
    y0: f64,
    x1: f64,
    y1: f64,
    text: String,
}

impl Word {
    fn height(&self) -> f64 {
        self.y1 - self.y0
    }
}

/// The value of `name="…"` in a `<word …>` tag.
fn attr(tag: &str, name: &str) -> f64 {
    let start = tag.find(&format!("{name}=\"")).expect("attribute") + name.len() + 2;
    let end = start + tag[start..].find('"').expect("closing quote");
    tag[start..end].parse().expect("a number")
}

/// The words of each page of `pdf`.
fn pages(pdf: &Path) -> Vec<Vec<Word>> {
    let out = Command::new("pdftotext")
        .arg("-bbox")
        .arg(pdf)
        .arg("-")
        .output()
        .expect("run pdftotext");
    assert!(out.status.success(), "pdftotext: {out:?}");
    let html = String::from_utf8(out.stdout).unwrap();
    html.split("<page ")
        .skip(1)
        .map(|page| {
            page.split("<word ")
                .skip(1)
                .map(|w| {
                    let (tag, rest) = w.split_once('>').unwrap();
                    Word {
                        x0: attr(tag, "xMin"),
                        y0: attr(tag, "yMin"),
                        x1: attr(tag, "xMax"),
                        y1: attr(tag, "yMax"),
                        text: rest.split('<').next().unwrap().to_owned(),
                    }
                })
                .collect()
        })
        .collect()
}

/// Whether two words are drawn over each other. A word's box runs from the font's
/// ascent to its descent, taller than the line spacing, so the boxes of two lines one
/// under the other touch by design; the middle half of their height does not, unless
/// one line is printed over the other.
fn overlap(a: &Word, b: &Word) -> bool {
    let band = |w: &Word| (w.y0 + w.height() / 4.0, w.y1 - w.height() / 4.0);
    let ((a0, a1), (b0, b1)) = (band(a), band(b));
    let dx = a.x1.min(b.x1) - a.x0.max(b.x0);
    let dy = a1.min(b1) - a0.max(b0);
    dx > 0.5 && dy > 0.0
}

/// The most common word height of a page: its body text.
fn body_height(words: &[Word]) -> f64 {
    let mut counts = std::collections::BTreeMap::<i64, usize>::new();
    for w in words {
        #[allow(clippy::cast_possible_truncation)]
        let key = (w.height() * 100.0).round() as i64;
        *counts.entry(key).or_default() += 1;
    }
    let (key, _) = counts.iter().max_by_key(|&(_, n)| *n).unwrap();
    #[allow(clippy::cast_precision_loss)]
    let height = *key as f64 / 100.0;
    height
}

/// Checks every page of `pdf`, `box_per_point` the box height of a word per point of
/// printed size, and returns each page's scale with its first words.
fn check_pdf(pdf: &Path, box_per_point: f64) -> Vec<(f64, String)> {
    let name = pdf.file_name().unwrap().to_string_lossy().into_owned();
    let pages = pages(pdf);
    assert!(!pages.is_empty(), "{name}: no page");
    let mut scales = Vec::new();
    for (p, words) in pages.iter().enumerate() {
        let page = p + 1;
        if words.is_empty() {
            continue;
        }
        let head: String = words
            .iter()
            .take(8)
            .map(|w| w.text.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        for (i, a) in words.iter().enumerate() {
            for b in &words[i + 1..] {
                assert!(
                    !overlap(a, b),
                    "{name} page {page} ({head}): «{}» and «{}» overlap: {a:?} {b:?}",
                    a.text,
                    b.text
                );
            }
        }
        let smallest = words
            .iter()
            .min_by(|a, b| a.height().total_cmp(&b.height()))
            .unwrap();
        let points = smallest.height() / box_per_point;
        assert!(
            points >= 6.5,
            "{name} page {page} ({head}): «{}» is printed at {points:.1} points",
            smallest.text
        );
        // The body text of every sheet is 12 points. (The summary's is 13, and is not
        // wrapped, which LibreOffice prints with a box a tenth higher: its scale reads
        // high, while its smallest word is checked above as any.)
        let scale = body_height(words) / box_per_point / 12.0;
        assert!(
            scale >= 0.70,
            "{name} page {page} ({head}) is printed at {:.0}%",
            scale * 100.0
        );
        scales.push((scale, head));
    }
    scales
}

#[test]
fn every_workbook_prints_legibly_on_a4() {
    if !tool("pdftotext", &["-v"]) || !tool("soffice", &["--version"]) {
        return;
    }
    let (tmp, ws) = crate::common::demo_workspace();
    let out = chibo(&["run", "--month", "2020-07", "--no-email"], &ws);
    assert!(
        out.status.code().is_some_and(|c| c <= 1),
        "{:?}",
        text(&out)
    );
    let out = chibo(&["template", "--month", "2020-08", "--unit", "YC"], &ws);
    assert_eq!(out.status.code(), Some(0), "{:?}", text(&out));
    let pdf_dir = tmp.path().join("pdf");
    std::fs::create_dir_all(&pdf_dir).unwrap();
    let template = soffice(&ws.join("out/2020-08/mau/YC.xlsx"), "pdf", &pdf_dir);
    let workbook = soffice(
        &ws.join("out/2020-07/tong-hop-2020-07.xlsx"),
        "pdf",
        &pdf_dir,
    );
    let roster = soffice(&ws.join("roster.xlsx"), "pdf", &pdf_dir);

    // The scale of a word's box: the template's last page, `Hướng dẫn`, is one column
    // narrower than the page and so printed at full size; its text is 12 points.
    let guide = pages(&template).pop().unwrap();
    // pdftotext cuts words where LibreOffice takes a letter from another font.
    let joined: String = guide.iter().map(|w| w.text.as_str()).collect();
    assert!(
        joined.contains("HƯỚNGDẪN"),
        "the template's last page is not its guide: {joined}"
    );
    let box_per_point = body_height(&guide) / 12.0;
    // Sanity: a font's box is about its size and a fifth or a third more.
    assert!(
        (1.0..1.5).contains(&box_per_point),
        "a 12-point word's box is {:.1} points high",
        box_per_point * 12.0
    );

    for pdf in [&workbook, &template, &roster] {
        let scales = check_pdf(pdf, box_per_point);
        for (scale, head) in scales {
            eprintln!(
                "{}: {:.0}% — {head}",
                pdf.file_name().unwrap().to_string_lossy(),
                scale * 100.0
            );
        }
    }
}
