"""Notebooks are read on GitHub and on the docs site: they must carry the outputs of a real run.

Worked examples (`python .ci/check_outputs.py finetune_nbs/*.ipynb`): each needs outputs on half of its code cells,
a table or plot among them, and no error.
Library notebooks (`python .ci/check_outputs.py --library nbs/*.ipynb`): at least 80 % of them need outputs on a
quarter of their code cells that are not `#| export`/`#| exporti`/`#| hide` (and not `#| slow`/`#| cuda`); none may
hold an error; and each one's outputs must come from its current code: the hash `.ci/refresh_outputs.py` recorded in
`nbs/outputs.json` must match (a notebook edited since fails, with the command that refreshes it)."""
import sys, json, re
from pathlib import Path

def check(path:str)->list:
    "Problems of one worked example: too few code cells with outputs, no table or plot, an error output."
    cells = [c for c in json.load(open(path))['cells'] if c['cell_type'] == 'code']
    outs = [o for c in cells for o in c.get('outputs', [])]
    with_out = sum(bool(c.get('outputs')) for c in cells)
    kinds = {k for o in outs for k in o.get('data', {})}
    problems = []
    if len(cells) > 1 and with_out < len(cells) / 2: problems.append(f'only {with_out} of {len(cells)} code cells have outputs')
    if len(cells) > 1 and not kinds & {'image/png', 'image/svg+xml', 'text/html', 'text/markdown'}: problems.append('no table or plot among the outputs')
    if any(o.get('output_type') == 'error' for o in outs): problems.append('an output is an error')
    return problems

QUIET = re.compile(r'^\s*#\|\s*(export|exporti|hide|slow|cuda|eval:\s*false|default_exp)\b', re.M)

def library(paths:list)->int:
    "Check library notebooks as the docstring says; print a line per notebook, return the exit code."
    sys.path.insert(0, str(Path(__file__).parent))
    from refresh_outputs import code_hash, HASHES
    hashes = json.loads(HASHES.read_text()) if HASHES.exists() else {}
    good, bad = 0, 0
    for p in paths:
        cells = [c for c in json.load(open(p))['cells'] if c['cell_type'] == 'code']
        shown = [c for c in cells if not QUIET.search(''.join(c['source']))]
        with_out = sum(bool(c.get('outputs')) for c in shown)
        problems = []
        if any(o.get('output_type') == 'error' for c in cells for o in c.get('outputs', [])): problems.append('an output is an error')
        if hashes.get(Path(p).name) != code_hash(p): problems.append(f'its code changed since its outputs were made: python .ci/refresh_outputs.py {p}')
        enough = not shown or with_out >= len(shown) / 4
        good += enough and not problems
        print(f"{'ok  ' if enough and not problems else 'FAIL' if problems else 'few '} {p}: outputs on {with_out} of {len(shown)} cells" + ''.join(f'; {x}' for x in problems))
        bad += bool(problems)
    frac = good / max(len(paths), 1)
    print(f'{good} of {len(paths)} library notebooks ({frac:.0%}) have their outputs (80 % needed); {bad} with a problem')
    return 0 if frac >= 0.8 and not bad else 1

if __name__ == '__main__':
    if sys.argv[1:2] == ['--library']: sys.exit(library(sys.argv[2:]))
    bad = {p: pr for p in sys.argv[1:] if (pr := check(p))}
    for p, pr in bad.items(): print(f'{p}: ' + '; '.join(pr))
    print(f'{len(sys.argv) - 1 - len(bad)} notebooks with outputs, {len(bad)} without (run them and commit the outputs: see README, Developing)')
    sys.exit(1 if bad else 0)
