from __future__ import annotations

from typing import Any

from django import template

from qlvb.itstaff import rules

register = template.Library()


@register.simple_tag
def itstaff_access(person: Any) -> bool:
    """The menu entry: for agencies' leaders and office, and the Department's people."""
    if not getattr(person, "is_authenticated", False):
        return False
    return bool(rules.managed_agency_ids(person)) or rules.is_department(person)
