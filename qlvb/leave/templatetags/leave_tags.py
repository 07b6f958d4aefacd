from __future__ import annotations

from django import template

from qlvb.leave import rules

register = template.Library()


@register.simple_tag
def keeps_leave(person: object) -> bool:
    """The agency's office and leaders keep the leave register."""
    agency_id = getattr(person, "agency_id", None)
    return bool(agency_id) and rules.may_keep(person, agency_id)  # type: ignore[arg-type]
