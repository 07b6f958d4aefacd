"""The leave request, the decision, the overtime declaration and the carry-over forms."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from qlvb.core.forms import VNDateField
from qlvb.leave.models import LeaveRequest, Rules
from qlvb.org.models import Person


def colleagues(person: Person, agency_id: int) -> Any:
    """Who may be named to hold the person's tasks: active people with a post in force in the
    agency, the person aside (services.cover_problem checks the rest: away on the same days)."""
    return (Person.objects.filter(is_active=True, posts__agency_id=agency_id, posts__end_date__isnull=True)
            .exclude(pk=person.pk).distinct().order_by("full_name"))


def _cover_field(label: Any, empty: Any, help_text: Any = "") -> forms.ModelChoiceField:
    return forms.ModelChoiceField(label=label, queryset=Person.objects.none(), required=False, empty_label=empty,
                                  help_text=help_text)


class LeaveForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of leave"), choices=LeaveRequest.Kind.choices)
    start = VNDateField(label=_("From"))
    start_afternoon = forms.BooleanField(label=_("From the afternoon of the first day"), required=False)
    end = VNDateField(label=_("Until"))
    end_morning = forms.BooleanField(label=_("Until the morning of the last day"), required=False)
    reason = forms.CharField(label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
    emergency = forms.BooleanField(label=_("Emergency (illness, sudden family matter), told by phone"),
                                   required=False)
    emergency_reason = forms.CharField(label=_("Why it could not be asked in advance"), max_length=500,
                                       required=False)
    cover = _cover_field(
        _("Colleague handling your tasks meanwhile"), _("Nobody (the tasks stay with me)"),
        _("From the first day of the leave your open tasks (in charge and coordinating) go to this colleague; "
          "what he still holds open comes back to you the day after the last day."))

    def __init__(self, *args: Any, person: Person, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["cover"].queryset = colleagues(person, person.agency_id or 0)  # type: ignore[attr-defined]


class CoverForm(forms.Form):
    cover = _cover_field(_("Colleague handling the tasks meanwhile"), _("Nobody (the tasks stay with the person)"))

    def __init__(self, *args: Any, leave: LeaveRequest, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["cover"].queryset = colleagues(leave.person, leave.agency_id)  # type: ignore[attr-defined]


class DecisionForm(forms.Form):
    note = forms.CharField(label=_("Note (required to refuse)"), max_length=500, required=False)


class OvertimeForm(forms.Form):
    day = VNDateField(label=_("Day"))
    hours = forms.DecimalField(label=_("Hours"), max_digits=4, decimal_places=1, min_value=0)
    work = forms.CharField(label=_("Work done"), max_length=500)


class CarryOverForm(forms.Form):
    person = forms.IntegerField(widget=forms.HiddenInput)
    from_year = forms.IntegerField(widget=forms.HiddenInput)
    days = forms.DecimalField(label=_("Days to carry over"), max_digits=4, decimal_places=1, min_value=0)


class ServiceStartForm(forms.Form):
    started_on = VNDateField(label=_("In service since"))

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["started_on"].widget.attrs["class"] = "form-control form-control-sm"


class RulesForm(forms.ModelForm):
    """The agency's leave rules (001 Đ18.2–Đ18.4); services.set_rules checks and records them."""

    class Meta:
        model = Rules
        fields = ["unit_head_max_days", "field_leader_max_days", "notice_days", "base_days", "carry_years"]

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        bounds = {  # (least, most)
            "unit_head_max_days": (0, 30), "field_leader_max_days": (0, 30), "notice_days": (0, 30),
            "base_days": (12, 30),  # Labour Code art. 113: at least 12 days a year
            "carry_years": (1, 3),  # unused leave taken together over at most three years
        }
        for name, field in self.fields.items():
            field.widget.attrs["class"] = "form-control"
            least, most = bounds[name]
            field.validators += [MinValueValidator(least), MaxValueValidator(most)]
            if name in ("unit_head_max_days", "field_leader_max_days"):
                field.widget.attrs["step"] = "0.5"
