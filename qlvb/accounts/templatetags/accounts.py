"""The sign-in warnings shown on the person's own security page and on the administrator's person page."""

from __future__ import annotations

from typing import Any

from django import template

from qlvb.accounts import selectors
from qlvb.org.models import Person

register = template.Library()


@register.inclusion_tag("accounts/_sign_in_warnings.html")
def sign_in_warnings(person: Person) -> dict[str, Any]:
    return {"person": person, "blocks": list(selectors.sign_in_blocks(person)),
            "failed": person.failed_logins}
