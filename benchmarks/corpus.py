"""Benchmark of the corpus stage: synthetic corpora made by perturbing the seed articles.

    .venv/bin/python benchmarks/corpus.py            # 1,000 and 10,000 documents
    .venv/bin/python benchmarks/corpus.py 200 2000   # other sizes

Each size runs in its own process so that its peak RSS is its own. Prints docs/s, MB/s and peak RSS.
"""
import random, re, resource, subprocess, sys, tempfile, time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT/'data'/'raw'/'seeds'
BOILERPLATE = ['Sign up now for FREE unlimited access', 'Read more:', 'Related Article: another story',
               'Our Standards: The Trust Principles.', '@YouTube']


def perturb(text: str, rng: random.Random) -> str:
    "A new version of `text`: sentences cut, words swapped, paragraphs reordered, boilerplate added."
    sents = [s for s in re.split(r'(?<=[.!?])\s+', text) if s.strip()]
    sents = [s for s in sents if rng.random() > 0.15] or sents[:1]
    out = []
    for s in sents:
        w = s.split()
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
    from newsstudy.corpus import documents
    with tempfile.TemporaryDirectory() as d:
        corpus = make_corpus(n, Path(d))
        mb = sum(p.stat().st_size for p in corpus.rglob('*.txt')) / 1e6
        t0 = time.perf_counter()
        docs = documents(corpus)
        secs = time.perf_counter() - t0
    assert len(docs) == n
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f'{n:>7,} docs  {mb:7.1f} MB  {secs:7.2f} s  {n / secs:9.0f} docs/s  {mb / secs:6.2f} MB/s  peak RSS {rss:6.0f} MB', flush=True)


if __name__ == '__main__':
    if sys.argv[1:2] == ['--one']: one(int(sys.argv[2]))
    else:
        print('corpus stage (newsstudy.corpus.documents) on synthetic corpora')
        for n in [int(a) for a in sys.argv[1:]] or [1000, 10000]:
            subprocess.run([sys.executable, __file__, '--one', str(n)], check=True)
