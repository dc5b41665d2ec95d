"""Pair-level text reuse: symmetric verdicts, the hand-written checks, and (with the development data) the shipped
model against the Clough & Stevenson answers."""
import json
from pathlib import Path

import pytest

from newsstudy import reuse as R

VALIDATION = Path(__file__).resolve().parents[1].parent/'shared'/'validation'
HAVE = (VALIDATION/'clough-stevenson'/'labels.csv').exists()
needs_data = pytest.mark.skipif(not HAVE, reason=f'development data absent: {VALIDATION}/clough-stevenson')


def test_interface():
    assert R.REUSE_LEVELS == ['near copy', 'light revision', 'heavy revision', 'independent']
    f = R.pair_features('The council approved the budget on Monday.', 'On Monday the council approved the budget.')
    assert list(f) == R.PAIR_FEATURES
    for c in ['contain1_ab', 'contain5_ba', 'lcs_ab', 'lcs_ba', 'longest_run', 'words_a', 'words_b']: assert c in f
    level, conf, evidence = R.reuse_verdict(f)
    assert level in R.REUSE_LEVELS and 0 <= conf <= 1 and 'longest shared run 5 words' in evidence


def test_shipped_model_file():
    m = R.load_reuse_model()
    path = Path(R.__file__).parent/'models'/'reuse.json'
    assert m == json.loads(path.read_text()) and (path.parent/'REUSE_MODEL.md').exists()
    assert m['features'] == ['cover3', 'cover8'] and sorted(m['thresholds']) == ['light', 'reused', 'verbatim']
    assert set(m['cv']) == {'leave_one_task_out', 'leave_one_participant_out', 'stratified_5fold_x10'}


def test_quotes_masked_and_wrapped_lines():
    assert R.reuse_words('He said: “We\nwill win,” and left') == ['he', 'said', R.MASK, 'and', 'left']
    assert R.reuse_words('object-\noriented\ncode') == R.reuse_words('object oriented code')
    quote = '"We will rebuild the harbour before the winter storms arrive and the boats return,"'
    f = R.pair_features(f'{quote} the mayor said on Monday.', f'Speaking to fishermen, the mayor repeated: {quote}')
    assert f['cover3_ab'] == f['cover3_ba'] == 0 and f['longest_run'] <= 2


@pytest.mark.parametrize('name', list(R.REUSE_CHECKS))
def test_hand_written_checks_and_symmetry(name):
    a, b, ok = R.REUSE_CHECKS[name]
    v, w = R.reuse_verdict(R.pair_features(a, b)), R.reuse_verdict(R.pair_features(b, a))
    assert v[0] in ok, (name, v)
    assert v[:2] == w[:2], (v, w)


def test_symmetric_on_ties_and_empty():
    t = 'Fire chief Maria Kowalski said 42 firefighters were sent to the scene on Tuesday.'
    for a, b in [(t, t), ('', t), ('', ''), (t, t.upper())]:
        assert R.reuse_verdict(R.pair_features(a, b))[:2] == R.reuse_verdict(R.pair_features(b, a))[:2]
    assert R.reuse_verdict(R.pair_features(t, t))[0] == 'near copy'


def test_cost():
    import time
    words = 'the a of council harbour budget monday said mayor quota fishing pier march vote'.split()
    a = ' '.join(words[(i * 7) % len(words)] for i in range(500)); b = ' '.join(words[(i * 5) % len(words)] for i in range(500))
    t = time.perf_counter()
    for _ in range(10): R._words.cache_clear(); R.pair_features(a, b)
    assert (time.perf_counter() - t) / 10 < 0.05


@pytest.fixture(scope='module')
def dev():
    return R.development_data(VALIDATION)


@needs_data
def test_in_sample_at_least_cv(dev):
    m = R.load_reuse_model()
    X, y = R._design(dev, m['features'])
    ins = R.reuse_scores(y, R.predict_levels(X, m))
    assert ins['accuracy'] >= m['cv']['leave_one_task_out']['accuracy']
    assert ins['accuracy'] >= m['cv']['leave_one_participant_out']['accuracy']


@needs_data
def test_cv_figures_match_model(dev):
    m = R.load_reuse_model()
    cv = R.reuse_cv(dev)
    assert cv['leave_one_task_out']['macro_f1'] == m['cv']['leave_one_task_out']['macro_f1']
    assert cv == m['cv']


@needs_data
def test_fit_reproduces_shipped(dev):
    m, fitted = R.load_reuse_model(), R.fit_reuse_model(dev)
    assert {k: v for k, v in m.items() if k not in ('cv', 'data')} == fitted


def test_confidence_is_the_soft_rule():
    m = R.load_reuse_model()
    t = m['thresholds']
    for x in ([0, 0], [t['reused'] + 0.01, 0], [0.95, 0.9], [t['light'] + 0.05, 0.1], [t['reused'] + 0.05, 0.01]):
        f = dict(cover3_ab=x[0], cover3_ba=0, cover8_ab=x[1], cover8_ba=0, contain5_ab=0, longest_run=0)
        level, conf, _ = R.reuse_verdict(f, m)
        p = R.reuse_proba([x], m)[0]
        assert conf == round(float(p[R.REUSE_LEVELS.index(level)]), 3) and abs(p.sum() - 1) < 1e-9
    assert [R.reuse_verdict(dict(cover3_ab=c3, cover3_ba=0, cover8_ab=c8, cover8_ba=0, contain5_ab=0, longest_run=0), m)[0]
            for c3, c8 in ([0, 0], [0.95, 0.9], [t['light'] + 0.05, 0.1], [t['reused'] + 0.02, 0.01])] == \
        ['independent', 'near copy', 'light revision', 'heavy revision']
