"""Images/s that a vision DataLoader delivers, without a model: fastai's PIL pipeline against fastscale's uint8 cache +
device augmentation, side by side in one process, on the same rows and settings.

  fastai PIL     `vision_dls(..., cache=False)`: PIL open + decode + `Resize` per image per epoch, `aug_transforms` per batch
  fastscale      `vision_dls(...)` (default `cache=True`): decoded once (`ImageCache`), `DeviceAug` per batch

MNIST-5k (4,000 training digits), 32 px, bs 64, `device='cpu'`, `num_workers=0`, flips off (digits), min_scale 0.75.
Each pipeline is warmed up with one batch, then timed over `--epochs` full passes of `dls.train` (best pass reported);
the one-off decode of the cache is timed apart. The last line is
`vision_pipeline cached_vs_pil=... pil_images_s=... cached_images_s=... decode_s=...`.
Run: `python bench/vision_pipeline.py [--epochs 3] [--size 32]` (about a minute on 2 CPU cores).
"""
import sys, time, argparse, warnings
import torch
from fastscale.assets import mnist5k
from fastscale.vision import image_df, vision_dls

def images_per_s(dl, epochs):
    next(iter(dl))   # warm-up: workers, first transforms
    best = 0.
    for _ in range(epochs):
        t0, n = time.perf_counter(), 0
        for xb, yb in dl: n += len(xb)
        best = max(best, n / (time.perf_counter() - t0))
    return best

def main(epochs=3, size=32, bs=64):
    warnings.filterwarnings('ignore')
    torch.set_num_threads(2)
    path = mnist5k()
    df, _ = image_df(path, check=False)
    valid = range(0, len(df), 5)
    kw = dict(root=path, bs=bs, do_flip=False, device='cpu', num_workers=0)
    pil = vision_dls(df, size, valid, cache=False, **kw)
    t0 = time.perf_counter(); cached = vision_dls(df, size, valid, **kw); decode = time.perf_counter() - t0
    rows = {}
    for _ in range(2):   # interleaved, so a drift in the machine's speed hits both
        for name, dls in (('fastai PIL', pil), ('fastscale cached', cached)):
            rows[name] = max(rows.get(name, 0.), images_per_s(dls.train, epochs))
    for name, v in rows.items(): print(f'{name:18s} {v:8.0f} images/s')
    print(f'decode once (cache fill, {len(cached.cache)} images, {cached.cache.nbytes() / 1e6:.1f} MB): {decode:.1f} s')
    r = rows['fastscale cached'] / rows['fastai PIL']
    print(f"vision_pipeline cached_vs_pil={r:.2f} pil_images_s={rows['fastai PIL']:.0f} cached_images_s={rows['fastscale cached']:.0f} decode_s={decode:.1f}")

if __name__ == '__main__':
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--epochs', type=int, default=3); p.add_argument('--size', type=int, default=32); p.add_argument('--bs', type=int, default=64)
    a = p.parse_args()
    main(a.epochs, a.size, a.bs)
