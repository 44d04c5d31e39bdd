#!/usr/bin/env bash
# Runs the action's steps (scripts/action/*.sh) as the runner would, with hostile inputs —
# spaces, `$(…)`, backticks, quotes, newlines, a leading dash — and checks that each reaches
# vnetlint as one argument of data: nothing runs, no output is forged. The release download
# is served from a local folder (file://) holding an archive of the binary given.
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
  && [ -s "$work/ws/$hostile_sarif" ] && [ "$(get "$o" errors)" -gt 0 ] \
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
