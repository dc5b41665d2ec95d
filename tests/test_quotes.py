"""Quotes and their speakers: the attribution patterns on sentences written here, and the accuracy on the hand-annotated
PTC sample (`tests/data/quotes`), which needs the validation folder beside the repository."""
from pathlib import Path

import pandas as pd
import pytest

from newsstudy.corpus import QUOTE_COLUMNS, layout, load_nlp, quote_rows, sentence_rows, speaker_accuracy

HERE = Path(__file__).resolve().parent
VALIDATION = Path(__file__).resolve().parents[1].parent/'shared'/'validation'
MEASURED_TEST = 0.682  # speaker accuracy on the test half, 30 of 44, measured when the rules were written


def _quotes(text):
    nlp, lay = load_nlp(), layout(text)
    doc = nlp(lay.text)
    return pd.DataFrame(quote_rows('d', doc, sentence_rows('d', doc, lay)), columns=QUOTE_COLUMNS)


@pytest.mark.parametrize('text, speaker, kind', [
    ('Added Gibbs: "We will not stand by while the economy shrinks and families lose their jobs."', 'Gibbs', 'direct'),
    ('Mayor Tom Reed released a statement on Tuesday saying: "The city will rebuild every bridge that the flood took."',
     'Tom Reed', 'direct'),
    ('Senator Ana Ruiz wrote on Facebook: "Tonight we kept our promise to the families of this state."',
     'Ana Ruiz', 'direct'),
    ('In a statement, the White House said: "The president will sign the bill the moment it reaches his desk."',
     'White House', 'direct'),
    ('The ministry said in a statement: "All schools will reopen on Monday under the new safety rules."',
     'The ministry', 'direct'),
    ('The letter said: "We are asking for nothing more than the right to be heard by the council."', None, 'direct'),
    ('The cable was written in 2009. "The coalition is weak and cannot survive another budget fight," it said.',
     'it', 'direct'),
])
def test_speaker_patterns(text, speaker, kind):
    q = _quotes(text).iloc[0]
    assert q.kind == kind and (q.speaker if isinstance(q.speaker, str) else None) == speaker, q.to_dict()


def test_long_quote_goes_on():
    q = _quotes('Paul Okafor said:\n\n"We opened the clinic with two nurses and one room in a rented house.\n\n'
                '"Ten years later it serves the whole district, day and night."')
    assert list(q.speaker) == ['Paul Okafor', 'Paul Okafor'] and list(q.kind) == ['direct', 'direct']
    assert list(q.speaker_from) == ['introduced', 'continued']


def test_pronoun_is_not_the_last_named_person():
    q = _quotes('Mr. Hale said the verdict was unjust. It was read out by Judge Mary Stone. '
                '"We will appeal it at the first chance we get," he said.').iloc[0]
    assert q.speaker == 'Hale' and q.speaker_from == 'pronoun'
    q = _quotes('The road was closed all day. "We will appeal it at the first chance we get," she said.').iloc[0]
    assert q.speaker == 'she' and q.speaker_role == 'unresolved'
    q = _quotes('Ms. Ortiz leads the union. Mr. Kane declined to comment. "We did all we could," she said.').iloc[0]
    assert q.speaker == 'Ortiz'


def test_speaker_accuracy_on_annotated_sample():
    ptc = VALIDATION/'ptc'/'articles'
    if not ptc.is_dir(): pytest.skip(f'validation data absent: no PTC articles in {ptc} (../shared/validation)')
    ann = pd.read_csv(HERE/'data'/'quotes'/'speakers.csv')
    res = speaker_accuracy(ann[ann.split == 'test'], ptc)
    assert res['test']['n'] == 44
    assert res['test']['accuracy'] >= MEASURED_TEST - 0.05, res


def test_attribution_pronoun_follows_the_speaker_chain():
    from newsstudy.corpus import attribution_rows
    text = 'Mr. Hale said the verdict was unjust. It was read out by Judge Mary Stone. He said he would appeal.'
    nlp, lay = load_nlp(), layout(text)
    doc = nlp(lay.text)
    rows = attribution_rows('d', doc, sentence_rows('d', doc, lay))
    assert [r['attributed_to'] for r in rows] == ['Hale', 'Hale'], rows


def test_according_to_names_the_speaker():
    q = _quotes('According to the ministry, the plan "will cut emissions by half within the next ten years."').iloc[0]
    assert q.kind == 'direct' and q.speaker.endswith('ministry') and q.speaker_from == 'according'
