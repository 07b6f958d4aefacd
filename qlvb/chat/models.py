"""Chat for work (trò chuyện, 003 Đ11: "for work only"): rooms of a unit (everyone posted in it),
rooms attached to a document or a task (whoever may see that document, core.kinds), and direct
conversations between two people. Messages carry text and files (qlvb.files); they are kept (the
history is searchable by the room's members) and never change the document a room is attached to.
Every message is written by services.py, which records it as an event; the live delivery over
WebSockets follows that event (live.py, consumers.py)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Room(models.Model):
    class Kind(models.TextChoices):
        UNIT = "unit", _("Unit room")
        DOCUMENT = "document", _("Document room")
        DIRECT = "direct", _("Direct conversation")

    agency = models.ForeignKey("org.Agency", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind of room"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=300, blank=True)
    unit = models.ForeignKey("org.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    # A document room: the document's kind (core.kinds: "incoming", "outgoing", "task") and id.
    subject_kind = models.CharField(max_length=30, blank=True)
    subject_id = models.PositiveBigIntegerField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    last_message_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-last_message_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="unit", unit__isnull=False, subject_id__isnull=True)
                           | Q(kind="document", unit__isnull=True, subject_id__isnull=False) & ~Q(subject_kind="")
                           | Q(kind="direct", unit__isnull=True, subject_id__isnull=True)),
                name="chat_room_kind_fields"),
            models.UniqueConstraint(fields=["unit"], condition=Q(kind="unit"), name="chat_room_one_per_unit"),
            models.UniqueConstraint(fields=["subject_kind", "subject_id"], condition=Q(kind="document"),
                                    name="chat_room_one_per_document"),
        ]
        indexes = [models.Index(fields=["agency", "kind"], name="chat_room_agency_kind")]

    def __str__(self) -> str:
        return self.name or str(self.get_kind_display())

    @property
    def title(self) -> str:
        """What a notification names it by (notifications read a document's title)."""
        return str(self)


class Member(models.Model):
    """The two people of a direct conversation (the members of the other rooms follow the unit's
    posts and the document's visibility, rules.py)."""

    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["room", "person"], name="chat_member_unique")]
        indexes = [models.Index(fields=["person", "room"], name="chat_member_person")]

    def __str__(self) -> str:
        return f"{self.room_id}: {self.person_id}"


class Message(models.Model):
    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("message"), blank=True)
    # The people mentioned (@name) and told (notifications, kind "chat").
    mentions = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["room", "id"], name="chat_message_room")]

    def __str__(self) -> str:
        return self.body[:80]


class MessageFile(models.Model):
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="files")
    stored = models.ForeignKey("files.StoredFile", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=300)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["stored"], name="chat_file_stored")]

    def __str__(self) -> str:
        return self.name
