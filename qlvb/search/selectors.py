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
from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.db.models.functions import Substr
from django.utils.safestring import SafeString, mark_safe

from qlvb.core import kinds
from qlvb.core.kinds import Rule
from qlvb.core.text import fold
from qlvb.org.models import Person
from qlvb.search import matching, ranking, spelling
from qlvb.search.models import SavedSearch, SearchEntry
from qlvb.search.query import TOKEN, Query, parse

PER_PAGE = 20
COUNT_CAP = 1000
CANDIDATES = 1001  # matches the export reads at least
# Matches a first page ranks: the newest this many (more for a later page). Finding the newest
# 1,001 matches of a common word among 5,000,000 documents cost PostgreSQL up to seconds (its GIN
# bitmap reaches back through the whole table); 200 are found in the newest entries. The count
# then says "200+" when there may be more, on both databases alike.
FIRST_CANDIDATES = 200
SNIPPET_CHARS = 240
SORTS = ("relevance", "newest", "oldest")
FILTERS = ("kind", "doc_type", "issuer", "register", "date_from", "date_to", "urgency", "secrecy", "status", "unit")


def _rules(person: Person) -> dict[str, Rule]:
    """Each kind's rule for the person. Building them costs milliseconds of Python (a dozen kinds,
    each with its querysets), so a search builds them once and hands them on (`rules=`)."""
    return {kind.name: kind.rule(person) for kind in kinds.all_kinds()}


def visible_entries_q(person: Person, *, rules: dict[str, Rule] | None = None) -> Q:
    """The entries of documents the person may open: each kind's one rule (core.kinds), applied
    to the entry's own columns (agency, secrecy, status, document id)."""
    rules = {name: rule for name, rule in (rules or _rules(person)).items() if rule.agencies}
    if not rules:
        return Q(pk__in=[])
    agencies = {rule.agencies for rule in rules.values()}
    if len(agencies) > 1:  # kinds that open different agencies: each keeps its own test
        return reduce(operator.or_, [Q(kind=name) & rule.q(id_field="document_id") for name, rule in rules.items()])
    # One set of agencies (the person's): tested once, first, so the planners start from it.
    return Q(agency_id__in=sorted(agencies.pop())) & reduce(operator.or_, [
        Q(kind=name) & rule.q(id_field="document_id", agencies=False) for name, rule in rules.items()])


def own_entries(person: Person, filters: dict[str, Any], *, rules: dict[str, Rule] | None = None) -> QuerySet | None:
    """For a person without an agency-wide role: the ids of the entries their access rows give
    them, as a UNION of index-friendly parts (the same set as visible_entries_q)."""
    extra = filters_q(filters)
    parts = []
    for name, rule in (rules or _rules(person)).items():
        ids = rule.access_ids()
        if ids is not None and rule.agencies:
            parts.append(SearchEntry.objects.filter(extra, agency_id__in=sorted(rule.agencies), kind=name,
                                                    document_id__in=ids).values("id"))
    if not parts:
        return None
    return parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]


def _is_narrow(person: Person, *, rules: dict[str, Rule] | None = None) -> bool:
    """No role opens anything without access rows (no leader, no clerk)."""
    return not any(grant.agencies for rule in (rules or _rules(person)).values() for grant in rule.grants)


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
    suggestion: str = ""  # "Có phải bạn muốn tìm …": the corrected query, to search again
    suggestion_text: str = ""  # …and as the first result spells it, to show

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def pages_label(self) -> str:
        return f"{self.pages}+" if self.capped else str(self.pages)

    @property
    def has_next(self) -> bool:
        return self.page < self.pages or (self.capped and self.page * self.per_page < COUNT_CAP)

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


WINDOWS = (50_000, 500_000, None)  # newest entries looked at first (PostgreSQL), then all
FILTERED_WINDOWS = (500_000, None)  # filters keep one entry in tens: the first window rarely holds enough
# A type filter in one agency: the index search_agency_type_id (agency, type, id, status, date;
# migration search/0008) walks that type's entries newest first, testing status and period inside
# the index, so PostgreSQL is asked once, over every entry: it walks that index for a common word
# and intersects the GIN index for a rarer one. A window would only make it pay for the GIN twice.
TYPE_WINDOWS: tuple[int | None, ...] = (None,)


def _windows(rules: dict[str, Rule], filters: dict[str, Any]) -> tuple[int | None, ...]:
    """The windows of _recent_matches for a viewer of these rules and these filters."""
    if not filters_q(filters):
        return WINDOWS
    agencies = {agency for rule in rules.values() for agency in rule.agencies}
    if filters.get("doc_type") and len(agencies) == 1:
        return TYPE_WINDOWS
    return FILTERED_WINDOWS


def _candidates(query: Query, where: str, params: list[Any], *, prefixes: bool = False, narrow: bool = False,
                candidates: int = FIRST_CANDIDATES, own: QuerySet | None = None,
                windows: tuple[int | None, ...] = WINDOWS) -> list[int]:
    """The ids of the `candidates` newest matches the viewer may open, newest first (fewer: they
    are every match).

    Ranking every match of a common word among a million documents costs seconds, so only these
    candidates are ranked (qlvb.search.ranking); a specific query has fewer matches and they are
    all ranked. FTS5 and the primary key both give them newest first without sorting.

    `narrow`: the viewer may open only the documents of their access rows (no agency-wide role),
    or filters are given: the entries they allow are collected once (by the access-row and filter
    indexes) and each match is tested against that set, instead of walking every match of a
    common word and reading its row."""
    table = "search_searchentry"
    head, head_params = "", []
    if connection.vendor == "sqlite":
        if narrow:
            base = (f"FROM search_fts WHERE search_fts MATCH %s "  # noqa: S608 - fixed fragments + ORM SQL
                    f"AND +search_fts.rowid IN (SELECT {table}.id FROM {table} WHERE {where})")
        else:
            base = (f"FROM search_fts JOIN {table} ON {table}.id = search_fts.rowid "
                    f"WHERE search_fts MATCH %s AND ({where})")
        base_params = [query.fts5(all_prefix=prefixes), *params]
        select = f"SELECT search_fts.rowid {base} ORDER BY search_fts.rowid DESC LIMIT %s"
    else:
        tsquery = query.tsquery(all_prefix=prefixes)
        if own is None:
            # The filters first: PostgreSQL tests quals of equal cost in the order written, and a
            # vector read for every row it walks past costs ten times the row's other columns.
            base = f"FROM {table} WHERE ({where}) AND vector @@ to_tsquery('simple', %s)"
            return _recent_matches(base, [*params, tsquery], candidates=candidates, windows=windows)
        # Start from the viewer's own entries (a few thousand, by the access-row indexes) and test
        # their vectors: no walk through every match of a common word.
        own_sql, own_params = own.query.sql_with_params()
        head = f"WITH visible AS MATERIALIZED ({own_sql}) "
        head_params = list(own_params)
        base = (f"FROM {table} WHERE {table}.id IN (SELECT id FROM visible) "  # noqa: S608
                f"AND vector @@ to_tsquery('simple', %s)")
        base_params = [tsquery]
        select = f"{head}SELECT {table}.id {base} ORDER BY {table}.id DESC LIMIT %s"
    with connection.cursor() as cursor:
        # made of fixed fragments and the ORM's WHERE; user input only travels in params
        cursor.execute(select, [*head_params, *base_params, candidates])
        return [row[0] for row in cursor.fetchall()]


def _recent_matches(base: str, base_params: list[Any], *, candidates: int,
                    windows: tuple[int | None, ...] = WINDOWS) -> list[int]:
    """PostgreSQL: the most recent matches, looked for among the newest entries first, then ten
    times as many, then all. A bitmap of the GIN index visits every matching row of a common word
    (tens of thousands among millions, seconds); ANDed with a primary-key range it visits only
    those in the window. Enough working memory keeps the bitmap exact (a lossy one rechecks the
    vectors of whole pages: 1.1 s instead of 0.3 s for three common words at 5,000,000)."""
    table = "search_searchentry"
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SELECT set_config('work_mem', '32MB', true), max(id) FROM {table}")  # noqa: S608
        newest = cursor.fetchone()[1] or 0
        ids: list[int] = []
        for window in windows:
            low = newest - window if window is not None and window < newest else 0
            cursor.execute(f"SELECT {table}.id {base} AND {table}.id > %s ORDER BY {table}.id DESC LIMIT %s",
                           [*base_params, low, candidates])  # noqa: S608
            ids = [row[0] for row in cursor.fetchall()]
            if len(ids) >= candidates or low == 0:
                break
    return ids


# Rarity is measured among the newest entries: exact enough to tell "Giám đốc" (in every letter)
# from a rare word. On PostgreSQL the terms are tested on those rows in one pass (a GIN bitmap of
# a word in every document would cost a hundred milliseconds); FTS5 walks its doclists from the
# window's first row. Both count the same thing: the entries among the newest that hold the term.
FREQUENCY_WINDOW = 5_000


def document_frequencies(query: Query) -> list[float]:
    """Each term's weight, log(1 + N / df), df its entries among the newest FREQUENCY_WINDOW."""
    return _newest_pass(query)[0]


def _newest_pass(query: Query, where: str = "", params: list[Any] | None = None) -> tuple[list[float], list[int]]:
    """The terms' weights (document_frequencies) and, on PostgreSQL with `where`, the newest
    entries the viewer may open that match the whole query, from one pass over the newest rows:
    when a query is common enough to fill a page of candidates there, the GIN index is not asked
    at all (intersecting the lists of words in every document, `va ho tro`, cost it 200 ms)."""
    table = "search_searchentry"
    singles = [Query(text="", terms=[term]) for term in query.terms]
    dense: list[int] = []
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            low = f"(SELECT coalesce(max(id), 0) FROM {table}) - %s"  # noqa: S608 - the window's lower end
            parts = [f"(SELECT count(*) FROM {table} WHERE id > {low})"]  # noqa: S608
            sql_params: list[Any] = [FREQUENCY_WINDOW]
            for single in singles:
                parts.append(f"(SELECT count(*) FROM search_fts WHERE search_fts MATCH %s AND rowid > {low})")  # noqa: S608
                sql_params += [single.fts5(), FREQUENCY_WINDOW]
            cursor.execute("SELECT " + ", ".join(parts), sql_params)
            documents, *frequencies = cursor.fetchone()
        else:
            # The last rows of the primary key, each tested once for every term (a bound computed by
            # a subquery would hide the window from the planner, which then reads the whole table).
            # The subquery takes the table's name, so that the ORM's WHERE reads its columns.
            counts = ", ".join(["count(*) FILTER (WHERE vector @@ to_tsquery('simple', %s))"] * len(singles))
            matching = (f", array_agg(id ORDER BY id DESC) FILTER (WHERE vector @@ to_tsquery('simple', %s) "
                        f"AND ({where}))") if where else ", NULL"
            cursor.execute(f"SELECT count(*), {counts}{matching} FROM (SELECT * FROM {table} "  # noqa: S608
                           f"ORDER BY id DESC LIMIT %s) {table}",
                           [*(single.tsquery() for single in singles),
                            *([query.tsquery(), *(params or [])] if where else []), FREQUENCY_WINDOW])
            documents, *frequencies, found = cursor.fetchone()
            dense = list(found or [])
    weights = [ranking.idf(max(documents, 1), frequency) for frequency in frequencies]
    return weights, dense


def _ordered(query: Query, ids: list[int], sort: str, weights: list[float] | None = None) -> list[tuple[int, float]]:
    """(id, relevance) of the candidates in the order asked: by relevance (qlvb.search.ranking,
    computed the same way on both databases) or by date."""
    if not ids:
        return []
    if sort != "relevance":
        dated = SearchEntry.objects.filter(pk__in=ids).values_list("id", "date")
        newest_first = sorted(dated, key=lambda r: (r[1] or date.min, r[0]), reverse=True)
        ordered = newest_first if sort == "newest" else newest_first[::-1]
        return [(pk, 0.0) for pk, _date in ordered]
    ranker = ranking.Ranker(query, weights if weights is not None else document_frequencies(query))
    scored = []
    rows = (SearchEntry.objects.filter(pk__in=ids)
            .annotate(head=Substr("body", 1, ranking.TEXT_CHARS))
            .values_list("id", "date", "reference", "title", "head"))
    for pk, day, reference, title, head in rows:
        exact, value = ranker.score(f"{reference} {title}", head or "")
        scored.append((exact, value, day or date.min, pk))
    scored.sort(reverse=True)
    return [(pk, value) for _exact, value, _day, pk in scored]


def _counted(ids: list[int], asked: int) -> tuple[int, bool]:
    """(count, more may exist): as many as asked for means there may be more ("200+")."""
    return min(len(ids), COUNT_CAP), len(ids) >= asked


def search(viewer: Person, text: str = "", filters: dict[str, Any] | None = None, sort: str = "relevance",
           page: int = 1, per_page: int = PER_PAGE) -> Results:
    """One page of the documents the viewer may open matching `text` and `filters`."""
    query = parse(text)
    filters = filters or {}
    sort = sort if sort in SORTS else "relevance"
    page = max(1, min(int(page or 1), COUNT_CAP // per_page + 1))
    rules = _rules(viewer)
    entries = SearchEntry.objects.filter(visible_entries_q(viewer, rules=rules)).filter(filters_q(filters))
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
    narrow_viewer = _is_narrow(viewer, rules=rules)
    narrow = narrow_viewer or bool(filters_q(filters))
    own = own_entries(viewer, filters, rules=rules) if narrow_viewer and connection.vendor == "postgresql" else None
    need = max(FIRST_CANDIDATES, offset + per_page + 1)
    windows = _windows(rules, filters)
    weights: list[float] | None
    # With a type filter the index finds the newest matches in one statement, so the newest rows
    # are only asked for the terms' rarity: the viewer's conditions cost ~10 ms to plan each time.
    weights, dense = _newest_pass(query) if windows is TYPE_WINDOWS else _newest_pass(query, where, params)
    if len(dense) >= need:  # a common query: its newest matches are all in the newest rows
        ids = dense[:need]
    else:
        ids = _candidates(query, where, params, narrow=narrow, own=own, candidates=need, windows=windows)
    fuzzy, suggestion = False, None
    if not ids:
        # Nothing: the words corrected (a keystroke away), then every word as a prefix; both
        # databases alike. A correction is offered only with what it finds for this viewer.
        fuzzy = True
        for corrected in spelling.corrections(query):
            ids = _candidates(corrected, where, params, narrow=narrow, own=own, candidates=need, windows=windows)
            if ids:
                query, suggestion, weights = corrected, corrected, None
                break
        else:
            ids = _candidates(query, where, params, prefixes=True, narrow=narrow, own=own, candidates=need,
                              windows=windows)
    total, capped = _counted(ids, need)
    rows = _ordered(query, ids, sort, weights)[offset:offset + per_page]
    by_id = SearchEntry.objects.in_bulk([r[0] for r in rows])
    hits = [Hit(by_id[i], rank) for i, rank in rows if i in by_id]
    for hit in hits:
        hit.title_html, hit.snippet_html = _marked_hit(hit.entry, query)
    results = Results(query, hits, total, capped, page, per_page, fuzzy=fuzzy and bool(hits), message=message)
    if suggestion is not None and hits:
        results.suggestion_text, results.suggestion = _as_written(suggestion, hits[0].entry)
    return results


def _as_written(query: Query, entry: SearchEntry) -> tuple[str, str]:
    """The corrected query as the first result spells it ("quyết định" for `quyet dinh`), to show
    and to search again: words, not folded keys."""
    title = f"{entry.reference} {entry.title}"
    shown, typed = [], []
    for term in query.terms:
        single = Query(text="", terms=[term])
        written = " ".join(term.words)
        for text in (title, entry.body[:200_000]):
            found = matching.occurrences(text, single, limit=1)
            if found:
                written = " ".join(TOKEN.findall(text[found[0].start:found[0].end]))
                break
        written = written if written.isupper() else written.lower()
        shown.append(written)
        typed.append((f'"{written}"' if term.is_phrase else written) + ("*" if term.prefix else ""))
    return " ".join(shown), " ".join(typed)


def export_rows(viewer: Person, text: str, filters: dict[str, Any], sort: str, limit: int = 10_000) -> list[Hit]:
    """Up to `limit` results, for the Excel export (same scope and order as the page)."""
    query = parse(text)
    rules = _rules(viewer)
    entries = SearchEntry.objects.filter(visible_entries_q(viewer, rules=rules)).filter(filters_q(filters))
    if not query:
        ordered = entries.order_by("-date", "-id") if sort != "oldest" else entries.order_by("date", "id")
        return [Hit(e) for e in ordered.defer("body")[:limit]]
    where, params = _where(entries)
    narrow = _is_narrow(viewer, rules=rules)
    own = own_entries(viewer, filters, rules=rules) if narrow and connection.vendor == "postgresql" else None
    ids = _candidates(query, where, params, candidates=max(limit, CANDIDATES), own=own,
                      narrow=narrow or bool(filters_q(filters)), windows=_windows(rules, filters))
    rows = _ordered(query, ids, sort if sort in SORTS else "relevance")[:limit]
    by_id = SearchEntry.objects.defer("body").in_bulk([r[0] for r in rows])
    return [Hit(by_id[i], rank) for i, rank in rows if i in by_id]


# --- Highlighting ----------------------------------------------------------------------------

def _merge(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Neighbouring matches separated by blanks only become one mark: <mark>Đôn đốc</mark>."""
    merged: list[tuple[int, int]] = []
    for a, b in spans:
        if merged and a >= merged[-1][1] and not text[merged[-1][1]:a].strip():
            merged[-1] = (merged[-1][0], b)
        else:
            merged.append((a, b))
    return merged


def _spans(text: str, found: list[matching.Occurrence]) -> list[tuple[int, int]]:
    return _merge(text, [(o.start, o.end) for o in found])


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


def _marked_hit(entry: SearchEntry, query: Query) -> tuple[SafeString, SafeString]:
    """The title and the snippet of one result, marked. A word typed with its marks is marked only
    where it is spelled so, when the document spells it so somewhere (matching.shown)."""
    head = entry.body[:200_000]
    in_title, in_body = matching.occurrences(entry.title, query), matching.occurrences(head, query)
    exact = matching.exact_terms(query, in_title, in_body)
    title = mark_safe(_marked(entry.title, _spans(entry.title, matching.shown(query, in_title, exact))))  # noqa: S308
    return title, snippet(entry.body, query, found=matching.shown(query, in_body, exact))


def snippet(body: str, query: Query, size: int = SNIPPET_CHARS,
            found: list[matching.Occurrence] | None = None) -> SafeString:
    """A window of the body where the most distinct query words are, those words marked."""
    if not body:
        return mark_safe("")
    head = body[:200_000]
    spans = _spans(head, matching.occurrences(head, query) if found is None else found)
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
