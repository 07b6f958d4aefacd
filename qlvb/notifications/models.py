"""Notifications (nhắc việc, R20): what tells a person that work waits for them.

A notification is written by a subscriber of the event log (qlvb.notifications.routes), never by
the services of the app whose change it tells about. Its text is rendered when shown, in the
reader's language, from `kind` and `params`; the document's summary is in `params` only when the
document is not secret (a secret one is named by its number alone, whatever the channel).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    class Kind(models.TextChoices):
        PRESENTED = "presented", _("Presented to me")
        ASSIGNED = "assigned", _("Routed to me")
        INFORMED = "informed", _("Sent to me for information")
        REVIEW = "review", _("Waiting for my opinion")
        SIGN = "sign", _("Waiting for my signature")
        ISSUE = "issue", _("Waiting to be numbered and issued")
        RETURNED = "returned", _("Returned to me")
        RECEPTION = "reception", _("Arrived in the reception queue")
        COMMENT = "comment", _("Opinion on my draft")
        ISSUED = "issued", _("Issued to me or my unit")
        RECALLED = "recalled", _("Recalled by its sender")
        REFUSED = "refused", _("Refused by a recipient")
        DELEGATION = "delegation", _("Delegation")
        SCHEDULE_APPROVAL = "schedule_approval", _("Schedule waiting for my approval")
        SCHEDULE = "schedule", _("Change in a schedule I am in")
        TASK = "task", _("A task I assigned or coordinate")
        MEETING = "meeting", _("A meeting I am invited to")
        NOTICE = "notice", _("An internal notice to me")
        DISCLOSURE = "disclosure", _("A disclosure waiting or late")
        CONSULTATION = "consultation", _("A consultation I am asked to answer")
        MESSAGE = "message", _("An internal message to me")
        CHAT = "chat", _("Mentioned in a chat")
        STAT_REPORT = "stat_report", _("A scheduled report ready for me")
        LEAVE = "leave", _("Leave and overtime")
        # Reminders (written by the daily run on working days, reminders.py), not by events.
        DUE_SOON = "due_soon", _("Deadline approaching")
        OVERDUE = "overdue", _("Overdue")
        REVIEW_LATE = "review_late", _("Review waiting too long")
        ROUTING_LATE = "routing_late", _("Routing not done in time")
        DELEGATION_ENDING = "delegation_ending", _("Delegation ending")

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    params = models.JSONField(default=dict, blank=True)
    url = models.CharField(max_length=300, blank=True)
    urgent = models.BooleanField(default=False)
    target_type = models.CharField(max_length=60, blank=True)
    target_id = models.CharField(max_length=40, blank=True)
    event_id = models.BigIntegerField(null=True, blank=True)
    # Once per person: "event:<id>" for what an event tells, "<kind>:<target>:<day>" for a reminder;
    # a subscriber or a job run twice writes nothing new.
    key = models.CharField(max_length=120)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)  # sent once, whatever the retries
    pushed_at = models.DateTimeField(null=True, blank=True)  # pushed once, likewise

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["person", "key"], name="notification_once")]
        indexes = [models.Index(fields=["person", "read_at", "-created_at"], name="notification_person_unread")]

    def __str__(self) -> str:
        return f"{self.person_id} {self.kind} {self.key}"


class Preference(models.Model):
    """How a person wants to be told of one kind of notification, beyond the bell, which always
    shows them (what waits for someone must reach them). Without a row: default_channels(kind)."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("E-mail")
        PUSH = "push", _("Phone / browser notification")
        DIGEST = "digest", _("Morning digest e-mail")

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                               related_name="notification_preferences")
    kind = models.CharField(max_length=20, choices=Notification.Kind.choices)
    channels = models.JSONField(default=list, blank=True)  # Channel values

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "kind"], name="notification_preference_once")]

    def __str__(self) -> str:
        return f"{self.person_id} {self.kind} {self.channels}"


class PushSubscription(models.Model):
    """A browser or phone that receives a person's notifications by Web Push: what the browser's
    PushSubscription gives (the push service's endpoint, the keys a push is encrypted for). A
    dead one (the push service answers 404 or 410) is dropped."""

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                               related_name="push_subscriptions")
    endpoint = models.URLField(max_length=1000, unique=True)
    p256dh = models.CharField(max_length=100)  # the browser's ECDH P-256 public key, base64url
    auth = models.CharField(max_length=50)  # its 16-byte authentication secret, base64url
    user_agent = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_success = models.DateTimeField(null=True, blank=True)
    failures = models.PositiveIntegerField(default=0)  # in a row since the last success

    def __str__(self) -> str:
        return f"{self.person_id} {self.endpoint[:60]}"


class AgencyDefault(models.Model):
    """An agency's own default for one kind, set by its administrator: what its people get when they
    have not chosen themselves (a person's Preference row wins)."""

    agency = models.ForeignKey("org.Agency", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=Notification.Kind.choices)
    channels = models.JSONField(default=list, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["agency", "kind"], name="notification_agency_default_once")]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.kind} {self.channels}"


class Digest(models.Model):
    """The morning digest e-mail of one person on one day (digest.py): its row, unique, is what
    makes it go once, whatever the retries and restarts of the worker."""

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    sent_at = models.DateTimeField(null=True, blank=True)  # None: nothing to tell that morning
    items = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "day"], name="digest_once")]

    def __str__(self) -> str:
        return f"{self.person_id} {self.day}"


REMINDER_KINDS = frozenset({Notification.Kind.DUE_SOON, Notification.Kind.OVERDUE, Notification.Kind.REVIEW_LATE,
                            Notification.Kind.ROUTING_LATE, Notification.Kind.DELEGATION_ENDING})


def default_channels(kind: str) -> list[str]:
    """Without a choice of the person's (or an agency default): what an event tells comes by
    e-mail and push at once; a reminder by push and in the morning digest (one e-mail a day, not
    one per document)."""
    if kind in REMINDER_KINDS:
        return [Preference.Channel.PUSH.value, Preference.Channel.DIGEST.value]
    return [Preference.Channel.EMAIL.value, Preference.Channel.PUSH.value]
