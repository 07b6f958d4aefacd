"""Search reads (R28): one API for SQLite (FTS5) and PostgreSQL (tsvector), scoped to the viewer.

What the viewer may open is decided on the entry's own columns by each document kind's one rule
(core.kinds: the same rule as the kind's lists and pages; the tests check they agree), applied in
the same statement as the text match: documents the viewer may not open are never ranked, counted
or snippeted.
"""

from __future__ import annotations

import html
import operator
from dataclasses import dataclass, field
from datetime import date
from functools import reduce
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Q, QuerySet
from django.utils.safestring import SafeString, mark_safe

from qlvb.core import kinds
from qlvb.core.kinds import Rule
from qlvb.core.text import fold
from qlvb.org.models import Person
from qlvb.search.models import SavedSearch, SearchEntry
from qlvb.search.query import Query, parse

PER_PAGE = 20
COUNT_CAP = 1000
CANDIDATES = 1001  # matches ranked at most (see _matching); one more than counted
SNIPPET_CHARS = 240
SORTS = ("relevance", "newest", "oldest")
FILTERS = ("kind", "doc_type", "issuer", "register", "date_from", "date_to", "urgency", "secrecy", "status", "unit")


def _rules(person: Person) -> dict[str, Rule]:
    return {kind.name: kind.rule(person) for kind in kinds.all_kinds()}


def visible_entries_q(person: Person) -> Q:
    """The entries of documents the person may open: each kind's one rule (core.kinds), applied
    to the entry's own columns (agency, secrecy, status, document id)."""
    rules = {name: rule for name, rule in _rules(person).items() if rule.agencies}
    if not rules:
        return Q(pk__in=[])
    agencies = {rule.agencies for rule in rules.values()}
    if len(agencies) > 1:  # kinds that open different agencies: each keeps its own test
        return reduce(operator.or_, [Q(kind=name) & rule.q(id_field="document_id") for name, rule in rules.items()])
    # One set of agencies (the person's): tested once, first, so the planners start from it.
    return Q(agency_id__in=sorted(agencies.pop())) & reduce(operator.or_, [
        Q(kind=name) & rule.q(id_field="document_id", agencies=False) for name, rule in rules.items()])


def own_entries(person: Person, filters: dict[str, Any]) -> QuerySet | None:
    """For a person without an agency-wide role: the ids of the entries their access rows give
    them, as a UNION of index-friendly parts (the same set as visible_entries_q)."""
    extra = filters_q(filters)
    parts = []
    for name, rule in _rules(person).items():
        ids = rule.access_ids()
        if ids is not None and rule.agencies:
            parts.append(SearchEntry.objects.filter(extra, agency_id__in=sorted(rule.agencies), kind=name,
                                                    document_id__in=ids).values("id"))
    if not parts:
        return None
    return parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]


def _is_narrow(person: Person) -> bool:
    """No role opens anything without access rows (no leader, no clerk)."""
    return not any(grant.agencies for rule in _rules(person).values() for grant in rule.grants)


def filters_q(filters: dict[str, Any]) -> Q:
    condition = Q()
    simple = {"kind": "kind", "doc_type": "doc_type", "register": "register_id", "urgency": "urgency",
              "secrecy": "secrecy", "status": "status", "unit": "unit_id"}
    for name, column in simple.items():
        value = filters.get(name)
        if value not in (None, ""):
            condition &= Q(**{column: getattr(value, "pk", value)})
    if filters.get("issuer"):
        condition &= Q(issuer_folded__contains=fold(str(filters["issuer"])).strip())
    if isinstance(filters.get("date_from"), date):
        condition &= Q(date__gte=filters["date_from"])
    if isinstance(filters.get("date_to"), date):
        condition &= Q(date__lte=filters["date_to"])
    return condition


@dataclass
class Hit:
    entry: SearchEntry
    rank: float = 0.0
    title_html: SafeString = field(default_factory=lambda: mark_safe(""))
    snippet_html: SafeString = field(default_factory=lambda: mark_safe(""))

    @property
    def url(self) -> str:
        return kinds.get(self.entry.kind).url(self.entry.document_id)


@dataclass
class Results:
    query: Query
    hits: list[Hit]
    total: int
    capped: bool
    page: int
    per_page: int
    fuzzy: bool = False
    message: str = ""

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def has_previous(self) -> bool:
        return self.page > 1


def _where(queryset: QuerySet) -> tuple[str, list[Any]]:
    query = queryset.query
    compiler = query.get_compiler(using=queryset.db)
    try:
        sql, params = compiler.compile(query.where)
    except EmptyResultSet:  # the viewer may open nothing at all (no agency)
        return "1=0", []
    return (sql or "1=1"), list(params)


def _order(sort: str) -> str:
    table = "search_searchentry"
    if sort == "newest":
        return f"{table}.date DESC, {table}.id DESC"
    if sort == "oldest":
        return f"{table}.date ASC, {table}.id ASC"
    return f"c.rank {'ASC' if connection.vendor == 'sqlite' else 'DESC'}, {table}.date DESC, {table}.id DESC"


def _matching(query: Query, where: str, params: list[Any], *, sort: str, limit: int, offset: int,
              fuzzy: bool = False, prefixes: bool = False,
              narrow: bool = False, candidates: int = 0,
              own: QuerySet | None = None) -> tuple[list[tuple[int, float]], str, list[Any]]:
    """(entry id, rank) of one page, and the SQL + params of the whole matching set (for counting).

    Ranking every match of a common word among a million documents costs seconds, so the
    candidates are the CANDIDATES most recently indexed matches the viewer may open (FTS5 and
    the primary key both give them newest first without sorting); they are ranked, then
    paginated. Fewer matches than that (any specific query) are all ranked.

    `narrow`: the viewer may open only the documents of their access rows (no agency-wide role),
    or filters are given: the entries they allow are collected once (by the access-row and filter
    indexes) and each match is tested against that set, instead of walking every match of a
    common word and reading its row."""
    table = "search_searchentry"
    candidates = max(candidates, CANDIDATES, limit + offset)
    head, head_params = "", []
    if connection.vendor == "sqlite":
        if narrow:
            base = (f"FROM search_fts WHERE search_fts MATCH %s "  # noqa: S608 - fixed fragments + ORM SQL
                    f"AND +search_fts.rowid IN (SELECT {table}.id FROM {table} WHERE {where})")
        else:
            base = (f"FROM search_fts JOIN {table} ON {table}.id = search_fts.rowid "
                    f"WHERE search_fts MATCH %s AND ({where})")
        base_params = [query.fts5(all_prefix=prefixes), *params]
        inner = (f"SELECT search_fts.rowid AS id, bm25(search_fts, 10.0, 1.0) AS rank {base} "
                 "ORDER BY search_fts.rowid DESC LIMIT %s")
        inner_params = [*base_params, candidates]
    elif fuzzy:
        text = " ".join(query.words())
        base = f"FROM {table} WHERE title_folded %% %s AND ({where})"
        base_params = [text, *params]
        inner = (f"SELECT {table}.id AS id, similarity(title_folded, %s) AS rank {base} "
                 f"ORDER BY rank DESC LIMIT %s")
        inner_params = [text, *base_params, candidates]
    else:
        tsquery = query.tsquery()
        if own is not None:
            # Start from the viewer's own entries (a few thousand, by the access-row indexes), test
            # their vectors and rank them all: no walk through every match of a common word.
            own_sql, own_params = own.query.sql_with_params()
            head = f"WITH visible AS MATERIALIZED ({own_sql}) "
            head_params = list(own_params)
            base = (f"FROM {table} WHERE {table}.id IN (SELECT id FROM visible) "  # noqa: S608
                    f"AND vector @@ to_tsquery('simple', %s)")
            base_params = [tsquery]
        else:
            base = f"FROM {table} WHERE vector @@ to_tsquery('simple', %s) AND ({where})"
            base_params = [tsquery, *params]
            return _recent_matches(tsquery, base, base_params, sort=sort, limit=limit, offset=offset,
                                   candidates=candidates)
        inner = (f"{head}SELECT {table}.id AS id, ts_rank_cd(vector, to_tsquery('simple', %s), 1) AS rank {base} "
                 "ORDER BY rank DESC LIMIT %s")
        inner_params = [*head_params, tsquery, *base_params, candidates]
    with connection.cursor() as cursor:
        # inner is made of fixed fragments and the ORM's WHERE; user input only travels in params
        cursor.execute(f"SELECT c.id, c.rank FROM ({inner}) c JOIN {table} ON {table}.id = c.id "  # noqa: S608
                       f"ORDER BY {_order(sort)} LIMIT %s OFFSET %s", [*inner_params, limit, offset])
        rows = [(row[0], float(row[1] or 0)) for row in cursor.fetchall()]
    return rows, f"{head}SELECT 1 {base}", [*head_params, *base_params]


WINDOWS = (50_000, None)  # newest entries looked at first (PostgreSQL), then all


def _recent_matches(tsquery: str, base: str, base_params: list[Any], *, sort: str, limit: int, offset: int,
                    candidates: int) -> tuple[list[tuple[int, float]], str, list[Any]]:
    """PostgreSQL: the most recent matches, looked for among the newest entries first. A bitmap of
    the GIN index visits every matching row of a common word (tens of thousands among a million,
    seconds); ANDed with a primary-key range it visits only those in the window. Specific queries
    have few matches and go through the windows in a few milliseconds each."""
    table = "search_searchentry"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT max(id) FROM {table}")  # noqa: S608
        newest = cursor.fetchone()[0] or 0
        ids: list[int] = []
        for window in WINDOWS:
            low = newest - window if window is not None and window < newest else 0
            cursor.execute(f"SELECT {table}.id {base} AND {table}.id > %s ORDER BY {table}.id DESC LIMIT %s",
                           [*base_params, low, candidates])  # noqa: S608
            ids = [row[0] for row in cursor.fetchall()]
            if len(ids) >= candidates or low == 0:
                break
        if not ids:
            return [], f"SELECT 1 {base}", base_params
        cursor.execute(f"SELECT c.id, c.rank FROM (SELECT id, ts_rank_cd(vector, to_tsquery('simple', %s), 1) AS rank "  # noqa: S608
                       f"FROM {table} WHERE id = ANY(%s)) c JOIN {table} ON {table}.id = c.id "
                       f"ORDER BY {_order(sort)} LIMIT %s OFFSET %s", [tsquery, ids, limit, offset])
        rows = [(row[0], float(row[1] or 0)) for row in cursor.fetchall()]
    # Fewer than `candidates` ids means the last window was everything: they are all the matches.
    return rows, "", [min(len(ids), COUNT_CAP + 1)]


def _count(sql: str, params: list[Any]) -> tuple[int, bool]:
    with connection.cursor() as cursor:
        # sql is built by _matching from fixed fragments and the ORM; user input only in params
        cursor.execute(f"SELECT COUNT(*) FROM ({sql} LIMIT %s) capped", [*params, COUNT_CAP + 1])  # noqa: S608
        counted = cursor.fetchone()[0]
    return min(counted, COUNT_CAP), counted > COUNT_CAP


def search(viewer: Person, text: str = "", filters: dict[str, Any] | None = None, sort: str = "relevance",
           page: int = 1, per_page: int = PER_PAGE) -> Results:
    """One page of the documents the viewer may open matching `text` and `filters`."""
    query = parse(text)
    filters = filters or {}
    sort = sort if sort in SORTS else "relevance"
    page = max(1, min(int(page or 1), COUNT_CAP // per_page + 1))
    entries = SearchEntry.objects.filter(visible_entries_q(viewer)).filter(filters_q(filters))
    offset = (page - 1) * per_page
    message = ""
    if query.truncated:
        message = "truncated"
    if not query:
        if text.strip():
            return Results(query, [], 0, False, 1, per_page, message="no_words")
        ordered = entries.order_by("-date", "-id") if sort != "oldest" else entries.order_by("date", "id")
        total_rows = ordered.values("id")[: COUNT_CAP + 1].count()
        hits = [Hit(entry) for entry in ordered.defer("body")[offset:offset + per_page]]
        for hit in hits:
            hit.title_html = mark_safe(html.escape(hit.entry.title))  # noqa: S308
        return Results(query, hits, min(total_rows, COUNT_CAP), total_rows > COUNT_CAP, page, per_page,
                       message=message)
    where, params = _where(entries)
    narrow = _is_narrow(viewer) or bool(filters_q(filters))
    own = own_entries(viewer, filters) if _is_narrow(viewer) and connection.vendor == "postgresql" else None
    rows, count_sql, count_params = _matching(query, where, params, sort=sort, limit=per_page, offset=offset,
                                              narrow=narrow, own=own)
    fuzzy = False
    if not rows and page == 1:
        # No exact hit: words as prefixes on SQLite, trigram similarity of the title on PostgreSQL.
        fuzzy = True
        if connection.vendor == "sqlite":
            rows, count_sql, count_params = _matching(query, where, params, sort=sort, limit=per_page,
                                                      offset=offset, prefixes=True, narrow=narrow)
        else:
            rows, count_sql, count_params = _matching(query, where, params, sort=sort, limit=per_page,
                                                      offset=offset, fuzzy=True)
    if rows and not count_sql:  # counted on the way (see _recent_matches)
        total, capped = min(count_params[0], COUNT_CAP), count_params[0] > COUNT_CAP
    elif rows:
        total, capped = _count(count_sql, count_params)
    else:
        total, capped = 0, False
    by_id = SearchEntry.objects.in_bulk([r[0] for r in rows])
    hits = [Hit(by_id[i], rank) for i, rank in rows if i in by_id]
    for hit in hits:
        hit.title_html = highlight(hit.entry.title, query)
        hit.snippet_html = snippet(hit.entry.body, query)
    return Results(query, hits, total, capped, page, per_page, fuzzy=fuzzy and bool(hits), message=message)


def export_rows(viewer: Person, text: str, filters: dict[str, Any], sort: str, limit: int = 10_000) -> list[Hit]:
    """Up to `limit` results, for the Excel export (same scope and order as the page)."""
    hits: list[Hit] = []
    query = parse(text)
    entries = SearchEntry.objects.filter(visible_entries_q(viewer)).filter(filters_q(filters))
    if not query:
        ordered = entries.order_by("-date", "-id") if sort != "oldest" else entries.order_by("date", "id")
        return [Hit(e) for e in ordered.defer("body")[:limit]]
    where, params = _where(entries)
    rows, _, _ = _matching(query, where, params, sort=sort if sort in SORTS else "relevance", limit=limit, offset=0,
                           narrow=_is_narrow(viewer) or bool(filters_q(filters)),
                           own=own_entries(viewer, filters) if _is_narrow(viewer) and connection.vendor == "postgresql"
                           else None)
    by_id = SearchEntry.objects.defer("body").in_bulk([r[0] for r in rows])
    hits = [Hit(by_id[i], rank) for i, rank in rows if i in by_id]
    return hits


# --- Highlighting ----------------------------------------------------------------------------

def _folded_with_map(text: str) -> tuple[str, list[int] | None]:
    """The folded text, and (when folding changed the length) where each folded char came from."""
    folded = fold(text)
    if len(folded) == len(text):
        return folded, None
    chars, origin = [], []
    for index, ch in enumerate(text):
        piece = fold(ch)
        chars.append(piece)
        origin.extend([index] * len(piece))
    return "".join(chars), origin


def _merge(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Neighbouring matches separated by blanks only become one mark: <mark>Đôn đốc</mark>."""
    merged: list[tuple[int, int]] = []
    for a, b in spans:
        if merged and a >= merged[-1][1] and not text[merged[-1][1]:a].strip():
            merged[-1] = (merged[-1][0], b)
        else:
            merged.append((a, b))
    return merged


def _spans(text: str, query: Query, limit: int = 200) -> list[tuple[int, int]]:
    pattern = query.pattern()
    if pattern is None or not text:
        return []
    folded, origin = _folded_with_map(text)
    spans = []
    for match in pattern.finditer(folded):
        start, end = match.start(), match.end()
        if origin is not None:
            start, end = origin[start], origin[end - 1] + 1
        spans.append((start, end))
        if len(spans) >= limit:
            break
    return _merge(text, spans)


def _marked(text: str, spans: list[tuple[int, int]], start: int = 0, end: int | None = None) -> str:
    end = len(text) if end is None else end
    out, position = [], start
    for a, b in spans:
        if b <= start or a >= end or a < position:
            continue
        out.append(html.escape(text[position:a]))
        out.append("<mark>" + html.escape(text[a:min(b, end)]) + "</mark>")
        position = min(b, end)
    out.append(html.escape(text[position:end]))
    return "".join(out)


def highlight(text: str, query: Query) -> SafeString:
    return mark_safe(_marked(text, _spans(text, query)))  # noqa: S308 - every piece is escaped


def snippet(body: str, query: Query, size: int = SNIPPET_CHARS) -> SafeString:
    """A window of the body where the most distinct query words are, those words marked."""
    if not body:
        return mark_safe("")
    head = body[:200_000]
    spans = _spans(head, query)
    if not spans:
        cut = head[:size]
        return mark_safe(html.escape(cut) + ("…" if len(head) > size else ""))  # noqa: S308
    # The window with the most distinct matched words wins (cheap: look at up to 50 first matches).
    # Each is scored over exactly what would be shown, from a quarter of the size before its match:
    # scored over one range and shown from another, the words that won it fell past the cut.
    words = [fold(head[x:y]) for x, y in spans]
    window, best_score = 0, -1
    for a, _b in spans[:50]:
        first = max(0, a - size // 4)
        inside = {words[k] for k, (x, y) in enumerate(spans) if first <= x and y <= first + size}
        if len(inside) > best_score:
            window, best_score = first, len(inside)
    # Widened to whole words at both ends, never narrowed.
    start = window
    while start > 0 and not head[start - 1].isspace() and window - start < size // 4:
        start -= 1
    end = min(len(head), window + size)
    while end < len(head) and not head[end].isspace() and end - window - size < 30:
        end += 1
    text = _marked(head, spans, start, end).replace("\n", " ")
    return mark_safe(("…" if start > 0 else "") + text + ("…" if end < len(body) else ""))  # noqa: S308


# --- Saved searches -------------------------------------------------------------------------

def saved_searches(person: Person) -> QuerySet[SavedSearch]:
    return SavedSearch.objects.filter(person=person).order_by("name", "id")
