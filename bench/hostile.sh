#!/usr/bin/env bash
# Resource ceilings on hostile inputs (issue 13): builds the release binary and runs
# bench/hostile.py, which runs vnetlint on each input under a 4 GiB address-space limit
# (prlimit) and fails when one takes 10 s or more, peaks at 1 GB or more, crashes, or misses
# its finding. Run by .ci/run; figures are wall time and peak memory of one run each.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --locked --quiet --bin vnetlint
exec python3 bench/hostile.py --binary target/release/vnetlint "$@"
