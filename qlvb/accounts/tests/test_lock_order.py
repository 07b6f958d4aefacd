"""Failed sign-ins from one address and an administrator's recovery at the same moment never
deadlock (the throttle rows, the person, the event chains are always taken in one order).
PostgreSQL only: SQLite has one writer at a time."""

from __future__ import annotations

import contextlib

import pytest
from django.db import connection

from qlvb.accounts import services
from qlvb.accounts.models import SignInThrottle
from qlvb.core.actor import Actor
from qlvb.incoming.tests.race import race

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite serialises writers: nothing to race"),
    pytest.mark.django_db(transaction=True),
]

ADDRESS = "203.0.113.7"


def test_failures_blocks_and_recovery_do_not_deadlock(org, settings):
    settings.QLVB_MAX_FAILED_LOGINS = 1  # every failure blocks its pair: an event each time
    settings.QLVB_LOGIN_ADDRESS_CAP = 2  # and the second failure of a round blocks the address

    def setup(index: int) -> int:
        SignInThrottle.objects.all().delete()
        return index

    def fail(username: str):
        def attempt(index: int) -> None:
            with contextlib.suppress(services.SignInThrottled):
                services.check_credentials(username=username, password=f"sai-{index}", ip=ADDRESS)
        return attempt

    errors = race(20, setup, [
        fail("khong.co.ai"),  # the installation's chain
        fail(org.specialist.username),  # the agency's chain and the person's row
        fail(org.clerk.username),
        lambda index: services.unlock_account(by=Actor(org.admin), person=org.specialist),
    ])
    assert errors == []
