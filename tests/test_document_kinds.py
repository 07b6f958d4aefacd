"""Every surface that shows documents asks the document-kind registry (core.kinds).

The proof: a leader sees the incoming and the outgoing document on every surface; with the kinds'
rule replaced by one that opens nothing, the same leader sees them on none — lists, pages, the API,
search and its export, the reading of the files, the printouts. A surface that kept a rule of its
own would still show them."""

from __future__ import annotations

import dataclasses
import io
from collections.abc import Callable

import pytest
from openpyxl import load_workbook

from qlvb.core import kinds, personcache
from qlvb.core.actor import Actor
from qlvb.core.kinds import Rule
from qlvb.dossiers import services as dossiers
from qlvb.incoming import services as incoming
from qlvb.incoming.tests.conftest import _media, fields, pdf_upload  # noqa: F401 - _media: files in tmp_path
from qlvb.outgoing import services as outgoing
from qlvb.outgoing.tests.conftest import docx_upload
from qlvb.registers.models import Register
from qlvb.registers.services import ensure_default_registers

pytestmark = pytest.mark.django_db

INCOMING_WORDS = "quy che lam viec"
OUTGOING_WORDS = "tinh hinh ung dung"


@pytest.fixture
def documents(org):
    ensure_default_registers(org.agency)
    register = Register.objects.get(agency=org.agency, direction=Register.Direction.INCOMING,
                                    category=Register.Category.ORDINARY)
    received = incoming.register_document(by=Actor(org.clerk), agency=org.agency, register=register,
                                          fields=fields(), uploads=[pdf_upload()], presented_to=org.head)
    draft = outgoing.create_draft(by=Actor(org.specialist), agency=org.agency, uploads=[docx_upload()], fields={
        "doc_type": "CV", "summary": "V/v báo cáo tình hình ứng dụng công nghệ thông tin năm 2026"})
    return received, draft


@pytest.fixture
def deny_all(monkeypatch):
    """Replace every kind's rule by one that opens nothing."""

    def apply() -> None:
        for kind in kinds.all_kinds():
            monkeypatch.setitem(kinds._kinds, kind.name,
                                dataclasses.replace(kind, rule=lambda person: Rule(agencies=frozenset())))
        # A rule changes only with a new release, which starts the workers afresh; here it changes
        # between two requests, so what pages kept under the old rule is let go (core.keptpages).
        personcache.bump()

    return apply


def _ok(response) -> bool:
    assert response.status_code in (200, 404), response.status_code
    return response.status_code == 200


def _xlsx_text(response) -> str:
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    return " ".join(str(cell) for sheet in book for row in sheet.iter_rows(values_only=True) for cell in row)


def _surfaces(received, draft) -> dict[str, Callable]:
    stored_in = received.files.get().stored_id
    stored_out = draft.versions.get().stored_id
    return {
        "incoming page": lambda c: _ok(c.get(f"/incoming/{received.pk}/")),
        "incoming list": lambda c: received.summary in c.get("/incoming/list/all/").content.decode(),
        "incoming routing slip": lambda c: _ok(c.get(f"/incoming/print/{received.pk}/slip.pdf")),
        "incoming API document": lambda c: _ok(c.get(f"/api/v1/incoming/documents/{received.pk}/")),
        "incoming API list": lambda c: received.pk in [
            d["id"] for d in c.get("/api/v1/incoming/documents/?list=all").json()["results"]],
        "outgoing page": lambda c: _ok(c.get(f"/outgoing/{draft.pk}/")),
        "outgoing API document": lambda c: _ok(c.get(f"/api/v1/outgoing/documents/{draft.pk}/")),
        "search incoming": lambda c: f"/incoming/{received.pk}/" in c.get("/search/", {"q": INCOMING_WORDS})
        .content.decode(),
        "search outgoing": lambda c: f"/outgoing/{draft.pk}/" in c.get("/search/", {"q": OUTGOING_WORDS})
        .content.decode(),
        "search export": lambda c: received.summary in _xlsx_text(c.get("/search/export.xlsx",
                                                                         {"q": INCOMING_WORDS})),
        "search API": lambda c: c.get("/api/v1/search/", {"q": OUTGOING_WORDS}).json()["count"] > 0,
        "reading of an incoming file": lambda c: _ok(c.get(f"/digitisation/incoming/{received.pk}/{stored_in}/")),
        "text of an outgoing file": lambda c: _ok(c.get(f"/digitisation/outgoing/{draft.pk}/{stored_out}/text/")),
        "digitisation API": lambda c: _ok(c.get(f"/api/v1/digitisation/incoming/{received.pk}/files/")),
    }


SURFACES = ["incoming page", "incoming list", "incoming routing slip", "incoming API document", "incoming API list",
            "outgoing page", "outgoing API document", "search incoming", "search outgoing", "search export",
            "search API", "reading of an incoming file", "text of an outgoing file", "digitisation API"]


@pytest.mark.parametrize("surface", SURFACES)
def test_every_surface_asks_the_registry(surface, org, documents, login, deny_all):
    received, draft = documents
    check = _surfaces(received, draft)[surface]
    leader = login(org.head)
    assert check(leader), f"{surface}: the leader should see the document"
    deny_all()
    assert not check(leader), f"{surface}: shown although the registry opens nothing"


DOSSIER_WORDS = "ho so ha tang mang"


@pytest.fixture
def dossier(org):
    return dossiers.create_dossier(by=Actor(org.specialist), agency=org.agency, code="01.CNTT",
                                   title="Hồ sơ hạ tầng mạng diện rộng", retention="10")


DOSSIER_SURFACES = {
    "dossier page": lambda c, d: _ok(c.get(f"/dossiers/{d.pk}/")),
    "dossier list": lambda c, d: d.title in c.get("/dossiers/").content.decode(),
    "search dossier": lambda c, d: f"/dossiers/{d.pk}/" in c.get("/search/", {"q": DOSSIER_WORDS}).content.decode(),
    "search API dossier": lambda c, d: c.get("/api/v1/search/", {"q": DOSSIER_WORDS}).json()["count"] > 0,
    "search export dossier": lambda c, d: d.title in _xlsx_text(c.get("/search/export.xlsx", {"q": DOSSIER_WORDS})),
}


@pytest.mark.parametrize("surface", list(DOSSIER_SURFACES))
def test_every_dossier_surface_asks_the_registry(surface, org, dossier, login, deny_all):
    check = DOSSIER_SURFACES[surface]
    leader = login(org.head)
    assert check(leader, dossier), f"{surface}: the leader should see the dossier"
    deny_all()
    assert not check(leader, dossier), f"{surface}: shown although the registry opens nothing"


def test_the_clerks_reading_queue_asks_the_registry(org, documents, login, deny_all):
    received, _draft = documents
    clerk = login(org.clerk)
    assert received.files.get().name in clerk.get("/digitisation/").content.decode()
    deny_all()
    assert received.files.get().name not in clerk.get("/digitisation/").content.decode()



def test_the_audit_log_names_only_the_documents_its_reader_may_open(org, documents, login, deny_all):
    received, _draft = documents
    admin = login(org.admin)  # keeps the audit log, reads no document by that right alone
    page = admin.get("/audit/").content.decode()
    assert received.summary not in page and f"#{received.pk}" in page
    assert received.summary not in admin.get("/audit/?format=csv").content.decode("utf-8-sig")

    incoming.route(by=Actor(org.head), document=received, main=incoming.Target(person=org.admin))
    page = admin.get("/audit/").content.decode()
    assert received.summary in page and f'href="/incoming/{received.pk}/"' in page

    deny_all()
    assert received.summary not in admin.get("/audit/").content.decode()
