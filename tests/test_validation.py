"The recorded validation figures (newsstudy/models/validation.json) and the helpers that read and compute them."
import json
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import newsstudy
from newsstudy.validation import (COLUMNS, PRIMARY, accuracy_phrase, bootstrap_ci, macro_f1, prf, record_results,
                                  reuse_rows, validated_scores)

ROOT = Path(__file__).resolve().parents[1]
RECORDED = ROOT/'newsstudy'/'models'/'validation.json'
VALIDATION = ROOT.parent/'shared'/'validation'


def test_recorded_json_schema_and_date():
    doc = json.loads(RECORDED.read_text(encoding='utf-8'))
    assert {'date', 'version', 'n_boot', 'seed', 'columns', 'results'} <= set(doc)
    assert doc['columns'] == COLUMNS
    date = datetime.strptime(doc['date'], '%Y-%m-%dT%H:%M:%SZ').replace(tzinfo=timezone.utc)
    assert datetime(2026, 1, 1, tzinfo=timezone.utc) < date <= datetime.now(timezone.utc)
    assert doc['n_boot'] >= 1000
    assert {m for r in doc['results'] for m in [r['measure']]} == set(PRIMARY)
    for r in doc['results']:
        assert list(r) == COLUMNS
        if r['value'] is None: assert r['note'].startswith('not available'), r
        else:
            assert r['n'] > 0 and 0 <= r['low'] <= r['value'] <= r['high'] <= 1, r
            assert r['role'] in ('newsstudy', 'option', 'baseline'), r


def test_page_recorded_with_the_json():
    import nbformat
    nb = nbformat.read(ROOT/'nbs'/'validation.ipynb', as_version=4)
    outs = [o for c in nb.cells if c.cell_type == 'code' for o in c.outputs]
    assert not [o for o in outs if o.output_type == 'error' or o.get('name') == 'stderr'], 'rerun it cleanly'
    date = json.loads(RECORDED.read_text(encoding='utf-8'))['date']
    assert any(f'recorded to newsstudy/models/validation.json on {date}' in o.get('text', '') for o in outs), \
        'the page shows the outputs of the run that wrote the JSON'


def test_shipped_with_the_package():
    toml = (ROOT/'pyproject.toml').read_text(encoding='utf-8')
    assert '"models/*.json"' in toml
    assert RECORDED.parent == Path(newsstudy.__file__).parent/'models'


def test_validated_scores_and_phrases():
    df = validated_scores()
    assert list(df.columns) == COLUMNS and len(df) > 0
    assert df.attrs['date'] == json.loads(RECORDED.read_text(encoding='utf-8'))['date']
    for m in PRIMARY:
        phrase = accuracy_phrase(m)
        hit = df[(df.measure == m) & (df.role == 'newsstudy') & (df.metric == PRIMARY[m]) & df.value.notna()]
        if len(hit): assert phrase.startswith(f'{PRIMARY[m]} {hit.value.iloc[0]:.2f} (95% CI '), phrase
        else: assert phrase.startswith('not validated'), phrase
    with pytest.raises(ValueError, match='unknown measure'): accuracy_phrase('tone')


def test_phrase_on_a_toy_table():
    t = pd.DataFrame([dict(measure='frames', corpus='held-out GVFC', method='head', role='newsstudy', unit='headline',
                           n=100, metric='accuracy', value=0.5123, low=0.41, high=0.6, note='')], columns=COLUMNS)
    assert accuracy_phrase('frames', t) == 'accuracy 0.51 (95% CI 0.41–0.60) on held-out GVFC'


def test_bootstrap_known_answer():
    x = np.array([1] * 200 + [0] * 200)
    v, lo, hi = bootstrap_ci(lambda i: x[i].mean(), len(x), 2000, seed=0)
    assert v == 0.5 and abs(lo - 0.451) < 0.01 and abs(hi - 0.549) < 0.01  # normal approximation 0.5 ± 0.049
    assert bootstrap_ci(lambda i: 0.25, 7, 100) == (0.25, 0.25, 0.25)


def test_metrics():
    assert prf(4, 1, 3) == dict(precision=0.8, recall=4 / 7, F1=2 / 3)
    assert macro_f1([0, 0, 1], [0, 0, 0], [0, 1]) == 0.4


def test_record_is_atomic_and_round_trips(tmp_path):
    t = pd.DataFrame([dict(measure='frames', corpus='c', method='m', role='baseline', unit='headline', n=3,
                           metric='accuracy', value=0.5, low=0.1, high=0.9, note='')], columns=COLUMNS)
    p = record_results(t, tmp_path/'v.json', n_boot=10, seed=0)
    assert [f.name for f in tmp_path.iterdir()] == ['v.json'] and p.stat().st_mode & 0o777 == 0o644
    back = validated_scores(p)
    assert back.to_dict('records') == t.to_dict('records') and back.attrs['version'] == newsstudy.__version__


def test_recorded_reuse_rows_reproduce():
    if not (VALIDATION/'clough-stevenson'/'labels.csv').exists():
        pytest.skip(f'validation data not found at {VALIDATION}: recorded reuse figures not re-checked')
    doc = json.loads(RECORDED.read_text(encoding='utf-8'))
    rec = [r for r in doc['results'] if r['measure'] == 'reuse level']
    got = reuse_rows(VALIDATION/'clough-stevenson', doc['n_boot'], doc['seed'])
    key = lambda r: (r['method'], r['metric'])
    assert {key(r): (r['value'], r['low'], r['high']) for r in got} == {key(r): (r['value'], r['low'], r['high']) for r in rec}
