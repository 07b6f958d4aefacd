"""What the statistics count (R28, R29; 003 Đ2, Đ14.1, Đ18): one row per piece of work, kept by
the statistics' own subscriber in the transaction of every change (services.on_document_event),
and the days each person logged in.

A row says where the work belongs (agency, unit, person, field), what it is (kind, document type,
urgency, secrecy, category), when it began (`opened_on`: the arrival date of an incoming document,
the day an outgoing one was started, the day a task was given, the day a review fell due), its
deadline and when it ended. Whether it is on time, late, pending or overdue is read from these and
today's date (selectors.OUTCOMES; docs/statistics.md), so the figures move with the clock without
any job rewriting them.

The dashboards add up these rows by an index on (kind, agency, opened_on) that holds every column
they group by: a year of a large agency is a few tens of thousands of index entries, where counting
the documents themselves would join the routing tree of each.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Item(models.Model):
    class Kind(models.TextChoices):
        INCOMING = "incoming", _("Incoming documents")
        OUTGOING = "outgoing", _("Outgoing documents")
        REVIEW = "review", _("Reviews of drafts")
        TASK = "task", _("Tasks")
        LEAVE = "leave", _("Leave requests")
        ITREPORT = "itreport", _("IT reports")
        ITINCIDENT = "itincident", _("IT incidents")

    class State(models.TextChoices):
        OPEN = "open", _("Being handled")
        DONE = "done", _("Done")

    kind = models.CharField(max_length=10, choices=Kind.choices)
    source_id = models.BigIntegerField()  # the document's, the review step's, the task's id
    # The document whose page shows it and whose visibility rule decides who counts it: the source
    # itself, except for a review (its outgoing document).
    document_id = models.BigIntegerField()
    agency = models.ForeignKey("org.Agency", on_delete=models.CASCADE, related_name="+", db_index=False)
    # Who handles it: the unit holding the main task and the person under it (incoming), the
    # drafting unit and drafter (outgoing), the reviewer (review), the owner (task).
    unit = models.ForeignKey("org.Unit", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                             db_index=False)
    person = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+", db_index=False)
    field = models.ForeignKey("org.Field", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                              db_index=False)
    doc_type = models.CharField(max_length=4, blank=True, default="")
    urgency = models.CharField(max_length=12, blank=True, default="")
    secret = models.BooleanField(default=False)
    # What else sorts it: a task's source (instruction, meeting, programme…), a review's step kind.
    category = models.CharField(max_length=12, blank=True, default="")
    opened_on = models.DateField()
    deadline = models.DateField(null=True, blank=True)
    closed_on = models.DateField(null=True, blank=True)
    state = models.CharField(max_length=5, choices=State.choices, default=State.OPEN)
    late = models.BooleanField(default=False)  # done after its deadline
    # Where an open outgoing document waits (its status and the person holding it) and since when:
    # the leaders' oversight of drafts (003 Đ13, Đ15.1).
    status = models.CharField(max_length=12, blank=True, default="")
    holder = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+", db_index=False)
    held_since = models.DateTimeField(null=True, blank=True)
    # Shown in the list behind a figure without opening each document.
    reference = models.CharField(max_length=60, blank=True, default="")
    title = models.CharField(max_length=300, blank=True, default="")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "source_id"], name="statistics_item_source")]
        indexes = [
            # Every dashboard: a period of an agency, and the columns it groups by (PostgreSQL
            # answers from the index alone; SQLite ignores INCLUDE and reads the rows). The document
            # too: a viewer who may open some secret documents counts them by their ids, and a
            # column missing here sends every row of the period to the table (bench/statistics_bench.py).
            models.Index(fields=["kind", "agency", "opened_on"], name="statistics_item_period",
                         include=["unit", "person", "field", "doc_type", "urgency", "secret", "category",
                                  "deadline", "closed_on", "state", "late", "document_id"]),
            # What ended in a period (documents issued this month, reviews done).
            models.Index(fields=["kind", "agency", "closed_on"], name="statistics_item_closed",
                         include=["unit", "person", "field", "doc_type", "urgency", "secret", "category",
                                  "deadline", "opened_on", "state", "late", "document_id"]),
            # A unit's and a person's statistics, and a person's compliance figures. A unit's
            # dashboard reads a year of a large unit (the tallies hold whole agencies only), so its
            # index holds what it groups by, as the agency's does.
            models.Index(fields=["kind", "unit", "opened_on"], name="statistics_item_unit_cover",
                         include=["agency", "person", "field", "doc_type", "urgency", "secret", "category",
                                  "deadline", "closed_on", "state", "late", "document_id"]),
            models.Index(fields=["kind", "person", "opened_on"], name="statistics_item_person"),
            # The secret documents of an agency: few, checked one by one against who may see them.
            models.Index(fields=["agency", "kind"], name="statistics_item_secret", condition=models.Q(secret=True)),
            # The open work not yet due, counted live beside the tallies (tallies.py): only recent
            # work has a deadline ahead, so the range from today is short.
            models.Index(fields=["kind", "deadline"], name="statistics_item_due",
                         include=["agency", "opened_on", "unit", "person", "field", "doc_type", "urgency",
                                  "category", "secret"],
                         condition=models.Q(state="open")),
            # The oversight of drafts: the open outgoing documents of an agency.
            # (Its status and secrecy with it: the dashboard counts the drafts by status.)
            models.Index(fields=["agency", "held_since"], name="statistics_item_waiting",
                         include=["status", "secret", "document_id"],
                         condition=models.Q(kind="outgoing", state="open")),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.source_id}"


class Tally(models.Model):
    """The months' sums of the statistics rows, kept with them (tallies.py): what an agency's or the
    province's dashboard reads instead of adding up a year of rows (issue 19: "figures come from the
    tallies kept by the services").

    One row per kind of work, basis (the month the work began in, or ended in), month, agency and
    value of one dimension (`dimension` "" holds the agency's whole month). It counts the rows that
    are not secret: done on time, done late, open with a deadline and open without one. Whether
    open work is overdue depends on today, so the pages count the open rows not yet due from the
    rows themselves (few: only recent work has a deadline ahead) and the secret rows a viewer may
    see (tallies.py, selectors.by)."""

    kind = models.CharField(max_length=10)
    basis = models.CharField(max_length=6)  # "opened" / "closed"
    month = models.DateField()  # its first day
    agency = models.ForeignKey("org.Agency", on_delete=models.CASCADE, related_name="+", db_index=False)
    dimension = models.CharField(max_length=10, blank=True, default="")
    value = models.CharField(max_length=20, blank=True, default="")  # an id in decimal, a code; "": not set
    on_time = models.IntegerField(default=0)
    late = models.IntegerField(default=0)
    open_dated = models.IntegerField(default=0)
    open_undated = models.IntegerField(default=0)

    class Meta:
        constraints = [
            # Also what every reading walks: an agency's (or a province's) months of one dimension.
            # (No INCLUDE: SQLite would then make no unique index at all, and ON CONFLICT needs one.)
            models.UniqueConstraint(fields=["kind", "basis", "dimension", "agency", "month", "value"],
                                    name="statistics_tally_key"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.basis} {self.month} {self.agency_id} {self.dimension}={self.value}"


class LoginDay(models.Model):
    """A day on which a person logged in (003 Đ18: use of the system on working days)."""

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                               db_index=False)
    day = models.DateField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "day"], name="statistics_login_day")]


# --- The periodic report's layout and the scheduled reports (exports, reports, subscriptions) ---

class ReportLayout(models.Model):
    """How an agency's periodic report of document handling reads (001 Đ15, 003 Đ14.1): the
    province asks for its own layout, so the agency's administrator sets the heading, the
    sections and their order, the columns, the signature and a closing note. Without a row the
    report uses reports.DEFAULT_LAYOUT; the national motto is fixed by NĐ30 and never stored."""

    agency = models.OneToOneField("org.Agency", on_delete=models.CASCADE, related_name="+")
    title = models.CharField(_("title"), max_length=200)
    governing_body = models.CharField(_("governing body"), max_length=200, blank=True)
    reporting_body = models.CharField(_("reporting body"), max_length=200, blank=True)
    sections = models.JSONField(default=list)  # reports.SECTIONS keys, in the order shown
    columns = models.JSONField(default=list)  # selectors.OUTCOMES keys, in the order shown
    signer_title = models.CharField(_("signer's title"), max_length=200, blank=True)
    signer_name = models.CharField(_("signer's name"), max_length=200, blank=True)
    closing_note = models.TextField(_("closing note"), blank=True)
    updated_at = models.DateTimeField(null=True, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", db_index=False)

    def __str__(self) -> str:
        return self.title


class ReportSubscription(models.Model):
    """A person asks for a report or a statistic to be made for them at the end of each period
    (tasks.send_scheduled_reports), with what they may see on that day."""

    class What(models.TextChoices):
        REPORT = "report", _("Periodic report of document handling")
        STATISTIC = "statistic", _("Statistic table")

    class Every(models.TextChoices):
        WEEK = "week", _("Every week")
        MONTH = "month", _("Every month")
        QUARTER = "quarter", _("Every quarter")
        HALF_YEAR = "half_year", _("Every six months")
        YEAR = "year", _("Every year")

    class Format(models.TextChoices):
        XLSX = "xlsx", "Excel"
        PDF = "pdf", "PDF"

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    agency = models.ForeignKey("org.Agency", on_delete=models.CASCADE, related_name="+", db_index=False)
    what = models.CharField(max_length=10, choices=What.choices, default=What.REPORT)
    # The statistic's parameters as params.read takes them (scope, kind, basis, by, filters),
    # without the period: each delivery covers the period that just ended.
    params = models.JSONField(default=dict, blank=True)
    every = models.CharField(max_length=10, choices=Every.choices)
    format = models.CharField(max_length=4, choices=Format.choices, default=Format.XLSX)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)
    # The first period delivered is the first that ends after the subscription was made.
    starts_on = models.DateField(default=timezone.localdate)

    class Meta:
        indexes = [models.Index(fields=["active", "every"], name="statistics_subscription_due")]

    def __str__(self) -> str:
        return f"{self.person_id} {self.what} {self.every}"


class ReportDelivery(models.Model):
    """A file made for a subscription for one period: made once (unique), kept by the files app,
    opened only by the subscriber (report_views.delivery)."""

    subscription = models.ForeignKey(ReportSubscription, on_delete=models.CASCADE, related_name="deliveries")
    period_start = models.DateField()
    period_end = models.DateField()
    stored = models.ForeignKey("files.StoredFile", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=255)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["subscription", "period_start"],
                                               name="statistics_delivery_once")]
        indexes = [models.Index(fields=["stored"], name="statistics_delivery_stored")]

    def __str__(self) -> str:
        return self.name
