#!/usr/bin/env bash
# The action's first step: downloads the release archive of vnetlint for this runner's OS and
# architecture, verifies its SHA-256 against the release's checksum file, and puts the binary on
# PATH. Reads only environment variables (the action passes every input through `env:`):
#   VNETLINT_VERSION   a release (`1.2.3` or `v1.2.3`), `latest`, or empty: the action's own
#                      tag when it is a release tag (`v1.2.3`), else `latest`
#   GITHUB_ACTION_REF  the ref the workflow used the action at (set by the runner)
#   RUNNER_OS, RUNNER_ARCH, RUNNER_TEMP, GITHUB_OUTPUT, GITHUB_PATH   (set by the runner)
#   VNETLINT_RELEASES  where releases are downloaded from (default: the GitHub releases of
#                      vnetlint/vnetlint; the tests point it at a local folder with file://)
# Writes `binary=<path>` and `fallback=false`, or `fallback=true` with a notice when no release
# archive matches (the action then builds with cargo, cached).
set -euo pipefail

releases="${VNETLINT_RELEASES:-https://github.com/vnetlint/vnetlint/releases}"
version="${VNETLINT_VERSION:-}"
ref="${GITHUB_ACTION_REF:-}"
out="${GITHUB_OUTPUT:-/dev/null}"

if [ -z "$version" ]; then
  if [[ "$ref" =~ ^v[0-9]+\.[0-9]+\.[0-9]+([-+][0-9A-Za-z.-]+)?$ ]]; then
    version="$ref"
  else
    version=latest
  fi
fi
if [ "$version" != latest ]; then
  if ! [[ "$version" =~ ^v?[0-9]+\.[0-9]+\.[0-9]+([-+][0-9A-Za-z.-]+)?$ ]]; then
    echo "::error::version must be a release number such as 1.2.3 or latest, not: $version"
    exit 1
  fi
  version="v${version#v}"
fi

ext=tar.gz
exe=vnetlint
case "${RUNNER_OS:-}/${RUNNER_ARCH:-}" in
  Linux/X64) target=x86_64-unknown-linux-musl ;;
  Linux/ARM64) target=aarch64-unknown-linux-musl ;;
  macOS/X64) target=x86_64-apple-darwin ;;
  macOS/ARM64) target=aarch64-apple-darwin ;;
  Windows/X64) target=x86_64-pc-windows-msvc ext=zip exe=vnetlint.exe ;;
  *) target= ;;
esac

fallback() {
  echo "::notice title=vnetlint::$1; building vnetlint with cargo instead (cached between runs)"
  # The cache is keyed by the sources' lock file and manifest, so a moved ref rebuilds.
  local sources="${GITHUB_ACTION_PATH:-.}" digest
  digest=$(cat "$sources/Cargo.lock" "$sources/crates/vnetlint/Cargo.toml" 2>/dev/null | { sha256sum 2>/dev/null || shasum -a 256; } | cut -c1-16) || true
  printf 'fallback=true\ncache-key=vnetlint-cargo-%s-%s-%s\n' "${RUNNER_OS:-}" "${RUNNER_ARCH:-}" "$digest" >>"$out"
  exit 0
}

[ -n "$target" ] || fallback "no release binary for ${RUNNER_OS:-?} ${RUNNER_ARCH:-?}"
archive="vnetlint-$target.$ext"
if [ "$version" = latest ]; then
  base="$releases/latest/download"
else
  base="$releases/download/$version"
fi

dest="${RUNNER_TEMP:?RUNNER_TEMP is not set}/vnetlint-release"
rm -rf "$dest"
mkdir -p "$dest"
fetch() { curl --fail --silent --show-error --location --retry 3 --output "$2" "$1"; }
if ! fetch "$base/$archive" "$dest/$archive" || ! fetch "$base/$archive.sha256" "$dest/$archive.sha256"; then
  fallback "no release archive $archive for vnetlint $version"
fi

# The checksum file is `<hex>  <name>`; only the hex is trusted, compared with our own hash.
read -r expected _ <"$dest/$archive.sha256" || true
if command -v sha256sum >/dev/null 2>&1; then
  read -r actual _ < <(sha256sum "$dest/$archive")
else
  read -r actual _ < <(shasum -a 256 "$dest/$archive")
fi
if ! [[ "${expected:-}" =~ ^[0-9a-fA-F]{64}$ ]] || [ "${expected,,}" != "${actual,,}" ]; then
  echo "::error::checksum mismatch for $archive: expected ${expected:-nothing}, got $actual"
  exit 1
fi
echo "verified $archive (sha256 $actual)"

if [ "$ext" = zip ]; then
  unzip -q -o "$dest/$archive" -d "$dest"
else
  tar -xzf "$dest/$archive" -C "$dest"
fi
binary=$(find "$dest" -type f -name "$exe" | head -n 1)
[ -n "$binary" ] || { echo "::error::$archive holds no $exe"; exit 1; }
chmod +x "$binary"
"$binary" --version
printf 'binary=%s\nfallback=false\n' "$binary" >>"$out"
if [ -n "${GITHUB_PATH:-}" ]; then dirname "$binary" >>"$GITHUB_PATH"; fi
