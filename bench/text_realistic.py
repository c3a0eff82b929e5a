"""Text at a realistic size: 200,000 rows tokenized once and loaded in smart batches, with time and peak memory.

Rows: Rotten Tomatoes snippets and BBC News articles (the offline assets), each row one of them with about 10 % of its
words dropped at random and a row number added, so no two rows are the same; the label is the source's (7 classes).
MiniLM-L6's fast tokenizer, `max_len=256`. Each case runs in a fresh process (`fastscale.core.child_peak_mem`); growth
is the process's peak RSS minus its RSS once the rows are in memory:

  tokenizer, all at once   `tok(texts, truncation=True, max_length=256)['input_ids']`: what a user writes
  tokenize_once            `tokenize_once(tok, texts, 256, cache=...)`, fresh cache: chunks of 4,096 texts, each chunk's
                           ids turned into one int32 array at once, stored as one `.npz` (ids + offsets)
  tokenize_once, again     the same call in a new process: read from the cache
  text_dls + one pass      `text_dls(df, tok, bs=32, max_len=256, cache=...)` (tokens cached), then one pass over the
                           training loader (length-grouped batches, padded per batch): build time, batches/s, padding

The last line is `text_realistic rows=... tok_all_s=... tok_all_growth_mb=... once_s=... once_growth_mb=... cached_s=... dls_build_s=... batches_s=... padding=...`.
Run: `python bench/text_realistic.py [--rows 200000]` (about five minutes on 2 CPU cores).
"""
import sys, json, argparse, tempfile, warnings
from pathlib import Path
import numpy as np, pandas as pd
from fastscale.assets import rotten_tomatoes, bbc_news, minilm
from fastscale.core import child_peak_mem

def make_rows(n, seed=0):
    "`n` rows (`text`, `label`) from the offline text assets, each a source text with ~10 % of its words dropped and its row number."
    rng = np.random.default_rng(seed)
    src = pd.concat([rotten_tomatoes()[['text', 'label']], bbc_news()[['text', 'label']]], ignore_index=True)
    pick = rng.integers(len(src), size=n)
    words = [t.split() for t in src.text]
    texts = []
    for i, j in enumerate(pick):
        w = words[j]
        keep = rng.random(len(w)) > 0.1
        texts.append(f'{i} ' + ' '.join(x for x, k in zip(w, keep) if k))
    return pd.DataFrame(dict(text=texts, label=src.label.values[pick]))

CHILD = r'''
import sys, time, json, warnings
warnings.filterwarnings('ignore')
import numpy as np, pandas as pd, torch
from transformers import AutoTokenizer
from fastscale.core import rss
from fastscale.text.data import tokenize_once, text_dls
torch.set_num_threads(2)
case, rows, tok_dir, cache = sys.argv[1:5]
df = pd.read_csv(rows, dtype=str, keep_default_na=False)
tok = AutoTokenizer.from_pretrained(tok_dir)
texts = df.text.tolist()
base = rss(); t0 = time.perf_counter(); out = {}
if case == 'all':
    ids = tok(texts, truncation=True, max_length=256)['input_ids']; out['tokens'] = sum(map(len, ids))
elif case in ('once', 'cached'):
    ids = tokenize_once(tok, texts, 256, cache=cache); out['tokens'] = int(sum(map(len, ids)))
else:
    dls = text_dls(df, tok, bs=32, max_len=256, cache=cache, device='cpu')
    out['build_s'] = time.perf_counter() - t0; t1 = time.perf_counter()
    n = sum(1 for b in dls.train)
    out['batches_s'] = n / (time.perf_counter() - t1); out['batches'] = n
    out['padding'] = dls.train.padding_stats()
out['secs'] = time.perf_counter() - t0
out['base'] = base
print(json.dumps(out, default=float))
'''

def main(rows=200000):
    warnings.filterwarnings('ignore')
    with tempfile.TemporaryDirectory() as d:
        d = Path(d)
        df = make_rows(rows); df.to_csv(d/'rows.csv', index=False)
        print(f'{len(df)} rows, {df.text.str.len().mean():.0f} characters a row on average, {df.label.nunique()} classes')
        res = {}
        for case in ('all', 'once', 'cached', 'dls'):
            r = child_peak_mem(CHILD, [case, d/'rows.csv', minilm(), d/'tokens'], timeout=3600)
            if r['rc'] != 0: sys.exit(r['out'])
            res[case] = json.loads(r['out'].strip().splitlines()[-1])
            res[case]['growth'] = r['peak'] - res[case]['base']   # peak RSS (VmHWM at exit) above the RSS once the rows are in memory
            print(case, json.dumps(res[case]), flush=True)
        a, o, c, l = res['all'], res['once'], res['cached'], res['dls']
        assert a['tokens'] == o['tokens'] == c['tokens']
        print(f"text_realistic rows={rows} tokens={o['tokens']} tok_all_s={a['secs']:.1f} tok_all_growth_mb={a['growth'] / 1e6:.0f} once_s={o['secs']:.1f} "
              f"once_growth_mb={o['growth'] / 1e6:.0f} cached_s={c['secs']:.2f} cached_growth_mb={c['growth'] / 1e6:.0f} dls_build_s={l['build_s']:.1f} "
              f"batches_s={l['batches_s']:.0f} dls_growth_mb={l['growth'] / 1e6:.0f} padding={l['padding']}")

if __name__ == '__main__':
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--rows', type=int, default=200000)
    main(p.parse_args().rows)
