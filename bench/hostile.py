#!/usr/bin/env python3
"""Resource ceilings on hostile inputs: every input must end with exit 0 or 1, in under 10 s,
with a peak memory under 1 GB (and never crash under a 4 GiB address-space limit), reporting
its real finding or a located VNL004.

    bench/hostile.py [--binary target/release/vnetlint] [--only NAME]

Each input is the committed case under testdata/hostile/ or testdata/cases/ named below, or is
generated into a temporary directory (a 4,000-rule NSG, a 452 MB plan streamed to standard
input). vnetlint runs under `prlimit --as=4GiB` when prlimit exists (else the same limit through
setrlimit); its peak memory is the child's maximum resident set (getrusage). This is a
benchmark-style gate, run by .ci/run on a release build, never a timed unit test.
"""

import argparse
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WALL_LIMIT_S = 10.0
PEAK_LIMIT_MB = 1024
ADDRESS_SPACE = 4 * 1024 * 1024 * 1024

SSH_RULE = """
  security_rule {{
    name                       = "{name}"
    priority                   = {priority}
    direction                  = "Inbound"
    access                     = "{access}"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "{port}"
{sources}
{destinations}
  }}
"""


def hcl_list(items):
    return "[" + ", ".join(f'"{i}"' for i in items) + "]"


def random_prefix(rng):
    return f"{rng.randrange(1, 223)}.{rng.randrange(0, 256)}.{rng.randrange(0, 256)}.0/24"


def nsg_file(rules, per_rule, seed):
    """One NSG with `rules` inline rules, each with `per_rule` source and destination prefixes
    (random, as the engine's rule-set generator draws them), a few of them allows of SSH."""
    rng = random.Random(seed)
    out = ['resource "azurerm_network_security_group" "big" {',
           '  name                = "nsg-big"',
           '  location            = "westeurope"',
           '  resource_group_name = "rg"']
    for i in range(rules):
        sources = [random_prefix(rng) for _ in range(per_rule)]
        destinations = [f"10.{rng.randrange(0, 256)}.{rng.randrange(0, 256)}.0/24" for _ in range(per_rule)]
        if i % 97 == 0:
            sources = ["0.0.0.0/0"]
        out.append(SSH_RULE.format(
            name=f"rule-{i}",
            priority=100 + i,
            access="Allow" if rng.random() < 0.6 else "Deny",
            port=rng.choice(["22", "3389", "443", "1433", "8000-9000", "*"]),
            sources=f"    source_address_prefixes      = {hcl_list(sources)}",
            destinations=f"    destination_address_prefixes = {hcl_list(destinations)}",
        ))
    out.append("}")
    return "\n".join(out) + "\n"


def plan_stream(size):
    """A plan JSON that keeps going: a header, then padding, `size` bytes in all."""
    head = b'{"format_version": "1.2", "terraform_version": "1.9.0", "planned_values": {"root_module": {"resources": []}}, "padding": "'
    yield head
    chunk = b"x" * (1 << 20)
    left = size - len(head) - 2
    while left > 0:
        piece = chunk[: min(left, len(chunk))]
        left -= len(piece)
        yield piece
    yield b'"}'


class Case:
    def __init__(self, name, path=None, generate=None, stdin=None, args=(), expect=()):
        self.name = name
        self.path = path
        self.generate = generate
        self.stdin = stdin
        self.args = list(args)
        # Each (code, text): a finding with this code whose message contains text.
        self.expect = list(expect)


CASES = [
    Case("tf-replace-bomb", "testdata/hostile/tf-replace-bomb", expect=[("VNL004", "max_string_len")]),
    Case("arm-replace-bomb", "testdata/hostile/arm-replace-bomb", expect=[("VNL004", "max_string_len")]),
    Case("tf-strings-times-collection", "testdata/hostile/tf-strings-times-collection", expect=[("VNL004", "")]),
    Case("arm-copy-nested", "testdata/hostile/arm-copy-nested", expect=[("VNL004", "")]),
    Case("tf-setintersection", "testdata/hostile/tf-setintersection", expect=[]),
    Case("tf-setproduct-index-keys", "testdata/hostile/tf-setproduct-index-keys", expect=[]),
    Case("tf-format-width", "testdata/hostile/tf-format-width", expect=[("VNL101", "SSH")]),
    Case("module-cycle", "testdata/cases/terraform/module-cycle-two-directories", expect=[("VNL101", "SSH")]),
    Case("module-cycle-with-root", "testdata/cases/terraform/module-cycle-three-directories-with-root", expect=[("VNL101", "SSH")]),
    Case("module-call-in-comment", "testdata/cases/terraform/module-call-in-comment", expect=[("VNL101", "SSH")]),
    Case("plan-452mb-stdin", stdin=452 * 1024 * 1024, args=["--plan", "-"], expect=[("VNL004", "max_file_size")]),
    Case("nsg-1000-rules-at-azure-limits", generate=lambda d: write(d, "main.tf", nsg_file(1000, 2, 8)), expect=[("VNL101", "")]),
    Case("nsg-4000-rules-10x10-prefixes", generate=lambda d: write(d, "main.tf", nsg_file(4000, 10, 8)), expect=[("VNL204", "")]),
]


def write(directory, name, text):
    with open(os.path.join(directory, name), "w", encoding="utf-8") as f:
        f.write(text)


def limited_command(binary, args):
    if shutil.which("prlimit"):
        return ["prlimit", f"--as={ADDRESS_SPACE}", "--", binary, *args], None

    def preexec():
        resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE, ADDRESS_SPACE))

    return [binary, *args], preexec


def run_case(binary, case):
    temp = None
    if case.path:
        target = os.path.join(ROOT, case.path)
    elif case.generate:
        temp = tempfile.mkdtemp(prefix=f"vnetlint-hostile-{case.name}-")
        case.generate(temp)
        target = temp
    else:
        temp = tempfile.mkdtemp(prefix=f"vnetlint-hostile-{case.name}-")
        target = None
    args = ["check", "--format", "json", *case.args]
    if target:
        args.append(target)
    command, preexec = limited_command(binary, args)
    started = time.monotonic()
    process = subprocess.Popen(
        command,
        stdin=subprocess.PIPE if case.stdin else subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=temp or ROOT,
        preexec_fn=preexec,
    )
    if case.stdin:
        def feed():
            try:
                for piece in plan_stream(case.stdin):
                    process.stdin.write(piece)
                process.stdin.close()
            except (BrokenPipeError, OSError):
                pass  # vnetlint stopped reading at its limit, as it should.
        threading.Thread(target=feed, daemon=True).start()
    outputs = {}

    def drain(name, pipe):
        outputs[name] = pipe.read()

    readers = [threading.Thread(target=drain, args=(n, p)) for n, p in (("out", process.stdout), ("err", process.stderr))]
    for reader in readers:
        reader.start()
    # wait4 gives this child's own peak resident set (prlimit execs vnetlint in its place).
    deadline = started + WALL_LIMIT_S * 3
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            break
        if time.monotonic() > deadline:
            process.kill()
            pid, status, usage = os.wait4(process.pid, 0)
            break
        time.sleep(0.005)
    wall = time.monotonic() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    for reader in readers:
        reader.join()
    stdout, stderr = outputs.get("out", b""), outputs.get("err", b"")
    peak_mb = usage.ru_maxrss / 1024
    if temp:
        shutil.rmtree(temp, ignore_errors=True)
    problems = []
    code = process.returncode
    if code not in (0, 1):
        problems.append(f"exit {code}: {stderr.decode(errors='replace')[-400:]}")
    if wall > WALL_LIMIT_S:
        problems.append(f"{wall:.1f} s (limit {WALL_LIMIT_S:.0f} s)")
    if peak_mb > PEAK_LIMIT_MB:
        problems.append(f"peak {peak_mb:.0f} MB (limit {PEAK_LIMIT_MB} MB)")
    findings = []
    try:
        findings = json.loads(stdout)["findings"]
    except (ValueError, KeyError):
        problems.append("no JSON report")
    for code_wanted, text in case.expect:
        if not any(f["code"] == code_wanted and text in f["message"] for f in findings):
            problems.append(f"no {code_wanted} mentioning {text!r}")
    return wall, peak_mb, code, findings, problems


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", default=os.path.join(ROOT, "target/release/vnetlint"))
    parser.add_argument("--only")
    options = parser.parse_args()
    options.binary = os.path.abspath(options.binary)
    failed = 0
    print(f"{'input':<34} {'exit':>4} {'wall s':>7} {'peak MB':>8}  findings")
    for case in CASES:
        if options.only and options.only != case.name:
            continue
        wall, peak, code, findings, problems = run_case(options.binary, case)
        codes = sorted({f["code"] for f in findings})
        print(f"{case.name:<34} {code:>4} {wall:>7.2f} {peak:>8.0f}  {','.join(codes) or '-'}")
        for problem in problems:
            failed += 1
            print(f"  FAIL: {problem}")
    if failed:
        print(f"{failed} problem(s)")
        sys.exit(1)
    print("every input within its ceilings")


if __name__ == "__main__":
    main()
