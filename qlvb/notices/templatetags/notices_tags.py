"""`{% keeps_notices request.user as keeps %}`: the person keeps his agency's notices and the
disclosure register (its leaders, its office): the menu shows him the register."""

from __future__ import annotations

from typing import Any

from django import template

from qlvb.notices import rules

register = template.Library()


@register.simple_tag
def keeps_notices(person: Any) -> bool:
    if person is None or not getattr(person, "is_authenticated", False):
        return False
    return bool(rules.keeper_agency_ids(person))
