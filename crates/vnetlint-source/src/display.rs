//! Text from templates and file names made safe for a terminal: control characters and the
//! Unicode bidirectional controls (the "Trojan Source" characters) are escaped or replaced, so
//! that a file name or a resource name in a pull request cannot move the cursor, recolour the
//! screen or reorder what a reviewer reads.

use std::borrow::Cow;
use std::fmt::Write as _;

/// Whether `c` must not reach a terminal as it is: C0 and C1 control characters (tab and line
/// feed included: a name holds neither), DEL, and the bidirectional formatting characters.
pub fn is_unsafe_char(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
        )
}

/// `text` with each unsafe character written as an escape (`\n`, `\t`, `\u{1b}`, `\u{202e}`).
pub fn escape_for_terminal(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe_char) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        push_escaped(&mut out, c);
    }
    Cow::Owned(out)
}

fn push_escaped(out: &mut String, c: char) {
    match c {
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        c if is_unsafe_char(c) => {
            let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
        }
        c => out.push(c),
    }
}

/// Raw path bytes (a file name that is not UTF-8) for a terminal: valid UTF-8 runs escaped as by
/// [`escape_for_terminal`], every other byte as `\xNN`, so the name is shown without loss.
pub fn escape_bytes_for_terminal(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() + 8);
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            push_escaped(&mut out, c);
        }
        for byte in chunk.invalid() {
            let _ = write!(out, "\\x{byte:02X}");
        }
    }
    out
}

/// `text` with each unsafe character except tab and line breaks replaced by a visible stand-in
/// of the same length in bytes (`?` for a one-byte control, `¿` for a two-byte one, `\u{FFFD}`
/// for a three-byte bidirectional control), so that byte offsets into the text stay valid while
/// the text is shown: source lines printed under a diagnostic cannot drive the terminal.
pub fn sanitize_for_display(text: &str) -> Cow<'_, str> {
    let unsafe_in_source = |c: char| is_unsafe_char(c) && !matches!(c, '\t' | '\n' | '\r');
    // Every unsafe character starts with a byte below 0x20, 0x7F, or one of the lead bytes
    // 0xC2 (C1 controls), 0xD8 (U+061C) and 0xE2 (the U+20xx controls): most templates are
    // ASCII and never reach the character-level test.
    let may_hold_unsafe = text.bytes().any(|b| {
        (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r')) || matches!(b, 0x7F | 0xC2 | 0xD8 | 0xE2)
    });
    if !may_hold_unsafe || !text.chars().any(unsafe_in_source) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if unsafe_in_source(c) {
            out.push(match c.len_utf8() {
                1 => '?',
                2 => '¿',
                _ => '\u{FFFD}',
            });
        } else {
            out.push(c);
        }
    }
    debug_assert_eq!(out.len(), text.len());
    Cow::Owned(out)
}

/// Percent-encodes a path (its bytes, which need not be UTF-8) into a relative URI reference
/// (RFC 3986): everything but the unreserved characters and `/` is encoded, byte by byte, so
/// spaces, `%`, non-ASCII and non-UTF-8 names all round-trip.
pub fn percent_encode_path(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    for &byte in bytes {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(char::from(byte));
        } else {
            let _ = write!(out, "%{byte:02X}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_and_bidirectional_characters_are_escaped() {
        assert_eq!(escape_for_terminal("main.tf"), "main.tf");
        assert_eq!(
            escape_for_terminal("a\nb\u{1b}[31m\u{202e}fdp.tf"),
            "a\\nb\\u{1b}[31m\\u{202e}fdp.tf"
        );
        assert_eq!(
            escape_bytes_for_terminal(b"net\xFFwork\n.tf"),
            "net\\xFFwork\\n.tf"
        );
    }

    #[test]
    fn sanitizing_keeps_every_byte_offset() {
        let text = "a\u{1b}b\u{85}c\u{202e}d\te\n";
        let clean = sanitize_for_display(text);
        assert_eq!(clean.len(), text.len());
        assert_eq!(clean, "a?b¿c\u{FFFD}d\te\n");
        assert!(matches!(sanitize_for_display("plain\n"), Cow::Borrowed(_)));
    }

    #[test]
    fn paths_are_percent_encoded_byte_by_byte() {
        assert_eq!(
            percent_encode_path(b"infra/hub spoke/a%b.tf"),
            "infra/hub%20spoke/a%25b.tf"
        );
        assert_eq!(percent_encode_path(b"x\xFF.tf"), "x%FF.tf");
    }
}
