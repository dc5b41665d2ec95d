"""`newsstudy run --scheduler` on a real Dask cluster of this machine — a `dask scheduler` and two `dask worker`
processes on 127.0.0.1 — gives the same tables, figures and reports as the default run (one local cluster started by
the run). A worker killed in the middle of a run: the run finishes with the same tables (its tasks rerun on the other
worker) or fails with one clear line, and the previous results stay as they were."""
import contextlib, json, os, random, re, shutil, signal, subprocess, sys, time
from pathlib import Path

import pytest

from conftest import BIN, ROOT, free_port, newsstudy, tables, wait

DASK = BIN/'dask'
pytestmark = pytest.mark.skipif(not DASK.exists(), reason=f'no `dask` command at {DASK}: install distributed')

# Invented stories (names, places and figures made up for this test), each told by several perturbed versions.
STORIES = {
    'bridge': ["The Varno river bridge in Ostrel will close for eleven months from May, the regional transport office said on Monday.",
               "Engineers found corrosion in 14 of the bridge's 60 steel cables during an inspection in January.",
               "About 18,000 vehicles cross the bridge every day, most of them lorries heading to the port.",
               "A temporary ferry will carry cars and cyclists between the two banks every twenty minutes.",
               "\"We cannot take any risks with a structure of this age,\" said transport director Mila Hart.",
               "Local businesses warned that the closure would cost them customers during the summer season.",
               "The repair is expected to cost 42 million euros and will be paid by the regional government.",
               "The bridge was opened in 1968 and was last renovated in 1994."],
    'orchestra': ["The Lenmark Philharmonic announced on Thursday that its chief conductor, Aurel Dunne, will step down next year.",
                  "Dunne has led the orchestra for twelve seasons and took it on three tours of Asia.",
                  "The orchestra said a committee of musicians and board members would choose a successor by December.",
                  "\"It has been the honour of my life,\" Dunne said in a statement.",
                  "Ticket sales rose by a third during his tenure, according to the orchestra's annual report.",
                  "He will remain as honorary conductor and lead two concerts a season."],
    'harvest': ["Farmers in the Tessin valley expect the smallest apple harvest in 30 years after a late frost in April.",
                "The growers' association estimates the crop at 61,000 tonnes, down from 140,000 tonnes last year.",
                "Frost damaged blossoms on about half of the orchards in the valley, the association said.",
                "Juice producers said they would import apples to keep their plants running.",
                "\"Some families will not survive a second year like this,\" said grower Pia Lorenz.",
                "The regional government has promised emergency loans but has not said how large they will be.",
                "Prices for dessert apples in local markets have already risen by a fifth."],
}
SWAPS = {'said': 'stated', 'expect': 'anticipate', 'about': 'roughly', 'will': 'is set to', 'warned': 'cautioned',
         'promised': 'pledged', 'rose': 'climbed', 'damaged': 'harmed', 'choose': 'select'}
LONE = ("A lost hiking dog was found alive after nine days on Mount Kerr, rescuers said on Sunday. "
        "The dog, a six-year-old collie called Brin, had followed a fox away from its owner's path.")


def versions(sentences: list, rng: random.Random) -> list:
    "Four versions of a story: the original, a cut copy, a reworded copy with a changed figure, a reordered extract."
    cut = sentences[:2] + sentences[3:-1]
    reworded = [re.sub(r'\b(\w+)\b', lambda m: SWAPS.get(m.group(1), m.group(1)), s) for s in sentences]
    reworded = [re.sub(r'\b(\d\d)\b', lambda m: str(int(m.group(1)) + 1), s, count=1) for s in reworded]
    extract = sentences[:1] + rng.sample(sentences[1:], k=len(sentences) // 2)
    return [sentences, cut, reworded, extract]


def write_corpus(folder: Path) -> Path:
    "A small multi-story corpus of .txt files (a title line, then the text), generated with a fixed seed."
    rng = random.Random(14)
    folder.mkdir(parents=True)
    for name, sentences in STORIES.items():
        for i, v in enumerate(versions(sentences, rng)):
            (folder/f'{name}-{i}.txt').write_text(f'{sentences[0][:50]}\n\n' + '\n\n'.join(v) + '\n', encoding='utf-8')
    (folder/'lone-dog.txt').write_text('Lost dog found\n\n' + LONE + '\n', encoding='utf-8')
    return folder


def _env() -> dict:
    "Environment of the cluster's processes: they import this checkout, offline, one BLAS thread."
    return dict(os.environ, PYTHONPATH=str(ROOT), HF_HUB_OFFLINE='1', TRANSFORMERS_OFFLINE='1', PYTHONHASHSEED='0',
                OPENBLAS_NUM_THREADS='1', OMP_NUM_THREADS='1')


def _stop(p: subprocess.Popen):
    "Stop a process this test started (and its session: a worker's children), then reap it."
    if p.poll() is None:
        with contextlib.suppress(ProcessLookupError): os.killpg(p.pid, signal.SIGTERM)
        try: p.wait(20)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError): os.killpg(p.pid, signal.SIGKILL)
            p.wait(20)


class Cluster:
    "A `dask scheduler` and `n` single-threaded `dask worker` processes on 127.0.0.1, started in `folder`."
    def __init__(self, folder: Path, n: int = 2):
        self.folder, self.port = folder, free_port()
        self.address, self.procs, self.workers = f'tcp://127.0.0.1:{self.port}', [], []
        folder.mkdir(parents=True, exist_ok=True)
        self.procs.append(self._start('scheduler', [str(DASK), 'scheduler', '--host', '127.0.0.1', '--port', str(self.port),
                                                    '--dashboard-address', ':0']))
        for i in range(n):
            w = self._start(f'worker{i}', [str(DASK), 'worker', self.address, '--nthreads', '1', '--no-nanny',
                                           '--name', f'w{i}', '--no-dashboard', '--local-directory', str(folder/f'w{i}')])
            self.procs.append(w); self.workers.append(w)
        from distributed import Client
        self.client = wait(lambda: Client(self.address, timeout='5s'), 60, f'the scheduler at {self.address}')
        wait(lambda: len(self.client.nthreads()) == n, 120, f'{n} workers to join {self.address}')

    def _start(self, name, cmd):
        log = open(self.folder/f'{name}.log', 'w')
        return subprocess.Popen(cmd, cwd=self.folder, env=_env(), stdout=log, stderr=subprocess.STDOUT, start_new_session=True)

    def transitions(self) -> int:
        "How many task state transitions the scheduler has made (grows when tasks run)."
        return self.client.run_on_scheduler(lambda dask_scheduler: dask_scheduler.transition_counter)

    def close(self):
        with contextlib.suppress(Exception): self.client.close()
        for p in reversed(self.procs): _stop(p)


@pytest.fixture
def cluster(tmp_path):
    c = Cluster(tmp_path/'cluster')
    yield c
    c.close()  # (the finalizer runs whether the test passed or failed)
    assert all(p.poll() is not None for p in c.procs), 'every process the test started has stopped'


@pytest.fixture(scope='module')
def local_run(tmp_path_factory):
    "The default run (`newsstudy run`, no --scheduler) of the generated corpus."
    base = tmp_path_factory.mktemp('cluster-corpus')
    corpus = write_corpus(base/'corpus')
    newsstudy('run', '--corpus', corpus, '--out', base/'local', cwd=base, check=True)
    return corpus, base/'local'


def _uses_scheduler() -> bool:
    "Does any stage notebook declare the `scheduler` parameter (i.e. do the stages run Dask tasks)?"
    from newsstudy.run import stage_notebooks, stage_params
    return 'scheduler' in stage_params(stage_notebooks(ROOT/'nbs'))


def _files(out: Path, sub: str) -> dict:
    return {p.name: p.read_bytes() for p in sorted((out/sub).iterdir()) if p.is_file()}


def assert_same_results(a: Path, b: Path):
    "Results folders `a` and `b` hold equal tables (every row and value), and byte-identical figures and reports."
    ta, tb = tables(a), tables(b)
    assert sorted(ta) == sorted(tb) and len(ta) >= 10, (sorted(ta), sorted(tb))
    for name in ta: assert ta[name].equals(tb[name]), name
    for sub in ('figures', 'report'):
        fa, fb = _files(a, sub), _files(b, sub)
        assert fa and sorted(fa) == sorted(fb), sub
        for f in fa: assert fa[f] == fb[f], f'{sub}/{f}'


def test_cluster_run_equals_local_run(cluster, local_run, tmp_path):
    corpus, local = local_run
    before = cluster.transitions()
    r = newsstudy('run', '--corpus', corpus, '--out', tmp_path/'remote', '--scheduler', cluster.address, cwd=tmp_path, check=True)
    rec = json.loads((tmp_path/'remote'/'run.json').read_text())
    assert rec['status'] == 'complete' and rec['scheduler'] == dict(address=cluster.address, local=False)
    if _uses_scheduler():
        assert cluster.transitions() > before, 'the stages ran their tasks on the cluster'
        assert json.loads((local/'run.json').read_text())['scheduler']['local'], 'the default run started its own cluster'
    assert_same_results(local, tmp_path/'remote')
    docs = tables(local)['documents']
    assert len(docs) == sum(4 for _ in STORIES) + 1


def test_killed_worker_gives_equal_tables_or_a_clear_failure(cluster, local_run, tmp_path):
    corpus, local = local_run
    out = tmp_path/'out'
    shutil.copytree(local, out)  # earlier results, which a failed run must leave as they are
    before = {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob('*')) if p.is_file()}
    cmd = [str(BIN/'newsstudy'), 'run', '--corpus', str(corpus), '--out', str(out), '--scheduler', cluster.address]
    log = tmp_path/'run.log'
    with open(log, 'w') as err:
        run = subprocess.Popen(cmd, cwd=tmp_path, stdout=subprocess.PIPE, stderr=err, text=True, start_new_session=True)
        try:  # kill a worker when the comparison stage starts (or after 60 s)
            with contextlib.suppress(AssertionError): wait(lambda: 'compare.ipynb ...' in log.read_text(), 60, 'the comparison')
            cluster.workers[0].kill(); cluster.workers[0].wait(20)
            stdout, _ = run.communicate(timeout=900)
        finally: _stop(run)
    stderr = log.read_text()
    if run.returncode == 0:
        assert_same_results(local, out)
    else:
        assert run.returncode == 1, stderr[-3000:]
        last = stderr.strip().splitlines()[-1]
        assert last.startswith('newsstudy: error:') and re.search(r'worker|Worker', last), last
        after = {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob('*')) if p.is_file()}
        assert after == before, 'the previous results are unchanged'
        assert json.loads((out.with_name('out.failed')/'run.json').read_text())['status'] == 'failed'


def test_scheduler_that_does_not_answer_is_refused_before_any_stage(tmp_path):
    corpus = tmp_path/'corpus'; corpus.mkdir(); (corpus/'story.txt').write_text('A story.\n')
    nobody = f'tcp://127.0.0.1:{free_port()}'
    t0 = time.perf_counter()
    r = newsstudy('run', '--corpus', corpus, '--out', tmp_path/'out', '--scheduler', nobody)
    assert r.returncode == 2 and r.stderr.startswith(f"newsstudy: error: no Dask scheduler answers at {nobody!r}"), r.stderr
    assert len(r.stderr.strip().splitlines()) == 1 and time.perf_counter() - t0 < 30
    assert sorted(p.name for p in tmp_path.iterdir()) == ['corpus'], 'nothing written'


def _dask_stage(path: Path):
    "A quick stage that declares `scheduler`, connects as the real stages do, and records its scheduler and workers."
    import nbformat
    code = ("import json, os, pathlib\nfrom newsstudy.common import dask_client\n"
            "with dask_client(scheduler) as client: pids = sorted(client.run(os.getpid).values())\n"
            f"pathlib.Path(out_dir, '{path.stem}.json').write_text(json.dumps(dict(scheduler=scheduler, pids=pids)))")
    nbformat.write(nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell('corpus_dir = ""\nout_dir = ""\nscheduler = ""  # Dask scheduler address',
                                  metadata=dict(tags=['parameters'])),
        nbformat.v4.new_code_cell(code, metadata=dict(tags=['stage']))],
        metadata=dict(kernelspec=dict(name='python3', display_name='Python 3', language='python'))), path)


def test_default_run_starts_one_local_cluster_for_all_stages(tmp_path):
    "Two stages get the same local scheduler and the same worker processes (models load once per run); it is closed after."
    nbs = tmp_path/'nbs'; nbs.mkdir()
    for name in ('00_a', '01_b'): _dask_stage(nbs/f'{name}.ipynb')
    corpus = tmp_path/'corpus'; corpus.mkdir(); (corpus/'story.txt').write_text('A story.\n')
    r = subprocess.run([str(BIN/'newsstudy'), 'run', '--corpus', str(corpus), '--out', str(tmp_path/'out')], cwd=tmp_path,
                       capture_output=True, text=True, env=dict(os.environ, NEWSSTUDY_NBS=str(nbs)), timeout=600)
    assert r.returncode == 0, r.stderr[-3000:]
    a, b = (json.loads((tmp_path/'out'/f'{n}.json').read_text()) for n in ('00_a', '01_b'))
    rec = json.loads((tmp_path/'out'/'run.json').read_text())
    assert a['scheduler'].startswith('tcp://127.0.0.1:') and a == b and len(a['pids']) == os.cpu_count()
    assert rec['scheduler'] == dict(address=a['scheduler'], local=True)
    assert not [p for p in a['pids'] if Path(f'/proc/{p}').exists()], 'the workers stopped with the run'
