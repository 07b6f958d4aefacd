"""Who reacts to what: the subscriptions are the dependency graph between the apps that the code
does not show by imports (docs/architecture.md, "Who subscribes to what"). A new subscriber is a
decision; this test makes it a visible one."""

from __future__ import annotations

from qlvb.core import events, kinds

EXPECTED = {
    ("outgoing.issued",): ("qlvb.exchange.services.on_issued", False),
    ("incoming.registered",): ("qlvb.exchange.services.on_incoming_registered", False),
    ("incoming.routed", "incoming.progress", "incoming.proposal", "incoming.completed"):
        ("qlvb.exchange.services.on_incoming_progressed", False),
    ("digitisation.text_read",): ("qlvb.search.services.on_text_extracted", False),
    ("incoming.registered", "incoming.routed", "outgoing.submitted", "outgoing.approved",
     "outgoing.format_checked", "outgoing.back_to_signer", "outgoing.signed", "outgoing.signature_requested",
     "outgoing.returned",
     "exchange.arrived", "outgoing.issued", "incoming.cancelled", "exchange.status_received",
     "delegation.requested", "delegation.approved", "delegation.rejected", "delegation.revoked",
     "schedules.period_submitted", "schedules.period_returned", "task.assigned", "task.received", "task.reported",
     "task.extension_requested", "task.extension_approved", "task.extension_rejected", "task.completed",
     "task.evaluated", "task.changed", "task.withdrawn", "schedules.entry_created", "schedules.entry_updated",
     "schedules.entry_adjusted", "schedules.entry_cancelled",
     # meetings
     "meeting.invited", "meeting.updated", "meeting.cancelled", "meeting.answered", "meeting.minutes_submitted",
     "meeting.minutes_returned", "meeting.conclusions_published",
     "programme.submitted", "programme.approved", "programme.returned", "programme.adjusted", "report.sent",
     "schedules.entry_reported",
     "message.sent",  # internal messages
     # consultations
     "consultation.opened", "consultation.results_published", "consultation.meeting_requested",
     "consultation.meeting_answered",
     # notices
     "notice.published",
     # leave and overtime
     "leave.requested", "leave.informed", "leave.approved", "leave.refused", "leave.cancelled", "overtime.declared",
     "leave.cover_named", "leave.cover_started", "leave.cover_ended",  # the colleague covering a leave
     "chat.message_posted",
     "statistics.report_sent",  # scheduled reports
     "itstaff.incident_reported", "itstaff.report_reminder",  # IT staff
     "itstaff.report_submitted", "itstaff.report_resubmitted", "itstaff.report_returned",
     "handover.done",  # hand-over of work
     "outgoing.disagreement"):
        ("qlvb.notifications.routes.dispatch", True),
    ("consultation.results_published",): ("qlvb.disclosures.services.on_consultation_results", True),
    ("chat.message_posted",): ("qlvb.chat.live.broadcast", True),
    ("auth.login",): ("qlvb.statistics.services.on_login", False),
}
EVERY_EVENT = {("qlvb.digitisation.services.on_files_stored", False), ("qlvb.search.services.on_document_event", False),
               ("qlvb.core.personcache.on_event", False), ("qlvb.core.personcache.on_event_committed", True),
               ("qlvb.statistics.services.on_document_event", False),
               ("qlvb.statistics.services.on_event_chained", False)}


def test_the_subscriptions_are_the_documented_ones():
    found = events.subscriptions()
    assert {(s.name, s.after_commit) for s in found if not s.verbs} == EVERY_EVENT
    assert {s.verbs: (s.name, s.after_commit) for s in found if s.verbs} == EXPECTED


def test_the_document_kinds_are_registered():
    assert [kind.name for kind in kinds.all_kinds()] == ["dossier", "incoming", "outgoing", "schedule", "task",
                                                         "meeting", "programme", "leave",
                                                         "message", "chat", "itreport", "itincident"]
    for kind in kinds.all_kinds():
        assert kind.target_type == kind.model_class._meta.label_lower


def test_a_subscriber_is_called_in_the_transaction_and_after_commit(db, django_capture_on_commit_callbacks):
    seen: list[tuple[str, str]] = []

    def now(event):
        seen.append(("now", event.verb))

    def later(event):
        seen.append(("later", event.verb))

    def broken(event):
        raise RuntimeError("a late consequence fails")

    events.subscribe("test.")(now)
    events.subscribe("test.done", after_commit=True)(later)
    events.subscribe("test.done", after_commit=True)(broken)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            events.record(verb="test.done")
            assert seen == [("now", "test.done")]  # the after-commit one waits for the commit
        assert seen == [("now", "test.done"), ("later", "test.done")]  # and a broken one undoes nothing
        events.record(verb="other.thing")
        assert len(seen) == 2
    finally:
        events._subscriptions[:] = [s for s in events._subscriptions if s.handler not in (now, later, broken)]
