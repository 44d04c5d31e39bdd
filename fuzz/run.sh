#!/usr/bin/env bash
# Runs each cargo-fuzz target for a bounded time: fuzz/run.sh [SECONDS] [TARGET...]
# (default 60 s, every target). New inputs go to fuzz/work/<target> (ignored by git); the
# committed seeds in fuzz/corpus/<target> and the fixtures of testdata/cases are only read.
# Crashes land in fuzz/artifacts/<target> and make the script exit 1 after the remaining
# targets ran; the executions of each target are printed at the end.
#
# The toolchain: FUZZ_TOOLCHAIN when set (e.g. +nightly); else nightly when rustup has it; else
# the machine's stable toolchain with RUSTC_BOOTSTRAP=1, which lets the same compiler accept the
# -Z flags cargo-fuzz passes (-Zsanitizer=address; the sanitizer runtime ships with stable's
# standard library). A fresh CI machine has only stable and can fetch no other toolchain, so
# this is what makes CI fuzz for real instead of skipping.
# Without `cargo fuzz` (crates.io: cargo install cargo-fuzz) it exits 1 when FUZZ_REQUIRED=1
# (.ci/run), and otherwise prints why and exits 0 (a developer without it).
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${1:-60}"
shift || true
targets=("$@")
if [ "${#targets[@]}" -eq 0 ]; then
  targets=(hcl arm plan connstr engine eval)
fi
if [ -n "${FUZZ_TOOLCHAIN:-}" ]; then
  toolchain=("$FUZZ_TOOLCHAIN")
elif rustup run nightly rustc --version >/dev/null 2>&1; then
  toolchain=(+nightly)
else
  toolchain=()
  export RUSTC_BOOTSTRAP=1
fi
echo "fuzzing with $(cargo "${toolchain[@]}" --version)${RUSTC_BOOTSTRAP:+ (stable, RUSTC_BOOTSTRAP=1 for the -Z flags of cargo-fuzz)}"

if ! cargo "${toolchain[@]}" fuzz --version >/dev/null 2>&1; then
  if [ "${FUZZ_REQUIRED:-0}" = 1 ]; then
    echo "FUZZING FAILED TO START: \`cargo ${toolchain[*]} fuzz\` is not available (cargo install cargo-fuzz)"
    exit 1
  fi
  echo "fuzzing skipped: \`cargo ${toolchain[*]} fuzz\` is not available (cargo install cargo-fuzz)"
  exit 0
fi

# One build for all targets, so that each target's time is spent fuzzing.
cargo "${toolchain[@]}" fuzz build --release

mkdir -p fuzz/work
failed=()
summary=()
for target in "${targets[@]}"; do
  mkdir -p "fuzz/work/$target"
  log="fuzz/work/$target.log"
  echo "== fuzz $target for ${seconds}s"
  status=0
  # -timeout flags a single input running over 10 s as a hang; -max_len keeps inputs to the
  # size where the frontends' behaviour varies (large inputs are the hostile suite's job).
  # The fixtures of testdata/cases are seeds too (libFuzzer reads corpus folders recursively),
  # so fuzz/corpus/ holds only the hand-made inputs no fixture has.
  seeds=("fuzz/corpus/$target")
  case "$target" in
    hcl) seeds+=(testdata/cases/terraform) ;;
    arm) seeds+=(testdata/cases/arm) ;;
    plan) seeds+=(testdata/cases/plan) ;;
    eval) seeds+=(testdata/hostile) ;;
  esac
  cargo "${toolchain[@]}" fuzz run --release "$target" "fuzz/work/$target" "${seeds[@]}" -- \
    -max_total_time="$seconds" -timeout=10 -max_len=16384 -print_final_stats=1 \
    >"$log" 2>&1 || status=$?
  runs=$(grep -Eo 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -Eo '[0-9]+$' | tail -1)
  summary+=("$target: ${runs:-?} executions in ${seconds}s (exit $status)")
  if [ "$status" -ne 0 ]; then
    tail -40 "$log"
    failed+=("$target")
  fi
done

echo "== fuzz summary"
printf '%s\n' "${summary[@]}"
if [ "${#failed[@]}" -gt 0 ]; then
  echo "crashes or errors in: ${failed[*]} (inputs under fuzz/artifacts/, logs under fuzz/work/)"
  exit 1
fi
