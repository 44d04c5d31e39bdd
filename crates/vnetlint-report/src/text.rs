//! The human format: one codespan-reporting diagnostic per finding, then a summary line.
//!
//! codespan reads files through its `Files` trait; implementing it over `SourceMap` (instead of
//! copying every file into a `SimpleFiles`) keeps `FileId`s as they are and reuses `LineIndex`,
//! so the line numbers printed here are the ones JSON and SARIF print.
//!
//! Nothing a template or a file name holds reaches the terminal raw: file names, messages,
//! labels and notes have their control and bidirectional characters escaped, and the source
//! lines under a diagnostic have them replaced by stand-ins of the same byte length (so the
//! spans still point where they did), with or without colour.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::ops::Range;
use std::sync::OnceLock;

use codespan_reporting::diagnostic::{Diagnostic, Label, Severity};
use codespan_reporting::files::{Error, Files};
use codespan_reporting::term::{self, Config, termcolor::Ansi};
use rayon::prelude::*;
use vnetlint_diagnostics::{Finding, Level};
use vnetlint_source::display::{escape_for_terminal, sanitize_for_display};
use vnetlint_source::{FileId, SourceMap};

use crate::position::clamp_range;
use crate::{LevelCounts, ReportContext, TextOptions};

pub(crate) fn render(findings: &[Finding], ctx: &ReportContext, options: &TextOptions) -> String {
    let color = options.color;
    let files = SourceFiles {
        sources: ctx.sources,
        shown: ctx.sources.iter().map(|_| OnceLock::new()).collect(),
    };
    let config = Config::default();
    let mut out = String::new();
    // Suppressed findings are not shown in the terminal; the summary counts them.
    let (suppressed, shown): (Vec<&Finding>, Vec<&Finding>) =
        findings.iter().partition(|f| f.suppression.is_some());
    let notes = shown.iter().filter(|f| f.level == Level::Note).count();
    let fold_notes = options.fold_notes_over.is_some_and(|most| notes > most);
    // Each finding renders on its own (a large scan has thousands); the order is kept.
    let rendered: Vec<String> = shown
        .par_iter()
        .filter(|finding| !(fold_notes && finding.level == Level::Note))
        .map(|finding| {
            let diagnostic = diagnostic(finding, ctx.sources);
            let rendered = if color {
                let mut writer = Ansi::new(Vec::new());
                term::emit_to_write_style(&mut writer, &config, &files, &diagnostic)
                    .map(|()| String::from_utf8_lossy(&writer.into_inner()).into_owned())
            } else {
                term::emit_into_string(&config, &files, &diagnostic)
            };
            // Unreachable with clamped ranges and labels filtered to known files, but a
            // finding must never vanish from the report: fall back to a one-line form.
            rendered.unwrap_or_else(|_| {
                format!(
                    "{}[{}]: {}\n\n",
                    finding.level,
                    finding.code,
                    escape_for_terminal(&finding.message)
                )
            })
        })
        .collect();
    for text in rendered {
        out.push_str(&text);
    }
    let shown: Vec<Finding> = shown.into_iter().cloned().collect();
    out.push_str(&summary(&shown, ctx.files_scanned));
    if fold_notes {
        let _ = write!(
            out,
            "; the {notes} notes are not shown (--verbose or --format json lists them)"
        );
    }
    if !suppressed.is_empty() {
        let _ = write!(
            out,
            "; {} suppressed by `vnetlint:ignore` comments",
            suppressed.len()
        );
    }
    out.push('\n');
    out
}

fn diagnostic(finding: &Finding, sources: &SourceMap) -> Diagnostic<FileId> {
    let severity = match finding.level {
        Level::Error => Severity::Error,
        Level::Warning => Severity::Warning,
        Level::Note => Severity::Note,
    };
    let label = |label: &vnetlint_diagnostics::Label, primary: bool| {
        // A label into a file the map does not hold cannot be drawn; codespan would fail the
        // whole diagnostic, so the label is dropped and the message still prints.
        let file = sources.try_get(label.span.file)?;
        let range = clamp_range(file, label.span.range);
        let drawn = if primary {
            Label::primary(label.span.file, range)
        } else {
            Label::secondary(label.span.file, range)
        };
        Some(drawn.with_message(escape_for_terminal(&label.message)))
    };
    let labels = std::iter::once(label(&finding.primary, true))
        .chain(finding.secondary.iter().map(|l| label(l, false)))
        .flatten()
        .collect();
    Diagnostic::new(severity)
        .with_code(finding.code)
        .with_message(escape_for_terminal(&finding.message))
        .with_labels(labels)
        .with_notes(
            finding
                .notes
                .iter()
                .map(|note| escape_for_terminal(note).into_owned())
                .collect(),
        )
}

/// "3 findings (2 errors, 1 warning) in 4 files", or "no findings in 4 files".
fn summary(findings: &[Finding], files_scanned: usize) -> String {
    let files = plural(files_scanned, "file");
    if findings.is_empty() {
        return format!("no findings in {files}");
    }
    let counts = LevelCounts::of(findings);
    let parts: Vec<String> = [
        (counts.errors, "error"),
        (counts.warnings, "warning"),
        (counts.notes, "note"),
    ]
    .into_iter()
    .filter(|&(count, _)| count > 0)
    .map(|(count, noun)| plural(count, noun))
    .collect();
    format!(
        "{} ({}) in {files}",
        plural(findings.len(), "finding"),
        parts.join(", ")
    )
}

fn plural(count: usize, noun: &str) -> String {
    if count == 1 {
        format!("1 {noun}")
    } else {
        format!("{count} {noun}s")
    }
}

/// `SourceMap` seen through codespan's `Files` trait, with names escaped and source text made
/// safe to print (computed once per file, and only for files a diagnostic shows).
struct SourceFiles<'a> {
    sources: &'a SourceMap,
    shown: Vec<OnceLock<Cow<'a, str>>>,
}

impl<'a> Files<'a> for SourceFiles<'a> {
    type FileId = FileId;
    type Name = Cow<'a, str>;
    type Source = &'a str;

    fn name(&'a self, id: FileId) -> Result<Cow<'a, str>, Error> {
        Ok(self
            .sources
            .try_get(id)
            .ok_or(Error::FileMissing)?
            .display_name())
    }

    fn source(&'a self, id: FileId) -> Result<&'a str, Error> {
        let file = self.sources.try_get(id).ok_or(Error::FileMissing)?;
        let shown = self
            .shown
            .get(id.0 as usize)
            .ok_or(Error::FileMissing)?
            .get_or_init(|| sanitize_for_display(&file.text));
        Ok(shown.as_ref())
    }

    fn line_index(&'a self, id: FileId, byte_index: usize) -> Result<usize, Error> {
        let file = self.sources.try_get(id).ok_or(Error::FileMissing)?;
        let offset = u32::try_from(byte_index).unwrap_or(u32::MAX);
        Ok(file.line_index().line_col(offset).line as usize - 1)
    }

    fn line_range(&'a self, id: FileId, line_index: usize) -> Result<Range<usize>, Error> {
        let file = self.sources.try_get(id).ok_or(Error::FileMissing)?;
        let index = file.line_index();
        let count = index.line_count();
        // Mirrors codespan's `SimpleFile`: the line after the last one starts at the end of the
        // text, and asking beyond that is an error.
        let line_start = |line: usize| -> Result<usize, Error> {
            match line.cmp(&count) {
                std::cmp::Ordering::Less => Ok(index
                    .line_start(u32::try_from(line + 1).unwrap_or(u32::MAX))
                    .map_or(file.text.len(), |s| s as usize)),
                std::cmp::Ordering::Equal => Ok(file.text.len()),
                std::cmp::Ordering::Greater => Err(Error::LineTooLarge {
                    given: line,
                    max: count - 1,
                }),
            }
        };
        Ok(line_start(line_index)?..line_start(line_index + 1)?)
    }
}

#[cfg(test)]
mod tests {
    use super::summary;

    #[test]
    fn summary_counts_and_pluralizes() {
        assert_eq!(summary(&[], 1), "no findings in 1 file");
        assert_eq!(summary(&[], 0), "no findings in 0 files");
    }
}
