"""Framing: each measure on constructed sentences, the seed run's outputs, the highlighted report's escaping."""
import json

import pandas as pd
import pytest

from newsstudy import framing as F
from newsstudy.compare import embed


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
    sh = F.shift_rows([('n', 'o')], prof, empty_lab, F.language_tables(s)['loaded_terms'], empty_src, tone)
    p = prof.pivot(index='frame', columns='doc_id', values='share')
    assert set(sh.item[sh.feature == 'frame']) == set(p.index[(p.n - p.o).abs() >= 0.05])
    assert any(f == 'loaded' and 'tyrant' in i for f, i in zip(sh.feature, sh.item.str.lower()))


def test_seed_run_writes_framing_outputs(seed_run):
    out = seed_run[0]
    for name in F.FRAMING_TABLES: assert (out/'tables'/f'{name}.parquet').exists(), name
    for fig in ('frame_profile', 'loaded_density', 'framing_shift', 'actor_labels', 'sourcing'):
        assert (out/'figures'/f'{fig}.png').stat().st_size > 1000, fig
    page = (out/'report'/'framing.html').read_text()
    assert '<script' not in page and 'http' not in page.split('<body>')[0] and page.count('class="loaded"') > 10
    dens = pd.read_parquet(out/'tables'/'loaded_density.parquet')
    assert len(dens) == 3 and dens.per_1000.gt(0).all() and dens.biased_share.between(0, 1).all()
    for name in ('frames', 'loaded_terms', 'bias', 'tone', 'actor_labels'):
        t = pd.read_parquet(out/'tables'/f'{name}.parquet')
        assert (t.sent_id[t.is_title] == -1).all(), name
    docs = pd.read_parquet(out/'tables'/'documents.parquet')
    titled = docs.title.fillna('').str.strip().ne('').sum()
    assert titled >= 1 and pd.read_parquet(out/'tables'/'bias.parquet').is_title.sum() == titled


def test_seed_study_finds_004_name_calling_from_the_model(seed_run):
    lt = pd.read_parquet(seed_run[0]/'tables'/'loaded_terms.parquet')
    if (lt.lexicon != 'model').any(): pytest.skip('the language model (newsstudy.language) is not installed')
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
