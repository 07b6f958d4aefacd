"""A document received electronically is a document like any other: once accepted from the
reception queue its files are read and it is found by a word inside them (the exchange asks
incoming's service, whose event the digitisation and search apps subscribe to)."""

from __future__ import annotations

import pytest

from qlvb.core.actor import Actor
from qlvb.digitisation.models import TextExtraction
from qlvb.digitisation.tests.conftest import text_pdf
from qlvb.exchange import services
from qlvb.exchange.models import ReceptionItem
from qlvb.exchange.tests.conftest import issue_to
from qlvb.search.selectors import search

pytestmark = pytest.mark.django_db

LETTER = ("ỦY BAN NHÂN DÂN TỈNH SƠN LA\nV/v khảo sát mở rộng cảng hàng không Nà Sản phục vụ du lịch "
          "Mộc Châu\nĐề nghị các sở phối hợp khảo sát hiện trạng đường băng.")


@pytest.fixture
def immediate_jobs(monkeypatch):
    from huey.contrib.djhuey import HUEY

    monkeypatch.setattr(HUEY, "immediate", True)


def test_a_document_accepted_from_the_queue_is_read_and_found_by_a_word_of_its_file(
        org, other_org, immediate_jobs, django_capture_on_commit_callbacks):
    issued = issue_to(org, other_org, summary="V/v khảo sát mở rộng cảng hàng không", issued_pdf=text_pdf([LETTER]))
    item = ReceptionItem.objects.get(outgoing=issued, receiver=other_org.agency)
    with django_capture_on_commit_callbacks(execute=True):
        draft = services.accept(by=Actor(other_org.clerk), item=item)

    stored = draft.files.get().stored
    extraction = TextExtraction.objects.get(stored_file=stored)
    assert extraction.status == TextExtraction.Status.DONE
    assert "Nà Sản" in extraction.text

    # Typed without accents, a word that is only inside the file finds the received draft.
    found = search(other_org.clerk, "duong bang na san")
    assert [(hit.entry.kind, hit.entry.document_id) for hit in found.hits] == [("incoming", draft.pk)]
    # …and the sender's people do not find the receiver's draft.
    theirs = [(hit.entry.kind, hit.entry.document_id) for hit in search(org.head, "duong bang na san").hits]
    assert ("incoming", draft.pk) not in theirs
