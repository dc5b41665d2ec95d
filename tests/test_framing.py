"""Framing: each measure on constructed sentences, the seed run's outputs, the highlighted report's escaping."""
import pandas as pd

from newsstudy import framing as F
from newsstudy.compare import embed


def sents(texts, doc='t'):
    return pd.DataFrame(dict(doc_id=doc, sent_id=range(len(texts)), text=texts))


def test_loaded_epithet_caught_and_neutral_fighting_not():
    found = {t.lower(): c for t, c, *_ in F.loaded_in('The Russian despot, a brutal man, wreaked havoc.')}
    assert found.get('despot') == 'name-calling' and 'brutal' in found
    assert F.loaded_in('Troops attacked the town; the war went on and the army suffered a defeat with many killed.') == []


def test_frames_from_cues_confirmed_by_meaning():
    s = sents(['The two parties clashed bitterly and accused each other of lying.',
               'Gas exports and trade fell, costing the economy billions.',
               'The meeting starts at 10 am in the town hall.'])
    fr = F.frame_rows(s, embed(s.text))
    got = set(zip(fr.sent_id, fr.frame))
    assert (0, 'conflict') in got and (1, 'economic consequences') in got
    assert not {f for i, f in got if i == 2} & {'conflict', 'economic consequences'}


def test_actor_labels_premodifier_and_apposition():
    t = 'Since the war began, Russian despot Vladimir Putin, a former spy, has wreaked havoc.'
    a = t.index('Vladimir Putin')
    assert F.labels_in(t, a, a + len('Vladimir Putin')) == [('Russian despot', 'premodifier'), ('a former spy', 'apposition')]


def test_expert_quote_counted_under_sourcing():
    tables = dict(documents=pd.DataFrame(dict(doc_id=['t'])),
                  quotes=pd.DataFrame(dict(doc_id=['t'], sent_id=[0], kind=['direct'], speaker=['Ann Lee'], speaker_role=['senior analyst at a bank'])),
                  attributions=pd.DataFrame(columns=['doc_id', 'sent_id', 'attributed_to', 'kind', 'role']))
    s = F.sourcing_rows(tables)
    assert s[['source', 'kind', 'n_quotes']].values.tolist() == [['Ann Lee', 'expert', 1]]


def test_reframed_sentence_produces_a_shift():
    s = pd.concat([sents(['Leaders met to discuss trade and gas exports.'], 'o'),
                   sents(['Two rival leaders clashed over trade as the despot threatened the West.'], 'n')], ignore_index=True)
    fr = F.frame_rows(s, embed(s.text))
    empty_src = pd.DataFrame(columns=F.SOURCING_COLUMNS); empty_lab = pd.DataFrame(columns=F.LABEL_COLUMNS)
    tone = F.tone_rows(s, pd.DataFrame(columns=['doc_id', 'sent_id', 'label', 'canonical']))
    sh = F.shift_rows([('n', 'o')], F.frame_profile(fr, s), empty_lab, F.loaded_rows(s), empty_src, tone)
    conflict = sh[(sh.feature == 'frame') & (sh.item == 'conflict')]
    assert len(conflict) == 1 and conflict.delta.iloc[0] == 1.0
    assert ('loaded', 'despot') in set(zip(sh.feature, sh.item))


def test_seed_run_writes_framing_outputs(seed_run):
    out = seed_run[0]
    for name in F.FRAMING_TABLES: assert (out/'tables'/f'{name}.parquet').exists(), name
    for fig in ('frame_profile', 'loaded_density', 'framing_shift', 'actor_labels', 'sourcing'):
        assert (out/'figures'/f'{fig}.png').stat().st_size > 1000, fig
    page = (out/'report'/'framing.html').read_text()
    assert '<script' not in page and 'http' not in page.split('<body>')[0] and page.count('class="loaded"') > 10
    dens = pd.read_parquet(out/'tables'/'loaded_density.parquet')
    assert len(dens) == 3 and dens.per_1000.gt(0).all()


def test_framing_report_escapes_text():
    s = sents(['The despot wrote <script>alert(1)</script> in the minutes.'])
    page = F.framing_html(s, F.frame_rows(s, None), F.loaded_rows(s), ['t'])
    assert '<script>alert' not in page and '&lt;script&gt;alert(1)&lt;/script&gt;' in page
