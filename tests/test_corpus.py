"""The corpus stage on generated corpora: JSON and HTML input, bad input, and the coverage property."""
import json, random, re, string, subprocess, sys, tempfile, warnings
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from conftest import SEEDS, newsstudy
from newsstudy.corpus import NoDocuments, check_coverage, layout, parse_corpus


def _paragraphs(path):
    "Paragraphs of a seed article: its lines, or its sentences when it is one long line."
    text = path.read_text(encoding='utf-8-sig')
    lines = [l.strip() for l in text.splitlines() if len(l.split()) > 8]
    return lines if len(lines) > 3 else [s for s in re.split(r'(?<=[.!?])\s*(?=[A-Z"“])', text) if len(s.split()) > 8]


def _tables(out):
    return {n: pd.read_parquet(out/'tables'/f'{n}.parquet') for n in ('documents', 'sentences', 'boilerplate', 'quotes', 'problems', 'entities')}


def test_json_corpus(tmp_path):
    seeds = sorted(SEEDS.glob('*.txt'))
    corpus = tmp_path/'json'; corpus.mkdir()
    records = [dict(headline=f'Version {i} of the story', body=[[p] for p in _paragraphs(s)[:12]], published='2022-09-1%dT08:00:00Z' % i,
                    publisher={'name': f'Outlet {i}'}, event_id='xi-putin-2022', url=f'https://example.org/{i}') for i, s in enumerate(seeds)]
    (corpus/'batch.json').write_text(json.dumps(records[:2]))
    lines = [json.dumps(dict(title='Unrelated', text=records[2]['body'], date='Sept 11', cluster='other')), '{"title": "broken', json.dumps({'title': 'no text'})]
    (corpus/'stream.jsonl').write_text('\n'.join(lines) + '\n')
    r = newsstudy('run', '--corpus', corpus, '--out', tmp_path/'out')
    assert r.returncode == 0, r.stderr[-3000:]
    t = _tables(tmp_path/'out')
    d = t['documents'].set_index('doc_id')
    assert sorted(d.index) == ['batch-0', 'batch-1', 'stream-1']
    assert d.loc['batch-0', 'title'] == 'Version 0 of the story' and d.loc['batch-0', 'date'] == '2022-09-10'
    assert d.loc['batch-1', 'source'] == 'Outlet 1' and d.loc['batch-1', 'story_key'] == 'xi-putin-2022'
    assert pd.isna(d.loc['stream-1', 'date']), 'a date without a year is not completed'
    assert d.loc['stream-1', 'story_key'] == 'other' and set(d.format) == {'json', 'jsonl'}
    assert sorted(t['problems'].reason) == ['malformed_json', 'no_text'] and set(t['problems'].path) == {'stream.jsonl'}
    assert t['sentences'].groupby('doc_id').size().min() >= 10
    assert (check_coverage(t).uncovered == 0).all()


def _page(title, site, date, paragraphs):
    body = ''.join(f'<p>{p}</p>' for p in paragraphs)
    return (f'<html><head><title>{title} | {site}</title><meta property="og:site_name" content="{site}">'
            f'<meta property="article:published_time" content="{date}"></head><body><nav><a href="/">Home</a> | <a href="/world">World</a> | Markets</nav>'
            f'<article><h1>{title}</h1>{body}</article><aside>Most read: Celebrity news of the day</aside>'
            f'<footer>Contact us | Privacy policy | Terms of use</footer></body></html>')


def test_html_corpus(tmp_path):
    corpus = tmp_path/'html'; corpus.mkdir()
    for i, s in enumerate(sorted(SEEDS.glob('*.txt'))):
        (corpus/f'page{i}.html').write_text(_page(f'Xi to leave China for the first time in years ({i})', f'Site {i}', f'2022-09-1{i}', _paragraphs(s)[:15]))
    (corpus/'broken.htm').write_text('this file is not html at all')
    r = newsstudy('run', '--corpus', corpus, '--out', tmp_path/'out')
    assert r.returncode == 0, r.stderr[-3000:]
    t = _tables(tmp_path/'out')
    d = t['documents'].set_index('doc_id')
    assert sorted(d.index) == ['page0', 'page1', 'page2'] and set(d.format) == {'html'}
    assert d.title.str.startswith('Xi to leave China').all() and list(d.source) == ['Site 0', 'Site 1', 'Site 2']
    assert list(d.date) == ['2022-09-10', '2022-09-11', '2022-09-12']
    assert not d.text.str.contains('Privacy policy|Most read', regex=True).any(), 'page chrome is not article text'
    assert t['problems'].reason.tolist() == ['malformed_html']
    assert (t['quotes'].kind == 'direct').sum() >= 3 and (t['entities'].label == 'person').sum() >= 10
    assert (check_coverage(t).uncovered == 0).all()


def test_bad_files_are_reported_and_the_rest_runs(tmp_path):
    corpus = tmp_path/'mixed'; corpus.mkdir()
    (corpus/'good.txt').write_bytes((SEEDS/'001_ade43d5ebca5c6ca.txt').read_bytes())
    (corpus/'empty.txt').write_text('')
    (corpus/'blob.txt').write_bytes(bytes(range(256)) * 4)
    (corpus/'bad.json').write_text('[{"title": ')
    r = newsstudy('run', '--corpus', corpus, '--out', tmp_path/'out')
    assert r.returncode == 0, r.stderr[-3000:]
    t = _tables(tmp_path/'out')
    assert t['documents'].doc_id.tolist() == ['good']
    assert dict(zip(t['problems'].path, t['problems'].reason)) == {'bad.json': 'malformed_json', 'blob.txt': 'binary', 'empty.txt': 'empty'}
    assert (SEEDS/'001_ade43d5ebca5c6ca.txt').read_bytes() == (corpus/'good.txt').read_bytes(), 'raw files untouched'


def test_no_surviving_document_fails_the_run(tmp_path):
    corpus = tmp_path/'dead'; corpus.mkdir()
    (corpus/'empty.txt').write_text('  ')
    r = newsstudy('run', '--corpus', corpus, '--out', tmp_path/'out')
    assert r.returncode == 1
    assert '00_corpus.ipynb failed' in r.stderr and 'NoDocuments' in r.stderr
    assert not (tmp_path/'out').exists()


# --- property: body sentences + boilerplate + metadata cover every character of any document -----------------
WORDS = ['Xi', 'Putin', 'summit', 'the', 'leaders', 'met', 'in', 'Samarkand', 'on', 'Thursday', 'and', 'talks', 'said', 'U.S.',
         'officials', 'gas', '50', 'billion', 'almost', 'a', 'third', 'Reuters.com', 'GAZP.MM', 'Oct.', '16', '"no', 'limits"', 'war']
BOILER = ['Sign up now for FREE unlimited access to Reuters.comSign up', 'read more', 'Read Also: Another story here',
          'Related Article: More news', '@YouTube', 'Our Standards: The Thomson Reuters Trust Principles.', '(Photo : A. Person/Getty Images)',
          'Advertisement', 'Edited by Jane Roe', 'date 2022-09-12', 'LONDON, Sept 11 (Reuters) -']
HEADINGS = ['XI SUPREME', 'Kremlin Chief', 'What The Summit Means For Asia']
word = st.sampled_from(WORDS)
sentence = st.builds(lambda ws, end, cap: (' '.join(ws).capitalize() if cap else ' '.join(ws)) + end,
                     st.lists(word, min_size=1, max_size=14), st.sampled_from(['.', '.', '?', '', ',"']), st.booleans())
glue = st.sampled_from(['', ' ', ' ', ' ', '\n', '\n\n', '\u00a0', '  '])
piece = st.one_of(sentence, sentence, sentence, st.sampled_from(BOILER), st.sampled_from(HEADINGS).map(lambda h: f'\n{h}\n'))
document = st.builds(lambda ps, gs: ''.join(p + g for p, g in zip(ps, gs)), st.lists(piece, min_size=1, max_size=25), st.lists(glue, min_size=25, max_size=25))


@settings(max_examples=60, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])  # fixed examples: a reproducible suite
@given(texts=st.lists(document, min_size=1, max_size=3, unique=True))  # identical files are duplicates: reported, not parsed
def test_every_character_is_accounted_for(texts):
    texts = [t if re.search(r'[A-Za-z0-9]', t) else t + 'Xi met Putin.' for t in texts]
    with tempfile.TemporaryDirectory() as d:
        for i, t in enumerate(texts): Path(d, f'doc{i}.txt').write_text(t, encoding='utf-8')
        with warnings.catch_warnings():
            warnings.simplefilter('ignore')
            try: tables = parse_corpus(d)
            except NoDocuments:  # every document is only headings and boilerplate
                assert not any(re.search(r'[^\W_]', layout(t).text) for t in texts); return
    cov = check_coverage(tables)
    assert (cov.uncovered == 0).all(), cov
    dropped = set(tables['problems'].path)  # a document without body text (only headings, boilerplate) is a problem
    assert set(tables['problems'].reason) <= {'no_text'}
    assert list(tables['documents'].text) == [t for i, t in enumerate(texts) if f'doc{i}.txt' not in dropped], 'the original text is kept'
    for doc_id, g in tables['sentences'].groupby('doc_id'):
        starts, ends = g.start.tolist(), g.end.tolist()
        assert starts == sorted(starts) and all(e <= s2 for e, s2 in zip(ends, starts[1:])), 'sentences do not overlap'
        assert g.sent_id.tolist() == list(range(len(g)))


def test_import_is_light():
    "The CLI imports `newsstudy.corpus` for its fast checks: no NLP or plotting stack may load with it."
    code = ("import sys, newsstudy.corpus as c; c.verify_manifest, c.corpus_files, c.sha256, c._atomic; "
            "print(sorted(m for m in ('spacy', 'thinc', 'torch', 'matplotlib', 'seaborn', 'trafilatura', 'warcio', 'py3langid') if m in sys.modules))")
    r = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr[-2000:]
    assert r.stdout.strip() == '[]', r.stdout
