"""Register reads."""

from __future__ import annotations

from typing import Any

from qlvb.org.models import Agency, Unit
from qlvb.org.roles import roles_of
from qlvb.registers.models import Register, RegisterCounter


def may_count(person: Any, register: Register) -> bool:
    """Whether the person may learn how many documents the register holds: a secret register's
    last number tells how many secret documents the agency numbered, so only the clerks who keep
    it (and print its book, registers.printing) may (R7); any other register, anyone who sees it."""
    return not register.is_secret or register.agency_id in roles_of(person).clerk_agency_ids


def registers_with_counts(person: Any, agency: Agency, year: int) -> list[Register]:
    """The agency's registers, each with `this_year`: its last number of the year, or None where the
    person may not know it (may_count)."""
    registers = list(Register.objects.filter(agency=agency, deleted_at__isnull=True).order_by("direction", "order"))
    counters = dict(RegisterCounter.objects.filter(register__agency=agency, year=year)
                    .values_list("register_id", "last_number"))
    for register in registers:
        shown = counters.get(register.pk, 0) if may_count(person, register) else None
        register.this_year = shown  # type: ignore[attr-defined]
    return registers


def notation_units(agency: Agency) -> list[Unit]:
    """The agency's open units, whose abbreviations end a Công văn's notation (`<agency>-<unit>`)."""
    return list(Unit.objects.filter(agency=agency, is_active=True).order_by("order", "name")
                .only("pk", "name", "abbreviation"))
