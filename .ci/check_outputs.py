"""The worked examples are read on GitHub: each must be committed with the outputs of a real run (tables, plots,
scores). Fails when a notebook in finetune_nbs/ has lost them. Usage: python .ci/check_outputs.py finetune_nbs/*.ipynb"""
import sys, json

def check(path:str)->list:
    "Problems of one notebook: too few code cells with outputs, no table or plot, an error output."
    cells = [c for c in json.load(open(path))['cells'] if c['cell_type'] == 'code']
    outs = [o for c in cells for o in c.get('outputs', [])]
    with_out = sum(bool(c.get('outputs')) for c in cells)
    kinds = {k for o in outs for k in o.get('data', {})}
    problems = []
    if len(cells) > 1 and with_out < len(cells) / 2: problems.append(f'only {with_out} of {len(cells)} code cells have outputs')
    if len(cells) > 1 and not kinds & {'image/png', 'image/svg+xml', 'text/html', 'text/markdown'}: problems.append('no table or plot among the outputs')
    if any(o.get('output_type') == 'error' for o in outs): problems.append('an output is an error')
    return problems

if __name__ == '__main__':
    bad = {p: pr for p in sys.argv[1:] if (pr := check(p))}
    for p, pr in bad.items(): print(f'{p}: ' + '; '.join(pr))
    print(f'{len(sys.argv) - 1 - len(bad)} notebooks with outputs, {len(bad)} without (run them and commit the outputs: see README, Developing)')
    sys.exit(1 if bad else 0)
