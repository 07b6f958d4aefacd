"""The agency's leave rules: its leaders and administrators change them on a page and through the
API (404 for anyone else, another agency's administrator included); bad values change nothing; the
approval chain follows the new limits."""

from __future__ import annotations

from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from qlvb.core.actor import Actor
from qlvb.core.errors import NotAllowed
from qlvb.core.models import Event
from qlvb.leave import rules, services
from qlvb.leave.models import Rules
from qlvb.leave.tests.conftest import MONDAY, TODAY

pytestmark = pytest.mark.django_db

GOOD = {"unit_head_max_days": "1", "field_leader_max_days": "3", "notice_days": "5", "base_days": "12",
        "carry_years": "2"}


def test_the_head_changes_the_rules_on_the_page(org, login):
    client = login(org.head)
    page = client.get("/leave/rules/")
    assert page.status_code == 200 and "Quy định nghỉ phép" in page.content.decode()
    assert client.post("/leave/rules/", GOOD).status_code == 302
    row = Rules.objects.get(agency=org.agency)
    assert (row.unit_head_max_days, row.field_leader_max_days, row.notice_days, row.carry_years) == \
        (Decimal(1), Decimal(3), 5, 2)
    assert Event.objects.filter(verb="leave.rules_changed", agency_id=org.agency.pk).count() == 1


def test_bad_values_change_nothing(org, login):
    client = login(org.head)
    # a unit head granting more than the deputy in charge; fewer annual days than the Labour Code
    for bad in ({**GOOD, "unit_head_max_days": "4"}, {**GOOD, "base_days": "10"}, {**GOOD, "carry_years": "9"}):
        response = client.post("/leave/rules/", bad)
        assert response.status_code == 200 and "invalid-feedback" in response.content.decode()
    assert not Rules.objects.filter(agency=org.agency).exists()
    assert not Event.objects.filter(verb="leave.rules_changed").exists()


def test_only_leaders_and_the_agencys_administrators(org, other_org, login):
    for person in (org.specialist, org.unit_head, org.clerk):
        assert login(person).get("/leave/rules/").status_code == 404
        assert login(person).post("/leave/rules/", GOOD).status_code == 404
    other_org.admin.is_agency_admin = True
    other_org.admin.save(update_fields=["is_agency_admin"])
    with pytest.raises(NotAllowed):
        services.set_rules(by=Actor(other_org.admin), agency_id=org.agency.pk, notice_days=1)
    assert not Rules.objects.filter(agency=org.agency).exists()


def test_the_chain_follows_the_new_limits(org, field):
    services.set_rules(by=Actor(org.head), agency_id=org.agency.pk, unit_head_max_days=Decimal(1),
                       field_leader_max_days=Decimal(3))
    leave = services.request_leave(by=Actor(org.specialist), kind="annual", start=MONDAY, end=MONDAY,
                                   reason="Việc gia đình", today=TODAY)
    assert leave.approver == org.unit_head  # one day: now within the unit head's limit
    assert rules.rules_for(org.agency.pk).field_leader_max_days == Decimal(3)


def test_the_api_reads_and_replaces_the_rules(org):
    api = APIClient()
    api.force_authenticate(org.head)
    assert api.get("/api/v1/leave/rules/").json() == {
        "unit_head_max_days": "0.5", "field_leader_max_days": "1.0", "notice_days": 3, "base_days": 12,
        "carry_years": 3}
    answer = api.put("/api/v1/leave/rules/", {**GOOD, "notice_days": 4}, format="json")
    assert answer.status_code == 200 and answer.json()["notice_days"] == 4
    bad = api.put("/api/v1/leave/rules/", {**GOOD, "unit_head_max_days": "5"}, format="json")
    assert bad.status_code == 400 and "unit_head_max_days" in bad.json()
    assert Rules.objects.get(agency=org.agency).notice_days == 4
    specialist = APIClient()
    specialist.force_authenticate(org.specialist)
    assert specialist.get("/api/v1/leave/rules/").status_code == 404
    assert specialist.put("/api/v1/leave/rules/", GOOD, format="json").status_code == 404
