"""The documentation site as a reader sees it, in headless Chromium: the index, a stage page and the findings page.

Each page is screenshotted (full page) into `_build/screenshots/` (or `$NEWSSTUDY_SCREENSHOTS`), and fails the test on a
broken image, a broken internal link, a request to another host (the site must work offline) or a console error."""
import os, shutil, time, urllib.error, urllib.request
from pathlib import Path
from urllib.parse import urldefrag

import pytest

from conftest import ROOT, serve, wait

PAGES = {'index': 'index.html', 'stage': 'compare.html', 'findings': 'report/index.html'}


def _status(url):
    try:
        with urllib.request.urlopen(urllib.request.Request(url, method='HEAD'), timeout=10) as r: return r.status
    except urllib.error.HTTPError as e: return e.code


def page_problems(browser, base, path) -> list[str]:
    "Open `base/path`; list its broken images, broken internal links, requests to other hosts and console errors."
    browser.get_log('browser')  # drop messages of earlier pages
    browser.get(f'{base}/{path}')
    wait(lambda: browser.execute_script('return document.readyState') == 'complete', what=f'{path} to load')
    time.sleep(1)  # late console messages and lazy images
    js = browser.execute_script
    problems = [f'broken image {s[:80]}' for s in js(
        "return [...document.images].filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src)")]
    problems += [f'request to another host {r}' for r in js("return performance.getEntriesByType('resource').map(e => e.name)")
                 if not r.startswith(base)]
    for link in sorted({urldefrag(h)[0] for h in js("return [...document.querySelectorAll('a[href]')].map(a => a.href)")}):
        if link.startswith(base) and _status(link) != 200: problems.append(f'broken link {link}')
    problems += [f"console {e['level']}: {e['message'][:200]}" for e in browser.get_log('browser') if e['level'] == 'SEVERE']
    return problems


def screenshot(browser, name) -> Path:
    "Save a full-page screenshot (height capped at 8,000 px)."
    folder = Path(os.environ.get('NEWSSTUDY_SCREENSHOTS') or ROOT/'_build'/'screenshots')
    folder.mkdir(parents=True, exist_ok=True)
    size = browser.get_window_size()
    h = browser.execute_script('return document.documentElement.scrollHeight')
    browser.set_window_size(size['width'], min(max(h, 600), 8000))
    try: browser.save_screenshot(str(folder/f'{name}.png'))
    finally: browser.set_window_size(size['width'], size['height'])
    return folder/f'{name}.png'


@pytest.mark.parametrize('name', PAGES)
def test_page_has_no_broken_images_links_requests_or_console_errors(browser, site, name):
    with serve(site) as base:
        assert page_problems(browser, base, PAGES[name]) == []
        shot = screenshot(browser, f'site-{name}')
    assert shot.stat().st_size > 20_000, 'a screenshot of a rendered page, not a blank one'


def test_pages_show_the_findings_parameters_and_reports(browser, site):
    from selenium.webdriver.common.by import By
    with serve(site) as base:
        browser.get(f'{base}/index.html')
        heads = [h.text.strip() for h in browser.find_elements(By.CSS_SELECTOR, 'h2')]
        assert 'Key findings' in heads and 'The corpus' in heads
        assert browser.execute_script("return [...document.images].filter(i => i.naturalWidth > 300).length") >= 3, 'figures shown'
        browser.get(f'{base}/compare.html')
        cells = [td.text for td in browser.find_elements(By.CSS_SELECTOR, 'table td')]
        assert 'min_score' in cells and 'reference' in cells, 'the stage page lists its parameters'
        browser.get(f'{base}/report/index.html')
        report = next(a for a in browser.find_elements(By.CSS_SELECTOR, 'a[href$=".html"]')
                      if a.get_attribute('href').startswith(f'{base}/report/') and a.get_attribute('href').rsplit('/', 1)[1]
                      not in ('index.html', 'framing.html'))
        target = report.get_attribute('href')
        report.click()
        wait(lambda: browser.current_url == target, what='the side-by-side report')
        assert browser.find_elements(By.CSS_SELECTOR, '.s'), 'the report shows the versions sentence by sentence'


def test_the_checks_catch_a_broken_page(browser, site, tmp_path):
    broken = shutil.copytree(site, tmp_path/'site')
    page = broken/'index.html'
    page.write_text(page.read_text().replace('</body>', '<img src="no-such-figure.png"><a href="no-such-page.html">x</a>'
                                             '<script>no_such_function()</script></body>'))
    with serve(broken) as base:
        found = page_problems(browser, base, 'index.html')
    assert any(p.startswith('broken image') for p in found) and any(p.startswith('broken link') for p in found)
    assert any(p.startswith('console') and 'no_such_function' in p for p in found)
