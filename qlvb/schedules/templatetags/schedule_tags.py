"""The week's entry, rendered once: the week is drawn twice (the table for a desktop, the cards for
a phone, one of them hidden by CSS), and the entry's heading — its time, title, marks and double
bookings — is the same in both."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

_KEPT = "_rendered_heading"


@register.simple_tag(takes_context=True)
def entry_heading(context: template.Context, entry: Any) -> SafeString:
    """schedules/_entry.html for this entry, rendered at its first use on the page and kept on the
    entry object for the next (the entries live for one request)."""
    kept = getattr(entry, _KEPT, None)
    if kept is None:
        heading = context.template.engine.get_template("schedules/_entry.html")  # type: ignore[union-attr]
        with context.push(entry=entry):
            kept = mark_safe(heading.render(context))  # noqa: S308 - a template's output, escaped by it
        setattr(entry, _KEPT, kept)
    return kept
