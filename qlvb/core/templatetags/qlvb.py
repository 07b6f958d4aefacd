from __future__ import annotations

from django import template

from qlvb.core.verbs import verb_label

register = template.Library()


@register.filter
def verb(value: str) -> str:
    return verb_label(value)
