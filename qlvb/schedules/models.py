"""Lịch công tác (R17, 003 Đ8.1): personal, unit and agency schedules, and the monthly citizens'
reception schedule (lịch tiếp công dân, 001 Đ14).

An entry belongs to one schedule (its `scope`): a person's own (visible to its participants), a
unit's, the agency's (the leaders' week, drafted by the office and published by the agency head)
or the reception schedule (a month, drafted by the inspectorate with the office). The agency and
reception entries of one week (month) share a `Period`, whose status says whether they are still
a draft or published. Once published an entry is never rewritten silently: each change sets
`adjusted_at` (shown as "đã điều chỉnh") and records an event; a cancelled entry stays, struck
through, instead of being deleted.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _


class Scope(models.TextChoices):
    PERSONAL = "personal", _("Personal")
    UNIT = "unit", _("Unit")
    AGENCY = "agency", _("Agency (leaders)")
    RECEPTION = "reception", _("Citizens' reception")


# The scopes whose entries are drafted, approved and published by period.
PUBLISHED_SCOPES = frozenset({Scope.AGENCY.value, Scope.RECEPTION.value})


class Period(models.Model):
    """One week of the agency's schedule, or one month of the reception schedule."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted for approval")
        PUBLISHED = "published", _("Published")

    agency = models.ForeignKey("org.Agency", on_delete=models.PROTECT, related_name="+")
    scope = models.CharField(_("schedule"), max_length=10, choices=Scope.choices)
    starts = models.DateField(_("from"))
    ends = models.DateField(_("until"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    submitted_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["agency", "scope", "starts"], name="schedule_period_unique")]

    def __str__(self) -> str:
        return f"{self.get_scope_display()} {self.starts:%d/%m/%Y}–{self.ends:%d/%m/%Y}"

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


class Entry(models.Model):
    agency = models.ForeignKey("org.Agency", on_delete=models.PROTECT, related_name="+")
    scope = models.CharField(_("schedule"), max_length=10, choices=Scope.choices)
    unit = models.ForeignKey("org.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("unit"))  # the unit whose schedule it is (scope unit)
    period = models.ForeignKey(Period, null=True, blank=True, on_delete=models.PROTECT, related_name="entries")
    title = models.CharField(_("content"), max_length=500)
    place = models.CharField(_("place"), max_length=300, blank=True)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    chair = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+", verbose_name=_("chair"))
    chair_text = models.CharField(_("chair (outside the agency)"), max_length=200, blank=True)
    units = models.ManyToManyField("org.Unit", blank=True, related_name="+", verbose_name=_("participating units"))
    guests = models.CharField(_("outside guests"), max_length=500, blank=True)
    preparing_unit = models.ForeignKey("org.Unit", null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="+", verbose_name=_("preparing unit"))
    documents = models.CharField(_("documents"), max_length=500, blank=True,
                                 help_text=_("Numbers and notations of the documents of the meeting."))
    # The invitation letter (giấy mời) it was made from (001 Đ16), read through incoming.selectors.
    source_incoming = models.ForeignKey("incoming.IncomingDocument", null=True, blank=True,
                                        on_delete=models.PROTECT, related_name="+")
    notes = models.CharField(_("notes"), max_length=500, blank=True)
    # A personal or unit entry put forward for the leaders' week (đăng ký lịch tuần): the office
    # drafts the week from these and from the invitations received.
    proposed_at = models.DateTimeField(null=True, blank=True)
    # The agency entry made from a proposal points to it (a proposal is taken in once).
    source_entry = models.OneToOneField("self", null=True, blank=True, on_delete=models.SET_NULL,
                                        related_name="adopted_as")
    sequence = models.PositiveIntegerField(default=0)  # iCalendar SEQUENCE: +1 at each change
    adjusted_at = models.DateTimeField(null=True, blank=True)  # changed after its period was published
    cancelled_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["starts_at", "id"]
        indexes = [
            models.Index(fields=["agency", "scope", "starts_at"], name="schedule_entry_scope_idx"),
            models.Index(fields=["unit", "starts_at"], name="schedule_entry_unit_idx"),
            models.Index(fields=["agency", "starts_at"], name="schedule_entry_proposed_idx",
                         condition=models.Q(proposed_at__isnull=False)),
        ]
        constraints = [models.CheckConstraint(condition=models.Q(ends_at__gt=models.F("starts_at")),
                                              name="schedule_entry_ends_after_start")]

    def __str__(self) -> str:
        return self.title[:100]

    @property
    def is_adjusted(self) -> bool:
        return self.adjusted_at is not None

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None

    @cached_property
    def participants_text(self) -> str:
        """"Thành phần": the people, then the units, then the outside guests, read once from the
        prefetched attendees and units (the week's table and cards show it twice per entry)."""
        names = [a.person.full_name for a in self.attendees.all()]
        names += [u.name for u in self.units.all()]
        if self.guests:
            names.append(self.guests)
        return "; ".join(names)

    @property
    def status(self) -> str:
        """What the document-kind registry's grants read (kind.py): its schedule, which the search
        index keeps as the entry's status."""
        return self.scope


class Attendee(models.Model):
    """A person in an entry: who its schedule shows it to (and whose double booking it may be)."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="attendees")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # The entry's times, copied (services.save_entry keeps them equal): a person's double bookings
    # are then one index range of theirs, not a look at every entry they ever attended.
    starts_at = models.DateTimeField(null=True)
    ends_at = models.DateTimeField(null=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["entry", "person"], name="schedule_attendee_unique")]
        indexes = [models.Index(fields=["person", "entry"], name="schedule_attendee_person_idx"),
                   models.Index(fields=["person", "starts_at"], name="schedule_attendee_time_idx")]


class FeedToken(models.Model):
    """The private address of a person's iCalendar feed (their own schedule, a unit's they belong
    to, or the agency's published one). Only the SHA-256 of the token is kept."""

    class Feed(models.TextChoices):
        PERSONAL = "personal", _("My schedule")
        UNIT = "unit", _("My unit's schedule")
        AGENCY = "agency", _("The agency's schedule")

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    feed = models.CharField(max_length=10, choices=Feed.choices)
    unit = models.ForeignKey("org.Unit", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        # One token per (person, feed, unit): services.reset_feed_token replaces the former one.
        indexes = [models.Index(fields=["person", "feed"], name="schedule_feed_person_idx")]


class EntryReport(models.Model):
    """A report back after a meeting one was sent to by an invitation letter (001 Đ16: those sent
    "báo cáo lại sau khi dự họp"): filed by an attendee once the meeting has started, read by the
    leader who routed the invitation and by whoever put it into the schedule."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="reports")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")  # who went
    # Who typed it, when acting for the attendee under a delegation (R5); else empty.
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")
    text = models.TextField(_("report"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["entry", "created_at"], name="schedule_report_entry_idx")]

    def __str__(self) -> str:
        return self.text[:80]


class ReportFile(models.Model):
    """A file attached to a report (stored by qlvb.files)."""

    report = models.ForeignKey(EntryReport, on_delete=models.CASCADE, related_name="files")
    stored = models.ForeignKey("files.StoredFile", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=255)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["added_at", "id"]
        indexes = [models.Index(fields=["stored"], name="schedule_report_file_stored")]

    def __str__(self) -> str:
        return self.name
