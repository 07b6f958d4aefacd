from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from qlvb.core.actor import Actor
from qlvb.core.errors import NotAllowed
from qlvb.core.models import Event
from qlvb.org import services
from qlvb.org.models import Delegation
from qlvb.org.selectors import delegations_for_delegate, delegations_in_force


def _request(org, delegator, delegate, hours=24, start=None):
    start = start or timezone.now() - timedelta(minutes=1)
    return services.request_delegation(by=Actor(delegator), delegate=delegate, starts_at=start,
                                       ends_at=start + timedelta(hours=hours), reason="Đi công tác Hà Nội")


def test_deputy_delegation_needs_leader_approval(org):
    delegation = _request(org, org.unit_head, org.specialist)
    assert delegation.status == Delegation.Status.PENDING
    assert delegations_for_delegate(org.specialist) == []
    with pytest.raises(NotAllowed):
        services.approve_delegation(by=Actor(org.specialist), delegation=delegation)  # the delegate
    with pytest.raises(NotAllowed):
        services.approve_delegation(by=Actor(org.clerk), delegation=delegation)  # not a leader
    services.approve_delegation(by=Actor(org.deputy), delegation=delegation)
    assert [d.pk for d in delegations_for_delegate(org.specialist)] == [delegation.pk]
    assert delegation.pk in [d.pk for d in delegations_in_force(org.agency.pk)]  # announced


def test_head_delegation_is_approved_at_once(org):
    delegation = _request(org, org.head, org.deputy)
    assert delegation.status == Delegation.Status.APPROVED and delegation.approver == org.head


def test_invalid_requests(org, other_org):
    now = timezone.now()
    with pytest.raises(ValidationError) as error:
        services.request_delegation(by=Actor(org.unit_head), delegate=org.unit_head, starts_at=now,
                                    ends_at=now - timedelta(hours=1), reason="")
    assert {"delegate", "ends_at", "reason"} <= set(error.value.message_dict)
    with pytest.raises(ValidationError):
        _request(org, org.unit_head, other_org.specialist)
    _request(org, org.unit_head, org.specialist)
    with pytest.raises(ValidationError):
        _request(org, org.unit_head, org.clerk)  # overlapping period
    assert Delegation.objects.count() == 1


def test_delegation_ends_by_itself(org):
    delegation = _request(org, org.head, org.deputy, hours=1)
    assert delegations_for_delegate(org.deputy)
    later = timezone.now() + timedelta(hours=2)
    assert delegations_for_delegate(org.deputy, at=later) == []
    assert services.end_expired_delegations(now=later) == 1
    assert services.end_expired_delegations(now=later) == 0  # idempotent
    assert Event.objects.filter(verb="delegation.ended", target_id=str(delegation.pk)).count() == 1


def test_revoke(org):
    delegation = _request(org, org.head, org.deputy)
    with pytest.raises(NotAllowed):
        services.revoke_delegation(by=Actor(org.specialist), delegation=delegation)
    services.revoke_delegation(by=Actor(org.head), delegation=delegation)
    assert delegations_for_delegate(org.deputy) == []


def test_acting_on_behalf_records_both_names_and_gives_the_role(org, login):
    delegation = _request(org, org.head, org.deputy)
    client = login(org.deputy)
    response = client.post("/org/acting/", {"delegation": delegation.pk})
    assert response.status_code == 302
    page = client.get("/").content.decode()
    assert 'data-role="leader"' in page and org.head.full_name in page
    event = Event.objects.filter(verb="delegation.acting_started").latest("id")
    assert event.actor == org.deputy and event.on_behalf_of == org.head
    # Once revoked, the next request no longer acts for the delegator.
    services.revoke_delegation(by=Actor(org.head), delegation=delegation)
    page = client.get("/").content.decode()
    assert "alert-warning rounded-0" not in page


def test_cannot_act_for_someone_without_a_delegation(org, login):
    client = login(org.specialist)
    other = _request(org, org.head, org.deputy)
    assert client.post("/org/acting/", {"delegation": other.pk}).status_code == 404


def test_administration_is_not_delegated(org):
    from qlvb.accounts.services import create_account

    start = timezone.now() - timedelta(minutes=1)
    services.request_delegation(by=Actor(org.admin), delegate=org.specialist, starts_at=start,
                                ends_at=start + timedelta(hours=2), reason="Nghỉ phép")
    with pytest.raises(NotAllowed):
        create_account(by=Actor(org.specialist, on_behalf_of=org.admin), agency=org.agency, username="a.b.c",
                       full_name="Ai Đó")


def test_periodic_job_ends_delegations(org):
    from qlvb.org.tasks import end_delegations

    delegation = _request(org, org.head, org.deputy, hours=1)
    Delegation.objects.filter(pk=delegation.pk).update(ends_at=timezone.now() - timedelta(minutes=1))
    assert end_delegations.call_local() == 1
    assert Event.objects.filter(verb="delegation.ended", target_id=str(delegation.pk)).exists()
