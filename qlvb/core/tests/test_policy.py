from __future__ import annotations

from datetime import date

import pytest

from qlvb.core import policy
from qlvb.core.actor import Actor
from qlvb.core.errors import NotAllowed
from qlvb.core.services import save_calendar_day


@pytest.fixture
def no_policy():
    saved = policy.registered()
    policy.register(None)
    yield
    policy.register(saved)


def test_org_registers_the_policy(org, root):
    assert policy.can_manage_agency(org.admin, org.agency.pk)
    assert not policy.can_manage_agency(org.specialist, org.agency.pk)
    assert policy.is_installation_admin(root) and not policy.is_installation_admin(org.admin)


def test_without_a_policy_nobody_may_change_the_calendar(org, root, no_policy):
    assert not policy.is_installation_admin(root) and not policy.can_manage_agency(root, org.agency.pk)
    for by, agency_id in [(Actor(root), None), (Actor(org.admin), org.agency.pk)]:
        with pytest.raises(NotAllowed):
            save_calendar_day(by=by, agency_id=agency_id, day=date(2026, 11, 10), kind="off", name="x")
