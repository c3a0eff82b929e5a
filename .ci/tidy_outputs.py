"""Make executed worked examples read like a notebook, not a terminal log: progress bars (fastprogress and tqdm draw
them with carriage returns outside Jupyter) dropped, the lines between them (epoch tables, summaries) kept, and
third-party deprecation noise removed. Usage: python .ci/tidy_outputs.py finetune_nbs/*.ipynb"""
import sys, json, re

BAR = re.compile(r'\|[█\-#]*\|?\s*\d+\.\d+%|\d+%\|[#█ ]*\||^\s*█\s*$|^\s*Epoch \d+/\d+ :\s*$')
NOISE = re.compile(r'FutureWarning: `torch\.jit\.script`|^\s*warnings\.warn\(|Loading weights:|Writing model shards:')

def screen(text:str)->str:
    "The lines worth reading: every carriage-return segment that is not a progress bar or library noise."
    keep = []
    for line in text.split('\n'):
        for seg in line.split('\r'):
            seg = seg.replace('█', '').rstrip()
            if seg.strip() and not BAR.search(seg) and not NOISE.search(seg): keep.append(seg)
    # an epoch table's header with no row under it (fastai prints one for prediction passes too)
    keep = [l for i, l in enumerate(keep) if not (l.startswith('epoch ') and not (i + 1 < len(keep) and keep[i + 1][:1].isdigit()))]
    return '\n'.join(keep) + ('\n' if keep else '')

def tidy(path:str, fix=None):
    "Tidy a notebook's outputs in place: progress bars and noise dropped from streams; `fix(text)` applied to every text output."
    fix = fix or (lambda t: t)
    nb = json.load(open(path))
    for c in nb['cells']:
        if c['cell_type'] != 'code': continue
        outs = []
        for o in c.get('outputs', []):
            if o['output_type'] == 'stream':
                t = fix(screen(''.join(o['text'])))
                if not t: continue
                o['text'] = t.splitlines(keepends=True)
            for k in ('text/plain', 'text/html', 'text/markdown'):
                if k in o.get('data', {}): o['data'][k] = fix(''.join(o['data'][k])).splitlines(keepends=True)
            outs.append(o)
        c['outputs'] = outs
    with open(path, 'w') as f: json.dump(nb, f, indent=1, ensure_ascii=False); f.write('\n')

if __name__ == '__main__':
    for p in sys.argv[1:]: tidy(p)
