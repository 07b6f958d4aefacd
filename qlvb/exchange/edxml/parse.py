"""Reading edXML packages (QCVN 102:2016/BTTTT) into the dataclasses of ``model``.

Elements are found by local name (the samples put everything, even the Signature and the
attachments, in the QCVN namespace, but with two different prefixes), in the nesting of the
samples in shared/interop/edxml. Values are stripped of surrounding white space. Every failure is
an :class:`~qlvb.exchange.edxml.errors.EdxmlError`; anything else escaping is a bug (the fuzz
test looks for it).

What does not fit but need not refuse the package (a placeholder agency code, a non-numeric
number, an unknown priority…) is kept as it came and listed in the package's ``warnings``.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import re
from collections.abc import Callable, Container

from lxml import etree

from . import codes
from .errors import EdxmlError
from .i18n import gettext_lazy as _
from .model import (
    VIETNAM,
    Attachment,
    BusinessDocumentInfo,
    DocumentPackage,
    DocumentRef,
    Organization,
    Receiver,
    ReplacementInfo,
    Signer,
    Staff,
    StatusPackage,
    Trace,
)
from .stream import Split
from .xmlsafe import DEFAULT_MAX_BYTES, read

NAMESPACE = "http://www.mic.gov.vn/TBT/QCVN_102_2016"
AGENCY_CODE = re.compile(r"^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}$")
DOCUMENT_ID = re.compile(r"^(?P<org>[^,]+),(?P<date>\d{4}/\d{2}/\d{2}),(?P<code>.+)$")
_DATE_FORMATS = ("%Y/%m/%d", "%Y-%m-%d")
_TIME_FORMATS = ("%Y/%m/%d %H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y/%m/%d %H:%M", "%Y/%m/%d")

# Known children of each element: anything else is kept in raw_extra (see _extra).
KNOWN = {
    "edXMLHeader": {"MessageHeader", "TraceHeaderList", "Signature"},
    "MessageHeader": {"From", "To", "DocumentId", "Code", "PromulgationInfo", "DocumentType", "Subject", "Content",
                      "SignerInfo", "DueDate", "OtherInfo", "SteeringType", "ToPlaces", "ResponseFor"},
    "StatusHeader": {"From", "To", "ResponseFor", "StaffInfo", "StatusCode", "Description", "Timestamp"},
    "OtherInfo": {"Priority", "SphereOfPromulgation", "TyperNotation", "PromulgationAmount", "PageAmount",
                  "Direction", "Appendixes"},
    "TraceHeaderList": {"TraceHeader", "Bussiness"},
    "Bussiness": {"DocumentId", "BussinessDocType", "BussinessDocReason", "Paper", "StaffInfo",
                  "BussinessDocumentInfo", "ReplacementInfoList"},
}
EXTRA_PARENTS = ("edXMLHeader", "MessageHeader", "OtherInfo", "TraceHeaderList", "Bussiness")


def local(element: etree._Element) -> str:
    tag = element.tag
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1]


def children(element: etree._Element | None, name: str) -> list[etree._Element]:
    if element is None:
        return []
    return [child for child in element if local(child) == name]


def child(element: etree._Element | None, name: str) -> etree._Element | None:
    if element is None:
        return None
    for item in element:
        if local(item) == name:
            return item
    return None


def text(element: etree._Element | None, name: str | None = None) -> str:
    if name is not None:
        element = child(element, name)
    if element is None:
        return ""
    return (element.text or "").strip()


def require(element: etree._Element | None, path: str) -> etree._Element:
    """The element at a /-separated path of local names under ``element``."""
    current = element
    for name in path.split("/"):
        current = child(current, name)
        if current is None:
            break
    if current is None:
        raise EdxmlError("missing_field", _("The element %(name)s is missing from the package."), name=path)
    return current


def require_text(element: etree._Element | None, path: str) -> str:
    value = text(require(element, path))
    if not value:
        raise EdxmlError("missing_field", _("The element %(name)s is empty."), name=path)
    return value


def parse_date(value: str, name: str) -> dt.date | None:
    if not value:
        return None
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise EdxmlError("bad_date", _("The date in %(name)s is not a date in the form yyyy/MM/dd: “%(value)s”."),
                     name=name, value=value[:40])


def parse_time(value: str, name: str) -> dt.datetime | None:
    if not value:
        return None
    for fmt in _TIME_FORMATS:
        try:
            return dt.datetime.strptime(value, fmt).replace(tzinfo=VIETNAM)
        except ValueError:
            continue
    raise EdxmlError("bad_date", _("The time in %(name)s is not in the form yyyy/MM/dd HH:mm:ss: “%(value)s”."),
                     name=name, value=value[:40])


class _Warnings(list):
    def add(self, message: object, **params: object) -> None:
        text_ = str(message)
        if params:
            text_ = text_ % params
        if text_ not in self:
            self.append(text_)


def _organization(element: etree._Element, path: str, warnings: _Warnings) -> Organization:
    code = require_text(element, "OrganId") if element is not None else ""
    if not code:
        raise EdxmlError("missing_field", _("The element %(name)s is missing from the package."), name=path)
    if not AGENCY_CODE.match(code):
        warnings.add(_("The agency code “%(code)s” is not in the form 000.00.00.A00 (QCVN 102:2016)."), code=code)
    return Organization(
        code=code, name=text(element, "OrganName"), in_charge=text(element, "OrganizationInCharge"),
        address=text(element, "OrganAdd"), email=text(element, "Email"), phone=text(element, "Telephone"),
        fax=text(element, "Fax"), website=text(element, "Website"))


def _staff(element: etree._Element | None) -> Staff | None:
    if element is None:
        return None
    return Staff(department=text(element, "Department"), name=text(element, "Staff"),
                 email=text(element, "Email"), mobile=text(element, "Mobile"))


def _ref(element: etree._Element) -> DocumentRef:
    return DocumentRef(organ_id=text(element, "OrganId"), code=text(element, "Code"),
                       document_id=text(element, "DocumentId"),
                       promulgation_date=parse_date(text(element, "PromulgationDate"), "ResponseFor/PromulgationDate"))


def _int(value: str, name: str, warnings: _Warnings) -> int | None:
    if not value:
        return None
    if value.isascii() and value.isdigit() and len(value) < 10:
        return int(value)
    warnings.add(_("%(name)s is not a number: “%(value)s”; ignored."), name=name, value=value[:40])
    return None


def _bool(value: str, name: str, warnings: _Warnings) -> bool | None:
    if not value:
        return None
    if value.lower() in ("true", "1"):
        return True
    if value.lower() in ("false", "0"):
        return False
    warnings.add(_("%(name)s is not true or false: “%(value)s”; ignored."), name=name, value=value[:40])
    return None


def _clean_copy(element: etree._Element, parent: etree._Element | None) -> etree._Element:
    """A copy without comments, formatting white space or prefixes (the QCVN namespace as the
    default one), so that an element kept as-is serialises the same after a round trip."""
    if parent is None:
        copy = etree.Element(element.tag, dict(element.attrib), nsmap={None: NAMESPACE})
    else:
        copy = etree.SubElement(parent, element.tag, dict(element.attrib))
    kids = [item for item in element if isinstance(item.tag, str)]
    copy.text = element.text if (element.text or "").strip() or not kids else None
    for item in kids:
        kid = _clean_copy(item, copy)
        kid.tail = item.tail if (item.tail or "").strip() else None
    return copy


def _extra(parent: etree._Element | None, known_as: str, stored_as: str) -> list[tuple[str, str]]:
    if parent is None:
        return []
    known = KNOWN[known_as]
    out = []
    for item in parent:
        if isinstance(item.tag, str) and local(item) not in known and local(item) != "Signature":
            copy = _clean_copy(item, None)
            out.append((stored_as, etree.tostring(copy, encoding="unicode")))
    return out


def _spooled(element: etree._Element | None, name: str, parts: Split | None) -> str:
    """The decoded file of an attachment ``stream.split`` set aside, or "" (then it is inline)."""
    raw = (element.text or "") if element is not None else ""
    if parts is None or not raw.startswith(parts.prefix):
        return ""
    part = parts.parts.get(raw)
    if part is None or element is None or len(element) or parts.prefix in (element.tail or ""):
        raise EdxmlError("bad_base64", _("The attachment “%(name)s” is not valid base64."), name=name)
    if part.error == "empty":
        raise EdxmlError("bad_base64", _("The attachment “%(name)s” has no content."), name=name)
    if part.error == "truncated":
        raise EdxmlError("bad_base64", _("The attachment “%(name)s” is truncated: its base64 length is not a "
                                         "multiple of 4."), name=name)
    if part.error:
        raise EdxmlError("bad_base64", _("The attachment “%(name)s” is not valid base64."), name=name)
    return part.path


def _decode(element: etree._Element | None, name: str) -> bytes:
    raw = (element.text or "") if element is not None else ""
    try:
        compact = raw.encode("ascii").translate(None, b" \t\r\n")
    except UnicodeEncodeError:
        raise EdxmlError("bad_base64", _("The attachment “%(name)s” is not valid base64."), name=name) from None
    if not compact:
        raise EdxmlError("bad_base64", _("The attachment “%(name)s” has no content."), name=name)
    if len(compact) % 4:
        raise EdxmlError("bad_base64", _("The attachment “%(name)s” is truncated: its base64 length is not a "
                                         "multiple of 4."), name=name)
    try:
        return base64.b64decode(compact, validate=True)
    except (binascii.Error, ValueError):
        raise EdxmlError("bad_base64", _("The attachment “%(name)s” is not valid base64."), name=name) from None


def _attachment(parts: Split | None, *, content_id: str, name: str, mime_type: str, description: str,
                encoded: etree._Element | None) -> Attachment:
    path = _spooled(encoded, name[:200], parts)
    return Attachment(content_id=content_id, name=name, mime_type=mime_type, description=description,
                      data=b"" if path else _decode(encoded, name[:200]), path=path)


def _attachments(root: etree._Element, envelope: etree._Element, warnings: _Warnings,
                 parts: Split | None = None) -> list[Attachment]:
    manifest = child(child(envelope, "edXMLBody"), "edXMLManifest")
    encoded: dict[str, etree._Element] = {}
    for item in children(child(root, "AttachmentEncoded"), "Attachment"):
        cid = text(item, "ContentId")
        if not cid:
            raise EdxmlError("missing_field", _("The element %(name)s is missing from the package."),
                             name="AttachmentEncoded/Attachment/ContentId")
        if cid in encoded:
            raise EdxmlError("invalid", _("Two attachments have the same ContentId “%(cid)s”."), cid=cid[:80])
        encoded[cid] = item
    out: list[Attachment] = []
    seen: set[str] = set()
    for ref in children(manifest, "Reference"):
        cid = text(ref, "ContentId")
        if not cid:
            raise EdxmlError("missing_field", _("The element %(name)s is missing from the package."),
                             name="edXMLManifest/Reference/ContentId")
        if cid in seen:
            raise EdxmlError("invalid", _("Two attachments have the same ContentId “%(cid)s”."), cid=cid[:80])
        seen.add(cid)
        encoded_item = encoded.get(cid)
        name = text(ref, "AttachmentName") or text(encoded_item, "AttachmentName")
        if encoded_item is None:
            raise EdxmlError("missing_field", _("The attachment “%(name)s” (%(cid)s) listed in the manifest is not "
                                                "in the package."), name=name[:200], cid=cid[:80])
        out.append(_attachment(
            parts, content_id=cid, name=name, mime_type=text(ref, "ContentType") or text(encoded_item, "ContentType")
            or "application/octet-stream", description=text(ref, "Description") or text(encoded_item, "Description"),
            encoded=child(encoded_item, "ContentTransferEncoded")))
    for cid, item in encoded.items():
        if cid not in seen:
            name = text(item, "AttachmentName")
            warnings.add(_("The attachment “%(name)s” is not listed in the manifest."), name=name[:200])
            out.append(_attachment(
                parts, content_id=cid, name=name, mime_type=text(item, "ContentType") or "application/octet-stream",
                description=text(item, "Description"), encoded=child(item, "ContentTransferEncoded")))
    return out


def _document(root: etree._Element, envelope: etree._Element, header: etree._Element,
              message: etree._Element, warnings: _Warnings, parts: Split | None = None) -> DocumentPackage:
    from_org = _organization(require(message, "From"), "From/OrganId", warnings)
    to_orgs = [_organization(item, "To/OrganId", warnings) for item in children(message, "To")]
    if not to_orgs:
        raise EdxmlError("missing_field", _("The element %(name)s is missing from the package."), name="To")
    document_id = require_text(message, "DocumentId")
    match = DOCUMENT_ID.match(document_id)
    if not match:
        warnings.add(_("The document identifier “%(value)s” is not in the form “agency code,yyyy/MM/dd,"
                       "number/notation”."), value=document_id[:100])
    else:
        try:
            dt.datetime.strptime(match["date"], "%Y/%m/%d")
        except ValueError:
            warnings.add(_("The document identifier “%(value)s” holds an impossible date."), value=document_id[:100])
    code = require(message, "Code")
    code_number, code_notation = text(code, "CodeNumber"), text(code, "CodeNotation")
    if code_number and not code_number.isdigit():
        warnings.add(_("The document number “%(value)s” is not a number."), value=code_number[:40])
    promulgation = require(message, "PromulgationInfo")
    promulgation_date = parse_date(require_text(promulgation, "PromulgationDate"), "PromulgationInfo/PromulgationDate")
    doc_type = child(message, "DocumentType")
    type_name = text(doc_type, "TypeName")
    qlvb_type = codes.document_type_from_name(type_name)
    if doc_type is not None and not qlvb_type:
        warnings.add(_("The document type “%(value)s” is not one of QLVB's types."), value=type_name[:80])
    subject = require_text(message, "Subject")
    signer_el = child(message, "SignerInfo")
    other = child(message, "OtherInfo")
    priority = text(other, "Priority")
    if priority and priority not in codes.PRIORITIES:
        warnings.add(_("The priority code “%(value)s” is not in the code list; read as normal."), value=priority[:20])
    steering = text(message, "SteeringType")
    if steering and steering not in codes.STEERING_TYPES:
        warnings.add(_("The steering type “%(value)s” is not in the code list."), value=steering[:20])
    response_for = [_ref(item) for item in children(message, "ResponseFor")]
    response_for = [ref for ref in response_for if ref != DocumentRef()]  # the SDK writes empty ones

    trace_list = child(header, "TraceHeaderList")
    traces = [Trace(organ_id=text(item, "OrganId"),
                    timestamp=parse_time(text(item, "Timestamp"), "TraceHeader/Timestamp"))
              for item in children(trace_list, "TraceHeader")]
    business = child(trace_list, "Bussiness")
    doc_type_code = text(business, "BussinessDocType") or "0"
    if doc_type_code not in codes.BUSINESS_DOC_TYPES:
        raise EdxmlError("unknown_code", _("The business document type “%(value)s” is not 0, 1, 2 or 3."),
                         value=doc_type_code[:20])
    info_el = child(business, "BussinessDocumentInfo")
    business_info = None
    if info_el is not None:
        business_info = BusinessDocumentInfo(
            document_info=text(info_el, "DocumentInfo"), document_receiver=text(info_el, "DocumentReceiver"),
            receivers=tuple(Receiver(organ_id=text(item, "OrganId"), receiver_type=text(item, "ReceiverType"))
                            for item in children(child(info_el, "ReceiverList"), "Receiver")))
    replacements = [
        ReplacementInfo(document_id=text(item, "DocumentId"),
                        organ_ids=tuple(text(org) for org in children(child(item, "OrganIdList"), "OrganId")))
        for item in children(child(business, "ReplacementInfoList"), "ReplacementInfo")]
    business_doc_type = codes.BUSINESS_DOC_TYPES[doc_type_code]
    if business_doc_type == codes.BusinessDocType.REPLACEMENT and not replacements:
        warnings.add(_("A replacement package does not say which document it replaces."))

    extra = (_extra(header, "edXMLHeader", "edXMLHeader") + _extra(message, "MessageHeader", "MessageHeader")
             + _extra(other, "OtherInfo", "OtherInfo") + _extra(trace_list, "TraceHeaderList", "TraceHeaderList")
             + _extra(business, "Bussiness", "Bussiness"))
    return DocumentPackage(
        document_id=document_id, from_org=from_org, to_orgs=tuple(to_orgs), code_number=code_number,
        code_notation=code_notation, promulgation_place=text(promulgation, "Place"),
        promulgation_date=promulgation_date, document_type=qlvb_type, document_type_name=type_name,
        edxml_type=text(doc_type, "Type"), edxml_type_detail=text(doc_type, "TypeDetail"), subject=subject,
        content=text(message, "Content"),
        signer=Signer(competence=text(signer_el, "Competence"), position=text(signer_el, "Position"),
                      full_name=text(signer_el, "FullName")),
        due_date=parse_date(text(message, "DueDate"), "DueDate"),
        priority=priority or "0", urgency=codes.urgency_from_priority(priority),
        sphere_of_promulgation=text(other, "SphereOfPromulgation"), typer_notation=text(other, "TyperNotation"),
        promulgation_amount=_int(text(other, "PromulgationAmount"), "PromulgationAmount", warnings),
        page_amount=_int(text(other, "PageAmount"), "PageAmount", warnings),
        direction=_bool(text(other, "Direction"), "Direction", warnings),
        appendixes=tuple(text(item) for item in children(child(other, "Appendixes"), "Appendix")),
        steering_type=steering, to_places=tuple(text(item) for item in children(child(message, "ToPlaces"), "Place")),
        response_for=tuple(response_for), business_doc_type=business_doc_type,
        business_reason=text(business, "BussinessDocReason"), business_document_id=text(business, "DocumentId"),
        paper=text(business, "Paper"), business_info=business_info, replacements=tuple(replacements),
        staff=_staff(child(business, "StaffInfo")), traces=tuple(traces),
        attachments=tuple(_attachments(root, envelope, warnings, parts)), raw_extra=tuple(extra),
        warnings=tuple(warnings))


def _status(header: etree._Element, message: etree._Element, warnings: _Warnings) -> StatusPackage:
    from_org = _organization(require(message, "From"), "From/OrganId", warnings)
    to_el = child(message, "To")
    to_org = _organization(to_el, "To/OrganId", warnings) if to_el is not None else None
    ref = _ref(require(message, "ResponseFor"))
    if not ref.document_id:
        raise EdxmlError("missing_field", _("The element %(name)s is empty."), name="ResponseFor/DocumentId")
    status_code = text(message, "StatusCode")
    if status_code in codes.STATUS_ALIASES:
        warnings.add(_("Status code %(value)s is read as %(alias)s."), value=status_code,
                     alias=codes.STATUS_ALIASES[status_code])
        status_code = codes.STATUS_ALIASES[status_code]
    if status_code not in codes.STATUS_LABELS:
        raise EdxmlError("unknown_code", _("The status code “%(value)s” is not in the code list."),
                         value=status_code[:20])
    timestamp = parse_time(require_text(message, "Timestamp"), "Timestamp")
    extra = _extra(header, "edXMLHeader", "edXMLHeader") + _extra(message, "StatusHeader", "MessageHeader")
    return StatusPackage(
        from_org=from_org, to_org=to_org, response_for=ref, status_code=status_code, timestamp=timestamp,
        description=text(message, "Description"), staff=_staff(child(message, "StaffInfo")),
        raw_extra=tuple(extra), warnings=tuple(warnings))


# Every element the reader maps: it must be in the QCVN namespace (elements are found by local
# name, so one in another namespace would otherwise be read as if it were the standard's).
MAPPED = ({"edXML", "edXMLEnvelope", "edXMLBody", "edXMLManifest", "Reference", "AttachmentEncoded", "Attachment",
           "ContentTransferEncoded", "ContentId", "ContentType", "Description", "AttachmentName", "OrganId",
           "OrganName", "OrganizationInCharge", "OrganAdd", "Email", "Telephone", "Fax", "Website", "CodeNumber",
           "CodeNotation", "Place", "PromulgationDate", "Type", "TypeDetail", "TypeName", "Competence", "Position",
           "FullName", "Timestamp", "TraceHeader", "Department", "Staff", "Mobile", "Appendix", "ReplacementInfo",
           "OrganIdList", "DocumentInfo", "DocumentReceiver", "ReceiverList", "Receiver", "ReceiverType"}
          | set(KNOWN) | {name for names in KNOWN.values() for name in names}) - {"Signature"}


def check_namespace(root: etree._Element) -> None:
    """Refuse a package in another namespace than QCVN 102:2016's (``not_edxml``): the root, and
    every element the reader maps (a Signature's content is the XML-DSig namespace's)."""
    stack = [root]
    while stack:
        element = stack.pop()
        name = local(element)
        if not name or name == "Signature":
            continue
        namespace = etree.QName(element).namespace
        if namespace != NAMESPACE and (element is root or name in MAPPED):
            raise EdxmlError("not_edxml", _("The package's namespace is “%(value)s”, not the QCVN 102:2016 one."),
                             value=(namespace or "")[:200], detail=f"<{name[:50]}>")
        stack.extend(element)


def parse(data: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES,
          known_agencies: Container[str] | Callable[[str], bool] | None = None,
          parts: Split | None = None) -> DocumentPackage | StatusPackage:
    """A document or status package from edXML bytes; :class:`EdxmlError` for anything wrong.

    ``known_agencies``: when given (a set of agency codes or a predicate), a package from an
    agency not in it is refused with code ``unknown_agency``. The signature is not checked
    here: call :func:`qlvb.exchange.edxml.dsig.verify` on the same bytes (or use ``load``).

    ``parts``: ``data`` is the skeleton of a package read by :func:`stream.split`; its attachments
    are the decoded files (``Attachment.path``), not bytes in memory."""
    try:
        return _parse(data, max_bytes=max_bytes, known_agencies=known_agencies, parts=parts)
    except EdxmlError:
        raise
    except RecursionError:
        raise EdxmlError("too_deep") from None
    except Exception as error:  # a bug; still never a crash for the caller
        raise EdxmlError("invalid", _("The package cannot be read: %(error)s"),
                         error=f"{type(error).__name__}: {str(error)[:200]}") from error


def _parse(data: bytes, *, max_bytes: int, known_agencies: Container[str] | Callable[[str], bool] | None,
           parts: Split | None = None) -> DocumentPackage | StatusPackage:
    root = read(data, max_bytes=max_bytes)
    if local(root) != "edXML":
        raise EdxmlError("not_edxml", detail=f"root <{local(root)[:50]}>")
    check_namespace(root)
    warnings = _Warnings()
    envelope = require(root, "edXMLEnvelope")
    header = require(envelope, "edXMLHeader")
    message = require(header, "MessageHeader")
    if child(message, "StatusCode") is not None:
        package: DocumentPackage | StatusPackage = _status(header, message, warnings)
    else:
        package = _document(root, envelope, header, message, warnings, parts)
    if parts is not None and parts.parts:
        used = {a.path for a in package.attachments} if isinstance(package, DocumentPackage) else set()
        if used != {part.path for part in parts.parts.values()}:  # markup for an attachment elsewhere
            raise EdxmlError("bad_base64", detail="ContentTransferEncoded outside an attachment")
    if known_agencies is not None:
        code = package.from_org.code
        known = known_agencies(code) if callable(known_agencies) else code in known_agencies
        if not known:
            raise EdxmlError("unknown_agency", _("The sending agency code “%(code)s” is not known on this "
                                                 "installation."), code=code[:40])
    return package

