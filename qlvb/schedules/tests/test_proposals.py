"""The leaders' week drafted from what is put forward (đăng ký lịch tuần): a leader's or a unit's
entry put forward once, seen by the office beside the week's draft, taken in once; a colleague's
personal entry never shown to the office unless put forward."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from qlvb.core.actor import Actor
from qlvb.core.errors import NotAllowed
from qlvb.core.models import Event
from qlvb.schedules import selectors, services
from qlvb.schedules.models import Entry, Scope
from qlvb.schedules.tests.conftest import at

pytestmark = pytest.mark.django_db


def week(day) -> str:  # noqa: ANN001
    return f"{reverse('schedules:calendar', args=['week'])}?s=agency&d={day.isoformat()}"


def deputy_entry(org, monday, title="Làm việc với Viettel Sơn La về hạ tầng 5G"):  # noqa: ANN001, ANN201
    return services.save_entry(by=Actor(org.deputy), agency=org.agency, scope=Scope.PERSONAL, title=title,
                               place="Trụ sở Viettel Sơn La", starts_at=at(monday, 14), ends_at=at(monday, 16),
                               chair=org.deputy, people=[org.unit_head])


def test_the_office_takes_a_put_forward_entry_into_the_week_once(org, office, monday):
    private = deputy_entry(org, monday, title="Khám sức khỏe định kỳ")
    entry = deputy_entry(org, monday)
    assert selectors.proposals(org.agency.pk, monday, monday) == []  # nothing put forward yet
    services.propose_entry(by=Actor(org.deputy), entry=entry)
    assert [p.pk for p in selectors.proposals(org.agency.pk, monday, monday)] == [entry.pk]
    adopted = services.adopt_proposal(by=Actor(office.chief), entry=entry)
    assert adopted.scope == Scope.AGENCY and adopted.period is not None and not adopted.period.is_published
    assert (adopted.title, adopted.place, adopted.starts_at, adopted.chair) == (
        entry.title, entry.place, entry.starts_at, org.deputy)
    assert set(adopted.attendees.values_list("person_id", flat=True)) == {org.deputy.pk, org.unit_head.pk}
    assert selectors.proposals(org.agency.pk, monday, monday) == []
    with pytest.raises(ValidationError):
        services.adopt_proposal(by=Actor(office.chief), entry=entry)
    assert Entry.objects.filter(scope=Scope.AGENCY).count() == 1
    assert Entry.objects.get(pk=entry.pk).scope == Scope.PERSONAL  # the proposal stays where it was
    with pytest.raises(NotAllowed):  # never put forward: not the office's to take
        services.adopt_proposal(by=Actor(office.chief), entry=private)
    assert Event.objects.filter(verb="schedules.entry_proposed", target_id=str(entry.pk)).count() == 1


def test_only_who_may_change_an_entry_puts_it_forward_and_only_the_office_takes_it(org, office, monday):
    entry = deputy_entry(org, monday)
    with pytest.raises(NotAllowed):
        services.propose_entry(by=Actor(org.specialist), entry=entry)
    services.propose_entry(by=Actor(org.deputy), entry=entry)
    with pytest.raises(ValidationError):
        services.propose_entry(by=Actor(org.deputy), entry=entry)  # once
    for outsider in (org.specialist, org.unit_head):
        with pytest.raises(NotAllowed):
            services.adopt_proposal(by=Actor(outsider), entry=entry)
    assert not Entry.objects.filter(scope=Scope.AGENCY).exists()


def test_an_agency_entry_is_not_put_forward(org, office, monday):
    entry = services.save_entry(by=Actor(office.chief), agency=org.agency, scope=Scope.AGENCY, title="Giao ban",
                                starts_at=at(monday, 8), ends_at=at(monday, 10), chair=org.head)
    with pytest.raises(ValidationError):
        services.propose_entry(by=Actor(office.chief), entry=entry)
    assert Entry.objects.get(pk=entry.pk).proposed_at is None


def test_through_the_pages(org, office, other_org, monday, login):
    entry = deputy_entry(org, monday)
    deputy = login(org.deputy)
    page = deputy.get(reverse("schedules:entry", args=[entry.pk]))
    assert "Đề xuất đưa vào lịch tuần của lãnh đạo" in page.content.decode()
    assert login(org.specialist).post(reverse("schedules:entry_propose", args=[entry.pk])).status_code == 404
    deputy.post(reverse("schedules:entry_propose", args=[entry.pk]))
    assert Entry.objects.get(pk=entry.pk).proposed_at is not None

    html = login(office.chief).get(week(monday)).content.decode()
    assert 'id="schedule-proposals"' in html and "Làm việc với Viettel Sơn La" in html
    # Not the office: no panel, and no taking in.
    assert 'id="schedule-proposals"' not in login(org.head).get(week(monday)).content.decode()
    for outsider in (org.specialist, other_org.head):
        assert login(outsider).post(reverse("schedules:entry_adopt", args=[entry.pk])).status_code == 404
    assert not Entry.objects.filter(scope=Scope.AGENCY).exists()
    response = login(office.chief).post(reverse("schedules:entry_adopt", args=[entry.pk]))
    assert response.status_code == 302
    assert Entry.objects.filter(scope=Scope.AGENCY, source_entry=entry).count() == 1
    html = login(office.chief).get(week(monday)).content.decode()
    assert 'id="schedule-proposals"' not in html and "Làm việc với Viettel Sơn La" in html
