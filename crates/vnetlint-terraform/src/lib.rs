//! The Terraform HCL frontend: parses the `.tf` files of one module with hcl-edit and lowers the
//! azurerm network resources into the IR.
//!
//! Architecture invariant: lowering never fails. A file that does not parse yields one VNL001
//! finding and nothing else, and the other files of the module are still lowered; a value that
//! cannot be evaluated becomes `Val::Unknown` with a reason.

mod eval;
mod lower;

use vnetlint_diagnostics::{Finding, Label, Level};
use vnetlint_source::{FileId, SourceMap, Span, TextRange};

/// The result of lowering one module: the IR and the findings met on the way (parse errors).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Lowered {
    pub network: vnetlint_ir::Network,
    pub findings: Vec<Finding>,
}

/// Lowers one Terraform module: `files` are the `.tf` files (and `.tfvars` files, which for now
/// are only syntax-checked) of one directory, already loaded into `sources`. `address_prefix` is
/// `""` for a root module (later `"module.x."`).
///
/// Files are read in the order given, which is the declaration order of the output (for example
/// the order of an NSG's rules). File ids missing from `sources` are skipped.
pub fn lower_module(sources: &SourceMap, files: &[FileId], address_prefix: &str) -> Lowered {
    let mut findings = Vec::new();
    let mut parsed = Vec::new();
    for &file in files {
        let Some(source) = sources.try_get(file) else {
            continue;
        };
        // HCL's JSON syntax needs the JSON parser; it is not this function's input yet.
        let extension = std::path::Path::new(&source.path)
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        if extension.as_deref() == Some("json") {
            continue;
        }
        match parse_file(file, &source.path, &source.text) {
            Ok((base, body)) => {
                // Variable files are only checked for syntax until tfvars evaluation lands.
                if extension.as_deref() != Some("tfvars") {
                    parsed.push((file, source.text.as_str(), base, body));
                }
            }
            Err(finding) => findings.push(*finding),
        }
    }
    let network = lower::lower(&parsed, address_prefix);
    vnetlint_diagnostics::sort_findings(&mut findings);
    Lowered { network, findings }
}

/// A UTF-8 byte order mark, which hcl-edit rejects; it is stripped and spans shifted by its length.
const BOM: &str = "\u{feff}";

/// Parses one file; on success returns the number of bytes stripped before the parsed text.
fn parse_file(
    file: FileId,
    path: &str,
    text: &str,
) -> Result<(usize, hcl_edit::structure::Body), Box<Finding>> {
    let base = if text.starts_with(BOM) { BOM.len() } else { 0 };
    let parsed_text = text.get(base..).unwrap_or("");
    hcl_edit::parser::parse_body(parsed_text)
        .map(|body| (base, body))
        .map_err(|error| {
            let location = error.location();
            let offset = offset_of_line_column(parsed_text, location.line(), location.column());
            // Point at one character, or at the end of the file when the parser ran out of input.
            let end = parsed_text
                .get(offset..)
                .and_then(|rest| rest.chars().next())
                .map_or(offset, |ch| offset + ch.len_utf8());
            let range = TextRange::from_usize(offset + base..end + base);
            let message = format!(
                "cannot parse `{path}`: {}; this file is not analyzed until it parses, the other files are; fix the syntax at this position",
                error.message()
            );
            Box::new(Finding::new(
                "VNL001",
                "parse-error",
                Level::Error,
                message,
                Label::new(Span::new(file, range), "the parser stopped here"),
            ))
        })
}

/// The byte offset of a 1-based line and a 1-based column counted in characters, as hcl-edit
/// reports them. hcl-edit reports a column one past the last character when the parser ran out
/// of input, so a column past the end of its line maps past that line (the end of the text).
fn offset_of_line_column(text: &str, line: usize, column: usize) -> usize {
    let mut line_start = 0;
    for _ in 1..line {
        match text.get(line_start..).and_then(|rest| rest.find('\n')) {
            Some(newline) => line_start += newline + 1,
            None => return text.len(),
        }
    }
    let rest = text.get(line_start..).unwrap_or("");
    let mut line_end = line_start;
    for (taken, (index, ch)) in rest.char_indices().enumerate() {
        if taken + 1 == column {
            return line_start + index;
        }
        line_end = line_start + index + ch.len_utf8();
        if ch == '\n' {
            break;
        }
    }
    line_end.min(text.len())
}
