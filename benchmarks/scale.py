"""End-to-end scale benchmark (issue 14): `newsstudy run` on synthetic corpora, on a Dask cluster of 1 and 2 workers.

    .venv/bin/python benchmarks/scale.py                        # 1k, 10k and 100k documents, 1 and 2 workers
    .venv/bin/python benchmarks/scale.py --sizes 1000 --workers 1 2 --json scale-1k.json

For each size a corpus is made by `benchmarks/synth.py` (invented events, 1-6 versions per story, independent
reports; seed 0). For each number of workers N the script starts its own cluster on 127.0.0.1 — `dask scheduler`
and N `dask worker --nthreads 1` processes — runs `newsstudy run --corpus C --out O --scheduler ADDRESS` and stops
the processes it started. Stages that take no scheduler yet (before the Dask stages) are run once, without one.

Measured: seconds of each stage (`OUT/run.json`), the whole run's wall time and documents/s; peak RSS of each process
of the driver (the `newsstudy` command and the stage kernels it starts, with their children) and of each worker
(its nanny and worker process), polled with psutil every 0.5 s. Printed side by side with the targets: 100k
documents end to end <= 45 min, RSS <= 4 GB in any process, 2 workers >= 1.7x one worker, 10k/1k and 100k/10k time
ratios <= 11 (linear). Timings on a shared machine are noisy: compare runs made in the same minutes.
"""
from __future__ import annotations
import argparse, json, os, re, signal, subprocess, sys, tempfile, threading, time
from pathlib import Path

import psutil

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from synth import make_corpus  # noqa: E402

BIN = Path(sys.executable).parent
TARGETS = dict(max_minutes_100k=45, max_rss_gb=4.0, min_speedup_2w=1.7, max_size_ratio=11)


def cli_supports_scheduler() -> str:
    "How a run is pointed at a cluster: '--scheduler' (the CLI option), '-p' (a stage parameter), or '' (not at all)."
    h = subprocess.run([str(BIN/'newsstudy'), 'run', '--help'], capture_output=True, text=True).stdout
    if '--scheduler' in h: return '--scheduler'
    from newsstudy.run import stage_notebooks, stage_params
    return '-p' if 'scheduler' in stage_params(stage_notebooks()) else ''


class Peaks:
    "Poll the process trees of `roots` (name -> pid) every `every` s; keep each process's peak RSS (bytes)."
    def __init__(self, roots: dict, every: float = 0.5):
        self.roots, self.every, self.peak, self.role = roots, every, {}, {}
        self._stop = threading.Event(); self._t = threading.Thread(target=self._run, daemon=True)
    def _poll(self):
        for name, pid in list(self.roots.items()):
            try: root = psutil.Process(pid); procs = [root] + root.children(recursive=True)
            except psutil.Error: continue
            for p in procs:
                try: rss = p.memory_info().rss
                except psutil.Error: continue
                key = (name, p.pid)
                if rss > self.peak.get(key, 0): self.peak[key] = rss
                if key not in self.role:
                    try: self.role[key] = ' '.join(p.cmdline()[:4])[-80:]
                    except psutil.Error: self.role[key] = '?'
    def _run(self):
        while not self._stop.is_set(): self._poll(); self._stop.wait(self.every)
    def __enter__(self): self._t.start(); return self
    def __exit__(self, *_): self._stop.set(); self._t.join()
    def by_root(self) -> dict:
        "root name -> largest peak RSS (MB) of any one process in its tree."
        out = {}
        for (name, _), rss in self.peak.items(): out[name] = max(out.get(name, 0), rss / 2**20)
        return {k: round(v) for k, v in out.items()}


def worker_env() -> dict:
    "Environment of the cluster's processes: this one's (PYTHONPATH included), offline models, one BLAS thread."
    return dict(os.environ, HF_HUB_OFFLINE='1', TRANSFORMERS_OFFLINE='1', OPENBLAS_NUM_THREADS='1', OMP_NUM_THREADS='1',
                MKL_NUM_THREADS='1', TOKENIZERS_PARALLELISM='false', PYTHONHASHSEED='0')


def start_cluster(n: int, # worker processes
                  work: Path, # folder for the scheduler file and logs
                  timeout: float = 120, # seconds to wait for the workers
                 ) -> tuple[str, list]:
    "Start `dask scheduler` and `n` single-threaded `dask worker`s on 127.0.0.1; (address, [Popen, ...])."
    env, sf = worker_env(), work/'scheduler.json'
    sf.unlink(missing_ok=True)
    log = lambda name: open(work/f'{name}.log', 'w')
    procs = [subprocess.Popen([str(BIN/'dask'), 'scheduler', '--host', '127.0.0.1', '--port', '0',
                               '--dashboard-address', ':0', '--scheduler-file', str(sf)],
                              env=env, stdout=subprocess.DEVNULL, stderr=log('scheduler'), start_new_session=True)]
    t0 = time.time()
    while not sf.exists():
        if time.time() - t0 > timeout or procs[0].poll() is not None: stop(procs); raise RuntimeError('scheduler did not start')
        time.sleep(0.2)
    addr = json.loads(sf.read_text())['address']
    for i in range(n):
        procs.append(subprocess.Popen([str(BIN/'dask'), 'worker', addr, '--nthreads', '1', '--nworkers', '1',
                                       '--memory-limit', '0', '--dashboard-address', ':0', '--name', f'w{i}'],
                                      env=env, stdout=subprocess.DEVNULL, stderr=log(f'worker{i}'), start_new_session=True))
    from distributed import Client
    with Client(addr, timeout='30s') as c: c.wait_for_workers(n, timeout=timeout)
    return addr, procs


def stop(procs: list):
    "Stop the processes this script started (each one's own process group: nanny and worker together)."
    for p in reversed(procs):
        if p.poll() is None:
            try: os.killpg(p.pid, signal.SIGTERM)
            except ProcessLookupError: pass
    for p in procs:
        try: p.wait(15)
        except subprocess.TimeoutExpired: os.killpg(p.pid, signal.SIGKILL); p.wait()


def kill_tree(pid: int):
    "Kill process `pid` and all its descendants, by process id (stage kernels run in sessions of their own)."
    try: root = psutil.Process(pid); procs = root.children(recursive=True) + [root]
    except psutil.Error: return
    for p in procs:
        try: p.kill()
        except psutil.Error: pass


def run_once(corpus: Path, out: Path, n_docs: int, workers: int, how: str, work: Path, timeout: float) -> dict:
    "One `newsstudy run` (on a fresh cluster of `workers` when `how` says the CLI can use one): its figures."
    procs, addr = [], ''
    if workers and how: addr, procs = start_cluster(workers, work)
    cmd = [str(BIN/'newsstudy'), 'run', '--corpus', str(corpus), '--out', str(out)]
    if addr: cmd += ['--scheduler', addr] if how == '--scheduler' else ['-p', 'scheduler', addr]
    try:
        roots = {f'worker{i}': p.pid for i, p in enumerate(procs[1:])}
        t0 = time.perf_counter()
        run = subprocess.Popen(cmd, env=worker_env(), stdout=subprocess.DEVNULL, stderr=open(work/f'run-{n_docs}-{workers}.log', 'w'),
                               text=True, start_new_session=True)
        with Peaks(dict(driver=run.pid, **roots)) as peaks:
            timed_out = False
            try: run.wait(timeout)
            except subprocess.TimeoutExpired:
                kill_tree(run.pid); run.wait(); timed_out = True
        secs = time.perf_counter() - t0
    finally: stop(procs)
    rss, log = peaks.by_root(), work/f'run-{n_docs}-{workers}.log'
    res = dict(docs=n_docs, workers=workers if how else 0, status='ok', seconds=round(secs, 1), stages=stage_seconds(log),
               driver_rss_mb=rss.get('driver'), worker_rss_mb=[rss.get(k) for k in roots],
               driver_processes=sorted(([round(v / 2**20), k[1], peaks.role[k]] for k, v in peaks.peak.items() if k[0] == 'driver'),
                                       reverse=True))  # [peak MB, pid, command] of the command, each stage kernel, their children
    if timed_out or run.returncode:
        res['status'] = f'timeout after {timeout:.0f} s' if timed_out else f'failed ({run.returncode}); see {log}'
        return res  # the stages that finished, and the peaks until then
    rec = json.loads((out/'run.json').read_text())
    stages = [n['notebook'] for n in rec['notebooks']]
    kernels = sorted((k[1], v) for k, v in peaks.peak.items() if k[0] == 'driver' and 'ipykernel' in peaks.role[k])
    by_stage = {st: round(v / 2**20) for st, (_, v) in zip(stages, kernels)} if len(kernels) == len(stages) else {}
    return dict(res, docs_per_s=round(n_docs / secs, 2), stages={n['notebook']: n['seconds'] for n in rec['notebooks']},
                kernel_rss_mb=by_stage)  # each stage's kernel, matched by start order (empty when the counts differ)


def stage_seconds(log: Path) -> dict:
    "Seconds of each stage that finished, from the run's progress lines (`[2/4] 01_compare.ipynb done in 171.1 s`)."
    lines = log.read_text(errors='replace').splitlines() if log.exists() else []
    return {m[1]: float(m[2]) for m in (re.match(r'\[\d+/\d+\] (\S+) done in ([\d.]+) s', l) for l in lines) if m}


def targets(runs: list) -> list[tuple]:
    "(target, measured, verdict) rows: the issue's targets against the runs that measured them."
    ok = [r for r in runs if r['status'] == 'ok']
    t = {(r['docs'], r['workers']): r['seconds'] for r in ok}
    verdict = lambda good: 'met' if good else 'NOT met'
    rows = []
    for w in sorted({r['workers'] for r in ok}):
        if (100_000, w) in t: rows.append((f'100k end to end <= {TARGETS["max_minutes_100k"]} min ({w} workers)',
                                           f'{t[100_000, w] / 60:.1f} min', verdict(t[100_000, w] <= 60 * TARGETS['max_minutes_100k'])))
        for a, b in ((1_000, 10_000), (10_000, 100_000)):
            if (a, w) in t and (b, w) in t:
                q = t[b, w] / t[a, w]
                rows.append((f'{b // 1000}k/{a // 1000}k time ratio <= {TARGETS["max_size_ratio"]} ({w} workers)', f'{q:.2f}',
                             verdict(q <= TARGETS['max_size_ratio'])))
    for r in runs:  # a 100k run stopped after the target time has missed it too
        if r['docs'] == 100_000 and r['status'].startswith('timeout') and r['seconds'] > 60 * TARGETS['max_minutes_100k']:
            rows.append((f'100k end to end <= {TARGETS["max_minutes_100k"]} min ({r["workers"]} workers)',
                         f'> {r["seconds"] / 60:.0f} min', 'NOT met'))
    for n in sorted({r['docs'] for r in ok}):
        if (n, 1) in t and (n, 2) in t:
            s = t[n, 1] / t[n, 2]
            rows.append((f'2 workers >= {TARGETS["min_speedup_2w"]}x 1 worker ({n:,} docs)', f'{s:.2f}x', verdict(s >= TARGETS['min_speedup_2w'])))
    if ok:
        peak = max(max([r['driver_rss_mb'] or 0] + [x or 0 for x in r['worker_rss_mb']]) for r in ok)
        rows.append((f'peak RSS <= {TARGETS["max_rss_gb"]} GB in any process', f'{peak / 1024:.2f} GB',
                     verdict(peak <= 1024 * TARGETS['max_rss_gb'])))
    return rows


def print_report(runs: list):
    "The runs side by side, then the targets."
    stages = sorted({s for r in runs for s in r.get('stages', {})})
    short = [s.removesuffix('.ipynb') for s in stages]
    print(f"\n{'docs':>8} {'workers':>7} {'status':<18} {'total s':>8} {'docs/s':>7} " +
          ' '.join(f'{s[:12]:>12}' for s in short) + f" {'driver MB':>9} {'workers MB':>12}")
    for r in runs:
        st = ' '.join(f"{r.get('stages', {}).get(s, float('nan')):12.1f}" for s in stages)
        ws = ','.join(str(x) for x in r.get('worker_rss_mb', [])) or '-'
        print(f"{r['docs']:>8,} {r['workers']:>7} {r['status'][:18]:<18} {r.get('seconds', float('nan')):8.1f} "
              f"{r.get('docs_per_s', float('nan')):7.2f} {st} {r.get('driver_rss_mb') or 0:9} {ws:>12}")
    print('\nTargets (issue 14):')
    for name, got, v in targets(runs) or [('(no run measured a target)', '', '')]: print(f'  {name:<52} {got:>10}  {v}')


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--sizes', type=int, nargs='+', default=[1_000, 10_000, 100_000], help='corpus sizes (documents)')
    ap.add_argument('--workers', type=int, nargs='+', default=[1, 2], help='numbers of Dask workers to try')
    ap.add_argument('--work', help='folder for corpora, results and logs (default: a temporary folder, removed)')
    ap.add_argument('--json', default='scale.json', help='where to write the figures (default: scale.json)')
    ap.add_argument('--timeout', type=float, default=4 * 3600, help='seconds before a run is stopped')
    a = ap.parse_args(argv)
    tmp = None if a.work else tempfile.TemporaryDirectory(prefix='newsstudy-scale-')
    work = Path(a.work or tmp.name); work.mkdir(parents=True, exist_ok=True)
    how = cli_supports_scheduler()
    if not how: print('the stages take no scheduler yet: one run per size, without a cluster', file=sys.stderr)
    runs = []
    try:
        for n in a.sizes:
            corpus = make_corpus(work/f'corpus-{n}', n)
            for w in (a.workers if how else [0]):
                print(f'{n:,} documents, {w} workers ...', file=sys.stderr, flush=True)
                runs.append(run_once(corpus, work/f'out-{n}-{w}', n, w, how, work, a.timeout))
                print(json.dumps(runs[-1]), file=sys.stderr, flush=True)
                Path(a.json).write_text(json.dumps(dict(targets=TARGETS, runs=runs, cpus=os.cpu_count(),
                                                        checks=targets(runs)), indent=2) + '\n')
    finally:
        if tmp: tmp.cleanup()
    print_report(runs)
    print(f'\nfigures: {a.json}')


if __name__ == '__main__': main()
