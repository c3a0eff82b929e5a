"""Vision at a realistic size: 480x640 JPEG photos, EfficientNet-Lite0 at 224 px, `train_vision` against what a fastai
user writes, side by side in one run; then 20,000 photos with a RAM budget that sends the decoded images to disk.

Data: digits of MNIST-5k pasted at random sizes and places onto textured 480x640 backgrounds (noise, gradients,
stripes) and saved as JPEG (quality 90), made once in a temporary folder; ten classes, a shared 20 % validation split
(`Run(valid_pct=0.2)`), the same rows for both.

  fastai     `ImageDataLoaders.from_df(item_tfms=Resize(224), batch_tfms=aug_transforms(size=224), bs=32)` (fastai's
             default workers) + `vision_learner('tf_efficientnet_lite0', metrics=accuracy)` + `fine_tune(1, 2e-3)`
  fastscale  `train_vision('tf_efficientnet_lite0', 224, run, df, root=..., bs=32, epochs=1, lr=2e-3)` (its defaults:
             decode once, gathered batches, device augmentation, TTA and BatchNorm recalibration after the fit)

Both: pretrained ImageNet weights (offline file), fine_tune = 1 frozen + 1 unfrozen epoch, fp32 (CPU). A callback
counts the training images and times the fit (`images/s` = training images / fit seconds, validation included in
seconds); `wall` is everything from the rows to the validation accuracy. Accuracy: fastai's `validate()`, and
`train_vision`'s plain (no-TTA) and TTA validation accuracy. Each path runs in a fresh process: its peak RSS is its own.

Then the data path alone, without a model: each pipeline's training loader for two epochs at 224 px, bs 32 (fastai's
default workers; fastscale's gathered batches), once with the augmentation on the CPU and once without batch
transforms: the host's share when the augmentation runs on a GPU, the ceiling a fast enough GPU would see.

Then 20,000 photos: `vision_dls(..., cache_ram='1GB')` (3 GB decoded at 224: the disk store), one epoch of the training
loader (augmentation on the CPU), in a fresh process: build time, images/s, peak RSS growth.

Last lines: `vision_realistic speedup=... fastai_images_s=... fastscale_images_s=... acc_fastai=... acc_fastscale=...`, `vision_realistic_loaders ...`, `vision_realistic_big ...`.
Run: `python bench/vision_realistic.py [--n 2000] [--big 20000] [--parts train,loaders,big]` (about 25 minutes on 2 CPU cores).
"""
import sys, time, json, argparse, tempfile, warnings
from pathlib import Path
import numpy as np, pandas as pd, torch
from PIL import Image, ImageFilter
from fastai.callback.core import Callback
from fastscale.assets import mnist5k, timm_weights
from fastscale.core import child_peak_mem

def background(rng, h, w):
    "A textured background: smoothed noise, a colour gradient, sometimes stripes."
    noise = Image.fromarray(rng.integers(0, 255, (h // 8, w // 8, 3), dtype=np.uint8)).resize((w, h), Image.BICUBIC)
    g = np.linspace(0, 1, w)[None, :, None] * rng.integers(0, 120, 3)[None, None] + np.linspace(0, 1, h)[:, None, None] * rng.integers(0, 120, 3)[None, None]
    a = np.asarray(noise, np.float32) * 0.5 + g
    if rng.random() < 0.5: a += 40 * (np.sin(np.arange(w) / rng.integers(4, 30))[None, :, None] > 0)
    return Image.fromarray(np.clip(a, 0, 255).astype(np.uint8))

def make_photos(dest, n, h=480, w=640, seed=0):
    "`n` JPEGs of `h`x`w`: a digit pasted at a random size and place on a textured background; the rows (`fname`, `label`)."
    rng = np.random.default_rng(seed)
    src = sorted((mnist5k()/'train').rglob('*.png'))
    (dest/'img').mkdir(parents=True, exist_ok=True)
    rows = []
    for i in range(n):
        f = src[int(rng.integers(len(src)))]
        img = background(rng, h, w)
        d = Image.open(f).convert('L').filter(ImageFilter.MaxFilter(3))
        s = int(rng.integers(h // 3, h - 16)); d = d.resize((s, s), Image.BILINEAR)
        col = tuple(int(c) for c in rng.integers(150, 256, 3))
        x, y = int(rng.integers(0, w - s)), int(rng.integers(0, h - s))
        img.paste(Image.new('RGB', (s, s), col), (x, y), d)
        name = f'img/{i:05d}.jpg'; img.save(dest/name, quality=90)
        rows.append((name, f.parent.name))
    return pd.DataFrame(rows, columns=['fname', 'label'])

class FitMeter(Callback):
    "Training images and seconds of the fit (no reads of device values)."
    order = 99
    def before_fit(self): self.t0, self.n = time.perf_counter(), getattr(self, 'n', 0)
    def after_batch(self):
        if self.training: self.n += len(self.xb[0])
    def after_fit(self): self.secs = getattr(self, 'secs', 0.) + time.perf_counter() - self.t0

def fastai_path(df, root, valid_idx, bs):
    from fastai.vision.all import ImageDataLoaders, Resize, aug_transforms, vision_learner, accuracy
    t0 = time.perf_counter()
    d = df.assign(is_valid=False); d.loc[valid_idx, 'is_valid'] = True
    dls = ImageDataLoaders.from_df(d, root, fn_col='fname', label_col='label', valid_col='is_valid', item_tfms=Resize(224),
                                   batch_tfms=aug_transforms(size=224), bs=bs, seed=42)
    learn = vision_learner(dls, 'tf_efficientnet_lite0', metrics=accuracy, pretrained_cfg_overlay=dict(file=str(timm_weights('tf_efficientnet_lite0'))))
    m = FitMeter()
    with learn.no_bar(): learn.fine_tune(1, 2e-3, cbs=m)
    acc = float(learn.validate()[1])
    return dict(images_s=m.n / m.secs, fit_s=m.secs, wall=time.perf_counter() - t0, acc=acc)

def fastscale_path(df, root, run, bs):
    from fastscale.vision import train_vision
    t0 = time.perf_counter()
    m = FitMeter()
    mem = train_vision('tf_efficientnet_lite0', 224, run, df, root=root, bs=bs, epochs=1, lr=2e-3, cbs=[m], retrain=True)
    met = mem.load()['metrics']
    return dict(images_s=m.n / m.secs, fit_s=m.secs, wall=time.perf_counter() - t0, acc=met['accuracy_no_tta'], acc_tta=met['accuracy'])

PATH = r'''
import sys, json, warnings
warnings.filterwarnings('ignore')
sys.path.insert(0, sys.argv[1])
import torch, pandas as pd
import vision_realistic as v
from fastscale.run import Run
torch.set_num_threads(2)
which, root, run, bs = sys.argv[2], sys.argv[3], Run(sys.argv[4]), int(sys.argv[5])
df = pd.read_csv(f'{root}/rows.csv', dtype=str)
out = v.fastai_path(df, root, run.splits(0)[1], bs) if which == 'fastai' else v.fastscale_path(df, root, run, bs)
print(json.dumps(out))
'''

LOADERS = r'''
import sys, time, json, warnings
warnings.filterwarnings('ignore')
import pandas as pd, torch
from fastai.vision.all import ImageDataLoaders, Resize, aug_transforms
from fastscale.vision import vision_dls
torch.set_num_threads(2)
which, root, bs, aug = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4] == 'cpu'
df = pd.read_csv(f'{root}/rows.csv', dtype=str)
t0 = time.perf_counter()
if which == 'fastai':
    dls = ImageDataLoaders.from_df(df, root, fn_col='fname', label_col='label', valid_pct=0.2, item_tfms=Resize(224),
                                   batch_tfms=aug_transforms(size=224) if aug else None, bs=bs, seed=42, device='cpu')
else: dls = vision_dls(df, 224, range(0, len(df), 5), root=root, bs=bs, device='cpu', **({} if aug else dict(batch_tfms=[])))
build = time.perf_counter() - t0
rates = []
for _ in range(2):
    t0, n = time.perf_counter(), 0
    for x, y in dls.train: n += len(x)
    rates.append(n / (time.perf_counter() - t0))
print(json.dumps(dict(build_s=build, images_s=rates)))
'''

BIG = r'''
import sys, time, json, warnings
warnings.filterwarnings('ignore')
import pandas as pd, torch
from fastscale.vision import vision_dls
from fastscale.core import rss
torch.set_num_threads(2)
root, cache_dir = sys.argv[1:3]
df = pd.read_csv(f'{root}/rows.csv')
base = rss(); t0 = time.perf_counter()
dls = vision_dls(df, 224, range(0, len(df), 5), root=root, bs=64, device='cpu', cache_ram='1GB', cache_dir=cache_dir)
build = time.perf_counter() - t0; t0 = time.perf_counter()
n = sum(len(x) for x, y in dls.train)
ep = time.perf_counter() - t0
print(json.dumps(dict(build_s=build, epoch_s=ep, images=n, images_s=n / ep, base=base, kinds=dls.cache.kinds(), store_mb=dls.cache.nbytes() / 1e6)))
'''

def main(n=2000, big=20000, bs=32, parts=('train', 'loaders', 'big')):
    warnings.filterwarnings('ignore')
    torch.set_num_threads(2)
    from fastscale.run import Run
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        t0 = time.perf_counter(); df = make_photos(tmp/'photos', n); print(f'{n} photos made in {time.perf_counter() - t0:.0f} s')
        Run(tmp/'run', df, label_col='label', valid_pct=0.2, seed=42)
        df.to_csv(tmp/'photos'/'rows.csv', index=False)
        res = {}
        for which in (('fastai', 'fastscale') if 'train' in parts else ()):   # each in a fresh process: its own peak RSS
            r = child_peak_mem(PATH, [Path(__file__).parent, which, tmp/'photos', tmp/'run', bs], timeout=3600)
            if r['rc'] != 0: sys.exit(r['out'])
            res[which] = {**json.loads(r['out'].strip().splitlines()[-1]), 'peak_mb': r['peak'] / 1e6}
            print(f'{which:9s}', json.dumps({k: round(v, 4) for k, v in res[which].items()}), flush=True)
        loaders = {}
        # the data path alone (no model), two epochs each: with the augmentation on the CPU, and without batch transforms
        # (what the host pays when the augmentation runs on a GPU: decode and resize, or the gather from the store)
        for aug in (('cpu', 'host') if 'loaders' in parts else ()):
            for which in ('fastai', 'fastscale'):
                r = child_peak_mem(LOADERS, [which, tmp/'photos', bs, aug], timeout=3600)
                if r['rc'] != 0: sys.exit(r['out'])
                loaders[which, aug] = json.loads(r['out'].strip().splitlines()[-1])
                print(f"loaders alone, {which:9s}, augmentation {'on the CPU' if aug == 'cpu' else 'off (host side only)'}: build {loaders[which, aug]['build_s']:.1f} s, "
                      'epochs at ' + ', '.join(f'{v:.0f}' for v in loaders[which, aug]['images_s']) + ' images/s', flush=True)
        big_res = {}
        if big and 'big' in parts:
            t0 = time.perf_counter(); bdf = make_photos(tmp/'big', big, seed=1); bdf.to_csv(tmp/'big'/'rows.csv', index=False)
            print(f'{big} photos made in {time.perf_counter() - t0:.0f} s', flush=True)
            r = child_peak_mem(BIG, [tmp/'big', tmp/'store'], timeout=3600)
            if r['rc'] != 0: sys.exit(r['out'])
            big_res = json.loads(r['out'].strip().splitlines()[-1])
            big_res['growth'] = r['peak'] - big_res['base']   # peak RSS (VmHWM at exit) above the RSS after the imports
            print(f"{big} photos, cache_ram 1GB: build {big_res['build_s']:.0f} s, one training epoch {big_res['epoch_s']:.0f} s "
                  f"({big_res['images_s']:.0f} images/s), peak RSS growth {big_res['growth'] / 1e6:.0f} MB, store {big_res['store_mb']:.0f} MB {big_res['kinds']}")
        if 'train' in parts:
            a, b = res['fastai'], res['fastscale']
            print(f"vision_realistic speedup={b['images_s'] / a['images_s']:.2f} fastai_images_s={a['images_s']:.1f} fastscale_images_s={b['images_s']:.1f} "
                  f"wall_fastai={a['wall']:.0f} wall_fastscale={b['wall']:.0f} acc_fastai={a['acc']:.4f} acc_fastscale={b['acc']:.4f} acc_fastscale_tta={b['acc_tta']:.4f}")
        if loaders: print('vision_realistic_loaders ' + ' '.join(f"{w}_{a}_images_s={max(v['images_s']):.0f}" for (w, a), v in loaders.items()))
        if big_res: print(f"vision_realistic_big images={big} growth_mb={big_res['growth'] / 1e6:.0f} images_s={big_res['images_s']:.0f} build_s={big_res['build_s']:.0f}")

if __name__ == '__main__':
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--n', type=int, default=2000); p.add_argument('--big', type=int, default=20000); p.add_argument('--bs', type=int, default=32)
    p.add_argument('--parts', default='train,loaders,big', help='which parts to run, comma-separated')
    a = p.parse_args()
    main(a.n, a.big, a.bs, tuple(a.parts.split(',')))
