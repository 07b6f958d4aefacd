"""Search: accent folding both ways, phrases, prefixes, ranking, permissions, index upkeep."""

from __future__ import annotations

import pytest

from qlvb.core.actor import Actor
from qlvb.incoming import selectors as incoming_selectors
from qlvb.incoming import services as incoming_services
from qlvb.incoming.services import Target
from qlvb.search import selectors, services
from qlvb.search.models import SearchEntry
from qlvb.search.query import parse

pytestmark = pytest.mark.django_db


def titles(person, text, **kw):
    """The titles found exactly (not by the corrected or prefix fallback)."""
    results = selectors.search(person, text, **kw)
    return [] if results.fuzzy else [h.entry.title for h in results.hits]


def test_fold_handles_d_both_ways():
    from qlvb.core.text import fold

    assert fold("ĐÔN ĐỐC") == fold("đôn đốc") == "don doc"
    assert fold("Quyết định") == "quyet dinh"


def test_accents_and_d_both_ways(org, register_doc):
    register_doc(summary="Đôn đốc triển khai chuyển đổi số")
    register_doc(summary="Báo cáo tình hình kinh tế")
    for text in ("đôn đốc", "don doc", "ĐÔN ĐỐC", "Don Đoc"):
        assert titles(org.head, text) == ["Đôn đốc triển khai chuyển đổi số"], text
    # and an unaccented title is found by an accented query
    register_doc(summary="Ke hoach don doc (khong dau)")
    assert len(titles(org.head, "đôn đốc")) == 2


def test_ranking_puts_the_title_match_first(org, register_doc):
    register_doc(summary="Báo cáo quý ba năm nay", notes="quyết định ban hành quy chế làm việc được nhắc trong ghi chú")
    register_doc(summary="Quyết định ban hành Quy chế làm việc của Ủy ban nhân dân tỉnh")
    register_doc(summary="Quyết định về việc ban hành kế hoạch", notes="quy chế")
    result = titles(org.head, "quyet dinh ban hanh quy che lam viec")
    assert result[0] == "Quyết định ban hành Quy chế làm việc của Ủy ban nhân dân tỉnh"
    assert len(result) == 2


def test_phrases_and_prefixes(org, register_doc):
    register_doc(summary="Quy chế làm việc của Sở")
    register_doc(summary="Làm việc theo quy chế mới")
    assert titles(org.head, '"quy che lam viec"') == ["Quy chế làm việc của Sở"]
    assert len(titles(org.head, "quy che lam viec")) == 2
    assert len(titles(org.head, "qu* lam")) == 2
    assert titles(org.head, '"lam viec theo qu"*') == ["Làm việc theo quy chế mới"]
    assert parse('"lam viec theo qu"*').terms[0].prefix and not parse('"lam viec"').terms[0].prefix
    # no exact hit: words as prefixes (SQLite) or similar titles (PostgreSQL) instead
    fallback = selectors.search(org.head, "quy chê lam vie")
    assert fallback.fuzzy and "Quy chế làm việc của Sở" in [h.entry.title for h in fallback.hits]


def test_highlight_maps_back_to_accented_text(org, register_doc):
    register_doc(summary="Đôn đốc triển khai chuyển đổi số", notes="Đề nghị các đơn vị đôn đốc thực hiện")
    hit = selectors.search(org.head, "don doc").hits[0]
    assert "<mark>Đôn đốc</mark> triển khai" in hit.title_html
    assert "vị <mark>đôn đốc</mark> thực hiện" in hit.snippet_html


def test_reference_and_fields_are_searchable(org, register_doc):
    doc = register_doc(summary="Về việc A của Sở", signer_name="Lò Minh Khoa")
    assert titles(org.head, f"{doc.number}/QĐ-UBND") == ["Về việc A của Sở"]
    assert titles(org.head, "lo minh khoa") == ["Về việc A của Sở"]


@pytest.mark.parametrize("text", ['"', '""', "*", "**", "NEAR(a b)", "a OR b AND NOT c", "'; DROP TABLE x; --",
                                  "🙂🙂", "quyết\x00định", "a" * 10_000, "(((", "-", "^", "col:value", "\\"])
def test_any_input_is_safe(org, register_doc, text):
    register_doc()
    result = selectors.search(org.head, text)
    assert result.total >= 0


def test_hypothesis_any_text_never_errors(org, register_doc):
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    register_doc()

    @settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.text(max_size=200))
    def check(text):
        selectors.search(org.head, text)
        parse(text).tsquery()

    check()


def test_secret_documents_reach_only_their_people(org, other_org, register_doc):
    register_doc(summary="Tài liệu mật về an ninh mạng", secrecy="mat", presented_to=org.head)
    register_doc(summary="Tài liệu thường về an ninh mạng")
    assert selectors.search(org.head, "an ninh mang").total == 2
    result = selectors.search(org.deputy, "an ninh mang")  # a leader, but not given the secret one
    assert result.total == 1 and [h.entry.secrecy for h in result.hits] == [""]
    assert "mật" not in "".join(h.title_html + h.snippet_html for h in result.hits)
    assert selectors.search(org.deputy, "", filters={"secrecy": "mat"}).total == 0
    assert selectors.search(org.specialist, "an ninh mang").total == 0
    assert selectors.search(other_org.head, "an ninh mang").total == 0
    assert selectors.search(other_org.clerk, "").total == 0


def test_visibility_agrees_with_the_document_selectors(org, other_org, register_doc):
    docs = [register_doc(summary="Văn bản số một của tỉnh"),
            register_doc(summary="Văn bản số hai của tỉnh", secrecy="mat", presented_to=org.head),
            register_doc(summary="Văn bản số ba của tỉnh")]
    incoming_services.route(by=Actor(org.head), document=docs[0], main=Target(unit=org.unit))
    incoming_services.route(by=Actor(org.head), document=docs[1], main=Target(person=org.specialist))
    for person in (org.head, org.deputy, org.unit_head, org.specialist, org.clerk, org.admin, other_org.head):
        expected = set(incoming_selectors.visible_documents(person).values_list("pk", flat=True))
        found = set(SearchEntry.objects.filter(selectors.visible_entries_q(person), kind="incoming")
                    .values_list("document_id", flat=True))
        assert found == expected, person
        if selectors._is_narrow(person):
            entries = selectors.own_entries(person, {})
            assert entries is not None, person
            own = set(entries.values_list("id", flat=True))
            assert own == set(SearchEntry.objects.filter(selectors.visible_entries_q(person))
                              .values_list("id", flat=True)), person


def test_filters(org, register_doc):
    register_doc(summary="Văn bản khẩn của tỉnh", urgency="khan")
    register_doc(summary="Văn bản thường của tỉnh", doc_type="CV")
    register_doc(summary="Văn bản của Bộ gửi tỉnh", issuer_name="Bộ Thông tin và Truyền thông")
    assert titles(org.head, "van ban", filters={"urgency": "khan"}) == ["Văn bản khẩn của tỉnh"]
    assert titles(org.head, "van ban", filters={"doc_type": "CV"}) == ["Văn bản thường của tỉnh"]
    assert titles(org.head, "", filters={"issuer": "bo thong tin"}) == ["Văn bản của Bộ gửi tỉnh"]
    assert len(titles(org.head, "van ban", filters={"kind": "incoming", "status": "registered"})) == 3
    assert titles(org.head, "van ban", filters={"kind": "outgoing"}) == []


def test_index_follows_create_edit_delete(org, registers):
    from qlvb.incoming.tests.conftest import fields

    doc = incoming_services.save_draft(by=Actor(org.clerk), agency=org.agency,
                                       fields=fields(summary="Dự thảo về đất đai"))
    assert titles(org.clerk, "dat dai") == ["Dự thảo về đất đai"]
    incoming_services.save_draft(by=Actor(org.clerk), agency=org.agency, document=doc,
                                 fields={**fields(), "summary": "Dự thảo về bảo vệ rừng"})
    assert titles(org.clerk, "dat dai") == [] and titles(org.clerk, "rung") == ["Dự thảo về bảo vệ rừng"]
    incoming_services.delete_draft(by=Actor(org.clerk), document=doc)
    assert titles(org.clerk, "rung") == [] and not SearchEntry.objects.exists()


def test_index_follows_registration_correction_and_routing(org, register_doc):
    from qlvb.incoming.tests.conftest import fields

    doc = register_doc(summary="Kế hoạch phát triển du lịch")
    assert titles(org.head, "du lich", filters={"status": "registered"}) == ["Kế hoạch phát triển du lịch"]
    incoming_services.update_document(by=Actor(org.clerk), document=doc,
                                      fields={**fields(), "summary": "Kế hoạch phát triển nông nghiệp"})
    assert titles(org.head, "du lich") == [] and len(titles(org.head, "nong nghiep")) == 1
    incoming_services.route(by=Actor(org.head), document=doc, main=Target(unit=org.unit))
    assert titles(org.head, "nong nghiep", filters={"status": "registered"}) == []
    assert len(titles(org.head, "nong nghiep", filters={"unit": org.unit.pk, "status": "routed"})) == 1


def test_reindex_for_file_and_rebuild(org, register_doc, monkeypatch):
    doc = register_doc(summary="Công văn có bản quét")
    stored_id = doc.files.get().stored_id
    monkeypatch.setattr(services, "file_texts", lambda ids: {stored_id: "Nội dung quét: phòng chống thiên tai"})
    assert titles(org.head, "thien tai") == []
    assert services.reindex_for_file(stored_id) == 1
    assert titles(org.head, "thien tai") == ["Công văn có bản quét"]
    assert services.rebuild() == 1
    assert titles(org.head, "thien tai") == ["Công văn có bản quét"]


def test_a_common_query_found_among_the_newest_rows_keeps_the_viewers_rule(org, other_org, register_doc, monkeypatch):
    """On PostgreSQL a query common enough to fill the candidates from the newest rows skips the
    index (selectors._newest_pass): the viewer's rule and the filters still apply there."""
    monkeypatch.setattr(selectors, "FIRST_CANDIDATES", 2)
    older = [register_doc(summary=f"Kế hoạch kiểm kê tài sản đợt {n}") for n in range(3)]
    register_doc(summary="Kế hoạch kiểm kê tài sản mật", secrecy="mat", presented_to=org.deputy)
    results = selectors.search(org.head, "kiem ke", per_page=1)
    assert results.total == 2 and results.capped
    assert {h.entry.document_id for h in results.hits} <= {d.pk for d in older[1:]}
    page_two = selectors.search(org.head, "kiem ke", per_page=1, page=2)
    assert [h.entry.title for h in results.hits + page_two.hits] != [] and all(
        "mật" not in h.entry.title for h in results.hits + page_two.hits)
    assert selectors.search(other_org.head, "kiem ke", per_page=1).total == 0
    assert selectors.search(org.head, "kiem ke", per_page=1, filters={"status": "routed"}).total == 0
