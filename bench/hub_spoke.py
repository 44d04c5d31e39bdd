#!/usr/bin/env python3
# The hub-spoke routing scale point (issue 15): bench/hub_spoke.py BIN [BIN...]
"""Times `check` and one `reach` of each vnetlint build on the hub-spoke network of
bench/gen_hub_spoke.py, the builds alternating run by run as bench/ab.py does.

    bench/hub_spoke.py [--spokes 50] [--subnets 20] [--runs 9] BIN [BIN...]

The input is generated into target/bench/hub-spoke. For each build, first the verdicts of a few
`reach` questions are printed: from spoke 1 subnet 1 to spoke S subnet N, TCP 1433 (the firewall
allows it) and TCP 8080 (the NSGs admit it, the firewall denies it); TCP 8443 to a subnet
j = 2 mod 4 of spoke S (the firewall lets it through, that subnet's NSG denies it); TCP 53 to
the hub's DNS server; TCP 50443 from the Internet to the firewall's public IP (its DNAT rule).
Then each round times, for every build in turn, (a) `BIN check DIR --format json` (report to
/dev/null, as bench/compare.py) and (b) `BIN reach DIR --from <spoke 1 subnet 1 NIC> --to
<spoke S subnet N NIC> --port 1433`. Each build and command gets one untimed warm-up run. The
report gives each build's median and minimum wall time and median peak memory (ru_maxrss of the
process) per command, and its median against the first build's: same-run ratios, the only
figures this shared machine gives reliably. Raw numbers go to target/bench/results-hub-spoke.json.
Build the candidates first, e.g. `cargo build --release -p vnetlint` for the current commit and
the same in a `git worktree` of the base commit with its own target directory.
"""
import argparse
import json
import re
import statistics
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from compare import OUT, ROOT, run_once, vnetlint_cmd  # noqa: E402


def nic(spoke, subnet):
    return f"azurerm_network_interface.s{spoke:02d}_n{subnet:02d}"


def reach_cmd(binary, directory, src, dst, port):
    return [binary, "reach", str(directory), "--from", src, "--to", dst, "--port", str(port)]


def verdict(binary, directory, src, dst, port):
    """The `verdict:` line and the number of path steps of one reach answer."""
    out = subprocess.run(reach_cmd(binary, directory, src, dst, port), capture_output=True,
                         text=True)
    lines = out.stdout.splitlines()
    answer = next((l.split(":", 1)[1].strip() for l in lines if l.startswith("verdict:")),
                  f"exit {out.returncode}: {out.stderr.strip()[:200]}")
    steps = sum(1 for l in lines if re.match(r"\s+\d+\. ", l))
    return answer, steps


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("builds", nargs="+", help="vnetlint binaries; the first is the reference")
    parser.add_argument("--spokes", type=int, default=50)
    parser.add_argument("--subnets", type=int, default=20)
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    directory = OUT / "hub-spoke"
    subprocess.run([sys.executable, str(ROOT / "bench" / "gen_hub_spoke.py"), str(directory),
                    "--spokes", str(args.spokes), "--subnets", str(args.subnets)], check=True)
    src, dst = nic(1, 1), nic(args.spokes, args.subnets)

    print("== verdicts", flush=True)
    # A subnet of the last spoke whose NSG denies 8443 from VirtualNetwork (j = 2 mod 4).
    refusing = nic(args.spokes, max([j for j in range(1, args.subnets + 1) if j % 4 == 2] or [1]))
    questions = [
        (src, dst, 1433, "the firewall's rule sql allows it"),
        (src, dst, 8080, "the NSGs admit it, the firewall denies it"),
        (src, refusing, 8443, "the firewall allows it, the destination NSG denies it"),
        (nic(2, 3), "10.0.2.4", 53, "the firewall's rule dns allows it"),
        ("Internet", "azurerm_public_ip.firewall", 50443, "DNAT to spoke 1 subnet 1, port 443"),
    ]
    verdicts = {}
    for build in args.builds:
        for q_src, q_dst, port, why in questions:
            answer, steps = verdict(build, directory, q_src, q_dst, port)
            verdicts.setdefault(build, []).append([q_src, q_dst, port, answer, steps])
            print(f"  {build}: {q_src} -> {q_dst} tcp/{port} ({why}): {answer}, {steps} path steps")

    commands = {
        "check": lambda b: vnetlint_cmd(b, directory),
        "reach": lambda b: reach_cmd(b, directory, src, dst, 1433),
    }
    samples = {b: {c: {"walls": [], "peaks_mb": []} for c in commands} for b in args.builds}
    print("== warm-up", flush=True)
    for build in args.builds:
        for name, cmd in commands.items():
            wall, peak = run_once(cmd(build))
            print(f"  {build} {name}: {wall:.3f} s, {peak:.0f} MB", flush=True)
    print(f"== {args.runs} alternating rounds", flush=True)
    for index in range(args.runs):
        for build in args.builds:
            for name, cmd in commands.items():
                wall, peak = run_once(cmd(build))
                samples[build][name]["walls"].append(wall)
                samples[build][name]["peaks_mb"].append(peak)
        print(f"  round {index + 1}/{args.runs}: " + "; ".join(
            f"build {k + 1} " + ", ".join(f"{n} {samples[b][n]['walls'][-1]:.3f} s" for n in commands)
            for k, b in enumerate(args.builds)),
            flush=True)

    print()
    print(f"hub-spoke: {args.spokes} spokes x {args.subnets} subnets; {args.runs} alternating runs")
    base = args.builds[0]
    for name in commands:
        reference = statistics.median(samples[base][name]["walls"])
        for build in args.builds:
            s = samples[build][name]
            median = statistics.median(s["walls"])
            s.update(median_s=median, min_s=min(s["walls"]), peak_mb=statistics.median(s["peaks_mb"]),
                     against_first=median / reference)
            print(f"  {name:5} {build}: median {median:.3f} s, min {min(s['walls']):.3f} s, "
                  f"peak {s['peak_mb']:.0f} MB ({median / reference:.2f}x the first build)")
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "results-hub-spoke.json").write_text(json.dumps(
        {"spokes": args.spokes, "subnets": args.subnets, "runs": args.runs, "from": src, "to": dst,
         "verdicts": verdicts, "samples": samples}, indent=2) + "\n")


if __name__ == "__main__":
    main()
