#!/usr/bin/env python3
"""`vnetlint diff` against `vnetlint check` on the benchmark corpus (issue 17, item 6).

    bench/diff.py [--modules 1000] [--runs 7] [--binary target/release/vnetlint]

Generates the corpus with bench/gen_corpus.py, copies it, changes 1% of the modules in the
copy (a port or a source of one rule each, chosen with a fixed seed), then times alternately
`vnetlint check CORPUS` and `vnetlint diff CORPUS COPY` and prints each median and their ratio
(target: diff at most 2.5x one check, measured in the same run).
"""
import argparse
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--modules", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--binary", default=os.path.join(ROOT, "target/release/vnetlint"))
    options = parser.parse_args()
    work = tempfile.mkdtemp(prefix="vnetlint-diff-bench-")
    base = os.path.join(work, "base")
    head = os.path.join(work, "head")
    subprocess.run([sys.executable, os.path.join(ROOT, "bench/gen_corpus.py"), base,
                    "--modules", str(options.modules), "--arm", "0"], check=True,
                   stdout=subprocess.DEVNULL)
    shutil.copytree(base, head)
    modules = sorted(os.listdir(os.path.join(head, "terraform")))
    rng = random.Random(1)
    changed = rng.sample(modules, max(1, len(modules) // 100))
    for module in changed:
        directory = os.path.join(head, "terraform", module)
        for name in sorted(os.listdir(directory)):
            path = os.path.join(directory, name)
            text = open(path).read()
            edited = re.sub(r'destination_port_range(\s*)= "443"', r'destination_port_range\1= "22"', text, count=1)
            if edited == text:
                edited = re.sub(r'source_address_prefix(\s*)= "[^"]*"', r'source_address_prefix\1= "*"', text, count=1)
            if edited != text:
                open(path, "w").write(edited)
                break
    times = {"check": [], "diff": []}
    commands = {
        "check": [options.binary, "check", base, "-q", "--fail-on", "never"],
        "diff": [options.binary, "diff", base, head, "--fail-on", "never", "--format", "json"],
    }
    for command in commands.values():  # one untimed warm-up each
        subprocess.run(command, stdout=subprocess.DEVNULL, check=False)
    for _ in range(options.runs):
        for name, command in commands.items():
            start = time.perf_counter()
            subprocess.run(command, stdout=subprocess.DEVNULL, check=False)
            times[name].append(time.perf_counter() - start)
    check = statistics.median(times["check"])
    diff = statistics.median(times["diff"])
    print(f"{options.modules} modules, {len(changed)} changed; {options.runs} alternating runs")
    print(f"check median {check:.3f} s")
    print(f"diff  median {diff:.3f} s ({diff / check:.2f}x check; target at most 2.5x)")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
