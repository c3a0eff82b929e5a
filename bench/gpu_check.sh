#!/usr/bin/env bash
# One command for the next GPU: the `cuda`-flagged notebook tests, bench/gpu_throughput.py and both `--full` demos, in at
# most 9 minutes, ending with one table (tests passed/failed, the throughput line, the demos' hold-outs and times).
#
#   bash ../shared/device/pack.sh                            # on the dev machine: wheels + assets into .device/
#   source .device/env.sh && bash bench/gpu_check.sh         # on the GPU machine (carry .device)
#   bash bench/gpu_check.sh --device cpu --smoke             # here: every step, small, on the CPU: checks that it runs
#
# Each step gets what is left of the 9 minutes (at most its own cap); a step cut short says `timeout` in the table.
# Logs go to $GPU_CHECK_OUT (default: a new temporary folder), printed at the end.
set -uo pipefail
cd "$(dirname "$0")/.."
DEVICE=cuda; SMOKE=0; BUDGET=${GPU_CHECK_BUDGET:-540}
while [ $# -gt 0 ]; do
  case $1 in
    --device) DEVICE=$2; shift 2 ;;
    --smoke) SMOKE=1; shift ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "gpu_check.sh: unknown argument $1 (expected --device cuda|cpu, --smoke)" >&2; exit 2 ;;
  esac
done
if [ "$DEVICE" = cuda ] && ! python3 -c 'import torch, sys; sys.exit(not torch.cuda.is_available())'; then
  echo "gpu_check.sh: no CUDA GPU here; run with --device cpu --smoke to check the script" >&2; exit 2
fi
OUT=${GPU_CHECK_OUT:-$(mktemp -d "${TMPDIR:-/tmp}/gpu-check.XXXXXX")}; mkdir -p "$OUT"
export FASTSCALE_DEVICE=$DEVICE PYTHONUNBUFFERED=1
t0=$(date +%s)
left() { local l=$(( BUDGET - ($(date +%s) - t0) )); [ "$l" -lt "$1" ] && echo "$l" || echo "$1"; }
step() {  # step NAME CAP CMD...: run CMD with what is left of the budget (at most CAP s); log to $OUT/NAME.log
  local name=$1 cap; cap=$(left "$2"); shift 2
  local s=$(date +%s) rc
  if [ "$cap" -le 5 ]; then echo "skipped (budget spent)" > "$OUT/$name.log"; echo "$name: skipped"; return 124; fi
  timeout "$cap" "$@" > "$OUT/$name.log" 2>&1; rc=$?
  echo "$(( $(date +%s) - s ))" > "$OUT/$name.secs"
  echo "$name: exit $rc in $(cat "$OUT/$name.secs") s (log $OUT/$name.log)"
  return $rc
}

# 1. the notebook tests of every notebook with `#| cuda` cells (their other cells run too); on the CPU, the fast ones
if [ "$SMOKE" = 1 ]; then nbs='00_core|02a_sync'; else nbs=$(grep -l '"#| cuda' nbs/*.ipynb | xargs -n1 basename | sed 's/\.ipynb$//' | paste -sd'|'); fi
flags=$([ "$DEVICE" = cuda ] && echo cuda || echo '')
step tests 200 nbdev_test --path nbs --file_re "^($nbs)\.ipynb$" --flags "$flags" --n_workers 4; tests_rc=$?
n_nbs=$(echo "$nbs" | tr '|' '\n' | wc -l)
n_fail=$(sed -n '/Failed On The Following Notebooks/,$p' "$OUT/tests.log" | grep -cE '^\s+\S+\.ipynb' || true)
[ "$tests_rc" -ne 0 ] && [ "$n_fail" -eq 0 ] && n_fail=$n_nbs   # cut short or crashed: nothing counts as passed

# 2. throughput, side by side with the HF Trainer and plain loops
tp_args=(--device "$DEVICE"); [ "$SMOKE" = 1 ] && tp_args+=(--smoke)
step throughput 220 python3 bench/gpu_throughput.py "${tp_args[@]}"; tp_rc=$?
tp_line=$(grep '^gpu ' "$OUT/throughput.log" | tail -1)

# 3. the demos from fresh folders
demo_args=(--full); [ "$SMOKE" = 1 ] && demo_args=(--rows 200 --epochs 1)
step demo_vision 120 fastscale demo vision --out "$OUT/demo_vision" "${demo_args[@]}"; dv_rc=$?
step demo_text 200 fastscale demo text --out "$OUT/demo_text" "${demo_args[@]}"; dt_rc=$?

python3 - "$OUT" "$DEVICE" "$SMOKE" "$n_nbs" "$n_fail" "$tests_rc" "$tp_rc" "$dv_rc" "$dt_rc" "$tp_line" <<'EOF'
import sys, json
from pathlib import Path
out, device, smoke, n_nbs, n_fail, tests_rc, tp_rc, dv_rc, dt_rc, tp_line = sys.argv[1:]
out = Path(out)
def secs(name): f = out/f'{name}.secs'; return f.read_text().strip() + ' s' if f.exists() else '-'
def status(rc): return 'ok' if rc == '0' else 'timeout' if rc in ('124', '137') else f'failed (exit {rc})'
def demo(task):
    d = out/f'demo_{task}'
    try:
        m, w = json.loads((d/'metrics.json').read_text()), json.loads((d/'weights.json').read_text())
        chosen = w.get('chosen') or w.get('method') or ''
        row = m.get(chosen) or max(m.values(), key=lambda r: r.get('valid_accuracy', 0))
        best = max((r for k, r in m.items() if k not in ('equal', 'caruana', 'scipy', 'best', 'auto')), key=lambda r: r.get('valid_accuracy', 0), default={})
        return f"hold-out {row['test_accuracy']:.4f} (chosen {chosen or '?'}; best member {best.get('test_accuracy', float('nan')):.4f})"
    except Exception as e: return f'no metrics ({type(e).__name__})'
import torch
dev = torch.cuda.get_device_name() if device == 'cuda' else 'CPU'
rows = [('notebook tests' + (' (cuda flag)' if device == 'cuda' else ''), f'{int(n_nbs) - int(n_fail)} passed, {n_fail} failed', secs('tests'), status(tests_rc)),
        ('gpu_throughput.py', tp_line or '-', secs('throughput'), status(tp_rc)),
        ('demo vision' + ('' if smoke == '1' else ' --full'), demo('vision'), secs('demo_vision'), status(dv_rc)),
        ('demo text' + ('' if smoke == '1' else ' --full'), demo('text'), secs('demo_text'), status(dt_rc))]
print(f"\n## gpu_check on {dev} ({'smoke' if smoke == '1' else 'full'}), torch {torch.__version__}\n")
print('| step | result | time | status |\n|---|---|---|---|')
for r in rows: print('| ' + ' | '.join(r) + ' |')
print(f'\nlogs: {out}')
EOF
[ "$tests_rc" -eq 0 ] && [ "$tp_rc" -eq 0 ] && [ "$dv_rc" -eq 0 ] && [ "$dt_rc" -eq 0 ]
