"""Reading a person's notifications, and their text in the reader's language."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext_lazy

from qlvb.notifications.models import Notification
from qlvb.org.models import Person

Kind = Notification.Kind
TEXTS: dict[str, Any] = {
    Kind.PRESENTED: gettext_lazy("Presented to you for direction: %(doc)s"),
    Kind.ASSIGNED: gettext_lazy("Routed to you to handle: %(doc)s"),
    Kind.INFORMED: gettext_lazy("Sent to you for information: %(doc)s"),
    Kind.REVIEW: gettext_lazy("Draft waiting for your opinion: %(doc)s"),
    Kind.SIGN: gettext_lazy("Draft waiting for your signature: %(doc)s"),
    Kind.ISSUE: gettext_lazy("Signed, waiting to be numbered and issued: %(doc)s"),
    Kind.RETURNED: gettext_lazy("Draft returned to you with comments: %(doc)s"),
    Kind.RECEPTION: gettext_lazy("Electronic document arrived from %(sender)s"),
    Kind.COMMENT: gettext_lazy("A reviewer gave an opinion on your draft: %(doc)s"),
    Kind.ISSUED: gettext_lazy("Issued to you or your unit: %(doc)s"),
    Kind.RECALLED: gettext_lazy("Recalled by its sender, no longer to be handled: %(doc)s"),
    Kind.REFUSED: gettext_lazy("Refused by %(sender)s: %(doc)s"),
    # Reminders (reminders.py): "date" is the deadline (or when the delegation's last day is).
    Kind.DUE_SOON: ngettext_lazy("Due in %(days)s working day (%(date)s): %(doc)s",
                                 "Due in %(days)s working days (%(date)s): %(doc)s", "days"),
    Kind.OVERDUE: gettext_lazy("Overdue since %(date)s: %(doc)s"),
    Kind.REVIEW_LATE: gettext_lazy("Your opinion on this draft was due on %(date)s: %(doc)s"),
    Kind.ROUTING_LATE: gettext_lazy("Not yet routed, due at %(date)s: %(doc)s"),
    Kind.DELEGATION_ENDING: gettext_lazy("Your delegation to %(person)s ends after %(date)s"),
    # Internal messages (qlvb.messages): "doc" is the subject.
    Kind.MESSAGE: gettext_lazy("Internal message from %(sender)s: %(doc)s"),
    Kind.CHAT: gettext_lazy("%(sender)s mentioned you in a chat: %(doc)s"),
    # Scheduled reports (qlvb.statistics): "doc" is the file's title and period.
    Kind.STAT_REPORT: gettext_lazy("Your scheduled report is ready: %(doc)s"),
}
DELEGATION_TEXTS: dict[str, Any] = {
    "requested": gettext_lazy("%(delegator)s asks to delegate their authority to %(delegate)s until %(until)s: "
                              "waiting for your approval"),
    "approved": gettext_lazy("Delegation approved: %(delegate)s acts for %(delegator)s until %(until)s"),
    "rejected": gettext_lazy("Your delegation to %(delegate)s was not approved"),
    "revoked": gettext_lazy("The delegation from %(delegator)s to you was revoked"),
    "starting": gettext_lazy("From today %(delegate)s acts for %(delegator)s, until %(until)s"),
}
DUE_TODAY = gettext_lazy("Due today: %(doc)s")
DELEGATED_TO_YOU_ENDING = gettext_lazy("The delegation from %(person)s to you ends after %(date)s")
BELL = 8  # notifications the bell shows


def document_label(params: dict) -> str:
    reference = params.get("reference") or ""
    if params.get("secret"):
        return _("secret document %(reference)s") % {"reference": reference} if reference else _("secret document")
    summary = params.get("summary") or ""
    return f"{reference} – {summary}" if reference and summary else (summary or reference)


def moment(value: str | None) -> str:
    """A date (dd/mm/yyyy) or a moment (HH:MM dd/mm/yyyy, local time) kept in ISO form in params."""
    if not value:
        return "—"
    try:
        if "T" in value:
            return timezone.localtime(datetime.fromisoformat(value)).strftime("%H:%M %d/%m/%Y")
        return date.fromisoformat(value).strftime("%d/%m/%Y")
    except ValueError:
        return value


SCHEDULE_TEXTS: dict[str, Any] = {
    "submitted": gettext_lazy("The schedule of the week of %(day)s waits for your approval"),
    "returned": gettext_lazy("The schedule of the week of %(day)s was returned to the office"),
    "adjusted": gettext_lazy("Schedule adjusted: %(title)s, %(at)s"),
    "cancelled": gettext_lazy("Schedule entry cancelled: %(title)s, %(at)s"),
    "changed": gettext_lazy("Schedule entry changed: %(title)s, %(at)s"),
    "added": gettext_lazy("Added to your schedule: %(title)s, %(at)s"),
    "invited": gettext_lazy("Invitation in your schedule: %(title)s, %(at)s"),
    "reported": gettext_lazy("Report back after the meeting: %(title)s, %(at)s"),
}


TASK_TEXTS: dict[str, Any] = {
    "coordinate": gettext_lazy("Task you coordinate: %(doc)s"),
    "reported": gettext_lazy("Progress reported on a task you assigned: %(doc)s"),
    "extension_requested": gettext_lazy("Extension of the deadline asked, waiting for your decision: %(doc)s"),
    "extension_approved": gettext_lazy("Extension of the deadline approved: %(doc)s"),
    "extension_rejected": gettext_lazy("Extension of the deadline not approved: %(doc)s"),
    "completed": gettext_lazy("Task completed, waiting for your evaluation: %(doc)s"),
    "evaluated": gettext_lazy("Your task's result was evaluated: %(doc)s"),
    "changed": gettext_lazy("Your task was changed by its assigner: %(doc)s"),
    "withdrawn": gettext_lazy("Task withdrawn: %(doc)s"),
    # Work programmes (qlvb.programmes), told with the task kind.
    "programme_submitted": gettext_lazy("Work programme waiting for your approval: %(doc)s"),
    "programme_approved": gettext_lazy("Work programme approved: %(doc)s"),
    "programme_returned": gettext_lazy("Work programme returned for changes: %(doc)s"),
    "programme_adjusted": gettext_lazy("Approved work programme adjusted: %(doc)s"),
}


# --- Meetings (qlvb.meetings) ---
MEETING_TEXTS: dict[str, Any] = {
    "invited": gettext_lazy("Invitation to a meeting: %(title)s, %(at)s"),
    "changed": gettext_lazy("Meeting changed: %(title)s, %(at)s"),
    "cancelled": gettext_lazy("Meeting cancelled: %(title)s, %(at)s"),
    "answered": gettext_lazy("Invitation answered: %(title)s"),
    "minutes": gettext_lazy("Minutes waiting for your approval: %(title)s"),
    "minutes_returned": gettext_lazy("Minutes returned for correction: %(title)s"),
    "conclusions": gettext_lazy("Conclusions notice published: %(title)s"),
    "reminder": gettext_lazy("Meeting coming up: %(title)s, %(at)s"),
}


# --- Consultations (qlvb.consultations) ---
CONSULTATION_TEXTS: dict[str, Any] = {
    "opened": gettext_lazy("Your opinion is asked, until %(date)s: %(title)s"),
    "reminder": gettext_lazy("Not yet answered, closes on %(date)s: %(title)s"),
    "published": gettext_lazy("Results of the consultation published: %(title)s"),
    "meeting_requested": gettext_lazy("%(person)s asks to meet the director: %(title)s"),
    "meeting_scheduled": gettext_lazy("Your meeting with the director is arranged at %(at)s: %(title)s"),
    "meeting_declined": gettext_lazy("Your request to meet the director was declined: %(title)s"),
}


def _consultation_text(notification: Notification, params: dict[str, Any]) -> str:
    template = CONSULTATION_TEXTS.get(params.get("what", ""))
    if template is None:
        return str(notification.get_kind_display())
    day = params.get("date") or ""
    with contextlib.suppress(ValueError):
        day = date.fromisoformat(day).strftime("%d/%m/%Y")
    return str(template) % {"title": params.get("title") or "—", "date": day, "person": params.get("person") or "—",
                            "at": params.get("at") or "—"}
# --- Internal notices and disclosures (qlvb.notices, qlvb.disclosures) ---
NOTICE_TEXT = gettext_lazy("Internal notice: %(title)s")
DISCLOSURE_TEXT = gettext_lazy("Disclosure overdue since %(date)s: %(title)s")


# --- Leave and overtime (qlvb.leave) ---
LEAVE_TEXTS: dict[str, Any] = {
    "requested": gettext_lazy("%(person)s asks for leave from %(start)s to %(end)s"),
    "informed": gettext_lazy("%(person)s is on leave from %(start)s to %(end)s"),
    "approved": gettext_lazy("Your leave from %(start)s to %(end)s is approved"),
    "refused": gettext_lazy("Your leave from %(start)s to %(end)s is refused"),
    "cancelled": gettext_lazy("%(person)s cancelled the leave from %(start)s to %(end)s"),
    "declared": gettext_lazy("%(person)s declared overtime on %(end)s"),
    "cover_named": gettext_lazy("%(person)s asks you to handle the tasks during the leave from %(start)s to %(end)s"),
    "cover_started": gettext_lazy("%(person)s is on leave until %(end)s: %(count)s open tasks are now with you"),
    "cover_ended": gettext_lazy("Your tasks are back with you after the leave from %(start)s to %(end)s"),
    "cover_released": gettext_lazy("The tasks you handled during the leave of %(person)s (%(start)s – %(end)s) went "
                                   "back to them"),
}


def _leave_text(notification: Notification, params: dict[str, Any]) -> str:
    template = LEAVE_TEXTS.get(params.get("what", ""))
    if template is None:
        return str(notification.get_kind_display())
    days = {}
    for name in ("start", "end"):
        value = params.get(name) or ""
        with contextlib.suppress(ValueError):
            value = date.fromisoformat(value).strftime("%d/%m/%Y")
        days[name] = value
    return str(template) % {"person": params.get("person") or "—", "count": params.get("count") or 0, **days}


def text(notification: Notification) -> str:
    params = notification.params or {}
    if notification.kind == Kind.LEAVE:
        return _leave_text(notification, params)
    if notification.kind == Kind.CONSULTATION:
        return _consultation_text(notification, params)
    if notification.kind == Kind.NOTICE:
        return str(NOTICE_TEXT) % {"title": params.get("title") or "—"}
    if notification.kind == Kind.DISCLOSURE:
        return str(DISCLOSURE_TEXT) % {"title": params.get("title") or "—", "date": moment(params.get("date"))}
    if notification.kind == Kind.MEETING:
        template = MEETING_TEXTS.get(params.get("what", ""))
        return (str(template) % {"title": params.get("title") or "—", "at": params.get("at") or ""}
                if template else notification.get_kind_display())
    if notification.kind == Kind.TASK:
        template = TASK_TEXTS.get(params.get("what", ""))
        return str(template) % {"doc": document_label(params)} if template else notification.get_kind_display()
    if notification.kind in (Kind.SCHEDULE, Kind.SCHEDULE_APPROVAL):
        template = SCHEDULE_TEXTS.get(params.get("what", ""))
        if template is None:
            return notification.get_kind_display()
        day = params.get("day") or ""
        with contextlib.suppress(ValueError):
            day = date.fromisoformat(day).strftime("%d/%m/%Y")
        return str(template) % {"day": day, "title": params.get("title") or "—", "at": params.get("at") or ""}
    if notification.kind == Kind.DELEGATION:
        template = DELEGATION_TEXTS.get(params.get("what", ""))
        if template is None:
            return notification.get_kind_display()
        until = params.get("until") or ""
        with contextlib.suppress(ValueError):
            until = date.fromisoformat(until).strftime("%d/%m/%Y")
        return str(template) % {"delegator": params.get("delegator") or "—", "delegate": params.get("delegate") or "—",
                                "until": until}
    template = TEXTS.get(notification.kind)
    if notification.kind == Kind.DUE_SOON and params.get("days") == 0:
        template = DUE_TODAY
    elif notification.kind == Kind.DELEGATION_ENDING and params.get("role") == "delegate":
        template = DELEGATED_TO_YOU_ENDING
    if template is None:
        return notification.get_kind_display()
    return str(template % {"doc": document_label(params), "sender": params.get("sender") or "—",
                           "days": params.get("days", 0), "date": moment(params.get("date")),
                           "person": params.get("person") or "—"})


def unread_count(person: Person) -> int:
    return Notification.objects.filter(person=person, read_at__isnull=True).count()


def of(person: Person, *, unread: bool = False) -> QuerySet[Notification]:
    notifications = Notification.objects.filter(person=person)
    if unread:
        notifications = notifications.filter(read_at__isnull=True)
    return notifications.order_by("-created_at", "-id")


def with_text(rows: Iterable[Notification]) -> list[Notification]:
    """The rows, each with its `text` for a template."""
    rows = list(rows)
    for row in rows:
        row.text = text(row)  # type: ignore[attr-defined]
    return rows


def latest(person: Person, limit: int = BELL) -> list[Notification]:
    return with_text(of(person)[:limit])
