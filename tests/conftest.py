"""Shared fixtures: the repository, the installed `newsstudy` command, one seed-corpus run and one site build per session."""
import os, subprocess, sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT/'data'/'raw'/'seeds'
BIN = Path(sys.executable).parent


def newsstudy(*args, cwd=None, check=False):
    "Run the installed `newsstudy` command; return the CompletedProcess (text)."
    r = subprocess.run([str(BIN/'newsstudy'), *map(str, args)], cwd=cwd or ROOT, capture_output=True, text=True)
    if check and r.returncode: raise AssertionError(f"newsstudy {args} failed ({r.returncode}):\n{r.stderr}")
    return r


@pytest.fixture(scope='session')
def seed_run(tmp_path_factory):
    "Results of `newsstudy run` on the bundled corpus, with the default output folder (run from a scratch cwd)."
    cwd = tmp_path_factory.mktemp('seedrun')
    r = newsstudy('run', cwd=cwd, check=True)
    return cwd/'results'/'seeds', r


@pytest.fixture(scope='session')
def site(seed_run, tmp_path_factory):
    dest = tmp_path_factory.mktemp('site')/'_docs'
    r = newsstudy('docs', '--results', seed_run[0], '--dest', dest)
    assert r.returncode == 0, r.stderr[-3000:]
    return dest
