"""The documentation site: every notebook has a page, every internal link and image resolves."""
import base64, re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

from conftest import ROOT, newsstudy

PAGES = {'index.ipynb': 'index.html', 'cite.ipynb': 'cite.html'}


def page_of(nb: Path) -> str:
    from newsstudy.run import page_name
    return Path(page_name(nb.name)).with_suffix('.html').name


class Refs(HTMLParser):
    def __init__(self):
        super().__init__(); self.refs = []
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for k in ('href', 'src'):
            if a.get(k) is not None: self.refs.append((tag, a[k]))


def test_each_notebook_has_a_page_and_config_files_do_not(site):
    for nb in (ROOT/'nbs').glob('*.ipynb'): assert (site/page_of(nb)).exists(), nb.name
    assert not list(site.glob('*.yml')) and not (site/'nbdev.html').exists() and not (site/'sidebar.html').exists()
    nav = (site/'index.html').read_text()
    assert 'nbdev.yml' not in nav and 'sidebar.yml' not in nav


def _check_ref(page: Path, ref: str, site: Path):
    u = urlparse(ref)
    if u.scheme in ('http', 'https', 'mailto', 'javascript') or ref.startswith('#') or ref == '': return
    if u.scheme == 'data':
        head, _, data = ref.partition(',')
        if ';base64' in head: assert len(base64.b64decode(data)) > 100, f'{page.name}: empty inline image'
        return
    target = (page.parent/unquote(u.path)).resolve() if not u.path.startswith('/') else (site/unquote(u.path).lstrip('/')).resolve()
    if target.is_dir(): target = target/'index.html'
    assert target.exists(), f'{page.name}: broken link {ref}'


def test_internal_links_and_images_resolve(site):
    pages = list(site.rglob('*.html'))
    assert len(pages) >= 4
    for page in pages:
        p = Refs(); p.feed(page.read_text(encoding='utf-8'))
        for _, ref in p.refs: _check_ref(page, ref, site)


def test_pages_show_api_examples_and_figures(site):
    corpus = (site/'corpus.html').read_text()
    assert 'verify_manifest' in corpus and 'source' in corpus, 'show_doc API entries'
    assert re.search(r'<img[^>]+src="data:image/png;base64,', corpus), 'the executed figure is on the page'
    cite = (site/'cite.html').read_text()
    assert '@software{' in cite and 'cff-version' in cite
