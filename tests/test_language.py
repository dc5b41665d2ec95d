"""The loaded-language and sentence-bias model (`newsstudy.language`): the inference API on our own sentences, and the
shipped model's held-out scores recomputed on the held-out part of the development data (skipped, with the reason
shown, when ../shared/validation is absent)."""
import json
from pathlib import Path

import numpy as np
import pytest

from newsstudy.language import BIAS_COLS, MODEL_DIR, SPAN_COLS, TECHNIQUES, language_rows, load_language_model

VAL = Path(__file__).resolve().parents[1].parent/'shared'/'validation'
TEXTS = ["The despot and his cronies rammed the disastrous bill through parliament.",
         "The committee will meet on Tuesday to discuss the budget.", "", "   ",
         "Critics called the so-called reform a shameful betrayal. " * 30]


def test_language_rows_shape_and_offsets():
    spans, bias = language_rows(TEXTS, batch_size=4)
    assert list(spans.columns) == SPAN_COLS and list(bias.columns) == BIAS_COLS
    assert list(bias.i) == list(range(len(TEXTS))) and set(bias.label) <= {'biased', 'non-biased'}
    assert set(spans.technique) <= set(TECHNIQUES) and spans.score.between(0, 1).all()
    for r in spans.itertuples():
        t = TEXTS[r.i]
        assert t[r.start:r.end] == r.term and r.start < r.end
        assert (r.start == 0 or not t[r.start - 1].isalnum()) and (r.end == len(t) or not t[r.end].isalnum()), 'whole words'
    assert not spans.i.isin([2, 3]).any() and bias.score[[2, 3]].isna().all() and (bias.label[[2, 3]] == 'non-biased').all()
    assert bias.score[[0, 1, 4]].between(0, 1).all()
    assert (spans.i == 4).sum() >= 1, 'a long text (several windows) is covered'


def test_language_rows_is_deterministic_and_flags_name_calling():
    a, b = language_rows(TEXTS[:2]), language_rows(TEXTS[:2])
    assert a[0].equals(b[0]) and a[1].equals(b[1])
    assert a[0].term.str.contains('despot').any(), a[0]
    assert a[1].score[0] > a[1].score[1], a[1]


def test_missing_model_files_give_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match='language model files missing'): load_language_model(tmp_path)


@pytest.mark.skipif(not (VAL/'ptc'/'spans.tsv').exists() or not (VAL/'babe'/'sentences.csv').exists(),
                    reason=f'development data absent: {VAL} (PTC, BABE)')
def test_held_out_scores_are_reproduced():
    from newsstudy.train_language import all_scores, load_babe, load_ptc, model_scores
    rec = json.loads((MODEL_DIR/'scores.json').read_text())
    model, tok, cfg = load_language_model()
    ptc, babe = load_ptc(VAL/'ptc'), load_babe(VAL/'babe'/'sentences.csv')
    ptc, babe = ptc[ptc.split == 'test'], babe[babe.split == 'test']
    got = all_scores(model_scores(model, tok, ptc, babe, cfg), ptc, babe, cfg['token_threshold'], cfg['sentence_threshold'])
    want = rec['test']
    assert got['ptc_token']['f1'] >= want['ptc_token']['f1'] - 0.03, (got, want)
    assert got['babe_sentence_macro_f1'] >= want['babe_sentence_macro_f1'] - 0.03, (got, want)
    assert got['babe_biased_words']['f1'] >= want['babe_biased_words']['f1'] - 0.03, (got, want)
    assert got['ptc_token']['f1'] > rec['baselines']['nrc']['ptc_token']['f1'], 'beats the NRC list'
