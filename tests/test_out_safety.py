"""Safety of `newsstudy run` (issue 11): the results folder OUT never destroys anything but earlier results; stale
temporary folders of killed runs are removed; a full disk or a read-only folder gives one line and keeps the previous
results; a plain `pip install .` says that a source checkout is needed.

The command-line cases run the installed `newsstudy` command and are refused before any stage runs (about a second
each). Runs that must succeed use a one-cell stage notebook (`NEWSSTUDY_NBS`), not the NLP stages. Write failures are
injected in-process: the tests run as root, for whom `chmod` does not make a folder unwritable, and no read-only
mount or full disk can be made on the test machine."""
import contextlib, errno, hashlib, json, os, shutil, subprocess, sys, tempfile
from pathlib import Path

import nbformat
import pytest

from conftest import BIN, ROOT

import newsstudy.run as run


def cli(*args, cwd=None, **env):
    "Run the installed `newsstudy` command with extra environment variables; return the CompletedProcess."
    e = {k: v for k, v in os.environ.items() if k != 'NEWSSTUDY_NBS'}
    e.update({k: str(v) for k, v in env.items()})
    return subprocess.run([str(BIN/'newsstudy'), *map(str, args)], cwd=cwd or ROOT, capture_output=True, text=True,
                          env=e, timeout=600)


def refused(r, *words, status=2):
    "Assert: exit `status` and exactly one line `newsstudy: error: ...` holding `words`; return the line."
    assert r.returncode == status, (r.returncode, r.stderr)
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith('newsstudy: error: '), r.stderr
    for w in words: assert w in lines[0], (w, lines[0])
    return lines[0]


def state(root):
    "Everything below `root`: relative path -> sha256 of a file, 'dir', or 'link -> target'."
    res = {}
    for dirpath, dirs, files in os.walk(root):
        for n in dirs + files:
            p = Path(dirpath)/n; rel = p.relative_to(root).as_posix()
            if p.is_symlink(): res[rel] = f'link -> {os.readlink(p)}'
            elif p.is_dir(): res[rel] = 'dir'
            else: res[rel] = hashlib.sha256(p.read_bytes()).hexdigest()
    return res


def stage_nb(folder, name='00_tiny.ipynb', code="(Path(out_dir)/'tables').mkdir(exist_ok=True)\n"
             "(Path(out_dir)/'tables'/'new.txt').write_text('new results')"):
    "A stage notebook with a parameters cell and one cell of `code`, in `folder` (the NEWSSTUDY_NBS of a test)."
    folder.mkdir(exist_ok=True)
    nbformat.write(nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell('corpus_dir = ""\nout_dir = ""', metadata=dict(tags=['parameters'])),
        nbformat.v4.new_code_cell('from pathlib import Path\n' + code)],
        metadata=dict(kernelspec=dict(name='python3', display_name='Python 3', language='python'))), folder/name)
    return folder


@pytest.fixture
def tree(tmp_path):
    "X/corpus (two articles, a MANIFEST), X/keep_me.txt, X/results (earlier results), X/notes (the user's folder)."
    x = tmp_path/'X'; c = x/'corpus'; c.mkdir(parents=True)
    (c/'a.txt').write_text('First version of the story.\n'); (c/'b.txt').write_text('Second version of the story.\n')
    (c/'MANIFEST.csv').write_text('file,sha256,bytes\n' + ''.join(
        f'{n},{hashlib.sha256((c/n).read_bytes()).hexdigest()},{(c/n).stat().st_size}\n' for n in ('a.txt', 'b.txt')))
    (x/'keep_me.txt').write_text('not ours')
    (x/'results'/'tables').mkdir(parents=True)
    (x/'results'/'tables'/'old.txt').write_text('previous results')
    (x/'results'/'run.json').write_text(json.dumps(dict(newsstudy='0.1.0', parameters={})))
    (x/'notes').mkdir(); (x/'notes'/'thesis.tex').write_text('my thesis')
    (x/'link_to_corpus').symlink_to(c)
    return x


@pytest.mark.parametrize('out, why', [
    ('corpus', 'is the corpus folder'),
    ('.', 'contains the corpus'),
    ('corpus/..', 'contains the corpus'),
    ('link_to_corpus', 'is the corpus folder'),
    ('corpus/results', 'lies inside the corpus'),
    ('link_to_corpus/sub/results', 'lies inside the corpus'),
    ('keep_me.txt', 'is an existing file'),
    ('notes', 'not a newsstudy results folder'),
])
def test_dangerous_out_is_refused_and_nothing_changes(tree, out, why):
    before = state(tree.parent)
    r = cli('run', '--corpus', tree/'corpus', '--out', f'{tree}/{out}')
    line = refused(r, 'refusing --out', why)
    assert str(Path(f'{tree}/{out}').resolve()) in line, 'the message names OUT, resolved'
    assert state(tree.parent) == before, 'every file unchanged, nothing added'


def test_parent_of_corpus_refused_in_process(tree):
    "`--out /` and `--out ~` are checked by the same function, in-process (never run against a real root or home)."
    for out in ('/', tree.parent, tree.parent.parent):
        with pytest.raises(run.StudyError, match='contains the corpus'): run.check_out(out, tree/'corpus')


def test_results_folder_with_foreign_run_json_is_refused(tree):
    (tree/'notes'/'run.json').write_text('{"tool": "something else"}')
    before = state(tree.parent)
    refused(cli('run', '--corpus', tree/'corpus', '--out', tree/'notes'), 'not a newsstudy results folder')
    assert state(tree.parent) == before


def test_earlier_results_folder_is_replaced_and_stale_temps_removed(tree, tmp_path):
    "A one-cell stage stands in for the stages: OUT is replaced, nothing else in the tree changes."
    dead = subprocess.Popen([sys.executable, '-c', '']); dead.wait()
    stale, live = tree/f'.results.tmp-{dead.pid}-abcd1234', tree/f'.results.tmp-{os.getpid()}-abcd1234'
    for d in (stale, live, tree/f'.results.old-{dead.pid}'): d.mkdir(); (d/'x').write_text('half-written')
    nbs = stage_nb(tmp_path/'nbs')
    before = {k: v for k, v in state(tree.parent).items() if not k.startswith(('X/results', 'X/.results'))}
    r = cli('run', '--corpus', tree/'corpus', '--out', tree/'results', NEWSSTUDY_NBS=nbs)
    assert r.returncode == 0, r.stderr
    assert (tree/'results'/'tables'/'new.txt').read_text() == 'new results'
    assert not (tree/'results'/'tables'/'old.txt').exists()
    rec = json.loads((tree/'results'/'run.json').read_text())
    assert rec['status'] == 'complete' and run.is_results(tree/'results')
    assert f'removed {stale.name}' in r.stderr
    assert not stale.exists() and not (tree/f'.results.old-{dead.pid}').exists(), 'dead runs cleaned'
    assert (live/'x').exists(), 'a live process keeps its temporary folder'
    after = {k: v for k, v in state(tree.parent).items() if not k.startswith(('X/results', 'X/.results'))}
    assert after == before, 'nothing but OUT and the stale folders changed'
    assert sorted(p.name for p in tree.iterdir() if p.name.startswith('.results')) == [live.name]


def test_stale_temps_only_ours_and_dead(tmp_path):
    dead = subprocess.Popen([sys.executable, '-c', '']); dead.wait()
    out = tmp_path/'out'
    names = [f'.out.tmp-{dead.pid}-x1y2z3ab', f'.out.old-{dead.pid}', f'.out.tmp-{os.getpid()}-x1y2z3ab',
             f'.other.tmp-{dead.pid}-x1y2z3ab', '.out.tmp-abc', f'out.tmp-{dead.pid}-x', f'.out.tmp-{dead.pid}-x.txt']
    for n in names: (tmp_path/n).mkdir()
    (tmp_path/f'.out.tmp-{dead.pid}-link').symlink_to(tmp_path/'.out.tmp-abc')
    removed = []
    run.clean_stale(out, log=removed.append)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        set(names[2:]) | {f'.out.tmp-{dead.pid}-link'}), 'only the dead folders of this OUT went; links are kept'
    assert len(removed) == 2


def test_killed_mid_swap_restores_previous_results(tmp_path):
    "A run killed between moving OUT aside and renaming the new folder in: the next run puts the old results back."
    dead = subprocess.Popen([sys.executable, '-c', '']); dead.wait()
    old = tmp_path/f'.out.old-{dead.pid}'; old.mkdir()
    (old/'run.json').write_text('{"newsstudy": "0.1.0"}'); (old/'t.txt').write_text('previous')
    run.clean_stale(tmp_path/'out', log=lambda m: None)
    assert (tmp_path/'out'/'t.txt').read_text() == 'previous' and not old.exists()


def test_swap_in_refuses_anything_but_results(tmp_path):
    new = tmp_path/'new'; new.mkdir(); (new/'x').write_text('new')
    (tmp_path/'mine').mkdir(); (tmp_path/'mine'/'thesis.tex').write_text('mine')
    (tmp_path/'file.txt').write_text('a file')
    for target in ('mine', 'file.txt'):
        before = state(tmp_path)
        with pytest.raises(run.StudyError, match='not a newsstudy results folder'): run.swap_in(new, tmp_path/target)
        assert state(tmp_path) == before
    (tmp_path/'empty').mkdir()
    run.swap_in(new, tmp_path/'empty')
    assert (tmp_path/'empty'/'x').read_text() == 'new' and not new.exists()


def _fake_stage(nb, out, params, cwd, examples=False):
    "Stands in for a stage notebook: writes one table into the temporary results folder."
    (out/'tables').mkdir(exist_ok=True); (out/'tables'/f'{nb.stem}.txt').write_text('new'); return 0.01


def test_disk_full_keeps_previous_results(tree, monkeypatch, capsys):
    "ENOSPC injected when the final run.json is written (as root no real full disk can be made here)."
    monkeypatch.setattr(run, 'run_stage', _fake_stage)
    monkeypatch.setattr(run, 'run_scheduler', lambda s='', needed=True: contextlib.nullcontext(s))  # no cluster needed
    write = run.write_record
    def full(folder, record):
        if record['status'] == 'complete':
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(folder/'run.json'))
        return write(folder, record)
    monkeypatch.setattr(run, 'write_record', full)
    before = state(tree/'results')
    status = run.main(['run', '--corpus', str(tree/'corpus'), '--out', str(tree/'results')])
    err = [l for l in capsys.readouterr().err.strip().splitlines() if not l.startswith('[')]  # not progress lines
    assert status == 1 and len(err) == 1 and err[0].startswith('newsstudy: error: cannot write the results: ')
    assert 'run.json: No space left on device' in err[0] and str(tree/'results') in err[0]
    assert state(tree/'results') == before, 'previous results intact'
    assert not [p for p in tree.iterdir() if p.name.startswith('.results.')], 'no temporary folder left'
    assert json.loads((tree/'results.failed'/'run.json').read_text())['status'] == 'failed'


def test_read_only_at_swap_keeps_previous_results(tree, monkeypatch, capsys):
    "EROFS injected as the new folder is renamed to OUT (no read-only mount can be made here; root ignores chmod)."
    monkeypatch.setattr(run, 'run_stage', _fake_stage)
    monkeypatch.setattr(run, 'run_scheduler', lambda s='', needed=True: contextlib.nullcontext(s))  # no cluster needed
    rename = os.replace
    def read_only(src, dst):
        if Path(dst) == tree/'results' and Path(src).name.startswith('.results.tmp-'):
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(dst))
        return rename(src, dst)
    monkeypatch.setattr(os, 'replace', read_only)
    before = state(tree/'results')
    status = run.main(['run', '--corpus', str(tree/'corpus'), '--out', str(tree/'results')])
    err = [l for l in capsys.readouterr().err.strip().splitlines() if not l.startswith('[')]  # not progress lines
    assert status == 1 and len(err) == 1 and f"{tree/'results'}: Read-only file system" in err[0], err
    assert state(tree/'results') == before, 'previous results moved back'
    assert not [p for p in tree.iterdir() if p.name.startswith('.results.')]


def test_unwritable_out_is_refused_before_any_stage(tree, monkeypatch, capsys):
    "EACCES injected when the temporary folder is made (root ignores chmod): one line, exit 2, no stage runs."
    monkeypatch.setattr(run, 'run_stage', lambda *a: pytest.fail('a stage ran'))
    def denied(**kw): raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(tree))
    monkeypatch.setattr(tempfile, 'mkdtemp', denied)
    before = state(tree.parent)
    status = run.main(['run', '--corpus', str(tree/'corpus'), '--out', str(tree/'results')])
    err = [l for l in capsys.readouterr().err.strip().splitlines() if not l.startswith('[')]  # not progress lines
    assert status == 2
    assert err == [f"newsstudy: error: cannot write the results folder {tree/'results'}: {tree}: Permission denied"]
    assert state(tree.parent) == before


def test_plain_install_says_a_checkout_is_needed(tmp_path):
    "`pip install .` (not editable): --help works; run, docs and readme stop with one line naming the way out."
    src = tmp_path/'src'; src.mkdir()
    for f in ('pyproject.toml', 'README.md', 'LICENSE'): shutil.copy2(ROOT/f, src/f)
    shutil.copytree(ROOT/'newsstudy', src/'newsstudy', ignore=shutil.ignore_patterns('__pycache__'))
    site = tmp_path/'site'
    r = subprocess.run([sys.executable, '-m', 'pip', 'install', '--quiet', '--no-deps', '--no-build-isolation',
                        '--no-index', '--disable-pip-version-check', '--target', str(site), str(src)],
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    assert (site/'newsstudy'/'run.py').exists() and not (site/'nbs').exists()
    env = {k: v for k, v in os.environ.items() if k != 'NEWSSTUDY_NBS'} | dict(PYTHONPATH=str(site))
    def entry(*args):
        code = ('import sys, newsstudy; from newsstudy.run import main; print(newsstudy.__file__); '
                'sys.exit(main(sys.argv[1:]))')
        return subprocess.run([sys.executable, '-c', code, *args], cwd=tmp_path, env=env, capture_output=True,
                              text=True, timeout=600)
    h = entry('--help')
    assert h.returncode == 0 and h.stdout.startswith(str(site/'newsstudy')) and 'run' in h.stdout
    for cmd in (['run'], ['run', '--corpus', str(tmp_path)], ['docs'], ['readme', '--check']):
        refused(entry(*cmd), 'newsstudy needs a source checkout: no notebooks at', 'pip install -e .')


def test_docs_dest_that_is_not_a_site_is_refused_and_nothing_changes(tmp_path):
    "`newsstudy docs --dest` replaces its folder, so a folder of other files (or one holding the checkout) is refused."
    mine = tmp_path/'mine'; mine.mkdir(); (mine/'thesis.tex').write_text('years of work')
    before = state(tmp_path)
    refused(cli('docs', '--dest', mine), 'refusing --dest', 'not a site built by newsstudy')
    assert state(tmp_path) == before
    with pytest.raises(run.StudyError, match='contains the checkout'): run.check_site_dest(ROOT.parent, ROOT)
