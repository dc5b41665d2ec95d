"""Input readers on small generated files: CSV/TSV/Parquet exports, WARC/ARC archives (gzipped or not, with
non-HTML, failed and broken records), and language detection."""
import ast, datetime, gzip, io, subprocess, sys
from pathlib import Path

import pandas as pd
import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from conftest import ROOT
from newsstudy.inputs import (InputError, TABLE_EXTS, WARC_EXTS, detect_language, input_kind, table_records,
                              text_encoding, warc_records)

PAGE = ('<html><head><title>Xi to meet Putin</title></head><body><article><h1>Xi to meet Putin</h1>'
        '<p>Xi Jinping will leave China this week for the first time in more than two years.</p>'
        '</article></body></html>')
DATE = {'WARC-Date': '2022-09-12T08:15:02Z'}


def _items(gen):
    "(key, record) pairs with each InputError as ('!', reason, detail)."
    return [(k, ('!', r.reason, r.detail) if isinstance(r, InputError) else r) for k, r in gen]


def _bad(v) -> bool: return isinstance(v, tuple) and v[0] == '!'


def _fail(gen) -> InputError:
    with pytest.raises(InputError) as e: list(gen)
    return e.value


def test_module_stands_alone():
    "The readers import nothing from the corpus stage (it imports them)."
    tree = ast.parse((ROOT/'newsstudy'/'inputs.py').read_text())
    names = [n.module or '' for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
    names += [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
    assert not [m for m in names if 'corpus' in m], names
    assert TABLE_EXTS == ('.csv', '.tsv', '.parquet') and WARC_EXTS == ('.warc', '.warc.gz', '.arc', '.arc.gz')
    assert [input_kind(p) for p in ('x/A.CSV', 'b.tsv', 'c.parquet', 'd.warc', 'e.WARC.GZ', 'f.arc.gz', 'g.gz', 'h.txt')] == \
        ['table', 'table', 'table', 'warc', 'warc', 'warc', None, None]


# ---------------------------------------------------------------- tables

def test_csv_multiline_quoted_and_missing(tmp_path):
    p = tmp_path/'export.csv'
    p.write_text('\ufeffid,title,text,published_at\n'  # BOM, as Excel writes it
                 '17,Xi to meet Putin,"First paragraph, with a comma.\n\nSecond ""quoted"" paragraph.",2022-09-12\n'
                 '\n'
                 '0018,NA,Short.,\n'
                 '19,Third\n', encoding='utf-8')
    assert _items(table_records(p)) == [
        ('row-1', dict(id='17', title='Xi to meet Putin',
                       text='First paragraph, with a comma.\n\nSecond "quoted" paragraph.', published_at='2022-09-12')),
        ('row-2', dict(id='0018', title='NA', text='Short.', published_at=None)),
        ('row-3', dict(id='19', title='Third', text=None, published_at=None))]


def test_tsv_and_semicolon(tmp_path):
    (tmp_path/'a.tsv').write_text('id\ttitle\ttext\n1\tA, b; c\tSome text, here.\n')
    want = [('row-1', dict(id='1', title='A, b; c', text='Some text, here.'))]
    assert _items(table_records(tmp_path/'a.tsv')) == want
    (tmp_path/'b.csv').write_text('id;titel;text\n1;Eins, zwei;Der Text\n')
    assert _items(table_records(tmp_path/'b.csv')) == [('row-1', dict(id='1', titel='Eins, zwei', text='Der Text'))]


def test_utf16_excel_unicode_text_and_crlf(tmp_path):
    "Excel's 'Unicode text' export: UTF-16 with a BOM, tab-separated, CRLF line ends (here named .csv)."
    (tmp_path/'excel.csv').write_bytes('id\ttitle\ttext\r\n1\tКиїв, Genève\t"two\r\nlines"\r\n'.encode('utf-16'))
    want = [('row-1', dict(id='1', title='Київ, Genève', text='two\r\nlines'))]
    assert _items(table_records(tmp_path/'excel.csv')) == want
    (tmp_path/'crlf.csv').write_bytes(b'id,text\r\n1,a\r\n2,b\r\n')
    want = [('row-1', dict(id='1', text='a')), ('row-2', dict(id='2', text='b'))]
    assert _items(table_records(tmp_path/'crlf.csv')) == want


def test_csv_cp1252(tmp_path):
    p = tmp_path/'legacy.csv'
    fr = 'Le président a dit « oui » à Genève, où les négociations ont échoué l’été dernier.'
    p.write_bytes(('id,title,text\n' + '1,plain,ascii only\n' * 3000 + f'2,Genève,"{fr}"\n').encode('cp1252'))
    notes = []
    items = _items(table_records(p, notes=notes))
    assert notes == ['decoded as cp1252 (not UTF-8; detected)']
    assert len(items) == 3001 and items[-1] == ('row-3001', dict(id='2', title='Genève', text=fr))
    assert text_encoding(p) == ('cp1252', ['decoded as cp1252 (not UTF-8; detected)'])


def test_csv_utf8_with_a_corrupt_byte(tmp_path):
    "A UTF-8 export with one bad byte is read as UTF-8 (the byte replaced, a note), not refused or read as cp1252."
    p = tmp_path/'mostly.csv'
    p.write_bytes(('id,text\n' + '1,Genève – Київ “quoted”\n' * 30).encode() + b'2,one bad \xff byte\n')
    notes = []
    items = _items(table_records(p, notes=notes))
    assert notes == ['invalid UTF-8 bytes replaced by U+FFFD (the rest is UTF-8)']
    assert items[0][1]['text'] == 'Genève – Київ “quoted”'
    assert items[-1] == ('row-31', dict(id='2', text='one bad \ufffd byte'))


def test_csv_bad_rows_are_items(tmp_path):
    p = tmp_path/'broken.csv'
    p.write_text('id,title,text\n1,A,fine\n2,B,"quoted" trailing\n3,C,x,EXTRA\n4,D,ok\n5,E,"never closed\n6,F,lost\n')
    items = _items(table_records(p))
    assert [k for k, _ in items] == ['row-1', 'row-2', 'row-3', 'row-4', 'row-5']
    assert items[0][1]['title'] == 'A' and items[3][1]['title'] == 'D'
    assert items[1][1][:2] == ('!', 'malformed_row') and items[1][1][2].startswith('row 2 (line 3): ')
    assert items[2][1] == ('!', 'malformed_row', 'row 3 (line 4): 4 fields, the header has 3')
    assert items[4][1][:2] == ('!', 'malformed_row') and 'never closed' in items[4][1][2]


def test_csv_wide_field(tmp_path):
    "A cell over the csv module's default limit (131,072 characters) is read whole."
    big = 'word ' * 60_000
    (tmp_path/'wide.csv').write_text(f'id,text\n1,"{big}"\n2,small\n')
    items = _items(table_records(tmp_path/'wide.csv'))
    assert items == [('row-1', dict(id='1', text=big)), ('row-2', dict(id='2', text='small'))]


def test_table_file_errors(tmp_path):
    cases = {'empty.csv': (b'', 'empty'), 'header.csv': (b'id,title,text\n', 'empty'),
             'sheet.csv': (b'PK\x03\x04' + bytes(200), 'malformed_csv'),
             'nul.tsv': (b'id\tx\n\x00\x00\x00', 'malformed_csv'),
             'quote.csv': (b'"id,text\n1,never closed\n', 'malformed_csv'),  # the header's quote swallows the file
             'bad.parquet': (b'PAR1' + bytes(100) + b'PAR1', 'malformed_parquet'),
             'empty.parquet': (b'', 'malformed_parquet')}
    for name, (data, reason) in cases.items():
        (tmp_path/name).write_bytes(data)
        assert _fail(table_records(tmp_path/name)).reason == reason, name


def test_parquet(tmp_path):
    p = tmp_path/'export.parquet'
    pd.DataFrame({'article_id': [101, 102, 103], 'headline': ['A', None, 'C'], 'body': ['One.', 'Two.', 'Three.'],
                  'score': [0.5, float('nan'), 1.0],
                  'published': pd.to_datetime(['2022-09-12 08:00', None, '2022-09-13 00:00']),
                  'authors': [['A. Writer'], [], None]}).to_parquet(p, row_group_size=2)
    items = _items(table_records(p))
    assert [k for k, _ in items] == ['row-1', 'row-2', 'row-3']
    assert items[0][1] == dict(article_id=101, headline='A', body='One.', score=0.5,
                               published=datetime.datetime(2022, 9, 12, 8, 0), authors=['A. Writer'])
    assert items[1][1] == dict(article_id=102, headline=None, body='Two.', score=None, published=None, authors=[])
    assert items[2][1]['authors'] is None
    import pyarrow as pa, pyarrow.parquet as pq
    pq.write_table(pa.table({'text': pa.array(['Genève'.encode(), None], pa.binary())}), tmp_path/'binary.parquet')
    want = [('row-1', dict(text='Genève')), ('row-2', dict(text=None))]
    assert _items(table_records(tmp_path/'binary.parquet')) == want
    capped = _items(table_records(p, max_rows=2))
    assert capped[-1] == ('row-3', ('!', 'too_many_rows', 'rows after 2 not read (max_rows=2)')) and len(capped) == 3
    pd.DataFrame({'text': pd.Series([], dtype=str)}).to_parquet(tmp_path/'none.parquet')
    assert _fail(table_records(tmp_path/'none.parquet')).reason == 'empty'


def test_big_csv_is_linear(tmp_path):
    "20,000 rows with multi-line texts finish in well under the time a quadratic reader would need."
    p = tmp_path/'big.csv'
    rows = (f'{i},Title {i},"Line one of {i}.\nLine two, ""quoted"".\n"\n' for i in range(20_000))
    p.write_text('id,title,text\n' + ''.join(rows))
    code = f"from newsstudy.inputs import table_records; print(sum(1 for _ in table_records({str(p)!r})))"
    r = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert r.stdout.strip() == '20000', r.stderr


# ---------------------------------------------------------------- web archives

def _response(w, url, ctype, body, status='200 OK', extra=()):
    http = StatusAndHeaders(status, ([('Content-Type', ctype)] if ctype else []) + list(extra), protocol='HTTP/1.1')
    return w.create_warc_record(url, 'response', payload=io.BytesIO(body), http_headers=http, warc_headers_dict=DATE)


def _warc(path, gz, cut=True):
    "warcinfo, an HTML response, a request, a PNG response, then (when `cut`) a response cut off halfway."
    buf = io.BytesIO(); w = WARCWriter(buf, gzip=gz)
    w.write_record(w.create_warcinfo_record(path.name, {'software': 'test'}))
    w.write_record(_response(w, 'https://news.example/xi', 'text/html; charset=ISO-8859-1', PAGE.encode('latin-1')))
    req = StatusAndHeaders('GET /xi HTTP/1.1', [('Host', 'news.example')], is_http_request=True)
    w.write_record(w.create_warc_record('https://news.example/xi', 'request', http_headers=req))
    w.write_record(_response(w, 'https://news.example/logo.png', 'image/png', b'\x89PNG\r\n\x1a\n' + bytes(100)))
    data = buf.getvalue()
    if cut:
        b2 = io.BytesIO(); w2 = WARCWriter(b2, gzip=gz)
        w2.write_record(_response(w2, 'https://news.example/next', 'text/html', PAGE.encode() * 5))
        data += b2.getvalue()[:len(b2.getvalue()) // 2]
    path.write_bytes(data)
    return path


@pytest.mark.parametrize('name,gz', [('crawl.warc', False), ('crawl.warc.gz', True), ('misnamed.warc', True)])
def test_warc_nonhtml_and_broken(tmp_path, name, gz):
    items = _items(warc_records(_warc(tmp_path/name, gz)))
    assert [k for k, _ in items] == ['rec-2', 'rec-4', 'rec-5']
    page = items[0][1]
    assert page['record_id'].startswith('<urn:uuid:')
    assert {k: v for k, v in page.items() if k != 'record_id'} == dict(
        html=PAGE.encode('latin-1'), charset='iso-8859-1', url='https://news.example/xi', date='2022-09-12')
    assert items[1][1] == ('!', 'not_html', 'record 4 (https://news.example/logo.png): content type image/png')
    assert items[2][1][:2] == ('!', 'malformed_warc') and items[2][1][2].startswith('record 5: ')


@pytest.mark.parametrize('gz', [False, True])
def test_warc_complete(tmp_path, gz):
    items = _items(warc_records(_warc(tmp_path/'ok.warc', gz, cut=False)))
    assert [(k, v[1] if _bad(v) else v['url']) for k, v in items] == [('rec-2', 'https://news.example/xi'),
                                                                          ('rec-4', 'not_html')]


def test_warc_http_cases(tmp_path):
    z = gzip.compress(b'<html><body><p>zipped page</p></body></html>')
    chunked = hex(len(z))[2:].encode() + b'\r\n' + z + b'\r\n0\r\n\r\n'
    buf = io.BytesIO(); w = WARCWriter(buf, gzip=True)
    for rec in [_response(w, 'https://e.x/gone', 'text/html', b'<html><body>Not found</body></html>', '404 Not Found'),
                _response(w, 'https://e.x/z', 'text/html; charset=utf-8', chunked,
                          extra=[('Transfer-Encoding', 'chunked'), ('Content-Encoding', 'gzip')]),
                _response(w, 'https://e.x/untyped', None, b'<!DOCTYPE html><html><body>x</body></html>'),
                _response(w, 'https://e.x/blob', None, b'\x00\x01binary'),
                _response(w, 'https://e.x/br', 'text/html', b'\x1b\x00brotli?', extra=[('Content-Encoding', 'zstd')]),
                _response(w, 'https://e.x/big', 'text/html', b'<html><body>' + b'x' * 5000 + b'</body></html>'),
                _response(w, 'https://e.x/empty', 'text/html', b'')]:
        w.write_record(rec)
    (tmp_path/'misc.warc.gz').write_bytes(buf.getvalue())
    items = _items(warc_records(tmp_path/'misc.warc.gz', max_bytes=1000))
    assert items[0] == ('rec-1', ('!', 'http_status', 'record 1 (https://e.x/gone): HTTP status 404'))
    assert items[1] == ('rec-2', dict(html=b'<html><body><p>zipped page</p></body></html>', charset='utf-8',
                                      url='https://e.x/z', date='2022-09-12', record_id=items[1][1]['record_id']))
    assert items[2][0] == 'rec-3' and items[2][1]['html'].startswith(b'<!DOCTYPE html>')
    assert items[2][1]['charset'] is None
    assert [(k, v[1]) for k, v in items[3:]] == [('rec-4', 'not_html'), ('rec-5', 'undecodable'),
                                                 ('rec-6', 'too_large'), ('rec-7', 'empty')]


def _arc_record(url, ctype, body):
    http = b'HTTP/1.1 200 OK\r\nContent-Type: ' + ctype.encode() + b'\r\n\r\n' + body
    return f'{url} 192.0.2.1 20220912081502 {ctype} {len(http)}\n'.encode() + http + b'\n'


@pytest.mark.parametrize('name', ['old.arc', 'old.arc.gz'])
def test_arc(tmp_path, name):
    desc = b'1 0 Test\nURL IP-address Archive-date Content-type Archive-length\n'
    data = (f'filedesc://old.arc 0.0.0.0 20220912081502 text/plain {len(desc)}\n'.encode() + desc + b'\n'
            + _arc_record('http://news.example/a', 'text/html', PAGE.encode())
            + _arc_record('http://news.example/i.gif', 'image/gif', b'GIF89a'))
    (tmp_path/name).write_bytes(gzip.compress(data) if name.endswith('.gz') else data)
    items = _items(warc_records(tmp_path/name))
    assert items == [('rec-2', dict(html=PAGE.encode(), charset=None, url='http://news.example/a', date='2022-09-12',
                                    record_id=None)),
                     ('rec-3', ('!', 'not_html', 'record 3 (http://news.example/i.gif): content type image/gif'))]


def test_warc_file_errors(tmp_path):
    (tmp_path/'empty.warc').write_bytes(b'')
    assert _fail(warc_records(tmp_path/'empty.warc')).reason == 'empty'
    (tmp_path/'notes.warc').write_text('my notes about the crawl\n' * 5)
    assert _fail(warc_records(tmp_path/'notes.warc')).reason == 'malformed_warc'
    (tmp_path/'junk.warc.gz').write_bytes(b'\x1f\x8b\x08\x00garbage')
    assert _fail(warc_records(tmp_path/'junk.warc.gz')).reason == 'malformed_warc'
    buf = io.BytesIO(); w = WARCWriter(buf, gzip=False)
    w.write_record(w.create_warcinfo_record('x.warc', {'software': 'test'}))
    (tmp_path/'info.warc').write_bytes(buf.getvalue())
    assert _fail(warc_records(tmp_path/'info.warc')).detail == 'no HTTP response records in the archive'
    whole = _warc(tmp_path/'w.warc', gz=False, cut=False).read_bytes()
    (tmp_path/'cut1.warc').write_bytes(whole[:200])  # cut inside the first record
    assert _fail(warc_records(tmp_path/'cut1.warc')).reason == 'malformed_warc'


def test_warc_wrong_content_length(tmp_path):
    "A record whose Content-Length is wrong leaves the next record misaligned: reported there, reading stops."
    data = _warc(tmp_path/'w.warc', gz=False, cut=False).read_bytes()
    i = data.index(b'Content-Length: ', data.index(b'WARC-Type: response'))
    j = data.index(b'\r\n', i)
    n = int(data[i + 16:j])
    (tmp_path/'bad.warc').write_bytes(data[:i + 16] + str(n - 40).encode() + data[j:])
    items = _items(warc_records(tmp_path/'bad.warc'))  # found at the next record, which starts with garbage
    assert [k for k, _ in items] == ['rec-2', 'rec-3'] and items[0][1]['url'] == 'https://news.example/xi'
    assert items[1][1] == ('!', 'malformed_warc', "record 3: the previous record's Content-Length is wrong; "
                                                  "records after it not read")
    (tmp_path/'long.warc').write_bytes(data[:i + 16] + str(n + 40).encode() + data[j:])  # eats into the next record
    items = _items(warc_records(tmp_path/'long.warc'))
    assert [k for k, _ in items] == ['rec-2', 'rec-3'] and items[1][1][:2] == ('!', 'malformed_warc')


# ---------------------------------------------------------------- language

@pytest.mark.parametrize('lang,text', [
    ('en', 'The government announced on Tuesday that it would raise fuel taxes next year, officials said.'),
    ('de', 'Die Regierung kündigte am Dienstag an, die Kraftstoffsteuer im nächsten Jahr zu erhöhen.'),
    ('fr', 'Le gouvernement a annoncé mardi qu’il augmenterait les taxes sur les carburants.'),
    ('es', 'El gobierno anunció el martes que subirá los impuestos sobre el combustible.'),
    ('ru', 'Правительство во вторник объявило о повышении налогов на топливо в следующем году.'),
    ('zh', '政府周二宣布，明年将提高燃油税，警方称一辆公交车与卡车相撞。'),
    ('uk', 'Уряд у вівторок оголосив про підвищення податків на пальне наступного року.'),
])
def test_detect_language(lang, text):
    got, p = detect_language(text)
    assert got == lang and 0.5 < p <= 1.0, (got, p)


def test_detect_language_too_short():
    for t in ('', 'Hello', 'OK, fine.', '12 345 67,8 % -- !!', 'Берлин'):
        assert detect_language(t) == (None, 0.0), t
    assert detect_language('Xi Jinping to meet Putin in Samarkand')[0] == 'en'
