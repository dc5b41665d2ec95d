"""Benchmark of the corpus stage (newsstudy.corpus.parse_corpus) on synthetic corpora made by perturbing the seeds.

    .venv/bin/python benchmarks/corpus.py            # 1,000 and 10,000 documents
    .venv/bin/python benchmarks/corpus.py 200 2000   # other sizes
    .venv/bin/python benchmarks/corpus.py --large    # one-document corpora that once were quadratic or crashed
    .venv/bin/python benchmarks/corpus.py --stage 300 [--corpus DIR] [--old CHECKOUT]
        # the stage on a local Dask cluster (2 workers) side by side with spaCy's own `nlp.pipe` (2 processes) on the
        # same texts, and optionally the `parse_corpus` of another checkout (e.g. before a change), in the same minutes

Each size runs in its own process, so its peak RSS is its own. Prints documents/s, MB/s, peak RSS, and the
time the spaCy model took to load (included in the totals: it is paid once per run). `--large` times the hostile
inputs of issue 11 (a text over spaCy's 1,000,000 characters, 20,000 short lines, a 900 kB line without
punctuation, a 1.1 MB HTML page), model load excluded.
"""
import os
os.environ.setdefault('OPENBLAS_NUM_THREADS', '1')  # as `newsstudy run` sets it for its kernels (before numpy loads)
import random, re, resource, subprocess, sys, tempfile, time, warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT/'data'/'raw'/'seeds'
BOILERPLATE = ['Sign up now for FREE unlimited access to Example.comSign up', 'read more', 'Related Article: another story',
               'Our Standards: The Trust Principles.', '@YouTube', 'Advertisement']


def perturb(text: str, rng: random.Random, synonyms: dict | None = None) -> str:
    "A new version of `text`: sentences cut, words swapped (or replaced by `synonyms`), paragraphs reordered, boilerplate added."
    sents = [s for s in re.split(r'(?<=[.!?])\s+', text) if s.strip()]
    sents = [s for s in sents if rng.random() > 0.15] or sents[:1]
    out = []
    for s in sents:
        w = [synonyms[x] if x in synonyms and rng.random() < 0.5 else x for x in s.split()] if synonyms else s.split()
        if len(w) > 3 and rng.random() < 0.3:
            i = rng.randrange(len(w) - 1); w[i], w[i + 1] = w[i + 1], w[i]
        out.append(' '.join(w))
    paras = [' '.join(out[i:i + 4]) for i in range(0, len(out), 4)]
    if len(paras) > 2 and rng.random() < 0.5: i = rng.randrange(len(paras) - 1); paras[i], paras[i + 1] = paras[i + 1], paras[i]
    for _ in range(rng.randrange(3)): paras.insert(rng.randrange(len(paras) + 1), rng.choice(BOILERPLATE))
    return '\n\n'.join(paras) + '\n'


def make_corpus(n: int, dest: Path, seed: int = 0) -> Path:
    "Write `n` perturbed seed articles into `dest` (100 per sub-folder)."
    rng = random.Random(seed)
    seeds = [p.read_text(encoding='utf-8-sig') for p in sorted(SEEDS.glob('*.txt'))]
    for i in range(n):
        d = dest/f'{i // 100:04d}'; d.mkdir(parents=True, exist_ok=True)
        (d/f'doc{i:06d}.txt').write_text(perturb(seeds[i % len(seeds)], rng), encoding='utf-8')
    return dest


def one(n: int):
    from newsstudy.corpus import parse_corpus, load_nlp
    t0 = time.perf_counter(); load_nlp(); load = time.perf_counter() - t0
    with tempfile.TemporaryDirectory() as d:
        corpus = make_corpus(n, Path(d))
        mb = sum(p.stat().st_size for p in corpus.rglob('*.txt')) / 1e6
        t0 = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter('ignore')
            tables = parse_corpus(corpus)
        secs = time.perf_counter() - t0
    assert len(tables['documents']) + len(tables['problems']) == n  # identical perturbations are reported as duplicates
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f'{n:>7,} docs  {mb:6.1f} MB  {secs:8.1f} s  {n / secs:6.1f} docs/s  {mb / secs:5.2f} MB/s  '
          f'peak RSS {rss:5.0f} MB (largest worker {kids:5.0f} MB)  model load {load:.1f} s  '
          f'{len(tables["sentences"]):,} sentences', flush=True)


def large_text(name: str) -> tuple[str, str]:
    "(file name, content) of one large input."
    prose = lambda n: ''.join(' '.join(f'Officials said on Monday that talks number {i + k} with "the other side" would resume in Geneva.'
                                       for k in range(6)) + '\n\n' for i in range(0, n // 95, 6))
    if name == 'long_text': return 'long.txt', prose(1_200_000)
    if name == 'short_lines': return 'lines.txt', ''.join(f'{w}\n' for w in ['ab', 'cd', 'ef', 'gh'] * 5000)
    if name == 'one_line': return 'line.txt', ' '.join(['talks', 'resume', 'in', 'geneva', 'next', 'week'] * 27_300)
    body = ''.join(f'<p>{p}</p>' for p in prose(1_100_000).split('\n\n') if p)
    return 'long.html', f'<html><head><title>Long page</title></head><body><article>{body}</article></body></html>'


def large(name: str):
    from newsstudy.corpus import parse_corpus, load_nlp
    load_nlp()
    with tempfile.TemporaryDirectory() as d:
        fn, text = large_text(name)
        Path(d, fn).write_text(text, encoding='utf-8')
        t0 = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter('ignore')
            tables = parse_corpus(d)
        secs = time.perf_counter() - t0
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f'{name:>12}  {len(text) / 1e6:5.2f} M chars  {secs:7.1f} s  peak RSS {rss:5.0f} MB  '
          f'{len(tables["sentences"]):,} sentences', flush=True)


STAGE = """
import sys, time, warnings
warnings.simplefilter('ignore')
from pathlib import Path
from newsstudy.corpus import load_nlp, MODEL
corpus, what = Path(sys.argv[1]), sys.argv[2]
if what == 'pipe':  # spaCy alone: the same pipeline and texts (layout done before the clock starts), 2 processes
    import spacy
    from newsstudy.corpus import read_stage, corpus_context, layout
    records = read_stage(None, corpus)[0]; ctx = corpus_context(None, records)
    texts = [layout(r.text, ctx['repeated'], r.meta.get('title'), r.format == 'txt').text for r in records]
    nlp = spacy.load(MODEL, exclude=['lemmatizer', 'attribute_ruler'])
    list(nlp.pipe(texts[:20], batch_size=16, n_process=2))  # worker start-up and model load, not timed
    t0 = time.perf_counter(); n = sum(1 for _ in nlp.pipe(texts, batch_size=16, n_process=2)); secs = time.perf_counter() - t0
elif what == 'stage':  # the production path: read, summaries, parse and write, on 2 workers whose models are loaded
    import tempfile
    from newsstudy.corpus import read_stage, corpus_context, parse_stage
    from newsstudy.common import dask_client
    with dask_client('', 2) as client, tempfile.TemporaryDirectory() as out:
        client.run(load_nlp)
        t0 = time.perf_counter()
        records, problems = read_stage(client, corpus, partition_size=100)
        parts = parse_stage(client, records, corpus_context(client, records, 3, 100), out, 100)
        secs = time.perf_counter() - t0; n = sum(len(p['tables']['documents']) for p in parts)
else:  # another checkout's parse_corpus (its own defaults: 2 spaCy processes from 200 documents), model loaded first
    from newsstudy.corpus import parse_corpus
    load_nlp(); t0 = time.perf_counter(); n = len(parse_corpus(corpus)['documents']); secs = time.perf_counter() - t0
print(f'{what:>6}: {n:,} documents in {secs:6.1f} s = {n / secs:5.1f} docs/s', flush=True)
"""


def stage(n: int, corpus: str | None, old: str | None):
    "docs/s of the stage, of spaCy's `nlp.pipe` on the same texts and (optionally) of another checkout, one after another."
    with tempfile.TemporaryDirectory() as d:
        folder = Path(corpus) if corpus else make_corpus(n, Path(d))
        print(f'corpus stage on {folder if corpus else f"{n:,} perturbed seed documents"} (2 cores; other work on the machine adds noise)')
        runs = [('pipe', str(ROOT)), ('stage', str(ROOT))] + ([('old', old)] if old else [])
        runs = [r for r in runs if r[0] in (ONLY or r[0])]
        for what, path in runs:
            env = dict(os.environ, PYTHONPATH=path)
            subprocess.run([sys.executable, '-c', STAGE, str(folder), what], check=True, env=env, cwd=path)


ONLY = None  # `--only old,pipe`: some of the runs

if __name__ == '__main__':
    if sys.argv[1:2] == ['--stage']:
        opt = lambda k: sys.argv[sys.argv.index(k) + 1] if k in sys.argv else None
        ONLY = opt('--only') and opt('--only').split(',')
        stage(int(sys.argv[2]), opt('--corpus'), opt('--old'))
    elif sys.argv[1:2] == ['--one']: one(int(sys.argv[2]))
    elif sys.argv[1:2] == ['--large-one']: large(sys.argv[2])
    elif sys.argv[1:2] == ['--large']:
        print('corpus stage: large single documents (parse time, model load excluded)')
        for name in ('long_text', 'long_html', 'short_lines', 'one_line'):
            subprocess.run([sys.executable, __file__, '--large-one', name], check=True)
    else:
        print('corpus stage: parse_corpus on synthetic corpora (perturbed seeds)')
        for n in [int(a) for a in sys.argv[1:]] or [1000, 10000]:
            subprocess.run([sys.executable, __file__, '--one', str(n)], check=True)
