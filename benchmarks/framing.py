"""Benchmark of the framing stage per worker: one partition (`newsstudy.framing.framing_part`) on synthetic corpora.

    .venv/bin/python benchmarks/framing.py          # a partition of 200 documents (the default partition_size)
    .venv/bin/python benchmarks/framing.py 100      # another size
    .venv/bin/python benchmarks/framing.py 200 old  # also main's in-memory framing() on the same tables (PYTHONPATH)

The corpus tables come from the corpus benchmark's synthetic corpus (perturbed seeds, `benchmarks/corpus.py`): 50
documents are parsed with the corpus stage once (not timed) and replicated under new doc_ids to the wanted size, in
stories of 10 versions; half of the sentences get a stored float16 embedding, as the comparison stage now stores them
only for the sentences it compared (the framing stage embeds the others). The tables are written to a temporary
results folder and `framing_part` runs on them in this process, as one Dask worker would run one task, its models
loaded beforehand (a worker loads them once). It prints sentences/s (titles and body sentences: the units every
measure reads) of each step, of the language model + frames together, and of the whole task, and peak RSS.

Reference figures (issue 14, before the stage ran in partitions): none were recorded for the model-based stage; the
last recorded target was >= 50 documents/s for the word-list stage. With `old`, main's `framing()` (whole corpus in
one process) is run on the same tables in a subprocess for a ratio measured in the same minute.
"""
import os
os.environ.setdefault('OPENBLAS_NUM_THREADS', '1')
os.environ.setdefault('OMP_NUM_THREADS', '1')
os.environ.setdefault('HF_HUB_OFFLINE', '1')
os.environ.setdefault('TRANSFORMERS_OFFLINE', '1')
os.environ.setdefault('HF_HUB_DISABLE_PROGRESS_BARS', '1')
import resource, subprocess, sys, tempfile, time, warnings
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import make_corpus  # noqa: E402

TABLES = ['documents', 'sentences', 'entities', 'quotes', 'attributions']


def base_tables(n: int = 50) -> dict:
    "Corpus tables of `n` perturbed seed documents."
    from newsstudy.corpus import parse_corpus
    with tempfile.TemporaryDirectory() as d, warnings.catch_warnings():
        warnings.simplefilter('ignore')
        return parse_corpus(make_corpus(n, Path(d)), n_process=1)


def replicate(t: dict, n: int) -> dict:
    "The tables of `t` copied under new doc_ids until they hold `n` documents, in stories of 10."
    base, out = len(t['documents']), {}
    for name in TABLES:
        out[name] = pd.concat([t[name].assign(doc_id=t[name].doc_id + f'~{k}') for k in range(-(-n // base))],
                              ignore_index=True)
    keep = set(out['documents'].doc_id[:n])
    out = {k: v[v.doc_id.isin(keep)].reset_index(drop=True) for k, v in out.items()}
    ids = out['documents'].doc_id.tolist()
    out['stories'] = pd.DataFrame(dict(doc_id=ids, story_id=[f's{i // 10:05d}' for i in range(len(ids))]))
    return out


def write(t: dict, out_dir: Path):
    "The tables as a results folder, with float16 embeddings of every other body sentence."
    from newsstudy.common import write_table, embed
    for name, df in t.items(): write_table(df, out_dir, name)
    s = t['sentences'].iloc[::2]
    write_table(pd.DataFrame(dict(doc_id=s.doc_id, sent_id=s.sent_id, vector=list(embed(s.text.tolist()).astype(np.float16)))),
                out_dir, 'sentence_embeddings')


def timed(f, *a, **k):
    t0 = time.perf_counter(); r = f(*a, **k)
    return r, time.perf_counter() - t0


def new(n: int, out_dir: Path):
    "Time each step of `framing_part` on `n` documents (models loaded beforehand)."
    import newsstudy.framing as F
    from newsstudy.common import read_table
    from newsstudy.frames import prototypes, load_frame_set
    F.language_rows(['warm-up']); prototypes(load_frame_set('pfc')); F.vader(); F.lexicons(); F.parse('Warm up.')
    ids = read_table(out_dir, 'documents', columns=['doc_id']).doc_id.tolist()
    where = dict(doc_id=ids)
    (tables, emb), t_read = timed(lambda: ({k: read_table(out_dir, k, where=where) for k in TABLES},
                                           read_table(out_dir, 'sentence_embeddings', where=where)))
    units = F.framing_units(tables['documents'], tables['sentences'])
    vec, t_vec = timed(F.sentence_vectors, units, emb)
    _, t_frames = timed(F.frame_rows, units, vec, 'pfc')
    lang, t_lang = timed(F.language_tables, units)
    labels, t_labels = timed(F.label_rows, tables, units)
    _, t_tone = timed(F.tone_rows, units, tables['entities'])
    _, t_src = timed(F.sourcing_rows, tables, labels)
    _, t_all = timed(F.framing_part, ids, str(out_dir), 'pfc')
    u, stored = len(units), int(units.set_index(['doc_id', 'sent_id']).index.isin(
        emb.set_index(['doc_id', 'sent_id']).index).sum())
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f'{n:,} documents, {u:,} units (titles + body sentences), {stored:,} with a stored embedding; peak RSS {rss:.0f} MB')
    steps = [('read the partition', t_read), ('embed the missing units', t_vec), ('frames', t_frames),
             ('language model', t_lang), ('actor labels (spaCy parse)', t_labels), ('tone (VADER)', t_tone),
             ('sourcing', t_src)]
    for name, s in steps: print(f'  {name:<28} {s:7.2f} s  {u / max(s, 1e-9):9.1f} units/s')
    lm = t_vec + t_frames + t_lang
    print(f'  {"language model + frames":<28} {lm:7.2f} s  {u / lm:9.1f} units/s per worker')
    print(f'  {"whole task (framing_part)":<28} {t_all:7.2f} s  {u / t_all:9.1f} units/s  {n / t_all:6.1f} documents/s')
    print(f'  main cost: {max(steps, key=lambda x: x[1])[0]}')


OLD = '''
import sys, time, warnings; warnings.simplefilter('ignore')
from pathlib import Path
import pandas as pd
from newsstudy.framing import framing, language_rows, vader, lexicons, parse
from newsstudy.frames import prototypes, load_frame_set
d = Path(sys.argv[1])
read = lambda n: pd.read_parquet(d/'tables'/n)
T = {n: read(n) for n in ['documents', 'sentences', 'entities', 'quotes', 'attributions', 'stories']}
emb = read('sentence_embeddings')
language_rows(['warm-up']); prototypes(load_frame_set('pfc')); vader(); lexicons(); parse('Warm up.')
t0 = time.perf_counter(); framing(T, T['stories'], emb, '', 'pfc'); s = time.perf_counter() - t0
print(f'  main (old) framing(), whole corpus in memory: {s:7.2f} s  {len(T["documents"]) / s:6.1f} documents/s')
'''


if __name__ == '__main__':
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    print('framing stage, one partition in one process (= one Dask worker); the machine is shared: timings are noisy')
    with tempfile.TemporaryDirectory() as d:
        write(replicate(base_tables(), n), Path(d))
        new(n, Path(d))
        if 'old' in sys.argv[2:]:
            main = os.environ.get('NEWSSTUDY_MAIN', '/work/main')
            subprocess.run([sys.executable, '-c', OLD, d], check=True, env=dict(os.environ, PYTHONPATH=main))
