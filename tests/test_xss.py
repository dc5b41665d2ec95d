"""Stored XSS (issue 11): a corpus whose titles, sources, authors, urls, ids, story keys, quotes, speakers, names and
file names are script payloads is run once; every page of OUT/report is opened in headless Chromium, everything
clickable is clicked, and no payload may run or appear unescaped in the page.

Every payload sets a marker when it runs (`window.__x`, `document.title += 'PWNED'`, an alert), so a payload that ran
is seen after the page loaded and after each click. File names are legal on Linux (no '/'), so no file name can
close a `<script>` element: they use tags that run on their own (`<img onerror>`, `<svg onload>`, `<details ontoggle>`)
or break out of an attribute or a code span (quotes, back-ticks)."""
import json, re, time
from pathlib import Path

import pytest

from conftest import newsstudy, serve, table, wait

STORY = ["The city council approved the new harbour budget on Monday after a long debate.",
         "Fishermen had asked for new quotas and for repairs to the old pier before the winter storms.",
         "The mayor said the vote was a victory for the whole town and thanked the engineers.",
         "Work on the pier starts in March and should be finished by the end of the summer.",
         "Opponents said the plan was too expensive and promised to appeal the decision in court."]

FILE_PAYLOADS = ['<img src=x onerror=window.__x=1>.txt',              # runs as soon as it is parsed as HTML
                 'tick`<svg onload=window.__x=2>`and`more.txt',      # back-ticks: break out of a Markdown code span
                 'q" onmouseover="window.__x=3" x=".txt']             # a quote: break out of an attribute
TITLE = "<script>document.title+='PWNED'</script>"
JSON_RECORDS = [dict(id='<b onmouseover=window.__x=4>id</b>', title=TITLE, source='<img src=x onerror=window.__x=5>',
                     author='<svg onload=window.__x=6>', url='javascript:window.__x=7', date='2022-09-12',
                     story_key="<script>window.__x=8</script>",
                     text=' '.join(STORY) + ' "<img src=x onerror=window.__x=9> is a disgrace," said Johnny <script>window.__x=10'
                     '</script> Payload, a spokesman. John <details open ontoggle=window.__x=11>Smith met officials of Acme'
                     ' <svg onload=window.__x=12> Corp in Paris.'),
                dict(id='second', title='[click](javascript:window.__x=13) `<img src=x onerror=window.__x=14>`',
                     source='Wire | <script>alert(15)</script>', author='A `b` c', url='https://example.org/<x>',
                     story_key="<script>window.__x=8</script>",
                     text=' '.join(STORY[:4]) + ' "<script>window.__x=16</script> we will appeal," said Anna <img src=x '
                     'onerror=alert(17)> Berg, the chair of the opposition, on Tuesday. $5 and $6 are *not* math.')]
JSONL_RECORDS = [dict(title='<iframe srcdoc="<script>parent.__x=18</script>">', source='<a href=javascript:window.__x=19>s</a>',
                      text=' '.join(STORY[1:]) + ' The council <img src=x onerror=window.__x=20> met again.')]

# raw markup that must never reach a page as markup (each occurs escaped: as text, or inside the JSON data block)
RAW = ['<img src=x', '<svg onload', '<script>window', '<script>document', '<details open', '<iframe', '<b onmouseover',
       '<a href=javascript', '<script>alert']
# ... and the quote of a file name must not end an attribute value inside a tag (in text, a quote is just a quote)
IN_TAG = re.compile(r'<[^<>]*" onmouseover="')


def write_corpus(folder: Path) -> Path:
    "The payload corpus: three versions of one story as text files named with payloads, JSON(L) with payload fields."
    folder.mkdir()
    for i, name in enumerate(FILE_PAYLOADS):  # versions of one story, each slightly edited
        lines = STORY[:4 - (i == 2)] + [f'"<script>window.__x=2{i}</script> is what {name} said," said Bob <img src=x '
                                        f'onerror=window.__x=3{i}> Ross.', STORY[4]]
        (folder/name).write_text('\n\n'.join(lines) + '\n', encoding='utf-8')
    (folder/'wire.json').write_text(json.dumps(JSON_RECORDS), encoding='utf-8')
    (folder/'feed.jsonl').write_text(''.join(json.dumps(r) + '\n' for r in JSONL_RECORDS), encoding='utf-8')
    (folder/'empty<img src=x onerror=window.__x=40>.txt').write_text('')  # a problems row: its name is shown
    (folder/'bad`<svg onload=window.__x=41>`.json').write_text('{not json')  # a problems row with back-ticks
    return folder


@pytest.fixture(scope='module')
def payload_run(tmp_path_factory):
    "One `newsstudy run` on the payload corpus (~1-2 min)."
    tmp = tmp_path_factory.mktemp('xss')
    corpus = write_corpus(tmp/'corpus')
    r = newsstudy('run', '--corpus', corpus, '--out', tmp/'out')
    assert r.returncode == 0, r.stderr[-3000:]
    return tmp/'out'


def test_the_payloads_reach_the_reports(payload_run):
    "The corpus exercises the HTML paths: the payload documents are read, compared in a story and framed."
    import pandas as pd
    docs = table(payload_run, 'documents')
    assert {Path(n).stem for n in FILE_PAYLOADS} <= set(docs.doc_id) and TITLE in set(docs.title)
    pages = {p.name for p in (payload_run/'report').glob('*.html')}
    assert {'index.html', 'framing.html'} <= pages and len(pages) >= 4, pages  # two story reports at least
    stories = table(payload_run, 'stories')
    assert stories.groupby('story_id').size().max() >= 3
    assert len(table(payload_run, 'problems')) == 2


@pytest.mark.parametrize('raw', RAW)
def test_no_payload_appears_unescaped_in_the_html(payload_run, raw):
    for page in sorted((payload_run/'report').glob('*.html')):
        text = page.read_text(encoding='utf-8')
        assert raw not in text, f'{page.name}: {raw!r} unescaped at ...{text[max(0, text.find(raw) - 120):text.find(raw) + 80]!r}'


def test_no_quote_breaks_out_of_an_attribute(payload_run):
    for page in sorted((payload_run/'report').glob('*.html')):
        m = IN_TAG.search(page.read_text(encoding='utf-8'))
        assert not m, f'{page.name}: {m.group(0)[-120:]!r}'


def _ran(browser) -> list[str]:
    "Markers set by payloads that ran (an open alert counts, and is dismissed)."
    from selenium.common.exceptions import NoAlertPresentException
    try:
        a = browser.switch_to.alert; text = a.text; a.dismiss()
        return [f'alert({text})']
    except NoAlertPresentException: pass
    got = browser.execute_script("""return [window.__x === undefined ? null : 'window.__x=' + window.__x,
        document.title.includes('PWNED') ? 'title: ' + document.title : null].filter(x => x)""")
    return got


def _injected(browser) -> list[str]:
    "Elements and attributes no report writes itself but a payload would: event handlers, javascript: links, frames."
    return browser.execute_script("""const bad = [];
        for (const e of document.querySelectorAll('*')) {
          for (const a of e.attributes) if (a.name.startsWith('on') || /^\\s*javascript:/i.test(a.value)) bad.push(e.tagName + ' ' + a.name);
          if (['IFRAME', 'SVG', 'OBJECT', 'EMBED'].includes(e.tagName.toUpperCase())) bad.push(e.tagName);
          if (e.tagName === 'IMG' && !e.src.startsWith('data:') && !e.src.startsWith(location.origin)) bad.push('img ' + e.src);
        }
        return bad;""")


def _pages(payload_run):
    return sorted(p.name for p in (payload_run/'report').glob('*.html'))


def test_no_payload_runs_in_chromium_even_after_clicking_everything(browser, payload_run):
    from selenium.webdriver.common.by import By
    from selenium.common.exceptions import UnexpectedAlertPresentException
    ran, clicked = {}, 0
    with serve(payload_run) as base:
        for name in _pages(payload_run):
            try:
                browser.get(f'{base}/report/{name}')
                wait(lambda: browser.execute_script('return document.readyState') == 'complete', what=f'{name} to load')
                time.sleep(0.5)
                found = _ran(browser) + _injected(browser)
                scripts = browser.execute_script("return [...document.scripts].map(s => s.type || 'js')")
                assert scripts.count('js') <= 1, f'{name}: scripts {scripts}'  # only the story report's own code
                targets = browser.find_elements(By.CSS_SELECTOR, '.s, .miss li, summary, mark, code')
                for e in targets:
                    try:
                        browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", e)
                        e.click(); clicked += 1
                    except UnexpectedAlertPresentException as x: found.append(f'alert during click: {x.alert_text}')
                    except Exception: continue  # hidden (in a closed <details>) or covered: clicked via the summary
                    found += _ran(browser)
                found += _injected(browser)  # the panel filled by clicks
            except UnexpectedAlertPresentException as x: found = [f'alert: {x.alert_text}']
            if found: ran[name] = sorted(set(found))
    assert not ran, ran
    assert clicked >= 20, 'the story reports were clicked through'


def test_story_report_panel_shows_payload_ids_as_text(browser, payload_run):
    "Clicking a sentence of a payload-named version shows its name as text in the panel, not as markup."
    from selenium.webdriver.common.by import By
    import pandas as pd
    stories = table(payload_run, 'stories')
    report = stories.story_id[stories.doc_id == Path(FILE_PAYLOADS[0]).stem].iloc[0] + '.html'
    with serve(payload_run) as base:
        browser.get(f'{base}/report/{report}')
        sent = next(e for e in browser.find_elements(By.CSS_SELECTOR, '.s') if e.get_attribute('data-doc') == Path(FILE_PAYLOADS[0]).stem)
        browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", sent)
        sent.click()
        panel = browser.find_element(By.ID, 'panel')
        assert Path(FILE_PAYLOADS[0]).stem in panel.text and not panel.find_elements(By.CSS_SELECTOR, 'img, svg, script')
        assert _ran(browser) == []


def test_findings_page_shows_payloads_as_text(browser, payload_run):
    "The findings page shows titles and file names literally (back-ticks included) and its <title> is plain."
    from selenium.webdriver.common.by import By
    with serve(payload_run) as base:
        browser.get(f'{base}/report/index.html')
        body = browser.find_element(By.TAG_NAME, 'body').text
        assert TITLE in body and 'tick`<svg onload=window.__x=2>`and`more' in body and 'empty<img src=x onerror=window.__x=40>.txt' in body
        assert not re.search(r'<[a-z]', browser.title) and _ran(browser) == []


def test_markdown_of_the_findings_shows_values_as_text():
    "md_table cells and md_code values come out of nbconvert's Markdown converter as the literal text, no element."
    import html
    import pandas as pd
    from nbconvert.filters import markdown2html_mistune
    from newsstudy.compare import md_code
    from newsstudy.run import md_table
    evil = ['<script>alert(1)</script>', 'a`b<img src=x onerror=alert(2)>`c', '[x](javascript:alert(3))', 'a | b *c* \\', '$5 or $6']
    page = markdown2html_mistune(md_table(pd.DataFrame(dict(value=evil))) + '\n\n' + ' '.join(map(md_code, evil)))
    assert '<script' not in page and '<img' not in page and '<a ' not in page and '<em>' not in page
    text = html.unescape(re.sub(r'<[^>]+>', '', page))
    assert all(text.count(e) == 2 for e in evil), text
