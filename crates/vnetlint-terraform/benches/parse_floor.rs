//! The hcl-edit parse-only floor of bench/compare.sh (issue 8, item 5): the time to parse every
//! `.tf` file under a directory with `hcl_edit::parser::parse_body` and nothing else, the least
//! any HCL-based analyzer of those files can spend. Run with
//! `cargo bench -p vnetlint-terraform --bench parse_floor -- DIR [RUNS]`.
//!
//! The files are read into memory first (reading is not parsing), then parsed on as many
//! threads as `available_parallelism` reports (files dealt round-robin) and on one thread; each
//! is the median of RUNS (default 5) passes. The last line is machine-readable for the script:
//! `parse_floor files=N bytes=B threads=T parallel_s=X sequential_s=Y failed=F`.

#![allow(
    clippy::print_stdout,
    reason = "a benchmark main reports on stdout, like the binary"
)]

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

fn main() {
    // `cargo bench` passes `--bench` to a harness-less target; the other arguments are ours.
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let root = PathBuf::from(args.first().map_or(".", String::as_str));
    let runs: usize = args.get(1).and_then(|r| r.parse().ok()).unwrap_or(5).max(1);

    let mut paths = Vec::new();
    collect_tf(&root, &mut paths);
    paths.sort();
    let texts: Vec<String> = paths
        .iter()
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .collect();
    let bytes: usize = texts.iter().map(String::len).sum();
    let threads = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);

    let failed = parse_all(&texts, 1);
    let sequential = median(runs, || parse_all(&texts, 1));
    let parallel = median(runs, || parse_all(&texts, threads));
    println!(
        "{} .tf files, {:.1} MB under {}: parse {parallel:.2?} on {threads} threads, {sequential:.2?} on one (median of {runs})",
        texts.len(),
        f64::from(u32::try_from(bytes / 1_000).unwrap_or(u32::MAX)) / 1e3,
        root.display()
    );
    println!(
        "parse_floor files={} bytes={bytes} threads={threads} parallel_s={:.6} sequential_s={:.6} failed={failed}",
        texts.len(),
        parallel.as_secs_f64(),
        sequential.as_secs_f64()
    );
}

/// Every `.tf` file under `dir` (symbolic links are not followed, as vnetlint does not).
fn collect_tf(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.filter_map(Result::ok) {
        let path = entry.path();
        match entry.file_type() {
            Ok(kind) if kind.is_dir() => collect_tf(&path, out),
            Ok(kind) if kind.is_file() && path.extension().is_some_and(|e| e == "tf") => {
                out.push(path);
            }
            _ => {}
        }
    }
}

/// Parses every text on `threads` threads; returns how many did not parse.
fn parse_all(texts: &[String], threads: usize) -> usize {
    std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|worker| {
                scope.spawn(move || {
                    texts
                        .iter()
                        .skip(worker)
                        .step_by(threads)
                        .filter(|text| {
                            std::hint::black_box(hcl_edit::parser::parse_body(text)).is_err()
                        })
                        .count()
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|w| w.join().expect("parser thread"))
            .sum()
    })
}

fn median(runs: usize, mut f: impl FnMut() -> usize) -> Duration {
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            std::hint::black_box(f());
            start.elapsed()
        })
        .collect();
    times.sort();
    times[runs / 2]
}
