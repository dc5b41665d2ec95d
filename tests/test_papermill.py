"""Each stage notebook runs on its own with papermill and gives the same outputs as the CLI."""
import subprocess, sys
from pathlib import Path

import pandas as pd

from conftest import BIN, ROOT, SEEDS, table


def test_help_notebook_lists_commented_parameters():
    r = subprocess.run([str(BIN/'papermill'), '--help-notebook', str(ROOT/'nbs'/'00_corpus.ipynb')], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    for name in ('corpus_dir', 'out_dir'): assert name in r.stdout
    assert 'folder of article files' in r.stdout, 'parameters carry their comments'


def test_papermill_rerun_writes_to_another_out_dir(tmp_path, seed_run):
    "The corpus stage re-run by hand as rerun.ipynb shows: its production copy (no examples) with papermill."
    from newsstudy.run import production_notebook
    out = tmp_path/'elsewhere'
    prod = production_notebook(ROOT/'nbs'/'00_corpus.ipynb', tmp_path/'00_corpus.ipynb')
    r = subprocess.run([str(BIN/'papermill'), str(prod), str(tmp_path/'executed.ipynb'),
                        '-p', 'corpus_dir', str(SEEDS), '-p', 'out_dir', str(out), '--cwd', str(ROOT/'nbs')],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr[-2000:]
    assert (out/'figures'/'document_composition.png').exists()
    cli_out, _ = seed_run
    pd.testing.assert_frame_equal(table(out, 'documents'), table(cli_out, 'documents'))
