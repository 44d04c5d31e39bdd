#!/usr/bin/env bash
# Runs the recipes of docs/plan-hooks.md as written: every fenced block there must follow a
# `<!-- tested: scripts/plan-hooks/test.sh, block NAME -->` line, and each is extracted from the
# doc and run in a fresh folder with stand-ins on PATH: `terraform` (`show -json` prints a plan
# of testdata/, `init`, `plan -out` and `apply` only record the call), `curl` (serves the plan,
# keeps a PATCHed body) and `gh` (keeps the comment), and the vnetlint given. It checks that a
# pre-apply hook stops before `terraform apply` when vnetlint finds something and lets it run
# on a clean plan, that the pull request comment is written, that Atlantis' `run:` steps gate
# with PLANFILE set, and that the run task result (scripts/plan-hooks/run-task-result.py) is
# `failed`, `passed`, and skips suppressed findings.
# Usage: scripts/plan-hooks/test.sh PATH/TO/vnetlint
# The recipes and stand-ins are literal shell text on purpose (SC2016); pass/fail only print (SC2015).
# shellcheck disable=SC2016,SC2015
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
doc="$repo/docs/plan-hooks.md"
real=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
pass() { echo "ok: $1"; }
fail() { echo "FAIL: $1"; failures=$((failures + 1)); }

# --- the recipes, from the doc: every fenced block marked, each name once
mkdir -p "$work/blocks"
if python3 - "$doc" "$work/blocks" <<'PY'
import os, re, sys
doc, out = sys.argv[1], sys.argv[2]
lines = open(doc, encoding="utf-8").read().split("\n")
marker = re.compile(r"^<!-- tested: scripts/plan-hooks/test\.sh, block ([a-z-]+) -->$")
names, problems, i = [], [], 0
while i < len(lines):
    if lines[i].startswith("```") and lines[i].strip() != "```":
        m = marker.match(lines[i - 1]) if i > 0 else None
        end = lines.index("```", i + 1)
        if not m:
            problems.append(f"line {i + 1}: a ```{lines[i][3:]} block without a tested: marker")
        else:
            names.append(m.group(1))
            with open(os.path.join(out, m.group(1)), "w", encoding="utf-8") as f:
                f.write("\n".join(lines[i + 1 : end]) + "\n")
            with open(os.path.join(out, m.group(1) + ".shell"), "w", encoding="utf-8") as f:
                f.write({"bash": "bash", "sh": "sh"}.get(lines[i][3:].strip(), "none"))
        i = end + 1
        continue
    i += 1
expected = {"pre-apply-check", "pre-apply-diff", "pr-comment", "atlantis", "run-task"}
if sorted(names) != sorted(set(names)):
    problems.append(f"a block name is used twice: {names}")
if set(names) != expected:
    problems.append(f"marked blocks {sorted(set(names))}, expected {sorted(expected)}")
for p in problems:
    print(p)
sys.exit(1 if problems else 0)
PY
then pass "docs/plan-hooks.md: every recipe block is marked, the five expected ones are there"
else fail "docs/plan-hooks.md: the tested blocks"; exit 1; fi

# --- the plans: from testdata/, and one that changes nothing (plan-adds-rdp's prior state as
# its planned values)
errors_plan="$repo/testdata/cases/plan/data-services-plan-only/plan.json" # VNL601 error, VNL603 warning
rdp_plan="$repo/testdata/diff/plan-adds-rdp/plan.json"                   # adds RDP from 0.0.0.0/0
clean_plan="$work/no-change.json"
python3 - "$rdp_plan" "$clean_plan" <<'PY'
import json, sys
plan = json.load(open(sys.argv[1]))
plan["planned_values"] = plan["prior_state"]["values"]
for change in plan.get("resource_changes", []):
    change["change"]["actions"] = ["no-op"]
    change["change"]["after"] = change["change"]["before"]
json.dump(plan, open(sys.argv[2], "w"), indent=2)
PY

# --- the stand-ins
mkdir -p "$work/bin"
ln -s "$real" "$work/bin/vnetlint"
cat >"$work/bin/terraform" <<'SH'
#!/usr/bin/env bash
# Stand-in terraform: records each call in $FAKE_LOG; `show -json FILE` prints $FAKE_PLAN when
# FILE is a plan this stand-in wrote.
set -euo pipefail
printf 'terraform %s\n' "$*" >>"$FAKE_LOG"
case "${1:-}" in
  init) ;;
  plan) [ "${2:-}" = -out ] && [ -n "${3:-}" ] || { echo "terraform (stand-in): plan -out FILE" >&2; exit 1; }
    echo "stand-in plan" >"$3" ;;
  show) [ "${2:-}" = -json ] && grep -qx "stand-in plan" "${3:-/nonexistent}" \
    || { echo "terraform (stand-in): show -json of a plan it did not write: ${3:-}" >&2; exit 1; }
    cat "$FAKE_PLAN" ;;
  apply) grep -qx "stand-in plan" "${2:-/nonexistent}" || { echo "terraform (stand-in): apply what?" >&2; exit 1; }
    echo "Apply complete!" ;;
  *) echo "terraform (stand-in): unexpected $*" >&2; exit 1 ;;
esac
SH
cat >"$work/bin/curl" <<'SH'
#!/usr/bin/env bash
# Stand-in curl for the run task recipe: `GET $FAKE_PLAN_URL -o FILE` copies $FAKE_PLAN,
# `-X PATCH --data @FILE $FAKE_CALLBACK_URL` keeps FILE as $FAKE_PATCHED; both need the bearer
# token in a header file (-H @FILE), and the token must be on no command line.
set -euo pipefail
method=GET out="" data="" url="" auth=no type=no
for arg in "$@"; do
  case "$arg" in *"$FAKE_TOKEN"*) echo "curl (stand-in): the token is on the command line" >&2; exit 2 ;; esac
done
while [ $# -gt 0 ]; do
  case "$1" in
    -X) method=$2; shift 2 ;;
    -o) out=$2; shift 2 ;;
    -H) case "$2" in
          @*) grep -qxF "Authorization: Bearer $FAKE_TOKEN" "${2#@}" && auth=yes ;;
          "Content-Type: application/vnd.api+json") type=yes ;;
        esac
        shift 2 ;;
    --data) data=$2; shift 2 ;;
    -fsSL | -fsS) shift ;;
    -*) echo "curl (stand-in): unexpected option $1" >&2; exit 2 ;;
    *) url=$1; shift ;;
  esac
done
printf 'curl %s %s\n' "$method" "$url" >>"$FAKE_LOG"
[ "$auth" = yes ] || { echo "curl (stand-in): no bearer token" >&2; exit 22; }
if [ "$method" = GET ] && [ "$url" = "$FAKE_PLAN_URL" ] && [ -n "$out" ]; then
  cp "$FAKE_PLAN" "$out"
elif [ "$method" = PATCH ] && [ "$url" = "$FAKE_CALLBACK_URL" ] && [ "$type" = yes ] && [ "${data#@}" != "$data" ]; then
  cp "${data#@}" "$FAKE_PATCHED"
else
  echo "curl (stand-in): unexpected request $method $url" >&2; exit 22
fi
SH
cat >"$work/bin/gh" <<'SH'
#!/usr/bin/env bash
# Stand-in gh: `gh pr comment N --body-file FILE` keeps FILE as $FAKE_COMMENT.
set -euo pipefail
printf 'gh %s\n' "$*" >>"$FAKE_LOG"
[ "$1 $2" = "pr comment" ] && [ -n "$3" ] && [ "$4" = --body-file ] && [ -f "$5" ] || exit 1
cp "$5" "$FAKE_COMMENT"
SH
chmod +x "$work/bin/terraform" "$work/bin/curl" "$work/bin/gh"

# run_block NAME PLAN -> status; runs the block with the shell its fence names (bash or sh) in a
# fresh $work/run; its output in $work/run.log, the stand-ins' calls in $work/calls.log
run_block() {
  local shell
  shell=$(cat "$work/blocks/$1.shell")
  rm -rf "$work/run" && mkdir -p "$work/run"
  : >"$work/calls.log"
  (cd "$work/run" && env -i PATH="$work/bin:$PATH" HOME="$HOME" FAKE_LOG="$work/calls.log" FAKE_PLAN="$2" \
    FAKE_TOKEN=tok-secret-123 FAKE_PLAN_URL=https://app.terraform.io/api/v2/plans/plan-1/json-output \
    FAKE_CALLBACK_URL=https://app.terraform.io/api/v2/task-results/taskrs-1/callback \
    FAKE_PATCHED="$work/patched.json" FAKE_COMMENT="$work/comment.md" PR_NUMBER=42 \
    "$shell" -c "$(cat "$work/blocks/$1")") >"$work/run.log" 2>&1
}
applied() { grep -qx 'terraform apply tfplan' "$work/calls.log"; }

# --- pre-apply hooks: stop before the apply on findings, apply a clean plan
for hook in pre-apply-check:"$errors_plan" pre-apply-diff:"$rdp_plan"; do
  name=${hook%%:*} plan=${hook#*:}
  status=0; run_block "$name" "$plan" || status=$?
  if [ "$status" = 1 ] && grep -qx 'terraform show -json tfplan' "$work/calls.log" && ! applied \
    && grep -q 'error\[VNL' "$work/run.log"; then
    pass "$name: findings on $(basename "$(dirname "$plan")") stop the script before terraform apply (exit 1)"
  else cat "$work/run.log" "$work/calls.log"; fail "$name on findings (status $status)"; fi
  status=0; run_block "$name" "$work/no-such-plan.json" || status=$?
  if [ "$status" != 0 ] && ! applied; then
    pass "$name: a terraform show that fails stops the script before terraform apply (exit $status)"
  else cat "$work/run.log" "$work/calls.log"; fail "$name with a failing terraform show (status $status)"; fi
  status=0; run_block "$name" "$clean_plan" || status=$?
  if [ "$status" = 0 ] && applied; then
    pass "$name: a plan that changes nothing is applied"
  else cat "$work/run.log" "$work/calls.log"; fail "$name on a clean plan (status $status)"; fi
done

# --- the pull request comment
status=0; run_block pr-comment "$rdp_plan" || status=$?
if [ "$status" = 0 ] && grep -qx '| from | opened | closed |' "$work/run/vnetlint-diff.md" \
  && grep -F '🔴 opened' "$work/run/vnetlint-diff.md" | grep -qF 'tcp 3389 from the IPv4 Internet' \
  && grep -qx 'gh pr comment 42 --body-file vnetlint-diff.md' "$work/calls.log" \
  && cmp -s "$work/comment.md" "$work/run/vnetlint-diff.md"; then
  pass "pr-comment: vnetlint-diff.md holds the table and the opened RDP, and gh posts it"
else cat "$work/run.log" "$work/calls.log"; fail "pr-comment (status $status)"; fi

# --- Atlantis: the workflow's steps in order, `run:` with sh -c in the project's directory
if python3 - "$work/blocks/atlantis" "$work/atlantis-steps" <<'PY'
import re, sys
steps = []
for line in open(sys.argv[1], encoding="utf-8"):
    m = re.match(r"^\s*- (init|plan|apply)\s*$", line)
    r = re.match(r"^\s*- run: (.*)$", line)
    if m:
        steps.append(m.group(1))
    elif r:
        command = r.group(1)
        # A YAML plain scalar reads as its text only without these: keep the extraction exact.
        assert command[0] not in "'\"|>&*!%@`{[#" and ": " not in command and " #" not in command, command
        steps.append("run " + command)
try:
    import yaml  # when present, a real YAML parser must read the same steps
    parsed = yaml.safe_load(open(sys.argv[1], encoding="utf-8"))["workflows"]["vnetlint"]["plan"]["steps"]
    assert [s if isinstance(s, str) else "run " + s["run"] for s in parsed] == steps, parsed
except ImportError:
    pass
assert steps[:2] == ["init", "plan"] and len(steps) > 2, steps
open(sys.argv[2], "w", encoding="utf-8").write("\n".join(steps) + "\n")
PY
then pass "atlantis: the workflow's steps read ($(wc -l <"$work/atlantis-steps") steps)"
else fail "atlantis: the workflow block does not read"; fi
# atlantis PLAN -> prints one status per step (pass/fail), stopping at the first failure
atlantis() {
  local project="$work/atlantis repo/project" step status
  rm -rf "$work/atlantis repo" && mkdir -p "$project"
  : >"$work/calls.log"
  while IFS= read -r step; do
    status=0
    case "$step" in
      init) (cd "$project" && env FAKE_LOG="$work/calls.log" PATH="$work/bin:$PATH" terraform init) || status=$? ;;
      plan) (cd "$project" && env FAKE_LOG="$work/calls.log" PATH="$work/bin:$PATH" \
        terraform plan -out "$project/default.tfplan") || status=$? ;;
      run\ *) (cd "$project" && env -i PATH="$work/bin:$PATH" HOME="$HOME" FAKE_LOG="$work/calls.log" \
        FAKE_PLAN="$1" PLANFILE="$project/default.tfplan" DIR="$project" WORKSPACE=default \
        sh -c "${step#run }") >>"$work/run.log" 2>&1 || status=$? ;;
    esac
    if [ "$status" = 0 ]; then printf 'pass '; else printf 'fail\n'; return; fi
  done <"$work/atlantis-steps"
  printf '\n'
}
: >"$work/run.log"
got=$(atlantis "$rdp_plan")
[ "$got" = "pass pass pass pass fail" ] && grep -q 'error\[VNL910\]' "$work/run.log" \
  && grep -qxF "terraform show -json $work/atlantis repo/project/default.tfplan" "$work/calls.log" \
  && pass "atlantis: plan-adds-rdp: check passes (RDP latent: a warning), the diff step fails the plan; PLANFILE with a space" \
  || { cat "$work/run.log"; fail "atlantis on plan-adds-rdp: $got"; }
: >"$work/run.log"
got=$(atlantis "$errors_plan")
[ "$got" = "pass pass pass fail" ] && pass "atlantis: data-services-plan-only: the check step fails the plan" \
  || { cat "$work/run.log"; fail "atlantis on data-services-plan-only: $got"; }
: >"$work/run.log"
got=$(atlantis "$work/no-such-plan.json")
[ "$got" = "pass pass fail" ] && pass "atlantis: a terraform show that fails fails the plan" \
  || { cat "$work/run.log"; fail "atlantis with a failing terraform show: $got"; }
: >"$work/run.log"
got=$(atlantis "$clean_plan")
[ "$got" = "pass pass pass pass pass " ] && pass "atlantis: a plan that changes nothing passes every step" \
  || { cat "$work/run.log"; fail "atlantis on a clean plan: $got"; }

# --- Terraform Cloud run task: the recipe, with the request saved as request.json
run_task() { # PLAN -> status; the PATCHed body in $work/patched.json
  rm -f "$work/patched.json"
  mkdir -p "$work/run-task" && rm -rf "$work/run-task/"*
  cp "$here/run-task-result.py" "$work/run-task/"
  cat >"$work/run-task/request.json" <<'JSON'
{"payload_version": 1, "stage": "post_plan", "access_token": "tok-secret-123",
 "plan_json_api_url": "https://app.terraform.io/api/v2/plans/plan-1/json-output",
 "task_result_callback_url": "https://app.terraform.io/api/v2/task-results/taskrs-1/callback",
 "task_result_id": "taskrs-1", "run_id": "run-1"}
JSON
  : >"$work/calls.log"
  (cd "$work/run-task" && env -i PATH="$work/bin:$PATH" HOME="$HOME" FAKE_LOG="$work/calls.log" FAKE_PLAN="$1" \
    FAKE_TOKEN=tok-secret-123 FAKE_PLAN_URL=https://app.terraform.io/api/v2/plans/plan-1/json-output \
    FAKE_CALLBACK_URL=https://app.terraform.io/api/v2/task-results/taskrs-1/callback \
    FAKE_PATCHED="$work/patched.json" sh -c "$(cat "$work/blocks/run-task")") >"$work/run.log" 2>&1
}
# result FILE EXPECTED_STATUS EXPECTED_LEVELS... : the body's shape, status and outcome levels
result() {
  python3 - "$@" <<'PY'
import json, sys
body = json.load(open(sys.argv[1]))
status, levels = sys.argv[2], sys.argv[3:]
data = body["data"]
assert data["type"] == "task-results", data
attributes = data["attributes"]
assert attributes["status"] == status, attributes
assert attributes["message"].startswith("vnetlint "), attributes
outcomes = data["relationships"]["outcomes"]["data"]
assert [o["attributes"]["tags"]["Severity"][0]["level"] for o in outcomes] == levels, outcomes
ids = [o["attributes"]["outcome-id"] for o in outcomes]
assert len(set(ids)) == len(ids), ids
for o in outcomes:
    a = o["attributes"]
    assert o["type"] == "task-result-outcomes" and a["description"].startswith("VNL"), o
    assert a["url"].startswith("https://") and a["body"], o
print(attributes["message"])
PY
}
status=0; run_task "$errors_plan" || status=$?
if [ "$status" = 0 ] && message=$(result "$work/patched.json" failed error warning) \
  && [ "$(cat "$work/calls.log")" = "$(printf 'curl GET %s\ncurl PATCH %s' \
    https://app.terraform.io/api/v2/plans/plan-1/json-output https://app.terraform.io/api/v2/task-results/taskrs-1/callback)" ]; then
  pass "run-task: data-services-plan-only is failed, with an error and a warning outcome ($message)"
else cat "$work/run.log" "$work/calls.log" "$work/patched.json" 2>/dev/null || true; fail "run-task on findings (status $status)"; fi
status=0; run_task "$clean_plan" || status=$?
if [ "$status" = 0 ] && message=$(result "$work/patched.json" passed); then
  pass "run-task: a plan that changes nothing is passed, without outcomes ($message)"
else cat "$work/run.log" "$work/patched.json" 2>/dev/null || true; fail "run-task on a clean plan (status $status)"; fi

# The mapping on its own: a finding suppressed in the configuration is no outcome.
cp -r "$repo/testdata/cases/plan/locals-port-with-config" "$work/suppressed"
(cd "$work/suppressed" && "$real" check --plan plan.json --format json --fail-on never --output open.json)
sed 's|local.management_port # expect: VNL101|local.management_port # vnetlint:ignore VNL101 reached only through the JIT policy, ticket SEC-7|' \
  "$work/suppressed/main.tf" >"$work/suppressed/main.tf.new" && mv "$work/suppressed/main.tf.new" "$work/suppressed/main.tf"
(cd "$work/suppressed" && "$real" check --plan plan.json --format json --fail-on never --output suppressed.json)
python3 "$here/run-task-result.py" "$work/suppressed/suppressed.json" >"$work/r1.json"
python3 "$here/run-task-result.py" <"$work/suppressed/open.json" >"$work/r2.json"
python3 "$here/run-task-result.py" --fail-on warning "$work/suppressed/open.json" >"$work/r3.json"
if message=$(result "$work/r1.json" passed) && [[ "$message" == *"; 1 suppressed;"* ]] \
  && grep -q '"suppressed"' "$work/suppressed/suppressed.json"; then
  pass "run-task-result.py: a suppressed finding is no outcome and passes ($message)"
else cat "$work/r1.json"; fail "run-task-result.py: suppressed"; fi
result "$work/r2.json" passed warning >/dev/null && result "$work/r3.json" failed warning >/dev/null \
  && pass "run-task-result.py: the same finding, not suppressed: a warning outcome, passed under --fail-on error, failed under warning" \
  || { cat "$work/r2.json" "$work/r3.json"; fail "run-task-result.py: --fail-on"; }

if [ "$failures" -gt 0 ]; then echo "plan-hook recipes: $failures failed"; exit 1; fi
echo "plan-hook recipes: all passed"
