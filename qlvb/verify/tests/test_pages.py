"""The public page and its API: what each caller learns of a code, the comparison of a file with
the issued one, the unknown code, the rate limit."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from qlvb.core.models import Event
from qlvb.files.services import read_stored
from qlvb.outgoing import codes


def url(document) -> str:  # noqa: ANN001
    return f"/verify/{codes.formatted(document.verification_code)}/"


def text(response) -> str:  # noqa: ANN001
    return re.sub(r"\s+", " ", response.content.decode())


def post_file(client: Client, address: str, data: bytes, name: str = "ban-nhan.pdf"):  # noqa: ANN201
    """As a browser does: the page first (its form token), then the file."""
    page = client.get(address)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())
    form: dict[str, Any] = {"file": SimpleUploadedFile(name, data, content_type="application/pdf")}
    if token is not None:  # no form on a page that compares nothing: the test client then sends none
        form["csrfmiddlewaretoken"] = token.group(1)
    return client.post(address, form)


def test_anyone_sees_who_issued_a_public_document_and_that_its_signatures_are_valid(org, issued):
    response = Client().get(url(issued))
    assert response.status_code == 200
    page = text(response)
    assert issued.reference in page and org.agency.name in page and issued.summary in page
    assert timezone.localdate(issued.issued_at).strftime("%d/%m/%Y") in page
    assert "Kế hoạch" in page  # the type
    assert org.deputy.full_name in page  # the signer, named by his certificate
    assert page.count("Hợp lệ") >= 2 and 'id="verification-valid"' in page
    assert 'id="verification-upload"' in page
    # Typed in lower case, without dashes: the same page.
    assert Client().get(f"/verify/{issued.verification_code.lower()}/").status_code == 200


def test_the_page_costs_few_queries_and_no_new_verification(org, issued, django_assert_max_num_queries):
    client = Client()
    client.get(url(issued))  # the signatures' report is then in the cache, by the file's digest
    with django_assert_max_num_queries(8):
        assert client.get(url(issued)).status_code == 200


def test_the_issued_file_matches_and_any_other_does_not(org, issued):
    client = Client(enforce_csrf_checks=True)
    page = text(post_file(client, url(issued), read_stored(issued.issued_file)))
    assert "Khớp" in page and 'id="verification-match"' in page and "Không khớp" not in page
    changed = read_stored(issued.issued_file) + b"\n% one byte more\n"
    page = text(post_file(client, url(issued), changed))
    assert "Không khớp" in page and 'id="verification-mismatch"' in page
    attachment = issued.attachments.get()
    page = text(post_file(client, url(issued), read_stored(attachment.signed)))
    assert "Khớp" in page and attachment.name in page
    # As uploaded before signing, the attachment is not what was issued.
    assert "Không khớp" in text(post_file(client, url(issued), read_stored(attachment.stored)))


def test_an_upload_without_the_form_token_is_refused(issued):
    client = Client(enforce_csrf_checks=True)
    response = client.post(url(issued), {"file": SimpleUploadedFile("a.pdf", b"%PDF-1.4")})
    assert response.status_code == 403


def test_a_file_larger_than_any_upload_is_not_compared(settings, issued):
    settings.QLVB_MAX_UPLOAD_BYTES = 1024
    page = text(post_file(Client(), url(issued), b"%PDF-1.4\n" + b"0" * 4096))
    assert "Không khớp" not in page and "Khớp" not in page
    assert "Tệp lớn hơn 1,0 KB" in page


def test_a_secret_document_tells_a_visitor_only_that_the_code_exists(org, other_org, secret, login):
    # None of them may open it (a leader sees his agency's documents, but not its secret ones).
    for client in (Client(), login(other_org.head), login(org.head)):
        response = client.get(url(secret))
        page = text(response).split('id="verification"')[1]  # the page's part: the menu names the agency
        assert response.status_code == 200 and 'id="verification-exists"' in page
        for hidden in (secret.reference, secret.summary, org.agency.name, org.deputy.full_name, "verification-upload"):
            assert hidden not in page
        assert "Không khớp" not in text(post_file(client, url(secret), read_stored(secret.issued_file)))
        assert "Khớp" not in text(post_file(client, url(secret), read_stored(secret.issued_file)))
    opened = Event.objects.filter(verb="outgoing.secret_opened").count()
    page = text(login(org.clerk).get(url(secret)))  # the clerk who issued it may open it
    assert secret.reference in page and secret.summary in page and "verification-upload" in page
    assert Event.objects.filter(verb="outgoing.secret_opened").count() == opened + 1  # logged, as an opening


def test_an_internal_document_tells_a_visitor_only_that_the_code_exists(org, internal, login):
    page = text(Client().get(url(internal)))
    assert 'id="verification-exists"' in page and internal.reference not in page
    page = text(login(org.unit_head).get(url(internal)))  # his unit received it
    assert internal.reference in page and internal.summary in page


def test_an_unknown_code_is_a_404_in_vietnamese(issued):
    other = "0000-0000-0000" if issued.verification_code != "000000000000" else "1111-1111-1111"
    for address in (f"/verify/{other}/", "/verify/not-a-code/", "/api/v1/verify/0000-0000-0000/"):
        response = Client().get(address)
        assert response.status_code == 404
    assert "Không có văn bản nào mang mã xác thực này" in text(Client().get(f"/verify/{other}/"))


def test_the_form_takes_a_typed_code_to_its_page(issued):
    response = Client().get("/verify/", {"code": issued.verification_code.lower()})
    assert response.status_code == 302 and response["Location"] == url(issued)
    page = text(Client().get("/verify/", {"code": "abc"}))
    assert "không phải là mã xác thực" in page.lower()


def test_look_ups_and_uploads_are_rate_limited_per_address(settings, issued):
    settings.QLVB_VERIFY_LOOKUPS, settings.QLVB_VERIFY_UPLOADS = 3, 1
    client = Client()
    for _ in range(3):
        assert client.get("/verify/0000-0000-0000/").status_code in (200, 404)  # unknown codes count too
    response = client.get(url(issued))
    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    assert "Quá nhiều lượt tra cứu" in text(response)
    assert client.get(f"/api/v1/verify/{codes.formatted(issued.verification_code)}/").status_code == 429
    other = Client(REMOTE_ADDR="10.1.2.3")  # another address has its own count
    assert other.get(url(issued)).status_code == 200
    assert "Khớp" in text(post_file(other, url(issued), read_stored(issued.issued_file)))
    assert post_file(other, url(issued), b"%PDF-1.4").status_code == 429


def test_the_api_answers_anyone_under_the_same_rules(org, issued, secret, login):
    data = Client().get(f"/api/v1/verify/{codes.formatted(issued.verification_code)}/").json()
    assert data["public"] is True and data["exists"] is True and data["all_valid"] is True
    assert data["document"]["reference"] == issued.reference and data["document"]["agency"] == org.agency.name
    assert data["document"]["issued_on"] == timezone.localdate(issued.issued_at).isoformat()
    assert [s["valid"] for s in data["signatures"]] == [True, True]
    assert org.deputy.full_name in {s["signer_name"] for s in data["signatures"]}
    hidden = Client().get(f"/api/v1/verify/{secret.verification_code}/").json()
    assert hidden == {"code": codes.formatted(secret.verification_code), "exists": True, "public": False,
                      "document": None, "signatures": None, "all_valid": None}
    shown = login(org.clerk).get(f"/api/v1/verify/{secret.verification_code}/")
    assert shown.json()["document"]["secrecy"] == "mat" and "no-store" in shown["Cache-Control"]


@pytest.mark.parametrize("who", ["clerk", "specialist"])
def test_the_document_page_shows_its_code_and_public_page(org, issued, login, who):
    page = text(login(getattr(org, who)).get(f"/outgoing/{issued.pk}/"))
    assert codes.formatted(issued.verification_code) in page and url(issued) in page


def test_a_document_cancelled_after_issue_says_so(org, issued):
    from qlvb.core.actor import Actor
    from qlvb.outgoing import services

    services.cancel(by=Actor(org.admin), document=issued, reason="Phát hành nhầm, thay bằng văn bản khác")
    page = text(Client().get(url(issued)))
    assert 'id="verification-cancelled"' in page and "không còn hiệu lực" in page
    assert Client().get(f"/api/v1/verify/{issued.verification_code}/").json()["document"]["cancelled"] is True


def test_the_api_gives_the_code_with_the_document(org, issued, login):
    data = login(org.clerk).get(f"/api/v1/outgoing/documents/{issued.pk}/").json()
    assert data["verification_code"] == codes.formatted(issued.verification_code)
