"""Scheduled reports: a person asks for the periodic report of an agency, or a statistic of a
scope they may open, to be made for them at the end of every week, month, quarter, six months or
year (models.ReportSubscription).

Each morning the job (tasks.send_scheduled_reports) takes every active subscription whose last
complete period has no file yet, makes the file as that person would see it on that day — their
scope checked again (a scope they may no longer open ends the subscription), their secret
documents only — keeps it with the files app and records `statistics.report_sent`, from which the
notifications app tells them, with a link that only they may open. A period is made once per
subscription (a unique row, taken under a lock), however often the job runs.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404, QueryDict
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from qlvb.core import events
from qlvb.core.actor import Actor
from qlvb.files.services import store_bytes
from qlvb.org.models import Person
from qlvb.statistics import exports, params, periods, reports
from qlvb.statistics.models import ReportDelivery, ReportSubscription
from qlvb.statistics.periods import Period
from qlvb.statistics.selectors import Query

logger = logging.getLogger(__name__)

# What a subscription keeps of a statistic's parameters: the question, never the period.
KEPT = ("scope", "agency", "unit", "field", "person", "kind", "basis", "by",
        *(params.FILTER_PREFIX + name for name in ("unit", "person", "field", "doc_type", "urgency", "category")))


def _query(kept: Mapping[str, Any], period: Period | None = None) -> QueryDict:
    query = QueryDict(mutable=True)
    for name, value in kept.items():
        if name in KEPT and value not in (None, ""):
            query[name] = str(value)
    if period is not None:
        query.update(period.params())
    return query


def check(person: Person, data: Mapping[str, Any]) -> dict[str, Any]:
    """The subscription's values, cleaned and checked against what the person may open now; a
    ValidationError worded for them (nothing is saved)."""
    what = data.get("what") or ReportSubscription.What.REPORT
    if what not in ReportSubscription.What.values:
        raise ValidationError({"what": _("Choose the periodic report or a statistic.")})
    every = data.get("every") or ""
    if every not in ReportSubscription.Every.values:
        raise ValidationError({"every": _("Choose how often: every week, month, quarter, six months or year.")})
    fmt = data.get("format") or ""
    if fmt not in ReportSubscription.Format.values:
        raise ValidationError({"format": _("Choose Excel or PDF.")})
    kept = {name: str(data[name]).strip() for name in KEPT if data.get(name) not in (None, "")}
    if what == ReportSubscription.What.REPORT:
        kept = {"scope": "agency", "agency": kept.get("agency", "")}
    lost = ValidationError({"scope": _("You may not open the statistics of this scope: choose one of yours.")})
    try:
        asked = resolve(person, what, kept, periods.of(every, timezone.localdate()))
    except (Http404, ValidationError, ValueError):
        raise lost from None
    agency_id = asked.query.scope.agency_id
    if agency_id is None:
        raise lost
    if what == ReportSubscription.What.STATISTIC:
        kept = {name: value for name, value in asked.params().items() if name in KEPT}
    else:
        kept["agency"] = str(agency_id)
    return {"what": what, "every": every, "format": fmt, "params": kept, "agency_id": agency_id}


def resolve(person: Person, what: str, kept: Mapping[str, Any], period: Period) -> params.Asked:
    """The question of a subscription for a period, as the person may ask it today (Http404 if
    they may not)."""
    if what == ReportSubscription.What.REPORT:
        agency_id = int(kept.get("agency") or person.agency_id or 0)
        scope = reports.agency_scope(person, agency_id)
        return params.Asked(Query("incoming", scope, period), None, "total", False)
    return params.read(person, _query(kept, period))


@transaction.atomic
def subscribe(*, by: Actor, data: Mapping[str, Any]) -> ReportSubscription:
    person = by.person
    assert person is not None
    values = check(person, data)
    subscription = ReportSubscription.objects.create(
        person=person, agency_id=values["agency_id"], what=values["what"], params=values["params"],
        every=values["every"], format=values["format"], starts_on=timezone.localdate())
    events.record(verb="statistics.subscription_saved", actor=by, agency=values["agency_id"], target=subscription,
                  data={"what": subscription.what, "every": subscription.every, "format": subscription.format,
                        "params": subscription.params})
    return subscription


def of(person: Person) -> QuerySet[ReportSubscription]:
    return (ReportSubscription.objects.filter(person=person, active=True).select_related("agency")
            .order_by("-created_at", "-pk"))


@transaction.atomic
def unsubscribe(*, by: Actor, subscription_id: int) -> None:
    subscription = ReportSubscription.objects.filter(pk=subscription_id, person=by.person, active=True).first()
    if subscription is None:
        raise Http404()
    subscription.active = False
    subscription.save(update_fields=["active"])
    events.record(verb="statistics.subscription_removed", actor=by, agency=subscription.agency_id,
                  target=subscription, data={"reason": "asked"})


def last_period(subscription: ReportSubscription, today: date) -> Period | None:
    """The last complete period before today, if it ended after the subscription was made."""
    period = periods.of(subscription.every, today).previous()
    return period if period.end >= subscription.starts_on else None


def delivery_for(person: Person, delivery_id: int) -> ReportDelivery:
    """A file made for a subscription: its subscriber only (anyone else: 404)."""
    delivery = (ReportDelivery.objects.select_related("stored", "subscription")
                .filter(pk=delivery_id, subscription__person=person).first())
    if delivery is None:
        raise Http404()
    return delivery


def build(subscription: ReportSubscription, period: Period, today: date) -> tuple[bytes, str]:
    """The file, as the subscriber sees things today, and its name. Http404 if they may no
    longer open the scope."""
    person = subscription.person
    fmt = subscription.format
    if subscription.what == ReportSubscription.What.REPORT:
        report = reports.build(person, subscription.agency_id, period, today=today)
        content = (reports.write_report_xlsx(report) if fmt == "xlsx"
                   else reports.render_pdf("statistics/report_print.html", {"report": report}))
        return content, exports.filename(report.layout.title, period.label, fmt)
    asked = resolve(person, subscription.what, subscription.params, period)
    table = exports.table(person, asked, today=today)
    content = (exports.write_table_xlsx(table) if fmt == "xlsx" else exports.render_pdf(
        "statistics/report_table_print.html", {"table": table, "made": exports.made_line(table.made_at,
                                                                                        table.made_by)}))
    return content, exports.filename(table.title, period.label, fmt)


@dataclass
class Run:
    sent: int = 0
    skipped: int = 0  # already made for the period, or none due yet
    ended: int = 0  # the scope was lost: the subscription ends


def deliver(subscription_id: int, today: date) -> str:
    """Make the last period's file for one subscription: "sent", "skipped" or "ended"."""
    with transaction.atomic():
        subscription = (ReportSubscription.objects.select_for_update().select_related("person")
                        .filter(pk=subscription_id, active=True).first())
        if subscription is None:
            return "skipped"
        period = last_period(subscription, today)
        if period is None or ReportDelivery.objects.filter(subscription=subscription,
                                                           period_start=period.start).exists():
            return "skipped"
        person = subscription.person
        try:
            if not person.is_active:
                raise Http404()
            content, name = build(subscription, period, today)
        except (Http404, ValidationError):
            subscription.active = False
            subscription.save(update_fields=["active"])
            events.record(verb="statistics.subscription_removed", agency=subscription.agency_id,
                          target=subscription, data={"reason": "scope_lost", "person": person.pk})
            return "ended"
        stored = store_bytes(content, name=name)
        delivery = ReportDelivery.objects.create(subscription=subscription, period_start=period.start,
                                                 period_end=period.end, stored=stored, name=name[:255])
        events.record(verb="statistics.report_sent", agency=subscription.agency_id, target=delivery, data={
            "recipient": person.pk, "subscription": subscription.pk, "what": subscription.what,
            "format": subscription.format, "period": [period.start, period.end], "title": name})
        return "sent"


def run(today: date | None = None) -> Run:
    """Every subscription whose last complete period is not yet made (the job, each morning)."""
    from django.conf import settings

    today = today or timezone.localdate()
    result = Run()
    ids = list(ReportSubscription.objects.filter(active=True).order_by("pk").values_list("pk", flat=True))
    with translation.override(settings.LANGUAGE_CODE):
        for subscription_id in ids:
            try:
                outcome = deliver(subscription_id, today)
            except Exception:  # one subscription's failure must not stop the others'
                logger.exception("Scheduled report %s failed", subscription_id)
                continue
            if outcome == "sent":
                result.sent += 1
            elif outcome == "ended":
                result.ended += 1
            else:
                result.skipped += 1
    return result
