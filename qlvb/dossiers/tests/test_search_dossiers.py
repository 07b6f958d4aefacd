"""Dossiers in search (issue 15), through the document-kind registry: found by a word of their
title, code, notes or filed documents, typed with or without accents; only by those who may open
them (the same rule as the dossier page); not while they wait in the bin; on the page, in the REST
API and with the kind filter."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.utils import timezone
from rest_framework.fields import ChoiceField

from qlvb.core import bin, kinds
from qlvb.core.actor import Actor
from qlvb.core.models import Event
from qlvb.dossiers import selectors as dossier_selectors
from qlvb.dossiers import services
from qlvb.dossiers.models import Dossier
from qlvb.org import permissions
from qlvb.org.roles import roles_of
from qlvb.search import selectors
from qlvb.search.api import HitSerializer
from qlvb.search.forms import SearchForm
from qlvb.search.models import SearchEntry

pytestmark = pytest.mark.django_db


def found(person, text="", **filters) -> set[int]:
    """Ids of the dossiers the person finds."""
    hits = selectors.search(person, text, filters={"kind": "dossier", **filters}, per_page=100).hits
    return {hit.entry.document_id for hit in hits}


@pytest.fixture
def dossiers(org):
    """The specialist's personal dossier, the IT unit's dossier, a planned one in the year's plan
    (put there by the deputy) and a closed one of the unit head."""
    personal = services.create_dossier(
        by=Actor(org.specialist), agency=org.agency, code="01.CV", title="Hồ sơ đôn đốc chuyển đổi số",
        retention="10", notes="Theo dõi tiến độ của các huyện miền núi")
    unit = services.create_dossier(
        by=Actor(org.unit_head), agency=org.agency, code="02.CNTT", title="Hồ sơ hạ tầng mạng diện rộng",
        retention="10", kind=Dossier.Kind.UNIT, unit=org.unit)
    planned = services.create_dossier(
        by=Actor(org.deputy), agency=org.agency, code="03.VP", title="Hồ sơ kế hoạch lưu trữ cơ quan",
        retention="20", planned=True)
    closed = services.create_dossier(
        by=Actor(org.unit_head), agency=org.agency, code="04.TP", title="Hồ sơ góp ý dự thảo quy chế",
        retention="5")
    services.close_dossier(by=Actor(org.unit_head), dossier=closed)
    return {"personal": personal, "unit": unit, "planned": planned, "closed": closed}


# --- Found by its words --------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["chuyển đổi số", "chuyen doi so", "CHUYỂN ĐỔI SỐ", "đôn đốc", "don doc",
                                  "miền núi", "mien nui", "huyen", "01.CV", "chuyen*"])
def test_a_dossier_is_found_by_a_word_of_its_title_notes_or_code(org, dossiers, text):
    assert found(org.specialist, text) == {dossiers["personal"].pk}, text


def test_the_entry_holds_what_the_dossier_page_shows(org, dossiers):
    personal = dossiers["personal"]
    entry = SearchEntry.objects.get(kind="dossier", document_id=personal.pk)
    assert (entry.reference, entry.title, entry.status, entry.agency_id) == (
        "01.CV", "Hồ sơ đôn đốc chuyển đổi số", "open", org.agency.pk)
    assert entry.date == timezone.localdate(personal.opened_at) and not entry.secrecy and not entry.doc_type
    assert str(personal.year) in entry.body and "miền núi" in entry.body
    planned = SearchEntry.objects.get(kind="dossier", document_id=dossiers["planned"].pk)
    assert planned.status == "planned" and planned.date == timezone.localdate(dossiers["planned"].created_at)
    assert SearchEntry.objects.get(kind="dossier", document_id=dossiers["unit"].pk).unit_id == org.unit.pk


def test_every_change_of_a_dossier_is_an_event_that_reindexes_it(org, dossiers, register_doc):
    """Open, file, close: each an event on the dossier (the kind's target type), the entry follows."""
    planned = dossiers["planned"]
    services.open_dossier(by=Actor(org.clerk), dossier=planned)
    assert SearchEntry.objects.get(kind="dossier", document_id=planned.pk).status == "open"
    document = register_doc(summary="Công văn về sao lưu dữ liệu điện tử")
    services.file_document(by=Actor(org.clerk), dossier=planned, document=document, label=str(document))
    assert found(org.clerk, "sao luu du lieu") == {planned.pk}
    services.close_dossier(by=Actor(org.clerk), dossier=planned)
    assert SearchEntry.objects.get(kind="dossier", document_id=planned.pk).status == "closed"
    assert found(org.clerk, "sao luu", status="closed") == {planned.pk}
    verbs = list(Event.objects.filter(target_type=kinds.get("dossier").target_type, target_id=str(planned.pk))
                 .order_by("seq").values_list("verb", flat=True))
    assert verbs == ["dossier.created", "dossier.opened", "dossier.document_filed", "dossier.closed"]


# --- Only by those who may open it ----------------------------------------------------------------

def rule_before_the_registry(person, dossier) -> bool:
    """Who could open a dossier before its kind was registered (dossiers.selectors.can_view as it
    was), written out here as the reference the kind's rule must keep."""
    if dossier.agency_id not in permissions.member_agency_ids(person):
        return False
    roles = roles_of(person)
    return (dossier.owner_id == person.pk or dossier.agency_id in roles.leader_agency_ids
            or (dossier.unit_id is not None and dossier.unit_id in roles.unit_ids)
            or (dossier.status == Dossier.Status.PLANNED and dossier_selectors.can_manage_plan(person, dossier.agency)))


def test_the_kinds_rule_is_who_may_open_a_dossier(org, other_org, dossiers, login):
    """For every role: the dossiers found = those the kind's rule lists = those whose page opens =
    the rule as it was before the registry. A dossier one may not open is never found, and its page
    is a 404."""
    other = services.create_dossier(by=Actor(other_org.head), agency=other_org.agency, code="01",
                                    title="Hồ sơ của sở khác", retention="10")
    everything = [*dossiers.values(), other]
    people = [org.head, org.deputy, org.unit_head, org.specialist, org.clerk, org.admin, other_org.head,
              other_org.specialist]
    for person in people:
        expected = {d.pk for d in everything if rule_before_the_registry(person, d)}
        assert found(person) == expected, person
        assert found(person, "ho so") == expected, person  # the text match, narrow or agency-wide
        assert set(kinds.visible("dossier", person).values_list("pk", flat=True)) == expected, person
        assert {d.pk for d in everything if kinds.may_see("dossier", person, d)} == expected, person
        client = login(person)
        pages = {d.pk for d in everything if client.get(f"/dossiers/{d.pk}/").status_code == 200}
        assert pages == expected, person
        assert {d.pk for d in everything if client.get(f"/dossiers/{d.pk}/").status_code == 404} == \
            {d.pk for d in everything} - expected, person
    # The roles the fixture gives: the rule is not vacuous.
    assert found(org.specialist) == {dossiers["personal"].pk, dossiers["unit"].pk}
    assert found(org.clerk) == found(org.admin) - {dossiers["unit"].pk} == {dossiers["planned"].pk}
    assert found(org.head) == {d.pk for d in dossiers.values()}
    assert found(other_org.head) == {other.pk}


def test_someone_who_may_not_open_it_does_not_find_it_by_its_words(org, other_org, dossiers, login):
    personal = dossiers["personal"]
    for person in (org.clerk, org.admin, org.unit_head, other_org.head, other_org.specialist):
        assert found(person, "chuyen doi so") == set(), person
        assert selectors.search(person, "chuyen doi so").total == 0, person
        client = login(person)
        assert f"/dossiers/{personal.pk}/" not in client.get("/search/", {"q": "chuyen doi so"}).content.decode()
        assert client.get("/api/v1/search/", {"q": "chuyen doi so"}).json()["count"] == 0
        assert client.get(f"/dossiers/{personal.pk}/").status_code == 404


# --- The bin --------------------------------------------------------------------------------------

def test_a_dossier_in_the_bin_is_not_found_and_is_found_again_once_restored(org, dossiers, login):
    personal = dossiers["personal"]
    entry = bin.move_to_bin(by=Actor(org.admin), obj=personal)
    assert not SearchEntry.objects.filter(kind="dossier", document_id=personal.pk).exists()
    for person in (org.specialist, org.head):
        assert found(person, "chuyen doi so") == set()
    client = login(org.specialist)
    assert client.get("/api/v1/search/", {"q": "chuyen doi so"}).json()["count"] == 0
    assert client.get(f"/dossiers/{personal.pk}/").status_code == 404
    call_command("rebuild_search_index", verbosity=0)  # a rebuild does not bring it back
    assert found(org.head, "chuyen doi so") == set()

    bin.restore(by=Actor(org.admin), entry=entry)
    assert found(org.specialist, "chuyen doi so") == {personal.pk}
    assert client.get(f"/dossiers/{personal.pk}/").status_code == 200


def test_rebuilding_the_index_includes_dossiers(org, dossiers):
    SearchEntry.objects.filter(kind="dossier").delete()
    assert found(org.head) == set()
    call_command("rebuild_search_index", verbosity=0)
    assert found(org.head) == {d.pk for d in dossiers.values()}
    assert found(org.head, "ha tang mang") == {dossiers["unit"].pk}


# --- The page, the API, the kind filter ----------------------------------------------------------

def test_the_search_page_shows_the_kind_and_links_to_the_dossier(org, dossiers, login):
    personal = dossiers["personal"]
    page = login(org.specialist).get("/search/", {"q": "don doc chuyen doi so"}).content.decode()
    assert f'href="/dossiers/{personal.pk}/"' in page
    assert "đôn đốc chuyển đổi số</mark>" in page
    assert ">Hồ sơ</span>" in page  # the kind's label, from the registry, in Vietnamese
    assert '<option value="dossier"' in page


def test_the_rest_api_returns_the_dossier(org, dossiers, login):
    personal = dossiers["personal"]
    body = login(org.specialist).get("/api/v1/search/", {"q": "chuyen doi so"}).json()
    assert body["count"] == 1
    hit = body["results"][0]
    assert (hit["kind"], hit["document_id"], hit["url"], hit["reference"], hit["status"]) == (
        "dossier", personal.pk, f"/dossiers/{personal.pk}/", "01.CV", "open")
    assert hit["kind_label"] == "Hồ sơ" and "<mark>" in hit["title_html"] and hit["api_url"] is None
    kind = HitSerializer().fields["kind"]
    assert isinstance(kind, ChoiceField) and "dossier" in kind.choices  # and so in the OpenAPI schema


def test_the_kind_filter_lists_the_registered_kinds_and_works(org, dossiers, register_doc, login):
    choices = [value for value, _label in SearchForm().fields["kind"].widget.choices]
    assert choices == ["", *[kind.name for kind in kinds.all_kinds()]] and "dossier" in choices
    document = register_doc(summary="Báo cáo chuyển đổi số quý IV")
    everything = selectors.search(org.head, "chuyen doi so", per_page=100).hits
    assert {(hit.entry.kind, hit.entry.document_id) for hit in everything} == {
        ("dossier", dossiers["personal"].pk), ("incoming", document.pk)}
    assert found(org.head, "chuyen doi so") == {dossiers["personal"].pk}
    incoming = selectors.search(org.head, "chuyen doi so", filters={"kind": "incoming"}).hits
    assert [hit.entry.document_id for hit in incoming] == [document.pk]
    client = login(org.head)
    api = client.get("/api/v1/search/", {"q": "chuyen doi so", "kind": "dossier"}).json()
    assert [(hit["kind"], hit["document_id"]) for hit in api["results"]] == [("dossier", dossiers["personal"].pk)]
    assert client.get("/api/v1/search/", {"q": "chuyen doi so", "kind": "meeting"}).status_code == 400
    page = client.get("/search/", {"q": "chuyen doi so", "kind": "dossier"}).content.decode()
    assert f'href="/dossiers/{dossiers["personal"].pk}/"' in page and f'href="/incoming/{document.pk}/"' not in page


def test_the_audit_log_names_only_the_dossiers_its_reader_may_open(org, dossiers, login):
    """Registered, dossiers are documents to the audit log too (portal.selectors.describe): the
    agency administrator keeps the log, and reads a dossier only where the kind's rule opens it."""
    page = login(org.admin).get("/audit/").content.decode()
    personal, unit = dossiers["personal"], dossiers["unit"]
    assert personal.title not in page and f"#{personal.pk}" in page  # the specialist's own
    assert unit.title in page and f'href="/dossiers/{unit.pk}/"' in page  # the admin's unit's


def test_a_secret_document_filed_in_a_dossier_does_not_lead_to_it_by_its_words(org, dossiers, register_doc):
    planned = dossiers["planned"]
    services.open_dossier(by=Actor(org.clerk), dossier=planned)
    secret = register_doc(summary="Phương án bảo vệ mục tiêu trọng yếu", secrecy="mat")
    plain = register_doc(summary="Công văn về kiểm kê kho lưu trữ")
    for document in (secret, plain):
        services.file_document(by=Actor(org.clerk), dossier=planned, document=document, label=str(document))
    entry = SearchEntry.objects.get(kind="dossier", document_id=planned.pk)
    assert "kiểm kê kho lưu trữ" in entry.body and "mục tiêu trọng yếu" not in entry.body
    assert found(org.head, "muc tieu trong yeu") == set() and found(org.head, "kiem ke kho") == {planned.pk}


def test_the_dossier_page_names_only_the_documents_its_reader_may_open(org, dossiers, register_doc, login):
    planned = dossiers["planned"]
    services.open_dossier(by=Actor(org.clerk), dossier=planned)
    secret = register_doc(summary="Phương án bảo vệ mục tiêu trọng yếu", secrecy="mat")
    plain = register_doc(summary="Công văn về kiểm kê kho lưu trữ")
    for document in (secret, plain):
        services.file_document(by=Actor(org.clerk), dossier=planned, document=document, label=str(document))
    # The Phó Giám đốc sees the dossier (a leader) and the plain document, not the secret one.
    assert dossier_selectors.can_view(org.deputy, planned) and not kinds.may_see("incoming", org.deputy, secret)
    html = login(org.deputy).get(f"/dossiers/{planned.pk}/").content.decode()
    assert "kiểm kê kho lưu trữ" in html and f"/incoming/{plain.pk}/" in html
    assert "mục tiêu trọng yếu" not in html and f"/incoming/{secret.pk}/" not in html
    assert "Văn bản bạn không có quyền xem" in html
    items = {item.object_id: getattr(item, "may_open") for item in dossier_selectors.items_for(org.deputy, planned)}
    assert items == {secret.pk: False, plain.pk: True}
