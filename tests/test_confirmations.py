"""Confirmations name what happened ("Đã trình…", "Đã phát hành số …"), never a bare "Đã lưu.",
and the timeline labels each approval by what it was ("Duyệt ban hành")."""

from __future__ import annotations

from django.contrib.messages import get_messages

from qlvb.core.models import Event
from qlvb.core.verbs import verb_label
from qlvb.incoming.tests.conftest import _media, register_doc, registers  # noqa: F401  (fixtures)
from qlvb.incoming.tests.test_routing import routed  # noqa: F401
from qlvb.outgoing.tests.conftest import draft, signing  # noqa: F401


def _said(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_each_step_of_the_review_loop_says_what_it_did(org, draft, login):  # noqa: F811
    specialist = login(org.specialist)
    said = _said(specialist.post(f"/outgoing/{draft.pk}/submit/", {"submit-signer": org.deputy.pk}, follow=True))
    assert said == [f"Đã trình; chờ {org.unit_head.full_name} cho ý kiến."]
    said = _said(login(org.unit_head).post(f"/outgoing/{draft.pk}/approve/", {"opinion": "Đồng ý"}, follow=True))
    assert said == [f"Đã đồng ý; chuyển tiếp cho {org.clerk.full_name}."]
    login(org.clerk).post(f"/outgoing/{draft.pk}/approve/", {}, follow=True)
    said = _said(login(org.deputy).post(f"/outgoing/{draft.pk}/approve/", {}, follow=True))
    assert said == ["Đã duyệt ban hành; chờ người ký ký số."]
    verbs = list(Event.objects.filter(target_id=draft.pk, verb__startswith="outgoing.approved")
                 .values_list("verb", flat=True))
    assert "outgoing.approved_for_issue" in verbs
    assert str(verb_label("outgoing.approved_for_issue")) == "Duyệt ban hành"
    assert str(verb_label("outgoing.format_checked")) == "Kiểm tra thể thức, chuyển tiếp"
    assert Event.objects.filter(target_id=draft.pk, verb="outgoing.format_checked").exists()


def test_handling_steps_say_what_they_did(org, routed, login):  # noqa: F811
    doc, main, _coord, _info = routed
    client = login(org.unit_head)
    said = _said(client.post(f"/incoming/{doc.pk}/progress/", {"assignment": main.pk, "text": "Đang dự thảo"},
                             follow=True))
    assert said == ["Đã báo cáo tiến độ."]
    assert "Đã lưu." not in said
