//! Where files come from, and what may be read: the one [`FileSource`] trait (the disk, or an
//! editor's open buffers over the disk, or buffers alone for in-memory analyses), the
//! [`Scope`] that bounds every read to the scanned directories, and reading a file into the
//! source map under the size limit.
//!
//! Every read of the driver goes through these: the walk of the command line, the module and
//! linked-template loader of every unit, plans and their configurations, and the editor's
//! overlay. The scope rule and its messages therefore live here once.

use std::collections::BTreeMap;
use std::io;
use std::path::{Component, Path, PathBuf};

use vnetlint_diagnostics::{Finding, Label, Limit, Limits};
use vnetlint_source::{FileId, SourceFile, SourceMap, Span, TextRange};

/// What kind of template a path holds, by its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum FileKind {
    Terraform,
    TerraformVars,
    /// ARM templates, parameter files and plan JSON; the content decides which.
    Json,
}

pub(crate) fn file_kind(path: &Path) -> Option<FileKind> {
    // Terraform matches its suffixes exactly (`main.TF` is not loaded), so vnetlint does too.
    match path.extension()?.to_str()? {
        "tf" => Some(FileKind::Terraform),
        "tfvars" => Some(FileKind::TerraformVars),
        "json" => Some(FileKind::Json),
        _ => None,
    }
}

/// Whether a `.json` file belongs to a Terraform module (HCL's JSON syntax) rather than being
/// an ARM template, a parameter file or a plan.
pub(crate) fn is_terraform_json(path: &Path) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    name.ends_with(".tf.json") || name.ends_with(".tfvars.json")
}

/// Whether a file is one of a module's configuration files (`.tf`, `.tf.json`), which is what
/// a called module reads (never its variable files). Case-insensitive, as the module loader
/// has always been.
pub(crate) fn is_module_config(path: &Path) -> bool {
    let name = path.to_string_lossy().to_ascii_lowercase();
    #[allow(clippy::case_sensitive_file_extension_comparisons)]
    let config = name.ends_with(".tf") || name.ends_with(".tf.json");
    config
}

/// Hidden files (`.terraform.lock.hcl`, editor swap files) are never templates: the walk of the
/// command line skips them, and so does every directory listing.
pub(crate) fn is_hidden(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_none_or(|n| n.starts_with('.'))
}

/// The outcome of reading one file under the file-size limit.
pub(crate) enum FileRead {
    /// Larger than `max_file_size` (its size): not read.
    TooLarge(u64),
    Loaded(Vec<u8>),
    Failed(io::Error),
}

/// Where the driver's files come from. Implementations must be usable from many threads: the
/// files of a run are read in parallel.
pub(crate) trait FileSource: Sync {
    /// The bytes of `path`, unless it is larger than `max_size`.
    fn read(&self, path: &Path, max_size: u64) -> FileRead;

    /// The regular files directly in `dir` (links to files included), sorted.
    fn list_dir(&self, dir: &Path) -> io::Result<Vec<PathBuf>>;

    fn is_dir(&self, path: &Path) -> bool;

    fn is_file(&self, path: &Path) -> bool;
}

/// The file system.
pub(crate) struct Disk;

impl FileSource for Disk {
    fn read(&self, path: &Path, max_size: u64) -> FileRead {
        if let Ok(meta) = std::fs::metadata(path)
            && meta.len() > max_size
        {
            return FileRead::TooLarge(meta.len());
        }
        match std::fs::read(path) {
            Ok(bytes) => FileRead::Loaded(bytes),
            Err(err) => FileRead::Failed(err),
        }
    }

    fn list_dir(&self, dir: &Path) -> io::Result<Vec<PathBuf>> {
        let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)?
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.is_file())
            .collect();
        paths.sort();
        Ok(paths)
    }

    fn is_dir(&self, path: &Path) -> bool {
        path.is_dir()
    }

    fn is_file(&self, path: &Path) -> bool {
        path.is_file()
    }
}

/// Open buffers by absolute path, over the disk (an editor) or over nothing (in-memory sources
/// for tests and doc examples). A buffer takes the place of the file at its path; a buffer
/// whose file does not exist (a new, unsaved one) takes part as if it did.
pub(crate) struct Overlay<'a> {
    pub(crate) buffers: &'a BTreeMap<PathBuf, String>,
    /// Whether paths without a buffer are read from the disk.
    pub(crate) disk: bool,
}

impl FileSource for Overlay<'_> {
    fn read(&self, path: &Path, max_size: u64) -> FileRead {
        match self.buffers.get(path) {
            Some(text) if text.len() as u64 > max_size => FileRead::TooLarge(text.len() as u64),
            Some(text) => FileRead::Loaded(text.clone().into_bytes()),
            None if self.disk => Disk.read(path, max_size),
            None => FileRead::Failed(io::Error::new(
                io::ErrorKind::NotFound,
                "no such file among the given sources",
            )),
        }
    }

    fn list_dir(&self, dir: &Path) -> io::Result<Vec<PathBuf>> {
        let mut paths: Vec<PathBuf> = self
            .buffers
            .keys()
            .filter(|p| p.parent() == Some(dir))
            .cloned()
            .collect();
        if self.disk {
            match Disk.list_dir(dir) {
                Ok(on_disk) => paths.extend(on_disk),
                // A buffer in a directory that does not exist (yet) is read from the overlay.
                Err(err) if err.kind() == io::ErrorKind::NotFound && !paths.is_empty() => {}
                Err(err) => return Err(err),
            }
        }
        paths.sort();
        paths.dedup();
        Ok(paths)
    }

    fn is_dir(&self, path: &Path) -> bool {
        (self.disk && path.is_dir())
            || self
                .buffers
                .keys()
                .any(|p| p.starts_with(path) && p != path)
    }

    fn is_file(&self, path: &Path) -> bool {
        self.buffers.contains_key(path) || (self.disk && path.is_file())
    }
}

/// The bounds of what a run may read: the canonical directories the user named (or the editor's
/// workspace folder), unless the user allowed reading outside them.
#[derive(Debug, Clone)]
pub(crate) struct Scope {
    pub(crate) roots: Vec<PathBuf>,
    pub(crate) allow_outside_root: bool,
    /// How messages name the bound.
    pub(crate) bound: Bound,
}

/// How the bound of a run is named in its messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Bound {
    /// The command line: the scanned directories, which `--allow-outside-root` lifts.
    ScannedDirectories,
    /// The editor: the workspace folder, which nothing lifts.
    WorkspaceFolder,
}

impl Scope {
    /// Whether `path` may be read: it lies inside one of the roots after resolving `..` and
    /// links, or the user allowed reading outside them. A path that does not exist on disk (an
    /// unsaved buffer) is judged by its lexically normalized form.
    pub(crate) fn may_read(&self, path: &Path) -> bool {
        if self.allow_outside_root {
            return true;
        }
        let resolved = std::fs::canonicalize(path).unwrap_or_else(|_| absolute(path));
        self.roots.iter().any(|root| resolved.starts_with(root))
    }

    /// Why a local module outside the scope is not read.
    pub(crate) fn module_outside(&self, source: &str) -> String {
        match self.bound {
            Bound::ScannedDirectories => format!(
                "`{source}` is outside the scanned directories, and vnetlint reads nothing outside them unless `--allow-outside-root` is given"
            ),
            Bound::WorkspaceFolder => format!(
                "`{source}` is outside the workspace folder, and vnetlint reads nothing outside it"
            ),
        }
    }

    /// Why a linked template outside the scope is not read.
    pub(crate) fn linked_outside(&self, relative_path: &str) -> String {
        match self.bound {
            Bound::ScannedDirectories => format!(
                "`{relative_path}` is not a file inside the scanned directories (`--allow-outside-root` allows it)"
            ),
            Bound::WorkspaceFolder => {
                format!("`{relative_path}` is not a file inside the workspace folder")
            }
        }
    }

    /// Why a file of a module (a link that leaves the scope) is skipped.
    pub(crate) fn file_outside(&self, path: &Path) -> String {
        match self.bound {
            Bound::ScannedDirectories => format!(
                "skipped {}: it links outside the scanned directories (`--allow-outside-root` reads it)",
                path.display()
            ),
            Bound::WorkspaceFolder => format!(
                "skipped {}: it links outside the workspace folder",
                path.display()
            ),
        }
    }
}

/// `path` made absolute against the current directory, with `.` and `..` resolved lexically.
pub(crate) fn absolute(path: &Path) -> PathBuf {
    let joined = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(path)
    };
    normalize(&joined)
}

/// The canonical form of a directory when it exists, else its absolute lexical form: the
/// identity of a directory for configurations and modules.
pub(crate) fn canonical_dir(dir: &Path) -> PathBuf {
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    std::fs::canonicalize(dir).unwrap_or_else(|_| absolute(dir))
}

/// A path with `.` and `..` resolved lexically, so that shown paths and module identities do
/// not depend on how a `source` was spelled (`../nsg` from `modules/platform`).
pub(crate) fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                // `..` cancels a name, never another `..`: `a/../../..` is `../..`, not `.`
                // (which would turn a source outside the root into the root itself).
                let last_is_name =
                    matches!(out.components().next_back(), Some(Component::Normal(_)));
                if !last_is_name || !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    if out.as_os_str().is_empty() {
        out.push(".");
    }
    out
}

/// The path as shown in outputs: relative to `root` when under it, always with `/`.
pub(crate) fn display_path(path: &Path, root: &Path) -> String {
    let relative = path.strip_prefix(root).unwrap_or(path);
    let relative = relative.strip_prefix(".").unwrap_or(relative);
    // The root component (`/`) becomes an empty first part, so an absolute path outside the
    // root keeps a single leading slash.
    relative
        .components()
        .map(|c| match c {
            Component::RootDir => std::borrow::Cow::Borrowed(""),
            other => other.as_os_str().to_string_lossy(),
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// A file read and decoded: its text with its line index, and where its bytes stopped being
/// UTF-8, if they did; or why it was not read. Built off the shared state, so that many files
/// can be read at once.
pub(crate) enum Decoded {
    TooLarge(u64),
    Text {
        file: SourceFile,
        bad_utf8_at: Option<usize>,
    },
    Failed(io::Error),
}

/// Reads and decodes `path` from `source` under `limits`.
pub(crate) fn read_decoded(
    source: &dyn FileSource,
    path: &Path,
    display_root: &Path,
    limits: &Limits,
) -> Decoded {
    match source.read(path, limits.max_file_size) {
        FileRead::TooLarge(len) => Decoded::TooLarge(len),
        FileRead::Loaded(bytes) => {
            let mut decoded = decode(display_path(path, display_root), bytes);
            if let (Decoded::Text { file, .. }, Some(raw)) =
                (&mut decoded, display_path_bytes(path, display_root))
            {
                *file = std::mem::replace(file, SourceFile::new("", "")).with_path_bytes(raw);
            }
            decoded
        }
        FileRead::Failed(err) => Decoded::Failed(err),
    }
}

/// The bytes of the shown path when the file system's name is not UTF-8 (outputs then name the
/// file without loss); `None` for the usual UTF-8 names.
fn display_path_bytes(path: &Path, root: &Path) -> Option<Vec<u8>> {
    if path.to_str().is_some() {
        return None;
    }
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let relative = path.strip_prefix(root).unwrap_or(path);
        let relative = relative.strip_prefix(".").unwrap_or(relative);
        let parts: Vec<&[u8]> = relative
            .components()
            .map(|c| match c {
                Component::RootDir => &b""[..],
                other => other.as_os_str().as_bytes(),
            })
            .collect();
        Some(parts.join(&b'/'))
    }
    #[cfg(not(unix))]
    {
        let _ = root;
        None
    }
}

/// Decodes bytes read elsewhere (standard input) as a file shown as `path`.
pub(crate) fn decode_bytes(path: String, bytes: Vec<u8>) -> Decoded {
    decode(path, bytes)
}

fn decode(path: String, bytes: Vec<u8>) -> Decoded {
    match String::from_utf8(bytes) {
        Ok(text) => Decoded::Text {
            file: SourceFile::new(path, text),
            bad_utf8_at: None,
        },
        Err(err) => {
            let valid_up_to = err.utf8_error().valid_up_to();
            let text = String::from_utf8_lossy(err.as_bytes()).into_owned();
            Decoded::Text {
                file: SourceFile::new(path, text),
                bad_utf8_at: Some(valid_up_to),
            }
        }
    }
}

/// Adds what [`read_decoded`] returned for `path` to the source map. A file over the size limit
/// is added empty with a VNL004 at its start, so the report names it; bytes that are not UTF-8
/// are replaced (so the rest can still be shown) and reported as VNL001 at the first bad one;
/// a file that cannot be read is an I/O error and gets no id.
pub(crate) fn register(
    sources: &mut SourceMap,
    path: &Path,
    display_root: &Path,
    decoded: Decoded,
    limits: &Limits,
    findings: &mut Vec<Finding>,
    io_errors: &mut Vec<String>,
) -> Option<FileId> {
    match decoded {
        Decoded::TooLarge(len) => {
            let id = sources.add(display_path(path, display_root), String::new());
            findings.push(limits.finding(
                Limit::FileSize,
                Span::new(id, TextRange::empty(0)),
                &format!("the file has {len} bytes"),
                "the file is not read, the other files are",
            ));
            Some(id)
        }
        Decoded::Text { file, bad_utf8_at } => {
            let shown = file.path.clone();
            let id = sources.add_file(file);
            if let Some(valid_up_to) = bad_utf8_at {
                findings.push(not_utf8(id, &shown, valid_up_to));
            }
            Some(id)
        }
        Decoded::Failed(err) => {
            io_errors.push(format!("cannot read {}: {err}", path.display()));
            None
        }
    }
}

/// VNL001 for a file whose bytes stop being UTF-8 at `valid_up_to`.
fn not_utf8(id: FileId, path: &str, valid_up_to: usize) -> Finding {
    let at = u32::try_from(valid_up_to).unwrap_or(u32::MAX);
    let check = vnetlint_checks::check_by_code("VNL001").expect("VNL001 is registered");
    Finding::new(
        check.code,
        check.name,
        check.default_level,
        format!(
            "cannot parse `{path}`: the file is not valid UTF-8 (first bad byte at offset {valid_up_to}); the file is not analyzed, the other files are; save it as UTF-8"
        ),
        Label::new(
            Span::new(id, TextRange::new(at, at.saturating_add(1))),
            "invalid UTF-8 here",
        ),
    )
}
