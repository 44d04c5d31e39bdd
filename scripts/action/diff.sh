#!/usr/bin/env bash
# The action's gate in `mode: diff` (run.sh hands over to it): what the change newly allows and
# newly blocks, `vnetlint diff --base-ref REF` on the paths (REF's version read from git's
# objects, the checkout as HEAD). Fetches REF when it is `origin/<branch>` and not in the clone
# yet (a shallow checkout), prints the report in the chosen format, writes the markdown report
# (appended to the job summary) and the SARIF log for the upload step (category vnetlint-diff),
# and exits with vnetlint's status (1: a change at or above `fail-on`). Reads only environment
# variables, each input as data, never as shell text:
#   VNETLINT          the vnetlint binary
#   INPUT_BASE_REF    the branch, tag or commit to compare with; empty: origin/$GITHUB_BASE_REF
#   INPUT_PATH        files or directories, one per line (spaces are part of a path)
#   INPUT_FAIL_ON     error, warning, note or never; empty: vnetlint's own default or vnetlint.toml
#   INPUT_FORMAT      text, json, sarif or markdown (what the log shows)
#   INPUT_ARGS        more arguments to `vnetlint diff`, one per line
#   INPUT_SARIF_FILE  where the SARIF log is written
#   GITHUB_BASE_REF   a pull request's base branch (set by the runner on pull_request events)
#   GITHUB_SERVER_URL, GITHUB_REPOSITORY, GITHUB_SHA (the markdown's links), GITHUB_OUTPUT,
#   GITHUB_STEP_SUMMARY, RUNNER_TEMP   (set by the runner)
#   VNETLINT_SUMMARY_LIMIT  the most bytes appended to the job summary (default 900000: the
#                     runner refuses a step summary over 1 MiB); the markdown file stays whole
# Outputs: base-ref, sarif-file, sarif-category, markdown-file, findings, errors, warnings,
# notes, exit-code.
set -euo pipefail

vnetlint="${VNETLINT:?VNETLINT is not set}"
out="${GITHUB_OUTPUT:-/dev/null}"
category="vnetlint-diff"

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
  json | sarif | markdown) style=("--format=$format") ;;
  *) echo "::error::format must be text, json, sarif or markdown"; exit 2 ;;
esac
sarif="${INPUT_SARIF_FILE:-vnetlint.sarif}"
temp="${RUNNER_TEMP:-${TMPDIR:-/tmp}}"
markdown="$temp/vnetlint-diff.md"
link_base=()
if [ -n "${GITHUB_SERVER_URL:-}" ] && [ -n "${GITHUB_REPOSITORY:-}" ] && [ -n "${GITHUB_SHA:-}" ]; then
  link_base=("--link-base=$GITHUB_SERVER_URL/$GITHUB_REPOSITORY/blob/$GITHUB_SHA")
fi

# The base: the input, else the pull request's base branch as the checkout's remote has it.
base="${INPUT_BASE_REF:-}"
if [ -z "$base" ]; then
  if [ -n "${GITHUB_BASE_REF:-}" ]; then
    base="origin/$GITHUB_BASE_REF"
  else
    echo "::error::mode: diff needs base-ref (a branch, tag or commit to compare with), or a pull_request event, whose base branch it compares with"
    exit 2
  fi
fi
# A ref is one word of data: never an option (leading dash), never spaces or control characters.
case "$base" in
  -* | *[[:space:]]* | *[[:cntrl:]]*)
    echo "::error::base-ref must be a git branch, tag or commit (no leading dash, spaces or control characters)"
    exit 2 ;;
esac
if ! git rev-parse --git-dir >/dev/null 2>&1; then
  echo "::error::mode: diff needs the repository checked out with git (actions/checkout) in the working directory"
  exit 2
fi
if ! git rev-parse --verify --quiet "$base^{commit}" >/dev/null; then
  # A shallow checkout (actions/checkout's default) lacks the base branch: fetch its tip.
  branch="${base#origin/}"
  if [ "$branch" != "$base" ] && [[ "$branch" != [-+]* ]] && git check-ref-format "refs/heads/$branch"; then
    depth=()
    if [ "$(git rev-parse --is-shallow-repository)" = true ]; then depth=(--depth=1); fi
    echo "vnetlint: $base is not in the clone; fetching $branch from origin"
    git fetch --no-tags "${depth[@]}" origin "+refs/heads/$branch:refs/remotes/origin/$branch" \
      || echo "::warning::git fetch of $branch from origin failed"
  fi
  if ! git rev-parse --verify --quiet "$base^{commit}" >/dev/null; then
    echo "::error::base-ref $base is not a commit of this clone: check out with fetch-depth: 0, or name a branch as origin/<branch> so that the action fetches it"
    exit 2
  fi
fi
output base-ref "$base"

# The gate first: its status is the step's result, whatever the later runs do.
status=0
"$vnetlint" diff "--base-ref=$base" "${style[@]}" "${fail_on[@]}" "${extra[@]}" -- "${paths[@]}" || status=$?

sarif_out=""
markdown_out=""
counts="$temp/vnetlint-diff-counts.json"
rm -f "$counts"
if [ "$status" -le 1 ]; then
  # The markdown report (job summary, pull request comments), the SARIF log for code scanning
  # and the counts for the outputs; none gates.
  if "$vnetlint" diff "--base-ref=$base" --format=markdown --fail-on=never "--output=$markdown" \
    "${link_base[@]}" "${extra[@]}" -- "${paths[@]}"; then
    markdown_out="$markdown"
    if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
      limit="${VNETLINT_SUMMARY_LIMIT:-900000}"
      if [ "$(wc -c <"$markdown")" -le "$limit" ]; then
        { cat "$markdown"; echo; } >>"$GITHUB_STEP_SUMMARY"
      else # whole lines up to the limit, then a note
        { LC_ALL=C awk -v max="$limit" '{ n += length($0) + 1; if (n > max) exit; print }' "$markdown"
          printf '\n… the report is longer than the job summary takes: see the markdown-file output\n\n'
        } >>"$GITHUB_STEP_SUMMARY"
      fi
    fi
  else
    echo "::warning::vnetlint could not write the markdown report"
  fi
  if "$vnetlint" diff "--base-ref=$base" --format=sarif --fail-on=never "--output=$sarif" \
    "${extra[@]}" -- "${paths[@]}"; then
    sarif_out="$sarif"
    # upload-sarif's `category` applies only to a run without automationDetails: vnetlint diff
    # writes its own id (`vnetlint-diff/`, check writes `vnetlint/`), which keeps them apart.
    grep -q "\"id\": \"$category/\"" "$sarif" \
      || echo "::warning::the SARIF log has no automationDetails id $category/: code scanning may merge it with vnetlint check's"
  else
    echo "::warning::vnetlint could not write the SARIF log"
  fi
  "$vnetlint" diff "--base-ref=$base" --format=json --fail-on=never "--output=$counts" "${extra[@]}" \
    -- "${paths[@]}" >/dev/null 2>&1 || true
fi
count() { # the value of $1 in the JSON's summary object
  local value
  value=$(sed -n "/^  \"summary\": {\$/,/^  }/s/^    \"$1\": \\([0-9][0-9]*\\),\\{0,1\\}\$/\\1/p" "$counts" 2>/dev/null | head -n 1)
  printf '%s' "${value:-0}"
}

output sarif-file "$sarif_out"
output sarif-category "$category"
output markdown-file "$markdown_out"
output findings "$(count findings)"
output errors "$(count errors)"
output warnings "$(count warnings)"
output notes "$(count notes)"
output exit-code "$status"
exit "$status"
