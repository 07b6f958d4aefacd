from __future__ import annotations

from django import template
from django.forms import BoundField

from qlvb.core.verbs import verb_label

register = template.Library()


@register.filter
def verb(value: str) -> str:
    return verb_label(value)


@register.filter
def control(bound_field: BoundField) -> str:
    """Render a form field's widget with Bootstrap's classes, marked invalid when it has errors."""
    widget = bound_field.field.widget
    input_type = getattr(widget, "input_type", "")
    if widget.allow_multiple_selected if hasattr(widget, "allow_multiple_selected") else False:
        css = "form-select" if input_type != "checkbox" else ""
    elif input_type == "select":
        css = "form-select"
    elif input_type in ("checkbox", "radio"):
        css = ""
    else:
        css = "form-control"
    if bound_field.errors:
        css += " is-invalid"
    attrs: dict[str, str | bool] = {"class": css.strip()} if css.strip() else {}
    if bound_field.errors:
        attrs["aria-invalid"] = "true"
        attrs["aria-describedby"] = f"{bound_field.id_for_label}-error"
    return bound_field.as_widget(attrs=attrs)


@register.filter
def get_item(mapping: dict, key: object) -> object:
    return mapping.get(key) if mapping else None
