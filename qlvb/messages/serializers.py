"""Internal message REST serializers (in the OpenAPI schema)."""

from __future__ import annotations

from rest_framework import serializers

from qlvb.core.api import NamedSerializer, ObjectId, PageSizeField, choice_values, enum_field
from qlvb.files.api import UploadField
from qlvb.messages import selectors
from qlvb.messages.models import Copy, Message

FolderField = enum_field("MessageFolder", list(selectors.FOLDERS), "inbox, sent, archived, trash")
CopyFolderField = enum_field("MessageCopyFolder", choice_values(Copy.Folder.choices),
                             "inbox, sent, archived, trash (deleted copies are never shown)")
SortField = enum_field("MessageSort", list(selectors.SORTS), "date, sender, subject")
DirectionField = enum_field("MessageSortDirection", ["desc", "asc"], "desc (default for date) or asc")
KindField = enum_field("MessageKind", choice_values(Message.Kind.choices), "message, reply, forward")
MoveField = enum_field("MessageMove", ["archive", "trash", "restore", "delete"],
                       "archive; trash; restore (back to the inbox or sent); delete (for good, one's own copy)")


class MessageListQuerySerializer(serializers.Serializer):
    folder = FolderField(required=False, default="inbox")
    sort = SortField(required=False, default="date")
    direction = DirectionField(required=False, default="")
    cursor = serializers.CharField(required=False, default="", allow_blank=True, max_length=400,
                                   help_text="`next_cursor` of the previous page (keyset paging).")
    limit = PageSizeField(required=False, default=25, min_value=1, max_value=100,
                          help_text="Messages a page (1–100; outside: the nearest bound).")
    unread = serializers.BooleanField(required=False, default=False)
    files = serializers.BooleanField(required=False, default=False, help_text="Only messages with files.")
    sender = ObjectId(required=False, allow_null=True, default=None)
    q = serializers.CharField(required=False, default="", allow_blank=True, max_length=200,
                              help_text="Words of the subject.")
    date_from = serializers.DateField(required=False, allow_null=True, default=None)
    date_to = serializers.DateField(required=False, allow_null=True, default=None)


class MessageRowSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = KindField()
    subject = serializers.CharField()
    sender = NamedSerializer()
    to = serializers.CharField()
    sent_at = serializers.DateTimeField()
    folder = CopyFolderField()
    read = serializers.BooleanField()
    has_files = serializers.BooleanField()
    excerpt = serializers.CharField()


class MessagePageSerializer(serializers.Serializer):
    count = serializers.IntegerField(help_text="Messages in the folder with these filters, at most 1000.")
    count_capped = serializers.BooleanField(help_text="More than `count`.")
    unread = serializers.DictField(child=serializers.IntegerField(),
                                   help_text="Unread messages in the inbox: `{\"inbox\": n}`.")
    next_cursor = serializers.CharField(allow_blank=True)
    results = MessageRowSerializer(many=True)


class MessageFileSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    url = serializers.CharField()


class MessageLinkSerializer(serializers.Serializer):
    kind = serializers.CharField()
    document_id = serializers.IntegerField()
    name = serializers.CharField(help_text="The document's number and summary.")
    url = serializers.CharField()


class MessageCarriedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    subject = serializers.CharField()
    body = serializers.CharField()
    sender = NamedSerializer()
    to = serializers.CharField()
    sent_at = serializers.DateTimeField()
    files = MessageFileSerializer(many=True)
    links = MessageLinkSerializer(many=True)


class MessageRecipientSerializer(serializers.Serializer):
    person = NamedSerializer()
    read_at = serializers.DateTimeField(allow_null=True)


class MessageDetailSerializer(MessageCarriedSerializer):
    kind = KindField()
    folder = CopyFolderField()
    read = serializers.BooleanField()
    reply_to = serializers.IntegerField(allow_null=True, help_text="The message answered, if the caller may open it.")
    forwarded = MessageCarriedSerializer(many=True, help_text="The original a forward carries (and its own original…).")
    recipients = MessageRecipientSerializer(many=True, help_text="For the sender: who received it and read it.")
    tasks = serializers.ListField(child=serializers.IntegerField(), help_text="Tasks made from it (visible ones).")


class MessageRecipientsInputSerializer(serializers.Serializer):
    people = serializers.ListField(child=ObjectId(), required=False, default=list, max_length=500)
    units = serializers.ListField(child=ObjectId(), required=False, default=list, max_length=100,
                                  help_text="Units reached through their leaders (head and deputies).")
    whole_units = serializers.ListField(child=ObjectId(), required=False, default=list, max_length=100,
                                        help_text="Units reached whole (everyone posted there).")
    leaders = serializers.BooleanField(required=False, default=False, help_text="The agency's leaders.")


class MessageLinkInputSerializer(serializers.Serializer):
    kind = serializers.CharField(max_length=30, help_text="A document kind: incoming, outgoing, dossier…")
    document_id = ObjectId()


class MessageSendInputSerializer(MessageRecipientsInputSerializer):
    subject = serializers.CharField(max_length=500, allow_blank=True)
    body = serializers.CharField(max_length=100000, allow_blank=True)
    files = serializers.ListField(child=UploadField(), required=False, default=list, max_length=20)
    links = MessageLinkInputSerializer(many=True, required=False, default=list)


class MessageReplyInputSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=100000, allow_blank=True)
    reply_all = serializers.BooleanField(required=False, default=False)
    files = serializers.ListField(child=UploadField(), required=False, default=list, max_length=20)


class MessageForwardInputSerializer(MessageRecipientsInputSerializer):
    instruction = serializers.CharField(max_length=100000, required=False, default="", allow_blank=True)
    files = serializers.ListField(child=UploadField(), required=False, default=list, max_length=20)


class MessageMoveInputSerializer(serializers.Serializer):
    to = MoveField()


class MessageReadInputSerializer(serializers.Serializer):
    read = serializers.BooleanField(required=False, default=True)


class MessageTaskInputSerializer(serializers.Serializer):
    owner_person = ObjectId(required=False, allow_null=True)
    owner_unit = ObjectId(required=False, allow_null=True)
    title = serializers.CharField(max_length=500, required=False, default="", allow_blank=True)
    deadline = serializers.DateField(required=False, allow_null=True)
    working_days = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=3650)


class MessageTaskMadeSerializer(serializers.Serializer):
    task = serializers.IntegerField()
