//! Build script: puts the commit vnetlint was built from into `--version`.
//!
//! The commit is read from `.git` (a checkout or a worktree, loose or packed refs) or, in a
//! crate unpacked from crates.io, from `.cargo_vcs_info.json`; without either, `--version` is
//! the crate version alone. `VNETLINT_BUILD_COMMIT` overrides both (reproducible builds;
//! empty: no commit). Nothing here runs git, so a machine without it builds the same.

use std::path::{Path, PathBuf};

fn main() {
    println!("cargo::rerun-if-env-changed=VNETLINT_BUILD_COMMIT");
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    let commit = match std::env::var("VNETLINT_BUILD_COMMIT") {
        Ok(commit) => Some(commit).filter(|c| is_hex(c)),
        Err(_) => from_git(&manifest).or_else(|| from_vcs_info(&manifest)),
    };
    let suffix = commit.map_or_else(String::new, |c| format!(" ({})", &c[..c.len().min(12)]));
    println!("cargo::rustc-env=VNETLINT_VERSION_SUFFIX={suffix}");
}

fn is_hex(text: &str) -> bool {
    text.len() >= 7 && text.bytes().all(|b| b.is_ascii_hexdigit())
}

/// The commit of HEAD in the repository at or above `dir`, with `rerun-if-changed` on the
/// files that move when HEAD does.
fn from_git(dir: &Path) -> Option<String> {
    let dot_git = dir
        .ancestors()
        .map(|d| d.join(".git"))
        .find(|p| p.exists())?;
    // A worktree's `.git` is a file naming its git directory; refs live in the common one.
    let git_dir = if dot_git.is_file() {
        let text = std::fs::read_to_string(&dot_git).ok()?;
        let path = PathBuf::from(text.strip_prefix("gitdir:")?.trim());
        if path.is_absolute() {
            path
        } else {
            dot_git.parent()?.join(path)
        }
    } else {
        dot_git
    };
    let common = std::fs::read_to_string(git_dir.join("commondir"))
        .map_or_else(|_| git_dir.clone(), |c| git_dir.join(c.trim()));
    let head_file = git_dir.join("HEAD");
    println!("cargo::rerun-if-changed={}", head_file.display());
    let head = std::fs::read_to_string(&head_file).ok()?;
    let Some(reference) = head.trim().strip_prefix("ref:").map(str::trim) else {
        return Some(head.trim().to_owned()).filter(|c| is_hex(c));
    };
    for base in [&git_dir, &common] {
        let loose = base.join(reference);
        if loose.is_file() {
            println!("cargo::rerun-if-changed={}", loose.display());
            let commit = std::fs::read_to_string(loose).ok()?;
            return Some(commit.trim().to_owned()).filter(|c| is_hex(c));
        }
    }
    let packed = common.join("packed-refs");
    println!("cargo::rerun-if-changed={}", packed.display());
    std::fs::read_to_string(packed)
        .ok()?
        .lines()
        .filter_map(|line| line.split_once(' '))
        .find(|(_, name)| name.trim() == reference)
        .map(|(commit, _)| commit.to_owned())
        .filter(|c| is_hex(c))
}

/// `{"git": {"sha1": "…"}}`, written by `cargo package` into the packaged crate.
fn from_vcs_info(dir: &Path) -> Option<String> {
    let text = std::fs::read_to_string(dir.join(".cargo_vcs_info.json")).ok()?;
    let start = text.find("\"sha1\"")? + "\"sha1\"".len();
    let rest = text[start..]
        .trim_start()
        .strip_prefix(':')?
        .trim_start()
        .strip_prefix('"')?;
    let sha = &rest[..rest.find('"')?];
    Some(sha.to_owned()).filter(|c| is_hex(c))
}
