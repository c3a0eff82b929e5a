"""Training throughput on a GPU: fastscale against the HF Trainer, a hand-written torch loop and a plain vision loop,
side by side in one process (issue 12's two tables). Needs only the offline assets, so it runs without network:

    bash ../shared/device/pack.sh          # on the dev machine: fastai-stack wheels + assets into .device/ (~60 MB)
    source .device/env.sh && python3 bench/gpu_throughput.py          # on the GPU machine (about 4 minutes on one H200)
    python bench/gpu_throughput.py --smoke --device cpu              # a few rows on the CPU: checks that it runs

Text: MiniLM-L6, Rotten Tomatoes 8,000 train / 1,000 valid rows, max_len 128, effective batch 32, one epoch, lr 1e-4
linear with 10 % warmup. fastscale at precision 'auto' (the default here), bf16, fp16, fp32, micro 8 x accum 4, frozen
embeddings; HF Trainer seed config (fp16, padding='max_length', micro 8 x accum 4) and best config (bf16, dynamic
padding + group_by_length, micro 32); a torch loop with bf16 autocast on fastscale's own micro-batches of 8 x 4.
Vision: MNIST-5k, 3,200 train digits, bs 128, 2 epochs, resnet18 at 32 px from scratch: `train_vision` (wall time,
prediction included) against a plain loop on images decoded once into one device tensor, resized there, bf16 autocast.
The last line is `gpu ratio_vs_hf_best=... accum_vs_torch=... fp16_vs_bf16=... vision_vs_plain=...`.
"""
import sys, time, argparse, tempfile, warnings, logging
import numpy as np, pandas as pd, torch, torch.nn.functional as F
from fastai.callback.core import Callback
from fastscale.core import set_seed
from fastscale.accum import GradAccum
from fastscale.assets import minilm, rotten_tomatoes, mnist5k
from fastscale.text.data import text_dls, pad_collate
from fastscale.text.learner import text_learner
warnings.filterwarnings('ignore'); logging.getLogger('transformers').setLevel(logging.ERROR)
from transformers.utils import logging as hf_logging
hf_logging.set_verbosity_error(); hf_logging.disable_progress_bar()
LR, WD, WARMUP, BS = 1e-4, 0.01, 0.1, 32

def sync(dev):
    if dev.type == 'cuda': torch.cuda.synchronize(dev)

class TrainTimer(Callback):
    "Seconds in training phases, the device drained at both ends."
    def before_fit(self): self.secs = 0.
    def before_train(self): sync(self.dls.device); self.t = time.perf_counter()
    def after_train(self): sync(self.dls.device); self.secs += time.perf_counter() - self.t

def text_data(n_train, n_valid):
    rt = rotten_tomatoes(); rt = rt[~rt.is_test].sample(n_train + n_valid, random_state=0).reset_index(drop=True)
    return rt, np.arange(n_train, n_train + n_valid)

def fastscale_text(df, vidx, dev, accum=1, precision='auto', **kw):
    dls = text_dls(df, minilm(), bs=BS, accum=accum, max_len=128, valid_idx=vidx, device=dev, cache=False)
    set_seed(0)
    learn = text_learner(minilm(), dls, precision=precision, cbs=[GradAccum(BS)] if accum > 1 else None, **kw)
    learn.unfreeze(); timer = TrainTimer()
    with learn.no_logging(): learn.fit_sched(1, LR, sched='linear', warmup=WARMUP, wd=WD, cbs=timer)
    with learn.no_bar(): p, t = learn.get_preds()
    return len(dls.train) * dls.train.bs / timer.secs, (p.argmax(1) == t).float().mean().item(), dls

def torch_loop(dls, dev, micro=8, dtype=torch.bfloat16):
    "The same micro-batches as fastscale 8x4 (its first epoch's order), bf16 autocast, fused AdamW, linear schedule."
    from transformers import AutoModelForSequenceClassification, get_linear_schedule_with_warmup
    set_seed(0)
    model = AutoModelForSequenceClassification.from_pretrained(minilm(), num_labels=len(dls.vocab)).to(dev)
    opt = torch.optim.AdamW(model.parameters(), lr=LR, weight_decay=WD, fused=dev.type in ('cuda', 'cpu'))
    batches = list(dls.train.sampler); n_acc = BS // micro
    sched = get_linear_schedule_with_warmup(opt, int(WARMUP * len(batches) / n_acc), len(batches) // n_acc)
    ds, loss_fn, on = dls.train.dataset, torch.nn.CrossEntropyLoss(), dev.type == 'cuda'
    model.train(); sync(dev); t = time.perf_counter()
    for i, b in enumerate(batches):
        ids, mask, y = (o.to(dev, non_blocking=True) for o in pad_collate([ds.ids[j] for j in b], ds.y[b], dls.train.pad_id))
        with torch.autocast(dev.type, dtype=dtype, enabled=on):
            loss = loss_fn(model(input_ids=ids, attention_mask=mask).logits.float(), y) / n_acc
        loss.backward()
        if (i + 1) % n_acc == 0: opt.step(); sched.step(); opt.zero_grad(set_to_none=True)
    sync(dev)
    return len(batches) * micro / (time.perf_counter() - t)

def hf_trainer(df, vidx, dev, fixed, micro, precision):
    from transformers import AutoTokenizer, AutoModelForSequenceClassification, Trainer, TrainingArguments, DataCollatorWithPadding, default_data_collator
    tok = AutoTokenizer.from_pretrained(minilm()); vocab = sorted(df.label.unique())
    enc = tok(list(df.text), truncation=True, max_length=128, padding='max_length' if fixed else False)
    valid = set(vidx.tolist())
    trn = [dict(input_ids=enc['input_ids'][i], attention_mask=enc['attention_mask'][i], labels=vocab.index(l))
           for i, l in enumerate(df.label) if i not in valid]
    set_seed(0)
    model = AutoModelForSequenceClassification.from_pretrained(minilm(), num_labels=len(vocab))
    cuda = dev.type == 'cuda'
    with tempfile.TemporaryDirectory() as d:
        args = TrainingArguments(d, per_device_train_batch_size=micro, gradient_accumulation_steps=BS // micro, num_train_epochs=1,
                                 learning_rate=LR, weight_decay=WD, lr_scheduler_type='linear', warmup_steps=int(WARMUP * (len(trn) // BS)),
                                 train_sampling_strategy='random' if fixed else 'group_by_length', save_strategy='no', eval_strategy='no',
                                 logging_strategy='no', report_to='none', use_cpu=not cuda, disable_tqdm=True, dataloader_drop_last=True,
                                 seed=0, fp16=cuda and precision == 'fp16', bf16=cuda and precision == 'bf16')
        tr = Trainer(model=model, args=args, train_dataset=trn, data_collator=default_data_collator if fixed else DataCollatorWithPadding(tok))
        sync(dev); t = time.perf_counter(); tr.train(); sync(dev)
    return len(trn) // BS * BS / (time.perf_counter() - t)

def plain_vision(df, path, dev, size=32, bs=128, epochs=2):
    "Images decoded once into one device tensor, resized there; resnet18 from scratch, bf16 autocast, AdamW."
    import timm
    from PIL import Image
    x = torch.stack([torch.from_numpy(np.array(Image.open(path/f).convert('RGB'))).permute(2, 0, 1) for f in df.fname]).to(dev)
    vocab = sorted(df.label.unique()); y = torch.tensor([vocab.index(l) for l in df.label], device=dev)
    set_seed(0)
    model = timm.create_model('resnet18', pretrained=False, num_classes=len(vocab)).to(dev).to(memory_format=torch.channels_last)
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3)
    sync(dev); t = time.perf_counter()
    for _ in range(epochs):
        for idx in torch.randperm(len(x), device=dev).split(bs):
            xb = F.interpolate(x[idx].float().div_(255), size=(size, size), mode='bilinear', align_corners=False)
            with torch.autocast(dev.type, dtype=torch.bfloat16, enabled=dev.type == 'cuda'):
                loss = F.cross_entropy(model(xb.contiguous(memory_format=torch.channels_last)).float(), y[idx])
            loss.backward(); opt.step(); opt.zero_grad(set_to_none=True)
    sync(dev)
    return len(x) * epochs / (time.perf_counter() - t)

def fastscale_vision(df, path, dev, size=32, bs=128, epochs=2):
    from fastscale.run import Run
    from fastscale.vision import train_vision
    with tempfile.TemporaryDirectory() as d:
        run = Run(f'{d}/run', df=df, label_col='label', valid_pct=0.2)
        n_train = len(run.splits(0)[0])
        t = time.perf_counter()
        train_vision('resnet18', size, run, df, root=path, bs=bs, epochs=epochs, pretrained=False, finetune=False, lr=3e-3,
                     precision='auto', tta=False, do_flip=False, save_model=False)
        return n_train * epochs / (time.perf_counter() - t)

def main(dev, smoke):
    dev = torch.device(dev)
    n_train, n_valid = (64, 32) if smoke else (8000, 1000)
    df, vidx = text_data(n_train, n_valid)
    print(f'torch {torch.__version__}, device {dev}' + (f' ({torch.cuda.get_device_name(dev)})' if dev.type == 'cuda' else '') +
          f', text {n_train} train rows', flush=True)
    fastscale_text(df.iloc[:96].reset_index(drop=True), np.arange(64, 96), dev)   # warm-up: kernels, allocator
    rows = {}
    for k, kw in [('fastscale auto', {}), ('fastscale bf16', dict(precision='bf16')), ('fastscale fp16', dict(precision='fp16')),
                  ('fastscale fp32', dict(precision=None)), ('fastscale 8x4 (auto)', dict(accum=4)),
                  ('fastscale frozen-emb (auto)', dict(freeze_embeddings=True))]:
        rows[k], acc, dls = fastscale_text(df, vidx, dev, **kw)
        if k.startswith('fastscale 8x4'): dls84 = dls
        print(f'  {k:28s} {rows[k]:8.0f} samples/s  valid acc {acc:.3f}', flush=True)
    rows['torch loop 8x4 bf16'] = torch_loop(dls84, dev)
    rows['hf seed (fp16, max_length, 8x4)'] = hf_trainer(df, vidx, dev, fixed=True, micro=8, precision='fp16')
    rows['hf best (bf16, group_by_length, 32)'] = hf_trainer(df, vidx, dev, fixed=False, micro=32, precision='bf16')
    for k in list(rows)[-3:]: print(f'  {k:28s} {rows[k]:8.0f} samples/s', flush=True)
    path = mnist5k()
    from fastscale.vision import image_df
    vdf = image_df(path, check=False)[0].groupby('label').head(40 if smoke else 400).reset_index(drop=True)
    plain_vision(vdf.head(256), path, dev, epochs=1)   # warm-up
    vis = dict(plain=plain_vision(vdf.iloc[:int(len(vdf) * .8)], path, dev), fastscale=fastscale_vision(vdf, path, dev))
    print(f"  vision: plain loop {vis['plain']:.0f} images/s, train_vision {vis['fastscale']:.0f} images/s", flush=True)
    best = max(v for k, v in rows.items() if k.startswith('fastscale'))
    print(f"gpu ratio_vs_hf_best={best / rows['hf best (bf16, group_by_length, 32)']:.2f} "
          f"accum_vs_torch={rows['fastscale 8x4 (auto)'] / rows['torch loop 8x4 bf16']:.2f} "
          f"accum_vs_hf_seed={rows['fastscale 8x4 (auto)'] / rows['hf seed (fp16, max_length, 8x4)']:.2f} "
          f"fp16_vs_bf16={rows['fastscale fp16'] / rows['fastscale bf16']:.2f} vision_vs_plain={vis['fastscale'] / vis['plain']:.2f}")

if __name__ == '__main__':
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--device', default='cuda'); p.add_argument('--smoke', action='store_true')
    a = p.parse_args()
    main(a.device, a.smoke)
