#!/usr/bin/env bash
# Tries the pre-commit hook as a user would: `pre-commit try-repo` against this checkout, on a
# throwaway git repository holding the bundled example. Installs pre-commit into a venv under
# target/ (PyPI), and lets pre-commit build vnetlint with cargo (language: rust).
# Usage: bench/try-pre-commit.sh   (exit 0 when the hook ran and reported the example's findings)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
venv="$repo/target/pre-commit-venv"
[ -x "$venv/bin/pre-commit" ] || { python3 -m venv "$venv" && "$venv/bin/pip" install -q pre-commit; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r "$repo/testdata/examples/ase-sql" "$work/infra"
cd "$work"
git init -q . && git add -A && git -c user.email=t@t -c user.name=t commit -qm example
status=0
PRE_COMMIT_HOME="$repo/target/pre-commit-home" "$venv/bin/pre-commit" try-repo "$repo" vnetlint --all-files > "$work/out.txt" 2>&1 || status=$?
cat "$work/out.txt"
# The example has findings at error level, so the hook must fail and show them.
if [ "$status" -ne 0 ] && grep -q "VNL101" "$work/out.txt"; then
    echo "try-pre-commit: the hook ran and reported the example's findings"
else
    echo "try-pre-commit: unexpected result (exit $status)"; exit 1
fi
