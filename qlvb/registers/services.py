"""Register writes: default registers of an agency, administration, and atomic numbering."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from qlvb.core import events
from qlvb.core.actor import Actor
from qlvb.core.errors import NotAllowed
from qlvb.org import permissions
from qlvb.org.models import Agency
from qlvb.registers.models import Register, RegisterCounter

DEFAULTS = [
    (Register.Direction.INCOMING, Register.Category.ORDINARY, "Sổ văn bản đến"),
    (Register.Direction.INCOMING, Register.Category.SECRET, "Sổ văn bản đến mật"),
    (Register.Direction.INCOMING, Register.Category.LETTERS, "Sổ đơn thư"),
    (Register.Direction.OUTGOING, Register.Category.ORDINARY, "Sổ văn bản đi"),
    (Register.Direction.OUTGOING, Register.Category.SECRET, "Sổ văn bản đi mật"),
]


def ensure_default_registers(agency: Agency) -> None:
    """Every agency keeps at least the NĐ30 registers; created the first time they are needed."""
    if Register.objects.filter(agency=agency).exists():
        return
    with transaction.atomic():
        for order, (direction, category, name) in enumerate(DEFAULTS):
            Register.objects.get_or_create(agency=agency, direction=direction, name=name,
                                           defaults={"category": category, "order": order})


def default_register(*, agency: Agency, direction: str, secret: bool) -> Register:
    """The register a document goes in when none was chosen: the agency's first open secret or
    ordinary register of the direction, by the document's secrecy."""
    ensure_default_registers(agency)
    category = Register.Category.SECRET if secret else Register.Category.ORDINARY
    register = Register.objects.filter(agency=agency, direction=direction, category=category,
                                       is_active=True).order_by("order").first()
    if register is None:
        raise ValidationError({"register": _("Choose a register.")})
    return register


@transaction.atomic
def create_register(*, by: Actor, agency: Agency, direction: str, category: str, name: str) -> Register:
    if not permissions.can_manage_agency(by.person, agency):
        raise NotAllowed()
    register = Register(agency=agency, direction=direction, category=category, name=name.strip(),
                        order=Register.objects.filter(agency=agency).count())
    register.full_clean()
    register.save()
    events.record(verb="register.created", actor=by, agency=agency, target=register,
                  data={"direction": direction, "category": category})
    return register


def next_number(register: Register, year: int) -> int:
    """Take the next number of the register for the year. Must run inside the transaction that
    saves the numbered document: the counter row stays locked until it commits, so parallel
    clerks queue, and a rollback gives the number back — no gap, no duplicate.

    Take it as late as the transaction allows: after every write of the document's own rows
    (saved without its number, then updated) and the event's indexing subscribers — in the
    `prepare` of events.record, as registration does — before only the tallies and the event's
    place in the chain, so that the counter is held for the last few statements and the commit,
    not for the whole registration. Take the registration's time after it too, so that numbers
    follow the time."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("next_number() must run inside transaction.atomic()")
    number = _take(register.pk, year)
    if number is None:  # the register's first number of the year
        try:
            with transaction.atomic():
                RegisterCounter.objects.create(register=register, year=year, last_number=0)
        except IntegrityError:
            pass  # another clerk created it first
        number = _take(register.pk, year)
        assert number is not None
    return number


def _take(register_id: int, year: int) -> int | None:
    """Move the counter on and read it in one statement (UPDATE … RETURNING, both databases): the
    row is locked by the update as it was by SELECT … FOR UPDATE, one round trip fewer, and no
    query compiled on the one path every clerk queues for. None: no counter for the year yet."""
    connection = transaction.get_connection()
    quote = connection.ops.quote_name
    sql = (f"UPDATE {quote(RegisterCounter._meta.db_table)} SET {quote('last_number')} = "  # noqa: S608
           f"{quote('last_number')} + 1 WHERE {quote('register_id')} = %s AND {quote('year')} = %s "
           f"RETURNING {quote('last_number')}")
    with connection.cursor() as cursor:
        cursor.execute(sql, [register_id, year])
        row = cursor.fetchone()
    return None if row is None else int(row[0])


def peek_number(register: Register, year: int) -> int:
    """The number the register would give now, taking nothing (a preview's provisional number:
    another clerk may take it first, so it is shown as provisional)."""
    last = RegisterCounter.objects.filter(register=register, year=year).values_list("last_number", flat=True).first()
    return (last or 0) + 1


def check_register(register: Register, *, agency: Agency, direction: str) -> None:
    if register.agency_id != agency.pk or register.direction != direction:
        raise NotAllowed()
    if not register.is_active:
        raise ValidationError({"register": _("This register is closed.")})


@transaction.atomic
def retire_register(*, by: Actor, register: Register) -> Register:
    """Close a register for good while its documents keep their numbers: it is no longer offered
    for registering or issuing (what the bin offers for a register that holds documents). Under the
    same rule as the register page: the agency keeps one open ordinary and one open secret register
    each way."""
    if not permissions.can_manage_agency(by.person, register.agency_id):
        raise NotAllowed()
    if not Register.objects.filter(pk=register.pk, is_active=True).exists():
        raise ValidationError(_("This register is closed."))
    return set_register_active(by=by, register=register, active=False)


# The categories an agency must always keep one open register of, in each direction: documents
# are numbered in them by default (default_register), secret ones apart (NĐ30 Đ15).
_KEPT_OPEN = {Register.Category.ORDINARY, Register.Category.SECRET}


def _has_numbered(register: Register) -> bool:
    return RegisterCounter.objects.filter(register=register, last_number__gt=0).exists()


@transaction.atomic
def update_register(*, by: Actor, register: Register, name: str, category: str, order: int) -> Register:
    """Rename, reorder or (before it gave any number) recategorise a register; recorded with what
    changed, from what to what. A register that numbered documents keeps its category: its
    documents were numbered in that series (secret ones apart)."""
    register = Register.objects.select_for_update().get(pk=register.pk)
    if not permissions.can_manage_agency(by.person, register.agency_id):
        raise NotAllowed()
    name = " ".join(name.split())
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = _("Give the register a name.")
    elif Register.objects.filter(agency=register.agency_id, direction=register.direction,
                                 name__iexact=name).exclude(pk=register.pk).exists():
        errors["name"] = _("Another register of this direction already has this name.")
    if category not in Register.Category.values:
        errors["category"] = _("Choose a category.")
    elif category != register.category and _has_numbered(register):
        errors["category"] = _("This register has numbered documents: its category cannot change. Retire it "
                               "and create a new one.")
    elif category != register.category and register.category in _KEPT_OPEN and register.is_active \
            and not _other_open(register):
        errors["category"] = _("This is the agency's only open register of its kind: create another one first.")
    if not 0 <= order <= 1000:
        errors["order"] = _("Give a position from 0 to 1000.")
    if errors:
        raise ValidationError(errors)
    wanted = {"name": name, "category": category, "order": order}
    diff = {k: [getattr(register, k), v] for k, v in wanted.items() if getattr(register, k) != v}
    if diff:
        for k, v in wanted.items():
            setattr(register, k, v)
        register.save()
        events.record(verb="register.updated", actor=by, agency=register.agency_id, target=register,
                      data={"changes": diff})
    return register


def _other_open(register: Register) -> bool:
    return Register.objects.filter(agency=register.agency_id, direction=register.direction,
                                   category=register.category, is_active=True).exclude(pk=register.pk).exists()


@transaction.atomic
def set_register_active(*, by: Actor, register: Register, active: bool) -> Register:
    """Retire a register (no new number is taken from it; its documents and books stay) or open it
    again. The agency keeps at least one open ordinary and one open secret register each way."""
    register = Register.objects.select_for_update().get(pk=register.pk)
    if not permissions.can_manage_agency(by.person, register.agency_id):
        raise NotAllowed()
    if register.is_active == active:
        return register
    if not active and register.category in _KEPT_OPEN and not _other_open(register):
        raise ValidationError(_("This is the agency's only open register of its kind (%(kind)s, %(direction)s): "
                                "create another one before retiring it.")
                              % {"kind": register.get_category_display(),
                                 "direction": register.get_direction_display()})
    register.is_active = active
    register.save(update_fields=["is_active"])
    events.record(verb="register.reopened" if active else "register.retired", actor=by,
                  agency=register.agency_id, target=register, data={"changes": {"is_active": [not active, active]}})
    return register
