"""Feature extraction on a CPU: fp32 against bf16 autocast (`precision=None` vs 'auto'), side by side in one process.

`python bench/embed_precision.py [--texts 1280] [--images 320]`: MPNet-base over Rotten Tomatoes snippets
(`embed_texts`, max_len 64, batches of 64) and a pretrained EfficientNet-Lite0 over MNIST-5k digits at 224 px
(`embed_images`, batches of 32). Each pass is run twice, the second timed. Prints seconds, the speed-up and the lowest
cosine similarity between the two precisions' vectors. 'auto' is bf16 only where `cpu_bf16_native()` (AMX) says so."""
import argparse, time, numpy as np, torch
from fastscale import assets
from fastscale.core import cpu_bf16_native, resolve_precision, pick_device
from fastscale.text.features import embed_texts, _encoder
from fastscale.vision import image_df
from fastscale.vision_features import embed_images
from fastscale.assets import timm_model

def timed(f):
    f(); t0 = time.perf_counter(); out = f(); return time.perf_counter() - t0, out

def main(n_texts=1280, n_images=320):
    dev = pick_device('cpu')
    print(f'torch {torch.__version__}, {torch.get_num_threads()} threads, AMX: {cpu_bf16_native()}, '
          f"'auto' resolves to {resolve_precision('auto', dev, inference=True) or 'fp32'}")
    texts = list(assets.rotten_tomatoes().text[:n_texts])
    enc = _encoder(assets.mpnet())
    from transformers import AutoTokenizer
    tok = AutoTokenizer.from_pretrained(str(assets.mpnet()))
    rows = []
    for what, f in (('MPNet-base, %d snippets' % len(texts), lambda p: embed_texts(enc, texts, tokenizer=tok, max_len=64, bs=64, device=dev, precision=p, show=False)),):
        (t32, a), (t16, b) = timed(lambda: f(None)), timed(lambda: f('auto'))
        rows.append((what, t32, t16, float((a * b).sum(1).min())))
    root = assets.mnist5k(); df, _ = image_df(root, check=False); fn = list(df.fname[:n_images])
    body = timm_model('tf_efficientnet_lite0', pretrained=True, num_classes=0)
    f = lambda p: embed_images('tf_efficientnet_lite0', fn, 224, root=root, bs=32, model=body, device=dev, precision=p, show=False)
    (t32, a), (t16, b) = timed(lambda: f(None)), timed(lambda: f('auto'))
    rows.append((f'Lite0 at 224 px, {len(fn)} digits', t32, t16, float((a * b).sum(1).min())))
    print('| encoder | fp32 s | auto s | speed-up | lowest cosine |\n|---|---|---|---|---|')
    for what, a, b, c in rows: print(f'| {what} | {a:.1f} | {b:.1f} | {a / b:.2f}x | {c:.5f} |')

if __name__ == '__main__':
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--texts', type=int, default=1280); p.add_argument('--images', type=int, default=320)
    a = p.parse_args(); main(a.texts, a.images)
