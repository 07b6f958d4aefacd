from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from qlvb.core.actor import Actor
from qlvb.core.errors import NotAllowed
from qlvb.core.models import Event
from qlvb.files.models import StoredFile
from qlvb.incoming import services
from qlvb.incoming.models import IncomingDocument
from qlvb.incoming.tests.conftest import fields, pdf_upload
from qlvb.registers.models import RegisterCounter


def test_registration_numbers_files_presents_and_logs(org, registers, register_doc):
    first = register_doc()
    second = register_doc()
    assert (first.arrival_number, second.arrival_number) == (1, 2)
    assert first.status == IncomingDocument.Status.REGISTERED and first.presented_to == org.head
    assert first.files.get().stored.page_count == 2
    assert first.routing_due_at > first.presented_at
    assert Event.objects.filter(verb="incoming.registered", target_id=str(first.pk), actor=org.clerk).exists()


def test_numbers_run_per_register_and_year(org, registers, register_doc):
    register_doc()
    secret = register_doc(secrecy="mat")
    assert secret.arrival_number == 1 and secret.register == registers["secret"]
    last_year = timezone.now() - timedelta(days=400)
    old = register_doc(received_at=last_year, document_date=last_year.date() - timedelta(days=1))
    assert old.arrival_number == 1 and old.arrival_year == timezone.localtime(last_year).year


def test_only_the_clerk_registers(org, other_org, registers):
    for person in (org.specialist, org.head, other_org.clerk):
        with pytest.raises(NotAllowed):
            services.register_document(by=Actor(person), agency=org.agency, register=registers["ordinary"],
                                       fields=fields(), uploads=[pdf_upload()])


@pytest.mark.parametrize("extra, field", [
    ({"summary": ""}, "summary"),
    ({"summary": "Công văn"}, "summary"),
    ({"document_date": timezone.localdate() + timedelta(days=3)}, "document_date"),
    ({"reply_deadline": timezone.localdate() - timedelta(days=30)}, "reply_deadline"),
    ({"doc_type": "XX"}, "doc_type"),
    ({"issuer_name": ""}, "issuer_name"),
])
def test_bad_input_registers_nothing_and_keeps_the_number(org, registers, extra, field, tmp_path):
    with pytest.raises(ValidationError) as error:
        services.register_document(by=Actor(org.clerk), agency=org.agency, register=registers["ordinary"],
                                   fields=fields(**extra), uploads=[pdf_upload()], presented_to=org.head)
    assert field in error.value.message_dict
    assert not IncomingDocument.objects.exists() and not StoredFile.objects.exists()
    assert not RegisterCounter.objects.filter(last_number__gt=0).exists()
    assert not list((tmp_path / "media").rglob("*.*")) and not [p for p in (tmp_path / "media").rglob("*")
                                                                if p.is_file()]


def test_file_that_lies_about_its_type_is_refused(org, registers):
    fake = SimpleUploadedFile("scan.pdf", b"\x89PNG\r\n\x1a\n" + b"0" * 100, content_type="application/pdf")
    with pytest.raises(ValidationError):
        services.register_document(by=Actor(org.clerk), agency=org.agency, register=registers["ordinary"],
                                   fields=fields(), uploads=[fake], presented_to=org.head)
    empty = SimpleUploadedFile("scan.pdf", b"", content_type="application/pdf")
    with pytest.raises(ValidationError):
        services.register_document(by=Actor(org.clerk), agency=org.agency, register=registers["ordinary"],
                                   fields=fields(), uploads=[empty], presented_to=org.head)
    assert not IncomingDocument.objects.exists()


def test_a_file_is_required_and_presentee_must_be_a_leader(org, registers):
    with pytest.raises(ValidationError) as error:
        services.register_document(by=Actor(org.clerk), agency=org.agency, register=registers["ordinary"],
                                   fields=fields(), presented_to=org.head)
    assert "uploads" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.register_document(by=Actor(org.clerk), agency=org.agency, register=registers["ordinary"],
                                   fields=fields(), uploads=[pdf_upload()], presented_to=org.specialist)
    assert "presented_to" in error.value.message_dict


def test_secret_documents_must_use_the_secret_register(org, registers):
    with pytest.raises(ValidationError):
        services.register_document(by=Actor(org.clerk), agency=org.agency, register=registers["ordinary"],
                                   fields=fields(secrecy="mat"), uploads=[pdf_upload()], presented_to=org.head)
    with pytest.raises(ValidationError):
        services.register_document(by=Actor(org.clerk), agency=org.agency, register=registers["secret"],
                                   fields=fields(), uploads=[pdf_upload()], presented_to=org.head)


def test_failure_after_numbering_leaves_nothing(org, registers, monkeypatch, tmp_path):
    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "_grant", boom)
    with pytest.raises(RuntimeError):
        services.register_document(by=Actor(org.clerk), agency=org.agency, register=registers["ordinary"],
                                   fields=fields(), uploads=[pdf_upload()], presented_to=org.head)
    assert not IncomingDocument.objects.exists() and not StoredFile.objects.exists()
    assert not RegisterCounter.objects.filter(last_number__gt=0).exists()
    assert not [p for p in (tmp_path / "media").rglob("*") if p.is_file()]


def test_duplicates_are_found(org, register_doc):
    doc = register_doc()
    found = services.find_duplicates(agency=org.agency, number=doc.number, notation=doc.notation.lower(),
                                     issuer_name=doc.issuer_name)
    assert found == [doc]
    assert services.find_duplicates(agency=org.agency, number="999", notation=doc.notation,
                                    issuer_name=doc.issuer_name) == []


def test_field_leader_is_proposed(org, registers, field):
    doc = services.register_document(by=Actor(org.clerk), agency=org.agency, register=registers["ordinary"],
                                     fields=fields(field=field), uploads=[pdf_upload()])
    assert doc.presented_to == org.deputy


def test_draft_then_register(org, registers):
    draft = services.save_draft(by=Actor(org.clerk), agency=org.agency, fields=fields(), uploads=[pdf_upload()])
    assert draft.arrival_number is None and draft.status == IncomingDocument.Status.DRAFT
    doc = services.register_document(by=Actor(org.clerk), agency=org.agency, register=registers["ordinary"],
                                     fields=fields(), document=draft, presented_to=org.head)
    assert doc.pk == draft.pk and doc.arrival_number == 1 and doc.files.count() == 1


def test_clerk_corrects_fields_with_a_record(org, register_doc):
    doc = register_doc()
    services.update_document(by=Actor(org.clerk), document=doc, fields={"pages": 7, "signer_name": "Lò Văn A"})
    doc.refresh_from_db()
    assert doc.pages == 7
    event = Event.objects.filter(verb="incoming.corrected", target_id=str(doc.pk)).get()
    assert event.data["changes"]["pages"] == ["", "7"]
