"""The outgoing documents' part of a hand-over (core.handover): open drafts change drafter, review
steps waiting with him change reviewer, the successor can open them; issued ones stay."""

from __future__ import annotations

from qlvb.core.actor import Actor
from qlvb.core.models import Event
from qlvb.outgoing import services
from qlvb.outgoing.models import OutgoingAccess, OutgoingDocument, ReviewStep


def test_drafts_and_steps_move(org, draft):
    services.submit(by=Actor(org.specialist), document=draft, signer=org.deputy)
    assert services.open_work_count(org.unit_head, org.agency.pk) == 1  # his step
    assert services.hand_over(by=Actor(org.head), person=org.unit_head, successor=org.admin,
                              agency_id=org.agency.pk) == 1
    assert ReviewStep.objects.get(document=draft, state="pending").reviewer == org.admin
    assert OutgoingAccess.objects.filter(document=draft, person=org.admin).exists()
    assert services.hand_over(by=Actor(org.head), person=org.specialist, successor=org.admin,
                              agency_id=org.agency.pk) == 1
    assert OutgoingDocument.objects.get(pk=draft.pk).drafter == org.admin
    assert Event.objects.filter(verb="outgoing.handed_over", target_id=str(draft.pk)).count() == 2
