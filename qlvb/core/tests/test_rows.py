"""core.rows.Read: a read compiled once gives what the ORM gives, for each call's parameters."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from qlvb.core import rows
from qlvb.notifications.models import Preference
from qlvb.org.models import Person

pytestmark = pytest.mark.django_db


def test_a_compiled_read_gives_what_the_orm_gives_for_new_parameters(org):
    org.head.last_login = timezone.now() - timedelta(days=1)
    org.head.save(update_fields=["last_login"])
    by_ids = rows.Read(lambda ids: Person.objects.filter(pk__in=ids).values_list("pk", "last_login", "full_name"),
                       list)
    for ids in ([org.head.pk], [org.clerk.pk, org.head.pk], [org.clerk.pk, org.clerk.pk]):
        assert by_ids.rows(ids) == list(Person.objects.filter(pk__in=ids).values_list("pk", "last_login",
                                                                                          "full_name"))
    assert by_ids.rows([]) == []
    [(_pk, login, _name)] = by_ids.rows([org.head.pk])
    assert login == org.head.last_login  # a datetime, converted as the ORM does (a string on SQLite)

    named = rows.Read(lambda pk, name: Person.objects.filter(pk=pk, full_name=name).values("pk", "full_name"),
                      int, str)
    assert named.dicts(org.head.pk, org.head.full_name) == [{"pk": org.head.pk, "full_name": org.head.full_name}]
    assert named.dicts(org.head.pk, "someone else") == []

    one = rows.Read(lambda pk: Person.objects.filter(pk=pk).values_list(*rows.attnames(Person)), int)
    [person] = one.objects(Person, org.clerk.pk)
    assert person == org.clerk and person.full_name == org.clerk.full_name and not person._state.adding


def test_it_is_compiled_once_and_json_comes_back_decoded(org):
    Preference.objects.create(person=org.head, kind="presented", channels=["email", "push"])
    read = rows.Read(lambda people, kind: Preference.objects.filter(person_id__in=people, kind=kind)
                     .values_list("person_id", "channels"), list, str)
    assert read.rows([org.head.pk], "presented") == [(org.head.pk, ["email", "push"])]
    with CaptureQueriesContext(connection) as ctx:
        assert read.rows([org.head.pk], "assigned") == []
    assert len(ctx.captured_queries) == 1
    assert len(read._compiled) == 1  # the same SQL for another kind


def test_a_long_list_is_read_by_the_orm_and_a_parameter_changed_on_the_way_is_refused(org, monkeypatch):
    monkeypatch.setattr(rows.Read, "LONGEST", 2)
    people = list(Person.objects.values_list("pk", flat=True))[:4]
    assert len(people) > rows.Read.LONGEST
    read = rows.Read(lambda ids: Person.objects.filter(pk__in=ids).order_by("pk").values("pk"), list)
    assert read.dicts(people) == [{"pk": pk} for pk in sorted(people)]
    assert read._compiled == {}

    shifted = rows.Read(lambda pk: Person.objects.filter(pk=pk + 1).values_list("pk"), int)
    with pytest.raises(ValueError):
        shifted.rows(org.head.pk)


def test_on_postgresql_a_statement_run_again_is_planned_once_per_connection(org):
    """settings: server-side binding, so psycopg prepares what a connection runs again and again."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    read = rows.Read(lambda pk: Person.objects.filter(pk=pk).values_list("full_name"), int)
    for person in [org.head, org.clerk, org.head, org.clerk, org.head, org.clerk]:
        assert read.rows(person.pk) == [(person.full_name,)]
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [statement for (statement,) in cursor.fetchall()]
    assert any('"org_person"."full_name"' in statement and "$1" in statement for statement in prepared)
