"""Drafts started from a template: the agency's own for the document type, else its template for
every type, else the built-in NĐ30 layout (outgoing/layout.py). The header and footer are filled
from the data (agency and its parent, type, summary, recipients, the drafter's initials); the
number and the date stay as placeholders for issuing. The agency's administrator manages the
templates."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from qlvb.core import bin, events
from qlvb.core.actor import Actor
from qlvb.core.doctypes import DOCUMENT_TYPE_NAMES, NO_ABBREVIATION
from qlvb.core.errors import NotAllowed
from qlvb.files import convert
from qlvb.files.services import prepare_uploads, read_stored, staged_uploads
from qlvb.org.models import Agency, Person, Unit
from qlvb.org.permissions import can_manage_agency
from qlvb.outgoing import layout
from qlvb.outgoing.models import DraftTemplate

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def template_for(agency: Agency, doc_type: str) -> DraftTemplate | None:
    """The agency's template in use for this type, else for every type; None: the built-in one."""
    found = {t.doc_type: t for t in DraftTemplate.objects.filter(agency=agency, is_active=True,
                                                                  doc_type__in=[doc_type, ""])
             .select_related("stored").order_by("created_at")}
    return found.get(doc_type) or found.get("")


def initials(full_name: str) -> str:
    """'Nguyễn Văn Toàn' → 'NVT' (NĐ30: the typist's initials)."""
    # NFD takes the marks off a vowel (Ấ → A); Đ has none and stays Đ.
    return "".join(unicodedata.normalize("NFD", word)[0].upper() for word in full_name.split())


def values(*, agency: Agency, drafter: Person, doc_type: str, summary: str, copies: int | None,
           recipients: Sequence[Any], unit: Unit | None) -> dict[str, str]:
    """The placeholders a template's header and footer take from the draft's data."""
    summary = summary.strip()
    if doc_type in NO_ABBREVIATION and summary[:4].lower() == "v/v ":
        summary = summary[4:]  # the template writes "V/v" itself
    names = [str(r.name).strip() for r in recipients if str(getattr(r, "kind", "")) != "person" and str(r.name).strip()]
    kept = ", ".join(filter(None, ["VT", unit.abbreviation if unit is not None else ""]))
    lines = [f"- {name};" for name in names] + [f"- Lưu: {kept}."]
    return {
        "co_quan_chu_quan": agency.parent.name.upper() if agency.parent_id and agency.parent else "",
        "co_quan": agency.name.upper(),
        "ten_loai": DOCUMENT_TYPE_NAMES.get(doc_type, "").upper(),
        "trich_yeu": summary,
        "kinh_gui": "; ".join(names) + ("." if names else ""),
        "noi_nhan": "\n".join(lines),
        "ky_hieu_nguoi_soan": f"{initials(drafter.full_name)}.{copies or 1:02d}",
    }


def draft_from_template(*, agency: Agency, drafter: Person, doc_type: str, summary: str, copies: int | None,
                        recipients: Sequence[Any], unit: Unit | None) -> SimpleUploadedFile:
    """The first version of a draft: the template with its header and footer filled, as an upload."""
    chosen = template_for(agency, doc_type)
    docx = read_stored(chosen.stored) if chosen is not None else layout.nd30_docx(doc_type)
    filled = convert.fill_placeholders(docx, values(agency=agency, drafter=drafter, doc_type=doc_type,
                                                    summary=summary, copies=copies, recipients=recipients,
                                                    unit=unit))
    name = f"du-thao-{doc_type or 'van-ban'}.docx".replace("Đ", "D").replace("đ", "d")
    return SimpleUploadedFile(name, filled, content_type=DOCX_TYPE)


# --- The administrator's templates -------------------------------------------------------------

def _check_admin(by: Actor, agency: Agency) -> None:
    # Templates shape every document the agency issues: the administrator's own act, never a delegate's.
    if not can_manage_agency(by.person, agency):
        raise NotAllowed()


@transaction.atomic
def save_template(*, by: Actor, agency: Agency, doc_type: str, name: str, upload: Any) -> DraftTemplate:
    """Add a template; it replaces the one in use for the same type (kept, no longer in use)."""
    _check_admin(by, agency)
    if doc_type and doc_type not in DOCUMENT_TYPE_NAMES:
        raise ValidationError({"doc_type": _("Choose a document type of NĐ30.")})
    if not name.strip():
        raise ValidationError({"name": _("Give the template a name.")})
    prepared = prepare_uploads([upload], allowed_kinds={"docx"}, combine_images=False, field="upload")
    if {"so_ky_hieu", "ngay_thang"} - convert.find_placeholders(prepared[0].data):
        raise ValidationError({"upload": _("The template must hold the placeholders {{so_ky_hieu}} and "
                                           "{{ngay_thang}}, where the number and the date go.")})
    with staged_uploads(prepared) as staged:
        DraftTemplate.objects.filter(agency=agency, doc_type=doc_type, is_active=True).update(is_active=False)
        template = DraftTemplate.objects.create(agency=agency, doc_type=doc_type, name=name.strip()[:200],
                                                stored=staged[0].stored, created_by=by.person)
        events.record(verb="outgoing.template_saved", actor=by, agency=agency, target=template,
                      data={"doc_type": doc_type, "name": template.name})
    return template


@transaction.atomic
def retire_template(*, by: Actor, template: DraftTemplate) -> None:
    _check_admin(by, template.agency)
    template.is_active = False
    template.save(update_fields=["is_active"])
    events.record(verb="outgoing.template_retired", actor=by, agency=template.agency_id, target=template,
                  data={"doc_type": template.doc_type, "name": template.name})


def unbin_template(template: DraftTemplate, state: dict[str, Any]) -> None:
    """Restore a template from the bin: in use again, unless another has taken its type meanwhile
    (one template in use per type; the newer stays, the restored one comes back retired)."""
    taken = (DraftTemplate.objects.filter(agency_id=template.agency_id, doc_type=template.doc_type, is_active=True)
             .exclude(pk=template.pk).exists())
    bin.unhide(template, {**state, "is_active": False} if taken else state)
