"""Shared fixtures: the repository, the installed `newsstudy` command, one seed-corpus run and one site build per session.

Full CLI runs are the slow part of the tests: tests that check a table call the stage functions in-process; the tests
that need a run's results share the ONE session run `seed_run` (made with `--examples`, so that the docs build can use
its executed notebooks too); a test makes a run of its own only when the command itself is what it tests."""
import contextlib, functools, http.server, os, shutil, socket, subprocess, sys, threading, time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT/'data'/'raw'/'seeds'
BIN = Path(sys.executable).parent


def newsstudy(*args, cwd=None, check=False):
    "Run the installed `newsstudy` command; return the CompletedProcess (text)."
    r = subprocess.run([str(BIN/'newsstudy'), *map(str, args)], cwd=cwd or ROOT, capture_output=True, text=True)
    if check and r.returncode: raise AssertionError(f"newsstudy {args} failed ({r.returncode}):\n{r.stderr}")
    return r


def table(out, name: str, **kw):
    "Table `name` of results folder `out` (a folder of Parquet parts), read with `newsstudy.common.read_table`."
    from newsstudy.common import read_table
    return read_table(out, name, **kw)


def tables(out) -> dict:
    "Every table of results folder `out`: name -> DataFrame."
    return {p.name: table(out, p.name) for p in sorted((Path(out)/'tables').iterdir()) if p.is_dir()}


@pytest.fixture(scope='session')
def seed_run(tmp_path_factory):
    "Results of `newsstudy run --examples` on the bundled corpus, default output folder (run from a scratch cwd)."
    cwd = tmp_path_factory.mktemp('seedrun')
    r = newsstudy('run', '--examples', cwd=cwd, check=True)
    return cwd/'results'/'seeds', r


@pytest.fixture(scope='session')
def site(seed_run, tmp_path_factory):
    dest = tmp_path_factory.mktemp('site')/'_docs'
    r = newsstudy('docs', '--results', seed_run[0], '--dest', dest)
    assert r.returncode == 0, r.stderr[-3000:]
    return dest


def _chromium():
    "Paths of Debian's chromium and chromedriver, installing them with apt when missing and running as root."
    have = lambda: shutil.which('chromium') and shutil.which('chromedriver')
    if not have():
        if os.geteuid() != 0 or not shutil.which('apt-get'):
            pytest.skip('chromium/chromedriver not installed and cannot install them (needs root and apt-get)')
        env = dict(os.environ, DEBIAN_FRONTEND='noninteractive')
        subprocess.run(['apt-get', 'update', '-qq'], check=True, env=env, capture_output=True)
        subprocess.run(['apt-get', 'install', '-y', '-qq', 'chromium', 'chromium-driver'], check=True, env=env, capture_output=True)
    if not have(): pytest.skip('chromium/chromedriver could not be installed')
    return shutil.which('chromium'), shutil.which('chromedriver')


@pytest.fixture(scope='module')
def browser(tmp_path_factory):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    chrome, driver = _chromium()
    opts = webdriver.ChromeOptions()
    opts.binary_location = chrome
    for a in ('--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-dev-shm-usage',
              '--disable-background-networking', '--disable-component-update', '--disable-sync', '--window-size=1280,1600',
              f'--user-data-dir={tmp_path_factory.mktemp("chrome")}'):
        opts.add_argument(a)
    opts.set_capability('goog:loggingPrefs', {'browser': 'ALL'})  # console messages, read with get_log('browser')
    b = webdriver.Chrome(service=Service(driver), options=opts)
    b.set_page_load_timeout(60)
    yield b
    b.quit()


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0)); return s.getsockname()[1]


def wait(cond, timeout=60, what='condition'):
    end = time.time() + timeout
    while time.time() < end:
        try:
            v = cond()
            if v: return v
        except Exception: pass
        time.sleep(0.5)
    raise AssertionError(f'timed out waiting for {what}')


@contextlib.contextmanager
def serve(folder):
    "Serve `folder` over HTTP on 127.0.0.1; yield its base URL."
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *a): pass
    srv = http.server.ThreadingHTTPServer(('127.0.0.1', free_port()), functools.partial(Quiet, directory=str(folder)))
    srv.handle_error = lambda *a: None  # the browser may drop connections it no longer needs
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    try: yield f'http://127.0.0.1:{srv.server_address[1]}'
    finally: srv.shutdown(); srv.server_close()
