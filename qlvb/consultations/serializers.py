"""Consultation REST serializers (in the OpenAPI schema). An anonymous consultation's responses
have no author in the database, so no serializer can give one."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from qlvb.consultations import selectors
from qlvb.consultations.models import Consultation, MeetingRequest, Question
from qlvb.core.api import NamedSerializer, ObjectId, choice_values, enum_field, named

SubjectField = enum_field("ConsultationSubject", choice_values(Consultation.Subject.choices),
                          "draft (a draft document), plan, question")
TopicField = enum_field("ConsultationTopic", choice_values(Consultation.Topic.choices),
                        "The matter of 002 Đ22 consulted on.")
StatusField = enum_field("ConsultationStatus", choice_values(Consultation.Status.choices), "draft, open, closed")
QuestionKindField = enum_field("ConsultationQuestionKind", choice_values(Question.Kind.choices),
                               "text (free opinion), single, multiple (choices), articles (agree/disagree per article)")
ListField = enum_field("ConsultationList", list(selectors.LISTS), "Which of the caller's lists.")
RequestStatusField = enum_field("MeetingRequestStatus", choice_values(MeetingRequest.Status.choices),
                                "pending, scheduled (a time is arranged), declined")
RequestListField = enum_field("MeetingRequestList", ["mine", "to_answer"],
                              "mine: the caller's requests; to_answer: those the caller (director, office) answers")


class ConsultationSerializer(serializers.ModelSerializer):
    subject = SubjectField(read_only=True)
    topic = TopicField(read_only=True)
    status = StatusField(read_only=True)
    created_by = serializers.SerializerMethodField()
    results_published = serializers.SerializerMethodField()

    class Meta:
        model = Consultation
        fields = ["id", "title", "subject", "topic", "description", "everyone", "opens_on", "closes_on", "anonymous",
                  "lets_choose",
                  "status", "results_published", "results_published_at", "created_by", "created_at"]

    @extend_schema_field(NamedSerializer())
    def get_created_by(self, consultation: Consultation) -> dict[str, Any] | None:
        return named(consultation.created_by)

    def get_results_published(self, consultation: Consultation) -> bool:
        return consultation.published


class ConsultationPageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = ConsultationSerializer(many=True)


class ConsultationListQuerySerializer(serializers.Serializer):
    list = ListField(required=False, default="to_answer")


class QuestionSerializer(serializers.ModelSerializer):
    kind = QuestionKindField()
    options = serializers.ListField(child=serializers.CharField(), help_text="The choices, or the draft's articles.")

    class Meta:
        model = Question
        fields = ["id", "order", "kind", "text", "options", "required"]


class QuestionInputSerializer(serializers.Serializer):
    kind = QuestionKindField()
    text = serializers.CharField(max_length=5000)
    options = serializers.ListField(child=serializers.CharField(max_length=1000), required=False, default=list,
                                    max_length=200)
    required = serializers.BooleanField(required=False, default=False)  # type: ignore[assignment]


class DocumentLinkSerializer(serializers.Serializer):
    kind = serializers.CharField()
    id = serializers.IntegerField()
    title = serializers.CharField()
    url = serializers.CharField()


class ConsultationActionsSerializer(serializers.Serializer):
    manage = serializers.BooleanField()
    add_question = serializers.BooleanField()
    open = serializers.BooleanField()
    answer = serializers.BooleanField()
    close = serializers.BooleanField()
    results = serializers.BooleanField()
    publish = serializers.BooleanField()


class ConsultationDetailSerializer(ConsultationSerializer):
    units = NamedSerializer(many=True)
    document = DocumentLinkSerializer(allow_null=True, help_text="Only when the caller may see the document.")
    questions = QuestionSerializer(many=True)
    answered = serializers.BooleanField(help_text="The caller has answered.")
    participants = serializers.IntegerField(help_text="People consulted (organisers only; 0 otherwise).")
    answers = serializers.IntegerField(help_text="People who answered (organisers only; 0 otherwise).")
    actions = ConsultationActionsSerializer()

    class Meta(ConsultationSerializer.Meta):
        fields = [*ConsultationSerializer.Meta.fields, "units", "document", "questions", "answered", "participants",
                  "answers", "actions"]


class ConsultationInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=500)
    subject = SubjectField(required=False, default="draft")
    topic = TopicField(required=False, default="other")
    description = serializers.CharField(required=False, default="", allow_blank=True, max_length=20000)
    opens_on = serializers.DateField()
    closes_on = serializers.DateField()
    everyone = serializers.BooleanField(required=False, default=True)
    units = serializers.ListField(child=ObjectId(), required=False, default=list, max_length=200)
    anonymous = serializers.BooleanField(required=False, default=False)
    lets_choose = serializers.BooleanField(required=False, default=False,
                                           help_text="A named consultation lets each person answer anonymously.")
    document_kind = serializers.CharField(required=False, default="", allow_blank=True, max_length=30)
    document_id = ObjectId(required=False, allow_null=True, default=None)
    questions = QuestionInputSerializer(many=True, required=False, default=list)
    open = serializers.BooleanField(required=False, default=False, help_text="Open it at once (with its questions).")


class AnswerInputSerializer(serializers.Serializer):
    answers = serializers.DictField(
        help_text='By question id: text → "opinion"; single → choice index; multiple → [indexes]; '
                  'articles → {"<article index>": {"agree": "agree"|"disagree", "comment": "…"}}.')
    anonymously = serializers.BooleanField(required=False, default=False,
                                           help_text="When the consultation lets each person choose.")


class AnswerResultSerializer(serializers.Serializer):
    anonymous = serializers.BooleanField()
    response = serializers.CharField(allow_null=True, help_text="The response's id; null when anonymous.")


class ChoiceCountSerializer(serializers.Serializer):
    label = serializers.CharField()  # type: ignore[assignment]
    count = serializers.IntegerField()
    percent = serializers.IntegerField()


class CommentSerializer(serializers.Serializer):
    agree = serializers.BooleanField(allow_null=True)
    comment = serializers.CharField()
    by = serializers.CharField(allow_blank=True, help_text="Empty when the consultation is anonymous.")


class ArticleResultSerializer(serializers.Serializer):
    label = serializers.CharField()  # type: ignore[assignment]
    agree = serializers.IntegerField()
    disagree = serializers.IntegerField()
    comments = CommentSerializer(many=True)


class OpinionSerializer(serializers.Serializer):
    text = serializers.CharField()
    by = serializers.CharField(allow_blank=True, help_text="Empty when the consultation is anonymous.")


class QuestionResultSerializer(serializers.Serializer):
    question = QuestionSerializer()
    answered = serializers.IntegerField()
    choices = ChoiceCountSerializer(many=True)
    articles = ArticleResultSerializer(many=True)
    opinions = OpinionSerializer(many=True)


class ResultsSerializer(serializers.Serializer):
    consultation = ConsultationSerializer()
    participants = serializers.IntegerField()
    responses = serializers.IntegerField()
    questions = QuestionResultSerializer(many=True)


def results_data(r: selectors.Results) -> dict[str, Any]:
    return {
        "consultation": ConsultationSerializer(r.consultation).data, "participants": r.participants,
        "responses": r.responses,
        "questions": [{
            "question": QuestionSerializer(q.question).data, "answered": q.answered,
            "choices": [{"label": c.label, "count": c.count, "percent": c.percent} for c in q.choices],
            "articles": [{"label": a.label, "agree": a.agree, "disagree": a.disagree,
                          "comments": [{"agree": ok, "comment": text, "by": who} for ok, text, who in a.comments]}
                         for a in q.articles],
            "opinions": [{"text": text, "by": who} for text, who in q.opinions],
        } for q in r.questions],
    }


class MeetingRequestSerializer(serializers.ModelSerializer):
    status = RequestStatusField(read_only=True)
    requester = serializers.SerializerMethodField()
    answered_by = serializers.SerializerMethodField()

    class Meta:
        model = MeetingRequest
        fields = ["id", "subject", "reason", "status", "meets_at", "place", "answer_note", "requester",
                  "answered_by", "answered_at", "created_at"]

    @extend_schema_field(NamedSerializer())
    def get_requester(self, request: MeetingRequest) -> dict[str, Any] | None:
        return named(request.requester)

    @extend_schema_field(NamedSerializer(allow_null=True))
    def get_answered_by(self, request: MeetingRequest) -> dict[str, Any] | None:
        return named(request.answered_by)


class MeetingRequestPageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = MeetingRequestSerializer(many=True)


class MeetingRequestListQuerySerializer(serializers.Serializer):
    list = RequestListField(required=False, default="mine")


class MeetingRequestInputSerializer(serializers.Serializer):
    subject = serializers.CharField(max_length=300)
    reason = serializers.CharField(max_length=5000)


class MeetingRequestAnswerSerializer(serializers.Serializer):
    meets_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    place = serializers.CharField(required=False, default="", allow_blank=True, max_length=300)
    note = serializers.CharField(required=False, default="", allow_blank=True, max_length=500)
    decline = serializers.BooleanField(required=False, default=False)
