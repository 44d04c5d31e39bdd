//! What SARIF's `versionControlProvenance` needs from the repository the scan runs in (the
//! commit, the branch, the remote URL), read from `.git` directly: no git binary is run and
//! no git library is linked for three small files.

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
