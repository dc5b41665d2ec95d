"""Benchmark of the framing stage (newsstudy.framing.framing) on synthetic corpora, excluding the corpus stage.

    .venv/bin/python benchmarks/framing.py            # 1,000 and 10,000 documents
    .venv/bin/python benchmarks/framing.py 200 2000   # other sizes

The corpus tables come from the corpus benchmark's synthetic corpus (perturbed seeds, `benchmarks/corpus.py`):
100 documents are parsed with the corpus stage once (not timed), their sentence embeddings computed as the
comparison stage would (not timed: the framing stage reuses the comparison's `sentence_embeddings`), and the
tables replicated under new doc_ids to the wanted size, in stories of 10 versions. Each size runs in its own
process; prints documents/s and peak RSS. Target: >= 50 documents/s on this machine.
"""
import os
os.environ.setdefault('OPENBLAS_NUM_THREADS', '1')
os.environ.setdefault('HF_HUB_OFFLINE', '1')
os.environ.setdefault('HF_HUB_DISABLE_PROGRESS_BARS', '1')
import resource, subprocess, sys, tempfile, time, warnings
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import make_corpus  # noqa: E402


def base_tables(n: int = 100) -> dict:
    "Corpus tables of `n` perturbed seed documents, plus their sentence embeddings."
    from newsstudy.corpus import parse_corpus
    from newsstudy.compare import embed
    with tempfile.TemporaryDirectory() as d, warnings.catch_warnings():
        warnings.simplefilter('ignore')
        t = parse_corpus(make_corpus(n, Path(d)), n_process=1)
    s = t['sentences']
    t['sentence_embeddings'] = pd.DataFrame(dict(doc_id=s.doc_id, sent_id=s.sent_id, vector=list(embed(s.text.tolist()))))
    return t


def replicate(t: dict, n: int) -> dict:
    "The tables of `t` copied under new doc_ids until they hold `n` documents."
    base = len(t['documents'])
    out = {}
    for name, df in t.items():
        if 'doc_id' not in df: continue
        parts = [df.assign(doc_id=df.doc_id + f'~{k}') for k in range(-(-n // base))]
        out[name] = pd.concat(parts, ignore_index=True)
    keep = set(out['documents'].doc_id[:n])
    out = {k: v[v.doc_id.isin(keep)].reset_index(drop=True) for k, v in out.items()}
    ids = out['documents'].doc_id.tolist()
    out['stories'] = pd.DataFrame(dict(doc_id=ids, story_id=[f's{i // 10:05d}' for i in range(len(ids))], method='bench', score=1.0))
    return out


def one(n: int):
    from newsstudy.framing import framing, lexicons, vader, language_rows
    from newsstudy.frames import prototypes, load_frame_set
    t = replicate(base_tables(), n)
    t0 = time.perf_counter(); lexicons(); prototypes(load_frame_set('generic')); vader()
    if language_rows: language_rows(['warm-up'])  # loads the language model
    load = time.perf_counter() - t0
    t0 = time.perf_counter()
    res = framing(t, t['stories'], t['sentence_embeddings'])
    secs = time.perf_counter() - t0
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f'{n:>7,} docs  {len(t["sentences"]):>8,} sentences  {secs:7.1f} s  {n / secs:7.1f} docs/s  peak RSS {rss:5.0f} MB  '
          f'(lexicons+models load {load:.1f} s)  {len(res["frames"]):,} frame rows  {len(res["loaded_terms"]):,} loaded terms  '
          f'{len(res["bias"]):,} bias rows  '
          f'{len(res["framing_shift"]):,} shift rows  target >= 50 docs/s: {"met" if n / secs >= 50 else "MISSED"}', flush=True)


if __name__ == '__main__':
    if sys.argv[1:2] == ['--one']: one(int(sys.argv[2]))
    else:
        print('framing stage: framing() on replicated synthetic corpus tables (corpus and comparison stages excluded)')
        for n in [int(a) for a in sys.argv[1:]] or [1000, 10000]:
            subprocess.run([sys.executable, __file__, '--one', str(n)], check=True)
