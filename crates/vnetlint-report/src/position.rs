//! Byte ranges to the positions the outputs print, through `LineIndex` so every format agrees.
//!
//! Ranges come from frontends and may (through a bug) run past the end of a file or split a
//! character; the renderers must still produce valid output, so ranges are clamped here once.

use std::ops::Range;

use vnetlint_source::{SourceFile, TextRange};

/// A position as printed: 1-based line, 1-based column in Unicode code points, byte offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Position {
    pub(crate) line: u32,
    pub(crate) column: u32,
    pub(crate) offset: u32,
}

/// Moves `offset` into `text` and back onto a character boundary.
fn clamp_offset(text: &str, offset: u32) -> usize {
    let mut offset = (offset as usize).min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// The range clamped into the file and onto character boundaries, so slicing never panics.
pub(crate) fn clamp_range(file: &SourceFile, range: TextRange) -> Range<usize> {
    let start = clamp_offset(&file.text, range.start);
    let end = clamp_offset(&file.text, range.end).max(start);
    start..end
}

pub(crate) fn position(file: &SourceFile, offset: usize) -> Position {
    let offset = u32::try_from(offset).unwrap_or(u32::MAX);
    let line_col = file.line_index().line_col(offset);
    Position {
        line: line_col.line,
        column: line_col.column,
        offset,
    }
}

/// The start and end positions of a range (end exclusive, as SARIF's `endColumn`).
pub(crate) fn positions(file: &SourceFile, range: TextRange) -> (Position, Position) {
    let range = clamp_range(file, range);
    (position(file, range.start), position(file, range.end))
}

/// The number of the last line that holds text: a final newline does not start a line of its own
/// for display purposes.
pub(crate) fn last_line(file: &SourceFile) -> u32 {
    let count = u32::try_from(file.line_index().line_count()).unwrap_or(u32::MAX);
    if file.text.ends_with('\n') && count > 1 {
        count - 1
    } else {
        count
    }
}

/// The text of the 1-based lines `first..=last`, without the final line break.
pub(crate) fn lines_text(file: &SourceFile, first: u32, last: u32) -> &str {
    let index = file.line_index();
    let start = index
        .line_start(first)
        .map_or(file.text.len(), |s| s as usize);
    let end = index
        .line_start(last + 1)
        .map_or(file.text.len(), |next| next as usize);
    let text = &file.text[start..end.max(start)];
    let text = text.strip_suffix('\n').unwrap_or(text);
    text.strip_suffix('\r').unwrap_or(text)
}
