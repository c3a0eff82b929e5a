"""Fine-tuning throughput of MiniLM-L6: fastscale against the Hugging Face Trainer and a hand-written PyTorch loop.

One process, one epoch per configuration, the same rows, effective batch 32 and number of optimizer steps for all:
  fastscale            text_dls + text_learner at its defaults (smart batches, micro-batch = bs), unfrozen, linear schedule
  fastscale 8x4        the same at micro 8 x accum 4 (GradAccum)
  fastscale frozen-emb the defaults plus freeze_embeddings=True (the word-embedding matrix is half of MiniLM's weights)
  (a) hf seed          HF Trainer, padding='max_length', micro 8 x accum 4 (the seed notebook's configuration)
  (b) hf best          HF Trainer, dynamic padding + train_sampling_strategy='group_by_length' (transformers 5's
                       name for group_by_length=True), micro 32 (its best on this machine)
  (c) torch loop       plain PyTorch: fused AdamW + linear schedule on fastscale's smart batches (identical to `fastscale`)
Reported: train samples/s, tokens processed / real tokens, validation accuracy, and useful GFLOP/s (6 x non-embedding
parameters x real tokens / train time) as a fraction of the fp32 GEMM rate measured in this process.
Each configuration starts after an untimed warm-up (two steps of fastscale and of the torch loop), so the first one
measured does not pay for cold caches. BBC News (long texts, 512 tokens, 128 rows) runs fastscale, frozen-emb, (a), (b).
The shared machine's speed drifts (the GEMM rate measured at the start and end of one run differed by 2x), so the
overhead against the torch loop is also measured on its own, alternating the two three times on identical batches
and comparing the best of each: `python bench/text_throughput.py --overhead` (about 5 minutes).
Run: `python bench/text_throughput.py [--quick]` (about 15 minutes on 2 CPU cores; --quick about 5).
The last line is `ratio_vs_hf_seed=... ratio_vs_hf_best=... overhead_vs_torch=... gemm_fraction=...` (Rotten Tomatoes).
"""
import sys, time, math, tempfile, warnings, logging
import numpy as np, pandas as pd, torch
from sklearn.model_selection import train_test_split
from fastai.callback.core import Callback
from fastscale.core import set_seed
from fastscale.accum import GradAccum
from fastscale.assets import minilm, rotten_tomatoes, bbc_news
from fastscale.text.data import text_dls, pad_collate
from fastscale.text.learner import text_learner

QUICK = '--quick' in sys.argv
LR, WD, WARMUP, BS = 1e-4, 0.01, 0.1, 32
warnings.filterwarnings('ignore'); logging.getLogger('transformers').setLevel(logging.ERROR)
from transformers.utils import logging as hf_logging
hf_logging.set_verbosity_error(); hf_logging.disable_progress_bar()

def gemm_flops(n=2048, reps=5):
    "Best fp32 matrix-multiply rate (FLOP/s) of this process's torch threads."
    a, b = torch.randn(n, n), torch.randn(n, n)
    a @ b
    best = min(_timed(lambda: a @ b) for _ in range(reps))
    return 2 * n**3 / best

def _timed(f):
    t = time.perf_counter(); f(); return time.perf_counter() - t

def sample(df, n_train, n_valid, seed=0):
    "A stratified sample: `n_train + n_valid` rows, the last `n_valid` of them the validation rows."
    tr, va = train_test_split(df, train_size=n_train, test_size=n_valid, stratify=df.label, random_state=seed)
    return pd.concat([tr, va]).reset_index(drop=True), np.arange(n_train, n_train + n_valid)

class TrainTimer(Callback):
    "Seconds spent in training phases (validation excluded)."
    def before_fit(self): self.secs = 0.
    def before_train(self): self.t = time.perf_counter()
    def after_train(self): self.secs += time.perf_counter() - self.t

def _dls(df, valid_idx, max_len, accum=1):
    return text_dls(df, minilm(), bs=BS, accum=accum, max_len=max_len, valid_idx=valid_idx, device='cpu', cache=False)

def fastscale_run(df, valid_idx, max_len, accum=1, batches=None, **kw):
    "fastscale: train one epoch; (train seconds, valid accuracy, tokens processed, the epoch's batches)."
    dls = _dls(df, valid_idx, max_len, accum)
    trn = dls.train
    if batches is None: batches = list(trn.sampler)   # this epoch's smart batches, fixed so other runs can reuse them
    trn.sampler = batches
    set_seed(0)
    learn = text_learner(minilm(), dls, cbs=[GradAccum(BS)] if accum > 1 else None, **kw)
    learn.unfreeze()
    timer = TrainTimer()
    with learn.no_bar(), learn.no_logging(): learn.fit_sched(1, LR, sched='linear', warmup=WARMUP, wd=WD, cbs=timer)
    with learn.no_bar(): preds, targs = learn.get_preds()
    tokens = sum(max(len(trn.dataset.ids[i]) for i in b) * len(b) for b in batches)
    return timer.secs, (preds.argmax(1) == targs).float().mean().item(), tokens, batches, dls

def torch_loop(dls, batches):
    "A hand-written loop: HF model, fused torch AdamW (no decay on biases and LayerNorms), linear warmup/decay, the same batches."
    from transformers import AutoModelForSequenceClassification, get_linear_schedule_with_warmup
    set_seed(0)
    model = AutoModelForSequenceClassification.from_pretrained(minilm(), num_labels=len(dls.vocab))
    decay = [p for n, p in model.named_parameters() if not ('bias' in n or 'LayerNorm' in n)]
    rest = [p for n, p in model.named_parameters() if 'bias' in n or 'LayerNorm' in n]
    opt = torch.optim.AdamW([dict(params=decay, weight_decay=WD), dict(params=rest, weight_decay=0.)], lr=LR, fused=True)
    sched = get_linear_schedule_with_warmup(opt, int(WARMUP * len(batches)), len(batches))
    ds, loss_fn = dls.train.dataset, torch.nn.CrossEntropyLoss()
    model.train(); t = time.perf_counter()
    for b in batches:
        ids, mask, y = pad_collate([ds.ids[i] for i in b], ds.y[b], dls.train.pad_id)
        loss = loss_fn(model(input_ids=ids, attention_mask=mask).logits, y)
        loss.backward(); opt.step(); sched.step(); opt.zero_grad(set_to_none=True)
    secs = time.perf_counter() - t
    return secs, accuracy(model, dls.valid.dataset.ids, dls.valid.dataset.y, dls.train.pad_id)

def accuracy(model, ids, y, pad_id, bs=64):
    "Validation accuracy of an HF classifier on unpadded token ids, in batches padded to their longest row."
    model.eval(); correct = 0
    with torch.no_grad():
        for i in range(0, len(ids), bs):
            x, mask, t = pad_collate(ids[i:i+bs], np.asarray(y[i:i+bs]), pad_id)
            correct += (model(input_ids=x, attention_mask=mask).logits.argmax(1) == t).sum().item()
    return correct / len(ids)

def hf_trainer(df, valid_idx, max_len, fixed, micro):
    "HF Trainer: 'max_length' padding or dynamic padding + group_by_length; (train seconds, accuracy, tokens processed)."
    from transformers import AutoTokenizer, AutoModelForSequenceClassification, Trainer, TrainingArguments, DataCollatorWithPadding, default_data_collator
    tok = AutoTokenizer.from_pretrained(minilm())
    vocab = sorted(df.label.unique())
    enc = tok(list(df.text), truncation=True, max_length=max_len, padding='max_length' if fixed else False)
    rows = [dict(input_ids=enc['input_ids'][i], attention_mask=enc['attention_mask'][i], labels=vocab.index(l)) for i, l in enumerate(df.label)]
    valid = set(valid_idx.tolist())
    trn, val = [r for i, r in enumerate(rows) if i not in valid], [rows[i] for i in valid_idx]
    set_seed(0)
    model = AutoModelForSequenceClassification.from_pretrained(minilm(), num_labels=len(vocab))
    steps = len(trn) // BS
    with tempfile.TemporaryDirectory() as d:
        args = TrainingArguments(d, per_device_train_batch_size=micro, gradient_accumulation_steps=BS // micro, num_train_epochs=1,
                                 learning_rate=LR, weight_decay=WD, lr_scheduler_type='linear', warmup_steps=int(WARMUP * steps),
                                 train_sampling_strategy='random' if fixed else 'group_by_length', save_strategy='no', eval_strategy='no', logging_strategy='no',
                                 report_to='none', use_cpu=True, disable_tqdm=True, dataloader_drop_last=True, seed=0,
                                 per_device_eval_batch_size=64)
        tr = Trainer(model=model, args=args, train_dataset=trn, data_collator=default_data_collator if fixed else DataCollatorWithPadding(tok))
        secs = _timed(tr.train)
    vids = [[t for t, m in zip(r['input_ids'], r['attention_mask']) if m] for r in val]   # unpadded, as for every config
    acc = accuracy(model, vids, [r['labels'] for r in val], tok.pad_token_id)
    if fixed: tokens = steps * BS * max_len
    else:   # the padded length of each micro-batch that LengthGroupedSampler formed this epoch is not exposed: rebuild it
        from transformers.trainer_pt_utils import LengthGroupedSampler
        g = torch.Generator().manual_seed(0)
        lens = [len(r['input_ids']) for r in trn]
        order = list(LengthGroupedSampler(BS, lengths=lens, generator=g))[:steps * BS]   # the Trainer groups micro x accum rows
        tokens = sum(max(lens[i] for i in order[j:j+micro]) * micro for j in range(0, len(order), micro))
    return secs, acc, tokens

def overhead(df, valid_idx, max_len, reps=3):
    "fastscale's train time / the torch loop's on identical batches, alternating `reps` times each (best of each kept)."
    batches = list(_dls(df, valid_idx, max_len).train.sampler)
    fs, tl = [], []
    for i in range(reps):
        order = ('fastscale', 'torch') if i % 2 == 0 else ('torch', 'fastscale')
        for k in order:
            if k == 'fastscale': fs.append(fastscale_run(df, valid_idx, max_len, batches=batches)[0])
            else: tl.append(torch_loop(_dls(df, valid_idx, max_len), batches)[0])
        print(f'  overhead rep {i + 1}: fastscale {fs[-1]:.1f}s, torch loop {tl[-1]:.1f}s', flush=True)
    return min(fs) / min(tl), fs, tl

def bench(name, df, valid_idx, max_len, gflop_rate, nonemb):
    from transformers import AutoTokenizer
    n_train = len(df) - len(valid_idx)
    lens = [len(i) for i in AutoTokenizer.from_pretrained(minilm())(list(df.text.iloc[:n_train]), truncation=True, max_length=max_len)['input_ids']]
    real = np.mean(lens) * (n_train // BS * BS)   # real tokens of the rows one epoch trains on (drop_last), at the mean length
    res, full = {}, name == 'rotten_tomatoes'
    def add(k, secs, acc, tokens):
        res[k] = dict(samples_s=(n_train // BS * BS) / secs, train_s=secs, pad_ratio=tokens / real, valid_acc=acc,
                      gemm_fraction=6 * nonemb * real / secs / gflop_rate)
        print(f"  {name} {k:22s} {res[k]['samples_s']:6.1f} samples/s  pad {res[k]['pad_ratio']:.3f}  acc {acc:.3f}", flush=True)
    batches = list(text_dls(df, minilm(), bs=BS, max_len=max_len, valid_idx=valid_idx, device='cpu', cache=False).train.sampler)
    fastscale_run(df, valid_idx, max_len, batches=batches[:2]); torch_loop(_dls(df, valid_idx, max_len), batches[:2])   # warm-up, untimed
    secs, acc, tok, batches, dls = fastscale_run(df, valid_idx, max_len, batches=batches); add('fastscale', secs, acc, tok)
    if full: s, a = torch_loop(dls, batches); add('(c) torch loop', s, a, tok)
    s, a, t, _, _ = fastscale_run(df, valid_idx, max_len, freeze_embeddings=True, batches=batches); add('fastscale frozen-emb', s, a, t)
    if full: s, a, t, _, _ = fastscale_run(df, valid_idx, max_len, accum=4); add('fastscale 8x4', s, a, t)
    add('(b) hf best', *hf_trainer(df, valid_idx, max_len, fixed=False, micro=32))
    add('(a) hf seed', *hf_trainer(df, valid_idx, max_len, fixed=True, micro=8))
    return pd.DataFrame(res).T

if __name__ == '__main__':
    torch.manual_seed(0)
    rate = gemm_flops()
    from transformers import AutoModelForSequenceClassification
    m = AutoModelForSequenceClassification.from_pretrained(minilm(), num_labels=2)
    nonemb = sum(p.numel() for n, p in m.named_parameters() if 'embeddings' not in n); del m
    print(f'torch {torch.__version__}, {torch.get_num_threads()} threads, fp32 GEMM {rate / 1e9:.0f} GFLOP/s, '
          f'MiniLM non-embedding parameters {nonemb / 1e6:.1f} M, effective batch {BS}, lr {LR}, one epoch{" (quick)" if QUICK else ""}')
    rt = rotten_tomatoes(); rt = rt[~rt.is_test]
    bbc = bbc_news(); bbc = bbc[~bbc.is_test]
    sets = [('rotten_tomatoes', *sample(rt, *((320, 80) if QUICK else (1600, 400))), 128),
            ('bbc_news', *sample(bbc, *((32, 32) if QUICK else (128, 64))), 512)]
    tables = {}
    if '--overhead' in sys.argv:   # only the interleaved overhead measurement, on Rotten Tomatoes
        _, df, vidx, ml = sets[0]
        r, fs, tl = overhead(df, vidx, ml)
        print(f'overhead_vs_torch={r:.3f} (best of {len(fs)} alternating runs each: fastscale {min(fs):.1f}s, torch loop {min(tl):.1f}s)')
        sys.exit()
    for name, df, vidx, ml in sets:
        print(f'{name}: {len(df) - len(vidx)} train / {len(vidx)} valid rows, max_len {ml}', flush=True)
        tables[name] = t = bench(name, df, vidx, ml, rate, nonemb); t.attrs['rate'] = rate
        with pd.option_context('display.float_format', '{:.3f}'.format, 'display.width', 140): print(t.to_string(), '\n', flush=True)
    rate = max(rate, gemm_flops())   # the machine is shared: the GEMM rate measured again at the end, the better one kept
    print(f'fp32 GEMM at the end: best {rate / 1e9:.0f} GFLOP/s (gemm_fraction below uses it)')
    for name, t in tables.items():
        t['gemm_fraction'] = t.gemm_fraction * t.attrs['rate'] / rate
        if '(c) torch loop' not in t.index: t.loc['(c) torch loop', 'train_s'] = np.nan
        best_fs = t.loc[[k for k in t.index if k.startswith('fastscale')], 'samples_s'].idxmax()
        print(f"{name}: best fastscale ({best_fs}) {t.samples_s[best_fs] / t.samples_s['(a) hf seed']:.2f}x hf seed, "
              f"{t.samples_s[best_fs] / t.samples_s['(b) hf best']:.2f}x hf best; fastscale default step time "
              f"{t.train_s['fastscale'] / t.train_s['(c) torch loop']:.3f}x the torch loop on identical batches")
    t = tables['rotten_tomatoes']
    best_fs = t.loc[[k for k in t.index if k.startswith('fastscale')], 'samples_s'].idxmax()
    print(f"ratio_vs_hf_seed={t.samples_s[best_fs] / t.samples_s['(a) hf seed']:.2f} ratio_vs_hf_best={t.samples_s[best_fs] / t.samples_s['(b) hf best']:.2f} "
          f"overhead_vs_torch={t.train_s['fastscale'] / t.train_s['(c) torch loop']:.3f} gemm_fraction={t.gemm_fraction[best_fs]:.2f}")
