"""A second, different corpus through the same notebooks: a JSON corpus of three versions of an invented story plus
an unrelated story, run with `-p reference`. The findings, tables and figures are its own; nothing of the seed run leaks in."""
import json, re
from pathlib import Path

import pandas as pd
import pytest

from conftest import ROOT, newsstudy, table, tables

STORY = [
    "Harbourtown council approved a 240 million euro flood barrier on Tuesday after a four-hour debate.",
    "The barrier will close the mouth of the Kessel estuary during storm surges, the council said in a statement.",
    "Mayor Helena Varga called the vote \"the most important decision this city has taken in a generation\".",
    "Engineers expect construction to start in March and to last almost five years.",
    "The project is funded by the regional government, the port authority and a European Union loan.",
    "Opposition councillors said the cost had doubled since the first estimate in 2019.",
    "\"Nobody has explained where the extra money went,\" said councillor Pieter Brandt, who voted against the plan.",
    "The port authority said the barrier would protect about 30,000 homes and the container terminal.",
    "Flooding in 2021 damaged more than 4,000 buildings in the old town and closed the terminal for eleven days.",
    "Tomasz Ilic, a coastal engineer at Delmar University, said the design was sound but the timetable ambitious.",
    "\"Barriers of this size usually take longer than planned,\" Ilic told reporters.",
    "Residents of the old town will be consulted on the route of a new sea wall next month.",
    "The council will vote on the contractor in June.",
]
SYNONYMS = {"approved": "backed", "debate": "discussion", "expect": "anticipate", "doubled": "risen twofold",
            "protect": "shield", "damaged": "harmed", "ambitious": "optimistic", "consulted": "asked"}
UNRELATED = ("Astronomers at the Kiruna observatory reported a new comet on Friday. The comet, named C/2026 K3, will pass "
             "closest to the Sun in April, said lead observer Ingrid Solheim. It is expected to be visible with binoculars "
             "for about two weeks. Amateur astronomers in Norway and Finland confirmed the sighting within hours.")


def _reword(sentences):
    text = ' '.join(sentences)
    for a, b in SYNONYMS.items(): text = re.sub(rf'\b{a}\b', b, text)
    return text.replace('almost five years', 'more than five years').replace('Pieter Brandt', 'Peter Brandt')


def write_corpus(folder: Path) -> dict:
    "Write the JSON corpus; return its records by id."
    recs = [dict(id='orig', source='Wire Service', title='Harbourtown approves flood barrier', date='2026-03-03', text=' '.join(STORY)),
            dict(id='cut', source='Coast Daily', title='Flood barrier approved', date='2026-03-04', text=' '.join(STORY[:3] + STORY[7:])),
            dict(id='reworded', source='Harbour News', title='Council backs flood barrier', date='2026-03-04', text=_reword(STORY))]
    other = dict(id='comet', source='Science Now', title='New comet spotted', date='2026-03-05', text=UNRELATED)
    folder.mkdir(parents=True)
    (folder/'wire.json').write_text(json.dumps(recs, indent=1))
    (folder/'science.json').write_text(json.dumps(other))
    return {r['id']: r for r in recs + [other]}


@pytest.fixture(scope='module')
def second_run(tmp_path_factory):
    base = tmp_path_factory.mktemp('second')
    recs = write_corpus(base/'harbour')
    r = newsstudy('run', '--corpus', base/'harbour', '--out', base/'out', '-p', 'reference', 'orig', cwd=base, check=True)
    return base/'out', recs, r


def _strings(out: Path) -> str:
    "Every text cell of every table, and every report, of a results folder."
    parts = [p.read_text(encoding='utf-8') for p in sorted((out/'report').glob('*.html'))]
    for df in tables(out).values():
        parts += [str(v) for c in df.columns if df[c].dtype == object for v in df[c].dropna()]
    return '\n'.join(parts)


def test_tables_are_those_of_the_second_corpus(second_run):
    out, recs, _ = second_run
    docs = table(out, 'documents')
    assert sorted(docs.doc_id) == sorted(recs)
    stories = table(out, 'stories').set_index('doc_id').story_id
    assert stories['orig'] == stories['cut'] == stories['reworded'] != stories['comet'], 'the unrelated story stands alone'
    cov = table(out, 'coverage').set_index('doc_id').loc[['orig', 'cut', 'reworded']]
    assert set(cov.against) == {'orig'}, 'coverage is measured against the reference'
    parents = table(out, 'derivation').set_index('child').parent
    assert parents['cut'] == parents['reworded'] == 'orig', 'both copies derive from the original'
    assert cov.coverage['orig'] == 1 and cov.coverage['cut'] < 0.85
    drift = table(out, 'drift')
    assert ((drift.kind == 'number') & drift.evidence.str.contains('almost') & drift.evidence.str.contains('more than')).any()
    run = json.loads((out/'run.json').read_text())
    assert run['parameters'] == {'reference': 'orig'} and sorted(i['file'] for i in run['inputs']) == ['science.json', 'wire.json']


def test_findings_page_is_computed_for_the_second_corpus(second_run, seed_run):
    out, recs, _ = second_run
    page = (out/'report'/'index.html').read_text(encoding='utf-8')
    seed_page = (seed_run[0]/'report'/'index.html').read_text(encoding='utf-8')
    assert '<strong>4 documents</strong>' in page and '<strong>2 stories</strong>' in page
    cov = table(out, 'coverage').set_index('doc_id').coverage
    c = cov[['orig', 'cut', 'reworded']].sort_values(ascending=False, kind='stable')
    assert (f'<code>{c.index[0]}</code> carries the most of the story ({c.iloc[0]:.0%} of the reference <code>orig</code>), '
            f'<code>{c.index[-1]}</code> the least ({c.iloc[-1]:.0%})') in page, 'the key findings carry this corpus numbers'
    sizes = table(out, 'stories').story_id.value_counts()
    for s in sizes[sizes > 1].index: assert f'href="{s}.html"' in page and (out/'report'/f'{s}.html').exists(), s
    seed_docs = table(seed_run[0], 'documents').doc_id
    assert not [d for d in seed_docs if d in page] and any(d in seed_page for d in seed_docs)


def test_figures_change_with_the_corpus(second_run, seed_run):
    out, seeds = second_run[0], seed_run[0]
    for name in ('coverage.svg', 'loaded_density.svg', 'frame_profile.svg'):
        assert (out/'figures'/name).read_bytes() != (seeds/'figures'/name).read_bytes(), name
    assert 'orig' in (out/'figures'/'coverage.svg').read_text()


def test_nothing_from_the_seed_corpus_leaks_in(second_run, seed_run):
    out, recs, _ = second_run
    ents = table(seed_run[0], 'entities')
    ours = ' '.join(r['text'] + ' ' + r['title'] for r in recs.values())
    template = (ROOT/'nbs'/'index.ipynb').read_text()  # the page's own prose names papers and tools
    names = {n for n in ents[ents.label.isin(['person', 'org', 'place', 'outlet', 'group'])].text
             if len(n) > 3 and n not in ours and n not in template}
    assert len(names) > 20, 'the check needs the seed names'
    text = _strings(out)
    assert not sorted(n for n in names if re.search(rf'\b{re.escape(n)}\b', text))
