"""Benchmark of the input readers (newsstudy.inputs): CSV/Parquet exports, WARC archives, language detection.

    .venv/bin/python benchmarks/inputs.py                 # 20,000-row CSV and Parquet, 2,000-record WARC, 2,000 texts
    .venv/bin/python benchmarks/inputs.py 50000 5000      # other numbers of rows and records

Files are generated in a temporary folder: rows hold a ~2 kB article text of several quoted lines (commas, doubled
quotes), a title, a date and a source; the CSV is also written in Windows-1252 (the encoding is detected). The WARC
holds, per article, a request, the HTML response (~3 kB) and an image response, gzipped per record as crawlers write
them, and uncompressed; its items are the HTTP responses (HTML and image: 2 per article, of 3 records per article).
Each case runs in its own process, so its peak RSS is its own (the language case loads the texts with pandas).
Targets: >= 20,000 rows/s for CSV, >= 500 HTML responses/s for WARC.gz, memory flat in the size of the file.
"""
import io, random, subprocess, sys, time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORDS = ('the government said on tuesday that talks with unions would continue this week while officials expect '
         'the new bridge to open before summer and shares fell after the company cut its forecast').split()


def article(rng, n_words=350) -> str:
    words = [rng.choice(WORDS) for _ in range(n_words)]
    lines = [' '.join(words[i:i + 50]).capitalize() + ', he said "no".' for i in range(0, n_words, 50)]
    return '\n'.join(lines)


def make_tables(folder: Path, rows: int):
    import pandas as pd
    rng = random.Random(0)
    df = pd.DataFrame(dict(id=[f'a{i}' for i in range(rows)], title=[f'Title {i} – Genève' for i in range(rows)],
                           text=[article(rng) for _ in range(rows)], publish_date='2022-09-12', media_name='Example'))
    df.to_csv(folder/'export.csv', index=False)
    df.to_csv(folder/'legacy.csv', index=False, encoding='cp1252')
    df.to_parquet(folder/'export.parquet', row_group_size=5_000)


def make_warc(folder: Path, records: int):
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter
    rng = random.Random(1)
    for name, gz in (('crawl.warc.gz', True), ('crawl.warc', False)):
        with open(folder/name, 'wb') as f:
            w = WARCWriter(f, gzip=gz)
            w.write_record(w.create_warcinfo_record(name, {'software': 'benchmark'}))
            for i in range(records):
                url = f'https://news.example/{i}'
                req = StatusAndHeaders(f'GET /{i} HTTP/1.1', [('Host', 'news.example')], is_http_request=True)
                w.write_record(w.create_warc_record(url, 'request', http_headers=req))
                html = f'<html><body><article><p>{article(rng)}</p></article></body></html>'.encode()
                http = StatusAndHeaders('200 OK', [('Content-Type', 'text/html; charset=utf-8')], protocol='HTTP/1.1')
                w.write_record(w.create_warc_record(url, 'response', payload=io.BytesIO(html), http_headers=http))
                png = StatusAndHeaders('200 OK', [('Content-Type', 'image/png')], protocol='HTTP/1.1')
                w.write_record(w.create_warc_record(url + '.png', 'response', payload=io.BytesIO(bytes(2000)),
                                                    http_headers=png))


CASE = '''
import resource, sys, time
from pathlib import Path
from newsstudy.inputs import table_records, warc_records, detect_language
kind, path = sys.argv[1], Path(sys.argv[2])
t0 = time.perf_counter()
if kind == 'lang':
    import pandas as pd
    texts = pd.read_parquet(path).text.tolist()[:int(sys.argv[3])]
    detect_language('warm up the model')
    t0 = time.perf_counter(); n = sum(detect_language(t)[0] == 'en' for t in texts); ok = n
else:
    n = ok = 0
    for _, r in (table_records if kind == 'table' else warc_records)(path): n += 1; ok += isinstance(r, dict)
dt = time.perf_counter() - t0
print(n, ok, dt, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
'''


def run(kind, path, *extra):
    r = subprocess.run([sys.executable, '-c', CASE, kind, str(path), *map(str, extra)], capture_output=True, text=True,
                       cwd=ROOT, check=True)
    n, ok, dt, rss = r.stdout.split()
    return int(n), int(ok), float(dt), float(rss)


def main(rows=20_000, records=2_000):
    import tempfile
    with tempfile.TemporaryDirectory() as d:
        d = Path(d)
        t0 = time.perf_counter()  # made in another process: Linux keeps a peak RSS across exec; the parent stays small
        subprocess.run([sys.executable, __file__, 'make', str(d), str(rows), str(records)], cwd=ROOT, check=True)
        print(f'generated {rows:,} rows and {records:,} articles in {time.perf_counter() - t0:.1f} s')
        print(f"{'case':<32}{'items':>8}{'ok':>8}{'MB':>8}{'seconds':>9}{'items/s':>10}{'MB/s':>7}"
              f"{'peak RSS MB':>13}")
        cases = [('CSV, UTF-8', 'table', d/'export.csv'), ('CSV, Windows-1252 (detected)', 'table', d/'legacy.csv'),
                 ('Parquet', 'table', d/'export.parquet'), ('WARC.gz', 'warc', d/'crawl.warc.gz'),
                 ('WARC, uncompressed', 'warc', d/'crawl.warc')]
        for name, kind, path in cases:
            n, ok, dt, rss = run(kind, path)
            mb = path.stat().st_size / 1e6
            print(f'{name:<32}{n:>8,}{ok:>8,}{mb:>8.1f}{dt:>9.2f}{n / dt:>10,.0f}{mb / dt:>7.1f}{rss:>13.0f}')
        n, ok, dt, rss = run('lang', d/'export.parquet', records)
        name = 'detect_language, ~2 kB texts'
        print(f"{name:<32}{n:>8,}{ok:>8,}{'':>8}{dt:>9.2f}{n / dt:>10,.0f}{'':>7}{rss:>13.0f}")


if __name__ == '__main__':
    if sys.argv[1:2] == ['make']:
        make_tables(Path(sys.argv[2]), int(sys.argv[3])); make_warc(Path(sys.argv[2]), int(sys.argv[4]))
    else: main(*map(int, sys.argv[1:3]))
