from __future__ import annotations

from datetime import date

from django import template

register = template.Library()


@register.filter
def isodate(value: str | None) -> str:
    """A date kept in a report's snapshot (ISO) as dd/mm/yyyy."""
    if not value:
        return "—"
    try:
        return date.fromisoformat(str(value)[:10]).strftime("%d/%m/%Y")
    except ValueError:
        return str(value)
