"""Writing edXML packages with the element names, nesting, order and date formats of the samples
in shared/interop/edxml (``edoc_new.edxml``, ``status_*.edxml``): a root ``edXML`` with the QCVN
namespace as default, ``edXML:``-prefixed envelope, unprefixed ``AttachmentEncoded`` with one
line of base64 per attachment. Not signed: sign the bytes with ``dsig.sign``/``sign_for_agency``.
"""

from __future__ import annotations

import base64
import datetime as dt

from lxml import etree

from . import codes
from .errors import EdxmlError
from .i18n import gettext_lazy as _
from .model import DocumentPackage, DocumentRef, Organization, Staff, StatusPackage, to_vietnam_time
from .parse import NAMESPACE
from .xmlsafe import parser

DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>\n'


def _q(name: str) -> str:
    return f"{{{NAMESPACE}}}{name}"


def _el(parent: etree._Element, name: str, value: object = None, **attrib: str) -> etree._Element:
    element = etree.SubElement(parent, _q(name), attrib)
    if value is not None:
        element.text = value if isinstance(value, str) else str(value)
    return element


def _date(value: dt.date | None) -> str:
    return value.strftime("%Y/%m/%d") if value else ""


def _time(value: dt.datetime | None) -> str:
    value = to_vietnam_time(value)
    return value.strftime("%Y/%m/%d %H:%M:%S") if value else ""


def _organization(parent: etree._Element, tag: str, org: Organization) -> None:
    element = _el(parent, tag)
    _el(element, "OrganId", org.code)
    _el(element, "OrganizationInCharge", org.in_charge)
    _el(element, "OrganName", org.name)
    _el(element, "OrganAdd", org.address)
    _el(element, "Email", org.email)
    _el(element, "Telephone", org.phone)
    _el(element, "Fax", org.fax)
    _el(element, "Website", org.website)


def _staff(parent: etree._Element, staff: Staff | None) -> None:
    if staff is None:
        return
    element = _el(parent, "StaffInfo")
    _el(element, "Department", staff.department)
    _el(element, "Staff", staff.name)
    _el(element, "Email", staff.email)
    _el(element, "Mobile", staff.mobile)


def _ref(parent: etree._Element, ref: DocumentRef) -> None:
    element = _el(parent, "ResponseFor")
    _el(element, "OrganId", ref.organ_id)
    _el(element, "Code", ref.code)
    _el(element, "DocumentId", ref.document_id)
    _el(element, "PromulgationDate", _date(ref.promulgation_date))


_RAW = "qlvb-kept-as-is"  # marks raw_extra elements while building (removed before writing)


def _extra(parent: etree._Element, where: str, extra: tuple[tuple[str, str], ...]) -> None:
    for parent_name, xml in extra:
        if parent_name == where:
            try:
                element = etree.fromstring(xml.encode("utf-8"), parser(len(xml)))
            except etree.XMLSyntaxError:
                raise EdxmlError("invalid", detail=f"raw_extra in {where}") from None
            element.set(_RAW, "1")
            parent.append(element)


def _indent(element: etree._Element, level: int = 0) -> None:
    """Two-space indentation like the samples; kept-as-is elements are not touched inside."""
    if element.get(_RAW) is not None:
        del element.attrib[_RAW]
        return
    if len(element):
        pad = "\n" + "  " * (level + 1)
        element.text = pad
        for item in element:
            _indent(item, level + 1)
            item.tail = pad
        element[-1].tail = "\n" + "  " * level


def _root() -> tuple[etree._Element, etree._Element, etree._Element]:
    root = etree.Element(_q("edXML"), nsmap={None: NAMESPACE})
    envelope = etree.SubElement(root, _q("edXMLEnvelope"), nsmap={"edXML": NAMESPACE})
    header = _el(envelope, "edXMLHeader")
    return root, envelope, header


def _serialize(root: etree._Element) -> bytes:
    _indent(root)
    return DECLARATION + etree.tostring(root, encoding="UTF-8") + b"\n"


def _guard(build):  # noqa: ANN001, ANN202
    def wrapper(pkg):  # noqa: ANN001, ANN202
        try:
            return build(pkg)
        except EdxmlError:
            raise
        except (ValueError, TypeError, AttributeError) as error:  # control characters, wrong types
            raise EdxmlError("invalid", detail=f"{type(error).__name__}: {str(error)[:200]}") from None
    wrapper.__doc__ = build.__doc__
    wrapper.__name__ = build.__name__
    return wrapper


def _required(values: dict[str, object] | list[tuple[str, object]]) -> None:
    """Never write a package QLVB would itself refuse for a missing element."""
    for name, value in (values.items() if isinstance(values, dict) else values):
        if value is None or value == "":
            raise EdxmlError("missing_field", _("The element %(name)s is empty."), name=name)


def _check_document(pkg: DocumentPackage) -> None:
    _required({"From/OrganId": pkg.from_org.code, "DocumentId": pkg.document_id, "Subject": pkg.subject,
               "PromulgationInfo/PromulgationDate": pkg.promulgation_date})
    if not pkg.to_orgs:
        raise EdxmlError("missing_field", _("The element %(name)s is missing from the package."), name="To")
    _required([("To/OrganId", org.code) for org in pkg.to_orgs])
    for name in ("promulgation_amount", "page_amount"):
        value = getattr(pkg, name)
        if value is not None and not 0 <= value < 10**9:
            raise EdxmlError("invalid", detail=f"{name}={value}")
    content_ids = [attachment.content_id for attachment in pkg.attachments]
    _required([("ContentId", cid) for cid in content_ids])
    if len(set(content_ids)) != len(content_ids):
        raise EdxmlError("invalid", detail="two attachments have the same ContentId")


@_guard
def build_document(pkg: DocumentPackage) -> bytes:
    """The edXML bytes of a document package (unsigned)."""
    if pkg.secrecy:
        raise EdxmlError("secret")
    _check_document(pkg)
    root, envelope, header = _root()
    message = _el(header, "MessageHeader")
    _organization(message, "From", pkg.from_org)
    for org in pkg.to_orgs:
        _organization(message, "To", org)
    _el(message, "DocumentId", pkg.document_id)
    code = _el(message, "Code")
    _el(code, "CodeNumber", pkg.code_number)
    _el(code, "CodeNotation", pkg.code_notation)
    promulgation = _el(message, "PromulgationInfo")
    _el(promulgation, "Place", pkg.promulgation_place)
    _el(promulgation, "PromulgationDate", _date(pkg.promulgation_date))
    doc_type = _el(message, "DocumentType")
    _el(doc_type, "Type", pkg.edxml_type)
    _el(doc_type, "TypeDetail", pkg.edxml_type_detail)
    _el(doc_type, "TypeName", pkg.document_type_name)
    _el(message, "Subject", pkg.subject)
    _el(message, "Content", pkg.content)
    signer = _el(message, "SignerInfo")
    _el(signer, "Competence", pkg.signer.competence)
    _el(signer, "Position", pkg.signer.position)
    _el(signer, "FullName", pkg.signer.full_name)
    if pkg.due_date:
        _el(message, "DueDate", _date(pkg.due_date))
    other = _el(message, "OtherInfo")
    _el(other, "Priority", pkg.priority)
    _el(other, "SphereOfPromulgation", pkg.sphere_of_promulgation)
    _el(other, "TyperNotation", pkg.typer_notation)
    if pkg.promulgation_amount is not None:
        _el(other, "PromulgationAmount", pkg.promulgation_amount)
    if pkg.page_amount is not None:
        _el(other, "PageAmount", pkg.page_amount)
    if pkg.direction is not None:
        _el(other, "Direction", "true" if pkg.direction else "false")
    if pkg.appendixes:
        appendixes = _el(other, "Appendixes")
        for appendix in pkg.appendixes:
            _el(appendixes, "Appendix", appendix)
    _extra(other, "OtherInfo", pkg.raw_extra)
    for ref in pkg.response_for:
        _ref(message, ref)
    if pkg.steering_type:
        _el(message, "SteeringType", pkg.steering_type)
    if pkg.to_places:
        places = _el(message, "ToPlaces")
        for place in pkg.to_places:
            _el(places, "Place", place)
    _extra(message, "MessageHeader", pkg.raw_extra)

    trace_list = _el(header, "TraceHeaderList")
    for trace in pkg.traces or ([] if pkg.sent_at is None else [None]):
        element = _el(trace_list, "TraceHeader")
        _el(element, "OrganId", trace.organ_id if trace else pkg.from_org.code)
        _el(element, "Timestamp", _time(trace.timestamp if trace else pkg.sent_at))
    business = _el(trace_list, "Bussiness")
    if pkg.business_document_id:
        _el(business, "DocumentId", pkg.business_document_id)
    _el(business, "BussinessDocType", codes.BUSINESS_DOC_TYPE_CODES[pkg.business_doc_type])
    _el(business, "BussinessDocReason", pkg.business_reason)
    if pkg.paper:
        _el(business, "Paper", pkg.paper)
    if pkg.business_info is not None:
        info = _el(business, "BussinessDocumentInfo")
        _el(info, "DocumentInfo", pkg.business_info.document_info)
        _el(info, "DocumentReceiver", pkg.business_info.document_receiver)
        receivers = _el(info, "ReceiverList")
        for receiver in pkg.business_info.receivers:
            element = _el(receivers, "Receiver")
            _el(element, "OrganId", receiver.organ_id)
            _el(element, "ReceiverType", receiver.receiver_type)
    if pkg.replacements:
        replacements = _el(business, "ReplacementInfoList")
        for replacement in pkg.replacements:
            element = _el(replacements, "ReplacementInfo")
            _el(element, "DocumentId", replacement.document_id)
            organs = _el(element, "OrganIdList")
            for organ_id in replacement.organ_ids:
                _el(organs, "OrganId", organ_id)
    _staff(business, pkg.staff)
    _extra(business, "Bussiness", pkg.raw_extra)
    _extra(trace_list, "TraceHeaderList", pkg.raw_extra)
    _extra(header, "edXMLHeader", pkg.raw_extra)

    body = _el(envelope, "edXMLBody")
    manifest = _el(body, "edXMLManifest", version="1.0")
    for attachment in pkg.attachments:
        reference = _el(manifest, "Reference")
        _el(reference, "ContentId", attachment.content_id)
        _el(reference, "ContentType", attachment.mime_type)
        _el(reference, "Description", attachment.description)
        _el(reference, "AttachmentName", attachment.name)
    if pkg.attachments:
        encoded = _el(root, "AttachmentEncoded")
        for attachment in pkg.attachments:
            if not attachment.data:
                raise EdxmlError("invalid", detail=f"attachment {attachment.name[:100]!r} is empty")
            item = _el(encoded, "Attachment")
            _el(item, "ContentId", attachment.content_id)
            _el(item, "AttachmentName", attachment.name)
            _el(item, "Description", attachment.description)
            _el(item, "ContentType", attachment.mime_type)
            data = etree.SubElement(item, _q("ContentTransferEncoded"), nsmap={"edXML": NAMESPACE})
            data.text = base64.b64encode(attachment.data).decode("ascii")
    return _serialize(root)


@_guard
def build_status(pkg: StatusPackage) -> bytes:
    """The edXML bytes of a status package (unsigned)."""
    if pkg.status_code not in codes.STATUS_LABELS:
        raise EdxmlError("unknown_code", detail=f"StatusCode {pkg.status_code[:20]!r}")
    _required({"From/OrganId": pkg.from_org.code, "ResponseFor/DocumentId": pkg.response_for.document_id,
               "Timestamp": pkg.timestamp})
    if pkg.to_org is not None:
        _required({"To/OrganId": pkg.to_org.code})
    root, _envelope, header = _root()
    message = _el(header, "MessageHeader")
    _organization(message, "From", pkg.from_org)
    if pkg.to_org is not None:
        _organization(message, "To", pkg.to_org)
    _ref(message, pkg.response_for)
    _staff(message, pkg.staff)
    _el(message, "StatusCode", pkg.status_code)
    _el(message, "Description", pkg.description)
    _el(message, "Timestamp", _time(pkg.timestamp))
    _extra(message, "MessageHeader", pkg.raw_extra)
    _extra(header, "edXMLHeader", pkg.raw_extra)
    return _serialize(root)
