"""The run contract of `newsstudy run`: outputs, bad inputs and parameters (refused before any stage), failing
notebooks, reproducibility."""
import hashlib, json, os, subprocess
from pathlib import Path

import pandas as pd
import nbformat
import pytest

from conftest import BIN, ROOT, SEEDS, newsstudy


def _sha(p): return hashlib.sha256(Path(p).read_bytes()).hexdigest()


def test_run_writes_the_contract(seed_run):
    out, r = seed_run
    assert r.returncode == 0 and 'results:' in r.stdout
    assert '[1/' in r.stderr and 'done in' in r.stderr, 'progress names each notebook and its time'
    docs = pd.read_parquet(out/'tables'/'documents.parquet')
    assert sorted(docs.path) == sorted(p.name for p in SEEDS.glob('*.txt'))
    for ext in ('png', 'svg'): assert (out/'figures'/f'document_composition.{ext}').stat().st_size > 1000
    nb = nbformat.read(out/'notebooks'/'00_corpus.ipynb', as_version=4)
    assert any(c.get('outputs') for c in nb.cells if c.cell_type == 'code'), 'executed notebook keeps its outputs'
    run = json.loads((out/'run.json').read_text())
    assert run['newsstudy'] and run['parameters'] == {} and run['status'] == 'complete'
    assert {i['file']: i['sha256'] for i in run['inputs']} == {p.name: _sha(p) for p in SEEDS.iterdir()}
    assert [n['notebook'] for n in run['notebooks']][0] == '00_corpus.ipynb'
    assert all(n['seconds'] > 0 for n in run['notebooks'])
    assert [p.name for p in out.parent.iterdir()] == ['seeds'], 'no temporary folders left'


def test_same_inputs_same_tables_and_figures(seed_run, tmp_path):
    out, _ = seed_run
    again = tmp_path/'again'
    newsstudy('run', '--out', again, check=True)
    import pandas as pd
    tables = sorted(p.name for p in (out/'tables').glob('*.parquet'))
    assert tables == sorted(p.name for p in (again/'tables').glob('*.parquet')) and len(tables) >= 25
    for name in tables:  # every table of every stage: same rows, same values
        a, b = pd.read_parquet(out/'tables'/name), pd.read_parquet(again/'tables'/name)
        assert a.equals(b), name
    for sub in ('figures', 'report'):  # figures and reports: the same bytes
        files = sorted(p.name for p in (out/sub).iterdir())
        assert files and files == sorted(p.name for p in (again/sub).iterdir()), sub
        for f in files: assert _sha(out/sub/f) == _sha(again/sub/f), f'{sub}/{f}'


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


def test_parameter_values_take_the_type_of_their_default():
    from newsstudy.run import check_params, stage_notebooks, as_type
    stages = stage_notebooks(ROOT/'nbs')
    assert check_params({'max_sentences': '3', 'min_score': '1', 'reference': '007', 'batch_size': 4}, stages) == \
        {'max_sentences': 3, 'min_score': 1.0, 'reference': '007', 'batch_size': 4}
    assert [as_type('true', bool), as_type('False', bool), as_type('none', None), as_type('x', None)] == \
        [True, False, None, 'x']
    for v, kind in [('maybe', bool), ('1', bool), ('abc', int), (3, str), (True, int)]:
        with pytest.raises(ValueError): as_type(v, kind)


def _stage(folder, code):
    "A one-cell stage notebook in `folder` (used as NEWSSTUDY_NBS): quick, unlike the NLP stages."
    folder.mkdir()
    nbformat.write(nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell('corpus_dir = ""\nout_dir = ""', metadata=dict(tags=['parameters'])),
        nbformat.v4.new_code_cell(code)], metadata=dict(kernelspec=dict(name='python3', display_name='Python 3',
                                                                          language='python'))), folder/'00_stage.ipynb')
    return folder


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
