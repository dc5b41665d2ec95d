"""The comparison's reuse verdicts against people's labels: the Clough & Stevenson short-answer corpus (development
portion, tasks a-c), run through `newsstudy run` as a researcher would: one story per answer, holding the answer
and its source (marked as the original). Skipped, with the reason shown, when ../shared/validation is absent."""
import json
from pathlib import Path

import pandas as pd
import pytest

from newsstudy.common import read_table

from conftest import newsstudy

CS = Path(__file__).resolve().parents[1].parent/'shared'/'validation'/'clough-stevenson'
LEVEL = {'cut': 'near copy', 'light': 'light revision', 'heavy': 'heavy revision', 'non': 'independent'}
pytestmark = pytest.mark.skipif(not (CS/'labels.csv').exists(), reason=f'development data absent: {CS} (Clough & Stevenson corpus)')


@pytest.fixture(scope='module')
def cs_run(tmp_path_factory):
    "The corpus (one JSON Lines file) and the results of `newsstudy run` on it."
    root = tmp_path_factory.mktemp('cs')
    labels = pd.read_csv(CS/'labels.csv')
    text = lambda f: (CS/f).read_text(encoding='utf-8', errors='replace')
    recs = []
    for r in labels.itertuples():
        key = Path(r.file).stem
        recs += [dict(id=key, story_key=key, text=text(r.file)),
                 dict(id=f'{key}-source', story_key=key, role='original', title='Source', text=text(r.source))]
    (root/'corpus').mkdir()
    (root/'corpus'/'answers.jsonl').write_text('\n'.join(json.dumps(x) for x in recs) + '\n', encoding='utf-8')
    newsstudy('run', '--corpus', root/'corpus', '--out', root/'out', check=True)
    return labels.assign(doc=labels.file.map(lambda f: Path(f).stem)), root/'out'


def test_verdicts_agree_with_the_labels(cs_run):
    labels, out = cs_run
    pairs = read_table(out, 'pairs')
    pairs['doc'] = [b if a.endswith('-source') else a for a, b in zip(pairs.doc_a, pairs.doc_b)]
    got = labels.merge(pairs, on='doc', how='left')
    assert got.reuse_level.notna().all(), got[got.reuse_level.isna()].file.tolist()  # one pair per answer
    want = got.category.map(LEVEL)
    acc = (got.reuse_level == want).mean()
    binary = ((got.reuse_level == 'independent') == (want == 'independent')).mean()
    table = pd.crosstab(want, got.reuse_level)
    # in-sample figures (the rule was derived from these 57 answers; cross-validated ones are on the Reuse page):
    # measured 0.825 accuracy, 0.947 reuse-vs-independent agreement, no independent answer called reuse
    assert not ((want == 'independent') & (got.reuse_level != 'independent')).any(), table
    assert binary >= 0.94 and acc >= 0.80, (acc, binary, table)


def test_independent_answers_get_almost_no_aligned_sentences(cs_run):
    labels, out = cs_run
    al = read_table(out, 'alignments')
    sents = read_table(out, 'sentences')
    non = set(labels.doc[labels.category == 'non'])
    body = sents[sents.doc_id.isin(non) & ~sents.is_heading]
    linked = set(zip(al.doc_a, al.sent_a)) | set(zip(al.doc_b, al.sent_b))
    share = sum((d, s) in linked for d, s in zip(body.doc_id, body.sent_id)) / len(body)
    assert share <= 0.05, share


def test_no_derivation_between_independent_answer_and_source(cs_run):
    labels, out = cs_run
    der = read_table(out, 'derivation')
    non = set(labels.doc[labels.category == 'non'])
    assert not (set(der.parent) | set(der.child)) & non
    assert not (der.parent == '(lost original)').any()  # two versions per story: one is the other's parent or none
