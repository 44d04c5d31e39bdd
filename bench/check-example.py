#!/usr/bin/env python3
"""Times `vnetlint check` on the bundled example against a baseline measured in the same run.

The baseline is `vnetlint --version` (process start-up, argument parsing, no analysis), so the
ratio says how much the analysis itself adds on top of starting the binary. Both are run
alternately, N times each, from a release build; medians are reported.

Usage: bench/check-example.py [N]   (default N=30)
"""
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
N = int(sys.argv[1]) if len(sys.argv) > 1 else 30

subprocess.run(["cargo", "build", "--release", "--quiet", "-p", "vnetlint"], cwd=ROOT, check=True)
binary = ROOT / "target" / "release" / "vnetlint"
example = "testdata/examples/ase-sql"

def timed(args):
    start = time.perf_counter()
    subprocess.run([str(binary), *args], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start

baseline, check, sarif = [], [], []
for _ in range(N):
    baseline.append(timed(["--version"]))
    check.append(timed(["check", example]))
    sarif.append(timed(["check", example, "--format", "sarif"]))

b = statistics.median(baseline)
for name, samples in [("vnetlint --version (baseline)", baseline), ("vnetlint check (text)", check), ("vnetlint check --format sarif", sarif)]:
    m = statistics.median(samples)
    print(f"{name:34} median {m * 1000:7.2f} ms  ratio {m / b:5.2f}x baseline")
