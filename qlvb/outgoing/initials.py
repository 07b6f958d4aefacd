"""Initial signatures (ký nháy) of reviewers on drafts (issue 21; docs/signing.md).

In Vietnamese agencies the head of the drafting unit initials the draft at the end of its text
(answering for its content) and the office's format checker next to the signer's title (answering
for its format, NĐ30 Đ13) before it goes up to the signer. Here that is a digital signature of the
reviewer, with his own certificate, over the PDF of the draft version he approves (a DOCX
converted), made through the deferred-signing core: invisible (nothing is drawn on a draft whose
layout QLVB does not know; the issued document is made from the version's text and carries no
initials), kept with the version it covers, shown to the signer with its validity.

An agency chooses (``OutgoingSettings.initials``): not used, optional (the reviewer chooses when
approving) or required (approving without it is refused). It applies to the unit head's and the
format check's steps, the two steps that initial on paper; the signer signs.

``before_approval`` is what ``services.approve`` asks, the document locked and the step the
caller's: with a server key the initial is made there and then; with a key at a signing service
(CSC, SmartCA, MySign) a signing session is started and the approval waits: ``finish_remote`` (the
core's finisher, when the signature comes back) approves with it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from qlvb.core import events
from qlvb.core.actor import Actor
from qlvb.core.errors import NotAllowed
from qlvb.files.services import read_stored, store_bytes
from qlvb.outgoing.models import DraftVersion, Initial, OutgoingDocument, OutgoingSettings, ReviewStep

if TYPE_CHECKING:
    from qlvb.signatures.models import Certificate, SigningSession
    from qlvb.signatures.verification import SignatureReport

INITIALLED_KINDS = (ReviewStep.Kind.UNIT_HEAD, ReviewStep.Kind.OFFICE)
SESSION_KIND = "outgoing.initial"  # SigningSession.target_kind; target_id is the review step


@dataclass(frozen=True)
class Request:
    """The reviewer initials with this certificate (its passphrase or PIN for a server key)."""

    certificate: Certificate
    secret: str | None = None


@dataclass(frozen=True)
class Returned:
    """The initial came back from a signing service (the session completed)."""

    session: SigningSession
    pdf: bytes


def mode(document: OutgoingDocument, step: ReviewStep | None) -> str:
    """What the agency asks of this step: off, optional or required."""
    if step is None or step.kind not in INITIALLED_KINDS:
        return OutgoingSettings.Initials.OFF
    from qlvb.outgoing.services import settings_for

    return settings_for(document.agency).initials


def version_pdf(version: DraftVersion) -> bytes:
    """The draft version as a PDF: a DOCX converted (LibreOffice), a PDF as it is."""
    data = read_stored(version.stored)
    if version.stored.kind == "docx":
        from qlvb.files import convert

        return convert.docx_to_pdf(data)
    return data


def waiting_session(step: ReviewStep) -> SigningSession | None:
    """The initial of this step being asked of a signing service, if one waits."""
    from qlvb.signatures import deferred
    from qlvb.signatures.models import SigningSession

    session = (SigningSession.objects.filter(target_kind=SESSION_KIND, target_id=step.pk)
               .order_by("-created_at", "-pk").first())
    if session is None or deferred.expire_if_due(session) or not session.is_waiting:
        return None
    return session


def latest_session(step: ReviewStep) -> SigningSession | None:
    from qlvb.signatures import deferred
    from qlvb.signatures.models import SigningSession

    session = (SigningSession.objects.filter(target_kind=SESSION_KIND, target_id=step.pk)
               .order_by("-created_at", "-pk").first())
    if session is not None:
        deferred.expire_if_due(session)
    return session


def _reason(version: DraftVersion) -> str:
    return _("Initialled draft version %(number)s") % {"number": version.number}


def _keep(by: Actor, document: OutgoingDocument, step: ReviewStep, version: DraftVersion, certificate: Any,
          signed: bytes, provider: str) -> Initial:
    person = step.reviewer
    initial = Initial.objects.create(
        document=document, step=step, version=version, person=person, certificate=certificate,
        fingerprint=certificate.fingerprint, subject=certificate.subject[:1000], provider=provider,
        signed=store_bytes(signed, name=f"ky-nhay-v{version.number}.pdf"), signed_at=timezone.now())
    events.record(verb="outgoing.initialled", actor=by, agency=document.agency_id, target=document,
                  data={"step": step.pk, "kind": step.kind, "version": version.number,
                        "certificate": certificate.fingerprint[:16], "provider": provider,
                        "stored_files": [initial.signed_id]})
    return initial


def prepare(by: Actor, document: OutgoingDocument, initial: Request | Returned | None) -> tuple[int, bytes] | None:
    """(version id, PDF) of the draft's current version, when a new initial is asked for: made
    before the approval locks the document, so that the conversion of a DOCX (seconds of
    LibreOffice) does not hold every other change of the document. ``before_approval`` uses it
    only if the version is still the current one once locked."""
    if not isinstance(initial, Request) or by.person is None or not document.steps.filter(
            reviewer_id=by.person.pk, state=ReviewStep.State.PENDING).exists():
        return None  # nothing to initial, or not his turn: refused under the lock, no conversion for it
    from qlvb.outgoing.services import current_version

    version = current_version(document)
    return None if version is None else (version.pk, version_pdf(version))


def before_approval(*, by: Actor, document: OutgoingDocument, step: ReviewStep, initial: Request | Returned | None,
                    opinion: str, disagreement: str, prepared: tuple[int, bytes] | None = None) -> bool:
    """Check and make the reviewer's initial before ``step`` is approved (the document is locked).
    True when the approval waits for a signing service (nothing approved yet); a refusal raises
    and changes nothing. ``prepared``: what ``prepare`` made before the lock."""
    from qlvb.outgoing.services import current_version

    wanted = mode(document, step)
    if initial is None:
        if wanted == OutgoingSettings.Initials.OFF:
            return False  # one query, to the agency's settings
        if waiting_session(step) is not None:  # his initial waits at a signing service: it approves
            raise _waiting()
        if wanted == OutgoingSettings.Initials.REQUIRED:
            raise ValidationError({"certificate": _(
                "Your agency requires the reviewer's initial signature (ký nháy) on the draft: choose your "
                "certificate to initial it before approving.")}, code="initial_required")
        return False
    if wanted == OutgoingSettings.Initials.OFF:
        raise ValidationError(_("Initial signatures are not used for this review step."), code="initials_off")
    version = current_version(document)
    assert version is not None  # in review, so submitted, which needs a version
    if isinstance(initial, Returned):
        data = initial.session.continuation
        if initial.session.target_id != step.pk or data.get("version") != version.pk:
            raise ValidationError(_("The draft changed while the initial signature was being made; initial it "
                                    "again."), code="initial_outdated")
        _keep(by, document, step, version, initial.session.certificate, initial.pdf, initial.session.provider)
        return False
    if waiting_session(step) is not None:
        raise _waiting()
    # Personal, like the signer's signature: never by a delegate on the reviewer's behalf.
    if by.person is None or by.on_behalf_of is not None or by.person.pk != step.reviewer_id:
        raise ValidationError(_("An initial signature is personal: only %(name)s can add it.")
                              % {"name": step.reviewer.full_name}, code="initial_personal")
    from qlvb.signatures import services as signing
    from qlvb.signatures.providers import for_certificate

    certificate = initial.certificate
    signing._check_owner(by, certificate, agency_signature=False)  # another's certificate: NotAllowed
    pdf = prepared[1] if prepared is not None and prepared[0] == version.pk else version_pdf(version)
    about = f"{document._meta.label_lower}:{document.pk}"
    name = step.reviewer.full_name
    if for_certificate(certificate).completes_at_once:
        signed = signing.sign_initial(pdf, by=Actor(by.person, ip=by.ip), certificate=certificate,
                                      passphrase_or_pin=initial.secret or None, full_name=name,
                                      reason=_reason(version), about=about)
        _keep(by, document, step, version, certificate, signed, "server")
        return False
    session = signing.start_initial_session(
        pdf, by=Actor(by.person, ip=by.ip), certificate=certificate, full_name=name,
        reason=_reason(version), about=about, target_kind=SESSION_KIND, target_id=step.pk,
        continuation={"document": document.pk, "version": version.pk, "opinion": opinion,
                      "disagreement": disagreement, "done_url": reverse("outgoing:detail", args=[document.pk])})
    events.record(verb="outgoing.initial_requested", actor=by, agency=document.agency_id, target=document,
                  data={"step": step.pk, "version": version.number, "provider": session.provider,
                        "session": session.pk})
    return True


def _waiting() -> ValidationError:
    return ValidationError(_("Your initial signature is being asked of the signing service; confirm it there and "
                             "wait for it."), code="initial_waiting")


def finish_remote(session: SigningSession, signed_pdf: bytes) -> None:
    """The core's finisher: the reviewer's initial came back from his signing service — the step is
    approved with it, as ``approve`` does (in the session's completion transaction). A draft
    changed meanwhile, or a step no longer his, refuses it (and the session ends refused)."""
    from qlvb.outgoing import services

    step = ReviewStep.objects.select_related("document").filter(pk=session.target_id or 0).first()
    if step is None:
        raise ValidationError(_("The review step is no longer waiting for this initial."), code="initial_outdated")
    data = session.continuation
    try:
        services.approve(by=Actor(session.person), document=step.document, opinion=data.get("opinion", ""),
                         disagreement=data.get("disagreement", ""), initial=Returned(session, signed_pdf))
    except NotAllowed:
        raise ValidationError(_("The review step is no longer waiting for this initial."), code="initial_outdated")


def remote_refused(session: SigningSession) -> None:
    """The signing service did not sign the initial (or the time ran out): nothing was approved."""
    step = ReviewStep.objects.select_related("document").filter(pk=session.target_id or 0).first()
    if step is None:
        return
    events.record(verb="outgoing.initial_refused", actor=Actor(session.person), agency=step.document.agency_id,
                  target=step.document, data={"step": step.pk, "code": session.error_code,
                                              "message": session.error_message[:300], "session": session.pk})


# --- Shown to the signer -----------------------------------------------------------------------

@dataclass(frozen=True)
class Shown:
    initial: Initial
    on_current_version: bool
    report: SignatureReport | None
    revoked: bool

    @property
    def status(self) -> str:
        """valid, untrusted, modified, invalid (verification.SignatureReport.status)."""
        if self.report is None:
            return "invalid"
        return "untrusted" if self.revoked and self.report.status == "valid" else self.report.status

    @property
    def validity(self) -> str:
        if self.report is None:
            return _("The initialled PDF carries no signature.")
        if self.revoked:
            return _("Signed by %(name)s, but the certificate has been revoked.") % {"name": self.report.signer_name}
        return self.report.summary

    @property
    def version_note(self) -> str:
        number = self.initial.version.number
        if self.on_current_version:
            return _("initialled draft version %(number)s (the current version)") % {"number": number}
        return _("initialled draft version %(number)s; the draft has changed since") % {"number": number}


def shown(document: OutgoingDocument) -> list[Shown]:
    """The document's initials, oldest first, each checked again (verification.verify_last over the
    stored PDF) and set against the current version."""
    from qlvb.outgoing.services import current_version
    from qlvb.signatures.verification import verify_last

    initials = list(document.initials.select_related("person", "version", "certificate", "signed", "step"))
    if not initials:
        return []
    current = current_version(document)
    result = []
    for initial in initials:
        try:
            report = verify_last(read_stored(initial.signed))
        except ValidationError:
            report = None
        result.append(Shown(initial=initial, on_current_version=current is not None
                            and initial.version_id == current.pk, report=report,
                            revoked=initial.certificate.revoked_at is not None))
    return result
