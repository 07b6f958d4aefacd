"""The week views and the iCalendar feeds read a fixed number of queries, whatever the number of
entries (the same with 5 and with 50): the lists are read with their people, units and periods in
bulk, and the double bookings in one query."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from qlvb.core.actor import Actor
from qlvb.schedules import selectors, services
from qlvb.schedules.models import Entry, Period, Scope
from qlvb.schedules.tests.conftest import at

pytestmark = pytest.mark.django_db


def _make(org, office, monday, start: int, end: int) -> None:
    for i in range(start, end):
        day, hour = monday + __import__("datetime").timedelta(days=i % 7), 7 + (i // 7) % 12
        kind = i % 3
        if kind == 0:
            services.save_entry(by=Actor(office.chief), agency=org.agency, scope=Scope.AGENCY, title=f"Họp số {i}",
                                starts_at=at(day, hour), ends_at=at(day, hour + 1), chair=org.head,
                                people=[org.head, org.deputy, org.specialist], units=[org.unit],
                                preparing_unit=org.office)
        elif kind == 1:
            services.save_entry(by=Actor(org.unit_head), agency=org.agency, scope=Scope.UNIT, unit=org.unit,
                                title=f"Việc của phòng {i}", starts_at=at(day, hour), ends_at=at(day, hour + 1),
                                people=[org.specialist, org.unit_head])
        else:
            services.save_entry(by=Actor(org.specialist), agency=org.agency, scope=Scope.PERSONAL,
                                title=f"Việc riêng {i}", starts_at=at(day, hour), ends_at=at(day, hour + 1))
    for period in Period.objects.exclude(status=Period.Status.PUBLISHED):
        services.publish_period(by=Actor(org.head), period=period)


def _counts(clients: dict[str, Client], urls: dict[str, str]) -> dict[str, int]:
    found = {}
    for name, url in urls.items():
        client = clients[name.split(":")[0]]
        client.get(url)  # warm: roles, templates
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, (name, response.status_code)
        found[name] = len(queries)
    return found


def test_week_views_and_feeds_read_as_many_queries_with_5_and_50_entries(org, office, monday, login, settings):
    settings.QLVB_KEEP_PAGES = False  # the pages made afresh each time (core.keptpages), their queries counted
    _make(org, office, monday, 0, 5)
    clients = {"head": login(org.head), "specialist": login(org.specialist), "feed": Client()}
    urls = {
        "head:agency": selectors.week_url("agency", monday),
        "specialist:agency": selectors.week_url("agency", monday),
        "specialist:me": selectors.week_url("me", monday),
        "specialist:unit": selectors.week_url(f"unit-{org.unit.pk}", monday),
        "head:unit": selectors.week_url(f"unit-{org.unit.pk}", monday),
        "feed:personal": reverse("schedules:feed", args=[
            services.reset_feed_token(by=Actor(org.specialist), feed="personal")]),
        "feed:unit": reverse("schedules:feed", args=[
            services.reset_feed_token(by=Actor(org.specialist), feed="unit", unit=org.unit)]),
        "feed:agency": reverse("schedules:feed", args=[services.reset_feed_token(by=Actor(org.head), feed="agency")]),
    }
    few = _counts(clients, urls)
    _make(org, office, monday, 5, 50)
    assert Entry.objects.count() == 50
    many = _counts(clients, urls)
    assert many == few
    page = clients["head"].get(urls["head:agency"]).content.decode()
    assert page.count('data-entry="') >= 17 * 2  # every agency entry, in the table and in the phone list


def test_a_week_is_kept_whole_until_the_next_event(org, office, monday, login):
    """core.keptpages: the week read again costs no query of the schedule; any change (an event)
    makes it afresh."""
    _make(org, office, monday, 0, 3)
    client = login(org.specialist)
    url = selectors.week_url("agency", monday)
    client.get(url)
    with CaptureQueriesContext(connection) as kept:
        assert "Họp số 0" in client.get(url).content.decode()
    assert not [q for q in kept.captured_queries if "schedules_" in q["sql"]]
    services.save_entry(by=Actor(office.chief), agency=org.agency, scope=Scope.AGENCY, title="Họp bổ sung",
                        starts_at=at(monday, 15), ends_at=at(monday, 16), chair=org.head, people=[org.head])
    assert "Họp bổ sung" in client.get(url).content.decode()  # published week: adjusted, shown at once
