"""Consultation forms. The document consulted on is chosen among the drafts and documents the
person may see ("<kind>:<id>", core.kinds); the answers form is built from the questions."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from qlvb.consultations.models import Consultation, Question
from qlvb.core import kinds
from qlvb.core.forms import VNDateField, VNDateTimeField
from qlvb.org.models import Agency, Person, Unit

LINKABLE = ("outgoing", "incoming")


class ConsultationForm(forms.Form):
    title = forms.CharField(label=_("Title of the consultation"), max_length=500,
                            widget=forms.Textarea(attrs={"rows": 2}))
    subject = forms.ChoiceField(label=_("Consulted on"), choices=Consultation.Subject.choices)
    topic = forms.ChoiceField(label=_("Matter (002 Đ22)"), choices=Consultation.Topic.choices)
    description = forms.CharField(label=_("What is asked"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 4}))
    document = forms.ChoiceField(label=_("The draft or document consulted on"), required=False)
    everyone = forms.BooleanField(label=_("Consult everyone in the agency"), required=False)
    units = forms.ModelMultipleChoiceField(label=_("or the units consulted"), queryset=Unit.objects.none(),
                                           required=False, widget=forms.SelectMultiple(attrs={"size": 5}))
    opens_on = VNDateField(label=_("Opens on"))
    closes_on = VNDateField(label=_("Closes on"))
    anonymous = forms.BooleanField(label=_("Anonymous answers (nobody, not even the administrator, can see who "
                                           "answered what)"), required=False)
    lets_choose = forms.BooleanField(label=_("or let each person choose to answer anonymously"), required=False)

    def __init__(self, *args: Any, agency: Agency, person: Person, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelMultipleChoiceField, self.fields["units"]).queryset = Unit.objects.filter(
            agency=agency, is_active=True, deleted_at__isnull=True).order_by("order", "name")
        choices: list[Any] = [("", "—")]
        for name in LINKABLE:
            kind = kinds.get(name)
            rows = kinds.visible(name, person).filter(agency_id=agency.pk).order_by("-id")[:50]
            choices.append((str(kind.label), [(f"{name}:{d.pk}", " – ".join(
                x for x in (getattr(d, "reference", "") or "", (getattr(d, "summary", "") or str(d))[:90]) if x))
                for d in rows]))
        cast(forms.ChoiceField, self.fields["document"]).choices = choices

    def linked(self) -> tuple[str, int | None]:
        value = self.cleaned_data.get("document") or ""
        name, _sep, pk = value.partition(":")
        return (name, int(pk)) if pk.isdigit() else ("", None)


class QuestionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of question"), choices=Question.Kind.choices)
    text = forms.CharField(label=_("Question"), widget=forms.Textarea(attrs={"rows": 2}))
    options = forms.CharField(label=_("Choices, or the draft's articles (one a line)"), required=False,
                              widget=forms.Textarea(attrs={"rows": 5}))
    required = forms.BooleanField(label=_("An answer is required"), required=False)

    def lines(self) -> list[str]:
        return [line.strip() for line in (self.cleaned_data.get("options") or "").splitlines() if line.strip()]


class MeetingRequestForm(forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=300)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 4}))


class MeetingAnswerForm(forms.Form):
    meets_at = VNDateTimeField(label=_("Meeting time"), required=False)
    place = forms.CharField(label=_("Place"), max_length=300, required=False)
    note = forms.CharField(label=_("Note (the reason, when declined)"), max_length=500, required=False)


def answers_from_post(data: Any, questions: list[Question]) -> dict[str, Any]:
    """The answers form's fields: q<id> (text, one choice), q<id> repeated (several choices),
    q<id>_a<i> (agree/disagree with article i) and q<id>_c<i> (its comment)."""
    answers: dict[str, Any] = {}
    for question in questions:
        name = f"q{question.pk}"
        if question.kind == Question.Kind.MULTIPLE:
            answers[str(question.pk)] = data.getlist(name)
        elif question.kind == Question.Kind.ARTICLES:
            answers[str(question.pk)] = {str(i): {"agree": data.get(f"{name}_a{i}", ""),
                                                  "comment": data.get(f"{name}_c{i}", "")}
                                         for i in range(len(question.options))}
        else:
            answers[str(question.pk)] = data.get(name, "")
    return answers
