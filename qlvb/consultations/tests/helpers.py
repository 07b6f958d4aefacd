"""A consultation on the draft of the agency's internal rules, built through the services."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from qlvb.consultations import services
from qlvb.consultations.models import Consultation, Question
from qlvb.core.actor import Actor

ARTICLES = ["Điều 1. Phạm vi điều chỉnh", "Điều 2. Nguyên tắc làm việc", "Điều 3. Chế độ hội họp"]


def rules_consultation(org: Any, *, anonymous: bool = False, open_it: bool = True, **extra: Any) -> Consultation:
    """The Giám đốc consults everyone on the draft of the internal rules, open from today for a week,
    with one question of each kind (q_text, q_single, q_multiple, q_articles set on the result)."""
    today = timezone.localdate()
    values: dict[str, Any] = {"title": "Lấy ý kiến dự thảo Quy chế làm việc của Sở", "subject": "draft",
                              "topic": "rules", "opens_on": today, "closes_on": today + timedelta(days=7),
                              "anonymous": anonymous, "everyone": True}
    values.update(extra)
    by = Actor(org.head)
    consultation = services.create(by=by, agency=org.agency, **values)
    q = {
        "text": services.add_question(by=by, consultation=consultation, kind=Question.Kind.TEXT,
                                      text="Góp ý chung về dự thảo"),
        "single": services.add_question(by=by, consultation=consultation, kind=Question.Kind.SINGLE,
                                        text="Giờ bắt đầu làm việc", options=["7 giờ 00", "7 giờ 30"], required=True),
        "multiple": services.add_question(by=by, consultation=consultation, kind=Question.Kind.MULTIPLE,
                                          text="Hình thức giao ban", options=["Trực tiếp", "Trực tuyến", "Kết hợp"]),
        "articles": services.add_question(by=by, consultation=consultation, kind=Question.Kind.ARTICLES,
                                          text="Ý kiến từng điều", options=ARTICLES),
    }
    if open_it:
        consultation = services.open_consultation(by=by, consultation=consultation)
    consultation.q = q  # type: ignore[attr-defined]
    return consultation


def answers(c: Consultation, *, opinion: str = "Đồng ý với dự thảo", single: int = 0, multiple: tuple = (0, 2),
            agree: str = "disagree", comment: str = "Nên họp sáng thứ Hai") -> dict[str, Any]:
    q = c.q  # type: ignore[attr-defined]
    return {str(q["text"].pk): opinion, str(q["single"].pk): single,
            str(q["multiple"].pk): list(multiple),
            str(q["articles"].pk): {"0": {"agree": "agree"}, "2": {"agree": agree, "comment": comment}}}
