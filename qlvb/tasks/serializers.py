"""Task REST serializers (in the OpenAPI schema)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from qlvb.core.api import NamedSerializer, ObjectId, choice_values, enum_field, named
from qlvb.files.api import UploadField
from qlvb.tasks import selectors
from qlvb.tasks.models import Coordinator, ExtensionRequest, Link, Report, Task

StatusField = enum_field("TaskStatus", choice_values(Task.Status.choices), "pending, in_progress, done, withdrawn")
SourceField = enum_field("TaskSource", choice_values(Task.Source.choices),
                         "instruction, meeting (a conclusion), programme (an item), provincial, document")
EvaluationField = enum_field("TaskEvaluation", choice_values(Task.Evaluation.choices),
                             "excellent, good, met, not_met")
ListField = enum_field("TaskList", list(selectors.LISTS), "Which of the caller's lists.")




class TaskSerializer(serializers.ModelSerializer):
    status = StatusField(read_only=True)
    source = SourceField(read_only=True)  # type: ignore[assignment]  # a field named like DRF's Field.source
    evaluation = serializers.CharField(read_only=True, help_text="excellent, good, met, not_met or empty.")
    owner_person = serializers.SerializerMethodField()
    owner_unit = serializers.SerializerMethodField()
    assigned_by = serializers.SerializerMethodField()
    overdue = serializers.BooleanField(source="is_overdue", read_only=True)

    class Meta:
        model = Task
        fields = ["id", "title", "description", "source", "source_ref", "status", "progress", "deadline", "overdue",
                  "owner_person", "owner_unit", "assigned_by", "parent", "result", "completed_at", "evaluation",
                  "evaluation_note", "created_at"]

    @extend_schema_field(NamedSerializer(allow_null=True))
    def get_owner_person(self, task: Task) -> dict[str, Any] | None:
        return named(task.owner_person)

    @extend_schema_field(NamedSerializer(allow_null=True))
    def get_owner_unit(self, task: Task) -> dict[str, Any] | None:
        return named(task.owner_unit)

    @extend_schema_field(NamedSerializer(allow_null=True))
    def get_assigned_by(self, task: Task) -> dict[str, Any] | None:
        return named(task.assigned_by)


class CoordinatorSerializer(serializers.ModelSerializer):
    person = serializers.SerializerMethodField()
    unit = serializers.SerializerMethodField()

    class Meta:
        model = Coordinator
        fields = ["person", "unit"]

    @extend_schema_field(NamedSerializer(allow_null=True))
    def get_person(self, row: Coordinator) -> dict[str, Any] | None:
        return named(row.person)

    @extend_schema_field(NamedSerializer(allow_null=True))
    def get_unit(self, row: Coordinator) -> dict[str, Any] | None:
        return named(row.unit)


class ReportSerializer(serializers.ModelSerializer):
    author = serializers.SerializerMethodField()

    class Meta:
        model = Report
        fields = ["id", "author", "progress", "note", "created_at"]

    @extend_schema_field(NamedSerializer(allow_null=True))
    def get_author(self, row: Report) -> dict[str, Any] | None:
        return named(row.author)


class ExtensionSerializer(serializers.ModelSerializer):
    status = enum_field("TaskExtensionStatus", choice_values(ExtensionRequest.Status.choices),
                        "pending, approved, rejected")(read_only=True)

    class Meta:
        model = ExtensionRequest
        fields = ["id", "old_deadline", "requested_deadline", "reason", "status", "decision_note", "decided_at",
                  "created_at"]


class LinkSerializer(serializers.ModelSerializer):
    class Meta:
        model = Link
        fields = ["kind", "document_id", "role", "label"]


class ActionsSerializer(serializers.Serializer):
    report = serializers.BooleanField()
    extend = serializers.BooleanField()
    complete = serializers.BooleanField()
    evaluate = serializers.BooleanField()
    split = serializers.BooleanField()
    decide = serializers.BooleanField()


class TaskDetailSerializer(TaskSerializer):
    coordinators = CoordinatorSerializer(many=True)
    subtasks = TaskSerializer(many=True)
    reports = ReportSerializer(many=True)
    extensions = ExtensionSerializer(many=True)
    links = LinkSerializer(many=True)
    actions = ActionsSerializer()

    class Meta(TaskSerializer.Meta):
        fields = [*TaskSerializer.Meta.fields, "coordinators", "subtasks", "reports", "extensions", "links",
                  "actions"]


class TaskPageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = TaskSerializer(many=True)


class TaskCountsSerializer(serializers.Serializer):
    to_do = serializers.IntegerField()
    overdue = serializers.IntegerField()
    due_soon = serializers.IntegerField()
    coordinating = serializers.IntegerField()


class TaskListQuerySerializer(serializers.Serializer):
    list = ListField(required=False, default="to_do")


class LinkInputSerializer(serializers.Serializer):
    kind = serializers.CharField(max_length=30, help_text="A document kind: incoming, outgoing, dossier.")
    document_id = ObjectId()
    role = enum_field("TaskLinkRole", choice_values(Link.Role.choices), "origin, result, related")(
        required=False, default="related")


class AssignSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=500)
    description = serializers.CharField(required=False, default="", allow_blank=True, max_length=20000)
    owner_person = ObjectId(required=False, allow_null=True, help_text="The owner (chủ trì): a person…")
    owner_unit = ObjectId(required=False, allow_null=True, help_text="…or a unit, not both.")
    coordinators = serializers.ListField(child=ObjectId(), required=False, default=list, max_length=100)
    coordinating_units = serializers.ListField(child=ObjectId(), required=False, default=list, max_length=100)
    deadline = serializers.DateField(required=False, allow_null=True, help_text="yyyy-mm-dd, today or later")
    working_days = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=3650,
                                            help_text="Or the deadline in working days from today.")
    parent = ObjectId(required=False, allow_null=True, help_text="Make it a sub-task of this task.")  # type: ignore[assignment]  # Field.parent
    source = SourceField(required=False, default="instruction")  # type: ignore[assignment]  # Field.source
    source_ref = serializers.CharField(required=False, default="", allow_blank=True, max_length=100)
    links = LinkInputSerializer(many=True, required=False, default=list)


class ChangeInputSerializer(serializers.Serializer):
    title = serializers.CharField(required=False, max_length=500, help_text="Unchanged when left out.")
    description = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    owner_person = ObjectId(required=False, allow_null=True, help_text="A new owner: a person…")
    owner_unit = ObjectId(required=False, allow_null=True, help_text="…or a unit, not both.")
    deadline = serializers.DateField(required=False, help_text="yyyy-mm-dd, today or later")
    reason = serializers.CharField(required=False, default="", allow_blank=True, max_length=500)


class WithdrawInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500)


class ReportInputSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=20000)
    progress = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=100,
                                        help_text="Per cent done (the owner's report); none from a coordinator.")
    files = serializers.ListField(child=UploadField(), required=False, default=list, max_length=20)


class ExtensionInputSerializer(serializers.Serializer):
    deadline = serializers.DateField()
    reason = serializers.CharField(max_length=5000)


class DecideInputSerializer(serializers.Serializer):
    approve = serializers.BooleanField()
    note = serializers.CharField(required=False, default="", allow_blank=True, max_length=5000)


class CompleteInputSerializer(serializers.Serializer):
    result = serializers.CharField(max_length=20000)
    files = serializers.ListField(child=UploadField(), required=False, default=list, max_length=20)
    links = LinkInputSerializer(many=True, required=False, default=list)


class EvaluateInputSerializer(serializers.Serializer):
    evaluation = EvaluationField()
    note = serializers.CharField(required=False, default="", allow_blank=True, max_length=5000)


class ProvincialTaskSerializer(serializers.Serializer):
    agency_code = serializers.CharField(max_length=35, help_text="The receiving agency's code (mã định danh).")
    title = serializers.CharField(max_length=500)
    description = serializers.CharField(required=False, default="", allow_blank=True, max_length=20000)
    deadline = serializers.DateField(help_text="yyyy-mm-dd, today or later")
    reference = serializers.CharField(max_length=100, help_text="The task's number in the provincial software.")
    idempotency_key = serializers.CharField(max_length=100, help_text="The same key again returns the same task.")


class ProvincialResultSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    created = serializers.BooleanField()
    status = StatusField()
    deadline = serializers.DateField()
