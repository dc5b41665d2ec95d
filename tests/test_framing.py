"""Framing: each measure on constructed sentences, the seed run's outputs, the highlighted report's escaping."""
import json, warnings

import numpy as np
import pandas as pd
import pytest

from newsstudy import framing as F
from newsstudy.common import read_table, write_table, has_table
from newsstudy.common import embed


def units(texts, doc='t', title=None):
    "Framing units of one document: an optional title (sent_id -1) and body sentences."
    u = pd.DataFrame(dict(doc_id=doc, sent_id=range(len(texts)), text=texts, is_title=False))
    if title is None: return u
    t = pd.DataFrame(dict(doc_id=[doc], sent_id=[-1], text=[title], is_title=[True]))
    return pd.concat([t, u], ignore_index=True)


def test_titles_become_units_flagged_minus_one():
    docs = pd.DataFrame(dict(doc_id=['a', 'b'], title=['Despot hosts summit', '']))
    sents = pd.DataFrame(dict(doc_id=['a', 'a', 'b'], sent_id=[0, 1, 0], is_heading=[True, False, False],
                              text=['Despot hosts summit', 'Leaders met.', 'Rain fell.']))
    u = F.framing_units(docs, sents)
    assert u[['doc_id', 'sent_id', 'is_title']].values.tolist() == [['a', -1, True], ['a', 1, False], ['b', 0, False]]


def test_loaded_terms_one_row_per_position_with_explanations():
    lang = F.language_tables(units(['The tyrant wreaked havoc, a brutal and evil act.', 'Rain fell on Monday.'],
                                   title='Tyrant strikes again'))
    lt, bias = lang['loaded_terms'], lang['bias']
    assert lt.columns.tolist() == F.LOADED_COLUMNS and bias.columns.tolist() == F.BIAS_COLUMNS
    assert not lt.duplicated(['doc_id', 'sent_id', 'start']).any()
    assert set(lt.lexicon) <= {'model', 'list'} and (lt.category == lt.technique).all()
    assert set(lt.technique) <= {'loaded_language', 'name_calling'}
    assert bias.sent_id.tolist() == [-1, 0, 1] and bias.is_title.tolist() == [True, False, False]
    assert (lt.sent_id == 0).any() and not (lt.sent_id == 1).any()
    assert lt[lt.term.str.lower() == 'evil'].in_list.all()
    assert F.explain('Rain') == dict(nrc_emotions='', in_list=False)


def test_curated_list_cites_sources_and_holds_nothing_from_the_seeds():
    cur = pd.read_csv(F.lexicon_dir()/'loaded_language.csv')
    assert cur.source.fillna('').str.len().gt(20).all()
    seeds = ' '.join(p.read_text() for p in (F.lexicon_dir().parent/'raw'/'seeds').glob('*.txt'))
    assert not F.cue_regex(cur.term).search(seeds), F.cue_regex(cur.term).search(seeds)
    roles = pd.read_csv(F.lexicon_dir()/'source_roles.csv')
    assert roles.source.str.len().gt(20).all() and set(roles.kind) == {'official', 'expert'}


def test_frames_from_the_frame_set_with_no_frame_share():
    u = units(['The two parties clashed bitterly and accused each other of lying.',
               'Her son, a nurse, lost his home and now lives with his mother.', 'Ok.'], title='Parties clash')
    fr = F.frame_rows(u, embed(u.text.tolist()))
    assert fr.columns.tolist() == F.FRAME_COLUMNS and (fr.cues == '').all() and fr['rank'].between(1, 2).all()
    assert set(fr.frame) <= set(F.load_frame_set('pfc').frame)
    prof = F.frame_profile(fr, u, list(F.load_frame_set('pfc').frame))
    none = prof.set_index('frame').share[F.NO_FRAME]
    assert none == round(1 - fr[~fr.is_title].sent_id.nunique() / 3, 4)


def test_actor_labels_are_noun_phrases_not_predicates_times_or_fragments():
    lab = lambda t, n: F.labels_in(t, t.index(n), t.index(n) + len(n))
    assert lab('Since the war, Russian despot Vladimir Putin, a former spy, has wreaked havoc.', 'Vladimir Putin') == [
        ('Russian despot', 'premodifier'), ('a former spy', 'apposition')]
    assert lab('Prime Minister Boris Johnson spoke.', 'Boris Johnson') == [('Prime Minister', 'premodifier')]
    assert lab('Wilson, less than a week later, said no.', 'Wilson') == []
    assert lab('A new Hitler rose.', 'Hitler') == []
    assert lab('He flew to a Washington D', 'Washington') == []
    assert [F.is_label(x) for x in ('new', 'Less than a week later', 'a Washington D', 'the former spy', '20th')] == [
        False, False, False, True, False]
    assert F.is_label('the former president of Uzbekistan till his death in 2016')  # a date inside a label is fine


def test_title_labels_get_their_own_rows():
    tables = dict(documents=pd.DataFrame(dict(doc_id=['t'], title=['Russian despot Vladimir Putin visits Beijing'])),
                  sentences=pd.DataFrame(dict(doc_id=['t'], sent_id=[0], is_heading=[False], text=['He arrived.'],
                                              start=[0])),
                  entities=pd.DataFrame(columns=['doc_id', 'sent_id', 'label', 'canonical', 'start', 'end', 'text']),
                  quotes=pd.DataFrame(columns=['doc_id', 'sent_id', 'speaker', 'speaker_role']),
                  attributions=pd.DataFrame(columns=['doc_id', 'sent_id', 'attributed_to', 'role']))
    al = F.label_rows(tables)
    assert al[['label', 'sent_id', 'is_title']].values.tolist() == [['Russian despot', -1, True]]


def test_sourcing_kinds_follow_roles_and_coordinated_speakers_split():
    tables = dict(documents=pd.DataFrame(dict(doc_id=['t'])),
                  quotes=pd.DataFrame(dict(doc_id='t', sent_id=[0, 1, 2, 3], kind='direct',
                                           speaker=['Ann Lee', 'Xi and Putin', 'Dmitry Peskov', 'Tom Bell'],
                                           speaker_role=['senior analyst at a bank', None, 'Kremlin spokesman', None])),
                  attributions=pd.DataFrame(columns=['doc_id', 'sent_id', 'attributed_to', 'kind', 'role']))
    labels = pd.DataFrame([dict(doc_id='t', actor='Vladimir Putin', label='Russian President', sent_id=4,
                                kind='premodifier', is_title=False)], columns=F.LABEL_COLUMNS)
    s = F.sourcing_rows(tables, labels).set_index('source')
    assert s.kind.to_dict() == {'Ann Lee': 'expert', 'Dmitry Peskov': 'official', 'Putin': 'official',
                                'Tom Bell': 'person',
                                'Xi': 'person'}
    assert s.n_quotes.to_dict() == dict.fromkeys(['Ann Lee', 'Dmitry Peskov', 'Putin', 'Tom Bell', 'Xi'], 1)


def test_measure_accuracy_read_from_model_cards(tmp_path):
    assert F.measure_accuracy('generic', tmp_path) == dict.fromkeys(F.MEASURE_CARDS, 'not validated')
    (tmp_path/'models').mkdir()
    (tmp_path/'models'/'frames_gvfc.json').write_text(json.dumps({'scores': [dict(
        option='generic zero-shot', data='held-out 20%', accuracy=0.125, macro_f1=0.5, no_frame=0.25, n=8)]}))
    assert 'accuracy 0.12' in F.measure_accuracy('generic', tmp_path)['frames']
    assert F.measure_accuracy('mine.csv', tmp_path)['frames'] == 'not validated'
    (tmp_path/'models'/'language').mkdir()
    (tmp_path/'models'/'language'/'scores.json').write_text(json.dumps(dict(date='2026-01-02', test=dict(
        ptc_token=dict(p=0.5, r=0.5, f1=0.5), babe_sentence_macro_f1=0.8),
        baselines=dict(majority_sentence_macro_f1=0.3))))
    acc = F.measure_accuracy('generic', tmp_path)
    assert 'token F1 0.50' in acc['loaded language'] and acc['sentence bias'].startswith('BABE sentence macro-F1 0.80')


def test_reframed_sentence_produces_a_shift():
    s = pd.concat([units(['Leaders met to discuss trade and gas exports.'], 'o'),
                   units(['Two rival leaders clashed over trade as the tyrant threatened the West.'], 'n')],
                  ignore_index=True)
    fr = F.frame_rows(s, embed(s.text.tolist()))
    empty_src = pd.DataFrame(columns=F.SOURCING_COLUMNS); empty_lab = pd.DataFrame(columns=F.LABEL_COLUMNS)
    tone = F.tone_rows(s, pd.DataFrame(columns=['doc_id', 'sent_id', 'label', 'canonical']))
    prof = F.frame_profile(fr, s)
    sh = F.shift_rows([('n', 'o')], prof, empty_lab, F.term_counts(F.language_tables(s)['loaded_terms']), empty_src, tone)
    p = prof.pivot(index='frame', columns='doc_id', values='share')
    assert set(sh.item[sh.feature == 'frame']) == set(p.index[(p.n - p.o).abs() >= 0.05])
    assert any(f == 'loaded' and 'tyrant' in i for f, i in zip(sh.feature, sh.item.str.lower()))


def test_seed_run_writes_framing_outputs(seed_run):
    out = seed_run[0]
    for name in F.FRAMING_TABLES: assert has_table(out, name), name
    for fig in ('frame_profile', 'loaded_density', 'framing_shift', 'actor_labels', 'sourcing'):
        assert (out/'figures'/f'{fig}.png').stat().st_size > 1000, fig
    page = (out/'report'/'framing.html').read_text()
    assert '<script' not in page and 'http' not in page.split('<body>')[0] and page.count('class="loaded"') > 10
    dens = read_table(out, 'loaded_density')
    assert len(dens) == 3 and dens.per_1000.gt(0).all() and dens.biased_share.between(0, 1).all()
    for name in ('frames', 'loaded_terms', 'bias', 'tone', 'actor_labels'):
        t = read_table(out, name)
        assert (t.sent_id[t.is_title] == -1).all(), name
    docs = read_table(out, 'documents')
    titled = docs.title.fillna('').str.strip().ne('').sum()
    assert titled >= 1 and read_table(out, 'bias').is_title.sum() == titled


def test_seed_study_finds_004_name_calling_from_the_model(seed_run):
    lt = read_table(seed_run[0], 'loaded_terms')
    assert (lt.lexicon == 'model').all()
    terms = lt[lt.doc_id.str.startswith('004')].term.str.lower()
    assert terms.str.contains('despot').any() and terms.str.contains('dictators').any(), terms.tolist()


def test_framing_report_escapes_text():
    s = units(['The tyrant wrote <script>alert(1)</script> in the minutes.'], title='<b>Tyrant</b>')
    lang = F.language_tables(s)
    page = F.framing_html(s, F.frame_rows(s, None), lang['loaded_terms'], lang['bias'], ['t'])
    assert '<script>alert' not in page and '&lt;script&gt;alert(1)&lt;/script&gt;' in page
    assert '<b>' not in page and '</b>' not in page and '&lt;/' in page  # the title's tags are text


def test_a_principal_of_named_staff_is_an_official():
    assert F.principal_of_staff('Vladimir Putin', "Putin's foreign policy aide | Kremlin")
    assert not F.principal_of_staff('Vladimir Putin', 'aide to Xi | Putin said')
    tables = dict(documents=pd.DataFrame(dict(doc_id=['t'])),
                  quotes=pd.DataFrame(columns=['doc_id', 'sent_id', 'kind', 'speaker', 'speaker_role']),
                  attributions=pd.DataFrame(dict(doc_id='t', sent_id=[0, 1, 2],
                                                 attributed_to=['Putin', 'Yuri Ushakov', 'He'],
                                                 kind='person', role=[None, "Putin's foreign policy aide", None])))
    kinds = F.sourcing_rows(tables).set_index('source').kind.to_dict()
    assert kinds == {'Putin': 'official', 'Yuri Ushakov': 'official'}  # 'He': unresolved, no source


DOCS = {'a.txt': 'Rival leaders clash over trade\n\nThe two rival leaders clashed over trade. The tyrant threatened the West, '
                 'said analyst Jane Roe.\n',
        'b.txt': 'Leaders discuss trade\n\nThe two leaders met to discuss trade and gas exports. Analyst Jane Roe said '
                 'the deal was balanced.\n',
        'c.txt': 'Storm hits coast\n\nA storm hit the coast on Monday. Residents lost their homes, officials said.\n'}


@pytest.fixture(scope='module')
def small_out(tmp_path_factory):
    "Corpus tables of three short documents in two stories, some sentence embeddings stored as float16."
    from newsstudy.corpus import parse_corpus
    from newsstudy.common import embed
    src, out = tmp_path_factory.mktemp('corpus'), tmp_path_factory.mktemp('out')
    for n, t in DOCS.items(): (src/n).write_text(t)
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        tables = parse_corpus(src)
    for n in F.CORPUS_TABLES: write_table(tables[n], out, n)
    ids = tables['documents'].doc_id.tolist()
    write_table(pd.DataFrame(dict(story_id=['s1', 's1', 's2'], doc_id=ids)), out, 'stories')
    s = tables['sentences'].iloc[::2]
    write_table(pd.DataFrame(dict(doc_id=s.doc_id, sent_id=s.sent_id,
                                  vector=list(embed(s.text.tolist()).astype(np.float16)))), out, 'sentence_embeddings')
    return out


@pytest.mark.parametrize('size', [1, 2])
def test_stage_on_dask_equals_in_memory_whatever_the_partitions(small_out, size):
    "The stage on a Dask client, in partitions of 1 or 2 documents, writes the tables `framing` computes in memory."
    from distributed import Client
    tables = {n: read_table(small_out, n) for n in F.CORPUS_TABLES + ['stories']}
    want = F.framing(tables, tables['stories'], read_table(small_out, 'sentence_embeddings'))
    with Client(processes=False, n_workers=1, threads_per_worker=1, dashboard_address=':0') as c:
        got = F.framing_stage(c, small_out, partition_size=size)
    for n in F.SENTENCE_TABLES: pd.testing.assert_frame_equal(read_table(small_out, n), want[n], check_dtype=False, obj=n)
    for n in ('frame_profile', 'loaded_density', 'sourcing', 'framing_shift'):
        pd.testing.assert_frame_equal(got[n], want[n], check_dtype=False, obj=n)
    assert len(list((small_out/'tables'/'frames').glob('part-*.parquet'))) == -(-3 // size)
    assert set(got['framing_shift'].doc_id) and set(got['framing_shift'].vs_doc) <= set(tables['documents'].doc_id)


def test_figures_stay_readable_at_300_documents():
    docs = [f'd{i:03d}' for i in range(300)]
    rng = np.random.default_rng(1)
    dens = pd.DataFrame(dict(doc_id=docs, per_1000=rng.random(300) * 10))
    prof = pd.DataFrame([dict(doc_id=d, frame=f, share=float(rng.random())) for d in docs for f in ('x', F.NO_FRAME)])
    src = pd.DataFrame(dict(doc_id=docs, source='S', kind='person', n_quotes=1, n_attributions=0))
    for fig in (F.density_figure(dens), F.frame_figure(prof), F.sourcing_figure(src)):
        w, h = fig.get_size_inches() * fig.dpi
        assert h < 2200 and w < 2500, (w, h)
    assert len(F.density_figure(dens).axes[0].patches) == F.MAX_ROWS
    assert F.report_docs(dens, docs, 40) == [d for d in docs if d in set(dens.nlargest(40, 'per_1000').doc_id)]
