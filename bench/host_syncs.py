"""Host reads per optimizer step in a `train_text` and a `train_vision` fit (micro-batch 8 x accum 4, fp32 or bf16), counted
by `fastscale.sync.host_syncs`: every device->host read (`.item()`, `.cpu()`, `.numpy()`, `.tolist()`, bool/int/float/format)
and every blocking host<->device copy, `torch.tensor(..., device=)` and `torch.linalg.solve`. Side by side in one run:
fastscale as it is, and with fastai's `AvgSmoothLoss` put back (the smoothed loss moved to the host after every
micro-batch, as before issue 22). The two timed reads (the bar's loss text, the NaN flag) are held to once a fit, as in
the tests, so what is left is every read in a micro-batch.

    python bench/host_syncs.py                    # on the CPU (fp32), ~1 minute
    python bench/host_syncs.py --device cuda      # on a GPU (bf16 where native, else fp32)
"""
import argparse, tempfile, warnings, logging
from pathlib import Path
import torch
from fastai.learner import AvgSmoothLoss
from transformers import AutoTokenizer, BertConfig
from fastscale.assets import mnist5k, minilm, rotten_tomatoes
from fastscale.accum import NaNGuard
from fastscale.run import Run
from fastscale.sync import host_syncs, TimedProgress, DeviceSmoothLoss
from fastscale.text.learner import train_text
from fastscale.vision import image_df, train_vision
warnings.filterwarnings('ignore'); logging.getLogger('transformers').setLevel(logging.ERROR)

def count(train):
    every = TimedProgress.every, NaNGuard.every
    TimedProgress.every = NaNGuard.every = 3600.
    try:
        with host_syncs() as sc: train(sc)
    finally: TimedProgress.every, NaNGuard.every = every
    return sc

def fastai_smooth_loss():
    "Put fastai's AvgSmoothLoss behaviour back into `DeviceSmoothLoss` (for the 'before' column)."
    saved = {k: DeviceSmoothLoss.__dict__[k] for k in ('reset', 'accumulate', 'value')}
    for k in saved: setattr(DeviceSmoothLoss, k, AvgSmoothLoss.__dict__[k])
    return lambda: [setattr(DeviceSmoothLoss, k, v) for k, v in saved.items()]

def main(device):
    prec = 'bf16' if device == 'cuda' and torch.cuda.get_device_capability()[0] >= 8 else None
    tmp = Path(tempfile.mkdtemp())
    rt = rotten_tomatoes(); rt = rt[~rt.is_test].sample(240, random_state=0).reset_index(drop=True)[['text', 'label']]
    tok = AutoTokenizer.from_pretrained(minilm())
    cfg = BertConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=2, num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
    trn, _ = image_df(mnist5k(), check=False); trn = trn.groupby('label').head(20).reset_index(drop=True)
    trun, vrun = Run(tmp/'text', df=rt, label_col='label', valid_pct=0.25), Run(tmp/'vision', df=trn, label_col='label', valid_pct=0.2)
    def text(tag): return lambda sc: train_text(cfg, trun, rt, tokenizer=tok, bs=32, accum=4, max_len=48, epochs=2, lr=3e-3, precision=prec,
                                                 name=f'text-{tag}', cbs=[sc], save_model=False)
    def vision(tag): return lambda sc: train_vision('resnet10t', 32, vrun, trn, root=mnist5k(), bs=32, accum=4, epochs=2, pretrained=False,
                                                     finetune=False, tta=False, precision=prec, do_flip=False, name=f'vision-{tag}', cbs=[sc], save_model=False)
    rows = {}
    for task, make in (('train_text', text), ('train_vision', vision)):
        now = count(make('now'))
        undo = fastai_smooth_loss()
        try: before = count(make('before'))
        finally: undo()
        rows[task] = (now, before)
        print(f'{task}: {now.batches} micro-batches, {now.steps} steps; reads per step: fastscale {now.per_step():.2f}, '
              f"with fastai's smoothed loss {before.per_step():.2f}", flush=True)
        for k, n in sorted(now.where.items(), key=lambda kv: -kv[1])[:5]: print(f'    {n:4d}  {k}')
    print('host_syncs ' + ' '.join(f'{t}={n.per_step():.2f} {t}_fastai_smooth_loss={b.per_step():.2f}' for t, (n, b) in rows.items()))

if __name__ == '__main__':
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--device', default='cpu')
    a = p.parse_args()
    import os; os.environ['FASTSCALE_DEVICE'] = a.device
    main(a.device)
