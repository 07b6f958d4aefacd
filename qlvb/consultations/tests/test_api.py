"""The consultations REST API: preparing with questions (closing before opening refused), answering
named and anonymous, the results, publishing, 404 outside, and the requests to meet the director;
everything in the OpenAPI schema."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from qlvb.accounts.services import create_api_token
from qlvb.consultations.models import Consultation
from qlvb.core.models import Event

pytestmark = pytest.mark.django_db
API = "/api/v1/consultations/"


def _auth(person):  # noqa: ANN001, ANN202
    _token, key = create_api_token(person=person, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def _body(**extra):  # noqa: ANN003, ANN202
    today = timezone.localdate()
    body = {"title": "Lấy ý kiến dự thảo Quy chế làm việc", "subject": "draft", "topic": "rules",
            "opens_on": today.isoformat(), "closes_on": (today + timedelta(days=5)).isoformat(), "anonymous": True,
            "open": True, "questions": [
                {"kind": "single", "text": "Giờ làm việc buổi sáng", "options": ["7 giờ 00", "7 giờ 30"]},
                {"kind": "articles", "text": "Ý kiến từng điều", "options": ["Điều 1. Phạm vi", "Điều 2. Nguyên tắc"]},
                {"kind": "text", "text": "Góp ý chung"}]}
    body.update(extra)
    return body


def test_the_whole_flow_through_the_api(client, org, other_org):
    head, cv, tp = _auth(org.head), _auth(org.specialist), _auth(org.unit_head)
    today = timezone.localdate()
    refused = client.post(API, _body(closes_on=(today - timedelta(days=1)).isoformat()),
                          content_type="application/json", **head)
    assert refused.status_code == 400 and "closes_on" in refused.json()
    assert not Consultation.objects.exists()
    assert client.post(API, _body(), content_type="application/json", **cv).status_code == 404
    created = client.post(API, _body(), content_type="application/json", **head)
    assert created.status_code == 201, created.content
    data = created.json()
    pk, questions = data["id"], data["questions"]
    assert data["status"] == "open" and data["anonymous"] and len(questions) == 3
    listed = client.get(API, {"list": "to_answer"}, **cv).json()
    assert [c["id"] for c in listed["results"]] == [pk]
    assert client.get(f"{API}{pk}/", **_auth(other_org.head)).status_code == 404
    single, articles, text = (str(q["id"]) for q in questions)
    answered = client.post(f"{API}{pk}/answer/", {"answers": {
        single: 1, articles: {"0": {"agree": "agree"}, "1": {"agree": "disagree", "comment": "Cần nói rõ hơn"}},
        text: "Nên làm việc từ 7 giờ 30"}}, content_type="application/json", **cv)
    assert answered.status_code == 201, answered.content
    assert answered.json() == {"anonymous": True, "response": None}
    again = client.post(f"{API}{pk}/answer/", {"answers": {single: 0}}, content_type="application/json", **cv)
    assert again.status_code == 400
    assert client.post(f"{API}{pk}/answer/", {"answers": {single: 0}}, content_type="application/json",
                       **tp).status_code == 201
    assert client.get(f"{API}{pk}/results/", **cv).status_code == 404  # not published yet
    assert client.post(f"{API}{pk}/publish/", **head).status_code == 400  # still open
    assert client.post(f"{API}{pk}/close/", **cv).status_code == 404
    assert client.post(f"{API}{pk}/close/", **head).status_code == 200
    published = client.post(f"{API}{pk}/publish/", **head)
    assert published.status_code == 200 and published.json()["results_published"]
    results = client.get(f"{API}{pk}/results/", **cv).json()
    assert results["responses"] == 2
    q_single, q_articles, q_text = results["questions"]
    assert [c["count"] for c in q_single["choices"]] == [1, 1]
    assert q_articles["articles"][1]["disagree"] == 1
    assert q_articles["articles"][1]["comments"] == [{"agree": False, "comment": "Cần nói rõ hơn", "by": ""}]
    assert q_text["opinions"] == [{"text": "Nên làm việc từ 7 giờ 30", "by": ""}]
    assert Event.objects.filter(verb="consultation.results_published", target_id=str(pk)).count() == 1


def test_named_answer_gives_its_id_and_results_name_the_author(client, org):
    head, cv = _auth(org.head), _auth(org.specialist)
    pk = client.post(API, _body(anonymous=False), content_type="application/json", **head).json()["id"]
    questions = client.get(f"{API}{pk}/", **cv).json()["questions"]
    answered = client.post(f"{API}{pk}/answer/", {"answers": {str(questions[2]["id"]): "Ý kiến có tên"}},
                           content_type="application/json", **cv)
    assert answered.status_code == 201 and answered.json()["response"]
    opinions = client.get(f"{API}{pk}/results/", **head).json()["questions"][2]["opinions"]
    assert opinions == [{"text": "Ý kiến có tên", "by": org.specialist.full_name}]


def test_bad_lists_are_400(client, org):
    assert client.get(API, {"list": "nonsense"}, **_auth(org.head)).status_code == 400
    assert client.get(f"{API}meeting-requests/", {"list": "x"}, **_auth(org.head)).status_code == 400
    assert client.get(f"{API}99999999/", **_auth(org.head)).status_code == 404


def test_meeting_requests_through_the_api(client, org):
    cv, head, tp = _auth(org.specialist), _auth(org.head), _auth(org.unit_head)
    assert client.post(f"{API}meeting-requests/", {"subject": "", "reason": ""}, content_type="application/json",
                       **cv).status_code == 400
    made = client.post(f"{API}meeting-requests/", {"subject": "Đề xuất cải tiến", "reason": "Trình bày trực tiếp"},
                       content_type="application/json", **cv)
    assert made.status_code == 201
    pk = made.json()["id"]
    assert client.get(f"{API}meeting-requests/{pk}/", **tp).status_code == 404
    assert [r["id"] for r in client.get(f"{API}meeting-requests/", {"list": "to_answer"}, **head).json()["results"]] \
        == [pk]
    when = (timezone.now() + timedelta(days=2)).isoformat()
    assert client.post(f"{API}meeting-requests/{pk}/answer/", {"meets_at": when}, content_type="application/json",
                       **tp).status_code == 404
    answered = client.post(f"{API}meeting-requests/{pk}/answer/", {"meets_at": when, "place": "Phòng Giám đốc"},
                           content_type="application/json", **head)
    assert answered.status_code == 200 and answered.json()["status"] == "scheduled"
    assert client.get(f"{API}meeting-requests/", **cv).json()["results"][0]["status"] == "scheduled"


def test_in_the_schema(client, org):
    schema = client.get("/api/schema/", **_auth(org.head))
    text = schema.content.decode()
    for operation in ("v1_consultations_list", "v1_consultations_create", "v1_consultations_answer",
                      "v1_consultations_results", "v1_consultations_publish",
                      "v1_consultations_meeting_requests_answer"):
        assert operation in text
