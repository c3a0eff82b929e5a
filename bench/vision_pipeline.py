"""Images/s that a vision DataLoader delivers, without a model: fastai's PIL pipeline against fastscale's uint8 store +
device augmentation, side by side in one process, on the same rows and settings.

  fastai PIL        `vision_dls(..., cache=False)`: PIL open + decode + `Resize` per image per epoch, `aug_transforms` per batch
  cached, per item  the same store and `DeviceAug` through fastai's per-item `TfmdDL` (the loader before `CachedDL`)
  fastscale         `vision_dls(...)` (default `cache='auto'`): decoded once (`ImageCache`), whole batches gathered
                    (`CachedDL`), `DeviceAug` per batch

MNIST-5k (4,000 training digits), 32 px, bs 64, `device='cpu'`, `num_workers=0` (the cached loaders' default), flips off
(digits), min_scale 0.75. Each loader is warmed up with one batch, then timed over `--epochs` full passes of the training
loader, twice, interleaved with the others (best and median pass reported); the one-off decode is timed apart. The last
line is `vision_pipeline gathered_vs_pil=... gathered_vs_per_item=... pil_images_s=... per_item_images_s=... gathered_images_s=... decode_s=...`.
Run: `python bench/vision_pipeline.py [--epochs 3] [--size 32]` (about a minute on 2 CPU cores).
"""
import sys, time, argparse, warnings, statistics
import torch
from fastai.data.core import TfmdDL
from fastscale.image_cache import CachedDL
from fastscale.assets import mnist5k
from fastscale.vision import image_df, vision_dls

def passes(dl, epochs):
    "Images/s of each of `epochs` full passes over `dl` (after one warm-up batch)."
    next(iter(dl))   # warm-up: first transforms
    out = []
    for _ in range(epochs):
        t0, n = time.perf_counter(), 0
        for xb, yb in dl: n += len(xb)
        out.append(n / (time.perf_counter() - t0))
    return out

def main(epochs=3, size=32, bs=64):
    warnings.filterwarnings('ignore')
    torch.set_num_threads(2)
    path = mnist5k()
    df, _ = image_df(path, check=False)
    valid = range(0, len(df), 5)
    kw = dict(root=path, bs=bs, do_flip=False, device='cpu')
    pil = vision_dls(df, size, valid, cache=False, num_workers=0, **kw)
    t0 = time.perf_counter(); cached = vision_dls(df, size, valid, **kw); decode = time.perf_counter() - t0
    loaders = {'fastai PIL': pil.train, 'cached, per item': cached.train.new(cls=TfmdDL), 'fastscale gathered': cached.train}
    assert type(cached.train) is CachedDL and type(loaders['cached, per item']) is TfmdDL
    rows = {k: [] for k in loaders}
    for _ in range(2):   # interleaved, so a drift in the machine's speed hits all
        for name, dl in loaders.items(): rows[name] += passes(dl, epochs)
    for name, v in rows.items(): print(f'{name:18s} best {max(v):8.0f}  median {statistics.median(v):8.0f} images/s')
    print(f'decode once (cache fill, {len(cached.cache)} images, {cached.cache.nbytes() / 1e6:.1f} MB, {cached.cache.kinds()}): {decode:.1f} s')
    m = {k: statistics.median(v) for k, v in rows.items()}
    print(f"vision_pipeline gathered_vs_pil={m['fastscale gathered'] / m['fastai PIL']:.2f} gathered_vs_per_item={m['fastscale gathered'] / m['cached, per item']:.2f} "
          f"pil_images_s={m['fastai PIL']:.0f} per_item_images_s={m['cached, per item']:.0f} gathered_images_s={m['fastscale gathered']:.0f} decode_s={decode:.1f} (medians)")

if __name__ == '__main__':
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--epochs', type=int, default=3); p.add_argument('--size', type=int, default=32); p.add_argument('--bs', type=int, default=64)
    a = p.parse_args()
    main(a.epochs, a.size, a.bs)
