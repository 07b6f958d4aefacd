"""Schedule entries in the document-kind registry and in search: found by content, place and notes,
only by the people who may open them (the rule of selectors.may_see, written again as SQL in
kind.py, and both agree)."""

from __future__ import annotations

import pytest

from qlvb.core import kinds
from qlvb.core.actor import Actor
from qlvb.schedules import selectors, services
from qlvb.schedules.models import Entry, Period, Scope
from qlvb.schedules.tests.conftest import at
from qlvb.search import selectors as search
from qlvb.search.models import SearchEntry

pytestmark = pytest.mark.django_db


def _found(person, words: str) -> set[int]:
    return {hit.entry.document_id for hit in search.search(person, words).hits if hit.entry.kind == "schedule"}


@pytest.fixture
def entries(org, office, monday):
    personal = services.save_entry(by=Actor(org.specialist), agency=org.agency, scope=Scope.PERSONAL,
                                   title="Khám sức khỏe định kỳ", place="Bệnh viện Đa khoa tỉnh",
                                   notes="Mang theo sổ khám bệnh", starts_at=at(monday, 7), ends_at=at(monday, 9))
    agency = services.save_entry(by=Actor(office.chief), agency=org.agency, scope=Scope.AGENCY,
                                 title="Giao ban Lãnh đạo Sở", place="Phòng họp tầng hai", starts_at=at(monday, 8),
                                 ends_at=at(monday, 10), chair=org.head, people=[org.head, org.specialist])
    unit = services.save_entry(by=Actor(org.unit_head), agency=org.agency, scope=Scope.UNIT, unit=org.unit,
                               title="Rà soát hạ tầng mạng", place="Phòng máy chủ", starts_at=at(monday, 14),
                               ends_at=at(monday, 16))
    return personal, agency, unit


def test_a_personal_entry_is_found_only_by_its_people(org, other_org, entries, login):
    personal, _agency, _unit = entries
    assert _found(org.specialist, "benh vien da khoa") == {personal.pk}  # the place
    assert _found(org.specialist, "so kham benh") == {personal.pk}  # the notes
    for colleague in (org.unit_head, org.head, org.clerk, other_org.head):
        assert _found(colleague, "kham suc khoe") == set(), colleague
    client = login(org.unit_head)
    assert client.get(f"/schedules/entries/{personal.pk}/").status_code == 404
    assert f"/schedules/entries/{personal.pk}/" not in client.get("/search/", {"q": "kham suc khoe"}).content.decode()
    owner = login(org.specialist)
    assert f"/schedules/entries/{personal.pk}/" in owner.get("/search/", {"q": "kham suc khoe"}).content.decode()


def test_the_leaders_week_is_found_by_the_office_and_leaders_then_by_everyone_once_published(
        org, other_org, office, entries):
    _personal, agency, _unit = entries
    assert _found(org.head, "giao ban") == {agency.pk}
    assert _found(office.chief, "giao ban") == {agency.pk}
    assert _found(org.unit_head, "giao ban") == set()  # a draft
    assert _found(org.specialist, "giao ban") == set()  # attending a draft does not open it
    period = Period.objects.get()
    services.submit_period(by=Actor(office.chief), period=period)
    services.publish_period(by=Actor(org.head), period=period)
    for person in (org.unit_head, org.specialist, org.clerk, org.deputy):
        assert _found(person, "giao ban lanh dao") == {agency.pk}, person
    assert _found(other_org.head, "giao ban lanh dao") == set()
    assert _found(other_org.specialist, "giao ban lanh dao") == set()


def test_a_units_entry_is_found_by_the_unit_and_the_leaders(org, office, other_org, entries):
    _personal, _agency, unit = entries
    assert _found(org.specialist, "ha tang mang") == {unit.pk}  # in the unit
    assert _found(org.head, "ha tang mang") == {unit.pk}
    assert _found(org.clerk, "ha tang mang") == set()  # the office, another unit
    assert _found(other_org.head, "ha tang mang") == set()


def test_a_cancelled_or_deleted_entry_follows_in_the_index(org, entries):
    personal, _agency, _unit = entries
    services.remove_entry(by=Actor(org.specialist), entry=personal)
    assert _found(org.specialist, "kham suc khoe") == set()


def test_the_kinds_rule_agrees_with_the_pages_rule(org, office, other_org, entries):
    """For every person and entry, draft and published: the rule in Python (one document), the
    rule as SQL on the search index and on the entries' table, and the pages' selectors.may_see
    say the same."""
    people = [org.head, org.deputy, org.unit_head, org.specialist, org.clerk, office.chief, office.inspector,
              other_org.head, other_org.specialist]
    period = Period.objects.get()
    for stage in ("draft", "published"):
        if stage == "published":
            services.submit_period(by=Actor(office.chief), period=period)
            services.publish_period(by=Actor(org.head), period=period)
        rows = list(Entry.objects.select_related("period"))
        for person in people:
            rule = kinds.get("schedule").rule(person)
            indexed = set(SearchEntry.objects.filter(search.visible_entries_q(person), kind="schedule")
                          .values_list("document_id", flat=True))
            # The rule as SQL on the entries' own table (the scope standing for the status).
            opened = set(kinds.visible("schedule", person).values_list("pk", flat=True))
            for entry in rows:
                expected = selectors.may_see(person, entry)
                assert rule.allows(entry) == expected, (stage, person.username, entry.title)
                assert (entry.pk in indexed) == expected, (stage, person.username, entry.title)
                assert (entry.pk in opened) == expected, (stage, person.username, entry.title)
