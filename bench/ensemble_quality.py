"""Does ensembling pay, and do fitted weights beat equal ones? Hold-out scores of `fastscale demo`'s members and ensembles.

For MNIST-5k (vision) and Rotten Tomatoes (text): the three members `fastscale demo` trains (`fastscale.jobs.demo_config`),
then each member, equal weights, "count the best member twice" (the seed's trick) and fitted weights (Caruana's greedy
selection, scipy on log loss) scored on the labelled hold-out test rows, which no weight was fitted on. The runs live in
bench/runs/ and are resumable: a second call only re-scores. `--full` uses all the data (much longer).
Run: `python bench/ensemble_quality.py [vision|text ...] [--full]` (about 15 minutes for both on 2 CPU cores).
"""
import sys, time
import pandas as pd
from pathlib import Path
from fastscale.jobs import demo_config, train_job
from fastscale.ensemble import Ensemble

def quality(task, full=False):
    "Train (or find) the demo's members for `task`; the hold-out table of members and weightings."
    out = Path(__file__).parent/'runs'/f"ensemble-{task}{'-full' if full else ''}"
    t = time.time(); run = train_job(demo_config(task, out, full)); secs = time.time() - t
    ens = Ensemble.from_run(run)
    table = ens.evaluate({'equal': 'equal', 'caruana': 'caruana', 'scipy': 'scipy'})
    best = table.loc[list(run.models()), 'valid_accuracy'].idxmax()   # chosen on validation, not on the test rows
    table = pd.concat([table.loc[:'equal'], ens.evaluate({'best twice': {best: 2}}).loc[['best twice']], table.loc['caruana':]])
    print(f'\n{task}: {len(run.targets)} training rows, {run.n_test} hold-out rows, {secs:.0f}s to train (0 when resumed); best on validation: {best}')
    cols = ['test_accuracy', 'test_log_loss', 'valid_accuracy', 'valid_log_loss']
    with pd.option_context('display.float_format', '{:.4f}'.format): print(table[cols].to_string())
    m = table.loc[list(run.models()), 'test_accuracy']
    print(f"{task}: best member {m.max():.4f}, equal {table.test_accuracy['equal']:.4f}, best twice {table.test_accuracy['best twice']:.4f}, "
          f"fitted (scipy) {table.test_accuracy['scipy']:.4f} -> fitted - best member = {table.test_accuracy['scipy'] - m.max():+.4f}")
    return table

if __name__ == '__main__':
    tasks = [a for a in sys.argv[1:] if not a.startswith('--')] or ['vision', 'text']
    for task in tasks: quality(task, '--full' in sys.argv)
