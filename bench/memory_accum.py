"""Does training memory follow the micro-batch? Peak memory of MiniLM-L6 fine-tuning at accum 1, 2, 4, 8.

Sequence length 256 (every sequence full: the worst case), effective batch 32, AdamW, two training steps per probe. Each
probe runs in a fresh process (`fastscale.accum.cpu_probe`: the child's own peak RSS); a baseline probe builds the model,
its gradients and the optimizer state without running a batch. Activations = peak - baseline. On a machine with CUDA the
same probes are repeated in-process with peak allocated CUDA memory (`cuda_probe`).
Run: `python bench/memory_accum.py` (a few minutes on 2 CPU cores).
"""
import sys, time
from functools import partial
import torch, torch.nn as nn, pandas as pd
from fastai.data.load import DataLoader
from fastai.data.core import DataLoaders
from fastai.learner import Learner
from fastai.losses import CrossEntropyLossFlat
from fastai.optimizer import Adam
from fastscale.core import fmt_size, pick_device
from fastscale.accum import accum_plan, cpu_probe, cuda_probe
from fastscale.assets import minilm

SEQ, BS, ACCUMS, STEPS = 256, 32, (1, 2, 4, 8), 2

class Classifier(nn.Module):
    "A Hugging Face sequence classifier that returns plain logits, as a fastai Learner expects."
    def __init__(self, path):
        super().__init__()
        from transformers import AutoModelForSequenceClassification
        self.hf = AutoModelForSequenceClassification.from_pretrained(path, num_labels=2)
    def forward(self, ids, mask): return self.hf(input_ids=ids, attention_mask=mask).logits

def make_learner(bs, device=None):
    "MiniLM on `STEPS` batches of `bs` random full-length sequences."
    device = pick_device(device)
    g = torch.Generator().manual_seed(0)
    n = bs * STEPS
    ids, y = torch.randint(1000, 30000, (n, SEQ), generator=g), torch.randint(0, 2, (n,), generator=g)
    dl = DataLoader(list(zip(ids, torch.ones_like(ids), y)), bs=bs, drop_last=True, device=device)
    return Learner(DataLoaders(dl, dl, device=device), Classifier(minilm()), CrossEntropyLossFlat(), opt_func=partial(Adam, decouple_wd=True))

def table(probe, label):
    t = time.perf_counter(); base = probe(make_learner, BS, steps=STEPS, baseline=True)
    print(f'{label} baseline (model + grads + AdamW state): {fmt_size(base)} ({time.perf_counter() - t:.0f}s)', flush=True)
    rows = []
    for a in ACCUMS:
        t = time.perf_counter(); peak = probe(make_learner, accum_plan(BS, a), steps=STEPS)
        rows.append(dict(accum=a, micro_bs=BS // a, peak=peak, activations=peak - base, secs=time.perf_counter() - t))
        print(f'  accum {a}: peak {fmt_size(peak)}, above baseline {fmt_size(peak - base)} ({rows[-1]["secs"]:.0f}s)', flush=True)
    df = pd.DataFrame(rows)
    df['activations / accum 1'] = df.activations / df.activations.iloc[0]
    df['ideal'] = 1 / df.accum
    out = df.assign(peak=df.peak.map(fmt_size), activations=df.activations.map(fmt_size))
    with pd.option_context('display.float_format', '{:.3f}'.format): print(out.to_string(index=False))
    r = df['activations / accum 1'].iloc[-1]
    print(f'{label}: activations at accum {ACCUMS[-1]} / accum 1 = {r:.3f} (target <= 0.2, ideal {1 / ACCUMS[-1]:.3f}): {"OK" if r <= 0.2 else "FAIL"}\n')
    return df

if __name__ == '__main__':
    print(f'MiniLM-L6 at {minilm()}; seq {SEQ}, effective batch {BS}, {STEPS} steps per probe, torch {torch.__version__}, {torch.get_num_threads()} threads')
    table(cpu_probe, 'CPU (peak RSS of a fresh process)')
    if torch.cuda.is_available() and '--cpu-only' not in sys.argv:
        table(partial(cuda_probe, device='cuda'), f'CUDA {torch.cuda.get_device_name()} (peak allocated)')
