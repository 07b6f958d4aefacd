"""The national directory of agency codes (models.DirectoryAgency): loading the published list,
finding an issuer by name or code.

The list is published by the national document-exchange axis (Văn phòng Chính phủ) as agency code,
name and parent code; `manage.py load_agency_directory FILE.csv` loads it and, run again with a
newer file, updates the names, adds the new codes and marks the ones no longer listed (kept: old
documents name them). The repository bundles only what it can vouch for (the installation's
demo province and the agencies of the edXML samples): load the published file in production.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from qlvb.core import events
from qlvb.core.actor import Actor
from qlvb.core.errors import NotAllowed
from qlvb.core.text import clean, fold
from qlvb.org import permissions
from qlvb.org.models import DirectoryAgency, agency_code_validator

BUNDLED = Path(__file__).resolve().parent / "data" / "agency_directory.csv"


@dataclass(frozen=True)
class Loaded:
    added: int
    updated: int
    retired: int


def read_csv(text: str) -> list[dict[str, str]]:
    """Rows of a published list: a header with `code` and `name` (and optionally `parent_code`),
    comma- or semicolon-separated. A bad code refuses the whole file, with its line."""
    try:
        dialect = csv.Sniffer().sniff(text.splitlines()[0] if text.strip() else "code,name", delimiters=",;")
        rows = list(csv.DictReader(io.StringIO(text), dialect=dialect))
    except csv.Error:  # no comma or semicolon in the header: not the published list
        raise ValidationError(_("The file needs the columns code and name.")) from None
    if rows and not {"code", "name"} <= set(rows[0]):
        raise ValidationError(_("The file needs the columns code and name."))
    cleaned = []
    for line, row in enumerate(rows, start=2):
        code, name = clean(row.get("code") or ""), clean(row.get("name") or "")
        if not code or not name:
            continue
        try:
            agency_code_validator(code)
        except ValidationError:
            raise ValidationError(_("Line %(line)s: %(code)s is not an agency code.") % {"line": line, "code": code})
        cleaned.append({"code": code, "name": name[:200], "parent_code": clean(row.get("parent_code") or "")[:35]})
    return cleaned


@transaction.atomic
def load(rows: Iterable[dict[str, str]], *, complete: bool = True) -> Loaded:
    """Upsert the rows; with `complete` (a whole published list) codes not in it are retired."""
    rows = list(rows)
    existing = {entry.code: entry for entry in DirectoryAgency.objects.all()}
    added = updated = 0
    for row in rows:
        entry = existing.get(row["code"])
        if entry is None:
            DirectoryAgency.objects.create(**row)
            added += 1
        elif (entry.name, entry.parent_code, entry.is_current) != (row["name"], row["parent_code"], True):
            entry.name, entry.parent_code, entry.is_current = row["name"], row["parent_code"], True
            entry.save()
            updated += 1
    retired = 0
    if complete:
        listed = {row["code"] for row in rows}
        retired = DirectoryAgency.objects.filter(is_current=True).exclude(code__in=listed).update(is_current=False)
    return Loaded(added=added, updated=updated, retired=retired)


BATCH = 2000


def load_stream(entries: Iterable[dict[str, str]], *, complete: bool = True, batch: int = BATCH) -> Loaded:
    """Upsert a list read as it arrives (the national axis's getAgenciesList: about 111,000
    entries) in batches: a few thousand entries in memory at a time, one query per batch to read
    what exists and a bulk insert and a bulk update to write it, each batch its own transaction.

    An entry is ``code``, ``name`` and optionally ``parent_code``, ``email``, ``axis_id``,
    ``axis_parent_id`` (the parent by the axis's id: parent codes are set from it at the end) and
    ``old_code``: the code it had before, kept as an alias (an entry not current, `replaced_by`
    the new code) so documents that name the old code still find it. With `complete`, codes not
    in the list are retired (kept, not current), and only if the list held entries at all."""
    seen: set[str] = set()
    added = updated = 0
    chunk: list[dict[str, str]] = []

    def flush() -> None:
        nonlocal added, updated
        rows = {}
        for row in chunk:  # the last of one code wins
            rows[row["code"]] = row
        aliases = {row["old_code"]: code for code, row in rows.items()
                   if row.get("old_code") and row["old_code"] != code}
        with transaction.atomic():
            existing = {e.code: e for e in DirectoryAgency.objects.filter(code__in=[*rows, *aliases])}
            create, change = [], []
            fields = ("name", "name_folded", "parent_code", "is_current", "replaced_by", "email", "axis_id",
                      "axis_parent_id")
            for code, row in rows.items():
                wanted = {"name": row["name"][:200], "name_folded": fold(row["name"][:200]), "is_current": True,
                          "replaced_by": "", "email": (row.get("email") or "")[:254],
                          "axis_id": (row.get("axis_id") or "")[:40],
                          "axis_parent_id": (row.get("axis_parent_id") or "")[:40]}
                if row.get("parent_code"):
                    wanted["parent_code"] = row["parent_code"][:35]
                entry = existing.get(code)
                if entry is None:
                    create.append(DirectoryAgency(code=code, **wanted))
                elif any(getattr(entry, k) != v for k, v in wanted.items()):
                    for k, v in wanted.items():
                        setattr(entry, k, v)
                    change.append(entry)
            for old, new in aliases.items():
                if old in rows:  # still listed as an agency of its own
                    continue
                entry = existing.get(old)
                if entry is None:
                    row = rows[new]
                    create.append(DirectoryAgency(code=old[:35], name=row["name"][:200],
                                                  name_folded=fold(row["name"][:200]), is_current=False,
                                                  replaced_by=new))
                elif entry.replaced_by != new or entry.is_current:
                    entry.replaced_by, entry.is_current = new, False
                    change.append(entry)
            DirectoryAgency.objects.bulk_create(create, batch_size=500)
            DirectoryAgency.objects.bulk_update(change, fields, batch_size=500)
        added += len(create)
        updated += len(change)
        seen.update(rows)
        seen.update(aliases)
        chunk.clear()

    for entry in entries:
        code = clean(entry.get("code") or "")[:35]
        if code and clean(entry.get("name") or ""):
            chunk.append({**entry, "code": code, "name": clean(entry["name"]),
                          "old_code": clean(entry.get("old_code") or "")[:35]})
        if len(chunk) >= batch:
            flush()
    if chunk:
        flush()
    # Parents by the axis's ids, for the entries that gave one (one statement).
    from django.db.models import OuterRef, Subquery, Value
    from django.db.models.functions import Coalesce

    parents = DirectoryAgency.objects.filter(axis_id=OuterRef("axis_parent_id")).exclude(axis_id="")
    DirectoryAgency.objects.exclude(axis_parent_id="").update(
        parent_code=Coalesce(Subquery(parents.values("code")[:1]), Value("")))
    retired = 0
    if complete and seen:
        gone = [code for code in DirectoryAgency.objects.filter(is_current=True).values_list("code", flat=True)
                .iterator(chunk_size=5000) if code not in seen]
        for start in range(0, len(gone), 500):
            retired += DirectoryAgency.objects.filter(code__in=gone[start:start + 500]).update(is_current=False)
    return Loaded(added=added, updated=updated, retired=retired)


def current_code(code: str) -> str:
    """The code an old code was replaced by (followed to the end), else the code itself."""
    seen = {code}
    while True:
        new = DirectoryAgency.objects.filter(code=code).values_list("replaced_by", flat=True).first()
        if not new or new in seen:
            return code
        seen.add(new)
        code = new


def load_bundled() -> Loaded:
    """What the repository bundles, added to whatever list is loaded (never retiring anything)."""
    return load(read_csv(BUNDLED.read_text(encoding="utf-8")), complete=False)


def search(query: str, limit: int = 20) -> list[DirectoryAgency]:
    """Current agencies whose code starts with, or whose name contains, the words typed (accents
    and case ignored)."""
    query = clean(query)
    if len(query) < 2:
        return []
    entries = DirectoryAgency.objects.filter(is_current=True)
    if query[:1].isdigit():
        return list(entries.filter(code__startswith=query).order_by("code")[:limit])
    for word in fold(query).split()[:6]:
        entries = entries.filter(name_folded__contains=word)
    return list(entries.order_by("name")[:limit])


# --- Administration (the installation's administrator, from the directory page) ---------------

def _require_installation_admin(by: Actor) -> None:
    if not permissions.is_installation_admin(by.person):
        raise NotAllowed()


@transaction.atomic
def save_entry(*, by: Actor, entry: DirectoryAgency | None, code: str, name: str, parent_code: str = "",
               is_current: bool = True) -> DirectoryAgency:
    """Add an entry, or correct one (a name, its parent, whether it is still listed); recorded
    with what changed, from what to what."""
    _require_installation_admin(by)
    code, name, parent_code = clean(code), clean(name), clean(parent_code)
    errors: dict[str, str] = {}
    for field, value in (("code", code), ("parent_code", parent_code)):
        if value:
            try:
                agency_code_validator(value)
            except ValidationError:
                errors[field] = _("%(code)s is not an agency code.") % {"code": value}
    if not code:
        errors["code"] = _("Give the agency code.")
    if not name:
        errors["name"] = _("Give the agency's name.")
    others = DirectoryAgency.objects.filter(code=code)
    if code and (others.exclude(pk=entry.pk) if entry is not None else others).exists():
        errors["code"] = _("This code is already in the directory.")
    if errors:
        raise ValidationError(errors)
    wanted = {"code": code, "name": name[:200], "parent_code": parent_code[:35], "is_current": is_current}
    if entry is None:
        entry = DirectoryAgency.objects.create(**wanted)
        events.record(verb="org.directory_entry_added", actor=by, target=entry, data=wanted)
        return entry
    diff = {k: [getattr(entry, k), v] for k, v in wanted.items() if getattr(entry, k) != v}
    if diff:
        for k, v in wanted.items():
            setattr(entry, k, v)
        entry.save()
        events.record(verb="org.directory_entry_changed", actor=by, target=entry, data={"changes": diff})
    return entry


@transaction.atomic
def import_file(*, by: Actor, text: str, complete: bool, filename: str = "") -> Loaded:
    """The published list uploaded through the page: read and loaded like the command does
    (`manage.py load_agency_directory`); a bad line refuses the whole file and changes nothing."""
    _require_installation_admin(by)
    rows = read_csv(text.lstrip("\ufeff"))
    if not rows:
        raise ValidationError(_("The file holds no agency."))
    loaded = load(rows, complete=complete)
    events.record(verb="org.directory_loaded", actor=by, data={
        "file": filename[:200], "rows": len(rows), "complete": complete,
        "added": loaded.added, "updated": loaded.updated, "retired": loaded.retired})
    return loaded
