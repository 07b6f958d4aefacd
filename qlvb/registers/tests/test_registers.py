from __future__ import annotations

import pytest
from django.db import transaction

from qlvb.core.actor import Actor
from qlvb.core.errors import NotAllowed
from qlvb.registers.models import Register
from qlvb.registers.services import create_register, ensure_default_registers, next_number


def test_defaults_and_admin_adds_a_register(org, login):
    ensure_default_registers(org.agency)
    assert Register.objects.filter(agency=org.agency, category=Register.Category.SECRET).count() == 2
    create_register(by=Actor(org.admin), agency=org.agency, direction="in", category="board",
                    name="Sổ văn bản đến Hội đồng thi đua")
    with pytest.raises(NotAllowed):
        create_register(by=Actor(org.clerk), agency=org.agency, direction="in", category="other", name="X")
    assert "Hội đồng thi đua" in login(org.admin).get("/registers/").content.decode()
    assert login(org.specialist).get("/registers/").status_code == 404


@pytest.mark.django_db(transaction=True)
def test_numbers_outside_a_transaction_are_refused(org):
    ensure_default_registers(org.agency)
    register = Register.objects.filter(agency=org.agency).first()
    assert register is not None
    with pytest.raises(RuntimeError):
        next_number(register, 2026)


def test_rolled_back_number_is_given_again(org):
    ensure_default_registers(org.agency)
    register = Register.objects.filter(agency=org.agency).first()
    assert register is not None
    with transaction.atomic():
        assert next_number(register, 2026) == 1
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        assert next_number(register, 2026) == 2
        1 / 0  # noqa: B018
    with transaction.atomic():
        assert next_number(register, 2026) == 2
        assert next_number(register, 2027) == 1
