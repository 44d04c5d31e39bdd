//! One analyzed directory as the server keeps it between changes: the driver's result and the
//! root its paths are relative to, with the conversions from byte spans to LSP locations.
//! Byte offsets become UTF-16 positions here and nowhere else.

use std::path::{Path, PathBuf};

use lsp_types::{Location, Position, Range};
use vnetlint_source::{FileId, SourceFile, Span, TextRange};

use crate::Analyzed;

pub(crate) struct AnalyzedDir {
    /// The `display_root` the analysis was run with.
    pub(crate) root: PathBuf,
    pub(crate) analyzed: Analyzed,
}

impl AnalyzedDir {
    /// The absolute path of a file of the analysis.
    pub(crate) fn path_of(&self, file: FileId) -> Option<PathBuf> {
        let source = self.analyzed.sources.try_get(file)?;
        // Shown paths are relative to the root, or absolute when the file lies outside it (then
        // `join` keeps them as they are).
        Some(self.root.join(&source.path))
    }

    /// The file of the analysis at an absolute path.
    pub(crate) fn file_at(&self, path: &Path) -> Option<FileId> {
        self.analyzed
            .sources
            .iter()
            .find(|(_, source)| self.root.join(&source.path) == path)
            .map(|(id, _)| id)
    }

    pub(crate) fn source(&self, file: FileId) -> Option<&SourceFile> {
        self.analyzed.sources.try_get(file)
    }

    pub(crate) fn location(&self, span: Span) -> Option<Location> {
        let uri = crate::uri::from_path(&self.path_of(span.file)?)?;
        Some(Location::new(uri, self.range(span)?))
    }

    pub(crate) fn range(&self, span: Span) -> Option<Range> {
        Some(lsp_range(self.source(span.file)?, span.range))
    }
}

/// A byte range as an LSP range (0-based lines, UTF-16 columns).
pub(crate) fn lsp_range(source: &SourceFile, range: TextRange) -> Range {
    Range::new(
        lsp_position(source, range.start),
        lsp_position(source, range.end),
    )
}

fn lsp_position(source: &SourceFile, offset: u32) -> Position {
    let at = source.line_index().line_col(offset);
    Position::new(at.line.saturating_sub(1), at.utf16_column)
}

/// The byte offset of an LSP position; positions past a line's end clamp to it.
pub(crate) fn offset_of(source: &SourceFile, position: Position) -> u32 {
    source
        .line_index()
        .offset_of_utf16(position.line, position.character)
}
