"""Who gets what by which channel: a person's own choice, else their agency's default (set by its
administrator), else the installation's. Only an agency's administrator sets its defaults."""

from __future__ import annotations

import pytest

from qlvb.core.actor import Actor
from qlvb.core.errors import NotAllowed
from qlvb.core.models import Event
from qlvb.notifications import services
from qlvb.notifications.models import AgencyDefault, Preference

pytestmark = pytest.mark.django_db
EMAIL, PUSH, DIGEST = "email", "push", "digest"


def test_without_any_choice_events_come_by_email_and_push_and_reminders_by_push_and_digest(org):
    org.specialist.email = "mai@stttt.sonla.gov.vn"
    assert services.wanting(EMAIL, "assigned", [org.specialist]) == {org.specialist.pk}
    assert services.wanting(PUSH, "assigned", [org.specialist]) == {org.specialist.pk}
    assert services.wanting(EMAIL, "overdue", [org.specialist]) == set()
    assert services.wanting(DIGEST, "overdue", [org.specialist]) == {org.specialist.pk}


def test_the_agencys_default_applies_until_a_person_chooses_and_stays_in_its_agency(org, other_org):
    for person in (org.specialist, org.unit_head, other_org.specialist):
        person.email = f"{person.username}@sonla.gov.vn"
    services.set_preferences(person=org.unit_head, channels={"assigned": {EMAIL}})  # her own choice
    services.set_agency_defaults(by=Actor(org.admin), agency=org.agency,
                                 channels={**services.agency_defaults(org.agency.pk), "assigned": {PUSH}})
    people = [org.specialist, org.unit_head, other_org.specialist]
    assert services.wanting(EMAIL, "assigned", people) == {org.unit_head.pk, other_org.specialist.pk}
    assert services.wanting(PUSH, "assigned", people) == {org.specialist.pk, other_org.specialist.pk}
    # The rest of the kinds left at the installation's default: no rows for them.
    assert list(AgencyDefault.objects.values_list("agency", "kind")) == [(org.agency.pk, "assigned")]
    assert Event.objects.filter(verb="notifications.defaults_changed", agency=org.agency).exists()
    # A person who picks exactly the agency's default follows its later changes.
    services.set_preferences(person=org.specialist, channels=services.agency_defaults(org.agency.pk))
    assert not Preference.objects.filter(person=org.specialist).exists()


def test_only_the_agencys_administrator_sets_its_defaults(org, other_org, login):
    with pytest.raises(NotAllowed):
        services.set_agency_defaults(by=Actor(org.head), agency=org.agency, channels={})
    with pytest.raises(NotAllowed):
        services.set_agency_defaults(by=Actor(org.admin), agency=other_org.agency, channels={})
    assert login(org.specialist).get("/notifications/defaults/").status_code == 404
    admin = login(org.admin)
    assert admin.get(f"/notifications/defaults/{other_org.agency.pk}/").status_code == 404
    page = admin.get("/notifications/defaults/")
    assert page.status_code == 200 and "Mặc định thông báo" in page.content.decode()
    response = admin.post("/notifications/defaults/", {"push_assigned": "1", "digest_assigned": "1"})
    assert response.status_code == 302
    assert AgencyDefault.objects.get(agency=org.agency, kind="assigned").channels == [DIGEST, PUSH]
    assert "/notifications/defaults/" in admin.get("/administration/").content.decode()


def test_the_preferences_page_saves_per_kind_and_channel(org, login):
    client = login(org.specialist)
    page = client.get("/notifications/preferences/").content.decode()
    assert 'name="push_assigned" value="1" checked' in page and 'name="digest_overdue" value="1" checked' in page
    assert client.post("/notifications/preferences/", {"digest_assigned": "1"}).status_code == 302
    wanted = services.chosen_channels(org.specialist)
    assert wanted["assigned"] == {DIGEST} and wanted["overdue"] == set()
