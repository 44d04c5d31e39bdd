#!/usr/bin/env python3
# The measurements of bench/compare.sh (issue 8, items 5 and 6); run that script, not this one.
"""Times vnetlint against checkov and the hcl-edit parse floor on a generated corpus.

    bench/compare.py --corpus DIR --vnetlint BIN [--checkov BIN] [--runs 3] [--scale]

Every figure is the median of --runs runs. A run's wall time is measured around the process
and its peak memory is the `ru_maxrss` that `os.wait4` returns for exactly that child: the
largest resident set of the process and of the descendants it waited for (what `/usr/bin/time
-v` prints as "Maximum resident set size"). For checkov, whose parallel runner forks workers,
this is the largest single process, not the sum of the workers, so it understates checkov's
total; the comparison favours checkov.

The results are printed as a table and written to target/bench/results.json.
"""
import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "target" / "bench"


def run_once(cmd, ok_codes=(0, 1), env=None):
    """(wall seconds, peak RSS in MB) of one run of `cmd`, its output discarded."""
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode not in ok_codes:
            err.seek(0)
            sys.exit(f"{' '.join(map(str, cmd))} exited with {proc.returncode}:\n"
                     + err.read().decode(errors="replace")[-3000:])
    return wall, usage.ru_maxrss / 1024


def measure(label, cmd, runs, env=None, patience=None, warmup=True):
    """Medians of `runs` runs after one untimed warm-up run (which reads the corpus into the page
    cache, as every later run finds it; checkov skips it, its runs being minutes long and the
    corpus already cached by then); with `patience` (seconds), a first run longer than that is
    the only one (the scale points of a super-linear build would otherwise take an hour)."""
    if warmup:
        run_once(cmd, env=env)
    walls, peaks = [], []
    for index in range(runs):
        wall, peak = run_once(cmd, env=env)
        walls.append(wall)
        peaks.append(peak)
        print(f"  {label}: run {index + 1}/{runs}: {wall:.3f} s, {peak:.0f} MB", flush=True)
        if patience is not None and wall > patience:
            print(f"  {label}: over {patience} s, one run only", flush=True)
            break
    return {"wall_s": statistics.median(walls), "peak_mb": statistics.median(peaks),
            "walls": walls, "peaks_mb": peaks}


def vnetlint_cmd(binary, path):
    # JSON to /dev/null: the whole analysis and report, without a terminal's cost.
    return [binary, "check", str(path), "--format", "json", "--quiet", "--output", os.devnull]


def checkov_cmd(binary, path, framework):
    # --skip-download: no guideline download, so the run is offline like vnetlint's.
    return [binary, "-d", str(path), "--framework", framework, "--quiet", "--compact",
            "--skip-download", "-o", "cli"]


def parse_floor(directory, runs):
    """The parse_floor bench's machine-readable line as a dict (in-process medians)."""
    out = subprocess.run(
        ["cargo", "bench", "--quiet", "--locked", "-p", "vnetlint-terraform", "--bench",
         "parse_floor", "--", str(directory.resolve()), str(max(runs, 5))],
        cwd=ROOT, check=True, capture_output=True, text=True).stdout
    line = [l for l in out.splitlines() if l.startswith("parse_floor ")][-1]
    fields = dict(item.split("=", 1) for item in line.split()[1:])
    return {k: float(v) if "." in v else int(v) for k, v in fields.items()}


DURATION = re.compile(r"([0-9.]+)(ns|µs|us|ms|s)\b")
UNITS = {"ns": 1e-9, "µs": 1e-6, "us": 1e-6, "ms": 1e-3, "s": 1.0}


def seconds(text):
    match = DURATION.search(text)
    return float(match.group(1)) * UNITS[match.group(2)] if match else None


def engine_scale(rules, dense=False, copies=False):
    """compile_nsg and covered_rules_all medians of the ruleset bench for `rules` rules; with
    `dense`, the stress input (every rule on the address pools of 1,000 rules); with `copies`,
    segments of 1,000 rules drawn from one seed (the growth is then the analysis's own)."""
    env = dict(os.environ, VNETLINT_BENCH_RULES=str(rules), VNETLINT_BENCH_DENSE="1" if dense else "0",
               VNETLINT_BENCH_COPIES="1" if copies else "0")
    out = subprocess.run(
        ["cargo", "bench", "--quiet", "--locked", "-p", "vnetlint-engine", "--bench", "ruleset"],
        cwd=ROOT, env=env, check=True, capture_output=True, text=True).stdout
    result = {"rules": rules, "dense": dense, "copies": copies}
    for line in out.splitlines():
        if line.startswith("compile_nsg:"):
            result["compile_s"] = seconds(line.split(":", 1)[1])
        elif line.startswith("covered_rules_all"):
            result["covered_s"] = seconds(line.split(":", 1)[1])
            result["covered"] = line.rsplit(":", 1)[1].strip()
        elif line.startswith("brute-force twin"):
            result["twin_s"] = seconds(line.split(":", 1)[1])
        elif line.startswith("input:"):
            result["input"] = line[len("input: "):]
    return result


def engine_points():
    """Every per-NSG point: the default generator at 100, 1,000 and 4,000 rules (segments above
    1,000), the dense 4,000-rule stress input, and the copies input at 1,000 and 4,000 rules."""
    points = [engine_scale(rules) for rules in (100, 1000, 4000)]
    points.append(engine_scale(4000, dense=True))
    points += [engine_scale(rules, copies=True) for rules in (1000, 4000)]
    return points


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus", type=Path)
    parser.add_argument("--vnetlint")
    parser.add_argument("--checkov")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--scale", action="store_true",
                        help="also time 250/500/1,000/2,000 modules and 100/1,000/4,000 rules")
    parser.add_argument("--engine-only", action="store_true",
                        help="only the per-NSG points of --scale (no corpus, vnetlint or checkov)")
    parser.add_argument("--scale-runs", type=int, default=None,
                        help="runs per scale point (default --runs)")
    args = parser.parse_args()
    if args.engine_only:
        # `python3 bench/compare.py --engine-only`: the per-NSG points alone, in one run.
        results = {"engine": engine_points()}
        OUT.mkdir(parents=True, exist_ok=True)
        (OUT / "results-engine.json").write_text(json.dumps(results, indent=2) + "\n")
        report_engine(results)
        return
    if args.corpus is None or args.vnetlint is None:
        parser.error("--corpus and --vnetlint are required (except with --engine-only)")
    terraform = args.corpus / "terraform"
    arm = args.corpus / "arm"
    results = {"corpus": str(args.corpus), "runs": args.runs}

    print("== parse floor (hcl-edit only, in process)", flush=True)
    results["floor"] = parse_floor(terraform, args.runs)
    print(f"  {results['floor']}")

    print("== vnetlint", flush=True)
    results["vnetlint_tf"] = measure("vnetlint terraform", vnetlint_cmd(args.vnetlint, terraform), args.runs)
    results["vnetlint_arm"] = measure("vnetlint arm", vnetlint_cmd(args.vnetlint, arm), args.runs)
    if args.checkov:
        print("== checkov", flush=True)
        env = dict(os.environ, LOG_LEVEL="ERROR")
        results["checkov_tf"] = measure("checkov terraform", checkov_cmd(args.checkov, terraform, "terraform"), args.runs, env, warmup=False)
        results["checkov_arm"] = measure("checkov arm", checkov_cmd(args.checkov, arm, "arm"), args.runs, env, warmup=False)

    if args.scale:
        runs = args.scale_runs or args.runs
        results["scale"] = []
        print("== scale: vnetlint check on growing prefixes of the corpus", flush=True)
        for modules in (250, 500, 1000, 2000):
            # Every size is generated and measured here, the corpus's own size included, so that
            # the points of one table share the machine's state.
            directory = OUT / f"scale-{modules}"
            subprocess.run([sys.executable, str(ROOT / "bench" / "gen_corpus.py"), str(directory),
                            "--modules", str(modules), "--arm", "0"], check=True,
                           stdout=subprocess.DEVNULL)
            point = measure(f"vnetlint {modules} modules",
                            vnetlint_cmd(args.vnetlint, directory / "terraform"), runs,
                            patience=60)
            point["modules"] = modules
            point["runs"] = len(point["walls"])
            results["scale"].append(point)
        print("== scale: per-NSG analysis (ruleset bench)", flush=True)
        results["engine"] = engine_points()

    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    report(results)


def report(r):
    floor = r["floor"]
    tf, arm = r["vnetlint_tf"], r["vnetlint_arm"]
    print()
    print(f"Terraform corpus: {floor['files']} .tf files, {floor['bytes'] / 1e6:.1f} MB; "
          f"median of {r['runs']} runs")
    print(f"{'':34}{'wall':>10}{'peak RSS':>12}")
    print(f"{'vnetlint check (Terraform)':34}{tf['wall_s']:>9.2f}s{tf['peak_mb']:>9.0f} MB")
    if "checkov_tf" in r:
        ck = r["checkov_tf"]
        print(f"{'checkov (Terraform)':34}{ck['wall_s']:>9.2f}s{ck['peak_mb']:>9.0f} MB")
    print(f"{'hcl-edit parse floor, ' + str(floor['threads']) + ' threads':34}{floor['parallel_s']:>9.3f}s")
    print(f"{'hcl-edit parse floor, 1 thread':34}{floor['sequential_s']:>9.3f}s")
    print(f"{'vnetlint check (ARM)':34}{arm['wall_s']:>9.2f}s{arm['peak_mb']:>9.0f} MB")
    if "checkov_arm" in r:
        ca = r["checkov_arm"]
        print(f"{'checkov (ARM)':34}{ca['wall_s']:>9.2f}s{ca['peak_mb']:>9.0f} MB")
    print()
    targets = []
    if "checkov_tf" in r:
        speed = r["checkov_tf"]["wall_s"] / tf["wall_s"]
        memory = r["checkov_tf"]["peak_mb"] / tf["peak_mb"]
        targets.append(("vnetlint >= 150x faster than checkov (Terraform)", f"{speed:.1f}x", speed >= 150))
        print(f"checkov / vnetlint (Terraform): {speed:.1f}x the time, {memory:.1f}x the memory")
    if "checkov_arm" in r:
        print(f"checkov / vnetlint (ARM): {r['checkov_arm']['wall_s'] / arm['wall_s']:.1f}x the time, "
              f"{r['checkov_arm']['peak_mb'] / arm['peak_mb']:.1f}x the memory")
    over_floor = tf["wall_s"] / floor["parallel_s"]
    targets.append(("vnetlint within 3x the parse floor", f"{over_floor:.1f}x", over_floor <= 3))
    targets.append(("vnetlint peak memory < 150 MB", f"{tf['peak_mb']:.0f} MB", tf["peak_mb"] < 150))
    for name, value, met in targets:
        print(f"target: {name}: {value}: {'met' if met else 'NOT met'}")
    if "scale" in r:
        print()
        print("vnetlint check by corpus size (linear growth keeps time per module flat):")
        base = r["scale"][0]
        for point in r["scale"]:
            per_module = point["wall_s"] / point["modules"] * 1000
            print(f"  {point['modules']:>5} modules: {point['wall_s']:>8.2f} s ({point['runs']} runs), {point['peak_mb']:>5.0f} MB, "
                  f"{per_module:.2f} ms/module, x{point['wall_s'] / base['wall_s']:.1f} the time for "
                  f"x{point['modules'] / base['modules']:.0f} the modules")
    report_engine(r)


def report_engine(r):
    if "engine" in r:
        print("per-NSG analysis by rule count (compile_nsg, covered_rules_all, brute-force twin):")
        previous = None
        for point in r["engine"]:
            growth = ""
            # Each point against the one before it of the same input (the dense input against
            # the default 1,000-rule point, its pools being those of 1,000 rules).
            if point.get("dense"):
                base = next((p for p in r["engine"] if p["rules"] == 1000
                             and not p.get("dense") and not p.get("copies")), None)
            elif point.get("copies"):
                base = previous if previous and previous.get("copies") else None
            else:
                base = previous
            if base and point.get("covered_s") and base.get("covered_s"):
                factor = point["rules"] / base["rules"]
                growth = (f", x{point['covered_s'] / base['covered_s']:.1f} the time of {base['rules']} rules "
                          f"for x{factor:g} the rules (quadratic: x{factor ** 2:g})")
            if not point.get("dense"):
                previous = point
            label = " (dense)" if point.get("dense") else " (copies)" if point.get("copies") else ""
            print(f"  {point['rules']:>5} rules{label}: compile {point.get('compile_s', 0) * 1e3:.2f} ms, "
                  f"covered_rules_all {point.get('covered_s', 0) * 1e3:.2f} ms ({point.get('covered', '')}), "
                  f"twin {point.get('twin_s', 0) * 1e3:.1f} ms{growth}; {point.get('input', '')}")


if __name__ == "__main__":
    main()
