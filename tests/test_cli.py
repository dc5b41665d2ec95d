"""The run contract of `newsstudy run`: outputs, bad inputs, failing notebooks, reproducibility."""
import hashlib, json, os
from pathlib import Path

import pandas as pd
import nbformat

from conftest import ROOT, SEEDS, newsstudy


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
    assert run['newsstudy'] and run['parameters'] == {}
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
    (corpus/'notes.csv').write_text('not,an,article\n')
    r = newsstudy('run', '--corpus', corpus, '--out', tmp_path/'out')
    _one_line_error(r, 'no article files')
    assert sorted(p.name for p in tmp_path.iterdir()) == ['empty']


def test_failing_notebook_is_named_and_previous_results_survive(tmp_path):
    corpus = tmp_path/'corpus'; corpus.mkdir()
    (corpus/'story.txt').write_text('A story.\n')
    (corpus/'MANIFEST.csv').write_text('file,sha256,bytes\nstory.txt,' + '0' * 64 + ',9\n')
    out = tmp_path/'out'; (out/'tables').mkdir(parents=True)
    (out/'tables'/'keep.txt').write_text('previous results')
    r = newsstudy('run', '--corpus', corpus, '--out', out)
    assert r.returncode == 1
    err = r.stderr.strip().splitlines()[-1]
    assert '00_corpus.ipynb failed in cell' in err and 'ManifestError' in err and 'story.txt' in err
    assert (out/'tables'/'keep.txt').read_text() == 'previous results'
    assert sorted(p.name for p in tmp_path.iterdir()) == ['corpus', 'out', 'out.failed']
    assert (tmp_path/'out.failed'/'notebooks'/'00_corpus.ipynb').exists()


def test_raw_files_are_never_modified(seed_run):
    m = pd.read_csv(SEEDS/'MANIFEST.csv')
    assert all(_sha(SEEDS/f) == s for f, s in zip(m.file, m.sha256))
