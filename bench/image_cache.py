"""The image store at a size that does not fit its budget: peak memory, every image loaded each epoch, and a second
process that finds the images decoded.

2,400 PNGs of 256x256 (MNIST-5k digits scaled up onto noisy backgrounds, made once in a temporary folder), decoded at
256x256 (`Resize(256)`: 472 MB of uint8), loaders at 224 px, bs 64, `device='cpu'`. Each case runs in a fresh process
(`fastscale.core.child_peak_mem`) that builds `vision_dls` and reads one epoch of the training and the validation
loader; the process's growth is its peak RSS minus its RSS after the imports:

  ram, no budget     `cache='ram', cache_ram='4GB'`: the whole store in the process
  auto, 100 MB       `cache='auto', cache_ram='100MB'` (the store goes to disk), first process: decodes and writes
  auto, 100 MB again the same, second process: finds the disk store and decodes nothing

The last line is `image_cache ram_growth_mb=... disk_growth_mb=... reuse_speedup=... images_per_epoch_ok=...`.
Run: `python bench/image_cache.py` (about two minutes on 2 CPU cores).
"""
import sys, json, tempfile, warnings
from pathlib import Path
import numpy as np
from PIL import Image
from fastscale.assets import mnist5k
from fastscale.core import child_peak_mem

CHILD = r'''
import sys, time, json, warnings
warnings.filterwarnings('ignore')
import pandas as pd, torch
from fastai.vision.all import Resize
from fastscale.vision import vision_dls
from fastscale.core import rss
torch.set_num_threads(2)
root, mode, ram, cache_dir = sys.argv[1:5]
df = pd.read_csv(f'{root}/rows.csv')
base = rss()
t0 = time.perf_counter()
dls = vision_dls(df, 224, range(0, len(df), 5), root=root, item=Resize(256), bs=64, device='cpu', cache=mode, cache_ram=ram, cache_dir=cache_dir)
build = time.perf_counter() - t0
n = sum(len(x) for x, y in dls.train) + sum(len(x) for x, y in dls.valid)
expect = len(dls.train) * 64 + len(dls.valid_ds)
print(json.dumps(dict(build_s=build, loaded=n, expected=expect, base=base, kinds=dls.cache.kinds(), loads=dls.cache.loads)))
'''

def make_images(dest, n=2400, size=256, seed=0):
    "`n` PNGs of `size`x`size`: a digit scaled to a random size and place on a noisy background; `rows.csv` lists them."
    rng = np.random.default_rng(seed)
    src = sorted((mnist5k()/'train').rglob('*.png'))
    rows = []
    for i in range(n):
        f = src[i % len(src)]
        bg = rng.integers(0, 120, (size, size, 3), dtype=np.uint8)
        d = Image.open(f).convert('L')
        s = int(rng.integers(size // 3, size - 8)); d = d.resize((s, s))
        x, y = rng.integers(0, size - s, 2)
        img = Image.fromarray(bg); img.paste(Image.merge('RGB', (d, d, d)), (int(x), int(y)), d)
        name = f'img/{i:05d}.png'; (dest/'img').mkdir(exist_ok=True); img.save(dest/name)
        rows.append((name, f.parent.name))
    (dest/'rows.csv').write_text('fname,label\n' + '\n'.join(f'{a},{b}' for a, b in rows) + '\n')

def main():
    warnings.filterwarnings('ignore')
    with tempfile.TemporaryDirectory() as d:
        d = Path(d); make_images(d)
        cache_dir = d/'store'
        res = {}
        for name, mode, ram in (('ram, no budget', 'ram', '4GB'), ('auto, 100 MB', 'auto', '100MB'), ('auto, 100 MB again', 'auto', '100MB')):
            r = child_peak_mem(CHILD, [d, mode, ram, cache_dir], timeout=900)
            if r['rc'] != 0: sys.exit(f'{name} failed:\n{r["out"]}')
            res[name] = json.loads(r['out'].strip().splitlines()[-1])
            res[name]['growth'] = r['peak'] - res[name]['base']   # the child's peak RSS (VmHWM at exit) above its RSS after the imports
            v = res[name]
            print(f"{name:20s} build {v['build_s']:6.1f} s  growth {v['growth'] / 1e6:6.0f} MB  loaded {v['loaded']}/{v['expected']}  {v['kinds']}  decoded {v['loads']}")
        ok = all(v['loaded'] == v['expected'] for v in res.values())
        sp = res['auto, 100 MB']['build_s'] / res['auto, 100 MB again']['build_s']
        print(f"image_cache ram_growth_mb={res['ram, no budget']['growth'] / 1e6:.0f} disk_growth_mb={res['auto, 100 MB']['growth'] / 1e6:.0f} "
              f"reuse_growth_mb={res['auto, 100 MB again']['growth'] / 1e6:.0f} reuse_speedup={sp:.1f} images_per_epoch_ok={ok}")

if __name__ == '__main__': main()
