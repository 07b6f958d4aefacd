"""Meeting REST serializers (in the OpenAPI schema)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from qlvb.core.api import NamedSerializer, ObjectId, choice_values, enum_field, named
from qlvb.meetings import selectors
from qlvb.meetings.models import AgendaItem, Invitee, Meeting, Minutes

KindField = enum_field("MeetingKind", choice_values(Meeting.Kind.choices),
                       "briefing, unit_monthly, six_month_review, year_review, ad_hoc")
StatusField = enum_field("MeetingStatus", choice_values(Meeting.Status.choices),
                         "draft, invited, held, closed (minutes approved), cancelled")
AnswerField = enum_field("MeetingAnswer", choice_values(Invitee.Answer.choices),
                         "pending, accepted, declined, delegated")
AnswerInputField = enum_field("MeetingAnswerInput", ["accepted", "declined", "delegated"],
                              "accepted, declined (with a note), delegated (with a substitute)")
MinutesStatusField = enum_field("MeetingMinutesStatus", choice_values(Minutes.Status.choices),
                                "draft, submitted, approved")
MinutesActionField = enum_field("MeetingMinutesAction", ["save", "submit", "approve", "return"],
                                "save the draft, submit it to the chair; the chair approves or returns it")
ListField = enum_field("MeetingList", list(selectors.LISTS), "Which of the caller's lists.")




class MeetingSerializer(serializers.ModelSerializer):
    kind = KindField(read_only=True)
    status = StatusField(read_only=True)
    chair = serializers.SerializerMethodField()
    secretary = serializers.SerializerMethodField()
    organising_unit = serializers.SerializerMethodField()

    class Meta:
        model = Meeting
        fields = ["id", "kind", "title", "starts_at", "ends_at", "place", "status", "chair", "secretary",
                  "organising_unit", "series", "conclusions_published_at", "created_at"]

    @extend_schema_field(NamedSerializer())
    def get_chair(self, meeting: Meeting) -> dict[str, Any] | None:
        return named(meeting.chair)

    @extend_schema_field(NamedSerializer(allow_null=True))
    def get_secretary(self, meeting: Meeting) -> dict[str, Any] | None:
        return named(meeting.secretary)

    @extend_schema_field(NamedSerializer(allow_null=True))
    def get_organising_unit(self, meeting: Meeting) -> dict[str, Any] | None:
        return named(meeting.organising_unit)


class MeetingInviteeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    person = NamedSerializer(allow_null=True)
    unit = NamedSerializer(allow_null=True)
    answer = AnswerField()
    note = serializers.CharField()
    substitute = NamedSerializer(allow_null=True)


class MeetingAgendaItemSerializer(serializers.ModelSerializer):
    presenter = serializers.SerializerMethodField()

    class Meta:
        model = AgendaItem
        fields = ["id", "order", "title", "presenter"]

    @extend_schema_field(NamedSerializer(allow_null=True))
    def get_presenter(self, item: AgendaItem) -> dict[str, Any] | None:
        return named(item.presenter)


class MeetingDocumentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField(help_text="incoming, outgoing, or empty for an uploaded file")
    document_id = serializers.IntegerField(allow_null=True)
    name = serializers.CharField()
    url = serializers.CharField()


class MeetingAttendanceSerializer(serializers.Serializer):
    person = NamedSerializer()
    status = serializers.CharField(help_text="present, absent, excused")


class MeetingMinutesSerializer(serializers.Serializer):
    body = serializers.CharField()
    status = MinutesStatusField()
    drafted_by = NamedSerializer()
    approved_by = NamedSerializer(allow_null=True)
    approved_at = serializers.DateTimeField(allow_null=True)
    return_note = serializers.CharField()


class MeetingConclusionTaskSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField(help_text="pending, in_progress, done")
    progress = serializers.IntegerField()
    deadline = serializers.DateField()


class MeetingConclusionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    order = serializers.IntegerField()
    text = serializers.CharField()
    owner_person = NamedSerializer(allow_null=True)
    owner_unit = NamedSerializer(allow_null=True)
    deadline = serializers.DateField(allow_null=True)
    tasks = MeetingConclusionTaskSerializer(many=True)


class MeetingActionsSerializer(serializers.Serializer):
    edit = serializers.BooleanField()
    invite = serializers.BooleanField()
    cancel = serializers.BooleanField()
    attendance = serializers.BooleanField()
    minutes = serializers.BooleanField()
    approve = serializers.BooleanField()
    conclude = serializers.BooleanField()
    publish = serializers.BooleanField()
    make_tasks = serializers.BooleanField()
    answer = serializers.ListField(child=serializers.IntegerField(), help_text="Invitations the caller answers.")


class MeetingDetailSerializer(MeetingSerializer):
    invitees = MeetingInviteeSerializer(many=True)
    agenda = MeetingAgendaItemSerializer(many=True)
    documents = MeetingDocumentSerializer(many=True)
    attendance = MeetingAttendanceSerializer(many=True)
    minutes = MeetingMinutesSerializer(allow_null=True)
    conclusions = MeetingConclusionSerializer(many=True)
    actions = MeetingActionsSerializer()

    class Meta(MeetingSerializer.Meta):
        fields = [*MeetingSerializer.Meta.fields, "invitees", "agenda", "documents", "attendance", "minutes",
                  "conclusions", "actions"]


class MeetingPageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = MeetingSerializer(many=True)


class MeetingListQuerySerializer(serializers.Serializer):
    list = ListField(required=False, default="upcoming")


class MeetingInputSerializer(serializers.Serializer):
    kind = KindField(required=False, default="ad_hoc")
    title = serializers.CharField(max_length=500, allow_blank=True)
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    place = serializers.CharField(max_length=300, required=False, default="", allow_blank=True)
    chair = ObjectId(required=False, allow_null=True, help_text="The chair (chủ trì): required.")
    secretary = ObjectId(required=False, allow_null=True)
    organising_unit = ObjectId(required=False, allow_null=True)
    people = serializers.ListField(child=ObjectId(), required=False, default=list, max_length=500)
    units = serializers.ListField(child=ObjectId(), required=False, default=list, max_length=200)
    invite = serializers.BooleanField(required=False, default=False, help_text="Send the invitations at once.")


class MeetingAnswerInputSerializer(serializers.Serializer):
    invitee = ObjectId(required=False, allow_null=True,
                       help_text="Which invitation (a unit's, for its head); the caller's own by default.")
    answer = AnswerInputField()
    note = serializers.CharField(max_length=300, required=False, default="", allow_blank=True)
    substitute = ObjectId(required=False, allow_null=True)


class MeetingMinutesInputSerializer(serializers.Serializer):
    action = MinutesActionField()
    body = serializers.CharField(required=False, default="", allow_blank=True, max_length=100000)
    note = serializers.CharField(required=False, default="", allow_blank=True, max_length=500)


class MeetingConclusionInputSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=20000, allow_blank=True)
    owner_person = ObjectId(required=False, allow_null=True)
    owner_unit = ObjectId(required=False, allow_null=True)
    deadline = serializers.DateField(required=False, allow_null=True)
    working_days = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=3650)
    publish = serializers.BooleanField(required=False, default=False,
                                       help_text="Publish the conclusions notice after adding this one.")


class MeetingAgendaInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=500, allow_blank=True)
    presenter = ObjectId(required=False, allow_null=True)


class MeetingCancelInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300, allow_blank=True)


class MeetingTasksMadeSerializer(serializers.Serializer):
    tasks = serializers.ListField(child=serializers.IntegerField())
    meeting = MeetingDetailSerializer()
