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
from django.utils.translation import gettext_lazy as _


class Item(models.Model):
    class Kind(models.TextChoices):
        INCOMING = "incoming", _("Incoming documents")
        OUTGOING = "outgoing", _("Outgoing documents")
        REVIEW = "review", _("Reviews of drafts")
        TASK = "task", _("Tasks")

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
            # answers from the index alone; SQLite ignores INCLUDE and reads the rows).
            models.Index(fields=["kind", "agency", "opened_on"], name="statistics_item_period",
                         include=["unit", "person", "field", "doc_type", "urgency", "secret", "category",
                                  "deadline", "closed_on", "state", "late"]),
            # What ended in a period (documents issued this month, reviews done).
            models.Index(fields=["kind", "agency", "closed_on"], name="statistics_item_closed",
                         include=["unit", "person", "field", "doc_type", "urgency", "secret", "category",
                                  "deadline", "opened_on", "state", "late"]),
            # A unit's and a person's statistics, and a person's compliance figures.
            models.Index(fields=["kind", "unit", "opened_on"], name="statistics_item_unit"),
            models.Index(fields=["kind", "person", "opened_on"], name="statistics_item_person"),
            # The secret documents of an agency: few, checked one by one against who may see them.
            models.Index(fields=["agency", "kind"], name="statistics_item_secret", condition=models.Q(secret=True)),
            # The oversight of drafts: the open outgoing documents of an agency.
            models.Index(fields=["agency", "held_since"], name="statistics_item_waiting",
                         condition=models.Q(kind="outgoing", state="open")),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.source_id}"


class LoginDay(models.Model):
    """A day on which a person logged in (003 Đ18: use of the system on working days)."""

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                               db_index=False)
    day = models.DateField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "day"], name="statistics_login_day")]
