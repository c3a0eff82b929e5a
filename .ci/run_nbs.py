"""Run notebooks' code cells in plain Python, without nbdev: proves the library and its examples work where nbdev
cannot be installed (e.g. fastcore 2.x, which nbdev 2.4 refuses). Usage: python .ci/run_nbs.py NB.ipynb ..."""
import sys, os, json, re, time, subprocess
from concurrent.futures import ThreadPoolExecutor

SKIP = re.compile(r'^\s*#\|\s*(slow|cuda|eval:\s*false)\b', re.M)

def run_one(nb):
    "Execute the notebook's code cells top to bottom in a fresh interpreter; return (nb, ok, seconds, tail)."
    cells = [''.join(c['source']) for c in json.load(open(nb))['cells'] if c['cell_type'] == 'code']
    code = '\n\n'.join(f'# cell {i}\n' + c for i, c in enumerate(cells) if not SKIP.search(c))
    env = {**os.environ, 'IN_TEST': '1', 'MPLBACKEND': 'Agg'}
    t0 = time.time()
    r = subprocess.run([sys.executable, '-c', code], cwd=os.path.dirname(os.path.abspath(nb)), env=env, capture_output=True, text=True)
    return nb, r.returncode == 0, time.time() - t0, (r.stderr or '')[-2000:]

if __name__ == '__main__':
    nbs = sys.argv[1:]
    with ThreadPoolExecutor(2) as ex: results = list(ex.map(run_one, nbs))
    for nb, ok, s, tail in results:
        print(f"{'ok  ' if ok else 'FAIL'} {s:6.1f}s {nb}")
        if not ok: print(tail)
    failed = sum(not ok for _, ok, _, _ in results)
    print(f'{len(results) - failed} passed, {failed} failed')
    sys.exit(1 if failed else 0)
