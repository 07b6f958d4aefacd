"""Small helpers of the statistics templates: a trend's sign and colour, an outcome's colour."""

from __future__ import annotations

from django import template

register = template.Library()

# Bootstrap's colours of the outcomes, as statistics.js colours the charts.
OUTCOME_COLOURS = {"total": "primary", "done_on_time": "success", "done_late": "warning", "pending": "info",
                   "overdue": "danger", "overrun": "danger"}


@register.filter
def outcome_colour(outcome: str) -> str:
    return OUTCOME_COLOURS.get(outcome, "secondary")


@register.filter
def signed(number: int | None) -> str:
    if number is None:
        return ""
    return f"+{number}" if number > 0 else ("0" if number == 0 else f"−{-number}")


@register.filter
def trend_colour(figure: object) -> str:
    """Green when the period went better than the one before, red when worse."""
    change = getattr(figure, "change", None)
    outcome = getattr(figure, "outcome", "")
    if not change or outcome in ("total", "pending"):
        return "text-body-secondary"
    worse = (change > 0) == (outcome in ("done_late", "overdue"))
    return "text-danger" if worse else "text-success"


@register.filter
def get(mapping: dict, key: str) -> object:
    return mapping.get(key, "")
