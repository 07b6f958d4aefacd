"""The registry of document kinds: one answer, per kind, to "what may this person see", "which files
does this document hold" and "what of it is indexed".

Each app that owns documents (incoming, outgoing, later tasks, notices…) registers a DocumentKind
in its AppConfig.ready(). Every surface that shows documents asks the registry — the lists and the
document pages through the owning app's selectors, search, digitisation, printouts, exports and the
audit log directly — so the visibility rule of a kind is written once, as data:

- `Rule.agencies`: the agencies the person belongs to; nothing outside them is ever visible;
- `Rule.grants`: what the person's roles open without access rows (a leader sees the agency's
  non-secret documents…), evaluated as SQL for lists and in Python for one document;
- `Rule.access`: the person's access rows (visibility is data, written when a document is
  presented, routed, drafted, reviewed), as index-friendly parts whose union is read.

The same rule filters the documents themselves and the search index's entries (which carry the
document's agency, secrecy and status under the same field names).
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import reduce
from typing import Any, cast

from django.apps import apps
from django.db.models import Field, Model, Q, QuerySet


@dataclass(frozen=True)
class Grant:
    """The documents of `agencies` a role opens without an access row: non-secret ones unless
    `secret`, only in `statuses` when given, never in `except_statuses`. A kind whose documents
    have no secrecy (dossiers) gives its grants `secret=True`: nothing of it is held back, and
    no condition is written on a column its table does not have."""

    agencies: frozenset[int]
    secret: bool = False
    statuses: frozenset[str] | None = None
    except_statuses: frozenset[str] = frozenset()

    def q(self, status_field: str = "status") -> Q:
        """`status_field`: the column holding the status on the table queried (the search index's
        `status`; on the kind's own table, its DocumentKind.status_field)."""
        condition = Q(agency_id__in=sorted(self.agencies))
        if not self.secret:
            condition &= Q(secrecy="")
        if self.statuses is not None:
            condition &= Q(**{f"{status_field}__in": sorted(self.statuses)})
        if self.except_statuses:
            condition &= ~Q(**{f"{status_field}__in": sorted(self.except_statuses)})
        return condition

    def covers(self, document: Any) -> bool:
        return (document.agency_id in self.agencies and (self.secret or not document.secrecy)
                and (self.statuses is None or document.status in self.statuses)
                and document.status not in self.except_statuses)


@dataclass(frozen=True)
class Rule:
    """What one person may see of one kind (see the module's docstring)."""

    agencies: frozenset[int]
    grants: tuple[Grant, ...] = ()
    access: tuple[QuerySet[Any], ...] = ()  # querysets of access rows, each with a `document_id`

    def access_ids(self, among: Sequence[int] | None = None) -> QuerySet[Any] | None:
        """The ids of the documents the access rows open, as one UNION of index scans (only among
        these documents, if given: the database cannot push that condition into the union)."""
        access = self.access if among is None else tuple(part.filter(document_id__in=among) for part in self.access)
        parts = [part.values("document_id") for part in access]
        if not parts:
            return None
        return parts[0].union(*parts[1:]) if len(parts) > 1 else parts[0]

    def q(self, id_field: str = "pk", *, agencies: bool = True, among: Sequence[int] | None = None,
          status_field: str = "status") -> Q:
        """The condition on a table carrying agency_id, secrecy, status and the document's id
        (`agencies=False`: without the test of the person's agencies, which the caller applies;
        `among`: the caller asks only about these documents)."""
        ids = self.access_ids(among)
        parts = [Q(**{f"{id_field}__in": ids})] if ids is not None else []
        parts += [grant.q(status_field) for grant in self.grants if grant.agencies]
        if not self.agencies or not parts:
            return Q(pk__in=[])
        either = reduce(operator.or_, parts)
        return Q(agency_id__in=sorted(self.agencies)) & either if agencies else either

    def allows(self, document: Any) -> bool:
        """The rule for one document: the grants in Python, the access rows in one indexed query."""
        if document is None or document.agency_id not in self.agencies:
            return False
        if any(grant.covers(document) for grant in self.grants):
            return True
        if not self.access:
            return False
        rows = reduce(operator.or_, (part.filter(document_id=document.pk) for part in self.access))
        return rows.exists()


@dataclass(frozen=True)
class DocumentKind:
    name: str  # "incoming": also the search index's kind and the digitisation URLs' app
    model: str  # "incoming.IncomingDocument"
    label: Any  # translated short name ("Incoming"), shown in search, exports and the audit log
    rule: Callable[[Any], Rule]  # person → Rule
    files: Callable[[Any], dict[int, str]]  # document → {stored file id: file name}
    holding: Callable[[int], Iterable[int]]  # stored file id → ids of the documents holding it
    # (document, texts) → what the search index stores: the fields of a SearchEntry, and "body" as a
    # list of parts; texts(stored file ids) → {id: text read from that file} (digitisation's)
    index_values: Callable[[Any, Callable[[Iterable[int]], dict[int, str]]], dict[str, Any]]
    load: Callable[[int], Any]  # id → the document with what index_values reads, or None
    url: Callable[[int], str]  # document id → its page
    quiet_verbs: frozenset[str] = field(default_factory=frozenset)  # reads: nothing indexed changes
    # The kind's table of files, if it has one ("app.Model" with `document`, `stored`, `added_at`):
    # the digitisation queue lists the reading of its files.
    file_model: str = ""
    # The model's field whose choices name the index's `status` values (a kind whose documents have
    # no status column — schedule entries — puts another of its fields there: their schedule).
    status_field: str = "status"
    # Its own verbs start with this ("<name>." unless told: schedule entries' are "schedules.entry_").
    verb_prefix: str = ""

    @property
    def verbs(self) -> str:
        return self.verb_prefix or f"{self.name}."

    @property
    def model_class(self) -> type[Model]:
        return apps.get_model(self.model)

    @property
    def target_type(self) -> str:
        return self.model.lower()

    @property
    def has_secrecy(self) -> bool:
        """Its documents carry a `secrecy` column (incoming, outgoing; not dossiers)."""
        return any(f.name == "secrecy" for f in self.model_class._meta.concrete_fields)

    def secret_documents(self) -> QuerySet[Any]:
        """Its secret documents; none for a kind without secrecy."""
        manager = self.model_class._default_manager
        return manager.exclude(secrecy="") if self.has_secrecy else manager.none()

    def status_choices(self) -> list[tuple[str, Any]]:
        status_field = cast(Field, self.model_class._meta.get_field(self.status_field))  # a column, not a relation
        return list(status_field.choices or [])

    def status_label(self, status: str) -> str:
        return str(dict(self.status_choices()).get(status, status))


_kinds: dict[str, DocumentKind] = {}


def register(kind: DocumentKind) -> DocumentKind:
    _kinds[kind.name] = kind
    return kind


def get(name: str) -> DocumentKind:
    """The kind of this name; KeyError for an unknown one (callers turn it into a 404)."""
    return _kinds[name]


def all_kinds() -> list[DocumentKind]:
    return list(_kinds.values())


def for_target_type(target_type: str) -> DocumentKind | None:
    """The kind whose documents are events' targets of this type ("incoming.incomingdocument")."""
    return next((k for k in _kinds.values() if k.target_type == target_type), None)


def visible(name: str, person: Any) -> QuerySet[Any]:
    """Every document of the kind the person may open."""
    kind = get(name)
    return kind.model_class._default_manager.filter(kind.rule(person).q(status_field=kind.status_field))


def may_see(name: str, person: Any, document: Any) -> bool:
    return get(name).rule(person).allows(document)


# --- What other apps tell about a document's file (the API shows it beside the file) ----------

@dataclass(frozen=True)
class FileDetail:
    """Registered by an app that knows something of stored files (digitisation: the reading of
    the text), so that the apps owning documents can show it without importing that app."""

    name: str  # the API field, e.g. "text_extraction"
    value: Callable[[str, int, int], Any]  # (kind name, document id, stored file id) → JSON or None
    schema: Any  # a serializer instance describing `value` in the OpenAPI schema


_file_details: dict[str, FileDetail] = {}


def register_file_detail(detail: FileDetail) -> None:
    _file_details[detail.name] = detail


def file_detail(name: str) -> FileDetail | None:
    return _file_details.get(name)
