"""Hostile input for the corpus stage (issue 11): one bad file becomes ONE `problems` row with a clear reason, the good
documents come out complete, raw files are never modified, nothing outside the corpus folder is read, and no input
makes the stage quadratic (the large cases run in a subprocess with a timeout: minutes instead of seconds fail)."""
import hashlib, json, os, subprocess, sys, textwrap, warnings
from pathlib import Path

import pandas as pd
import pytest

from conftest import ROOT, SEEDS
from newsstudy.common import write_table
from newsstudy.corpus import TABLES, parse_corpus, verify_manifest

SECRET = 'SECRET-7f3a9c-do-not-publish'
GOOD_TXT = SEEDS/'001_ade43d5ebca5c6ca.txt'  # a normal news story (seed), read as `good.txt`
NEWS = ('Officials in Geneva said on Monday that the talks on grain exports would resume next week. '
        'The minister told reporters the two sides were "close to a deal" but gave no date. ')


def _good_json() -> dict:
    "A JSON news record made of the paragraphs of another seed story."
    paras = [p.strip() for p in (SEEDS/'004_bf69f6c649783a7e.txt').read_text(encoding='utf-8-sig').splitlines() if len(p.split()) > 8]
    return dict(id='wire-1', title='Xi to leave China for the first time since the pandemic', date='2022-09-11',
                source='Example Wire', text=paras[:12])


def _nested(value, depth: int):
    for _ in range(depth): value = [value]
    return value


def _write_good(folder: Path):
    (folder/'good.txt').write_bytes(GOOD_TXT.read_bytes())
    (folder/'wire.json').write_text(json.dumps(_good_json()))


# path -> expected reason: each hostile file gives exactly one problems row
EXPECTED = {
    'deep.json': 'too_deep',  # JSON nested 5,000 levels (RecursionError in the JSON parser)
    'deep_text.json': 'too_deep',  # a text nested 900 lists deep (flatten_text)
    'bigint.json': 'malformed_json',  # an integer literal of 5,000 digits (Python's int conversion limit)
    'dup_ids.jsonl': 'duplicate_id',  # two records with one id: both read, the second renamed
    'nul_late.txt': 'binary',  # a NUL byte after the first 8 KiB
    'nav.html': 'no_text',  # navigation only: no body text
    'punct.txt': 'no_text',  # punctuation only
    'true.json': 'no_text',  # "text": true
    'huge.txt': 'too_large',  # over max_bytes
    '.hidden.txt': 'skipped',  # hidden file
    'pipe.txt': 'skipped',  # a FIFO: never opened
    'loop.txt': 'skipped',  # symlink loop
    'secret_link.txt': 'outside_corpus',  # symlink to a file outside the corpus
    'elsewhere': 'outside_corpus',  # symlink to a folder outside the corpus
    'sub/up': 'skipped',  # symlink to a folder inside the corpus (a loop if followed)
    'zz_alias.txt': 'duplicate',  # symlink to good.txt: read once
    'gone.txt': 'missing',  # listed in MANIFEST.csv, absent
    'latin.txt': 'not_english',  # German (in cp1252): its documents row only, not analysed
    'bad_row.csv': 'malformed_row',  # a CSV row with more fields than the header: the other rows are read
    'images.warc.gz': 'not_html',  # a web archive with an image response besides the page
    'cut.warc.gz': 'malformed_warc',  # a web archive cut off inside its second record
}
KEPT = {'dup_ids.jsonl', 'latin.txt'}  # documents still read: the row is a note


@pytest.fixture
def hostile(tmp_path):
    "A corpus of the hostile files above, two good documents and files that are read despite a hostile trait."
    c, outside = tmp_path/'corpus', tmp_path/'outside'
    c.mkdir(); outside.mkdir(); (c/'sub').mkdir()
    (outside/'secret.txt').write_text(f'{SECRET} root:x:0:0 this text must never be read.\n')
    _write_good(c)
    (c/'deep.json').write_text('[' * 5000 + ']' * 5000)
    (c/'deep_text.json').write_text(json.dumps({'title': 'Deep', 'text': _nested('Deep words.', 900)}))
    (c/'bigint.json').write_text('{"text": "Fine words here.", "views": ' + '9' * 5000 + '}')
    (c/'dup_ids.jsonl').write_text(json.dumps({'id': 'same', 'text': 'First record about the harbour strike.'}) + '\n' +
                                   json.dumps({'id': 'same', 'text': 'Second record about the rail strike.'}) + '\n')
    (c/'nul_late.txt').write_bytes(NEWS.encode() * 60 + b'\x00 and more text.')
    (c/'nav.html').write_text('<html><body><nav><a href="/">Home</a> | <a href="/w">World</a> | <a href="/m">Markets</a></nav></body></html>')
    (c/'punct.txt').write_text('... !!! --- ??? ***\n')
    (c/'true.json').write_text('{"title": "No text", "text": true}')
    with open(c/'huge.txt', 'wb') as f: f.truncate(5_000_001)  # sparse: refused by its size, never read
    (c/'.hidden.txt').write_text('A hidden note.')
    os.mkfifo(c/'pipe.txt')
    (c/'loop.txt').symlink_to('loop.txt')
    (c/'secret_link.txt').symlink_to(outside/'secret.txt')
    (c/'elsewhere').symlink_to(outside)
    (c/'sub'/'up').symlink_to('..')
    (c/'sub'/'inner.txt').write_text('The harbour reopened on Tuesday after a week of strikes, the port authority said.')
    (c/'zz_alias.txt').symlink_to('good.txt')
    # read despite a hostile trait: no problems row
    (c/os.fsdecode(b'caf\xe9.txt')).write_text('The caf\u00e9 on the square reopened after the floods, its owner said.')
    (c/'utf16.txt').write_bytes(NEWS.encode('utf-16-le'))
    (c/'latin.txt').write_bytes('Müller sagte, die Straße nach Köln sei gesperrt.'.encode('cp1252'))
    _tables_and_archives(c)
    sha = hashlib.sha256(GOOD_TXT.read_bytes()).hexdigest()
    (c/'MANIFEST.csv').write_text(f'file,sha256\ngood.txt,{sha}\ngone.txt,{"0" * 64}\n')
    return c, outside


def _warc(uri: str, body: bytes, ctype: str = 'text/html; charset=utf-8') -> bytes:
    "One gzipped WARC response record."
    import io
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter
    buf = io.BytesIO()
    w = WARCWriter(buf, gzip=True)
    w.write_record(w.create_warc_record(uri, 'response', payload=io.BytesIO(body), warc_headers_dict={'WARC-Date': '2022-09-12T10:00:00Z'},
                   http_headers=StatusAndHeaders('200 OK', [('Content-Type', ctype)], protocol='HTTP/1.1')))
    return buf.getvalue()


def _tables_and_archives(c: Path):
    "A Parquet export, a CSV with a broken row, and web archives with a non-HTML record and a cut-off record."
    pd.DataFrame({'id': ['a-1', 'a-2'], 'headline': ['Harbour strike ends', 'Rail talks resume'], 'published_at': ['2022-09-13', None],
                  'outlet': ['Port News', 'Rail Daily'], 'body': ['Dock workers returned on Tuesday after a week of strikes, the union said.',
                  'Rail unions and operators resumed talks on Wednesday, both sides said in statements.']}).to_parquet(c/'a.parquet')
    (c/'bad_row.csv').write_text('title,text\nFerry fares,"Ferry fares will rise by five percent next month, the operator said."\n'
                                 'Broken,row,with,too,many,fields\n')
    page = ('<html><head><title>Strike ends</title></head><body><article><p>Dock workers ended their strike on Monday after '
            'the port authority agreed to a new pay offer, union leaders said.</p><p>Ships queued outside the harbour for a '
            'week while the talks went on.</p></article></body></html>').encode()
    (c/'images.warc.gz').write_bytes(_warc('https://example.org/strike', page) + _warc('https://example.org/logo.png', b'\x89PNG...', 'image/png'))
    second = _warc('https://example.org/two', page.replace(b'Dock', b'Port'))
    (c/'cut.warc.gz').write_bytes(_warc('https://example.org/one', page.replace(b'Dock', b'Harbour')) + second[:len(second) // 2])


def _hashes(*folders) -> dict:
    "sha256 of every regular file below `folders` (symlinks and FIFOs are listed, never opened)."
    out = {}
    for folder in folders:
        for d, dirs, names in os.walk(folder):
            for n in dirs + names:
                p = Path(d)/n
                if p.is_symlink(): out[str(p)] = 'link:' + os.readlink(p)
                elif p.is_fifo(): out[str(p)] = 'fifo'
                elif p.is_file(): out[str(p)] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


def _parse(folder, **kw) -> dict:
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        return parse_corpus(folder, **kw)


def _sentences(tables, doc_id):
    s = tables['sentences']
    return s[s.doc_id == doc_id][['sent_id', 'text', 'start', 'end', 'is_heading']].reset_index(drop=True)


def test_hostile_corpus(hostile, tmp_path):
    corpus, outside = hostile
    before = _hashes(corpus, outside)
    assert verify_manifest(corpus) == 1, 'a missing file is not an integrity failure (the present one is checked)'
    tables = _parse(corpus)
    assert _hashes(corpus, outside) == before, 'raw files (and the files outside) are unchanged, nothing was added'
    p, d = tables['problems'], tables['documents']
    assert p.groupby('path').size().to_dict() == {k: 1 for k in EXPECTED}, p[['path', 'reason', 'detail']].to_string()
    assert dict(zip(p.path, p.reason)) == EXPECTED
    assert p.set_index('path').kept.to_dict() == {k: k in KEPT for k in EXPECTED}
    assert p.detail.str.len().min() > 5 and p.detail.notna().all()
    assert 'symlink loop' in p.set_index('path').detail['loop.txt'] and 'FIFO' in p.set_index('path').detail['pipe.txt']
    assert sorted(d.doc_id) == ['a-1', 'a-2', 'bad_row-row-1', 'caf\\xe9', 'cut-rec-1', 'dup_ids#same', 'dup_ids#same-2', 'good',
                                'images-rec-1', 'inner', 'latin', 'utf16', 'wire-1']
    docs = d.set_index('doc_id')
    assert docs.loc['caf\\xe9', 'path'] == 'caf\\xe9.txt', 'a non-UTF-8 file name is read, its bytes escaped'
    assert docs.loc['utf16', 'text'] == NEWS and 'utf-16-le' in docs.loc['utf16', 'warnings']
    assert docs.loc['latin', 'text'].startswith('Müller') and 'cp1252' in docs.loc['latin', 'warnings']
    assert docs.loc['latin', ['language', 'n_sentences']].tolist() == ['de', 0] and not (tables['sentences'].doc_id == 'latin').any()
    assert set(docs.language.drop(['latin'])) == {'en'}
    assert docs.loc['a-1', ['format', 'title', 'date', 'source']].tolist() == ['parquet', 'Harbour strike ends', '2022-09-13', 'Port News']
    assert docs.loc['images-rec-1', ['format', 'url', 'date']].tolist() == ['warc', 'https://example.org/strike', '2022-09-12']
    assert docs.loc['cut-rec-1', 'n_sentences'] >= 2 and docs.loc['bad_row-row-1', 'n_words'] >= 8
    assert 'duplicate id' in docs.loc['dup_ids#same-2', 'warnings']
    for name, t in tables.items():
        assert not t.astype(str).apply(lambda col: col.str.contains(SECRET)).any().any(), f'{name} holds text from outside the corpus'
    for name in TABLES: write_table(tables[name], tmp_path/'out', name)  # every string can be written (no surrogates)

    alone = tmp_path/'alone'; alone.mkdir(); _write_good(alone)
    ref = _parse(alone)
    for doc_id in ('good', 'wire-1'):
        pd.testing.assert_frame_equal(_sentences(tables, doc_id), _sentences(ref, doc_id))
        cols = ['n_sentences', 'n_words', 'characters', 'title', 'source', 'date']
        assert docs.loc[doc_id, cols].tolist() == ref['documents'].set_index('doc_id').loc[doc_id, cols].tolist()
    assert len(_sentences(tables, 'good')) >= 30 and len(_sentences(tables, 'wire-1')) >= 10


# --- large inputs: each parsed in its own process, with a timeout ------------------------------------------------
RUN = textwrap.dedent('''
    import json, resource, sys, time, warnings
    from newsstudy.corpus import load_nlp, parse_corpus
    load_nlp(); t0 = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        t = parse_corpus(sys.argv[1])
    s, d = t['sentences'], t['documents']
    text = d.text.iloc[0]
    print(json.dumps(dict(seconds=time.perf_counter() - t0, rss_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        docs=len(d), problems=t['problems'].reason.tolist(), chars=len(text), n_sentences=int(d.n_sentences.iloc[0]),
        offsets_ok=bool(all(text[a:b].strip() == x.strip() or x == text[a:b] for a, b, x in zip(s.start, s.end, s.text) if x.strip()) if len(s) else True),
        max_words=int(s.text.str.split().str.len().max()) if len(s) else 0, last_end=int(s.end.max()) if len(s) else 0,
        entities_ok=bool(all(text[a:b] == x or x in text[a:b] for a, b, x in zip(t['entities'].start, t['entities'].end, t['entities'].text))),
        quotes_ok=bool(all(x in text[a:b] for a, b, x in zip(t['quotes'].start, t['quotes'].end, t['quotes'].quote))))))
''')


def _long_prose(n: int) -> str:
    "About `n` characters of news prose in paragraphs (each sentence numbered, so that none repeats)."
    out, i = [], 0
    while sum(map(len, out)) < n:
        out.append(' '.join(f'Officials said on Monday that talks number {i + k} with "the other side" would resume in Geneva.' for k in range(6)) + '\n\n')
        i += 6
    return ''.join(out)


def _large(folder: Path, name: str):
    if name == 'long_text': (folder/'long.txt').write_text(_long_prose(1_200_000))  # over spaCy's max_length
    elif name == 'long_html':
        body = ''.join(f'<p>{p}</p>' for p in _long_prose(1_100_000).split('\n\n') if p)
        (folder/'long.html').write_text(f'<html><head><title>Long page</title></head><body><article>{body}</article></body></html>')
    elif name == 'short_lines': (folder/'lines.txt').write_text(''.join(f'{w}\n' for w in ['ab', 'cd', 'ef', 'gh'] * 5000))  # 20,000 lines
    elif name == 'one_line': (folder/'line.txt').write_text(' '.join(['talks', 'resume', 'in', 'geneva', 'next', 'week'] * 27_300))  # 900 kB, no punctuation


@pytest.mark.parametrize('name,timeout', [('long_text', 240), ('long_html', 240), ('short_lines', 120), ('one_line', 180)])
def test_large_inputs_finish(name, timeout, tmp_path):
    _large(tmp_path, name)
    before = _hashes(tmp_path)
    env = {**os.environ, 'PYTHONPATH': str(ROOT), 'OPENBLAS_NUM_THREADS': '1'}
    r = subprocess.run([sys.executable, '-c', RUN, str(tmp_path)], capture_output=True, text=True, timeout=timeout, env=env)
    assert r.returncode == 0, r.stderr[-3000:]
    out = json.loads(r.stdout.strip().splitlines()[-1])
    print(name, out)
    assert out['docs'] == 1 and out['problems'] == [] and out['offsets_ok'] and out['entities_ok'] and out['quotes_ok']
    assert out['last_end'] <= out['chars']
    if name == 'long_text': assert out['chars'] >= 1_200_000 and out['n_sentences'] >= 0.95 * out['chars'] / 95
    if name == 'long_html': assert out['chars'] > 1_000_000
    if name == 'short_lines': assert out['n_sentences'] == 20_000
    if name == 'one_line': assert out['max_words'] <= 200 and out['n_sentences'] >= out['chars'] / 6.6 / 200 and out['chars'] >= 900_000
    assert out['rss_mb'] < 3000
    assert _hashes(tmp_path) == before
