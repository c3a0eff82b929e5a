"""Run library notebooks at test size and keep their outputs, tidied, with a hash of the code they came from.

Each notebook in turn (two at a time) is executed top to bottom as `nbdev_test` runs it (`IN_TEST=1`, in its folder),
except the cells marked `#| slow`, `#| cuda` or `#| eval: false`, whose outputs are cleared; the outputs are tidied
(progress bars and library noise dropped, as for the worked examples; temporary folders, the asset cache and this
checkout's path written as `<tmp>`, `<FASTSCALE_HOME>` and `<repo>`), the notebook cleaned (`nbdev_clean`), and the
sha256 of its code cells recorded in `nbs/outputs.json`: `.ci/check_outputs.py --library` fails a notebook whose
code changed since its outputs were made. Usage: python .ci/refresh_outputs.py [nbs/NB.ipynb ...] (default: all); `--tidy [NB ...]` tidies the outputs there again.
"""
import sys, os, re, json, glob, hashlib, tempfile, subprocess
from pathlib import Path
from concurrent.futures import ThreadPoolExecutor

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT/'.ci'))
from tidy_outputs import tidy as tidy_nb
SKIP = re.compile(r'^\s*#\|\s*(slow|cuda|eval:\s*false)\b', re.M)
HASHES = ROOT/'nbs'/'outputs.json'

def code_hash(path)->str:
    "sha256 of a notebook's code cells, in order: what its outputs must have been made from."
    cells = [''.join(c['source']) for c in json.load(open(path))['cells'] if c['cell_type'] == 'code']
    return hashlib.sha256('\n\x00\n'.join(cells).encode()).hexdigest()

RUN = r'''
import sys, os, re
from pathlib import Path
from execnb.nbio import read_nb, write_nb
from execnb.shell import CaptureShell
from fastcore.xtras import working_directory
SKIP = re.compile(sys.argv[2])
p = Path(sys.argv[1]).resolve()
nb = read_nb(p)
skip = lambda c: c.cell_type != 'code' or bool(SKIP.search(c.source))
for c in nb.cells:
    if c.cell_type == 'code': c.outputs = []
sh = CaptureShell(p)
with working_directory(p.parent): sh.run_all(nb, exc_stop=True, preproc=skip)
write_nb(nb, p)
'''

SITE = re.compile(r'[^\s\'"(]*/site-packages/')
LIB_WARNING = re.compile(r'^<site-packages>/\S+:\d+: \w*Warning: ')

def scrub(text:str)->str:
    "This machine's paths as placeholders (the checkout, installed packages, the asset cache, temporary folders); other libraries' warnings dropped."
    home = os.environ.get('FASTSCALE_HOME', str(Path.home()/'.cache'/'fastscale'))
    text = SITE.sub('<site-packages>/', text.replace(str(ROOT), '<repo>'))
    text = re.sub(re.escape(home) + r'(?![\w-])', '<FASTSCALE_HOME>', text)
    text = re.sub(re.escape(tempfile.gettempdir()) + r'/[^/\s\'",)\]]+', '<tmp>', text)   # a temporary folder: its first component
    out, lines = [], text.split('\n')
    for i, l in enumerate(lines):   # a third-party warning and the source line Python prints under it
        if LIB_WARNING.match(l) or (i and LIB_WARNING.match(lines[i - 1]) and l.startswith('  ')): continue
        out.append(l)
    return '\n'.join(out)

def tidy(path):
    "Progress bars and noise dropped (as for the worked examples), this machine's paths replaced."
    tidy_nb(path, fix=scrub)

def refresh(path):
    env = {**os.environ, 'IN_TEST': '1', 'MPLBACKEND': 'module://matplotlib_inline.backend_inline'}
    r = subprocess.run([sys.executable, '-c', RUN, str(path), SKIP.pattern], env=env, capture_output=True, text=True)
    if r.returncode: return path, False, (r.stderr or r.stdout)[-3000:]
    tidy(path)
    subprocess.run(['nbdev_clean', '--fname', str(path)], check=True, capture_output=True)
    return path, True, ''

if __name__ == '__main__':
    if sys.argv[1:2] == ['--tidy']:   # tidy the outputs already there again (after a change to the tidying), nothing run
        for p in sys.argv[2:] or sorted(glob.glob(str(ROOT/'nbs'/'*.ipynb'))): tidy(p)
        sys.exit(0)
    nbs = sys.argv[1:] or sorted(glob.glob(str(ROOT/'nbs'/'*.ipynb')))
    with ThreadPoolExecutor(2) as ex: res = list(ex.map(refresh, nbs))
    hashes = json.loads(HASHES.read_text()) if HASHES.exists() else {}
    for p, ok, err in res:
        print(('ok   ' if ok else 'FAIL ') + str(p))
        if ok: hashes[Path(p).name] = code_hash(p)
        else: print(err)
    HASHES.write_text(json.dumps(dict(sorted(hashes.items())), indent=1) + '\n')
    sys.exit(0 if all(ok for _, ok, _ in res) else 1)
