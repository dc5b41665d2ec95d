"""MiniLM (newsstudy.compare.embed) against static model2vec models distilled from it: size, speed, agreement, accuracy.

    cd the checkout (repository root) && export PYTHONPATH=$PWD HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 PYTHONHASHSEED=0 \
        OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1
    /work/main/.venv/bin/python benchmarks/embeddings.py /work/m2v-models/minilm-static-256-f16 ...

Needs `model2vec` (inference only) in the project venv and ../shared/validation (Clough & Stevenson development
portion for accuracy, BABE sentences as 1,000 news sentences for speed). Prints one column per model.
"""
import argparse, os, re, sys, time
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.stats import spearmanr
from sklearn.metrics import roc_auc_score

ROOT = Path(__file__).resolve().parents[1]
VALIDATION = ROOT.parent/'shared'/'validation'

def sentences(text: str) -> list:
    "Sentences of a text: paragraphs at blank lines, hard-wrapped lines joined, split after . ! or ?"
    paras = [re.sub(r'\s+', ' ', p).strip() for p in re.split(r'\n\s*\n', text)]
    return [s for p in paras for s in re.split(r'(?<=[.!?])\s+', p) if re.search(r'\w', s)]

def clough_stevenson(folder: Path) -> list:
    "[(file, category, answer sentences, source sentences)] for the development answers."
    labels = pd.read_csv(folder/'labels.csv')
    read = lambda f: (folder/f).read_text(encoding='utf-8', errors='replace')
    return [(r.file, r.category, sentences(read(r.file)), sentences(read(r.source))) for r in labels.itertuples()]

def minilm():
    "MiniLM encoder of the comparison stage (unit vectors), its load time and folder."
    from newsstudy import compare
    t0 = time.perf_counter(); compare.load_model(); secs = time.perf_counter() - t0
    return compare.embed, secs, compare.model_path()

def static(path: Path):
    "Static model2vec encoder (unit float32 vectors of the same normalised text as MiniLM gets), its load time."
    from model2vec import StaticModel
    from newsstudy.compare import norm
    t0 = time.perf_counter(); m = StaticModel.from_pretrained(str(path)); secs = time.perf_counter() - t0
    def enc(texts):
        v = m.encode([norm(t) for t in texts], use_multiprocessing=False).astype(np.float32)
        return v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-12)
    return enc, secs, m

def numpy_static(path: Path):
    "The same static model with tokenizers + safetensors + numpy only (no model2vec at run time)."
    from tokenizers import Tokenizer
    from safetensors.numpy import load_file
    from newsstudy.compare import norm
    tok, E = Tokenizer.from_file(str(path/'tokenizer.json')), load_file(str(path/'model.safetensors'))['embeddings']
    tok.no_padding(); tok.no_truncation()
    def enc(texts):
        ids = [e.ids for e in tok.encode_batch([norm(t) for t in texts], add_special_tokens=False)]
        v = np.stack([E[i].astype(np.float32).mean(0) if i else np.zeros(E.shape[1], np.float32) for i in ids])
        return v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-12)
    return enc

def folder_mb(path: Path) -> float: return sum(p.stat().st_size for p in Path(path).rglob('*') if p.is_file()) / 1e6

def speed(enc, sents: list, reps: int = 3) -> float:
    "Sentences per second (best of `reps`) encoding `sents` once each, after a warm-up."
    enc(sents[:32]); best = 1e9
    for _ in range(reps):
        t0 = time.perf_counter(); enc(sents); best = min(best, time.perf_counter() - t0)
        if best > 20: break  # slow encoder: one timed pass is enough
    return len(sents) / best

def compete(scores: dict, margin: float = 0.1) -> set:
    from newsstudy.compare import compete as c
    return set(c(scores, margin))

def score_answers(enc, cs: list) -> dict:
    "Per answer: pair cosines (flat), best source sentence per answer sentence, mean best-match cosine."
    out = {}
    for f, cat, a, s in cs:
        C = enc(a) @ enc(s).T
        out[f] = dict(cat=cat, C=C, best=C.argmax(1), mean_best=float(C.max(1).mean()))
    return out

def links(C: np.ndarray, thr: float) -> set:
    "Paraphrase links as the comparison stage decides them: cosine >= thr, competitive linking, margin 0.1."
    return compete({(i, j): float(C[i, j]) for i, j in zip(*np.nonzero(C >= thr))})

def auc(sc: dict, pos: set, neg: set, key) -> float:
    rows = [(v['cat'] in pos, key(v)) for v in sc.values() if v['cat'] in pos | neg]
    return roc_auc_score([r[0] for r in rows], [r[1] for r in rows])

def auc_diff_ci(ref: dict, sc: dict, pos={'heavy'}, neg={'non'}, n: int = 2000, seed: int = 0):
    "Paired bootstrap (over answers) 95% interval of AUC(static) - AUC(MiniLM) by mean best-match cosine."
    fs = [f for f, v in ref.items() if v['cat'] in pos | neg]
    y = np.array([ref[f]['cat'] in pos for f in fs]); a = np.array([ref[f]['mean_best'] for f in fs])
    b = np.array([sc[f]['mean_best'] for f in fs]); rng = np.random.default_rng(seed); d = []
    while len(d) < n:
        k = rng.integers(0, len(fs), len(fs))
        if y[k].all() or not y[k].any(): continue
        d.append(roc_auc_score(y[k], b[k]) - roc_auc_score(y[k], a[k]))
    return np.percentile(d, [2.5, 97.5])

def f1(a: set, b: set) -> float: return 2 * len(a & b) / (len(a) + len(b)) if a or b else 1.0

def compare_to(ref: dict, sc: dict, thr_ref: float = 0.6) -> dict:
    "Agreement of a model's cosines and paraphrase decisions with MiniLM's on the same pairs."
    x = np.concatenate([ref[f]['C'].ravel() for f in ref]); y = np.concatenate([sc[f]['C'].ravel() for f in ref])
    top = np.concatenate([ref[f]['best'] == sc[f]['best'] for f in ref])
    strong = np.concatenate([ref[f]['C'].max(1) >= thr_ref for f in ref])
    n_pos = int((x >= thr_ref).sum()); matched = float(np.sort(y)[::-1][n_pos - 1]) if n_pos else 1.0
    L_ref = {(f,) + k for f in ref for k in links(ref[f]['C'], thr_ref)}
    L_same = {(f,) + k for f in ref for k in links(sc[f]['C'], thr_ref)}
    L_match = {(f,) + k for f in ref for k in links(sc[f]['C'], matched)}
    lo, hi = auc_diff_ci(ref, sc)
    return {'pairs': len(x), 'spearman_vs_minilm': spearmanr(x, y)[0], 'pearson_vs_minilm': np.corrcoef(x, y)[0, 1],
            'same_best_source_sentence': top.mean(),
            f'same_best_where_minilm_best_ge_{thr_ref}': top[strong].mean(), 'mean_cosine': y.mean(),
            f'links_at_{thr_ref}': len(L_same), f'link_f1_vs_minilm_at_{thr_ref}': f1(L_ref, L_same),
            'threshold_matching_minilm_rate': matched, 'links_at_matched': len(L_match),
            'link_f1_vs_minilm_at_matched': f1(L_ref, L_match), 'auc_diff_vs_minilm_95ci': f'[{lo:+.3f}, {hi:+.3f}]'}

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('models', nargs='*', type=Path, help='static model folders (model2vec save_pretrained)')
    ap.add_argument('--validation', type=Path, default=VALIDATION)
    ap.add_argument('--n-speed', type=int, default=1000)
    args = ap.parse_args()
    if not (args.validation/'clough-stevenson').exists(): sys.exit(f'no validation data at {args.validation}')
    import torch; torch.set_num_threads(1)
    cs = clough_stevenson(args.validation/'clough-stevenson')
    news = pd.read_csv(args.validation/'babe'/'sentences.csv')['text'].drop_duplicates().head(args.n_speed).tolist()
    print(f'Clough & Stevenson: {len(cs)} answers ({pd.Series([c[1] for c in cs]).value_counts().to_dict()}), '
          f'{sum(len(c[2]) for c in cs)} answer sentences; speed on {len(news)} BABE news sentences, 1 thread')
    enc, load_s, mp = minilm()
    encs = {'MiniLM': (enc, load_s, folder_mb(mp), (mp/'model.safetensors').stat().st_size / 1e6, 384, 'float32')}
    for p in args.models:
        e, s, m = static(p)
        encs[p.name] = (e, s, folder_mb(p), (p/'model.safetensors').stat().st_size / 1e6, m.dim, str(m.embedding.dtype))
        ne = numpy_static(p); t = news[:200]
        print(f'{p.name}: numpy-only encoder vs model2vec, max |cos diff| on 200 sentences = '
              f'{np.abs((ne(t) * e(t)).sum(1) - 1).max():.2e}')
    rows, scores = {}, {}
    for name, (e, load_s, mb, w_mb, dim, dt) in encs.items():
        sc = scores[name] = score_answers(e, cs)
        r = {'dims': dim, 'dtype': dt, 'folder_MB': mb, 'weights_MB': w_mb, 'load_s': load_s,
             'sentences_per_s_1thread': speed(e, news),
             'auc_heavy_vs_non_mean_best': auc(sc, {'heavy'}, {'non'}, lambda v: v['mean_best']),
             'auc_reuse_vs_non_mean_best': auc(sc, {'cut', 'light', 'heavy'}, {'non'}, lambda v: v['mean_best']),
             'auc_light_vs_heavy_mean_best': auc(sc, {'light'}, {'heavy'}, lambda v: v['mean_best'])}
        r.update(compare_to(scores['MiniLM'], sc))
        thr = 0.6 if name == 'MiniLM' else r['threshold_matching_minilm_rate']
        linked = lambda v, t=thr: len({i for i, _ in links(v['C'], t)}) / len(v['C'])
        r['auc_heavy_vs_non_linked_share'] = auc(sc, {'heavy'}, {'non'}, linked)
        for cat in ['heavy', 'non']:
            r[f'linked_share_{cat}'] = np.mean([linked(v) for v in sc.values() if v['cat'] == cat])
            r[f'linked_share_{cat}_at_0.6'] = np.mean([linked(v, 0.6) for v in sc.values() if v['cat'] == cat])
        ref = scores['MiniLM']; x = np.concatenate([ref[f]['C'].ravel() for f in ref])
        y = np.concatenate([sc[f]['C'].ravel() for f in ref])
        r['static_cos_1st_pct_of_minilm_ge_0.6'] = np.percentile(y[x >= 0.6], 1)
        r['minilm_ge_0.6_recall_at_static_ge_0.5'] = (y[x >= 0.6] >= 0.5).mean()
        r['pairs_share_static_ge_0.5'] = (y >= 0.5).mean()
        for cat in ['cut', 'light', 'heavy', 'non']:
            r[f'mean_best_{cat}'] = np.mean([v['mean_best'] for v in sc.values() if v['cat'] == cat])
        rows[name] = r
    pd.set_option('display.width', 200); pd.set_option('display.max_colwidth', 30)
    print(pd.DataFrame(rows).to_string(float_format=lambda v: f'{v:.3f}'))

if __name__ == '__main__': main()
