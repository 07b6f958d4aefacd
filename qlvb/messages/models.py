"""Internal messages (trao đổi nội bộ; R18, 003 Đ8.2): the official channel for requests and
orders between people, units and the leaders. One Message is written once and never changes; each
person concerned has a copy (Copy: the sender's in "sent", each recipient's in "inbox") with its
own folder, read mark and deletion, so sorting, archiving and deleting touch only one's own copy
(Đ8.2: "Mỗi cá nhân có quyền xóa hoặc sắp xếp thông tin trong mục này").

A message to a unit reaches the unit's leaders (lãnh đạo phòng: its head and deputies), as Đ8.2
names them; the sender may address the whole unit instead (everyone posted there). "The agency's
leaders" reaches the director and the deputy directors."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Message(models.Model):
    class Kind(models.TextChoices):
        MESSAGE = "message", _("Message")
        REPLY = "reply", _("A reply")
        FORWARD = "forward", _("Forwarded")

    agency = models.ForeignKey("org.Agency", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.MESSAGE)
    sender = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("message sender"))
    subject = models.CharField(_("message subject"), max_length=500)
    # The body; for a forwarded message, the instruction shown above the original.
    body = models.TextField(_("message"), blank=True)
    sent_at = models.DateTimeField(default=timezone.now)
    reply_to = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    forwarded = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    to_label = models.CharField(max_length=1000, blank=True)  # "Phòng CNTT (lãnh đạo), Trần Thị Mai…"

    class Meta:
        ordering = ["-sent_at", "-id"]
        indexes = [models.Index(fields=["agency", "sent_at"], name="message_agency_sent"),
                   models.Index(fields=["forwarded"], name="message_forwarded"),
                   models.Index(fields=["reply_to"], name="message_reply_to")]

    def __str__(self) -> str:
        return self.subject[:120]

    @property
    def title(self) -> str:  # what notifications and the task links name
        return self.subject


class Addressee(models.Model):
    """To whom the sender addressed it, as he chose: a person, a unit (its leaders, or everyone),
    or the agency's leaders. The copies say who actually received it."""

    class Scope(models.TextChoices):
        PERSON = "person", _("A person")
        UNIT_LEADERS = "unit_leaders", _("The unit's leaders")
        UNIT_ALL = "unit_all", _("Everyone in the unit")
        LEADERS = "leaders", _("The agency's leaders")

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="addressees")
    scope = models.CharField(max_length=15, choices=Scope.choices)
    person = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+")
    unit = models.ForeignKey("org.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return str(self.person or self.unit or self.get_scope_display())


class Copy(models.Model):
    """One person's copy of a message: its folder, whether read, when deleted. Carries the
    message's time, sender's and subject's sort keys, so every list reads one index range."""

    class Folder(models.TextChoices):
        INBOX = "inbox", _("Inbox")
        SENT = "sent", _("Sent")
        ARCHIVED = "archived", _("Archived")
        TRASH = "trash", _("Trash")
        DELETED = "deleted", _("Deleted for good")  # deleted for good: in no list, the message no longer opens

    LISTED = (Folder.INBOX, Folder.SENT, Folder.ARCHIVED, Folder.TRASH)

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="copies")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    is_sender = models.BooleanField(default=False)
    folder = models.CharField(max_length=10, choices=Folder.choices)
    sent_at = models.DateTimeField()
    sender_key = models.CharField(max_length=100)  # the sender's name folded (sorting by sender)
    subject_key = models.CharField(max_length=100)  # the subject folded (sorting by subject)
    has_files = models.BooleanField(default=False)
    read_at = models.DateTimeField(null=True, blank=True)
    moved_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-sent_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["message", "person"], name="message_copy_unique")]
        indexes = [
            models.Index("person", "folder", models.F("sent_at").desc(), models.F("id").desc(),
                         name="message_copy_by_date"),
            models.Index(fields=["person", "folder", "sender_key", "id"], name="message_copy_by_sender"),
            models.Index(fields=["person", "folder", "subject_key", "id"], name="message_copy_by_subject"),
            models.Index(fields=["person", "folder"], condition=Q(read_at__isnull=True),
                         name="message_copy_unread"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id}:{self.message_id}:{self.folder}"

    @property
    def home(self) -> str:
        """Where a restored copy goes back to."""
        return self.Folder.SENT if self.is_sender else self.Folder.INBOX


class MessageFile(models.Model):
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="files")
    stored = models.ForeignKey("files.StoredFile", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=300)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["stored"], name="message_file_stored")]

    def __str__(self) -> str:
        return self.name


class MessageLink(models.Model):
    """A document of another kind (core.kinds) the message points to: shown only to a reader who
    may see that document."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="links")
    kind = models.CharField(max_length=30)
    document_id = models.PositiveBigIntegerField()
    label = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["message", "kind", "document_id"], name="message_link_unique")]

    def __str__(self) -> str:
        return f"{self.kind}:{self.document_id}"
