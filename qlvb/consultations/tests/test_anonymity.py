"""Anonymous answers are unlinkable from the person in the database itself: read raw, the tables
hold no column that names the person beside an answer, the participation rows (who answered)
cannot be joined to the responses (what was answered), neither by a key, nor by a date, nor by the
rows' physical order; the event log never carries the response; the administrator's pages and API
show nothing more."""

from __future__ import annotations

import uuid

import pytest
from django.db import connection

from qlvb.accounts.services import create_api_token
from qlvb.consultations import services
from qlvb.consultations.models import Participation, Response
from qlvb.consultations.tests.helpers import answers, rules_consultation
from qlvb.core.actor import Actor

pytestmark = pytest.mark.django_db


def _columns(table: str) -> dict[str, str]:
    with connection.cursor() as cursor:
        described = connection.introspection.get_table_description(cursor, table)
    return {c.name: c.type_code for c in described}


def _rows(sql: str) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchall()


def _answer_all(org, c, opinions):  # noqa: ANN001, ANN202
    people = [org.specialist, org.unit_head, org.clerk]
    for person, opinion in zip(people, opinions, strict=True):
        services.answer(by=Actor(person), consultation=c, answers=answers(c, opinion=opinion))
    return people


def test_the_tables_read_raw_do_not_link_a_person_to_an_anonymous_answer(org):
    c = rules_consultation(org, anonymous=True)
    people = _answer_all(org, c, ["Ý kiến thứ nhất", "Ý kiến thứ hai", "Ý kiến thứ ba"])
    response_table, participation_table = Response._meta.db_table, Participation._meta.db_table
    # Responses: no person, no date, random (version 4) keys.
    rows = _rows(f"SELECT id, person_id, submitted_on FROM {response_table}")  # noqa: S608
    assert len(rows) == 3
    assert all(person is None and day is None for _id, person, day in rows)
    assert all(uuid.UUID(str(pk)).version == 4 for pk, _p, _d in rows)
    # Who answered: the participation rows, with no column pointing at a response.
    participation = _columns(participation_table)
    assert set(participation) == {"id", "consultation_id", "person_id", "answered_on"}
    references = {f.column: f.related_model for f in Participation._meta.concrete_fields if f.is_relation}
    assert Response not in references.values()
    assert {p for (p,) in _rows(f"SELECT person_id FROM {participation_table}")} == {p.pk for p in people}  # noqa: S608
    # The only value both tables share is the consultation: a join gives every pair, 3 × 3.
    joined = _rows(f"SELECT p.person_id, r.id FROM {participation_table} p JOIN {response_table} r "  # noqa: S608
                   f"ON r.consultation_id = p.consultation_id")
    assert len(joined) == 9
    # Nothing in a response's text names its author.
    for (text,) in _rows(f"SELECT answers FROM {response_table}"):  # noqa: S608
        assert all(str(p.pk) not in text.split('"') and p.full_name not in text for p in people)


def test_the_rows_physical_order_is_not_the_order_of_answering(org, monkeypatch):
    """Each anonymous answer rewrites the consultation's responses in random order: forced here to
    an order by text (descending), the rows come back in that order, not in the order given."""
    import random

    monkeypatch.setattr(random.SystemRandom, "shuffle",
                        lambda self, rows: rows.sort(key=lambda r: str(r.answers), reverse=True))
    c = rules_consultation(org, anonymous=True)
    _answer_all(org, c, ["A – người thứ nhất", "B – người thứ hai", "C – người thứ ba"])
    physical = "rowid" if connection.vendor == "sqlite" else "ctid"
    table = Response._meta.db_table
    order = [text for (text,) in _rows(f"SELECT answers FROM {table} ORDER BY {physical}")]  # noqa: S608
    firsts = [next(v for v in (t if isinstance(t, dict) else __import__("json").loads(t)).values()
                   if isinstance(v, str)) for t in order]
    assert firsts == ["C – người thứ ba", "B – người thứ hai", "A – người thứ nhất"]


def test_the_event_log_never_carries_an_anonymous_response(org):
    from qlvb.core.models import Event
    from qlvb.notifications.models import Notification

    c = rules_consultation(org, anonymous=True)
    _answer_all(org, c, ["Một", "Hai", "Ba"])
    ids = {str(pk) for pk in Response.objects.values_list("pk", flat=True)}
    answered = list(Event.objects.filter(verb="consultation.answered"))
    assert len(answered) == 3 and all(e.data == {"anonymous": True} for e in answered)
    for event in Event.objects.all():
        assert not any(pk in f"{event.data} {event.target_id} {event.target_label}" for pk in ids)
    for notification in Notification.objects.all():
        assert not any(pk in f"{notification.params} {notification.target_id} {notification.url}" for pk in ids)
    # The service gives the answerer nothing to find his answer again.
    c2 = rules_consultation(org, anonymous=True)
    assert services.answer(by=Actor(org.deputy), consultation=c2, answers=answers(c2)) is None


def test_the_administrators_pages_and_api_show_nobody(client, org, login):
    from qlvb.org.models import Person

    c = rules_consultation(org, anonymous=True)
    people = _answer_all(org, c, ["Đề nghị sửa Điều 2", "Đồng ý toàn bộ", "Bổ sung quy định trực tuyến"])
    superuser = Person.objects.filter(is_superuser=True).first()
    _token, key = create_api_token(person=org.head, name="test")
    api = client.get(f"/api/v1/consultations/{c.pk}/results/", HTTP_AUTHORIZATION=f"Bearer {key}").content.decode()
    assert "Đề nghị sửa Điều 2" in api
    for viewer in filter(None, (org.head, org.admin, superuser)):
        page = login(viewer).get(f"/consultations/{c.pk}/results/")
        body = page.content.decode()
        if page.status_code == 200:
            assert "Đề nghị sửa Điều 2" in body
        for person in people:
            assert person.full_name not in body
    for person in people:
        assert person.full_name not in api


def test_a_consultation_letting_each_choose_keeps_the_anonymous_ones_unlinked(org):
    from qlvb.consultations import selectors
    from qlvb.core.models import Event

    c = rules_consultation(org, lets_choose=True)
    named = services.answer(by=Actor(org.specialist), consultation=c, answers=answers(c, opinion="Có tên"))
    hidden = services.answer(by=Actor(org.unit_head), consultation=c, answers=answers(c, opinion="Ẩn danh"),
                             anonymously=True)
    assert named is not None and named.person_id == org.specialist.pk and hidden is None
    rows = _rows(f"SELECT person_id, submitted_on FROM {Response._meta.db_table}")  # noqa: S608
    assert sorted(rows, key=str) == sorted([(org.specialist.pk, named.submitted_on), (None, None)], key=str)
    opinions = next(q for q in selectors.results(c).questions if q.question.kind == "text").opinions
    assert sorted(opinions) == [("Có tên", org.specialist.full_name), ("Ẩn danh", "")]
    data = [e.data for e in Event.objects.filter(verb="consultation.answered").order_by("id")]
    assert data == [{"anonymous": False, "response": str(named.pk)}, {"anonymous": True}]
