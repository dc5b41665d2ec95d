"""Notebooks are the source: exported code and clean notebooks are committed in sync."""
import hashlib, shutil, subprocess
from pathlib import Path

import nbformat
import pytest

from conftest import BIN, ROOT


def _snapshot():
    files = sorted([*ROOT.glob('nbs/*.ipynb'), *ROOT.glob('newsstudy/*.py')])
    return {p.relative_to(ROOT).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in files}


def _git_status():
    if not (ROOT/'.git').exists() or not shutil.which('git'): return None
    return subprocess.run(['git', 'status', '--porcelain'], cwd=ROOT, capture_output=True, text=True).stdout


def test_export_and_clean_change_nothing():
    before, status = _snapshot(), _git_status()
    for cmd in ('nbdev-export', 'nbdev-clean'):
        r = subprocess.run([str(BIN/cmd)], cwd=ROOT, capture_output=True, text=True)
        assert r.returncode == 0, r.stderr
    assert _snapshot() == before, 'run nbdev-export and nbdev-clean, then commit'
    if status == '': assert _git_status() == '', 'git status must stay clean'


def _stages():
    from newsstudy.run import stage_notebooks
    return [nbformat.read(p, as_version=4) for p in stage_notebooks(ROOT/'nbs')]


def test_stage_notebooks_keep_one_commented_parameters_cell():
    stages = _stages()
    assert stages
    for nb in stages:
        cells = [c for c in nb.cells if 'parameters' in c.metadata.get('tags', [])]
        assert len(cells) == 1
        code = [l for l in cells[0].source.splitlines() if l.strip()]
        assert code and all('#' in l for l in code), 'every parameter carries a comment'


def test_notebooks_are_committed_without_outputs():
    from newsstudy.run import tool_notebooks
    tools = set(tool_notebooks(ROOT/'nbs'))  # tools (train_*) are committed with their recorded outputs: the docs show them
    for p in set((ROOT/'nbs').glob('*.ipynb')) - tools:
        nb = nbformat.read(p, as_version=4)
        assert not [c for c in nb.cells if c.cell_type == 'code' and c.outputs], f'{p.name}: clear outputs before committing'


def test_tool_notebooks_recorded_without_errors():
    from newsstudy.run import tool_notebooks
    for p in tool_notebooks(ROOT/'nbs'):
        outs = [o for c in nbformat.read(p, as_version=4).cells if c.cell_type == 'code' for o in c.outputs]
        assert not [o for o in outs if o.output_type == 'error'], f'{p.name}: rerun it cleanly before committing'
