//! Source files, byte ranges and line/column conversion shared by every vnetlint layer.
//!
//! Frontends record positions as byte offsets (`TextRange`) into a file named by a `FileId`;
//! only the output layers (report, lsp) turn offsets into lines and columns, through
//! `LineIndex`, so that every consumer agrees on one conversion.

pub mod display;

use std::fmt;

/// Index of a file in a [`SourceMap`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FileId(pub u32);

/// A half-open byte range `start..end` within one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct TextRange {
    pub start: u32,
    pub end: u32,
}

impl TextRange {
    /// Builds a range, swapping the ends if they come reversed so that `start <= end` always holds.
    pub fn new(start: u32, end: u32) -> Self {
        if start <= end {
            Self { start, end }
        } else {
            Self {
                start: end,
                end: start,
            }
        }
    }

    /// Converts a `usize` range as produced by parsers; offsets past `u32::MAX` are clamped
    /// (files that large are rejected before parsing).
    pub fn from_usize(range: std::ops::Range<usize>) -> Self {
        let clamp = |v: usize| u32::try_from(v).unwrap_or(u32::MAX);
        Self::new(clamp(range.start), clamp(range.end))
    }

    pub fn empty(at: u32) -> Self {
        Self { start: at, end: at }
    }

    pub fn len(self) -> u32 {
        self.end - self.start
    }

    pub fn is_empty(self) -> bool {
        self.start == self.end
    }

    pub fn contains_range(self, other: TextRange) -> bool {
        self.start <= other.start && other.end <= self.end
    }

    pub fn as_usize(self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }
}

impl fmt::Display for TextRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}..{}", self.start, self.end)
    }
}

/// A range in a specific file: what a finding or an IR attribute points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    pub file: FileId,
    pub range: TextRange,
}

impl Span {
    pub fn new(file: FileId, range: TextRange) -> Self {
        Self { file, range }
    }
}

/// One loaded file: its path relative to the scan root (always with `/` separators) and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    /// The path as text; a name that is not UTF-8 has its bad bytes replaced here, and kept
    /// exactly in `path_bytes`.
    pub path: String,
    pub text: String,
    line_index: LineIndex,
    /// The path's bytes, only when they are not UTF-8.
    path_bytes: Option<Box<[u8]>>,
}

impl SourceFile {
    pub fn new(path: impl Into<String>, text: impl Into<String>) -> Self {
        let text = text.into();
        let line_index = LineIndex::new(&text);
        Self {
            path: path.into(),
            text,
            line_index,
            path_bytes: None,
        }
    }

    /// The same file whose path, as the file system gives it, is `bytes` (not UTF-8): outputs
    /// then name it without loss.
    #[must_use]
    pub fn with_path_bytes(mut self, bytes: Vec<u8>) -> Self {
        if std::str::from_utf8(&bytes).is_err() {
            self.path_bytes = Some(bytes.into_boxed_slice());
        }
        self
    }

    /// The path's bytes exactly (UTF-8 unless the file system's name was not).
    pub fn path_bytes(&self) -> &[u8] {
        self.path_bytes.as_deref().unwrap_or(self.path.as_bytes())
    }

    /// The path for a terminal: control and bidirectional characters escaped, bytes that are
    /// not UTF-8 as `\xNN`.
    pub fn display_name(&self) -> std::borrow::Cow<'_, str> {
        match &self.path_bytes {
            Some(bytes) => std::borrow::Cow::Owned(display::escape_bytes_for_terminal(bytes)),
            None => display::escape_for_terminal(&self.path),
        }
    }

    /// The path as a relative URI reference (RFC 3986), lossless whatever its bytes.
    pub fn uri_path(&self) -> String {
        display::percent_encode_path(self.path_bytes())
    }

    pub fn line_index(&self) -> &LineIndex {
        &self.line_index
    }

    /// The text of `range`, or `""` when the range is out of bounds or splits a character.
    pub fn slice(&self, range: TextRange) -> &str {
        self.text.get(range.as_usize()).unwrap_or("")
    }
}

/// All files of one run, addressed by `FileId`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SourceMap {
    files: Vec<SourceFile>,
}

impl SourceMap {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn add(&mut self, path: impl Into<String>, text: impl Into<String>) -> FileId {
        let id = FileId(u32::try_from(self.files.len()).expect("fewer than 2^32 files"));
        self.files.push(SourceFile::new(path, text));
        id
    }

    /// Adds a file built elsewhere (its line index is computed by [`SourceFile::new`], which
    /// can then run on another thread).
    pub fn add_file(&mut self, file: SourceFile) -> FileId {
        let id = FileId(u32::try_from(self.files.len()).expect("fewer than 2^32 files"));
        self.files.push(file);
        id
    }

    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    pub fn try_get(&self, id: FileId) -> Option<&SourceFile> {
        self.files.get(id.0 as usize)
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files
            .iter()
            .enumerate()
            .map(|(i, f)| (FileId(u32::try_from(i).unwrap_or(u32::MAX)), f))
    }

    /// Finds a file by its root-relative path.
    pub fn find(&self, path: &str) -> Option<FileId> {
        self.iter().find(|(_, f)| f.path == path).map(|(id, _)| id)
    }
}

/// A position as humans and protocols count it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LineCol {
    /// 1-based line number.
    pub line: u32,
    /// 1-based column counted in Unicode scalar values (what SARIF's `unicodeCodePoints` means).
    pub column: u32,
    /// 0-based column counted in UTF-16 code units (what LSP means by default).
    pub utf16_column: u32,
}

/// Line starts of one text, for offset to line/column conversion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineIndex {
    line_starts: Vec<u32>,
    text_len: u32,
    // Kept so that columns can be counted in characters without the caller passing the text again.
    text: std::sync::Arc<str>,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut line_starts = vec![0u32];
        for (i, b) in text.bytes().enumerate() {
            if b == b'\n' {
                line_starts.push(u32::try_from(i + 1).unwrap_or(u32::MAX));
            }
        }
        Self {
            line_starts,
            text_len: u32::try_from(text.len()).unwrap_or(u32::MAX),
            text: std::sync::Arc::from(text),
        }
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// Converts a byte offset; offsets past the end clamp to the end, offsets inside a multi-byte
    /// character move back to its first byte.
    pub fn line_col(&self, offset: u32) -> LineCol {
        let mut offset = offset.min(self.text_len);
        while offset > 0 && !self.text.is_char_boundary(offset as usize) {
            offset -= 1;
        }
        let line = match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let start = self.line_starts[line] as usize;
        let before = &self.text[start..offset as usize];
        let column = u32::try_from(before.chars().count()).unwrap_or(u32::MAX) + 1;
        let utf16_column =
            u32::try_from(before.chars().map(char::len_utf16).sum::<usize>()).unwrap_or(u32::MAX);
        LineCol {
            line: u32::try_from(line).unwrap_or(u32::MAX) + 1,
            column,
            utf16_column,
        }
    }

    /// Byte offset of the start of a 1-based line, if it exists.
    pub fn line_start(&self, line: u32) -> Option<u32> {
        self.line_starts
            .get((line as usize).checked_sub(1)?)
            .copied()
    }

    /// Byte offset of a 0-based (line, UTF-16 column) position, as LSP sends it; clamps to the line end.
    pub fn offset_of_utf16(&self, line: u32, utf16_column: u32) -> u32 {
        let Some(&start) = self.line_starts.get(line as usize) else {
            return self.text_len;
        };
        let end = self
            .line_starts
            .get(line as usize + 1)
            .copied()
            .unwrap_or(self.text_len);
        let mut units = 0u32;
        for (i, ch) in self.text[start as usize..end as usize].char_indices() {
            if units >= utf16_column || ch == '\n' {
                return start + u32::try_from(i).unwrap_or(0);
            }
            units += u32::try_from(ch.len_utf16()).unwrap_or(1);
        }
        end
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters_and_utf16_units() {
        let idx = LineIndex::new("ab\nxé😀z\n");
        assert_eq!(
            idx.line_col(0),
            LineCol {
                line: 1,
                column: 1,
                utf16_column: 0
            }
        );
        // 'z' follows x (1 byte), é (2 bytes), 😀 (4 bytes) on line 2.
        let z = 3 + 1 + 2 + 4;
        assert_eq!(
            idx.line_col(z),
            LineCol {
                line: 2,
                column: 4,
                utf16_column: 4
            }
        );
        assert_eq!(idx.offset_of_utf16(1, 4), z);
    }

    #[test]
    fn offsets_inside_a_character_and_past_the_end_are_clamped() {
        let idx = LineIndex::new("é");
        assert_eq!(idx.line_col(1).column, 1);
        assert_eq!(idx.line_col(99).column, 2);
    }

    #[test]
    fn reversed_ranges_are_normalised() {
        assert_eq!(TextRange::new(5, 2), TextRange { start: 2, end: 5 });
    }
}
