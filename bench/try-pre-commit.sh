#!/usr/bin/env bash
# Tries the pre-commit hooks as a user would, on throwaway git repositories:
#  1. `pre-commit try-repo` of this checkout's `vnetlint` hook (language: rust: pre-commit builds
#     the root package with cargo) on the bundled example: fails and shows its findings;
#  2. the same hook on a repository whose only JSON is no template: passes (--allow-empty);
#  3. `vnetlint-system` (the vnetlint on PATH) with `args: [--fail-on, never]` passes and with
#     `args: [--fail-on, warning]` fails on findings: the entry hard-codes no --fail-on.
# Usage: bench/try-pre-commit.sh [VNETLINT_BIN_DIR]   (pre-commit from PyPI into target/)
# The build shares the workspace's target/ (CARGO_TARGET_DIR) so that its dependencies are
# compiled once.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
bin_dir=$(cd "${1:-$repo/target/release}" && pwd)
venv="$repo/target/pre-commit-venv"
if [ ! -x "$venv/bin/pre-commit" ]; then
  if ! { python3 -m venv "$venv" && "$venv/bin/pip" install -q --disable-pip-version-check pre-commit==4.7.0; }; then
    echo "try-pre-commit: cannot install pre-commit from PyPI"; exit 1
  fi
fi
export PRE_COMMIT_HOME="$repo/target/pre-commit-home" CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$repo/target}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
new_repo() { # new_repo NAME: an empty git repository under $work
  mkdir -p "$work/$1" && git -C "$work/$1" init -q .
}
commit() { git -C "$1" add -A && git -C "$1" -c user.email=t@t -c user.name=t commit -qm files; }
expect() { # expect STATUS_WANTED TEXT_WANTED NAME -- command...
  local want=$1 text=$2 name=$3 status=0
  shift 4
  "$@" >"$work/out.txt" 2>&1 || status=$?
  if { [ "$want" = 0 ] && [ "$status" = 0 ]; } || { [ "$want" != 0 ] && [ "$status" != 0 ]; }; then
    if [ -z "$text" ] || grep -q -- "$text" "$work/out.txt"; then echo "ok: $name"; return; fi
  fi
  cat "$work/out.txt"
  echo "FAIL: $name (exit $status)"; failures=$((failures + 1))
}

new_repo example
cp -r "$repo/testdata/examples/ase-sql" "$work/example/infra"
commit "$work/example"
cd "$work/example"
expect 1 VNL101 "try-repo vnetlint (language: rust) reports the example's findings and fails" -- \
  "$venv/bin/pre-commit" try-repo "$repo" vnetlint --all-files
grep -q 'cannot be used multiple times' "$work/out.txt" && { echo "FAIL: duplicate option"; failures=$((failures + 1)); }

new_repo nothing
echo '{"name": "not a template"}' >"$work/nothing/package.json"
commit "$work/nothing"
cd "$work/nothing"
expect 0 Passed "try-repo vnetlint passes on a JSON file that is no template (--allow-empty)" -- \
  "$venv/bin/pre-commit" try-repo "$repo" vnetlint --all-files

# The system hook from this checkout's committed hook definitions, with args as a user sets them.
head=$(git -C "$repo" rev-parse HEAD)
cd "$work/example"
for level in never warning; do
  cat >.pre-commit-config.yaml <<YAML
repos:
  - repo: $repo
    rev: $head
    hooks:
      - id: vnetlint-system
        args: [--fail-on, $level]
YAML
  if [ "$level" = never ]; then want=0 text=Passed; else want=1 text=VNL101; fi
  expect "$want" "$text" "vnetlint-system with args [--fail-on, $level]" -- \
    env PATH="$bin_dir:$PATH" "$venv/bin/pre-commit" run --all-files --config .pre-commit-config.yaml
  grep -q 'cannot be used multiple times' "$work/out.txt" && { echo "FAIL: duplicate option"; failures=$((failures + 1)); }
done

if [ "$failures" -gt 0 ]; then echo "try-pre-commit: $failures failed"; exit 1; fi
echo "try-pre-commit: all passed"
