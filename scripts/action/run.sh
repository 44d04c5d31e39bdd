#!/usr/bin/env bash
# The action's gate: analyzes the paths, writes the SARIF log for the upload step, prints the
# report in the chosen format and exits with vnetlint's status (1: findings at or above
# `fail-on`). With INPUT_MODE=diff it hands over to diff.sh (what a change newly allows).
# Reads only environment variables, each input as data, never as shell text:
#   VNETLINT          the vnetlint binary
#   INPUT_MODE        check (the default) or diff
#   INPUT_PATH        files or directories, one per line (spaces are part of a path)
#   INPUT_FAIL_ON     error, warning, note or never; empty: vnetlint's own default or vnetlint.toml
#   INPUT_FORMAT      text, json or sarif (what the log shows)
#   INPUT_ARGS        more arguments to `vnetlint check`, one per line
#   INPUT_SARIF_FILE  where the SARIF log is written
#   GITHUB_SERVER_URL, GITHUB_REPOSITORY, GITHUB_OUTPUT, RUNNER_TEMP   (set by the runner)
# Outputs: sarif-file, sarif-category, findings, errors, warnings, notes, exit-code.
set -euo pipefail

case "${INPUT_MODE:-check}" in
  check) ;;
  diff) exec "$(dirname "${BASH_SOURCE[0]}")/diff.sh" ;;
  *) echo "::error::mode must be check or diff"; exit 2 ;;
esac

vnetlint="${VNETLINT:?VNETLINT is not set}"
out="${GITHUB_OUTPUT:-/dev/null}"

# One output per call in the runner's `name<<delimiter` form, so a value holding a newline
# cannot add outputs of its own.
output() {
  local delimiter="vnetlint_$RANDOM$RANDOM$RANDOM"
  printf '%s<<%s\n%s\n%s\n' "$1" "$delimiter" "$2" "$delimiter" >>"$out"
}

lines() { # splits $1 into the array named $2, one element per non-empty line
  local -n into=$2
  into=()
  local line
  while IFS= read -r line || [ -n "$line" ]; do
    line="${line%$'\r'}"
    if [ -n "$line" ]; then into+=("$line"); fi
  done <<<"$1"
}

paths=()
extra=()
lines "${INPUT_PATH:-.}" paths
[ "${#paths[@]}" -gt 0 ] || paths=(.)
lines "${INPUT_ARGS:-}" extra

fail_on=()
case "${INPUT_FAIL_ON:-}" in
  "") ;;
  error | warning | note | never) fail_on=("--fail-on=$INPUT_FAIL_ON") ;;
  *) echo "::error::fail-on must be error, warning, note or never"; exit 2 ;;
esac
format="${INPUT_FORMAT:-text}"
case "$format" in
  text) style=(--format=text --color=always) ;;
  json | sarif) style=("--format=$format") ;;
  *) echo "::error::format must be text, json or sarif"; exit 2 ;;
esac
sarif="${INPUT_SARIF_FILE:-vnetlint.sarif}"
repo_uri=()
if [ -n "${GITHUB_SERVER_URL:-}" ] && [ -n "${GITHUB_REPOSITORY:-}" ]; then
  repo_uri=("--repository-uri=$GITHUB_SERVER_URL/$GITHUB_REPOSITORY")
fi

# The gate first: its status is the step's result, whatever the later runs do.
status=0
"$vnetlint" check "${style[@]}" "${fail_on[@]}" "${extra[@]}" -- "${paths[@]}" || status=$?

# The SARIF log for code scanning and the counts for the outputs; neither gates.
"$vnetlint" check --format=sarif --fail-on=never --quiet "--output=$sarif" "${repo_uri[@]}" \
  "${extra[@]}" -- "${paths[@]}" || echo "::warning::vnetlint could not write the SARIF log"
counts="${RUNNER_TEMP:-${TMPDIR:-/tmp}}/vnetlint-counts.json"
"$vnetlint" check --format=json --fail-on=never --quiet "--output=$counts" "${extra[@]}" \
  -- "${paths[@]}" >/dev/null 2>&1 || true
count() { # the summary's value of $1 (the summary precedes the findings in the JSON)
  local value
  value=$(sed -n "s/^    \"$1\": \\([0-9][0-9]*\\),\\{0,1\\}\$/\\1/p" "$counts" 2>/dev/null | head -n 1)
  printf '%s' "${value:-0}"
}

output sarif-file "$sarif"
output sarif-category vnetlint
output findings "$(count findings)"
output errors "$(count errors)"
output warnings "$(count warnings)"
output notes "$(count notes)"
output exit-code "$status"
exit "$status"
