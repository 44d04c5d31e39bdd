//! `file://` URIs and file system paths. `lsp-types` 0.97 gives URIs as `fluent-uri` values and
//! leaves the file mapping to the server: percent-encoding, `localhost` authorities and Windows
//! drive letters (`file:///c%3A/x` is `C:\x`) are handled here.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use lsp_types::Uri;

/// The path of a `file://` URI; `None` for other schemes, remote authorities and relative or
/// malformed paths.
pub fn to_path(uri: &Uri) -> Option<PathBuf> {
    path_of(uri.as_str())
}

/// The `file://` URI of an absolute path; `None` for a relative path.
pub fn from_path(path: &Path) -> Option<Uri> {
    let text = uri_text(path)?;
    text.parse().ok()
}

fn path_of(text: &str) -> Option<PathBuf> {
    let scheme_end = text.find(':')?;
    if !text[..scheme_end].eq_ignore_ascii_case("file") {
        return None;
    }
    let rest = text[scheme_end + 1..].strip_prefix("//")?;
    let rest = rest.split(['?', '#']).next().unwrap_or("");
    let (authority, path) = rest.split_at(rest.find('/')?);
    if !authority.is_empty() && !authority.eq_ignore_ascii_case("localhost") {
        return None;
    }
    let bytes = percent_decode(path)?;
    bytes_to_path(bytes)
}

// The same signature as the other platforms', where the bytes may not be a path.
#[cfg(unix)]
#[allow(clippy::unnecessary_wraps)]
fn bytes_to_path(bytes: Vec<u8>) -> Option<PathBuf> {
    use std::os::unix::ffi::OsStringExt;
    Some(PathBuf::from(std::ffi::OsString::from_vec(bytes)))
}

#[cfg(not(unix))]
fn bytes_to_path(bytes: Vec<u8>) -> Option<PathBuf> {
    let text = String::from_utf8(bytes).ok()?;
    // `/c:/x` → `c:/x`: the leading slash belongs to the URI, not to a drive-letter path.
    let has_drive = text.len() >= 3
        && text.as_bytes()[0] == b'/'
        && text.as_bytes()[1].is_ascii_alphabetic()
        && text.as_bytes()[2] == b':';
    let text = if has_drive { &text[1..] } else { &text[..] };
    Some(PathBuf::from(text.replace('/', "\\")))
}

fn uri_text(path: &Path) -> Option<String> {
    if !path.is_absolute() {
        return None;
    }
    let mut out = String::from("file://");
    #[cfg(unix)]
    let bytes = {
        use std::os::unix::ffi::OsStrExt;
        path.as_os_str().as_bytes().to_vec()
    };
    #[cfg(not(unix))]
    let bytes = {
        let text = path.to_str()?.replace('\\', "/");
        if text.starts_with('/') {
            text.into_bytes()
        } else {
            format!("/{text}").into_bytes()
        }
    };
    for byte in bytes {
        // Unreserved characters and the separator stay; everything else (spaces, `#`, `%`,
        // `:`, non-ASCII bytes) is percent-encoded, which every client decodes.
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(char::from(byte));
        } else {
            let _ = write!(out, "%{byte:02X}");
        }
    }
    Some(out)
}

fn percent_decode(text: &str) -> Option<Vec<u8>> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = text.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    Some(out)
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn paths_round_trip_through_uris() {
        let path = Path::new("/work/infra prod/ñ#1/network.tf");
        let uri = from_path(path).unwrap();
        assert_eq!(
            uri.as_str(),
            "file:///work/infra%20prod/%C3%B1%231/network.tf"
        );
        assert_eq!(to_path(&uri).unwrap(), path);
    }

    #[test]
    fn clients_spellings_are_accepted() {
        let localhost: Uri = "file://localhost/a/b.tf".parse().unwrap();
        assert_eq!(to_path(&localhost).unwrap(), Path::new("/a/b.tf"));
        let upper: Uri = "FILE:///a/%3a.tf".parse().unwrap();
        assert_eq!(to_path(&upper).unwrap(), Path::new("/a/:.tf"));
    }

    #[test]
    fn other_schemes_remote_hosts_and_relative_paths_are_refused() {
        let untitled: Uri = "untitled:Untitled-1".parse().unwrap();
        assert_eq!(to_path(&untitled), None);
        let remote: Uri = "file://server/share/a.tf".parse().unwrap();
        assert_eq!(to_path(&remote), None);
        assert!(from_path(Path::new("relative.tf")).is_none());
    }
}
