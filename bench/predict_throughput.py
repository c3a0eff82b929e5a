"""Prediction throughput: fastscale's length-sorted batches (`predict_texts`) against fixed padding, same model and rows.

MiniLM-L6 (`minilm()`), the 2,551 Rotten Tomatoes test snippets at max_len 128 and 400 BBC News articles at max_len 512,
64 rows per batch, in eval mode without gradients:
  fixed     `tokenizer(..., padding='max_length')`, batches in the rows' order (the seed notebooks' prediction)
  dynamic   the rows' order, each batch padded to its longest row
  fastscale `predict_texts`: rows sorted by length, each batch padded to its longest, predictions put back in row order
The probabilities of all three must agree (the order restored): max |difference| is printed and checked (<= 1e-4).
Run: `python bench/predict_throughput.py` (about 4 minutes on 2 CPU cores). Target: fastscale >= 2x fixed padding.
"""
import time, warnings, logging
import numpy as np, pandas as pd, torch
from transformers import AutoTokenizer
from fastscale.assets import minilm, rotten_tomatoes, bbc_news
from fastscale.text.data import text_dls
from fastscale.text.learner import text_learner
from fastscale.predict import predict_texts

warnings.filterwarnings('ignore'); logging.getLogger('transformers').setLevel(logging.ERROR)
BS = 64

def in_order(model, tok, texts, max_len, fixed):
    "Probabilities of `texts` in their order, `BS` rows a batch, padded to `max_len` (fixed) or to each batch's longest."
    out = []
    with torch.no_grad():
        for i in range(0, len(texts), BS):
            enc = tok(texts[i:i+BS], truncation=True, max_length=max_len, padding='max_length' if fixed else True, return_tensors='pt')
            out.append(model(enc['input_ids'], enc['attention_mask']).softmax(-1))
    return torch.cat(out)

def bench(name, df, texts, max_len):
    tok = AutoTokenizer.from_pretrained(minilm())
    dls = text_dls(df, tok, bs=BS, max_len=max_len, valid_pct=0.2, device='cpu', cache=False)
    learn = text_learner(minilm(), dls); learn.model.eval()
    lens = np.array([len(i) for i in tok(texts, truncation=True, max_length=max_len)['input_ids']])
    res, P = {}, {}
    predict_texts(learn, texts[:BS], bs=BS)   # warm-up
    for k, f in (('fixed', lambda: in_order(learn.model, tok, texts, max_len, True)),
                 ('dynamic', lambda: in_order(learn.model, tok, texts, max_len, False)),
                 ('fastscale', lambda: predict_texts(learn, texts, bs=BS))):
        t = time.perf_counter(); P[k] = f(); secs = time.perf_counter() - t
        res[k] = dict(rows_s=len(texts) / secs, secs=secs)
    r = pd.DataFrame(res).T
    r['vs_fixed'] = r.rows_s / r.rows_s['fixed']
    diff = max((P[k] - P['fixed']).abs().max().item() for k in P)
    print(f'{name}: {len(texts)} rows, max_len {max_len}, mean length {lens.mean():.0f} tokens, {BS} rows a batch')
    with pd.option_context('display.float_format', '{:.3f}'.format): print(r.to_string())
    print(f'{name}: fastscale {r.vs_fixed["fastscale"]:.2f}x fixed padding, {r.rows_s["fastscale"] / r.rows_s["dynamic"]:.2f}x dynamic; '
          f'max |p - p_fixed| = {diff:.1e} ({"order restored" if diff <= 1e-4 else "MISMATCH"})\n', flush=True)
    assert diff <= 1e-4, diff
    return r

if __name__ == '__main__':
    print(f'torch {torch.__version__}, {torch.get_num_threads()} threads')
    rt = rotten_tomatoes()
    bench('rotten_tomatoes', rt[~rt.is_test].head(200), list(rt[rt.is_test].text), 128)
    bbc = bbc_news()
    bench('bbc_news', bbc[~bbc.is_test].head(200), list(bbc.text.sample(400, random_state=0)), 512)
