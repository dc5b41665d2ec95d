"""Synthetic multi-story news corpora for the scale benchmark (issue 14): invented events, several outlets, versions.

    .venv/bin/python benchmarks/synth.py DEST N [--seed S]

writes N plain-text articles into DEST (1,000 per sub-folder) and `DEST/MANIFEST.csv` (file, sha256, bytes, and the
ground truth: `event` — what newsstudy's story grouping should find, independent reports included —, `story` — one
report and its copies —, `version` and a `description` of how the version was made). Nothing comes from the bundled seed corpus: every event,
name, place, number and quote is drawn from the templates and word lists below.

How a corpus is made (all draws from one `random.Random(seed)`: the same seed gives the same bytes):
- an *event* is a kind (fire, flood, strike, ...) with invented facts: a town, a region, officials, a witness, an
  organisation, numbers, a date;
- each event is reported once, or (30%) twice by *independent reports*: a second outlet writes its own article from
  the same facts (other phrasings of the same sentences, another selection and order);
- each report is published in 1-6 *versions* (a story of 1 to 6 documents; 30% are singletons): the original, and
  copies by other outlets that cut sentences, reorder paragraphs, substitute words, change numbers and add paragraphs
  (background sentences, page furniture);
- each document: an ISO date line (read as `documents.date`), the title, then paragraphs; the first paragraph opens
  with a dateline `TOWN (Outlet) - ` (read as `documents.source`); 15-30 sentences;
- documents are shuffled over the file names, so a story's versions are not neighbours.
"""
from __future__ import annotations
import argparse, csv, hashlib, random, re, sys, time
from datetime import date, timedelta
from pathlib import Path

FIRST = ['Amara', 'Bruno', 'Celia', 'Dario', 'Elena', 'Farid', 'Greta', 'Hugo', 'Ines', 'Jonas', 'Kira', 'Lukas',
         'Maren', 'Nikolai', 'Odile', 'Pavel', 'Rosa', 'Soren', 'Tamsin', 'Ulrich', 'Vera', 'Wendel', 'Yusuf', 'Zelda']
LAST = ['Albrecht', 'Barrow', 'Castell', 'Draper', 'Esterly', 'Fairbank', 'Gellner', 'Hollis', 'Ivers', 'Jessup',
        'Kettering', 'Lindqvist', 'Marchetti', 'Norcott', 'Okafor', 'Pellham', 'Quarry', 'Rendell', 'Sallow', 'Thorne',
        'Upton', 'Varga', 'Whitlock', 'Yardley']
TOWN_A = ['Bram', 'Cal', 'Dun', 'Ell', 'Fen', 'Gar', 'Hol', 'Kel', 'Lor', 'Mar', 'Nor', 'Ost', 'Pel', 'Quen', 'Ros',
          'Sal', 'Tor', 'Vel', 'Wen', 'Yar', 'Ash', 'Birch', 'Cold', 'Elder']
TOWN_B = ['ford', 'haven', 'mere', 'wick', 'stead', 'port', 'by', 'ton', 'field', 'moor', 'brook', 'dale']
REGIONS = ['Northern Province', 'Eastern Coast', 'Lake District', 'Central Plains', 'Western Highlands',
           'River Delta', 'Southern Valley', 'Upper Basin']
OUTLETS = ['Meridian Wire', 'Harbor Ledger', 'Daily Courant', 'North Star Press', 'Valley Gazette', 'Civic Herald',
           'Morning Lantern', 'Coastline News', 'Capital Observer', 'Plainsman Daily', 'The Beacon', 'Atlas Newswire']
ROLES = ['mayor', 'regional governor', 'fire chief', 'police commissioner', 'health minister', 'council leader']
EXPERTS = ['an engineer', 'an economist', 'a historian', 'a public-health researcher', 'a labour lawyer']
BUILDINGS = ['sports hall', 'town library', 'community centre', 'old market hall', 'primary school']
STREETS = ['Mill', 'Station', 'Chapel', 'Harbour', 'Orchard', 'Bridge', 'Church', 'Garden']
WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday']
ORDINALS = ['second', 'third', 'fourth', 'fifth']
BOILERPLATE = ['Advertisement', 'Read more: the week in pictures', 'Sign up for our morning newsletter',
               'Share this article', 'Reporting by staff; editing by the news desk', 'Related: more from the region']

# Event kinds: nouns, titles, and the kind's own sentences (a tuple: alternative phrasings of one sentence).
KINDS = {
    'fire': dict(
        ev='the fire', org='regional fire service', sector='fire services',
        titles=['Fire at {company} warehouse in {town} injures {n_injured}',
                'Blaze tears through {town} warehouse district', '{n_injured} hurt as fire destroys {town} depot'],
        lead=('A fire broke out at a {company} warehouse in {town} on {weekday}, injuring {n_injured} people and forcing '
              'the evacuation of {n_people} residents.',
              '{n_injured} people were injured when fire swept through a {company} warehouse in {town} on {weekday}, '
              'and {n_people} residents had to leave their homes.'),
        own=[('Firefighters needed {n_hours} hours to bring the blaze under control.',
              'It took crews {n_hours} hours to contain the flames.'),
             ('Smoke could be seen from {town2}, some {n_km} kilometres away.',
              'The smoke was visible as far away as {town2}, {n_km} km from the site.'),
             ('The warehouse stored furniture and packaging material, according to {company}.',),
             ('{n_trucks} fire engines from across {region} were sent to the scene.',
              'Crews from {n_trucks} stations across {region} attended.'),
             ('The cause of the fire is not yet known.', 'Investigators have not yet determined what caused the fire.'),
             ('{company} said all of its {n_staff} employees on shift had been accounted for.',)]),
    'flood': dict(
        ev='the flooding', org='regional water authority', sector='flood defences',
        titles=['Floods cut off {town} after {n_mm} mm of rain', 'Hundreds evacuated as river bursts banks in {town}',
                '{region} counts cost of {town} floods'],
        lead=('Heavy rain flooded large parts of {town} on {weekday}, after {n_mm} millimetres fell in {n_hours} hours '
              'and the river rose above its banks.',
              'The river in {town} burst its banks on {weekday} after {n_mm} mm of rain fell in just {n_hours} hours, '
              'flooding much of the town.'),
        own=[('About {n_people} people spent the night in emergency shelters.',
              'Some {n_people} residents were housed in shelters overnight.'),
             ('The water reached a level of {n_m} metres, the highest since records began.',
              'At its peak the river stood at {n_m} metres, a record.'),
             ('Rescue boats took {n_injured} people from the roofs of their houses.',),
             ('The railway line between {town} and {town2} was closed.', 'Trains between {town} and {town2} stopped.'),
             ('Forecasters expect more rain over the weekend.', 'More rain is forecast for the coming days.'),
             ('Farmers said {n_ha} hectares of fields were under water.',)]),
    'strike': dict(
        ev='the strike', org='transport union', sector='public transport',
        titles=['{town} transport workers strike over pay', 'Buses and trams halted in {town} as strike begins',
                'Strike in {town} enters {ordinal} day'],
        lead=('Transport workers in {town} walked out on {weekday} in a dispute over pay, halting buses and trams for '
              'some {n_people} daily passengers.',
              'Buses and trams stopped running in {town} on {weekday} as transport workers began a strike over pay, '
              'leaving {n_people} daily passengers without service.'),
        own=[('The union is asking for a pay rise of {pct} percent.', 'The union wants wages raised by {pct}%.'),
             ('The operator has offered {pct2} percent over two years.',),
             ('Talks between the two sides broke down late on {weekday2}.', 'Negotiations collapsed on {weekday2}.'),
             ('Traffic on the main roads into {town} was heavier than usual.',),
             ('The strike is planned to last {n_days} days.', 'Workers plan to stay out for {n_days} days.'),
             ('About {n_staff} drivers and technicians took part, the union said.',)]),
    'bridge': dict(
        ev='the bridge closure', org='roads agency', sector='road maintenance',
        titles=['{town} bridge closed after cracks found', 'Cracks force closure of main bridge in {town}',
                '{town} bridge to stay shut for {n_weeks} weeks'],
        lead=('The main bridge in {town} was closed on {weekday} after inspectors found cracks in two of its supports, '
              'diverting some {n_people} vehicles a day.',
              'Inspectors closed the main bridge in {town} on {weekday} when they found cracks in its supports; '
              'about {n_people} vehicles a day now take other routes.'),
        own=[('The bridge was built in {year_built} and last renovated in {year_prev}.',),
             ('Repairs are expected to take at least {n_weeks} weeks.', 'The repairs will take {n_weeks} weeks or more.'),
             ('Engineers will install sensors to monitor the structure.',),
             ('Ferry services across the river were doubled.', 'The ferry operator doubled its crossings.'),
             ('The detour adds about {n_km} kilometres to journeys.', 'Drivers face a detour of some {n_km} km.'),
             ('A similar bridge in {town2} was closed for a month last year.',)]),
    'factory': dict(
        ev='the closure', org='chamber of commerce', sector='regional industry',
        titles=['{company} to close {town} plant, {n_staff} jobs at risk', '{n_staff} jobs go as {company} shuts {town} factory',
                '{town} reels from {company} closure'],
        lead=('{company} said on {weekday} it would close its plant in {town} by the end of the year, putting {n_staff} '
              'jobs at risk.',
              'The {company} plant in {town} will shut by the end of the year with the loss of {n_staff} jobs, the '
              'company announced on {weekday}.'),
        own=[('The company blamed falling demand and energy costs of {amount} million a year.',),
             ('Production will move to a larger site in {town2}.', 'Work will be transferred to {town2}.'),
             ('The plant has operated in {town} since {year_built}.', 'It opened in {year_built}.'),
             ('Unions said they would fight the decision.', 'Union leaders vowed to oppose the closure.'),
             ('The site is {company}\'s {ordinal} largest in the country.',),
             ('Suppliers in {region} employ another {n_people} people.', 'A further {n_people} jobs depend on the plant.')]),
    'outbreak': dict(
        ev='the outbreak', org='regional health agency', sector='public health',
        titles=['Stomach bug outbreak sickens {n_injured} in {town}', '{town} school closed after outbreak',
                'Health officials trace source of {town} outbreak'],
        lead=('Health officials in {town} said on {weekday} that {n_injured} people had fallen ill in an outbreak of a '
              'stomach infection linked to a local water supply.',
              'An outbreak of a stomach infection in {town} has made {n_injured} people ill, officials said on '
              '{weekday}, tracing it to the water supply.'),
        own=[('Residents were told to boil their tap water until further notice.',
              'A boil-water notice is in force.'),
             ('{n_hosp} patients were treated in hospital.', 'Of those who fell ill, {n_hosp} needed hospital care.'),
             ('Samples were sent to a laboratory in {town2}.',),
             ('Bottled water was handed out at {n_sites} distribution points.',),
             ('The outbreak began about {n_days} days ago.', 'The first cases were reported {n_days} days ago.'),
             ('The water company said the pipes would be flushed.',)]),
}

GENERIC = [  # sentences any event can carry
    ('{Official}, the {role}, told reporters that emergency crews had worked through the night.',
     'Crews worked through the night, {role} {Official} told reporters.'),
    ('"{q1}," {Official} said at a briefing in {town}.', '"{q1}," the {role} said.'),
    ('Residents said they had been warned about the risk for years.',),
    ('{Witness}, who lives nearby, said: "{q2}."', '"{q2}," said {Witness}, a neighbour.'),
    ('The {org} said it would publish a full account within {n_weeks} weeks.',),
    ('Local businesses estimated their losses at about {amount} million.', 'Businesses put the losses at {amount} million.'),
    ('Opposition lawmakers called for an independent inquiry into {ev}.',),
    ('{town} has a population of around {population} people.', 'About {population} people live in {town}.'),
    ('It was the {ordinal} such incident in {region} this year.',),
    ('Schools in the area will stay closed until {weekday2}, the council said.',),
    ('The national government said it would send {n_staff2} additional staff to the region.',),
    ('Insurance companies said it was too early to estimate the total cost.',),
    ('"{q3}," said {Expert}, {expert} at the University of {town2}.', '{Expert}, {expert}, said: "{q3}."'),
    ('Officials urged people to follow updates from the {org}.',),
    ('Roads into {town} reopened late on {weekday}, although {n_roads} routes remained closed.',),
    ('A spokesperson for the {org} declined to comment further.',),
    ('Volunteers set up a temporary centre in the {building} on {street} Street.',
     'A help centre opened in the {building} on {street} Street.'),
    ('Figures released on {weekday2} showed {pct3} percent of households in {town} were affected.',),
    ('The {role} said a review would begin next month.', 'A review will start next month, the {role} said.'),
    ('{Official} is due to visit the site again on {weekday2}.',),
    ('Neighbouring {town2} offered equipment and {n_staff2} volunteers.',),
    ('Critics said funding for {sector} had been cut by {pct2} percent over the past {n_years} years.',),
    ('The last comparable event in {region}, in {year_prev}, cost more than {amount2} million.',),
    ('The council will hold a public meeting on {weekday2} evening.',),
    ('Several residents said they had received no information from the authorities.',),
]
QUOTES = ['We are doing everything we can to help the people affected',
          'This should never have happened, and we will find out why',
          'I heard a noise and then everything happened very fast',
          'We have been asking for help for a long time and nobody listened',
          'The next few days will be difficult for everyone in {town}',
          'Our first priority is the safety of residents',
          'Nobody here has seen anything like this before',
          'The warning signs were there for years',
          'It will take months, not weeks, to recover']
SYNONYMS = {'said': ['stated', 'told reporters', 'added'], 'people': ['residents', 'individuals'],
            'about': ['around', 'roughly'], 'officials': ['authorities'], 'began': ['started'],
            'large': ['big', 'wide'], 'help': ['assist', 'support'], 'closed': ['shut'], 'main': ['principal'],
            'expected': ['likely'], 'several': ['a number of'], 'warned': ['cautioned'], 'late': ['later']}
_SYN = re.compile(r'\b(' + '|'.join(SYNONYMS) + r')\b')
_NUM = re.compile(r'\b\d{2,6}\b')
_SENT = re.compile(r'(?<=[.!?"])\s+(?=[A-Z"])')


def _town(rng) -> str: return rng.choice(TOWN_A) + rng.choice(TOWN_B)
def _name(rng) -> str: return f'{rng.choice(FIRST)} {rng.choice(LAST)}'


def event_facts(rng: random.Random, # the corpus's random source
                kind: str, # a key of KINDS
               ) -> dict:
    "The invented facts of one event: the values of every template slot, and its date."
    k, town = KINDS[kind], _town(rng)
    f = dict(kind=kind, ev=k['ev'], org=k['org'], sector=k['sector'], town=town, town2=_town(rng),
             region=rng.choice(REGIONS), Official=_name(rng), role=rng.choice(ROLES), Witness=_name(rng),
             Expert=_name(rng), expert=rng.choice(EXPERTS), company=rng.choice(LAST) + rng.choice([' Logistics', ' Works', ' Group']),
             weekday=rng.choice(WEEKDAYS), weekday2=rng.choice(WEEKDAYS), ordinal=rng.choice(ORDINALS),
             building=rng.choice(BUILDINGS), street=rng.choice(STREETS))
    f.update({n: rng.randint(lo, hi) for n, lo, hi in [
        ('n_injured', 3, 90), ('n_people', 120, 9000), ('n_hours', 3, 40), ('n_km', 5, 60), ('n_trucks', 4, 30),
        ('n_staff', 40, 2500), ('n_staff2', 20, 400), ('n_mm', 60, 240), ('n_m', 3, 9), ('n_ha', 200, 8000),
        ('pct', 6, 15), ('pct2', 2, 9), ('pct3', 10, 70), ('n_days', 2, 14), ('n_weeks', 2, 30), ('n_years', 3, 12),
        ('year_built', 1931, 1994), ('year_prev', 1995, 2021), ('amount', 2, 180), ('amount2', 10, 900),
        ('population', 8000, 250000), ('n_roads', 2, 9), ('n_hosp', 2, 30), ('n_sites', 3, 15)]})
    f['q1'], f['q2'], f['q3'] = (q.format(**f) for q in rng.sample(QUOTES, 3))
    f['date'] = date(2023, 1, 1) + timedelta(days=rng.randrange(3 * 365))
    return f


def write_report(rng: random.Random, # the corpus's random source
                 f: dict, # the event's facts (`event_facts`)
                 outlet: str, # who writes it
                ) -> dict:
    "An original article on event `f`: title, lead, a selection of the kind's and generic sentences, in paragraphs."
    k = KINDS[f['kind']]
    pick = lambda alts: rng.choice(alts).format(**f)
    pool = [pick(s) for s in k['own']] + [pick(s) for s in rng.sample(GENERIC, rng.randint(10, 20))]
    rng.shuffle(pool)
    sents = [pick(k['lead'])] + pool[:rng.randint(14, 26)]
    paras, i = [], 0
    while i < len(sents):
        n = rng.randint(1, 4); paras.append(sents[i:i + n]); i += n
    return dict(title=pick(k['titles']), outlet=outlet, town=f['town'].upper(), paras=paras, date=f['date'])


def perturb(rng: random.Random, # the corpus's random source
            doc: dict, # the article copied (`write_report`)
            f: dict, # its event's facts
            outlet: str, # the outlet that publishes the copy
           ) -> tuple[dict, list[str]]:
    "A copy of `doc` by `outlet`: sentences cut, paragraphs reordered, words substituted, numbers changed, paragraphs added."
    p_cut, p_syn, p_num, done = rng.uniform(0, 0.3), rng.uniform(0, 0.4), rng.uniform(0, 0.2), []
    def edit(s):
        if rng.random() < p_syn: s = _SYN.sub(lambda m: rng.choice(SYNONYMS[m.group()]), s, count=2)
        if rng.random() < p_num: s = _NUM.sub(lambda m: str(max(1, int(m.group()) + rng.choice((-2, -1, 1, 3)))), s, count=1)
        return s
    head, *rest = doc['paras']
    paras = [[edit(s) for s in head]] + [[edit(s) for s in p if rng.random() >= p_cut] for p in rest]
    paras = [p for p in paras if p]
    if len(paras) > 3 and rng.random() < 0.5:
        i = rng.randrange(1, len(paras) - 1); paras[i], paras[i + 1] = paras[i + 1], paras[i]; done.append('reordered')
    for _ in range(rng.choice((0, 0, 1, 2))):
        extra = [rng.choice(GENERIC)[0].format(**f) for _ in range(rng.randint(1, 3))]
        paras.insert(rng.randint(1, len(paras)), extra); done.append('paragraph added')
    if rng.random() < 0.4: paras.append([rng.choice(BOILERPLATE)]); done.append('page furniture')
    n_cut = sum(map(len, doc['paras'])) - sum(map(len, paras))
    done = ([f'~{n_cut} sentences cut'] if n_cut > 0 else []) + done
    title = doc['title'] if rng.random() < 0.6 else rng.choice(KINDS[f['kind']]['titles']).format(**f)
    day = doc['date'] + timedelta(days=rng.choice((0, 0, 1, 1, 2, 3)))
    return dict(doc, title=title, outlet=outlet, paras=paras, date=day), done


def render(doc: dict) -> str:
    "The article as a .txt file: ISO date line, title, then paragraphs; the first opens with the dateline."
    paras = [' '.join(p) for p in doc['paras']]
    paras[0] = f"{doc['town']} ({doc['outlet']}) - {paras[0]}"
    return f"{doc['date'].isoformat()}\n{doc['title']}\n\n" + '\n\n'.join(paras) + '\n'


SIZES, SIZE_WEIGHTS = (1, 2, 3, 4, 5, 6), (30, 20, 18, 13, 10, 9)  # versions per story: 30% singletons

def stories(rng: random.Random, # the corpus's random source
            n_docs: int, # how many documents in all
           ):
    "Yield (event no, story no, version no, text, description) until `n_docs` documents were made."
    made, ev_no, story_no = 0, 0, 0
    while made < n_docs:
        f = event_facts(rng, rng.choice(list(KINDS))); ev_no += 1
        outlets = rng.sample(OUTLETS, len(OUTLETS))
        for rep in range(1 if rng.random() < 0.7 else 2):  # a second, independent report of the same event
            story_no += 1
            size = min(rng.choices(SIZES, SIZE_WEIGHTS)[0], n_docs - made)
            base = write_report(rng, f, outlets.pop())
            what = f"{f['kind']} in {f['town']}, report {rep + 1}"
            yield ev_no, story_no, 1, render(base), f'{what}: original by {base["outlet"]}'
            for v in range(2, size + 1):
                src = base if v == 2 or rng.random() < 0.6 else copy  # a copy of the original or of the last copy
                copy, done = perturb(rng, src, f, outlets.pop())
                yield ev_no, story_no, v, render(copy), f"{what}: version {v}, copy by {copy['outlet']} ({', '.join(done) or 'verbatim'})"
            made += size
            if made >= n_docs: return


def make_corpus(dest, # the folder to write (created; files of an earlier corpus there are overwritten)
                n_docs: int, # how many documents
                seed: int = 0, # the same seed gives the same corpus, byte for byte
               ) -> Path:
    "Write a synthetic corpus of `n_docs` .txt articles and its MANIFEST.csv (with the ground truth) into `dest`."
    dest, rng = Path(dest), random.Random(seed)
    docs = list(stories(rng, n_docs))
    order = list(range(len(docs))); rng.shuffle(order)  # versions of a story are spread over the file names
    rows = []
    for i, j in enumerate(order):
        ev, st, v, text, what = docs[j]
        rel = f'{i // 1000:04d}/doc{i:06d}.txt'
        (dest/rel).parent.mkdir(parents=True, exist_ok=True)
        raw = text.encode('utf-8'); (dest/rel).write_bytes(raw)
        rows.append([rel, hashlib.sha256(raw).hexdigest(), len(raw), f'E{ev:06d}', f'S{st:06d}', v, what])
    with open(dest/'MANIFEST.csv', 'w', newline='', encoding='utf-8') as fh:
        w = csv.writer(fh); w.writerow(['file', 'sha256', 'bytes', 'event', 'story', 'version', 'description']); w.writerows(rows)
    return dest


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('dest', help='folder to write the corpus into')
    ap.add_argument('n', type=int, help='number of documents')
    ap.add_argument('--seed', type=int, default=0, help='random seed (default 0)')
    a = ap.parse_args(argv)
    t0 = time.perf_counter(); make_corpus(a.dest, a.n, a.seed)
    print(f'{a.n:,} documents in {a.dest} ({time.perf_counter() - t0:.1f} s)', file=sys.stderr)


if __name__ == '__main__': main()
