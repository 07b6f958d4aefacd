"""Several signers and joint documents through the pages and the API: who sees what (others 404),
the submit form and the API's fields, the co-issuing agency's seal."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from qlvb.core.actor import Actor
from qlvb.outgoing import services
from qlvb.outgoing.models import OutgoingDocument
from qlvb.outgoing.tests.test_api import API, _auth, _post
from qlvb.outgoing.tests.test_issue import pki  # noqa: F401  (fixture)
from qlvb.outgoing.tests.test_several_signers import _draft, _through_review, joint, third  # noqa: F401

pytestmark = pytest.mark.django_db


def test_api_submit_with_several_signers_k_of_n_and_its_detail(org, signing, third):  # noqa: F811
    doc = _draft(org, signing)
    client = Client()
    response = _post(client, _auth(org.specialist), f"documents/{doc.pk}/submit/", {
        "signer": org.head.pk, "cosigners": [org.deputy.pk, third.pk], "mode": "quorum", "needed": 5})
    assert response.status_code == 400 and "needed" in response.json()
    response = _post(client, _auth(org.specialist), f"documents/{doc.pk}/submit/", {
        "signer": org.head.pk, "cosigners": [org.deputy.pk, third.pk], "mode": "quorum", "needed": 2})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["signing_mode"] == "quorum" and body["signers_needed"] == 2
    assert [s["person"]["id"] for s in body["signing_order"]] == [org.head.pk, org.deputy.pk, third.pk]
    _through_review(org, doc)
    deputy = client.get(f"{API}documents/{doc.pk}/", **_auth(org.deputy)).json()
    assert deputy["can_review"] and not deputy["can_sign"]
    for person in (org.deputy, third):
        assert _post(client, _auth(person), f"documents/{doc.pk}/approve/").status_code == 200
    deputy = client.get(f"{API}documents/{doc.pk}/", **_auth(org.deputy)).json()
    assert deputy["status"] == "approved" and deputy["can_sign"]
    assert [s["approved"] for s in deputy["signing_order"]] == [False, True, True]
    head = client.get(f"{API}documents/{doc.pk}/", **_auth(org.head)).json()
    assert not head["can_sign"] and not head["can_review"]
    assert [step["state"] for step in head["steps"] if step["reviewer"]["id"] == org.head.pk] == ["not_needed"]


def test_page_submit_form_names_several_signers_in_parallel(org, signing, third, login):  # noqa: F811
    doc = _draft(org, signing)
    client = login(org.specialist)
    response = client.post(reverse("outgoing:action", args=[doc.pk, "submit"]), {
        "submit-signer": org.head.pk, "submit-cosigners": [org.deputy.pk, third.pk], "submit-mode": "parallel"})
    assert response.status_code == 302
    doc.refresh_from_db()
    assert doc.signing_mode == "parallel" and doc.signers.count() == 3
    _through_review(org, doc)
    page = login(org.deputy).get(reverse("outgoing:detail", args=[doc.pk])).content.decode()
    assert 'id="several-signers"' in page and "review" in page


def test_joint_document_pages_open_only_to_the_co_issuing_agencys_clerk_and_signer(
        org, other_org, joint, login, pki):  # noqa: F811
    doc = joint
    services.issue(by=Actor(org.clerk), document=doc)
    joint_url = reverse("outgoing:joint_detail", args=[doc.pk])
    clerk = login(other_org.clerk)
    listed = clerk.get(reverse("outgoing:joint_list")).content.decode()
    assert doc.summary[:40] in listed
    page = clerk.get(joint_url)
    assert page.status_code == 200 and b'id="seal-step"' in page.content
    assert clerk.get(reverse("outgoing:joint_file", args=[doc.pk, "view"])).status_code == 200
    # Nothing else of the lead agency: its own pages of the document, or another of its documents.
    assert clerk.get(reverse("outgoing:detail", args=[doc.pk])).status_code == 404
    assert clerk.get(reverse("outgoing:issued_file", args=[doc.pk, "view"])).status_code == 404
    other = _draft(org, doc.field)
    assert clerk.get(reverse("outgoing:joint_detail", args=[other.pk])).status_code == 404
    assert clerk.get(f"{API}documents/{doc.pk}/", **_auth(other_org.clerk)).status_code == 404
    # Someone of the co-issuing agency who is neither its clerk nor its signer: 404 everywhere.
    stranger = login(other_org.specialist)
    assert stranger.get(joint_url).status_code == 404
    assert stranger.post(reverse("outgoing:joint_action", args=[doc.pk, "seal"])).status_code == 404
    assert _post(Client(), _auth(other_org.specialist), f"joint/{doc.pk}/seal/").status_code == 404
    assert login(org.specialist).get(joint_url).status_code == 404  # the lead's own people use its pages
    # The signer of the co-issuing agency sees it (no seal for him).
    signer_page = login(other_org.head).get(joint_url)
    assert signer_page.status_code == 200 and b'id="seal-step"' not in signer_page.content
    # The clerk seals through the API: the document is issued.
    listed_api = Client().get(f"{API}joint/", {"list": "to_seal"}, **_auth(other_org.clerk)).json()
    assert [row["id"] for row in listed_api["results"]] == [doc.pk]
    body = Client().get(f"{API}joint/{doc.pk}/", **_auth(other_org.clerk)).json()
    assert body["can_seal"] and body["reference"] == "01/STTTT-SNV"
    response = _post(Client(), _auth(other_org.clerk), f"joint/{doc.pk}/seal/")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "issued" and not body["can_seal"]
    assert body["co_issuers"][0]["number"] == 1 and body["co_issuers"][0]["agency"]["id"] == other_org.agency.pk
    doc.refresh_from_db()
    assert doc.status == OutgoingDocument.Status.ISSUED
    assert _post(Client(), _auth(other_org.clerk), f"joint/{doc.pk}/seal/").status_code == 400  # sealed once
