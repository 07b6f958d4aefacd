"""Consultations and surveys (lấy ý kiến viên chức; R26, 002 Đ7, Đ22–Đ23) and requests to meet the
director (002 Đ7).

A consultation asks the staff of an agency (everyone, or some units) about a draft document, a plan
or a question (002 Đ22), between an opening and a closing date, by a questionnaire (Đ23.3): free
opinions, single or multiple choices, agree/disagree per article of a draft. It is named or
anonymous. Anonymous answers are unlinkable from the person in the database itself:

- a Response holds the answers of one person, with a random UUID key, no person and no date when
  the consultation is anonymous; on every anonymous answer the responses of the consultation are
  written again in random order (services._shuffle), so neither the key nor the rows' physical
  order (SQLite's rowid, PostgreSQL's heap) tells which came last;
- a Participation says only that a person answered (once: unique), with no reference to the
  response and the date only;
- the event of an anonymous answer names the person who answered, never the response.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Consultation(models.Model):
    class Subject(models.TextChoices):
        DRAFT = "draft", _("A draft document")
        PLAN = "plan", _("A plan")
        QUESTION = "question", _("A question")

    class Topic(models.TextChoices):
        # 002 Đ22: the matters the staff give opinions on.
        POLICY = "policy", _("Policies and measures to carry out the Party's resolutions and the law")
        ANNUAL_PLAN = "annual_plan", _("The agency's annual work plan")
        EMULATION = "emulation", _("Emulation movements")
        REVIEWS = "reviews", _("Preliminary and final review reports")
        IMPROVEMENT = "improvement", _("Improving organisation and working methods; fighting corruption and waste")
        STAFFING = "staffing", _("Recruitment, training, elections and appointments of staff")
        BENEFITS = "benefits", _("Regimes and policies concerning the staff's rights and benefits")
        RULES = "rules", _("The agency's internal rules and regulations")
        OTHER = "other", _("Other matters")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Being prepared")
        OPEN = "open", _("Open for opinions")
        CLOSED = "closed", _("Closed")

    agency = models.ForeignKey("org.Agency", on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("title"), max_length=500)
    subject = models.CharField(_("consulted on"), max_length=10, choices=Subject.choices, default=Subject.DRAFT)
    topic = models.CharField(_("matter (002 Đ22)"), max_length=20, choices=Topic.choices, default=Topic.OTHER)
    description = models.TextField(_("what is asked"), blank=True)
    # The document consulted on, by its kind (core.kinds) and id: shown only to who may see it.
    document_kind = models.CharField(max_length=30, blank=True)
    document_id = models.PositiveBigIntegerField(null=True, blank=True)
    everyone = models.BooleanField(_("everyone in the agency"), default=True)
    # A unit head consults his own unit: the consultation is his unit's.
    unit = models.ForeignKey("org.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("unit consulting"))
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))
    anonymous = models.BooleanField(_("anonymous answers"), default=False)
    # Named consultations may let each person choose to answer anonymously (anonymous ones are then
    # hidden among those who chose so: docs/consultations.md).
    lets_choose = models.BooleanField(_("each person may choose to answer anonymously"), default=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    results_published_at = models.DateTimeField(null=True, blank=True)
    results_published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                             on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-opens_on", "-id"]
        constraints = [models.CheckConstraint(condition=Q(closes_on__gte=models.F("opens_on")),
                                              name="consultation_closes_after_opening")]
        indexes = [models.Index(fields=["agency", "status", "closes_on"], name="consultation_agency_status"),
                   models.Index(fields=["created_by", "opens_on"], name="consultation_creator")]

    def __str__(self) -> str:
        return self.title[:120]

    @property
    def published(self) -> bool:
        return self.results_published_at is not None


class ConsultedUnit(models.Model):
    """A unit whose staff are consulted (when not everyone is)."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="units")
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["consultation", "unit"], name="consulted_unit_unique")]
        indexes = [models.Index(fields=["unit", "consultation"], name="consulted_unit_idx")]

    def __str__(self) -> str:
        return str(self.unit_id)


class Question(models.Model):
    class Kind(models.TextChoices):
        TEXT = "text", _("Free opinion")
        SINGLE = "single", _("One choice")
        MULTIPLE = "multiple", _("Several choices")
        ARTICLES = "articles", _("Agree or disagree, article by article")

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="questions")
    order = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(_("kind of question"), max_length=10, choices=Kind.choices)
    text = models.TextField(_("question"))
    # The choices (single, multiple) or the draft's articles (articles), in order.
    options = models.JSONField(default=list, blank=True)
    required = models.BooleanField(_("an answer is required"), default=False)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.text[:120]


class Response(models.Model):
    """One person's answers. `answers`: {question id (str): answer} — text: "…"; single: index;
    multiple: [indexes]; articles: {article index (str): {"agree": bool, "comment": "…"}}.
    Anonymous: no person, no date, a random key (see the module's docstring)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="responses")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+")
    submitted_on = models.DateField(null=True, blank=True)
    answers = models.JSONField(default=dict)

    class Meta:
        # Never by insertion: there is no insertion order to reveal.
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["consultation", "person"], condition=Q(person__isnull=False),
                                               name="consultation_response_person")]

    def __str__(self) -> str:
        return str(self.pk)


class Participation(models.Model):
    """That a person answered (each answers once), and nothing of what: no reference to the response."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="participations")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    answered_on = models.DateField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["consultation", "person"], name="consultation_participation")]
        indexes = [models.Index(fields=["person", "consultation"], name="consultation_part_person")]

    def __str__(self) -> str:
        return f"{self.person_id}"


class MeetingRequest(models.Model):
    """A staff member asks to meet the director (002 Đ7: with a subject and a reason); the director
    or the office answers with a time (or declines, saying why)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for an answer")
        SCHEDULED = "scheduled", _("Time arranged")
        DECLINED = "declined", _("Declined")

    agency = models.ForeignKey("org.Agency", on_delete=models.PROTECT, related_name="+")
    requester = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    subject = models.CharField(_("subject of the meeting"), max_length=300)
    reason = models.TextField(_("reason"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    meets_at = models.DateTimeField(_("meeting time"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=300, blank=True)
    answer_note = models.CharField(_("reply"), max_length=500, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    answered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["requester", "created_at"], name="meetreq_requester"),
                   models.Index(fields=["agency", "status", "created_at"], name="meetreq_agency_status")]

    def __str__(self) -> str:
        return self.subject[:120]
