#!/usr/bin/env bash
# Benchmark side by side with checkov (issue 8, items 5 and 6): bench/compare.sh [--scale]
#
# Builds vnetlint in release mode, generates the corpus deterministically (bench/gen_corpus.py:
# 1,000 Terraform modules and 200 ARM templates; MODULES and ARM override the counts), installs
# checkov into a throwaway virtual environment under target/bench when it is not on PATH, and
# prints for the same input vnetlint's and checkov's wall time and peak memory (median of RUNS,
# default 3), their ratio, and vnetlint's time against the hcl-edit parse-only floor of the same
# files. --scale adds vnetlint on 250, 500, 1,000 and 2,000 modules and the per-NSG analysis on
# 100, 1,000 and 4,000 rules (plus the dense and copies inputs of benches/ruleset.rs;
# `python3 bench/compare.py --engine-only` runs that step alone). NO_CHECKOV=1 skips checkov (for
# a machine without PyPI access).
# Figures and the machine they came from are recorded in docs/performance.md.
set -euo pipefail
cd "$(dirname "$0")/.."

runs="${RUNS:-3}"
modules="${MODULES:-1000}"
templates="${ARM:-200}"
out=target/bench
mkdir -p "$out"

echo "== machine"
echo "cpus: $(nproc); $(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | xargs)"
free -h 2>/dev/null | head -2 || true

echo "== build"
cargo build --release --locked --quiet -p vnetlint
# Builds the bench binaries now, so that compiling them is not timed (they time themselves).
cargo bench --locked --quiet --no-run -p vnetlint-terraform --bench parse_floor 2>/dev/null
cargo bench --locked --quiet --no-run -p vnetlint-engine --bench ruleset 2>/dev/null
git log -1 --format='vnetlint at %h %s' 2>/dev/null || true

echo "== corpus"
python3 bench/gen_corpus.py "$out/corpus" --modules "$modules" --arm "$templates"

checkov_args=()
if [ "${NO_CHECKOV:-0}" != 1 ]; then
  if command -v checkov >/dev/null 2>&1; then
    checkov=$(command -v checkov)
  else
    venv="$out/venv"
    if [ ! -x "$venv/bin/checkov" ]; then
      echo "== installing checkov into $venv (throwaway)"
      python3 -m venv "$venv"
      "$venv/bin/pip" install --quiet checkov
    fi
    checkov="$venv/bin/checkov"
  fi
  echo "checkov $("$checkov" --version)"
  checkov_args=(--checkov "$checkov")
fi

python3 bench/compare.py --corpus "$out/corpus" --vnetlint target/release/vnetlint \
  --runs "$runs" "${checkov_args[@]}" "$@"
