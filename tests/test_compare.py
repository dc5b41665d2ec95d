"""Cross-source comparison: each drift kind and the derivation rule on small constructed stories, the seed run's
outputs, the report's escaping, bad input through the command."""
import json, re, shutil, warnings

import pandas as pd
import pytest

from conftest import SEEDS, newsstudy
from newsstudy import compare as C
from newsstudy.common import has_table, read_table

S = ['The council approved the harbour budget on Monday.', 'Fishermen had asked for new quotas.',
     'The old pier will be repaired before winter.', 'Opponents, led by councillor Anna Berg, will appeal the decision.',
     'The mayor called it a good day for the town.', 'Work starts in March.']


def tables(versions: dict, numbers=(), quotes=(), attributions=(), dates=None) -> dict:
    "Corpus tables for constructed versions {doc_id: [sentences]} (a sentence ending in '|' is spliced)."
    rows = [dict(doc_id=d, sent_id=i, text=t.rstrip('|'), is_heading=False, spliced=t.endswith('|'),
                 splice_evidence='constructed' if t.endswith('|') else None) for d, ss in versions.items() for i, t in enumerate(ss)]
    docs = pd.DataFrame(dict(doc_id=list(versions), path=[f'{d}.txt' for d in versions], story_key='s',
                             date=[(dates or {}).get(d) for d in versions]))
    frame = lambda rows, cols: pd.DataFrame(list(rows), columns=['doc_id', 'sent_id'] + cols)
    return dict(documents=docs, sentences=pd.DataFrame(rows),
                numbers=frame(numbers, ['text', 'kind', 'value', 'unit', 'approx', 'date']),
                quotes=frame(quotes, ['quote', 'speaker', 'kind']),
                attributions=frame(attributions, ['attributed_to']), entities=frame((), []))


def compared(versions, **kw) -> dict:
    out, _ = C.compare_story('s', tables(versions, **kw), list(versions))
    return out


def kinds(out, kind) -> pd.DataFrame:
    return out['drift'][out['drift'].kind == kind]


def test_name_drift_spelling_but_not_short_form():
    out = compared({'a': ['Putin aide Yuri Ushakov said the meeting would be important.', 'Xi Jinping will travel on Wednesday.'],
                    'b': ['Putin aide Yuri Usakov said the meeting would be important.', 'Xi will travel on Wednesday.']})
    d = kinds(out, 'name')
    assert d[['item_a', 'item_b']].values.tolist() == [['Ushakov', 'Usakov']], d


def test_term_drift_needs_a_consistent_replacement():
    once = compared({'a': ['Both sides declared a "no limits" partnership last year.', 'The weather was fine.'],
                     'b': ['Both sides declared a "borderless" partnership last year.', 'The weather was fine.']})
    assert kinds(once, 'term').empty  # one rewording is not a consistent replacement
    twice = compared({'a': ['Both sides declared a "no limits" partnership last year.', 'The deepening "no limits" partnership worries the West.'],
                      'b': ['Both sides declared a "borderless" partnership last year.', 'The deepening "borderless" partnership worries the West.']})
    d = kinds(twice, 'term')
    assert set(zip(d.item_a, d.item_b)) == {('no limits', 'borderless')} and len(d) == 2, d


def test_number_drift_qualifier_and_value_but_not_written_form():
    v = {'a': ['Trade grew by almost a third in the first seven months.', 'He has met him 38 times.'],
         'b': ['Trade grew by over a third in the first 7 months.', 'He has met him 39 times.']}
    nums = [('a', 0, 'almost a third', 'fraction', 1 / 3, None, 'almost', None), ('a', 0, 'seven months', 'number', 7, 'months', 'exact', None),
            ('b', 0, 'over a third', 'fraction', 1 / 3, None, 'over', None), ('b', 0, '7 months', 'number', 7, 'months', 'exact', None),
            ('a', 1, '38 times', 'number', 38, 'times', 'exact', None), ('b', 1, '39 times', 'number', 39, 'times', 'exact', None)]
    d = kinds(compared(v, numbers=nums), 'number')
    assert sorted(zip(d.item_a, d.item_b)) == [('38 times', '39 times'), ('almost a third', 'over a third')], d
    assert d.evidence.str.contains('qualifier almost → over').any()


def test_quote_drift_dropped_reworded_speaker():
    q1 = '"We will appeal this decision at once," said councillor Anna Berg.'
    q2 = '"The budget is a victory for the whole town and its harbour," said mayor Tom Holt.'
    v = {'a': [q1, q2, 'Work starts in March.'],
         'b': ['"We shall appeal at once," said councillor Anna Burg.', 'Work starts in March.']}
    quotes = [('a', 0, 'We will appeal this decision at once,', 'Anna Berg', 'direct'),
              ('a', 1, 'The budget is a victory for the whole town and its harbour,', 'Tom Holt', 'direct'),
              ('b', 0, 'We shall appeal at once,', 'Anna Burg', 'direct')]
    d = kinds(compared(v, quotes=quotes), 'quote')
    ev = ' | '.join(d.evidence)
    assert 'quote of Tom Holt dropped' in ev and 'reworded' in ev and 'shortened' in ev and 'speaker Anna Berg → Anna Burg' in ev, ev


def test_attribution_drift_added_removed_changed():
    v = {'a': ['Trade with China grew by a third, according to the customs office.', 'The pipeline will carry gas to China, officials said.',
               'The group was founded in 1996.'],
         'b': ['Trade with China grew by a third, according to The Sun.', 'The pipeline will carry gas to China.',
               'The group was founded in 1996, Live Mint reported.']}
    att = [('a', 0, 'customs office'), ('b', 0, 'The Sun'), ('a', 1, 'officials'), ('b', 2, 'Live Mint')]
    d = kinds(compared(v, attributions=att), 'attribution')
    ev = ' | '.join(d.evidence)
    assert 'attributed to The Sun instead of customs office' in ev and 'attribution to officials removed' in ev \
        and 'attribution to Live Mint added' in ev, ev


def test_derivation_original_and_copies():
    cut = S[:2] + ['The old pier will be|', 'repaired in spring.'] + S[4:]
    out = compared({'orig': S, 'copy': list(S), 'cut': cut})
    d = out['derivation']
    assert C.LOST not in set(d.parent)
    assert d.set_index('child').parent.to_dict().get('cut') in ('orig', 'copy'), d
    assert 'cut' not in set(d.parent)  # the cut copy lacks what the others hold: it is nobody's parent


def test_derivation_lost_original_when_each_version_has_its_own_faults():
    A = S[:3] + ['Opponents, led by|', 'will appeal the decision.', 'The mayor called it|', 'for the town.', 'Work starts in March.',
                 'Anna Berg said the vote was rushed.', 'Berg has opposed the plan since May.']
    B = [s.replace('Berg', 'Burg') for s in S + ['Anna Berg said the vote was rushed.', 'Berg has opposed the plan since May.']]
    Cv = S[:1] + S[3:5] + ['Anna Berg said the vote was rushed.', 'Berg has opposed the plan since May.']
    out = compared({'A': A, 'B': B, 'C': Cv})
    d, ev = out['derivation'], out['derivation_evidence']
    assert (d.parent == C.LOST).all() and set(d.child) == {'A', 'B', 'C'}, d
    assert {'gap', 'reading', 'content'} <= set(ev.kind)


def test_derivation_date_orders_identical_versions():
    out, _ = C.compare_story('s', tables({'late': S, 'early': list(S)}, dates={'late': '2022-09-13', 'early': '2022-09-12'}), ['late', 'early'])
    assert out['derivation'][['parent', 'child', 'relation']].values.tolist() == [['early', 'late', 'copy']]


def test_report_escapes_article_text():
    evil = 'The mayor wrote <script>alert("x")</script> and <img src=x onerror=alert(1)> in the minutes.'
    v = {'a': S + [evil], 'b': S + [evil.replace('minutes', 'notes')]}
    t = tables(v)
    out, story = C.compare_story('s', t, ['a', 'b'])
    page = C.report_html(story, out)
    assert page.count('<script') == 2 and '<img' not in page  # our JSON data block and our code, nothing else
    assert '&lt;script&gt;alert' in page
    data = re.search(r'<script type="application/json" id="data">(.*?)</script>', page, re.S).group(1)
    assert json.loads(data)['links']  # the link data survives its escaping
    assert 'http://' not in page and 'https://' not in page  # self-contained: nothing fetched


def test_seed_run_writes_comparison_outputs(seed_run):
    out = seed_run[0]
    for name in C.COMPARE_TABLES: assert has_table(out, name), name
    stories = read_table(out, 'stories')
    assert stories.story_id.nunique() == 1 and len(stories) == 3
    for fig in ('coverage', 'drift_counts', 'derivation_story-01', 'alignment_story-01_1'):
        assert (out/'figures'/f'{fig}.png').stat().st_size > 1000, fig
    assert (out/'report'/'story-01.html').stat().st_size > 10000
    drift = read_table(out, 'drift')
    assert set(drift.kind) == set(C.DRIFT_KINDS)


def test_unknown_reference_is_a_clear_error(tmp_path):
    r = newsstudy('run', '--corpus', SEEDS, '--out', tmp_path/'out', '-p', 'reference', 'no-such-version')
    assert r.returncode == 2 and "reference 'no-such-version' names no document" in r.stderr, r.stderr[-2000:]
    assert not (tmp_path/'out').exists()


def test_reference_changes_coverage(tmp_path):
    out = tmp_path/'out'
    newsstudy('run', '--corpus', SEEDS, '--out', out, '-p', 'reference', '001_ade43d5ebca5c6ca', check=True)
    cov = read_table(out, 'coverage').set_index('doc_id')
    assert (cov.against == '001_ade43d5ebca5c6ca').all() and cov.loc['001_ade43d5ebca5c6ca', 'coverage'] == 1.0
    assert (cov.units == cov.loc['001_ade43d5ebca5c6ca', 'carried']).all()


FIRE_X = ['Fire crews fought a blaze at the Hallett paper mill in Dunmore on Tuesday night.',
          'About 40 workers were evacuated and nobody was hurt.', 'Chief Ruth Okafor said: "The building is a total loss."',
          'Police are investigating the cause.', 'The mill opened in 1921 and employs 300 people.']
FIRE_Y = ['A paper mill owned by Hallett burned down overnight in the town of Dunmore.',
          '"The building is a total loss," fire chief Ruth Okafor told reporters.', 'Some 40 staff got out safely, according to the company.',
          'The cause of the fire is not yet known.', 'Hallett, which has 300 employees at the site, did not comment.']


def test_independent_reports_get_no_links_drift_or_tree():
    out = compared({'x': FIRE_X, 'y': FIRE_Y})
    assert out['pairs'].reuse_level.tolist() == ['independent'], out['pairs'].T
    assert out['alignments'].empty and out['drift'].empty and out['derivation'].empty and out['cuts'].empty
    text = C.findings(dict(out, stories=pd.DataFrame(dict(doc_id=['x', 'y'], story_id='s'))), 's')
    assert 'independent reports' in text and 'no derivation tree' in text, text


def test_copy_beside_an_independent_report():
    cut = S[:2] + S[3:]
    out = compared({'orig': S, 'cut': cut, 'other': FIRE_X})
    p = out['pairs'].set_index(['doc_a', 'doc_b']).reuse_level
    assert p[('orig', 'cut')] == 'near copy' and p[('orig', 'other')] == p[('cut', 'other')] == 'independent', p
    d = out['derivation']
    assert d[['parent', 'child']].values.tolist() == [['orig', 'cut']], d  # no lost original, no edge to the independent report
    al = out['alignments']
    assert not ({'other'} & (set(al.doc_a) | set(al.doc_b)))


def test_merge_split_repeat_and_moved_clause_are_linked():
    a = ['The council approved the harbour budget on Monday after a long and angry debate.',
         'Fishermen had asked for new quotas.', 'They also wanted repairs to the old pier before the winter storms.',
         'Opponents, led by councillor Anna Berg, will appeal the decision in the regional court.',
         'Work on the new quay wall starts in March and should last two years.']
    b = ['The council approved the harbour budget on Monday.',
         'Fishermen had asked for new quotas and repairs to the old pier before the winter storms.',
         'Opponents, led by councillor Anna Berg, will appeal the decision in the regional court after a long and angry debate.',
         'Work on the new quay wall starts in March and should last two years.',
         'Work on the new quay wall starts in March and should last two years.']
    al = compared({'a': a, 'b': b})['alignments']
    rel = {(r.sent_a, r.sent_b): r.relation for r in al.itertuples()}
    assert {(1, 1), (2, 1)} <= set(rel) and 'partial' in (rel[(1, 1)], rel[(2, 1)]), rel  # a merge: two sentences in one
    assert rel[(4, 3)] == 'identical' and rel.get((4, 4)) == 'repeat', rel
    assert rel.get((0, 2)) == 'moved', rel  # "after a long and angry debate" moved into another sentence


def test_references_per_story_named_and_marked():
    v = {'r1': S, 'c1': S[:4], 'r2': FIRE_X, 'c2': FIRE_X[:3]}
    t = tables(v)
    t['documents'] = t['documents'].assign(story_key=['one', 'one', 'two', 'two'], is_reference=[False, False, True, False])
    res, _ = C.compare_corpus(t, reference='r1')
    cov = res['coverage'].set_index('doc_id')
    assert cov.against.to_dict() == {'r1': 'r1', 'c1': 'r1', 'r2': 'r2', 'c2': 'r2'}, cov
    assert cov.loc['c1', 'coverage'] == round(4 / 6, 4) and cov.loc['c2', 'coverage'] == 0.6


def _stage(out, n_workers: int) -> dict:
    "Run the comparison stage's tasks on the corpus tables in `out` with a local cluster of `n_workers`."
    from newsstudy.common import dask_client
    docs = read_table(out, 'documents')
    with dask_client('', n_workers) as client:
        stories = C.stage_stories(client, out, docs)
        reports, _ = C.stage_compare(client, out, stories, per_task=1)
    return {n: read_table(out, n) for n in C.COMPARE_TABLES}, reports


def test_stage_tables_same_for_any_number_of_workers(tmp_path):
    "Stories as Dask tasks: identical tables with 1 and 2 workers and in-process; a one-version story gets no task."
    from newsstudy.common import write_table
    t = tables({'a': S, 'b': S[:4] + ['Work starts in April.'], 'c': S[1:], 'solo': ['A lone report about a village fair.']})
    t['documents']['story_key'] = ['s', 's', 't', 'u']  # two stories of versions, one of a single version
    t['sentences'] = pd.concat([t['sentences'], t['sentences'][t['sentences'].doc_id == 'a'].assign(doc_id='c2')])
    t['documents'] = pd.concat([t['documents'], t['documents'].iloc[[2]].assign(doc_id='c2', path='c2.txt')], ignore_index=True)
    for name, df in t.items(): write_table(df, tmp_path, name)
    one, rep1 = _stage(tmp_path, 1)
    two, rep2 = _stage(tmp_path, 2)
    mem, _ = C.compare_corpus(t)
    for name in C.COMPARE_TABLES:
        if name == 'sentence_embeddings': continue
        pd.testing.assert_frame_equal(one[name], two[name], check_dtype=False, obj=name)
        pd.testing.assert_frame_equal(one[name].reset_index(drop=True), mem[name].reset_index(drop=True), check_dtype=False,
                                      check_index_type=False, obj=name)
    assert [p.name for p in rep1] == [p.name for p in rep2] == ['key-s.html', 'key-t.html']  # no page for the solo story
    assert 'key-u' in set(one['stories'].story_id) and 'key-u' not in set(one['coverage'].story_id)
    assert one['comparison_problems'].problem.str.contains('solo: the only version').any()
