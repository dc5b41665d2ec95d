"""The run contract of `newsstudy run`: outputs, bad inputs and parameters (refused before any stage), failing
notebooks, reproducibility."""
import hashlib, json, os, subprocess, sys, time
from pathlib import Path

import pandas as pd
import nbformat
import pytest

from conftest import BIN, ROOT, SEEDS, newsstudy, table


def _sha(p): return hashlib.sha256(Path(p).read_bytes()).hexdigest()


def test_run_writes_the_contract(seed_run):
    out, r = seed_run
    assert r.returncode == 0 and 'results:' in r.stdout
    assert '[1/' in r.stderr and 'done in' in r.stderr, 'progress names each notebook and its time'
    docs = table(out, 'documents')
    assert sorted(docs.path) == sorted(p.name for p in SEEDS.glob('*.txt'))
    for ext in ('png', 'svg'): assert (out/'figures'/f'document_composition.{ext}').stat().st_size > 1000
    nb = nbformat.read(out/'notebooks'/'00_corpus.ipynb', as_version=4)
    assert any(c.get('outputs') for c in nb.cells if c.cell_type == 'code'), 'executed notebook keeps its outputs'
    run = json.loads((out/'run.json').read_text())
    assert run['newsstudy'] and run['parameters'] == {} and run['status'] == 'complete' and run['examples'] is True
    assert set(run['scheduler']) == {'address', 'local'}
    assert {i['file']: i['sha256'] for i in run['inputs']} == {p.name: _sha(p) for p in SEEDS.iterdir()}
    assert [n['notebook'] for n in run['notebooks']][0] == '00_corpus.ipynb'
    assert all(n['seconds'] > 0 for n in run['notebooks'])
    assert [p.name for p in out.parent.iterdir()] == ['seeds'], 'no temporary folders left'


# (Same inputs, same tables and figures: tests/test_cluster.py compares two runs of one corpus, local and on a cluster.)


def _one_line_error(r, *words):
    assert r.returncode == 2, r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith('newsstudy: error:'), r.stderr
    for w in words: assert w in lines[0]


def test_unknown_parameter_is_refused(tmp_path):
    r = newsstudy('run', '--out', tmp_path/'out', '-p', 'no_such_parameter', '3')
    _one_line_error(r, 'no_such_parameter')
    assert list(tmp_path.iterdir()) == [], 'nothing written'


def test_missing_corpus_is_refused(tmp_path):
    r = newsstudy('run', '--corpus', tmp_path/'nowhere', '--out', tmp_path/'out')
    _one_line_error(r, 'not found', 'nowhere')
    assert list(tmp_path.iterdir()) == []


def test_empty_corpus_is_refused(tmp_path):
    corpus = tmp_path/'empty'; corpus.mkdir()
    (corpus/'notes.md').write_text('# not an article format\n')
    r = newsstudy('run', '--corpus', corpus, '--out', tmp_path/'out')
    _one_line_error(r, 'no article files')
    assert sorted(p.name for p in tmp_path.iterdir()) == ['empty']


def test_corpus_file_is_not_a_folder(tmp_path):
    f = tmp_path/'article.txt'; f.write_text('One story.\n')
    r = newsstudy('run', '--corpus', f, '--out', tmp_path/'out')
    _one_line_error(r, 'corpus is not a folder', 'article.txt')
    assert sorted(p.name for p in tmp_path.iterdir()) == ['article.txt']


def test_manifest_mismatch_is_refused_before_any_stage(tmp_path):
    corpus = tmp_path/'corpus'; corpus.mkdir()
    (corpus/'story.txt').write_text('A story.\n')
    (corpus/'MANIFEST.csv').write_text('file,sha256,bytes\nstory.txt,' + '0' * 64 + ',9\n')
    r = newsstudy('run', '--corpus', corpus, '--out', tmp_path/'out')
    _one_line_error(r, 'MANIFEST.csv', 'story.txt', 'sha256 does not match')
    assert sorted(p.name for p in tmp_path.iterdir()) == ['corpus'], 'nothing written, no stage ran'


@pytest.mark.parametrize('name, value, expect', [
    ('max_sentences', 'abc', "'max_sentences' must be a whole number, not 'abc'"),
    ('max_sentences', '3.5', "'max_sentences' must be a whole number, not '3.5'"),
    ('batch_size', '0', "'batch_size' must be at least 1, not '0'"),
    ('max_bytes', '-5', "'max_bytes' must be at least 1, not '-5'"),
    ('max_heatmaps', '-1', "'max_heatmaps' must be at least 0, not '-1'"),
    ('min_score', '1.5', "'min_score' must be from 0 to 1, not '1.5'"),
    ('event_threshold', 'high', "'event_threshold' must be a number, not 'high'"),
    ('min_shift', 'nan', "'min_shift' must be a number, not 'nan'"),
])
def test_parameter_values_are_checked_before_any_stage(tmp_path, name, value, expect):
    r = newsstudy('run', '--out', tmp_path/'out', '-p', name, value)
    _one_line_error(r, expect)
    assert list(tmp_path.iterdir()) == [], 'nothing written'


def test_unknown_reference_is_refused_before_any_stage(tmp_path):
    t0 = time.perf_counter()
    r = newsstudy('run', '--corpus', SEEDS, '--out', tmp_path/'out', '-p', 'reference', 'no-such-version')
    _one_line_error(r, "reference 'no-such-version' names no document of the corpus")
    assert time.perf_counter() - t0 < 15 and list(tmp_path.iterdir()) == [], 'refused at once, nothing written'


def test_scheduler_is_not_a_p_parameter(tmp_path):
    _one_line_error(newsstudy('run', '--out', tmp_path/'out', '-p', 'scheduler', 'tcp://x:1'), '--scheduler')


def test_help_imports_nothing_heavy():
    "`newsstudy --help` answers without importing the scientific stack (it took ~10 s when it did)."
    probe = ('import sys\nfrom newsstudy.run import main\n'
             'try: main(["run", "--help"])\n'
             'except SystemExit: pass\n'
             'print(sorted(m for m in ("pandas", "nbformat", "papermill", "torch", "spacy", "distributed", '
             '"newsstudy.common", "newsstudy.corpus") if m in sys.modules))')
    t0 = time.perf_counter()
    r = subprocess.run([sys.executable, '-c', probe], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0 and '--scheduler ADDRESS' in r.stdout and r.stdout.strip().splitlines()[-1] == '[]', r.stdout + r.stderr
    assert time.perf_counter() - t0 < 5, 'a generous bound: the machine may be loaded (about 0.1 s when idle)'


def test_parameter_values_take_the_type_of_their_default():
    from newsstudy.run import check_params, stage_notebooks, as_type
    stages = stage_notebooks(ROOT/'nbs')
    assert check_params({'max_sentences': '3', 'min_score': '1', 'reference': '007', 'batch_size': 4}, stages) == \
        {'max_sentences': 3, 'min_score': 1.0, 'reference': '007', 'batch_size': 4}
    assert [as_type('true', bool), as_type('False', bool), as_type('none', None), as_type('x', None)] == \
        [True, False, None, 'x']
    for v, kind in [('maybe', bool), ('1', bool), ('abc', int), (3, str), (True, int)]:
        with pytest.raises(ValueError): as_type(v, kind)


def _stage(folder, *cells):
    "A small stage notebook in `folder` (used as NEWSSTUDY_NBS), quick unlike the NLP stages; a cell is code or (code, tag)."
    folder.mkdir()
    cells = [c if isinstance(c, tuple) else (c,) for c in cells]
    nbformat.write(nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell('corpus_dir = ""\nout_dir = ""', metadata=dict(tags=['parameters'])),
        *[nbformat.v4.new_code_cell(c[0], metadata=dict(tags=list(c[1:]))) for c in cells]], metadata=dict(kernelspec=dict(name='python3', display_name='Python 3',
                                                                          language='python'))), folder/'00_stage.ipynb')
    return folder


def test_production_path_skips_the_examples(tmp_path):
    "A stage with `stage` cells: the run executes the parameters, import and stage cells, not the examples."
    corpus = tmp_path/'corpus'; corpus.mkdir(); (corpus/'story.txt').write_text('A story.\n')
    nbs = _stage(tmp_path/'nbs', "import json", "raise RuntimeError('an example on the seeds')",
                 ("import pathlib; pathlib.Path(out_dir, 'done.txt').write_text(json.dumps(corpus_dir))", 'stage'))
    env = dict(os.environ, NEWSSTUDY_NBS=str(nbs))
    run = lambda out, *a: subprocess.run([str(BIN/'newsstudy'), 'run', '--corpus', str(corpus), '--out', str(out), *a],
                                         cwd=ROOT, capture_output=True, text=True, env=env, timeout=600)
    r = run(tmp_path/'out')
    assert r.returncode == 0, r.stderr[-2000:]
    assert json.loads((tmp_path/'out'/'done.txt').read_text()) == str(corpus)
    executed = nbformat.read(tmp_path/'out'/'notebooks'/'00_stage.ipynb', as_version=4)
    cells = [c.source for c in executed.cells if 'injected-parameters' not in c.metadata.get('tags', [])]
    assert len(cells) == 3 and not any('RuntimeError' in c for c in cells), cells
    r = run(tmp_path/'whole', '--examples')  # the whole notebook: the example runs, and fails
    assert r.returncode == 1 and "00_stage.ipynb failed in cell 3 (\"raise RuntimeError" in r.stderr, r.stderr[-2000:]


def test_failing_notebook_is_named_and_previous_results_survive(tmp_path):
    corpus = tmp_path/'corpus'; corpus.mkdir()
    (corpus/'story.txt').write_text('A story.\n')
    out = tmp_path/'out'; (out/'tables').mkdir(parents=True)
    (out/'tables'/'keep.txt').write_text('previous results')
    (out/'run.json').write_text(json.dumps(dict(newsstudy='0.1.0')))
    nbs = _stage(tmp_path/'nbs', "import json\njson.loads('{not json')")
    r = subprocess.run([str(BIN/'newsstudy'), 'run', '--corpus', str(corpus), '--out', str(out)], cwd=ROOT,
                       capture_output=True, text=True, env=dict(os.environ, NEWSSTUDY_NBS=str(nbs)), timeout=600)
    assert r.returncode == 1
    err = r.stderr.strip().splitlines()  # (the kernel may log warnings of its own)
    assert err[0] == '[1/1] 00_stage.ipynb ...' and [l for l in err if l.startswith('newsstudy:')] == err[-1:]
    assert err[-1].startswith("newsstudy: error: 00_stage.ipynb failed in cell 2 ('import json')")
    assert 'JSONDecodeError' in err[-1]
    assert (out/'tables'/'keep.txt').read_text() == 'previous results'
    assert sorted(p.name for p in tmp_path.iterdir()) == ['corpus', 'nbs', 'out', 'out.failed']
    assert (tmp_path/'out.failed'/'notebooks'/'00_stage.ipynb').exists()
    assert json.loads((tmp_path/'out.failed'/'run.json').read_text())['status'] == 'failed'


def test_raw_files_are_never_modified(seed_run):
    m = pd.read_csv(SEEDS/'MANIFEST.csv')
    assert all(_sha(SEEDS/f) == s for f, s in zip(m.file, m.sha256))
