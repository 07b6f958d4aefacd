"""The agency's review flow, changed by its administrator, is the one the next submission follows."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from qlvb.core.actor import Actor
from qlvb.core.errors import NotAllowed
from qlvb.core.models import Event
from qlvb.core.workdays import add_working_days
from qlvb.outgoing import services
from qlvb.outgoing.models import OutgoingSettings, ReviewStep


def test_the_next_submission_follows_the_flow_the_administrator_set(org, draft):
    services.update_settings(by=Actor(org.admin), agency=org.agency, review_days=5, office_check=False,
                             office_checker=org.clerk, place="Mộc Châu")
    services.submit(by=Actor(org.specialist), document=draft, signer=org.deputy)
    steps = list(draft.steps.order_by("order"))
    assert [s.kind for s in steps] == [ReviewStep.Kind.UNIT_HEAD, ReviewStep.Kind.SIGNER]
    assert steps[0].due_date == add_working_days(timezone.localdate(), 5, org.agency)
    event = Event.objects.filter(verb="outgoing.settings_changed").get()
    assert event.actor == org.admin and event.agency_id == org.agency.pk
    assert event.data["changes"] == {"review_days": [3, 5], "office_check": [True, False],
                                     "place": ["Sơn La", "Mộc Châu"]}


def test_office_check_on_puts_the_checker_before_the_signer(org, draft):
    services.update_settings(by=Actor(org.admin), agency=org.agency, review_days=2, office_check=True,
                             office_checker=org.unit_head, place="Sơn La")
    services.submit(by=Actor(org.specialist), document=draft, signer=org.head)
    kinds = [(s.kind, s.reviewer) for s in draft.steps.order_by("order")]
    assert kinds[-2:] == [(ReviewStep.Kind.OFFICE, org.unit_head), (ReviewStep.Kind.SIGNER, org.head)]


@pytest.mark.parametrize("changes, field", [
    ({"review_days": 0}, "review_days"),
    ({"review_days": 31}, "review_days"),
    ({"place": "   "}, "place"),
    ({"office_check": True, "office_checker": None}, "office_checker"),
])
def test_bad_values_change_nothing(org, signing, changes, field):
    before = OutgoingSettings.objects.values().get(agency=org.agency)
    values = {"review_days": 3, "office_check": True, "office_checker": org.clerk, "place": "Sơn La", **changes}
    with pytest.raises(ValidationError) as caught:
        services.update_settings(by=Actor(org.admin), agency=org.agency, **values)
    assert field in caught.value.message_dict
    assert OutgoingSettings.objects.values().get(agency=org.agency) == before
    assert not Event.objects.filter(verb="outgoing.settings_changed").exists()


def test_checker_from_another_agency_or_admin_of_another_agency_is_refused(org, other_org, signing):
    with pytest.raises(ValidationError):
        services.update_settings(by=Actor(org.admin), agency=org.agency, review_days=3, office_check=True,
                                 office_checker=other_org.clerk, place="Sơn La")
    with pytest.raises(NotAllowed):
        services.update_settings(by=Actor(other_org.admin), agency=org.agency, review_days=3, office_check=False,
                                 office_checker=None, place="Sơn La")
    with pytest.raises(NotAllowed):
        services.update_settings(by=Actor(org.clerk), agency=org.agency, review_days=3, office_check=False,
                                 office_checker=None, place="Sơn La")
