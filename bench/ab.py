#!/usr/bin/env python3
# Alternating runs of two or more vnetlint builds on one corpus: bench/ab.py CORPUS BIN [BIN...]
"""Times `BIN check CORPUS -q` for each build in turn, N times (default 9, env N), and prints
each build's median and minimum wall time and its median relative to the first build.

Alternating the builds run by run makes them share the machine's state, which on a shared VM
drifts by a third within minutes; this is how each change in docs/performance.md ("What made it
fast") was judged against the build before it. Build the candidates first, for example
`cargo build --release -p vnetlint && cp target/release/vnetlint /tmp/vnetlint-new`.
"""
import os
import statistics
import subprocess
import sys
import time


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    corpus, builds = sys.argv[1], sys.argv[2:]
    runs = int(os.environ.get("N", "9"))
    walls = {build: [] for build in builds}
    for build in builds:  # one untimed warm-up each (page cache, first-run effects)
        subprocess.run([build, "check", corpus, "-q"], stdout=subprocess.DEVNULL, check=False)
    for _ in range(runs):
        for build in builds:
            start = time.perf_counter()
            subprocess.run([build, "check", corpus, "-q"], stdout=subprocess.DEVNULL, check=False)
            walls[build].append(time.perf_counter() - start)
    base = statistics.median(walls[builds[0]])
    for build in builds:
        median = statistics.median(walls[build])
        print(f"{build}: median {median:.3f} s, min {min(walls[build]):.3f} s "
              f"({median / base:.2f}x the first build, {runs} alternating runs)")


if __name__ == "__main__":
    main()
