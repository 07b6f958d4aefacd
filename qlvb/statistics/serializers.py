"""Statistics REST serializers (in the OpenAPI schema): the query parameters params.read() reads,
checked for their form here (a wrong form is 400; a scope the caller may not open is 404 there),
and the answers."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from qlvb.core.api import NamedSerializer, ObjectId, PageOffsetField, PageSizeField, choice_values, enum_field, named
from qlvb.core.doctypes import DOCUMENT_TYPES, Urgency
from qlvb.statistics import periods, scopes
from qlvb.statistics.models import Item
from qlvb.statistics.periods import FIRST_YEAR, LAST_YEAR
from qlvb.statistics.selectors import BASES, DIMENSIONS, OUTCOMES, document_url

LevelField = enum_field("StatisticsScopeLevel", list(scopes.LEVELS),
                        "province (an agency and every agency below it), department (the Department overseeing "
                        "IT, over every agency: kind itincident or itreport only), agency, fields (a deputy's), "
                        "unit, person")
PeriodKindField = enum_field("StatisticsPeriodKind", list(periods.KINDS),
                             "week, month, quarter, half_year, year, or range (with `start` and `end`)")
KindField = enum_field("StatisticsKind", choice_values(Item.Kind.choices),
                       "incoming, outgoing, review, task, leave (leave requests), itreport (IT reports), "
                       "itincident (IT incidents); leave, itreport and itincident count only what the caller "
                       "may open")
BasisField = enum_field("StatisticsBasis", list(BASES),
                        "opened: the work that began in the period; closed: the work that ended in it")
DimensionField = enum_field("StatisticsDimension", list(DIMENSIONS),
                            "agency (the province's or the Department's agencies; elsewhere read as unit), unit, "
                            "person (leaders only), field, doc_type, urgency, category, month")
OutcomeField = enum_field("StatisticsOutcome", list(OUTCOMES),
                          "total; done_on_time, done_late: ended on or before / after the deadline (working "
                          "days); pending: open, the deadline today or later or none; overdue: open, the deadline "
                          "passed")
StateField = enum_field("StatisticsItemState", choice_values(Item.State.choices), "open, done")

# Ids within the databases' keys (at most 18 digits), so that no number reaches SQL too large.
IDS = r"^[0-9]{1,18}(,[0-9]{1,18})*$"
FILTER_ID = r"^([0-9]{1,18}|none)$"
DAY_HELP = "yyyy-mm-dd or dd/mm/yyyy"


def _year(text: str) -> int | None:
    """The year of a day as periods reads it (None: not a day; periods says why)."""
    day = periods.parse_day(text)  # the periods' own parser, whatever the writing
    return day.year if day else None


class DayField(serializers.CharField):
    """A day as the pages write it; its meaning is read by periods.from_params (400 there)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(required=False, allow_blank=True, max_length=10, help_text=DAY_HELP, **kwargs)

    def to_internal_value(self, data: Any) -> str:
        text: str = super().to_internal_value(data)
        year = _year(text)
        if year is not None and not FIRST_YEAR <= year <= LAST_YEAR:
            raise serializers.ValidationError(_("Choose a day between the years %(first)s and %(last)s.")
                                              % {"first": FIRST_YEAR, "last": LAST_YEAR})
        return text


class ScopeQuerySerializer(serializers.Serializer):
    """Whose work (scopes.resolve): by default the caller's own dashboard in their agency."""

    scope = LevelField(required=False, help_text="Default: the caller's dashboard (agency for its head and "
                                                 "office, a deputy's fields, a unit head's units, else their own).")
    agency = ObjectId(required=False, help_text="The agency (a person with two posts); default: the caller's.")
    unit = serializers.RegexField(IDS, required=False, allow_blank=True, max_length=1000, help_text=(
        "scope=unit: unit ids, comma separated; default: the units the caller heads."))
    field = serializers.RegexField(IDS, required=False, allow_blank=True, max_length=1000, help_text=(
        "scope=fields: field ids, comma separated; default: the fields the caller leads."))
    person = ObjectId(required=False, help_text="scope=person: whose figures; default: the caller's own.")


class PeriodQuerySerializer(serializers.Serializer):
    period = PeriodKindField(required=False, help_text="Default: month.")
    day = DayField()
    start = DayField()
    end = DayField()


class StatisticQuerySerializer(ScopeQuerySerializer, PeriodQuerySerializer):
    """What one statistic asks (params.read): scope, period, kind of work, basis, a breakdown and
    filters. An empty filter on unit, person or field (or `none`) asks for the rows without one."""

    kind = KindField(required=False, help_text="Default: incoming (scope=department: itincident).")
    basis = BasisField(required=False, help_text="Default: opened.")
    by = DimensionField(required=False, help_text="Break the figures down by this dimension (`rows`).")
    f_unit = serializers.RegexField(FILTER_ID, required=False, allow_blank=True, help_text="Only this unit's.")
    f_person = serializers.RegexField(FILTER_ID, required=False, allow_blank=True,
                                      help_text="Only this person's (leaders only).")
    f_field = serializers.RegexField(FILTER_ID, required=False, allow_blank=True, help_text="Only this field's.")
    f_doc_type = serializers.ChoiceField(choices=DOCUMENT_TYPES, required=False, allow_blank=True,
                                         help_text="Only this document type (code).")
    f_urgency = serializers.ChoiceField(choices=Urgency.choices, required=False, allow_blank=True,
                                        help_text="Only this urgency; empty: not urgent.")
    f_category = serializers.CharField(required=False, allow_blank=True, max_length=12,
                                       help_text="A task's source (instruction, meeting, programme…) or a review's "
                                                 "step kind.")


class ItemsQuerySerializer(StatisticQuerySerializer):
    outcome = OutcomeField(required=False, help_text="Which figure's list; default: total.")
    limit = PageSizeField(required=False, min_value=1, max_value=500, help_text="Rows per page (at most 500).")
    offset = PageOffsetField(required=False, min_value=0)


class DraftsQuerySerializer(ScopeQuerySerializer):
    limit = PageSizeField(required=False, min_value=1, max_value=500, help_text="Rows per page (at most 500).")
    offset = PageOffsetField(required=False, min_value=0)


class ComplianceQuerySerializer(PeriodQuerySerializer):
    agency = ObjectId(required=False, help_text="The agency (a person with two posts); default: the caller's.")
    person = ObjectId(required=False, help_text="Whose figures; default: the caller's own.")


# --- Answers -----------------------------------------------------------------------------------

class StatisticsScopeSerializer(serializers.Serializer):
    level = LevelField()
    label = serializers.CharField()  # type: ignore[assignment]  # a field named like DRF's Field.label
    agency_id = serializers.IntegerField(allow_null=True, help_text="The agency it was opened from.")
    agency_ids = serializers.ListField(child=serializers.IntegerField())
    unit_ids = serializers.ListField(child=serializers.IntegerField())
    field_ids = serializers.ListField(child=serializers.IntegerField())
    person_id = serializers.IntegerField(allow_null=True)


def scope_data(scope: scopes.Scope) -> dict[str, Any]:
    return {"level": scope.level, "label": scope.label, "agency_id": scope.agency_id,
            "agency_ids": sorted(scope.agency_ids), "unit_ids": sorted(scope.unit_ids),
            "field_ids": sorted(scope.field_ids), "person_id": scope.person_id}


class StatisticsPeriodSerializer(serializers.Serializer):
    kind = PeriodKindField()
    start = serializers.DateField()
    end = serializers.DateField()
    label = serializers.CharField()  # type: ignore[assignment]  # Field.label


def period_data(period: periods.Period) -> dict[str, Any]:
    return {"kind": period.kind, "start": period.start, "end": period.end, "label": period.label}


class StatisticsCountsSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    done_on_time = serializers.IntegerField()
    done_late = serializers.IntegerField()
    pending = serializers.IntegerField()
    overdue = serializers.IntegerField()


class StatisticsRowSerializer(StatisticsCountsSerializer):
    key = serializers.CharField(allow_null=True, help_text=(
        "The dimension's value: an agency, unit, person or field id, a code, or a month's first day "
        "(yyyy-mm-dd); null: not set. Its list: the same parameters with `f_<by>=<key>` (`none` for null)."))
    label = serializers.CharField()  # type: ignore[assignment]  # Field.label


class StatisticsFiguresSerializer(serializers.Serializer):
    scope = StatisticsScopeSerializer()
    period = StatisticsPeriodSerializer()
    kind = KindField()
    basis = BasisField()
    by = DimensionField(allow_null=True)
    filters = serializers.DictField(child=serializers.CharField(), help_text="The filters applied (without `f_`).")
    leads_people = serializers.BooleanField(help_text="Whether the caller may break these figures down by person.")
    totals = StatisticsCountsSerializer()
    previous_period = StatisticsPeriodSerializer()
    previous = StatisticsCountsSerializer(help_text="The same figures for the previous period (the trend).")
    rows = StatisticsRowSerializer(many=True, help_text="One row per value of `by` (empty without `by`).")


class StatisticsItemSerializer(serializers.ModelSerializer):
    """A row of the list behind a figure."""

    kind = KindField(read_only=True)
    url = serializers.SerializerMethodField()
    unit = serializers.SerializerMethodField()
    person = serializers.SerializerMethodField()
    state = StateField(read_only=True)
    status = serializers.CharField(read_only=True, help_text="The status of the document, review or task.")

    class Meta:
        model = Item
        fields = ["id", "kind", "document_id", "url", "reference", "title", "unit", "person", "opened_on",
                  "deadline", "closed_on", "state", "late", "status"]

    def get_url(self, item: Item) -> str:
        return document_url(item)

    @extend_schema_field(NamedSerializer(allow_null=True))
    def get_unit(self, item: Item) -> dict[str, Any] | None:
        return named(item.unit)

    @extend_schema_field(NamedSerializer(allow_null=True))
    def get_person(self, item: Item) -> dict[str, Any] | None:
        return named(item.person)


class StatisticsItemPageSerializer(serializers.Serializer):
    count = serializers.IntegerField(help_text="Equals the figure.")
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = StatisticsItemSerializer(many=True)


class StatisticsDraftSerializer(StatisticsItemSerializer):
    """A draft not yet issued: where it waits (its status, the person holding it) and since when."""

    holder = serializers.SerializerMethodField()

    class Meta(StatisticsItemSerializer.Meta):
        fields = [*StatisticsItemSerializer.Meta.fields, "holder", "held_since"]

    @extend_schema_field(NamedSerializer(allow_null=True))
    def get_holder(self, item: Item) -> dict[str, Any] | None:
        return named(item.holder)


class StatisticsWaitingSerializer(serializers.Serializer):
    status = serializers.CharField(help_text="The drafts' status (draft, in_review, returned, approved, signed…).")
    count = serializers.IntegerField()
    oldest = serializers.DateTimeField(allow_null=True, help_text="Since when the longest waiting one waits.")
    newest = serializers.DateTimeField(allow_null=True)


class StatisticsDraftPageSerializer(serializers.Serializer):
    scope = StatisticsScopeSerializer()
    by_status = StatisticsWaitingSerializer(many=True)
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = StatisticsDraftSerializer(many=True, help_text="Longest waiting first.")


class StatisticsComplianceSerializer(serializers.Serializer):
    scope = StatisticsScopeSerializer()
    period = StatisticsPeriodSerializer()
    handled = StatisticsCountsSerializer(help_text="Incoming documents given to the person to handle.")
    handled_rate = serializers.FloatField(allow_null=True, help_text="Per cent done on time of those due.")
    reviews = StatisticsCountsSerializer()
    review_rate = serializers.FloatField(allow_null=True)
    tasks = StatisticsCountsSerializer()
    task_rate = serializers.FloatField(allow_null=True)
    login_days = serializers.IntegerField(help_text="Working days with a log-in.")
    working_days = serializers.IntegerField(help_text="Working days of the period, up to today.")
    login_rate = serializers.FloatField(allow_null=True)


class StatisticsAgencyScopesSerializer(serializers.Serializer):
    agency = NamedSerializer()
    levels = serializers.ListField(child=LevelField(), help_text="The levels the caller may open there.")
    default = LevelField(help_text="The level the caller's dashboard opens on.")


class StatisticsScopesSerializer(serializers.Serializer):
    agencies = StatisticsAgencyScopesSerializer(many=True, help_text="The caller's agencies, home first.")
