import collections
import datetime

from conftest import load_tool

demo_data = load_tool("demo_data")

TODAY = datetime.date(2026, 11, 26)


def test_plan_is_deterministic_and_has_no_duplicated_name():
    clients = demo_data.demo_clients(TODAY)
    assert clients == demo_data.demo_clients(TODAY)
    names = [client.name for client in clients]
    names += [person.name for client in clients for person in client.persons]
    assert len(names) == len(set(names))
    assert len(clients) == 300


def test_plan_fills_every_profile_stage_and_type():
    clients = demo_data.demo_clients(TODAY)
    profiles = collections.Counter(
        client.profile.split("_now")[0] for client in clients
    )
    for profile, *_rest in demo_data.BUYER_PROFILES + demo_data.PROSPECT_PROFILES:
        assert profiles[profile] > 0, profile
    assert {client.client_type for client in clients} >= set(demo_data.TYPES)
    assert {c.refusal_reason for c in clients if c.refusal_reason} == set(
        demo_data.REFUSAL_REASONS
    )
    assert all(c.refusal_reason for c in clients if c.manual_stage == "red_green")
    assert {client.place[1] for client in clients} == {p[1] for p in demo_data.PLACES}


def test_big_clients_sleep_and_key_dates_fall_in_the_next_days():
    clients = demo_data.demo_clients(TODAY)
    asleep = [c for c in clients if c.profile.endswith("_now_sleeping")]
    assert asleep
    for client in asleep:
        assert (TODAY - client.invoices[-1][0]).days == 150
    soon = [
        person.birthday
        for client in clients
        for person in client.persons
        if person.birthday
        and (person.birthday.replace(year=TODAY.year) - TODAY).days in range(4)
    ]
    assert soon
    for client in clients:
        assert all(day <= TODAY and amount > 0 for day, amount in client.invoices)


def test_most_cards_can_be_called_or_mailed():
    clients = demo_data.demo_clients(TODAY)
    contacts = clients + [person for client in clients for person in client.persons]
    reachable = [c for c in contacts if c.phone and c.email]
    assert len(reachable) > 0.8 * len(contacts)
    assert all(c.channel_index is not None for c in reachable)
    windows = [c.call_window for c in reachable if c.call_window]
    assert len(windows) > 0.5 * len(reachable)
    assert all(0 <= start < end <= 24 for start, end in windows)
    # the sleeping big clients too: their cards are not empty
    asleep = [c for c in clients if c.profile.endswith("_now_sleeping")]
    assert any(c.phone for c in asleep)
    dated = [c for c in clients if c.key_date]
    assert len(dated) > 0.8 * len(clients)
    emails = [c.email for c in reachable]
    assert len(set(emails)) == len(emails)


def test_history_days_cover_two_years_then_weeks():
    for today in (TODAY, datetime.date(2026, 1, 1), datetime.date(2026, 3, 31)):
        monthly, weekly = demo_data.history_days(today)
        days = monthly + weekly
        assert days == sorted(set(days))
        assert days[-1] == today - datetime.timedelta(days=7)
        assert all(day.day == 1 for day in monthly)
        assert (today - days[0]).days > 700
        assert len(weekly) == demo_data.WORK_PLAN_WEEKS
        last_month = (today.replace(day=1) - datetime.timedelta(days=1)).month
        assert any(day.month == last_month for day in days)
