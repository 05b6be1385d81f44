//! Indented OpenDocument: `.ods` files whose `content.xml` is pretty-printed, as Gnumeric
//! writes them. calamine 0.38 reads a table row as nothing but cells and refuses the
//! whitespace text between them (`Mismatch { expected: "table-cell" }`), so such a file
//! does not open at all. [`Layout`] tells indentation from cell text while `content.xml`
//! is streamed for its limit check (no extra pass for LibreOffice's unindented files),
//! and [`compact`] makes an in-memory copy of an indented file without it, for calamine.

use std::io::{Cursor, Read, Write};

use quick_xml::events::{BytesText, Event};

use crate::ingest::workbook::limits;

/// Follows a stream of `content.xml` events to tell indentation (whitespace-only text
/// inside the document element, outside any paragraph) from text. Inside a paragraph
/// (`text:p`, `text:h`) whitespace is a cell's text and always kept. The line end after
/// the XML declaration, which LibreOffice writes too, is not indentation: calamine never
/// sees it as a cell's neighbour.
#[derive(Default)]
pub(crate) struct Layout {
    /// Elements open around the current event.
    depth: u32,
    /// Paragraphs open around the current event.
    paragraphs: u32,
}

impl Layout {
    /// Takes the next `event`; true when it is whitespace-only text inside the document
    /// element and outside a paragraph.
    pub(crate) fn is_blank_outside_text(&mut self, event: &Event) -> bool {
        match event {
            Event::Start(e) => {
                self.depth += 1;
                if is_paragraph(e.name().as_ref()) {
                    self.paragraphs += 1;
                }
            }
            Event::End(e) => {
                self.depth = self.depth.saturating_sub(1);
                if is_paragraph(e.name().as_ref()) {
                    self.paragraphs = self.paragraphs.saturating_sub(1);
                }
            }
            Event::Text(t) => return self.depth > 0 && self.paragraphs == 0 && is_blank(t),
            _ => {}
        }
        false
    }
}

fn is_paragraph(name: &str) -> bool {
    name == "text:p" || name == "text:h"
}

/// Whether `t` is only XML whitespace (space, tab, line ends).
fn is_blank(t: &BytesText) -> bool {
    t.bytes().all(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
}

/// A copy of the `.ods` in `bytes` whose `content.xml` has no indentation (see
/// [`compact_xml`]); every other entry is copied as it is, still compressed. None when
/// the file cannot be rewritten: it is then opened as it is, and calamine's refusal
/// says it is damaged. The zip's sizes were checked against [`limits`] before; the
/// inflated `content.xml` is capped again here, since a zip may lie about its sizes.
pub(crate) fn compact(bytes: &[u8]) -> Option<Vec<u8>> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).ok()?;
    let mut content = Vec::new();
    archive
        .by_name("content.xml")
        .ok()?
        .take(limits::UNZIPPED_BYTES + 1)
        .read_to_end(&mut content)
        .ok()?;
    if content.len() as u64 > limits::UNZIPPED_BYTES {
        return None;
    }
    let content = compact_xml(&content)?;
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::with_capacity(bytes.len() + content.len())));
    // Stored: calamine inflates nothing, and the copy lives only in memory.
    let stored = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Stored)
        .large_file(content.len() as u64 >= u64::from(u32::MAX));
    for i in 0..archive.len() {
        let entry = archive.by_index_raw(i).ok()?;
        if entry.name().is_ok_and(|n| n == "content.xml") {
            drop(entry);
            out.start_file("content.xml", stored).ok()?;
            out.write_all(&content).ok()?;
        } else {
            out.raw_copy_file(entry).ok()?;
        }
    }
    Some(out.finish().ok()?.into_inner())
}

/// `xml` without its indentation: whitespace-only text outside a paragraph, between two
/// pieces of markup (tags, comments, the declaration). Whitespace next to text or an
/// entity (`A &amp; B`) is text and is kept, as is everything inside a paragraph. None
/// when `xml` is not well-formed enough to be read.
fn compact_xml(xml: &[u8]) -> Option<Vec<u8>> {
    let mut reader = quick_xml::Reader::from_reader(xml);
    let mut writer = quick_xml::Writer::new(Vec::with_capacity(xml.len()));
    let mut layout = Layout::default();
    // Whitespace after markup, held until the next event shows whether text follows.
    let mut held: Option<BytesText> = None;
    let mut after_markup = true;
    loop {
        let event = reader.read_event().ok()?;
        if matches!(event, Event::Eof) {
            break;
        }
        let blank = layout.is_blank_outside_text(&event);
        if blank && after_markup {
            if let Event::Text(t) = event {
                held = Some(t);
            }
            continue;
        }
        let is_text = matches!(
            event,
            Event::Text(_) | Event::GeneralRef(_) | Event::CData(_)
        );
        if let Some(t) = held.take()
            && is_text
        {
            writer.write_event(Event::Text(t)).ok()?;
        }
        after_markup = !is_text;
        writer.write_event(event).ok()?;
    }
    Some(writer.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn compacted(xml: &str) -> String {
        String::from_utf8(compact_xml(xml.as_bytes()).unwrap()).unwrap()
    }

    #[test]
    fn indentation_goes_and_cell_text_stays() {
        let xml = "<?xml version=\"1.0\"?>\n<office:document-content>\n  <table:table table:name=\"A\">\n    <table:table-row>\n      <table:table-cell office:value-type=\"string\"><text:p>  Lò   Văn <text:span>A</text:span> <text:s text:c=\"2\"/>\tB </text:p></table:table-cell>\n      <table:table-cell office:value-type=\"string\">\n        <text:p> </text:p>\n        <text:p/>\n      </table:table-cell>\n      <table:table-cell/>\n    </table:table-row>\n  </table:table>\n  <office:annotation><dc:creator> &amp; &lt;x&gt;</dc:creator></office:annotation>\n</office:document-content>\n";
        assert_eq!(
            compacted(xml),
            "<?xml version=\"1.0\"?>\n<office:document-content><table:table table:name=\"A\"><table:table-row><table:table-cell office:value-type=\"string\"><text:p>  Lò   Văn <text:span>A</text:span> <text:s text:c=\"2\"/>\tB </text:p></table:table-cell><table:table-cell office:value-type=\"string\"><text:p> </text:p><text:p/></table:table-cell><table:table-cell/></table:table-row></table:table><office:annotation><dc:creator> &amp; &lt;x&gt;</dc:creator></office:annotation></office:document-content>\n"
        );
        // Unindented XML, as LibreOffice writes it, comes back unchanged.
        let plain = compacted(xml);
        assert_eq!(compacted(&plain), plain);
        assert_eq!(compact_xml(b"<a><b></a"), None);
    }

    #[test]
    fn layout_tells_indentation_from_paragraph_text() {
        let mut reader = quick_xml::Reader::from_str(
            "<t:row>\n <t:cell><text:p> <text:span> </text:span> </text:p></t:cell>\n</t:row>",
        );
        let mut layout = Layout::default();
        let mut blanks = Vec::new();
        loop {
            let event = reader.read_event().unwrap();
            if matches!(event, Event::Eof) {
                break;
            }
            if layout.is_blank_outside_text(&event) {
                blanks.push(reader.buffer_position());
            }
        }
        // The two line ends around the cell; none of the three spaces in the paragraph.
        assert_eq!(blanks.len(), 2);
    }
}
