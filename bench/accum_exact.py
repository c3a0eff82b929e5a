"""How exactly does gradient accumulation reproduce one big batch? fastai's `GradientAccumulation` vs `fastscale.accum.GradAccum`.

Each case trains a LayerNorm MLP with plain SGD (fp32, fixed data order) three times from the same weights: with one big
batch per window (the reference), in micro-batches with fastai's callback, and in micro-batches with `GradAccum`; it prints
max|Δw| against the reference and the wall time of each accumulated run. Run: `python bench/accum_exact.py`.
"""
import time, warnings
from functools import partial
import torch, torch.nn as nn, pandas as pd
from fastai.data.load import DataLoader
from fastai.data.core import DataLoaders
from fastai.learner import Learner
from fastai.losses import CrossEntropyLossFlat
from fastai.optimizer import SGD
from fastai.callback.training import GradientAccumulation
from fastscale.accum import GradAccum

def learner(n, bs, drop_last=False, cbs=None, width=256):
    g = torch.Generator().manual_seed(0)
    x = torch.randn(n, 32, generator=g)
    y = (x[:, :3].sum(1) > 0).long() + (x[:, 3] > 0.5).long()
    dls = DataLoaders(DataLoader(list(zip(x, y)), bs=bs, shuffle=False, drop_last=drop_last), DataLoader(list(zip(x[:64], y[:64])), bs=64))
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(32, width), nn.LayerNorm(width), nn.ReLU(), nn.Linear(width, width), nn.LayerNorm(width), nn.ReLU(), nn.Linear(width, 3))
    return Learner(dls, model, CrossEntropyLossFlat(), opt_func=partial(SGD, mom=0.), lr=0.1, cbs=cbs)

def train(n, bs, epochs, fits, drop_last=False, cbs=None):
    learn = learner(n, bs, drop_last, cbs)
    t = time.perf_counter()
    with learn.no_logging(), learn.no_bar():
        for _ in range(fits): learn.fit(epochs)
    return [p.detach() for p in learn.model.parameters()], time.perf_counter() - t

def dw(a, b): return max((p - q).abs().max().item() for p, q in zip(a, b))

# name: rows, micro-batch, n_acc, reference big batch, epochs, fits, GradAccum's `partial`
cases = {'divisible':                  (1024, 32, 128, 128, 2, 1, 'step'),
         'leftovers over 2 epochs':    (1120, 32, 128, 128, 2, 1, 'step'),
         'two fits (fine_tune)':       (1120, 32, 128, 128, 1, 2, 'step'),
         'n_acc not a multiple of bs': (1008, 48, 128, 144, 2, 1, 'step'),
         "leftovers, partial='drop'":  (1120, 32, 128, 128, 2, 1, 'drop')}

if __name__ == '__main__':
    torch.set_num_threads(1)  # the same arithmetic on every machine
    rows = []
    for name, (n, bs, n_acc, ref, epochs, fits, part) in cases.items():
        big, _ = train(n, ref, epochs, fits, drop_last=part == 'drop')
        t_fa, t_ours = [], []
        for _ in range(3):  # alternate the two, keep the fastest of each
            fa, t = train(n, bs, epochs, fits, cbs=GradientAccumulation(n_acc)); t_fa.append(t)
            with warnings.catch_warnings():
                warnings.simplefilter('ignore')  # 'not a multiple of bs' is the point of that case
                ours, t = train(n, bs, epochs, fits, cbs=GradAccum(n_acc, partial=part)); t_ours.append(t)
        t_fa, t_ours = min(t_fa), min(t_ours)
        rows.append({'case': name, 'rows': n, 'micro-batch': bs, 'n_acc': n_acc, 'reference bs': ref,
                     'fastai max|Δw|': dw(fa, big), 'GradAccum max|Δw|': dw(ours, big), 'time GradAccum / fastai': t_ours / t_fa})
    df = pd.DataFrame(rows)
    with pd.option_context('display.width', 200, 'display.float_format', '{:.3g}'.format): print(df.to_string(index=False))
    worst = df['GradAccum max|Δw|'].max()
    print(f"\nGradAccum worst max|Δw| = {worst:.2g} (target <= 1e-6): {'OK' if worst <= 1e-6 else 'FAIL'}")
