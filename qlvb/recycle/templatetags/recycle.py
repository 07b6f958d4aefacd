"""{% delete_button obj next_url %}: the "Delete" of an administration page, leading to the
bin's confirmation (which says whether it goes to the bin or can only be retired)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import template
from django.urls import reverse

from qlvb.core import bin

register = template.Library()


@register.inclusion_tag("recycle/_delete_button.html", takes_context=True)
def delete_button(context: dict[str, Any], obj: Any, next_url: str = "") -> dict[str, Any]:
    request = context["request"]
    if bin.is_binned(obj) or not bin.may_manage(request.user, obj):
        return {"url": ""}
    url = reverse("recycle:delete", args=[obj._meta.label_lower, obj.pk])
    return {"url": f"{url}?{urlencode({'next': next_url or request.get_full_path()})}", "obj": obj}
