#!/usr/bin/env bash
# Packs one release archive: scripts/release/package.sh BINARY TARGET OUT_DIR
# writes OUT_DIR/vnetlint-TARGET.tar.gz (.zip for Windows targets), holding the folder
# vnetlint-TARGET/ with the binary, LICENSE-MIT, LICENSE-APACHE, README.md and CHANGELOG.md,
# and OUT_DIR/vnetlint-TARGET.<ext>.sha256 (`<hex>  <name>`, as `sha256sum -c` reads it).
# The archive names are the contract of the GitHub Action's download (scripts/action/install.sh),
# whose test packs its stand-in release with this script.
set -euo pipefail
binary=$1 target=$2 out=$3
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
name="vnetlint-$target"
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/$name" "$out"
out=$(cd "$out" && pwd)
exe=vnetlint
case "$target" in *windows*) exe=vnetlint.exe ;; esac
cp "$binary" "$stage/$name/$exe"
cp "$repo/LICENSE-MIT" "$repo/LICENSE-APACHE" "$repo/README.md" "$repo/CHANGELOG.md" "$stage/$name/"
case "$target" in
  *windows*)
    archive="$name.zip"
    rm -f "$out/$archive"
    if command -v 7z >/dev/null 2>&1; then
      (cd "$stage" && 7z a -tzip -bso0 "$out/$archive" "$name")
    else
      (cd "$stage" && zip -qr "$out/$archive" "$name")
    fi
    ;;
  *)
    archive="$name.tar.gz"
    # With GNU tar (gtar on macOS): sorted names, fixed owner and times, so the same inputs
    # give the same archive.
    gnu_tar=$(command -v gtar || command -v tar)
    if "$gnu_tar" --version 2>/dev/null | grep -q GNU; then
      "$gnu_tar" --sort=name --owner=0 --group=0 --numeric-owner --mtime='2000-01-01 00:00Z' \
        -C "$stage" -cf - "$name" | gzip -n >"$out/$archive"
    else
      tar -C "$stage" -cf - "$name" | gzip -n >"$out/$archive"
    fi
    ;;
esac
if command -v sha256sum >/dev/null 2>&1; then
  (cd "$out" && sha256sum "$archive" >"$archive.sha256")
else
  (cd "$out" && shasum -a 256 "$archive" >"$archive.sha256")
fi
echo "$out/$archive"
