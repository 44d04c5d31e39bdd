#!/usr/bin/env bash
# The action's fallback when no release archive matches: builds vnetlint from the action's own
# checkout with cargo into VNETLINT_CACHE (restored by actions/cache, so the build happens once
# per version). Reads only environment variables: GITHUB_ACTION_PATH, VNETLINT_CACHE,
# GITHUB_OUTPUT, GITHUB_PATH.
set -euo pipefail
root="${VNETLINT_CACHE:?VNETLINT_CACHE is not set}"
exe=vnetlint
[ "${RUNNER_OS:-}" = Windows ] && exe=vnetlint.exe
if [ ! -x "$root/bin/$exe" ]; then
  command -v cargo >/dev/null 2>&1 || { echo "::error::no release binary and no cargo to build vnetlint with"; exit 1; }
  cargo install --locked --path "${GITHUB_ACTION_PATH:?}/crates/vnetlint" --root "$root"
fi
"$root/bin/$exe" --version
printf 'binary=%s\n' "$root/bin/$exe" >>"${GITHUB_OUTPUT:-/dev/null}"
if [ -n "${GITHUB_PATH:-}" ]; then printf '%s\n' "$root/bin" >>"$GITHUB_PATH"; fi
