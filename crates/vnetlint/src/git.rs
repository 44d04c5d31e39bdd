//! Git: what SARIF's `versionControlProvenance` needs from the repository the scan runs in (the
//! commit, the branch, the remote URL), read from `.git` directly (no git binary is run and no
//! git library is linked for three small files); and, for `vnetlint diff --base-ref`, a
//! version of the scanned paths read from git's objects with the user's own `git`, into a
//! temporary directory, never checked out.

use std::path::{Path, PathBuf};

/// The repository a directory belongs to, as far as `.git` tells.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GitInfo {
    pub revision: Option<String>,
    pub branch: Option<String>,
    /// The `origin` remote, only when it is an `https://` URL (a local path or an SSH address
    /// is not an absolute URI SARIF viewers can open).
    pub remote: Option<String>,
}

/// Reads `.git` in `dir` or its ancestors; `None` outside a repository.
pub fn read(dir: &Path) -> Option<GitInfo> {
    let git_dir = dir
        .ancestors()
        .map(|d| d.join(".git"))
        .find(|d| d.is_dir())?;
    let head = std::fs::read_to_string(git_dir.join("HEAD")).ok()?;
    let head = head.trim();
    let (revision, branch) = match head.strip_prefix("ref: ") {
        Some(reference) => (
            resolve_ref(&git_dir, reference),
            reference.strip_prefix("refs/heads/").map(str::to_owned),
        ),
        None => (Some(head.to_owned()), None),
    };
    Some(GitInfo {
        revision: revision.filter(|r| r.len() == 40 && r.chars().all(|c| c.is_ascii_hexdigit())),
        branch,
        remote: origin_url(&git_dir).filter(|url| url.starts_with("https://")),
    })
}

fn resolve_ref(git_dir: &Path, reference: &str) -> Option<String> {
    let loose: PathBuf = git_dir.join(reference);
    if let Ok(text) = std::fs::read_to_string(loose) {
        return Some(text.trim().to_owned());
    }
    let packed = std::fs::read_to_string(git_dir.join("packed-refs")).ok()?;
    packed.lines().find_map(|line| {
        let (hash, name) = line.split_once(' ')?;
        (name.trim() == reference).then(|| hash.to_owned())
    })
}

fn origin_url(git_dir: &Path) -> Option<String> {
    let config = std::fs::read_to_string(git_dir.join("config")).ok()?;
    let mut in_origin = false;
    for line in config.lines().map(str::trim) {
        if line.starts_with('[') {
            in_origin = line == "[remote \"origin\"]";
        } else if in_origin && let Some(value) = line.strip_prefix("url") {
            return Some(value.trim_start().trim_start_matches('=').trim().to_owned());
        }
    }
    None
}

/// `vnetlint diff --base-ref REF PATH...`: the analyses of PATHs as they are at REF (BASE) and
/// in the working tree (HEAD). BASE is read from git's objects (`git ls-tree` and `git cat-file
/// --batch`, run in the repository) into a temporary directory, never checked out; both sides
/// show paths relative to the repository's top level, so their units match.
///
/// A path on one side only is compared with nothing on the other: one only in the working tree
/// (a pull request adding it) with an empty BASE, so everything it lets in is new; one only at
/// REF (a pull request removing it) with an empty HEAD. A path on neither side is an error.
pub fn base_and_head(
    reference: &str,
    paths: &[PathBuf],
    options: &crate::AnalyzeOptions,
) -> Result<(crate::Analysis, crate::Analysis), String> {
    let here = std::env::current_dir().map_err(|e| e.to_string())?;
    let here = std::fs::canonicalize(&here).unwrap_or(here);
    let top = PathBuf::from(run_git(&here, &["rev-parse", "--show-toplevel"], None)?.trim());
    let top = std::fs::canonicalize(&top).unwrap_or(top);
    let commit = run_git(
        &top,
        &[
            "rev-parse",
            "--verify",
            "--quiet",
            &format!("{reference}^{{commit}}"),
        ],
        None,
    )
    .map_err(|_| format!("`{reference}` is not a commit, branch or tag of this repository"))?;
    let commit = commit.trim().to_owned();
    let mut relative = Vec::new();
    for path in paths {
        // A path removed from the working tree cannot be canonicalized: it is taken as written,
        // from the (canonical) current directory.
        let absolute = std::fs::canonicalize(path)
            .unwrap_or_else(|_| crate::files::normalize(&here.join(path)));
        let rel = absolute.strip_prefix(&top).map_err(|_| {
            format!(
                "{} is not inside the repository at {}",
                path.display(),
                top.display()
            )
        })?;
        relative.push(rel.to_path_buf());
    }
    let temp = std::env::temp_dir().join(format!(
        "vnetlint-base-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos())
    ));
    let extracted = extract(&top, &commit, &relative, &temp);
    let result = extracted.and_then(|listed| {
        let mut base_paths = Vec::new();
        let mut head_paths = Vec::new();
        let mut notices = (Vec::new(), Vec::new());
        for (path, rel) in paths.iter().zip(&relative) {
            let in_base = in_tree(&listed, rel);
            let in_head = top.join(rel).symlink_metadata().is_ok();
            let shown = path.display();
            match (in_base, in_head) {
                (false, false) => {
                    return Err(format!(
                        "{shown} is neither in `{reference}` nor in the working tree"
                    ));
                }
                (false, true) => notices.0.push(format!(
                    "{shown} is not in `{reference}`: it is compared with an empty base, so everything it lets in is new"
                )),
                (true, false) => notices.1.push(format!(
                    "{shown} is not in the working tree: it is compared with an empty head, so everything it let in is closed"
                )),
                (true, true) => {}
            }
            if in_base {
                base_paths.push(temp.join(rel));
            }
            if in_head {
                head_paths.push(top.join(rel));
            }
        }
        // With no path on a side, that side is empty (no unit): `analyze_with` reads nothing.
        let mut base = crate::analyze_with(&base_paths, &temp, options);
        let mut head = crate::analyze_with(&head_paths, &top, options);
        base.notices.extend(notices.0);
        head.notices.extend(notices.1);
        Ok((base, head))
    });
    let _ = std::fs::remove_dir_all(&temp);
    result
}

/// Whether the tree at REF holds `rel` (a file, or a directory with a file under it), by the
/// paths `git ls-tree` listed; the repository's top level is there when anything is.
fn in_tree(listed: &[String], rel: &Path) -> bool {
    let rel = rel.to_string_lossy().replace('\\', "/");
    if rel.is_empty() {
        return !listed.is_empty();
    }
    listed
        .iter()
        .any(|path| path == &rel || path.strip_prefix(&rel).is_some_and(|r| r.starts_with('/')))
}

/// Writes the regular files under `paths` at `commit` into `into` (symbolic links and
/// submodules are skipped, as the walk skips them); returns every path listed under `paths`
/// (symbolic links and submodules too: they show the path is there).
fn extract(
    top: &Path,
    commit: &str,
    paths: &[PathBuf],
    into: &Path,
) -> Result<Vec<String>, String> {
    let mut args = vec![
        "--literal-pathspecs".to_owned(),
        "ls-tree".to_owned(),
        "-r".to_owned(),
        "-z".to_owned(),
        "--full-tree".to_owned(),
        commit.to_owned(),
        "--".to_owned(),
    ];
    for path in paths {
        let text = path.to_string_lossy();
        args.push(if text.is_empty() {
            ".".to_owned()
        } else {
            text.into_owned()
        });
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let listing = run_git(top, &args, None)?;
    let mut blobs: Vec<(String, String)> = Vec::new();
    let mut listed = Vec::new();
    for entry in listing.split('\0').filter(|e| !e.is_empty()) {
        let Some((meta, path)) = entry.split_once('\t') else {
            continue;
        };
        listed.push(path.to_owned());
        let mut fields = meta.split(' ');
        let (Some(mode), Some(kind), Some(sha)) = (fields.next(), fields.next(), fields.next())
        else {
            continue;
        };
        if kind == "blob" && mode != "120000" {
            blobs.push((sha.to_owned(), path.to_owned()));
        }
    }
    std::fs::create_dir_all(into).map_err(|e| e.to_string())?;
    if blobs.is_empty() {
        return Ok(listed);
    }
    let mut request = String::new();
    for (sha, _) in &blobs {
        request.push_str(sha);
        request.push('\n');
    }
    let output = run_git_bytes(top, &["cat-file", "--batch"], Some(request.as_bytes()))?;
    let mut rest = output.as_slice();
    for (_, path) in &blobs {
        let header_end = rest
            .iter()
            .position(|&b| b == b'\n')
            .ok_or("git cat-file ended early")?;
        let header = String::from_utf8_lossy(&rest[..header_end]).into_owned();
        let size: usize = header
            .rsplit(' ')
            .next()
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| format!("unexpected git cat-file header `{header}`"))?;
        let body_start = header_end + 1;
        let body = rest
            .get(body_start..body_start + size)
            .ok_or("git cat-file ended early")?;
        // Paths come from git's own tree: still, nothing may be written outside `into`.
        let target = into.join(path);
        if !crate::files::normalize(&target).starts_with(crate::files::normalize(into)) {
            return Err(format!(
                "refusing to write `{path}` outside the temporary directory"
            ));
        }
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(|e| e.to_string())?;
        }
        std::fs::write(&target, body).map_err(|e| e.to_string())?;
        rest = rest.get(body_start + size + 1..).unwrap_or(&[]);
    }
    Ok(listed)
}

fn run_git(dir: &Path, args: &[&str], input: Option<&[u8]>) -> Result<String, String> {
    run_git_bytes(dir, args, input).map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
}

fn run_git_bytes(dir: &Path, args: &[&str], input: Option<&[u8]>) -> Result<Vec<u8>, String> {
    use std::io::Write as _;
    use std::process::{Command, Stdio};
    let mut child = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .stdin(if input.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if let Some(input) = input {
        let mut stdin = child.stdin.take().ok_or("git has no standard input")?;
        let input = input.to_vec();
        // Written on a thread: git answers while it reads, and a full pipe must not block us.
        std::thread::spawn(move || {
            let _ = stdin.write_all(&input);
        });
    }
    let output = child.wait_with_output().map_err(|e| e.to_string())?;
    if output.status.success() {
        Ok(output.stdout)
    } else {
        Err(format!(
            "git {} failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&output.stderr).trim()
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_head_branch_and_https_origin() {
        let dir = std::env::temp_dir().join(format!("vnetlint-git-{}", std::process::id()));
        let git = dir.join(".git");
        std::fs::create_dir_all(git.join("refs/heads")).unwrap();
        std::fs::write(git.join("HEAD"), "ref: refs/heads/main\n").unwrap();
        let hash = "0123456789abcdef0123456789abcdef01234567";
        std::fs::write(git.join("refs/heads/main"), format!("{hash}\n")).unwrap();
        std::fs::write(
            git.join("config"),
            "[core]\n\tbare = false\n[remote \"origin\"]\n\turl = https://github.com/o/r\n",
        )
        .unwrap();
        let info = read(&dir.join("sub")).unwrap();
        assert_eq!(info.revision.as_deref(), Some(hash));
        assert_eq!(info.branch.as_deref(), Some("main"));
        assert_eq!(info.remote.as_deref(), Some("https://github.com/o/r"));
        std::fs::write(
            git.join("config"),
            "[remote \"origin\"]\n\turl = /srv/repo\n",
        )
        .unwrap();
        assert_eq!(read(&dir).unwrap().remote, None);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
