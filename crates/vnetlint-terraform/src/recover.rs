//! Recovery from a `.tf` file that hcl-edit cannot parse (an editor buffer mid-typing, a file
//! cut short): tree-sitter-hcl, which recovers from errors, locates *every* syntax error
//! exactly (hcl-edit stops at the first, sometimes a line early), and cuts the file into its
//! top-level blocks; the blocks without an error are parsed again with hcl-edit, the only
//! parser whose tree the evaluator reads.
//!
//! Values are never read from the tree-sitter tree: its expressions have the wrong precedence
//! for postfix operators and conditionals (see `shared/rust-ecosystem.md` §1).

use std::ops::{ControlFlow, Range};
use std::time::{Duration, Instant};

use hcl_edit::structure::Body;

/// At most this many syntax errors are reported for one file; past that they are noise.
const MAX_ERRORS: usize = 20;

/// tree-sitter's parse is linear in practice; this bounds a pathological input all the same.
const PARSE_BUDGET: Duration = Duration::from_secs(5);

/// What could be salvaged from a broken file. Ranges are byte offsets into the parsed text.
pub(crate) struct Recovered {
    /// Each syntax error: its range (empty for a missing token) and what is wrong.
    pub(crate) errors: Vec<(Range<usize>, String)>,
    /// The intact top-level blocks, parsed as one body whose spans are offsets into the text.
    pub(crate) body: Option<Body>,
    /// How many top-level blocks were kept and how many dropped.
    pub(crate) kept: usize,
    pub(crate) dropped: usize,
}

/// Parses `text` with tree-sitter-hcl; `None` when tree-sitter itself is unavailable or gave up.
pub(crate) fn recover(text: &str) -> Option<Recovered> {
    let mut parser = tree_sitter::Parser::new();
    parser
        .set_language(&tree_sitter_hcl::LANGUAGE.into())
        .ok()?;
    let started = Instant::now();
    let mut progress = |_: &tree_sitter::ParseState| {
        if started.elapsed() > PARSE_BUDGET {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    };
    let bytes = text.as_bytes();
    let tree = parser.parse_with_options(
        &mut |offset, _| bytes.get(offset..).unwrap_or(&[]),
        None,
        Some(tree_sitter::ParseOptions::new().progress_callback(&mut progress)),
    )?;
    let root = tree.root_node();
    let errors = syntax_errors(root, text);

    // `config_file` → `body` → top-level `block`s (and stray attributes or ERROR nodes).
    let mut intact: Vec<Range<usize>> = Vec::new();
    let mut dropped = 0;
    let mut cursor = root.walk();
    let body_node = root.children(&mut cursor).find(|n| n.kind() == "body");
    if let Some(body_node) = body_node {
        let mut cursor = body_node.walk();
        for child in body_node.children(&mut cursor) {
            match child.kind() {
                "block" if !child.has_error() => {
                    let range = child.byte_range();
                    // The grammars differ at the edges; hcl-edit has the last word.
                    let alone = text
                        .get(range.clone())
                        .is_some_and(|slice| hcl_edit::parser::parse_body(slice).is_ok());
                    if alone {
                        intact.push(range);
                    } else {
                        dropped += 1;
                    }
                }
                "block" | "attribute" | "ERROR" => dropped += 1,
                _ => {}
            }
        }
    }
    // Blank out everything but the intact blocks (newlines kept, every byte replaced by one
    // byte), so that one hcl-edit parse gives spans that are already offsets into the file.
    let kept = intact.len();
    let body = if intact.is_empty() {
        None
    } else {
        let mut padded: Vec<u8> = bytes
            .iter()
            .map(|&b| if b == b'\n' { b'\n' } else { b' ' })
            .collect();
        for range in &intact {
            padded[range.clone()].copy_from_slice(&bytes[range.clone()]);
        }
        String::from_utf8(padded)
            .ok()
            .and_then(|padded| hcl_edit::parser::parse_body(&padded).ok())
    };
    Some(Recovered {
        errors,
        kept: if body.is_some() { kept } else { 0 },
        dropped: if body.is_some() {
            dropped
        } else {
            dropped + kept
        },
        body,
    })
}

/// Every `ERROR` and `MISSING` node, outermost first, in file order. Iterative, so a deeply
/// nested input cannot overflow the stack.
fn syntax_errors(root: tree_sitter::Node<'_>, text: &str) -> Vec<(Range<usize>, String)> {
    let mut errors = Vec::new();
    if !root.has_error() {
        return errors;
    }
    let mut cursor = root.walk();
    'walk: loop {
        let node = cursor.node();
        let mut descend = node.has_error();
        if node.is_missing() {
            // tree-sitter places a missing token after the whitespace that follows the last
            // token (at the end of the file for a missing `}`); the token belongs right after
            // what was written, which is where the user types it.
            let at = text
                .get(..node.start_byte())
                .map_or(node.start_byte(), |before| before.trim_end().len());
            let what = match node.kind() {
                // An expression is missing; the grammar names its first alternative.
                "identifier" | "expression" => "a value".to_owned(),
                token => format!("`{token}`"),
            };
            match errors.last_mut() {
                // Several tokens missing at one place (`priority =` at the end of a file lacks
                // a value and two braces) are one error.
                Some((range, message)) if range.start == at && message.starts_with("missing") => {
                    if !message.ends_with(&what) {
                        message.push_str(", ");
                        message.push_str(&what);
                    }
                }
                _ => errors.push((at..at, format!("missing {what}"))),
            }
            descend = false;
        } else if node.is_error() {
            errors.push(error_range(node, text));
            descend = false;
        }
        if errors.len() >= MAX_ERRORS {
            break;
        }
        if descend && cursor.goto_first_child() {
            continue;
        }
        while !cursor.goto_next_sibling() {
            if !cursor.goto_parent() {
                break 'walk;
            }
        }
    }
    errors
}

/// An `ERROR` node as a finding range: its first line, named by its first token.
fn error_range(node: tree_sitter::Node<'_>, text: &str) -> (Range<usize>, String) {
    let range = node.byte_range();
    let slice = text.get(range.clone()).unwrap_or("");
    let first_line = slice.split('\n').next().unwrap_or("").trim_end();
    let end = range.start + first_line.len();
    let token: String = first_line
        .split_whitespace()
        .next()
        .unwrap_or("")
        .chars()
        .take(30)
        .collect();
    let message = if token.is_empty() {
        "unexpected input".to_owned()
    } else {
        format!("unexpected `{token}`")
    };
    (range.start..end.max(range.start), message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncated_file_keeps_the_intact_block_with_file_offsets() {
        let text = "resource \"a\" \"ok\" {\n  name = \"x\"\n}\n\nresource \"b\" \"broken\" {\n  priority =\n";
        let recovered = recover(text).expect("tree-sitter parses");
        assert!(!recovered.errors.is_empty());
        assert_eq!((recovered.kept, recovered.dropped), (1, 1));
        let body = recovered.body.expect("one block kept");
        let block = body.blocks().next().expect("the intact block");
        let span = hcl_edit::Span::span(block).expect("parsed nodes have spans");
        assert_eq!(&text[span], "resource \"a\" \"ok\" {\n  name = \"x\"\n}");
    }

    #[test]
    fn a_missing_brace_is_reported_where_it_is_missing() {
        let text = "resource \"a\" \"b\" {\n  name = \"x\"\n";
        let recovered = recover(text).expect("tree-sitter parses");
        let missing: Vec<_> = recovered
            .errors
            .iter()
            .filter(|(_, message)| message.starts_with("missing"))
            .collect();
        assert_eq!(missing.len(), 1, "{:?}", recovered.errors);
        assert!(recovered.body.is_none());
    }

    #[test]
    fn deep_nesting_does_not_overflow() {
        let text = format!("x = {}", "(".repeat(50_000));
        let recovered = recover(&text).expect("tree-sitter parses");
        assert!(!recovered.errors.is_empty());
    }
}
