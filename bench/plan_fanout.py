"""Time budgets and Ray fan-out, side by side on one machine (issue 15).

One tiny vision job (MNIST-5k, `ROWS` digits, two ResNet-10t members trained from scratch, `EPOCHS` epochs each):
  plan      `plan(job, budget)`: each member probed on a few real batches; its estimate against the time it took when
            `train_plan` trained it (the budget is generous: nothing is cut, so every estimate is checked)
  loop      `train_job`: the members one after another in this process (torch's default threads)
  ray       `train_ray` on a local `ray.init(num_cpus=CPUS)`: one task per member, one CPU (one thread) each
Fresh run directories each time. Prints a Markdown table for BENCHMARKS.md.
Run: `python bench/plan_fanout.py` (about 3 minutes on 2 CPU cores).
"""
import os, io, time, tempfile, contextlib, warnings
warnings.filterwarnings('ignore')
import numpy as np, torch
from pathlib import Path
from fastscale.jobs import train_job
from fastscale.plan import train_plan
from fastscale.fanout import train_ray

ROWS, EPOCHS, CPUS = 800, 2, os.cpu_count()
tmp = Path(tempfile.mkdtemp())
def job(run): return dict(task='vision', run=str(tmp/run), data=dict(source='mnist5k', rows=ROWS, test_rows=200),
                          defaults=dict(bs=32, epochs=EPOCHS, pretrained=False, finetune=False, n_tta=2, lr=3e-3, do_flip=False),
                          members={'resnet10t': [dict(item='squish 28', size=28, name='r10-28'), dict(size=32, accum=2, name='r10-32')]})
def quiet(f, *a, **k):
    with contextlib.redirect_stdout(io.StringIO()): return f(*a, **k)

t = time.time(); run = quiet(train_plan, job('plan'), '30m', show=False); t_plan = time.time() - t
p = run.plan
t = time.time(); quiet(train_job, job('loop')); t_loop = time.time() - t
import ray
ray.init(num_cpus=CPUS, include_dashboard=False, log_to_driver=False)
t = time.time(); quiet(train_ray, job('ray'), show=False); t_ray = time.time() - t
ray.shutdown()

print(f'{ROWS} digits, 2 members x {EPOCHS} epochs, {CPUS} CPU cores, torch threads {torch.get_num_threads()}\n')
print('| member | estimated (s) | took (s) | took / estimated |\n|---|---|---|---|')
for r in p.itertuples(): print(f'| {r.member} | {r.est_s:.1f} | {r.took_s:.1f} | {r.took_s / r.est_s:.2f} |')
print(f"\nplan: probes {p.attrs['probe_s']:.1f} s; train_plan in all {t_plan:.1f} s\n")
print('| how | wall (s) | vs loop |\n|---|---|---|')
print(f'| loop (`train_job`) | {t_loop:.1f} | 1.00 |')
print(f'| Ray, {CPUS} tasks of 1 CPU (`train_ray`) | {t_ray:.1f} | {t_loop / t_ray:.2f}x |')
