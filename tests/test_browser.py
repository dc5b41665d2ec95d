"""What a person sees: the built site in headless Chromium, and a notebook rendered by JupyterLab."""
import functools, http.server, os, shutil, socket, subprocess, sys, threading, time, urllib.request
from pathlib import Path

import pytest

from conftest import BIN, ROOT


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
    b = webdriver.Chrome(service=Service(driver), options=opts)
    b.set_page_load_timeout(60)
    yield b
    b.quit()


def _free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0)); return s.getsockname()[1]


@pytest.fixture()
def served_site(site):
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site))
    handler.log_message = lambda *a: None
    srv = http.server.ThreadingHTTPServer(('127.0.0.1', _free_port()), handler)
    t = threading.Thread(target=srv.serve_forever, daemon=True); t.start()
    yield f'http://127.0.0.1:{srv.server_address[1]}'
    srv.shutdown(); srv.server_close()


def _wait(cond, timeout=60, what='condition'):
    end = time.time() + timeout
    while time.time() < end:
        try:
            v = cond()
            if v: return v
        except Exception: pass
        time.sleep(0.5)
    raise AssertionError(f'timed out waiting for {what}')


def test_site_index_and_corpus_page_show_their_figure(browser, served_site):
    from selenium.webdriver.common.by import By
    browser.get(served_site + '/index.html')
    assert 'newsstudy' in browser.title
    assert browser.find_element(By.TAG_NAME, 'h1').text.strip() == 'newsstudy'
    browser.find_element(By.LINK_TEXT, '00_corpus').click()
    _wait(lambda: browser.current_url.endswith('/corpus.html'), what='corpus page')
    n = _wait(lambda: browser.execute_script(
        "return [...document.images].filter(i => i.complete && i.naturalWidth > 100).length"), what='a loaded figure')
    assert n >= 1


@pytest.fixture()
def jupyterlab(tmp_path):
    "JupyterLab on a copy of nbs/ (so that an autosave can never touch the sources), stopped afterwards."
    nbs = shutil.copytree(ROOT/'nbs', tmp_path/'nbs')
    port = _free_port()
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(tmp_path/'cfg'), JUPYTER_RUNTIME_DIR=str(tmp_path/'rt'),
               JUPYTERLAB_WORKSPACES_DIR=str(tmp_path/'ws'), JUPYTER_DATA_DIR=str(tmp_path/'data'))
    cmd = [str(BIN/'jupyter-lab'), '--no-browser', f'--port={port}', '--ServerApp.ip=127.0.0.1', "--IdentityProvider.token=",
           "--ServerApp.password=", '--ServerApp.disable_check_xsrf=True', f'--ServerApp.root_dir={nbs}']
    if os.geteuid() == 0: cmd.append('--allow-root')
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=open(tmp_path/'lab.log', 'w'))
    url = f'http://127.0.0.1:{port}'
    try:
        _wait(lambda: urllib.request.urlopen(url + '/api/status', timeout=2).status == 200, 90, 'JupyterLab to start')
        yield url
    finally:
        proc.terminate()
        try: proc.wait(20)
        except subprocess.TimeoutExpired: proc.kill(); proc.wait()
    assert proc.returncode is not None


def test_jupyterlab_renders_the_corpus_notebook(browser, jupyterlab):
    from selenium.webdriver.common.by import By
    browser.get(jupyterlab + '/lab/tree/00_corpus.ipynb')
    h1 = _wait(lambda: [e for e in browser.find_elements(By.CSS_SELECTOR, '.jp-RenderedMarkdown h1') if e.text.strip().startswith('Corpus')],
               120, 'the notebook heading rendered by JupyterLab')
    assert h1
    # JupyterLab renders only the cells in view (windowing): the top of the notebook is enough.
    code = _wait(lambda: [c for c in browser.find_elements(By.CSS_SELECTOR, '.jp-NotebookPanel .jp-CodeCell .cm-content')
                          if 'corpus_dir =' in c.text], 30, 'the parameters cell')
    assert code
    if os.environ.get('NEWSSTUDY_SCREENSHOTS'): browser.save_screenshot(os.path.join(os.environ['NEWSSTUDY_SCREENSHOTS'], 'jupyterlab.png'))


def test_comparison_report_highlights_counterparts_on_click(browser, seed_run):
    "The side-by-side report works offline from a file: clicking a sentence highlights its counterparts and shows diffs."
    from selenium.webdriver.common.by import By
    report = seed_run[0]/'report'/'story-01.html'
    browser.get_log('browser')  # drop messages of pages loaded earlier by this browser
    browser.get(report.as_uri())
    assert browser.execute_script("return performance.getEntriesByType('resource').length") == 0  # loads nothing: works offline
    data = browser.execute_script("return JSON.parse(document.getElementById('data').textContent).links")
    sid, links = max(data.items(), key=lambda kv: len(kv[1]))  # a sentence with counterparts in two versions
    assert len(links) >= 2
    browser.find_element(By.ID, sid).click()
    lit = _wait(lambda: browser.execute_script("return [...document.querySelectorAll('.s.hl')].map(e => e.id)"), what='highlighted counterparts')
    assert sorted(lit) == sorted(l[0] for l in links)
    assert 'sel' in browser.find_element(By.ID, sid).get_attribute('class')
    panel = browser.find_element(By.ID, 'panel')
    assert 'counterpart' in panel.text and panel.find_elements(By.CSS_SELECTOR, 'ins, del')
    other = next(k for k in data if k != sid and k not in lit)  # clicking elsewhere moves the highlight
    browser.find_element(By.ID, other).click()
    assert sorted(browser.execute_script("return [...document.querySelectorAll('.s.hl')].map(e => e.id)")) == sorted(l[0] for l in data[other])
    # errors from the report's own script name its file (the log may still hold late messages of earlier pages)
    assert not [e for e in browser.get_log('browser') if e['level'] == 'SEVERE' and report.name in e['message']]
