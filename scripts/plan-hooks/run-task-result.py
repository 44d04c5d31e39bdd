#!/usr/bin/env python3
"""The result of a Terraform Cloud / Enterprise run task, from vnetlint's JSON.

Reads the output of `vnetlint check --plan plan.json --format json --fail-on never` (or of
`vnetlint diff --plan`, the same document) and prints the body that the run task service sends
back with `PATCH <task_result_callback_url>` (Content-Type: application/vnd.api+json):

  {"data": {"type": "task-results",
            "attributes": {"status": "passed" | "failed", "message": "...", "url": "..."},
            "relationships": {"outcomes": {"data": [{"type": "task-result-outcomes",
                                                     "attributes": {...}}, ...]}}}}

`status` is `failed` when a finding that is not suppressed is at or above --fail-on (default
error: the same policy as `vnetlint check --fail-on error`), else `passed`. Each finding that is
not suppressed becomes one outcome (its code, place, message, notes, rule page and a Severity
tag); suppressed findings (`vnetlint:ignore` with a reason) are only counted in the message.
Standard library only. Documented in docs/plan-hooks.md, tested by scripts/plan-hooks/test.sh.

Usage: run-task-result.py [--fail-on error|warning|note|never] [--url URL] [FILE]  (stdin: -)
"""
import argparse
import json
import sys

RANK = {"note": 1, "warning": 2, "error": 3}
# Run task outcome tags have the levels none, info, warning and error.
TAG_LEVEL = {"error": "error", "warning": "warning", "note": "info"}
RULES = "https://github.com/vnetlint/vnetlint/blob/main/docs/rules/{}.md"


def outcome(finding):
    code, level = finding["code"], finding["level"]
    place = "{}:{}".format(finding["file"], finding["start"]["line"])
    message = " ".join(finding["message"].split())
    short = message if len(message) <= 150 else message[:149] + "…"
    body = ["**{} {}** ({}) at `{}`".format(code, finding.get("rule", ""), level, place), "", message]
    if finding.get("address"):
        body += ["", "Element: `{}`".format(finding["address"])]
    body += ["", *("- " + note for note in finding.get("notes", []))]
    return {
        "type": "task-result-outcomes",
        "attributes": {
            "outcome-id": "{}-{}".format(code, finding.get("fingerprint") or place),
            "description": "{} {}: {}".format(code, place, short),
            "body": "\n".join(body).rstrip() + "\n",
            "url": RULES.format(code),
            "tags": {"Severity": [{"label": level.capitalize(), "level": TAG_LEVEL.get(level, "none")}]},
        },
    }


def count(n, word):
    return "{} {}{}".format(n, word, "" if n == 1 else "s")


def result(report, fail_on="error", url=None):
    findings = [f for f in report.get("findings", []) if not f.get("suppressed")]
    threshold = RANK.get(fail_on, 99)  # never: nothing reaches it
    failed = any(RANK.get(f["level"], 0) >= threshold for f in findings)
    s = report.get("summary", {})
    counts = ", ".join(count(s.get(k, 0), k[:-1]) for k in ("errors", "warnings", "notes"))
    message = "vnetlint {}: {}; {} suppressed; {}".format(
        report.get("version", "?"), counts, s.get("suppressed", 0), count(s.get("files", 0), "file"))
    attributes = {"status": "failed" if failed else "passed", "message": message}
    if url:
        attributes["url"] = url
    return {"data": {"type": "task-results", "attributes": attributes,
                     "relationships": {"outcomes": {"data": [outcome(f) for f in findings]}}}}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--fail-on", choices=["error", "warning", "note", "never"], default="error")
    parser.add_argument("--url", help="a link for the result (the run's logs, a report)")
    parser.add_argument("file", nargs="?", default="-", help="vnetlint's JSON (default: stdin)")
    args = parser.parse_args()
    text = sys.stdin.read() if args.file == "-" else open(args.file, encoding="utf-8").read()
    json.dump(result(json.loads(text), args.fail_on, args.url), sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
