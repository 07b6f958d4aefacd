"""The password is hashed before the throttle's and the person's rows are locked (on SQLite a lock
held for the hashing stops every writer of the installation), yet concurrent guesses learn no more
than consecutive ones: the throttle decides under the locks."""

from __future__ import annotations

import contextlib

import pytest
from django.db import connection

from conftest import PASSWORD
from qlvb.accounts import services
from qlvb.accounts.tests.test_throttle import clock  # noqa: F401 - the fixture

ADDRESS = "198.51.100.9"


def test_the_hashing_holds_no_lock(org, monkeypatch):
    depth = len(connection.atomic_blocks)
    seen: list[int] = []
    real = services.check_password

    def spy(*args):
        seen.append(len(connection.atomic_blocks))
        return real(*args)

    monkeypatch.setattr(services, "check_password", spy)
    result, person = services.check_credentials(username=org.specialist.username, password=PASSWORD, ip=ADDRESS)
    assert result == services.LoginResult.OK and person == org.specialist
    assert seen == [depth]  # hashed once, outside check_credentials' transaction


@pytest.mark.usefixtures("clock")  # time stands still: the delay the failures set cannot pass meanwhile
def test_an_attempt_throttled_while_it_hashed_is_refused_whatever_its_password(org, monkeypatch):
    real = services.check_password
    meanwhile = {"done": False}

    def concurrent_failures(*args):
        if not meanwhile["done"]:  # while the owner's password is hashed, a stranger's guesses land
            meanwhile["done"] = True
            for _ in range(3):
                with contextlib.suppress(services.SignInThrottled):
                    services.check_credentials(username=org.specialist.username, password="sai", ip=ADDRESS)
        return real(*args)

    monkeypatch.setattr(services, "check_password", concurrent_failures)
    with pytest.raises(services.SignInThrottled):
        services.check_credentials(username=org.specialist.username, password=PASSWORD, ip=ADDRESS)
