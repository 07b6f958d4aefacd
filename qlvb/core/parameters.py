"""Installation parameters the administrator may change while the system runs (R30, 003 Đ3.4).

Small and typed on purpose: each parameter is declared by the app that reads it (its AppConfig.
ready()), as a whole number with bounds and a default from the settings (the environment), and
stored in one row only once changed. Reads go to the database every time (one indexed row, read
only on the paths that need it: a failed sign-in, for instance), so every node and the job worker
see a change at once without a cache to invalidate. What cannot change while running (database,
keys, storage) stays in the environment.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from qlvb.core import events, policy
from qlvb.core.actor import Actor
from qlvb.core.errors import NotAllowed
from qlvb.core.models import Parameter


@dataclass(frozen=True)
class Spec:
    name: str
    label: str | Promise
    help: str | Promise
    setting: str  # the settings attribute that gives the default
    minimum: int
    maximum: int
    unit: str | Promise = ""
    divisor: int = 1  # the setting counts in smaller units (seconds for a parameter in minutes)

    @property
    def default(self) -> int:
        return int(getattr(settings, self.setting)) // self.divisor


_SPECS: dict[str, Spec] = {}


def declare(*specs: Spec) -> None:
    for spec in specs:
        _SPECS[spec.name] = spec


def specs() -> list[Spec]:
    return list(_SPECS.values())


def spec(name: str) -> Spec:
    try:
        return _SPECS[name]
    except KeyError:
        raise LookupError(f"no parameter {name!r} is declared") from None


def value(name: str) -> int:
    """The parameter's value now: the administrator's, or the settings' default."""
    declared = spec(name)
    stored = Parameter.objects.filter(name=name).values_list("value", flat=True).first()
    return declared.default if stored is None else int(stored)


def values() -> dict[str, int]:
    stored = dict(Parameter.objects.filter(name__in=list(_SPECS)).values_list("name", "value"))
    return {name: int(stored.get(name, s.default)) for name, s in _SPECS.items()}


@transaction.atomic
def change(*, by: Actor, name: str, new: int | None) -> int:
    """Set a parameter (None: back to the settings' default). Recorded with the old and new value."""
    if not policy.is_installation_admin(by.person):
        raise NotAllowed()
    declared = spec(name)
    if new is not None and not declared.minimum <= new <= declared.maximum:
        raise ValidationError({name: _("Give a whole number from %(min)s to %(max)s.")
                               % {"min": declared.minimum, "max": declared.maximum}})
    row = Parameter.objects.select_for_update().filter(name=name).first()
    old = declared.default if row is None else int(row.value)
    if new is None:
        if row is not None:
            row.delete()
        new = declared.default
    elif row is None:
        Parameter.objects.create(name=name, value=new)
    else:
        row.value = new
        row.save(update_fields=["value", "updated_at"])
    if old != new:
        events.record(verb="parameter.changed", actor=by, data={"name": name, "changes": {name: [old, new]}})
    return new
