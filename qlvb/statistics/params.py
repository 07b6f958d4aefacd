"""One reading of a statistic's parameters, shared by the pages, the exports and the API, so that a
figure, its list, its Excel file and its API answer are always the same question:

- the scope: `scope` (province, department, agency, fields, unit, person), `agency`, `unit`,
  `field` (comma lists), `person` (scopes.resolve);
- the period: `period` (week, month, quarter, half_year, year, range) with `day`, or `start` and
  `end` for a range (periods.from_params);
- `kind` (incoming, outgoing, review, task, leave, itreport, itincident; the Department's scope:
  itincident, itreport only), `basis` (opened: what began in the period; closed:
  what ended in it), `by` (a dimension), `outcome` (for a list);
- filters, prefixed so that they never clash with the scope: `f_agency` (a province's agency), `f_unit`,
  `f_person`, `f_field`, `f_doc_type`, `f_urgency`, `f_category`.

Anything the person may not open is Http404 (figures by person need `scopes.leads_people`); a
period written wrongly is a ValidationError with a Vietnamese message.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlencode

from django.http import Http404
from django.utils import timezone

from qlvb.org.models import Person
from qlvb.statistics import periods, scopes
from qlvb.statistics.models import Item
from qlvb.statistics.selectors import BASES, DIMENSIONS, FILTERS, OUTCOMES, Query

FILTER_PREFIX = "f_"


@dataclass(frozen=True)
class Asked:
    query: Query
    by: str | None
    outcome: str
    leads_people: bool

    def params(self, **changes: str | None) -> dict[str, str]:
        """The parameters that ask this again, with some changed (None drops one)."""
        params = {**self.query.scope.params(), **self.query.period.params(), "kind": self.query.kind}
        if self.query.basis != "opened":
            params["basis"] = self.query.basis
        if self.by:
            params["by"] = self.by
        if self.outcome != "total":
            params["outcome"] = self.outcome
        params.update({FILTER_PREFIX + name: value for name, value in self.query.filters.items()})
        for name, value in changes.items():
            if value is None:
                params.pop(name, None)
            else:
                params[name] = value
        return params

    def querystring(self, **changes: str | None) -> str:
        return urlencode(self.params(**changes))


def read(viewer: Person, params: Mapping[str, str], *, default_kind: str = Item.Kind.INCOMING,
         default_by: str | None = None, today: date | None = None) -> Asked:
    today = today or timezone.localdate()
    scope = scopes.resolve(viewer, params)
    period = periods.from_params(params, today)
    department = scope.level == "department"
    kind = params.get("kind") or (scopes.DEPARTMENT_KINDS[0] if department else default_kind)
    basis = params.get("basis") or "opened"
    by = params.get("by") or default_by
    outcome = params.get("outcome") or "total"
    if kind not in Item.Kind.values or basis not in BASES or outcome not in OUTCOMES:
        raise Http404()
    if department and kind not in scopes.DEPARTMENT_KINDS:
        raise Http404()  # the Department oversees the IT work of every agency, nothing else of theirs
    if by is not None and by not in DIMENSIONS:
        raise Http404()
    filters = {}
    for name in FILTERS:
        value = params.get(FILTER_PREFIX + name)
        if value is None:
            continue
        if name == "agency" and not value.isdigit():
            raise Http404()
        if name in ("unit", "person", "field") and value not in ("", "0", "none") and not value.isdigit():
            raise Http404()
        filters[name] = value
    leads = scopes.leads_people(viewer, scope)
    if (by == "person" or "person" in filters) and not leads:
        raise Http404()
    if by == "agency" and scope.level not in ("province", "department"):
        by = "unit"
    return Asked(Query(kind, scope, period, basis, filters), by, outcome, leads)
