"""The demo client base of client_segmentation, free of Odoo.

:func:`demo_clients` plans a few hundred clients that fill every board: buyers
whose invoices make every ABC class, recency segment and automatic funnel
stage (gold, platinum, red-gold, platinum-red) come out of the first
recompute, some "A but sleeping"; prospects in every manual stage (green,
yellow, gold-green, red-green with a refusal reason) and in white and grey;
typologies, temperatures set by hand, regions, cities, industries, contact
persons with decision makers; phones, e-mails, preferred channels and call
windows on most clients and persons, key dates over the year (some in the
next days).

The plan is deterministic (a seeded generator, no clock: ``today`` is given)
and has no duplicated name. ``res.partner`` writes it
(``client.demo.data._generate_demo_clients``).
"""

from __future__ import annotations

import datetime
import itertools
import random
from dataclasses import dataclass, field

SEED = 2026

COMPANY_WORDS = (
    "Amber", "Aspen", "Birch", "Cedar", "Cobalt", "Coral", "Delta", "Ember",
    "Falcon", "Granite", "Harbor", "Indigo", "Jade", "Juniper", "Lumen", "Maple",
    "Meadow", "Nimbus", "Onyx", "Orchid", "Pine", "Quartz", "Raven", "Sage",
    "Summit", "Tidal", "Umber", "Velvet", "Willow", "Zephyr",
)  # fmt: skip
COMPANY_TRADES = (
    "Bakery", "Builders", "Cafes", "Clinics", "Dental", "Engineering", "Foods",
    "Furniture", "Hotels", "Interiors", "Labs", "Logistics", "Motors", "Optics",
    "Pharmacy", "Printing", "Retail", "Schools", "Sports", "Textiles",
)  # fmt: skip
FIRST_NAMES = (
    "Alina", "Bogdan", "Chen", "Darya", "Emil", "Fang", "Galina", "Hao", "Ilya",
    "Jing", "Kateryna", "Lei", "Mykola", "Nadia", "Oleg", "Ping", "Roman", "Sofia",
    "Taras", "Wei", "Xenia", "Yulia", "Zhao", "Anton",
)  # fmt: skip
LAST_NAMES = (
    "Abramova", "Bondar", "Chernenko", "Dovzhenko", "Fedorova", "Gao", "Hrytsenko",
    "Ivanova", "Kovalenko", "Liang", "Melnyk", "Novak", "Orlova", "Petrenko",
    "Qian", "Romanova", "Savchenko", "Tkachenko", "Volkova", "Xu", "Yakovenko",
    "Zhou",
)  # fmt: skip
FUNCTIONS = (
    "Purchasing Manager", "Office Manager", "Chief Executive", "Head of Sales",
    "Procurement Specialist", "Operations Director", "Owner",
)  # fmt: skip
# (country code, state code, city): regions and cities of the geography board.
PLACES = (
    ("US", "CA", "San Francisco"), ("US", "CA", "Los Angeles"),
    ("US", "NY", "New York"), ("US", "NY", "Buffalo"), ("US", "TX", "Austin"),
    ("US", "TX", "Houston"), ("US", "IL", "Chicago"), ("US", "WA", "Seattle"),
    ("US", "MA", "Boston"), ("US", "FL", "Miami"), ("US", "CO", "Denver"),
    ("US", "GA", "Atlanta"),
)  # fmt: skip
TYPES = (
    "loyal", "regular", "discount_hunter", "impulsive", "targeted",
    "just_interested",
)  # fmt: skip
REFUSAL_REASONS = (
    "price", "competitor", "no_need", "quality", "terms", "no_contact", "other",
)  # fmt: skip
SALESPEOPLE = ("admin", "admin", "admin", "demo", "demo", None)
# US area codes of the cities above, for the (fictional, 555-01xx) phones.
AREA_CODES = {
    "San Francisco": 415, "Los Angeles": 213, "New York": 212, "Buffalo": 716,
    "Austin": 512, "Houston": 713, "Chicago": 312, "Seattle": 206, "Boston": 617,
    "Miami": 305, "Denver": 303, "Atlanta": 404,
}  # fmt: skip
# Share of clients and persons without a phone or e-mail (a few empty cards,
# as in any real client base).
NO_CONTACT_SHARE = 0.1

# Buyer profiles: (name, how many clients, purchases (min, max), days since the
# last purchase (min, max), days between purchases (min, max)). With the
# default settings (hot within 30 days, warm within 120, platinum from 3
# purchases, long cooperation from 4 purchases over 12 months) each profile
# lands in the stage its name says.
BUYER_PROFILES = (
    ("hot_platinum", 34, (3, 6), (1, 28), (25, 60)),
    ("hot_gold", 30, (1, 2), (1, 28), (30, 90)),
    ("warm_platinum", 30, (3, 5), (35, 115), (30, 70)),
    ("warm_gold", 30, (1, 2), (35, 115), (30, 90)),
    ("red_gold", 30, (2, 3), (130, 300), (15, 40)),
    ("platinum_red", 26, (5, 8), (130, 260), (70, 110)),
    ("lapsed", 20, (1, 2), (400, 650), (30, 90)),
)
# Prospects: (manual stage or automatic rule, how many, are companies,
# a decision maker is known).
PROSPECT_PROFILES = (
    ("white", 15, False, False),
    ("white", 10, True, True),
    ("grey", 20, True, False),
    ("green", 15, True, True),
    ("yellow", 12, True, True),
    ("gold_green", 10, True, True),
    ("red_green", 18, True, True),
)


@dataclass
class DemoPerson:
    """A contact person of a demo client."""

    name: str
    function: str
    is_decision_maker: bool
    birthday: datetime.date | None = None
    phone: str | None = None
    email: str | None = None
    # index into the channels (any order the caller has), or None
    channel_index: int | None = None
    call_window: tuple[float, float] | None = None


@dataclass
class DemoClient:
    """One planned client: who it is, where, and what it bought when."""

    name: str
    is_company: bool
    profile: str
    place: tuple[str, str, str]
    industry_index: int
    salesperson: str | None
    client_type: str | None = None
    manual_stage: str | None = None
    decision_maker_known: bool = True
    refusal_reason: str | None = None
    temperature_override: str | None = None
    invoices: list[tuple[datetime.date, float]] = field(default_factory=list)
    credit_notes: list[tuple[datetime.date, float]] = field(default_factory=list)
    persons: list[DemoPerson] = field(default_factory=list)
    # the client's own key date: a company anniversary, or the birthday of a
    # private client
    key_date: datetime.date | None = None
    phone: str | None = None
    email: str | None = None
    channel_index: int | None = None
    call_window: tuple[float, float] | None = None


def _names(rng, words, trades, count, sep=" "):
    pairs = list(itertools.product(words, trades))
    rng.shuffle(pairs)
    if count > len(pairs):
        raise ValueError(f"only {len(pairs)} distinct names for {count} wanted")
    return [f"{first}{sep}{second}" for first, second in pairs[:count]]


def _invoices(rng, today, purchases, last_days, gap_days, size):
    """``purchases`` invoices, the last ``last_days`` ago, older ones further
    back by a random gap; amounts around ``size`` in total."""
    count = rng.randint(*purchases)
    day = today - datetime.timedelta(days=rng.randint(*last_days))
    invoices = []
    for _index in range(count):
        amount = round(size / count * rng.uniform(0.7, 1.3), -1) or 10.0
        invoices.append((day, amount))
        day -= datetime.timedelta(days=rng.randint(*gap_days))
    return sorted(invoices)


def _birthday(rng, today, within_days):
    """A birthday whose next occurrence is 0 to ``within_days`` days ahead."""
    ahead = today + datetime.timedelta(days=rng.randint(0, within_days))
    years = rng.randint(28, 60)
    try:
        return ahead.replace(year=ahead.year - years)
    except ValueError:  # 29 February
        return ahead.replace(year=ahead.year - years, day=28)


def demo_clients(today: datetime.date, seed: int = SEED) -> list[DemoClient]:
    """The demo client base as of ``today``: 200 buyers and 100 prospects."""
    rng = random.Random(seed)
    buyers = sum(profile[1] for profile in BUYER_PROFILES)
    prospects = sum(profile[1] for profile in PROSPECT_PROFILES)
    # one buyer in seven is a private person
    individuals = sum(1 for index in range(buyers) if index % 7 == 3) + sum(
        profile[1] for profile in PROSPECT_PROFILES if not profile[2]
    )
    names = {
        True: iter(
            _names(rng, COMPANY_WORDS, COMPANY_TRADES, buyers + prospects - individuals)
        ),
        False: iter(
            _names(rng, FIRST_NAMES, LAST_NAMES, len(FIRST_NAMES) * len(LAST_NAMES))
        ),
    }
    clients = _plan_buyers(rng, today, names) + _plan_prospects(rng, names)
    _plan_people(rng, today, clients, names[False])
    _plan_contacts(rng, clients)
    return clients


def _new_client(rng, names, is_company, profile, typed_share):
    return DemoClient(
        name=next(names[is_company]),
        is_company=is_company,
        profile=profile,
        place=PLACES[rng.randrange(len(PLACES))],
        industry_index=rng.randrange(1000),
        salesperson=rng.choice(SALESPEOPLE),
        client_type=rng.choice(TYPES) if rng.random() < typed_share else None,
    )


def _plan_buyers(rng, today, names):
    """Buyers of every profile. Revenue sizes: a few big clients and a long
    tail (Pareto-like), shuffled over the buyers so that every profile has
    big and small ones; then one of the biggest stops buying ("A but
    sleeping", beside the big ones of the sleeping profiles)."""
    buyers = sum(profile[1] for profile in BUYER_PROFILES)
    sizes = [round(120_000 / (rank + 1) ** 1.15, -1) for rank in range(buyers)]
    rng.shuffle(sizes)
    clients = []
    for profile, count, purchases, last_days, gap_days in BUYER_PROFILES:
        for _number in range(count):
            index = len(clients)
            client = _new_client(rng, names, index % 7 != 3, profile, 0.8)
            client.invoices = _invoices(
                rng, today, purchases, last_days, gap_days, sizes[index]
            )
            if rng.random() < 0.08:
                day, amount = client.invoices[-1]
                client.credit_notes.append((day, round(amount * 0.3, -1) or 10.0))
            clients.append(client)
    by_size = sorted(clients, key=lambda client: -sum(a for _d, a in client.invoices))
    for client in by_size[:2]:
        shift = datetime.timedelta(days=150 - (today - client.invoices[-1][0]).days)
        if shift.days >= 0:
            client.invoices = [(day - shift, amount) for day, amount in client.invoices]
            client.profile += "_now_sleeping"
    return clients


def _plan_prospects(rng, names):
    """Prospects in white and grey and in every manual stage; refusals with
    their reason, a few temperatures set by hand."""
    reasons = itertools.cycle(REFUSAL_REASONS)
    overrides = {("gold_green", 0): "hot", ("green", 0): "cold"}
    clients = []
    for stage, count, is_company, decision_maker in PROSPECT_PROFILES:
        for number in range(count):
            client = _new_client(rng, names, is_company, stage, 0.5)
            if stage not in ("white", "grey"):
                client.manual_stage = stage
            if stage == "red_green":
                client.refusal_reason = next(reasons)
            client.temperature_override = overrides.get((stage, number % 3))
            client.decision_maker_known = decision_maker
            clients.append(client)
    return clients


def _plan_people(rng, today, clients, person_names):
    """Contact persons of the companies (the first one decides where a
    decision maker is known), and key dates over the year, some falling in
    the next days."""
    for number, client in enumerate(clients):
        if not client.is_company:
            client.key_date = _birthday(rng, today, 20 if number % 5 == 0 else 365)
            continue
        for position in range(1 + number % 2):
            client.persons.append(
                DemoPerson(
                    name=next(person_names),
                    function=FUNCTIONS[(number + position) % len(FUNCTIONS)],
                    is_decision_maker=client.decision_maker_known and position == 0,
                    birthday=_birthday(rng, today, 30) if number % 3 == 0 else None,
                )
            )
        client.key_date = _birthday(rng, today, 10 if number % 7 == 0 else 365)


def _slug(name, sep="."):
    return sep.join(name.lower().split())


def _plan_contacts(rng, clients):
    """Phones, e-mails, a preferred channel and a call window on most clients
    and persons: every card can be called or mailed, but a few."""
    for number, client in enumerate(clients):
        city = client.place[2]
        domain = f"{_slug(client.name, '-')}.example.com"
        contacts = [(client, "info" if client.is_company else _slug(client.name))]
        contacts += [(person, _slug(person.name)) for person in client.persons]
        for position, (contact, mailbox) in enumerate(contacts):
            if rng.random() < NO_CONTACT_SHARE and (number, position) != (0, 0):
                continue
            contact.phone = (
                f"+1 {AREA_CODES.get(city, 555)} 555 01{rng.randrange(100):02d}"
            )
            contact.email = f"{mailbox}@{domain}"
            contact.channel_index = rng.randrange(1000)
            if rng.random() < 0.7:
                start = rng.choice((8.0, 9.0, 9.5, 10.0, 13.0, 14.0))
                contact.call_window = (start, start + rng.choice((2.0, 3.0, 4.0)))


# The past nights the demo replays (client.demo.data._demo_replay_history):
# one a month over two years, then one a week over the last weeks, when the
# work plans are on.
HISTORY_MONTHS = 24
WORK_PLAN_WEEKS = 10


def history_days(
    today: datetime.date,
    months: int = HISTORY_MONTHS,
    weeks: int = WORK_PLAN_WEEKS,
) -> tuple[list[datetime.date], list[datetime.date]]:
    """The dates of the past recomputes, oldest first, all before ``today``:
    ``(monthly, weekly)``. Monthly: the first day of each of the ``months``
    months before ``today``'s, up to the weekly ones; weekly: ``today``
    minus 7, 14, ... ``7 * weeks`` days, so that the last month and this
    month (past its first week) have their runs."""
    weekly = [today - datetime.timedelta(days=7 * k) for k in range(weeks, 0, -1)]
    monthly = []
    for back in range(months, 0, -1):
        index = today.year * 12 + today.month - 1 - back
        day = datetime.date(index // 12, index % 12 + 1, 1)
        if not weekly or day < weekly[0]:
            monthly.append(day)
    return monthly, weekly
