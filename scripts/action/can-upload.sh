#!/usr/bin/env bash
# Decides whether the SARIF upload step runs. Reads only environment variables:
#   INPUT_UPLOAD  true, false or auto (auto: upload only where code scanning takes it)
#   GITHUB_TOKEN, GITHUB_API_URL, GITHUB_REPOSITORY, GITHUB_EVENT_NAME, GITHUB_OUTPUT
#   GITHUB_EVENT_PATH  (a pull request from a fork gets a read-only token: no upload)
# Writes `upload=true|false`; explains every skip with a notice.
set -euo pipefail
out="${GITHUB_OUTPUT:-/dev/null}"
decide() {
  [ "$1" = false ] && [ -n "${2:-}" ] && echo "::notice title=vnetlint::SARIF upload skipped: $2"
  printf 'upload=%s\n' "$1" >>"$out"
  exit 0
}
case "${INPUT_UPLOAD:-auto}" in
  true) decide true ;;
  false) decide false ;;
  auto) ;;
  *) echo "::error::upload must be true, false or auto"; exit 2 ;;
esac

if [[ "${GITHUB_EVENT_NAME:-}" = pull_request* ]] && [ -r "${GITHUB_EVENT_PATH:-}" ]; then
  # A pull request whose head lives in another repository (a fork) gets a read-only token.
  head=$(python3 -c 'import json,sys; e=json.load(open(sys.argv[1])); print(((e.get("pull_request") or {}).get("head") or {}).get("repo", {}).get("full_name") or "")' "$GITHUB_EVENT_PATH" 2>/dev/null || true)
  if [ -n "$head" ] && [ "$head" != "${GITHUB_REPOSITORY:-}" ]; then
    decide false "a pull request from a fork ($head) has a read-only token"
  fi
fi
[ -n "${GITHUB_TOKEN:-}" ] || decide false "no token (input token)"
[ -n "${GITHUB_REPOSITORY:-}" ] || decide false "GITHUB_REPOSITORY is not set"
code=$(curl --silent --output /dev/null --write-out '%{http_code}' \
  -H "Authorization: Bearer $GITHUB_TOKEN" -H "Accept: application/vnd.github+json" \
  "${GITHUB_API_URL:-https://api.github.com}/repos/$GITHUB_REPOSITORY/code-scanning/analyses?per_page=1" || true)
case "$code" in
  200) decide true ;;
  *) decide false "code scanning is not available to this token here (HTTP $code); set upload: true to force it, or enable code scanning and grant security-events: write" ;;
esac
