"""The dossiers' part of a hand-over (core.handover): dossiers not closed change keeper."""

from __future__ import annotations

from qlvb.core.actor import Actor
from qlvb.core.models import Event
from qlvb.dossiers import services
from qlvb.dossiers.models import Dossier


def test_open_dossiers_change_keeper_closed_ones_stay(org):
    kept = services.create_dossier(by=Actor(org.specialist), agency=org.agency, code="01.CV",
                                   title="Hồ sơ chữ ký số", retention="10")
    closed = services.create_dossier(by=Actor(org.specialist), agency=org.agency, code="02.CV",
                                     title="Hồ sơ năm trước", retention="10")
    Dossier.objects.filter(pk=closed.pk).update(status=Dossier.Status.CLOSED)
    assert services.hand_over(by=Actor(org.head), person=org.specialist, successor=org.admin,
                              agency_id=org.agency.pk) == 1
    assert Dossier.objects.get(pk=kept.pk).owner == org.admin
    assert Dossier.objects.get(pk=closed.pk).owner == org.specialist
    assert Event.objects.get(verb="dossier.handed_over").target_id == str(kept.pk)
