#!/usr/bin/env bash
# Runs the action's steps (scripts/action/*.sh) as the runner would, with hostile inputs —
# spaces, `$(…)`, backticks, quotes, newlines, a leading dash — and checks that each reaches
# vnetlint as one argument of data: nothing runs, no output is forged. The release download
# is served from a local folder (file://) holding an archive of the binary given; the diff mode
# runs on pull requests of a temporary git repository whose origin is a local bare one (offline).
# Usage: scripts/action/test.sh PATH/TO/vnetlint
# The hostile inputs are literal on purpose (SC2016); pass/fail only print (SC2015).
# shellcheck disable=SC2016,SC2015
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
real=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
failures=0
pass() { echo "ok: $1"; }
fail() { echo "FAIL: $1"; failures=$((failures + 1)); }
pwned() { # any file named PWNED* anywhere under the work folder or the repository is a failure
  if find "$work" "$repo/scripts" -name 'PWNED*' -print | grep -q .; then fail "$1: an input ran as shell"; else pass "$1: no input ran"; fi
}
# Reads a GITHUB_OUTPUT file (plain and `name<<delimiter` forms) into name=value lines (JSON).
outputs() { python3 - "$1" <<'PY'
import json, sys
lines = open(sys.argv[1]).read().split("\n")
out, i = {}, 0
while i < len(lines):
    line = lines[i]
    if "<<" in line:
        name, delim = line.split("<<", 1)
        j = lines.index(delim, i + 1)
        if name in out: raise SystemExit(f"output {name} written twice")
        out[name] = "\n".join(lines[i + 1 : j]); i = j + 1
    elif "=" in line:
        name, value = line.split("=", 1); out[name] = value; i += 1
    else:
        i += 1
print(json.dumps(out, sort_keys=True))
PY
}
get() { python3 -c 'import json,sys; print(json.loads(sys.argv[1]).get(sys.argv[2], "<absent>"), end="")' "$1" "$2"; }

# --- no ${{ }} inside any run: script of action.yml
if python3 - "$repo/action.yml" <<'PY'
import re, sys
lines = open(sys.argv[1]).read().split("\n")
bad, i = [], 0
while i < len(lines):
    m = re.match(r"^(\s*)(-\s+)?run:(.*)$", lines[i])
    if m:
        indent = len(m.group(1)) + len(m.group(2) or "")
        body = [m.group(3)]
        i += 1
        while i < len(lines) and (not lines[i].strip() or len(lines[i]) - len(lines[i].lstrip()) > indent):
            body.append(lines[i]); i += 1
        if "${{" in "\n".join(body): bad.append("\n".join(body))
        continue
    i += 1
if bad: print("\n---\n".join(bad)); sys.exit(1)
PY
then pass "action.yml: no \${{ }} inside a run: script"; else fail "action.yml interpolates an expression into a run: script"; fi

# --- install.sh: the download, its checksum, the fallback
rel="$work/releases"
mkdir -p "$rel/download/v9.9.9" "$rel/latest/download"
# The stand-in release is packed by the release workflow's own script.
"$repo/scripts/release/package.sh" "$real" x86_64-unknown-linux-musl "$rel/download/v9.9.9" >/dev/null
cp "$rel/download/v9.9.9/"* "$rel/latest/download/"
run_install() { # VERSION OS ARCH -> exit status; outputs in $work/install.out
  : >"$work/install.out"
  mkdir -p "$work/runner-temp"
  env -i PATH="$PATH" HOME="$HOME" RUNNER_TEMP="$work/runner-temp" GITHUB_OUTPUT="$work/install.out" \
    VNETLINT_RELEASES="file://$rel" VNETLINT_VERSION="$1" RUNNER_OS="$2" RUNNER_ARCH="$3" \
    GITHUB_ACTION_REF="${4:-main}" "$here/install.sh" >"$work/install.log" 2>&1
}
if run_install 9.9.9 Linux X64 && o=$(outputs "$work/install.out") && [ "$(get "$o" fallback)" = false ] \
  && "$(get "$o" binary)" --version >/dev/null && grep -q '^verified' "$work/install.log"; then
  pass "install: version 9.9.9 downloaded and verified"
  cp "$(get "$o" binary)" "$work/vnetlint-downloaded"
  binary="$work/vnetlint-downloaded"
else cat "$work/install.log"; fail "install: version 9.9.9"; binary=$real; fi
if run_install "" Linux X64 v9.9.9 && [ "$(get "$(outputs "$work/install.out")" fallback)" = false ]; then
  pass "install: the action's own tag v9.9.9 chooses the release"
else cat "$work/install.log"; fail "install: the action's tag"; fi
if run_install latest Linux X64 && [ "$(get "$(outputs "$work/install.out")" fallback)" = false ]; then
  pass "install: latest"; else cat "$work/install.log"; fail "install: latest"; fi
if run_install 1.0.0 Linux X64 && o=$(outputs "$work/install.out") && [ "$(get "$o" fallback)" = true ] \
  && [[ "$(get "$o" cache-key)" == vnetlint-cargo-Linux-X64-* ]] && grep -q '::notice' "$work/install.log"; then
  pass "install: no such release: cargo fallback with a notice and a cache key"
else cat "$work/install.log"; fail "install: missing release"; fi
if run_install 9.9.9 FreeBSD X64 && [ "$(get "$(outputs "$work/install.out")" fallback)" = true ]; then
  pass "install: no binary for the platform: fallback"; else fail "install: unknown platform"; fi
cp "$rel/download/v9.9.9/vnetlint-x86_64-unknown-linux-musl.tar.gz.sha256" "$work/good.sha256"
echo "0000000000000000000000000000000000000000000000000000000000000000  vnetlint-x86_64-unknown-linux-musl.tar.gz" \
  >"$rel/download/v9.9.9/vnetlint-x86_64-unknown-linux-musl.tar.gz.sha256"
if ! run_install 9.9.9 Linux X64 && grep -q 'checksum mismatch' "$work/install.log" \
  && ! grep -q '^binary=' "$work/install.out"; then
  pass "install: a wrong checksum fails the step"
else cat "$work/install.log"; fail "install: a wrong checksum was accepted"; fi
cp "$work/good.sha256" "$rel/download/v9.9.9/vnetlint-x86_64-unknown-linux-musl.tar.gz.sha256"
for hostile in '$(touch PWNED_v)' '`touch PWNED_v2`' $'1.0.0\ntouch PWNED_v3' '1.0.0; touch PWNED_v4' '../../x'; do
  if ! run_install "$hostile" Linux X64 && grep -q 'version must be' "$work/install.log"; then
    pass "install: version $(printf %q "$hostile") refused"
  else cat "$work/install.log"; fail "install: version $(printf %q "$hostile") accepted"; fi
done
pwned "install"

# --- run.sh: argv exactly as given, through a stub that records it
mkdir -p "$work/ws"
cat >"$work/stub" <<'STUB'
#!/usr/bin/env bash
{ printf '%s\0' "$@"; printf '\n'; } >>"$STUB_LOG"
exit 1
STUB
chmod +x "$work/stub"
hostile_paths=$'dir with space\n$(touch PWNED_p)\n`touch PWNED_p2`\nit\'s "quoted"\n-leading dash\n; touch PWNED_p3 #'
hostile_args=$'--var=name=$(touch PWNED_a)\n--var=q=`touch PWNED_a2` "x"'
hostile_sarif=$'out $(touch PWNED_s).sarif'
run_gate() { # BINARY FAIL_ON -> status; outputs in $work/gate.out
  : >"$work/gate.out"
  (cd "$work/ws" && env -i PATH="$PATH" HOME="$HOME" RUNNER_TEMP="$work/runner-temp" GITHUB_OUTPUT="$work/gate.out" \
    STUB_LOG="$work/argv" VNETLINT="$1" INPUT_PATH="$hostile_paths" INPUT_FAIL_ON="$2" INPUT_FORMAT=text \
    INPUT_ARGS="$hostile_args" INPUT_SARIF_FILE="$hostile_sarif" GITHUB_SERVER_URL=https://github.com \
    GITHUB_REPOSITORY='o/r$(touch PWNED_r)' "$here/run.sh") >"$work/gate.log" 2>&1
}
: >"$work/argv"
status=0; run_gate "$work/stub" error || status=$?
first=$(python3 -c '
import sys
calls = open(sys.argv[1], "rb").read().split(b"\n")
argv = [a.decode() for a in calls[0].split(b"\0") if a]
print("\n".join(argv))' "$work/argv")
expected=$(printf '%s\n' check --format=text --color=always --fail-on=error '--var=name=$(touch PWNED_a)' \
  '--var=q=`touch PWNED_a2` "x"' -- 'dir with space' '$(touch PWNED_p)' '`touch PWNED_p2`' \
  "it's \"quoted\"" '-leading dash' '; touch PWNED_p3 #')
if [ "$status" = 1 ] && [ "$first" = "$expected" ]; then
  pass "gate: every path and argument reached vnetlint as one argument, unchanged; its status kept"
else
  echo "status $status; got:"; printf '%s\n' "$first"; echo "expected:"; printf '%s\n' "$expected"; fail "gate argv"
fi
if grep -qF -- '--output=out $(touch PWNED_s).sarif' <(tr '\0' '\n' <"$work/argv") \
  && grep -qF -- '--repository-uri=https://github.com/o/r$(touch PWNED_r)' <(tr '\0' '\n' <"$work/argv"); then
  pass "gate: the SARIF file name and repository reached vnetlint as data"
else fail "gate: SARIF argv"; fi
for hostile in '$(touch PWNED_f)' $'error\n--help' 'error; touch PWNED_f2'; do
  if ! (env -i PATH="$PATH" VNETLINT="$work/stub" STUB_LOG="$work/argv2" INPUT_FAIL_ON="$hostile" \
    GITHUB_OUTPUT=/dev/null "$here/run.sh" >"$work/f.log" 2>&1) && grep -q 'fail-on must be' "$work/f.log"; then
    pass "gate: fail-on $(printf %q "$hostile") refused"
  else fail "gate: fail-on $(printf %q "$hostile") accepted"; fi
done

# --- run.sh with the real binary on the hostile folders, each holding the bundled example
while IFS= read -r p; do
  mkdir -p "$work/ws/$p"
  cp -r "$repo/testdata/examples/ase-sql/." "$work/ws/$p/"
done <<<"$hostile_paths"
status=0; run_gate "$binary" error || status=$?
o=$(outputs "$work/gate.out")
if [ "$status" = 1 ] && [ "$(get "$o" exit-code)" = 1 ] && [ "$(get "$o" sarif-file)" = "$hostile_sarif" ] \
  && [ -s "$work/ws/$hostile_sarif" ] && [ "$(get "$o" errors)" -gt 0 ] && [ "$(get "$o" sarif-category)" = vnetlint ] \
  && [ "$(get "$o" findings)" -ge "$(get "$o" errors)" ]; then
  pass "gate (real vnetlint): exit 1 on errors, SARIF at the literal name, counts $(get "$o" errors) errors / $(get "$o" findings) findings"
else cat "$work/gate.log"; echo "$o"; fail "gate with the real binary (status $status)"; fi
if python3 - "$work/ws/$hostile_sarif" <<'PY'
import json, sys
log = json.load(open(sys.argv[1]))
uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in log["runs"][0]["results"]}
# every hostile folder was analyzed: a result under each of the six
print(len({u.split("/")[0] for u in uris}), "folders with results")
sys.exit(0 if len({u.split("/")[0] for u in uris}) == 6 else 1)
PY
then pass "gate (real vnetlint): all six hostile folders analyzed"; else fail "gate: not every folder analyzed"; fi
status=0
(cd "$work/ws" && env -i PATH="$PATH" HOME="$HOME" GITHUB_OUTPUT="$work/gate2.out" VNETLINT="$binary" \
  INPUT_PATH="dir with space" INPUT_FAIL_ON=never INPUT_FORMAT=json INPUT_SARIF_FILE=$'a\nerrors=99' \
  "$here/run.sh") >"$work/gate2.log" 2>&1 || status=$?
o=$(outputs "$work/gate2.out")
if [ "$status" = 0 ] && [ "$(get "$o" sarif-file)" = $'a\nerrors=99' ] && [ "$(get "$o" errors)" != 99 ] \
  && python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$work/gate2.log"; then
  pass "gate: fail-on never passes; a newline in an input forges no output; format json prints JSON"
else cat "$work/gate2.log"; echo "$o"; fail "gate: never/json/newline (status $status)"; fi
pwned "gate"

# --- diff.sh (mode: diff) on a real git history: a bare origin whose main allows SSH from
# 203.0.113.0/24 (testdata/diff/source-widened's base, source widened to a partner's /24), a pull
# request branch that widens the source to "*" and one that puts a deny in front of it, each
# checked out as actions/checkout does by default (one commit deep, without main): the base is
# fetched. The folder is `-net`: a leading dash, passed after `--`.
git_seed() { git -C "$work/seed" -c user.name=vnetlint -c user.email=test@vnetlint.invalid "$@"; }
git init -q --bare "$work/origin.git"
git init -q "$work/seed"
git_seed checkout -q -b main
mkdir -p "$work/seed/-net"
sed 's|"203.0.113.10/32"|"203.0.113.0/24"|' "$repo/testdata/diff/source-widened/base/main.tf" >"$work/seed/-net/main.tf"
git_seed add -A && git_seed commit -q -m "SSH from 203.0.113.0/24"
git_seed push -q "$work/origin.git" main
git_seed checkout -q -b widen
cp "$repo/testdata/diff/source-widened/head/main.tf" "$work/seed/-net/main.tf"
git_seed commit -q -a -m "SSH from anywhere" && git_seed push -q "$work/origin.git" widen
git_seed checkout -q -b deny main
python3 - "$work/seed/-net/main.tf" <<'PY'
import sys
path = sys.argv[1]
text = open(path).read()
deny = '''  security_rule {
    name                       = "deny-scanner"
    priority                   = 100
    direction                  = "Inbound"
    access                     = "Deny"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "22"
    source_address_prefix      = "203.0.113.64/26"
    destination_address_prefix = "*"
  }

'''
at = text.index("  security_rule {")  # in front of allow-ssh, which moves to priority 110
rest = text[at:].replace("priority                   = 100", "priority                   = 110", 1)
open(path, "w").write(text[:at] + deny + rest)
PY
git_seed commit -q -a -m "deny SSH from part of the partner's range" && git_seed push -q "$work/origin.git" deny
checkout() { # BRANCH -> $work/pr-BRANCH, as actions/checkout@v4 leaves a pull request (fetch-depth 1)
  rm -rf "$work/pr-$1"
  git clone -q --depth=1 --single-branch --branch "$1" "file://$work/origin.git" "$work/pr-$1"
}
run_diff() { # BRANCH BINARY BASE_REF PATHS [GITHUB_BASE_REF [SUMMARY_LIMIT]] -> status; $work/diff.{out,log,summary}
  printf 'an earlier step wrote this\n' >"$work/diff.summary"
  : >"$work/diff.out"
  rm -rf "$work/diff-temp" && mkdir -p "$work/diff-temp"
  (cd "$work/pr-$1" && env -i PATH="$PATH" HOME="$HOME" RUNNER_TEMP="$work/diff-temp" \
    GITHUB_OUTPUT="$work/diff.out" GITHUB_STEP_SUMMARY="$work/diff.summary" STUB_LOG="$work/argv-diff" \
    GITHUB_EVENT_NAME=pull_request GITHUB_BASE_REF="${5-main}" GITHUB_SERVER_URL=https://github.com \
    GITHUB_REPOSITORY=o/r GITHUB_SHA="$(git -C "$work/pr-$1" rev-parse HEAD)" VNETLINT="$2" \
    VNETLINT_SUMMARY_LIMIT="${6:-900000}" \
    INPUT_MODE=diff INPUT_BASE_REF="$3" INPUT_PATH="$4" INPUT_FAIL_ON=error INPUT_FORMAT=text \
    INPUT_ARGS="" INPUT_SARIF_FILE=vnetlint.sarif "$here/run.sh") >"$work/diff.log" 2>&1
}
checkout widen
if git -C "$work/pr-widen" rev-parse --verify --quiet origin/main >/dev/null; then
  fail "diff: the shallow checkout already has origin/main; the fetch is not exercised"
fi
status=0; run_diff widen "$binary" "" -net || status=$?
o=$(outputs "$work/diff.out")
sha=$(git -C "$work/pr-widen" rev-parse HEAD)
(cd "$work/pr-widen" && "$binary" diff --base-ref origin/main --format json --fail-on never -- -net) >"$work/diff.json" || true
read -r j_findings j_errors j_warnings j_notes < <(python3 -c '
import json, sys
s = json.load(open(sys.argv[1]))["summary"]
print(s["findings"], s["errors"], s["warnings"], s["notes"])' "$work/diff.json")
if [ "$status" = 1 ] && [ "$(get "$o" exit-code)" = 1 ] && grep -q 'fetching main from origin' "$work/diff.log" \
  && git -C "$work/pr-widen" rev-parse --verify --quiet origin/main >/dev/null \
  && [ "$(get "$o" base-ref)" = origin/main ] && grep -q 'error\[VNL910\]' "$work/diff.log"; then
  pass "diff: a pull request opening SSH to the Internet fails (exit 1) after fetching origin/main"
else cat "$work/diff.log"; echo "$o"; fail "diff: widen (status $status)"; fi
if [ "$(get "$o" errors)" -ge 1 ] && [ "$(get "$o" errors)" = "$j_errors" ] \
  && [ "$(get "$o" warnings)" = "$j_warnings" ] && [ "$(get "$o" notes)" = "$j_notes" ] \
  && [ "$(get "$o" findings)" = "$j_findings" ]; then
  pass "diff: outputs count $(get "$o" errors) errors / $(get "$o" findings) findings, as the JSON summary does"
else echo "$o"; cat "$work/diff.json"; fail "diff: counts"; fi
md=$(get "$o" markdown-file)
if [ "$(head -n 1 "$work/diff.summary")" = "an earlier step wrote this" ] \
  && grep -qx '| from | opened | closed |' "$work/diff.summary" \
  && grep -F '🔴 opened' "$work/diff.summary" | grep -F 'from the Internet' \
    | grep -qF "](https://github.com/o/r/blob/$sha/-net/main.tf#L" \
  && [ -s "$md" ] && grep -qF "$(cat "$md")" <(cat "$work/diff.summary"); then
  pass "diff: the job summary gains the markdown table and the Internet entry linked under the blob URL"
else echo "$o"; cat "$work/diff.summary"; fail "diff: markdown summary"; fi
if [ "$(get "$o" sarif-file)" = vnetlint.sarif ] && [ "$(get "$o" sarif-category)" = vnetlint-diff ] \
  && python3 - "$work/pr-widen/vnetlint.sarif" <<'PY'
import json, sys
run = json.load(open(sys.argv[1]))["runs"][0]
assert run["automationDetails"]["id"] == "vnetlint-diff/", run.get("automationDetails")
assert any(r["ruleId"] == "VNL910" and r["level"] == "error" for r in run["results"]), run["results"]
PY
then pass "diff: the SARIF log holds the VNL910 error, under the category vnetlint-diff"
else echo "$o"; fail "diff: SARIF"; fi
status=0; run_diff widen "$binary" "" -net main 200 || status=$?
o=$(outputs "$work/diff.out")
if [ "$status" = 1 ] && [ "$(wc -c <"$work/diff.summary")" -lt 400 ] && grep -q 'see the markdown-file output' "$work/diff.summary" \
  && grep -qF '🔴 opened' "$(get "$o" markdown-file)"; then
  pass "diff: a report longer than the summary's limit is cut at a line, with a note; the markdown file stays whole"
else cat "$work/diff.summary"; fail "diff: summary limit"; fi

checkout deny
status=0; run_diff deny "$binary" "" -net || status=$?
o=$(outputs "$work/diff.out")
if [ "$status" = 0 ] && [ "$(get "$o" exit-code)" = 0 ] && [ "$(get "$o" errors)" = 0 ] \
  && ! grep -q VNL910 "$work/diff.log" && grep -q 'note\[VNL911\]' "$work/diff.log" \
  && grep -qF '🔵 closed' "$work/diff.summary" \
  && python3 - "$work/pr-deny/vnetlint.sarif" <<'PY'
import json, sys
results = json.load(open(sys.argv[1]))["runs"][0]["results"]
assert results and not any(r["ruleId"] == "VNL910" for r in results), results
PY
then pass "diff: a pull request that only adds a deny passes (exit 0), with the closed traffic as a note"
else cat "$work/diff.log"; echo "$o"; fail "diff: deny (status $status)"; fi

# argv through the stub: the base and every path and argument are one argument each.
: >"$work/argv-diff"
status=0
(cd "$work/pr-widen" && env -i PATH="$PATH" HOME="$HOME" RUNNER_TEMP="$work/diff-temp" GITHUB_OUTPUT=/dev/null \
  STUB_LOG="$work/argv-diff" VNETLINT="$work/stub" INPUT_MODE=diff INPUT_BASE_REF=origin/main \
  INPUT_PATH="$hostile_paths" INPUT_ARGS="$hostile_args" INPUT_FAIL_ON=warning "$here/run.sh") \
  >"$work/diff.log" 2>&1 || status=$?
first=$(python3 -c '
import sys
calls = open(sys.argv[1], "rb").read().split(b"\n")
print("\n".join(a.decode() for a in calls[0].split(b"\0") if a))' "$work/argv-diff")
expected=$(printf '%s\n' diff --base-ref=origin/main --format=text --color=always --fail-on=warning \
  '--var=name=$(touch PWNED_a)' '--var=q=`touch PWNED_a2` "x"' -- 'dir with space' '$(touch PWNED_p)' \
  '`touch PWNED_p2`' "it's \"quoted\"" '-leading dash' '; touch PWNED_p3 #')
if [ "$status" = 1 ] && [ "$first" = "$expected" ] && ! grep -q fetching "$work/diff.log"; then
  pass "diff: every path and argument reached vnetlint diff as one argument, after --base-ref=REF (present: no fetch)"
else
  cat "$work/diff.log"; echo "status $status; got:"; printf '%s\n' "$first"; echo "expected:"; printf '%s\n' "$expected"
  fail "diff argv"
fi

# Hostile base refs are refused before git or vnetlint sees them, or fail there as data.
for hostile in 'main; touch PWNED_b' '$(touch PWNED_b2)' "--output=$work/PWNED_b3" '`touch PWNED_b4`' \
  $'origin/main\ntouch PWNED_b5' 'origin/`touch${IFS}PWNED_b6`' '-c core.pager=touch PWNED_b7'; do
  status=0; run_diff widen "$binary" "$hostile" -net || status=$?
  if [ "$status" = 2 ] && grep -q '::error::' "$work/diff.log" && ! grep -q '^exit-code' "$work/diff.out"; then
    pass "diff: base-ref $(printf %q "$hostile") refused (exit 2, ::error::)"
  else cat "$work/diff.log"; fail "diff: base-ref $(printf %q "$hostile") (status $status)"; fi
done
status=0; run_diff widen "$binary" "" -net "" || status=$?
if [ "$status" = 2 ] && grep -q '::error::mode: diff needs base-ref' "$work/diff.log"; then
  pass "diff: no base-ref outside a pull request: a clear error"
else cat "$work/diff.log"; fail "diff: no base (status $status)"; fi
status=0
(cd "$work/pr-widen" && env -i PATH="$PATH" VNETLINT="$work/stub" STUB_LOG="$work/argv-m" INPUT_MODE='$(touch PWNED_m)' \
  GITHUB_OUTPUT=/dev/null "$here/run.sh") >"$work/m.log" 2>&1 || status=$?
if [ "$status" = 2 ] && grep -q 'mode must be check or diff' "$work/m.log" && [ ! -e "$work/argv-m" ]; then
  pass "gate: a hostile mode is refused"; else cat "$work/m.log"; fail "gate: hostile mode"; fi
pwned "diff"

# --- can-upload.sh
decide() { # UPLOAD EVENT_NAME EVENT_FILE -> prints upload=...
  : >"$work/up.out"
  env -i PATH="$PATH" GITHUB_OUTPUT="$work/up.out" INPUT_UPLOAD="$1" GITHUB_EVENT_NAME="$2" \
    GITHUB_EVENT_PATH="$3" GITHUB_REPOSITORY=o/r GITHUB_TOKEN= "$here/can-upload.sh" >"$work/up.log" 2>&1
}
echo '{"pull_request":{"head":{"repo":{"full_name":"fork/r","fork":true}}}}' >"$work/fork.json"
decide true push "" && grep -qx 'upload=true' "$work/up.out" && pass "upload: true forces it" || fail "upload: true"
decide false push "" && grep -qx 'upload=false' "$work/up.out" && pass "upload: false" || fail "upload: false"
decide auto pull_request "$work/fork.json" && grep -qx 'upload=false' "$work/up.out" && grep -q 'fork' "$work/up.log" \
  && pass "upload: auto skips a fork's pull request with a notice" || fail "upload: fork"
decide auto push "" && grep -qx 'upload=false' "$work/up.out" && grep -q '::notice' "$work/up.log" \
  && pass "upload: auto without a token skips with a notice" || fail "upload: no token"
! decide '$(touch PWNED_u)' push "" && grep -q 'upload must be' "$work/up.log" \
  && pass "upload: a hostile value is refused" || fail "upload: hostile"
pwned "upload"

if [ "$failures" -gt 0 ]; then echo "action test: $failures failed"; exit 1; fi
echo "action test: all passed"
