"""Helpers of `finetune_nbs/02_text_speedups.ipynb`: MiniLM learners trained on batches chosen by hand, and a peak-memory
probe per option in fresh processes.

They live in a file (not in the notebook) so that the memory probe's child process can import them by path: what
crosses the process boundary is JSON (token ids, labels, option arguments), never pickled code.
Run `python bench/text_speedups.py SPEC.json` to probe the options a spec names (the notebook writes the spec).
"""
import os, sys, json, time, traceback
import numpy as np, torch
from fastai.callback.core import Callback
from fastscale.core import set_seed, reset_peak, peak_mem, rss
from fastscale.accum import GradAccum
from fastscale.assets import minilm
from fastscale.text.data import TokenDataset, TextDL, TokenDataLoaders
from fastscale.text.learner import text_learner

class CPUAutocast(Callback):
    "bf16 autocast on the CPU around the forward pass and the loss (fastai's `MixedPrecision` only knows CUDA)."
    order = 10
    def before_batch(self): self.ctx = torch.autocast('cpu', dtype=torch.bfloat16); self.ctx.__enter__()
    def after_pred(self): self.learn.pred = self.pred.float()
    def after_loss(self): self.ctx.__exit__(None, None, None)

def make_learner(ds, bs, vocab, accum=1, cpu_bf16=False, pad_multiple=None, **kwargs):
    "Unfrozen MiniLM on `ds` at micro-batch `bs // accum`, stepping every `bs` samples; `kwargs` go to `text_learner`."
    trn, val = TextDL(ds, bs // accum, pad_multiple=pad_multiple), TextDL(TokenDataset([], ds.y[:0]))
    dls = TokenDataLoaders(trn, val, vocab=vocab, device='cpu')
    cbs = ([GradAccum(bs)] if accum > 1 else []) + ([CPUAutocast()] if cpu_bf16 else [])
    set_seed(42)
    learn = text_learner(minilm(), dls, cbs=cbs, **kwargs)
    learn.unfreeze()
    return learn

def train_on(learn, batches):
    "Train `learn` on `batches` (lists of row indices), one optimizer step per `bs` samples; seconds taken."
    learn.dls.train.sampler = batches
    t = time.perf_counter()
    with learn.no_logging(), learn.no_bar(): learn.fit(1, 5e-5)
    return time.perf_counter() - t

def micro(rows, accum=1):
    "`rows` cut into `accum` consecutive micro-batches (rows sorted by length stay sorted)."
    return [list(map(int, r)) for r in np.array_split(rows, accum)]

def two_steps(ds, bs, vocab, accum=1, **kwargs):
    "The option's learner on `ds`: one step on one row (creates the optimizer state), then one on all of `ds`."
    learn = make_learner(ds, bs, vocab, accum, **kwargs)
    train_on(learn, [[len(ds) - 1]])
    train_on(learn, micro(np.arange(len(ds)), accum))

def write_spec(path, ds, bs, vocab, options):
    "Write the probe's input as JSON: the batch's token ids and labels, `bs`, `vocab` and each option's arguments."
    spec = dict(ids=[list(map(int, i)) for i in ds.ids], y=[int(v) for v in ds.y], bs=bs, vocab=list(vocab), options=options)
    with open(path, 'w') as f: json.dump(spec, f)

def probe_options(spec_path):
    "For each option of the spec, a forked copy of this process runs `two_steps` and prints `PEAK {json}`: RSS added at its peak."
    spec = json.load(open(spec_path))
    ds = TokenDataset([np.array(i, dtype=np.int64) for i in spec['ids']], np.array(spec['y']))
    for name, kw in spec['options'].items():
        if os.fork() == 0:   # the copy runs one option and reports; it never returns to this loop
            try:
                reset_peak('cpu'); start = rss(); two_steps(ds, spec['bs'], spec['vocab'], **kw)
                print('PEAK', json.dumps(dict(option=name, added=peak_mem('cpu')['peak'] - start)))
            except BaseException: traceback.print_exc()
            finally: sys.stdout.flush(); sys.stderr.flush(); os._exit(0)
        os.wait()

if __name__ == '__main__':
    if len(sys.argv) != 2: sys.exit('usage: python bench/text_speedups.py SPEC.json  (written by write_spec)')
    probe_options(sys.argv[1])
