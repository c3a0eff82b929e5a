#!/usr/bin/env bash
# Run the worked examples at the CI size and keep their outputs (tidied, cleaned): what a reader sees on GitHub.
# Usage: .ci/run_examples.sh [finetune_nbs/NB.ipynb ...]  (default: all of them). IN_TEST= (empty) runs the full size.
set -euo pipefail
cd "$(dirname "$0")/.."
export IN_TEST=${IN_TEST-1} MPLBACKEND=module://matplotlib_inline.backend_inline
nbs=("$@"); [ ${#nbs[@]} -eq 0 ] && nbs=(finetune_nbs/[0-9]*.ipynb)
for nb in "${nbs[@]}"; do
  t0=$(date +%s)
  (cd "$(dirname "$nb")" && exec_nb "$(basename "$nb")" --dest "$(basename "$nb")" --exc_stop)
  python .ci/tidy_outputs.py "$nb"
  nbdev_clean --fname "$nb"
  echo "$nb: $(( $(date +%s) - t0 ))s"
done
