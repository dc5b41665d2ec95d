"""What a person sees: the built site in headless Chromium, and a notebook rendered by JupyterLab."""
import os, shutil, subprocess, time, urllib.request
from pathlib import Path

import pytest

from conftest import BIN, ROOT, free_port as _free_port, serve, wait as _wait


@pytest.fixture()
def served_site(site):
    with serve(site) as base: yield base


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
    (tmp_path/'data').symlink_to(ROOT/'data')  # the notebooks' default '../data' (only read); '../results' stays in tmp_path
    port = _free_port()
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(tmp_path/'cfg'), JUPYTER_RUNTIME_DIR=str(tmp_path/'rt'),
               JUPYTERLAB_WORKSPACES_DIR=str(tmp_path/'ws'), JUPYTER_DATA_DIR=str(tmp_path/'jupyter-data'))
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


def _menu(browser, top, item):
    "Click a JupyterLab menu bar entry, then an item of its menu."
    from selenium.webdriver.common.by import By
    labels = lambda css, text: [e for e in browser.find_elements(By.CSS_SELECTOR, css) if e.text.strip() == text and e.is_displayed()]
    _wait(lambda: labels('.lm-MenuBar-itemLabel', top), 30, f'menu {top}')[0].click()
    _wait(lambda: labels('.lm-Menu-itemLabel', item), 30, f'menu item {item}')[0].click()


def _execution_status(browser):
    "'busy' while cells of the notebook are scheduled or running, 'idle' after (the toolbar's execution indicator)."
    return browser.execute_script("return document.querySelector('.jp-NotebookPanel-toolbar .jp-Notebook-ExecutionIndicator')?.dataset.status")


def test_jupyterlab_runs_the_corpus_notebook_without_errors(browser, jupyterlab, tmp_path):
    "Run > Run All Cells in JupyterLab, then File > Save: every code cell ran, none failed, and the stage wrote its results."
    import nbformat
    from selenium.webdriver.common.by import By
    path = tmp_path/'nbs'/'00_corpus.ipynb'
    browser.get(jupyterlab + '/lab/tree/00_corpus.ipynb')
    _wait(lambda: _execution_status(browser) == 'idle', 120, 'the kernel to start')
    t0 = time.time()
    _menu(browser, 'Run', 'Run All Cells')
    _wait(lambda: _execution_status(browser) == 'busy', 60, 'the cells to be scheduled')
    _wait(lambda: _execution_status(browser) == 'idle', 600, 'the cells to finish')
    ran = time.time() - t0
    mtime = path.stat().st_mtime_ns
    _menu(browser, 'File', 'Save Notebook')
    _wait(lambda: path.stat().st_mtime_ns > mtime and not browser.find_elements(By.CSS_SELECTOR, '.lm-TabBar-tab.jp-mod-dirty'), 60, 'the save')
    print(f'ran all cells in {ran:.0f} s')
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == 'code']
    errors = [o for c in code for o in c.outputs if o.output_type == 'error']
    assert not errors, '\n'.join(f"{e.ename}: {e.evalue}" for e in errors)
    assert [c.execution_count for c in code] == list(range(1, len(code) + 1))
    assert sum(bool(c.outputs) for c in code) >= 10  # a saved, executed notebook, not the unexecuted source
    assert (tmp_path/'results'/'seeds'/'figures'/'document_composition.png').stat().st_size > 0
    # JupyterLab's default windowing ('contentVisibility') keeps every cell in the DOM; tracebacks are error outputs, not stderr streams
    tracebacks = browser.execute_script("""return [...document.querySelectorAll('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')]
        .map(e => e.textContent).filter(t => t.includes('Traceback'))""")
    assert not tracebacks, tracebacks[0]
    if os.environ.get('NEWSSTUDY_SCREENSHOTS'):
        browser.execute_script("[...document.querySelectorAll('.jp-NotebookPanel .jp-CodeCell')].at(-1).scrollIntoView({block: 'end'})")
        time.sleep(2)
        browser.save_screenshot(os.path.join(os.environ['NEWSSTUDY_SCREENSHOTS'], 'jupyterlab-run-all.png'))


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
