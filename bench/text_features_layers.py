"""Which of MPNet's layers a linear head should read, and how many training rows it needs (the text demo's data).

`python bench/text_features_layers.py [--seeds 3]`: embeds all 12,752 Rotten Tomatoes snippets once with MPNet-base
(`embed_texts`, max_len 64, mean pooling, the last 12 layers side by side; `precision='auto'`), then fits the default head
(`fastscale.features.default_head`: a logistic regression, C by 5-fold CV on the training rows) on the demo's split
(80 % train / 20 % valid, stratified, seeds 42, 43, ...) of 4,800 sampled or all 10,201 training-pool rows, and
scores it on the 2,551 hold-out snippets. Variants: the last layer; the last N averaged (`combine='mean'`); the last N
side by side (`combine='concat'`). Prints one table row per variant and row count: validation and hold-out accuracy
per seed, and their means."""
import argparse, time, numpy as np
from sklearn.model_selection import train_test_split
from fastscale import assets
from fastscale.core import pick_device, resolve_precision
from fastscale.features import default_head
from fastscale.text.features import embed_texts

def all_layers(texts, layers=12):
    "The last `layers` layers' mean-pooled, L2-normalised vectors, (rows, layers, width): `embed_texts`' side-by-side blocks, unscaled."
    m = assets.mpnet()
    X = embed_texts(m, texts, max_len=64, layers=layers, combine='concat', bs=64)   # each block normalised, the whole / sqrt(layers)
    return (X * layers ** 0.5).reshape(len(texts), layers, -1).astype(np.float16), resolve_precision('auto', pick_device(), inference=True)

def variant(A, kind, n):
    v = A[:, -n:].astype(np.float32)
    if kind == 'mean': v = v.mean(1); return v / np.linalg.norm(v, axis=1, keepdims=True)
    return v.reshape(len(v), -1) / n ** 0.5

def main(seeds=3):
    full = assets.rotten_tomatoes(); y = (full.label.astype(str) == str(full.label.iloc[0])).values.astype(int)
    t0 = time.time(); A, prec = all_layers([str(t) for t in full.text]); print(f'embedded {len(A)} snippets in {time.time() - t0:.0f}s ({prec or "fp32"})')
    pool, test = np.where(~full.is_test.values)[0], np.where(full.is_test.values)[0]
    print('| rows | features | valid (per seed) | hold-out 2,551 (per seed) | mean hold-out |\n|---|---|---|---|---|')
    for rows in (4800, len(pool)):
        for kind, n in (('mean', 1), ('mean', 4), ('mean', 8), ('concat', 4), ('concat', 8), ('concat', 12)):
            X, va_s, te_s = variant(A, kind, n), [], []
            for seed in range(42, 42 + seeds):
                r = pool if rows >= len(pool) else np.sort(train_test_split(pool, train_size=rows, stratify=y[pool], random_state=seed)[0])
                tr, va = train_test_split(r, test_size=0.2, stratify=y[r], random_state=seed)
                h = default_head(seed).fit(X[tr], y[tr]); va_s.append(h.score(X[va], y[va])); te_s.append(h.score(X[test], y[test]))
            name = 'last layer' if n == 1 else f'last {n} {"averaged" if kind == "mean" else "side by side"}'
            print(f"| {rows:,} | {name} | {' / '.join(f'{a:.3f}' for a in va_s)} | {' / '.join(f'{a:.3f}' for a in te_s)} | {np.mean(te_s):.3f} |", flush=True)

if __name__ == '__main__':
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0]); p.add_argument('--seeds', type=int, default=3)
    main(p.parse_args().seeds)
