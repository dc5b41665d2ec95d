"""The documentation site: every notebook has a page, every internal link and image resolves."""
import base64, html, re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

from conftest import ROOT, newsstudy

PAGES = {'index.ipynb': 'index.html', 'cite.ipynb': 'cite.html'}
SMART = str.maketrans({'‘': "'", '’': "'", '“': '"', '”': '"'})


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


def test_readme_is_the_findings_notebook_executed_on_the_seeds(seed_run):
    import difflib
    from newsstudy.run import readme_text
    want = readme_text(seed_run[0]/'notebooks'/'index.ipynb')
    have = (ROOT/'README.md').read_text(encoding='utf-8')
    diff = ''.join(difflib.unified_diff(have.splitlines(True), want.splitlines(True), 'README.md', 'from index.ipynb', n=1))
    assert have == want, f'README.md is not current: run `make readme`\n{diff[:3000]}'
    assert newsstudy('readme', '--results', seed_run[0], '--check').returncode == 0


def test_stage_pages_list_their_parameters_from_the_parameters_cell(site):
    import papermill as pm
    from newsstudy.run import stage_notebooks
    for nb in stage_notebooks(ROOT/'nbs'):
        page = (site/page_of(nb)).read_text(encoding='utf-8')
        params = pm.inspect_notebook(str(nb))
        assert params and '<strong>Parameters</strong>' in page, nb.name
        for name, p in params.items():
            row = re.search(rf'<td><code>{name}</code></td>\s*<td><code>[^<]*</code></td>\s*<td>(.*?)</td>', page, re.S)
            assert row, (nb.name, name)
            shown = html.unescape(re.sub(r'<[^>]+>', '', row.group(1))).translate(SMART)  # the renderer curls quotes
            assert shown == p['help'].replace('`', ''), (nb.name, name)


def test_site_has_findings_rerun_guide_and_citation(site, seed_run):
    from newsstudy.run import docs_url, stage_params, stage_notebooks
    findings = (site/'report'/'index.html').read_text(encoding='utf-8')
    assert 'Key findings' in findings and 'href="../corpus.html"' in findings, 'links stay on the site'
    assert {p.name for p in (seed_run[0]/'report').glob('*.html')} == {p.name for p in (site/'report').glob('*.html')}
    rerun = (site/'rerun.html').read_text(encoding='utf-8')
    for name in stage_params(stage_notebooks(ROOT/'nbs')): assert f'<code>{name}</code>' in rerun, name
    nav = (site/'index.html').read_text(encoding='utf-8')
    for label in ('Findings', 'Rerun on your corpus', 'How to cite'): assert f'>{label}<' in nav, label
    cite = (site/'cite.html').read_text(encoding='utf-8')
    import newsstudy as pkg
    assert pkg.__version__ in cite and docs_url() in cite


def test_citation_and_readme_point_at_the_documentation_url():
    import tomllib, yaml
    from newsstudy.run import docs_url
    url = tomllib.loads((ROOT/'pyproject.toml').read_text())['project']['urls']['Documentation']
    assert docs_url() == url.rstrip('/') + '/'
    assert yaml.safe_load((ROOT/'CITATION.cff').read_text())['url'].rstrip('/') == url.rstrip('/')
    assert url.rstrip('/') in (ROOT/'README.md').read_text()


def test_site_fetches_nothing_from_other_hosts(site):
    "No stylesheet, script, font or image of any page or stylesheet comes from another host."
    for p in [*site.rglob('*.html'), *site.rglob('*.css')]:
        text = p.read_text(encoding='utf-8', errors='replace')
        css = text if p.suffix == '.css' else ' '.join(re.findall(r'<style\b[^>]*>(.*?)</style>', text, re.S))  # not code shown on a page
        assert not re.search(r'@import\s+url\(\s*["\']?(https?:)?//', css), p
        assert not re.search(r'<(script|img|iframe|source)\b[^>]*\bsrc="(https?:)?//', text), p
        assert not re.search(r'<link\b[^>]*\bhref="(https?:)?//', text), p
