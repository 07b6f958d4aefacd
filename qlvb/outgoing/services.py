"""Outgoing documents: drafting, versions, the review loop, signing and issuing (R11–R15).

Every function checks who may act (NotAllowed → 404), validates with Vietnamese messages
(ValidationError) and changes rows, access rows and the event log in one transaction.
Rows are locked in the one order of docs/architecture.md ("Lock order"): the document first.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from qlvb.core import events
from qlvb.core.actor import Actor
from qlvb.core.doctypes import NO_ABBREVIATION
from qlvb.core.errors import NotAllowed
from qlvb.core.workdays import add_working_days
from qlvb.files.services import prepare_uploads, read_stored, staged_uploads
from qlvb.org import permissions
from qlvb.org.models import Agency, Person, Position, Post, Unit
from qlvb.org.roles import roles_of
from qlvb.outgoing import codes, cosigning, remote_issue, rules
from qlvb.outgoing.models import (
    Attachment,
    Delivery,
    DraftVersion,
    OutgoingAccess,
    OutgoingDocument,
    OutgoingSettings,
    Recipient,
    ReviewStep,
    SigningAuthorisation,
)
from qlvb.registers.models import Register
from qlvb.registers.services import check_register, default_register, next_number, peek_number

EDITABLE_FIELDS = ["doc_type", "summary", "field", "deadline", "reply_deadline", "urgency", "secrecy", "priority",
                   "copies", "kept_by"]
DRAFT_KINDS = {"pdf", "docx"}
AUTHORISATION_HOURS = 72


def settings_for(agency: Agency) -> OutgoingSettings:
    found, _created = OutgoingSettings.objects.get_or_create(agency=agency)
    return found


@transaction.atomic
def update_settings(*, by: Actor, agency: Agency, review_days: int, office_check: bool,
                    office_checker: Person | None, place: str,
                    verification_mark: bool | None = None, initials: str | None = None) -> OutgoingSettings:
    """The agency's review flow, changed by its administrator (or the installation's): the event
    keeps every value changed, from what to what. Drafts already in review keep their steps; the
    next submission follows the new flow."""
    if not permissions.can_manage_agency(by.person, agency):
        raise NotAllowed()
    config = OutgoingSettings.objects.select_for_update().get(pk=settings_for(agency).pk)
    place = " ".join(place.split())
    errors: dict[str, str] = {}
    if not 1 <= review_days <= 30:
        errors["review_days"] = _("Give between 1 and 30 working days.")
    if not place:
        errors["place"] = _("Give the place name written before the date, e.g. Sơn La.")
    elif len(place) > 100:
        errors["place"] = _("The place name is at most 100 characters.")
    if office_checker is not None and not (office_checker.is_active and office_checker.agency_id == agency.pk):
        errors["office_checker"] = _("The format checker must be an active person of this agency.")
    if office_check and office_checker is None:
        errors["office_checker"] = _("Choose who checks the format, or turn the format check off.")
    if initials is not None and initials not in OutgoingSettings.Initials.values:
        errors["initials"] = _("Choose whether reviewers initial the draft: not used, optional or required.")
    if errors:
        raise ValidationError(errors)
    wanted = {"review_days": review_days, "office_check": office_check, "office_checker_id":
              office_checker.pk if office_checker else None, "place": place,
              "verification_mark": config.verification_mark if verification_mark is None else verification_mark,
              "initials": config.initials if initials is None else initials}
    diff = {name: [getattr(config, name), value] for name, value in wanted.items() if getattr(config, name) != value}
    if diff:
        for name, value in wanted.items():
            setattr(config, name, value)
        config.save()
        events.record(verb="outgoing.settings_changed", actor=by, agency=agency, target=agency,
                      data={"changes": diff})
    return config


def _grant(document: OutgoingDocument, person: Person | None = None, unit: Unit | None = None,
           reason: str = "") -> None:
    _grant_all(document, [(person, unit)], reason)


def _grant_all(document: OutgoingDocument, grants: Sequence[tuple[Person | int | None, Unit | int | None]],
               reason: str) -> None:
    """Access rows (people or units, or their ids) in one insert; a row already there is kept as it
    is (with its first reason). A row given after issuing carries the issue time (OutgoingAccess)."""
    issued_at = document.issued_at if document.status == OutgoingDocument.Status.ISSUED else None
    rows = [OutgoingAccess(document=document, person_id=getattr(person, "pk", person),
                           unit_id=None if person is not None else getattr(unit, "pk", unit), reason=reason,
                           issued_at=issued_at)
            for person, unit in grants if person is not None or unit is not None]
    if rows:
        OutgoingAccess.objects.bulk_create(rows, ignore_conflicts=True)


def _text_of(stored: Any) -> str:
    try:
        from qlvb.files.convert import extract_text

        return extract_text(read_stored(stored), stored.kind)[:200_000]
    except Exception:  # noqa: BLE001 - the diff is a convenience; a file it cannot read is still a version
        return ""


def _new_version(document: OutgoingDocument, staged: Any, by: Actor, role: str, comment: str) -> DraftVersion:
    number = (document.versions.aggregate(m=Max("number"))["m"] or 0) + 1
    assert by.person is not None  # a version is a person's (its callers refuse anyone else first)
    return DraftVersion.objects.create(document=document, number=number, stored=staged.stored, name=staged.name,
                                       author=by.person, on_behalf_of=by.on_behalf_of, role=role,
                                       comment=comment.strip()[:500], text=_text_of(staged.stored))


def _validate(document: OutgoingDocument) -> None:
    errors = {}
    if document.summary and len(document.summary.split()) < 4:
        errors["summary"] = _("Write a specific summary, e.g. 'V/v báo cáo tình hình … năm 2026'.")
    if document.deadline and document.deadline < timezone.localdate():
        errors["deadline"] = _("The deadline cannot be in the past.")
    if document.field is not None and document.field.agency_id != document.agency_id:
        errors["field"] = _("Choose a field of work of your agency.")
    if errors:
        raise ValidationError(errors)
    document.full_clean(exclude=["drafter", "drafting_unit", "signer", "register", "issued_by", "issued_file",
                                 "reply_to"])


@dataclass(frozen=True)
class RecipientSpec:
    kind: str
    agency: Agency | None = None
    unit: Unit | None = None
    person: Person | None = None
    name: str = ""
    address: str = ""


def _set_recipients(document: OutgoingDocument, recipients: Sequence[RecipientSpec]) -> None:
    document.recipients.all().delete()
    seen = set()
    for spec in recipients:
        key = (spec.kind, getattr(spec.agency, "pk", None), getattr(spec.unit, "pk", None),
               getattr(spec.person, "pk", None), spec.name.strip())
        if key in seen:
            continue
        seen.add(key)
        if spec.kind == Recipient.Kind.UNIT and (spec.unit is None or spec.unit.agency_id != document.agency_id):
            raise ValidationError({"recipients": _("A unit recipient must belong to your agency.")})
        if spec.kind == Recipient.Kind.PERSON and (
                spec.person is None or document.agency_id not in permissions.member_agency_ids(spec.person)):
            raise ValidationError({"recipients": _("A person recipient must work in your agency.")})
        if spec.kind == Recipient.Kind.AGENCY and (spec.agency is None or spec.agency.pk == document.agency_id):
            raise ValidationError({"recipients": _("Choose another agency of the installation.")})
        if spec.kind == Recipient.Kind.PAPER and not spec.name.strip():
            raise ValidationError({"recipients": _("Write the name of the paper recipient.")})
        Recipient.objects.create(document=document, kind=spec.kind, agency=spec.agency, unit=spec.unit,
                                 person=spec.person, name=spec.name.strip()[:300], address=spec.address.strip()[:300])
    _refuse_secret_over_network(document)


def _refuse_secret_over_network(document: OutgoingDocument) -> None:
    """A secret document is issued on paper, never over the network (001 Đ13.1.a): no other agency
    receives it through the exchange, inside the installation or beyond."""
    if not document.secrecy:
        return
    agencies = [r.agency.name for r in document.recipients.filter(kind=Recipient.Kind.AGENCY).select_related("agency")
                if r.agency is not None]  # always: _set_recipients
    if agencies:
        raise ValidationError({"recipients": _(
            "A secret document is not sent over the network: send it on paper to %(agencies)s (add them as "
            "paper recipients).") % {"agencies": ", ".join(agencies)}})


def record_opening(*, by: Actor, document: OutgoingDocument) -> None:
    """Every opening of a secret document is logged (R7), as for incoming documents."""
    if document.secrecy:
        events.record(verb="outgoing.secret_opened", actor=by, agency=document.agency_id, target=document)


def _drafting_unit(person: Person, agency: Agency, unit: Unit | None) -> Unit:
    if unit is not None:
        if unit.agency_id != agency.pk or unit.pk not in roles_of(person).unit_ids:
            raise ValidationError({"drafting_unit": _("Choose one of your units.")})
        return unit
    post = Post.objects.filter(person=person, agency=agency, end_date__isnull=True).order_by("is_concurrent").first()
    if post is None:
        raise NotAllowed()
    return post.unit


def create_draft(*, by: Actor, agency: Agency, fields: dict[str, Any], uploads: Sequence[Any] = (),
                 attachments: Sequence[Any] = (), recipients: Sequence[RecipientSpec] = (),
                 drafting_unit: Unit | None = None, reply_to: Any = None, directive: str = "",
                 related_incoming: Sequence[Any] = (), comment: str = "") -> OutgoingDocument:
    """A specialist starts a draft: from scratch, from a directive, or as the reply to an incoming
    document (then linked both ways)."""
    person = by.effective
    if person is None or agency.pk not in permissions.member_agency_ids(person):
        raise NotAllowed()
    if reply_to is not None:
        from qlvb.incoming.selectors import visible_documents

        if not visible_documents(person).filter(pk=reply_to.pk).exists():
            raise NotAllowed()
    main = prepare_uploads(uploads, allowed_kinds=DRAFT_KINDS, combine_images=False, field="uploads")
    extra = prepare_uploads(attachments, combine_images=False, field="attachments")
    with transaction.atomic(), staged_uploads(main) as staged, staged_uploads(extra) as staged_extra:
        document = OutgoingDocument(agency=agency, drafter=person,
                                    drafting_unit=_drafting_unit(person, agency, drafting_unit),
                                    reply_to=reply_to, directive=directive.strip())
        for name in EDITABLE_FIELDS:
            if name in fields and fields[name] is not None:
                setattr(document, name, fields[name].strip() if isinstance(fields[name], str) else fields[name])
        _validate(document)
        document.save()
        for item in staged[:1]:
            _new_version(document, item, by, DraftVersion.Role.DRAFTER, comment or _("First draft"))
        Attachment.objects.bulk_create([Attachment(document=document, stored=item.stored, name=item.name, order=index)
                                        for index, item in enumerate(staged_extra)])
        _set_recipients(document, recipients)
        if related_incoming:
            document.related_incoming.set(related_incoming)
        _grant(document, person=person, reason="drafter")
        events.record(verb="outgoing.created", actor=by, agency=agency, target=document, data={
            "reply_to": reply_to.pk if reply_to else None, "type": document.doc_type,
            "stored_files": [item.stored.pk for item in (*staged[:1], *staged_extra)]})
    return document


@transaction.atomic
def update_draft(*, by: Actor, document: OutgoingDocument, fields: dict[str, Any],
                 recipients: Sequence[RecipientSpec] | None = None) -> OutgoingDocument:
    document = OutgoingDocument.objects.select_for_update(no_key=True).get(pk=document.pk)
    if not _may_edit(by.effective, document):
        raise NotAllowed()
    changes = {}
    for name in EDITABLE_FIELDS:
        if name in fields:
            value = fields[name].strip() if isinstance(fields[name], str) else fields[name]
            if getattr(document, name) != value:
                changes[name] = [str(getattr(document, name) or ""), str(value or "")]
                setattr(document, name, value)
    _validate(document)
    document.save()
    if recipients is not None:
        _set_recipients(document, recipients)
    else:
        _refuse_secret_over_network(document)  # made secret with agencies already chosen
    events.record(verb="outgoing.updated", actor=by, agency=document.agency_id, target=document,
                  data={"changes": changes})
    return document


def _may_edit(person: Person | None, document: OutgoingDocument) -> bool:
    """The drafter while the draft is theirs; the reviewer whose turn it is."""
    if rules.holds_draft(person, document):
        return True
    step = rules.current_step(document)
    return step is not None and person is not None and step.reviewer_id == person.pk


def _role_of(person: Person, document: OutgoingDocument) -> str:
    step = rules.current_step(document)
    if step is not None and step.reviewer_id == person.pk:
        roles: dict[str, str] = {ReviewStep.Kind.UNIT_HEAD: DraftVersion.Role.UNIT_HEAD,
                                 ReviewStep.Kind.OFFICE: DraftVersion.Role.OFFICE,
                                 ReviewStep.Kind.SIGNER: DraftVersion.Role.SIGNER}
        return roles[step.kind]
    return DraftVersion.Role.DRAFTER


def add_version(*, by: Actor, document: OutgoingDocument, upload: Any, comment: str = "") -> DraftVersion:
    """A new version from the drafter or from the reviewer whose turn it is. A change after the
    signer approved sends the draft back to the signer (R12)."""
    person = by.effective
    prepared = prepare_uploads([upload], allowed_kinds=DRAFT_KINDS, combine_images=False, field="upload")
    with transaction.atomic(), staged_uploads(prepared) as staged:
        document = OutgoingDocument.objects.select_for_update(no_key=True).get(pk=document.pk)
        after_approval = document.status in (OutgoingDocument.Status.APPROVED, OutgoingDocument.Status.SIGNED)
        role: str
        if after_approval:
            if person is None or not (person.pk in (document.drafter_id, document.signer_id)
                                      or rules.is_clerk(person, document.agency_id)):
                raise NotAllowed()
            role = DraftVersion.Role.SIGNER if person.pk == document.signer_id else DraftVersion.Role.DRAFTER
        elif person is not None and _may_edit(person, document):  # (_may_edit is False for no one)
            role = _role_of(person, document)
        else:
            raise NotAllowed()
        version = _new_version(document, staged[0], by, role, comment)
        if after_approval:
            _back_to_signer(by, document)
        events.record(verb="outgoing.version_added", actor=by, agency=document.agency_id, target=document,
                      data={"version": version.number, "role": role, "comment": version.comment,
                            "stored_files": [version.stored_id]})
    return version


def _back_to_signer(by: Actor, document: OutgoingDocument) -> None:
    SigningAuthorisation.objects.filter(document=document).delete()  # the signature was for the old text
    document.status = OutgoingDocument.Status.IN_REVIEW
    document.save(update_fields=["status", "updated_at"])
    signer_step = document.steps.filter(kind=ReviewStep.Kind.SIGNER).order_by("-round", "-order").first()
    if signer_step is not None and cosigning.is_several(document):
        cosigning.back_to_signers(document, signer_step, _due(document))
    elif signer_step is not None:
        ReviewStep.objects.create(document=document, round=signer_step.round, order=signer_step.order + 1,
                                  kind=ReviewStep.Kind.SIGNER, reviewer=signer_step.reviewer,
                                  state=ReviewStep.State.PENDING, due_date=_due(document))
    events.record(verb="outgoing.back_to_signer", actor=by, agency=document.agency_id, target=document)


def _due(document: OutgoingDocument) -> Any:
    return add_working_days(timezone.localdate(), settings_for(document.agency).review_days, document.agency_id)


def _unit_head(unit: Unit, exclude: Person) -> Person | None:
    post = (Post.objects.filter(unit=unit, end_date__isnull=True, person__is_active=True,
                                position__kind__in=[Position.Kind.UNIT_HEAD, Position.Kind.AGENCY_HEAD])
            .exclude(person=exclude).select_related("person").order_by("is_concurrent", "id").first())
    if post is None:
        post = (Post.objects.filter(unit=unit, end_date__isnull=True, person__is_active=True,
                                    position__kind=Position.Kind.UNIT_DEPUTY).exclude(person=exclude)
                .select_related("person").first())
    return post.person if post else None


@transaction.atomic
def submit(*, by: Actor, document: OutgoingDocument, signer: Person, comment: str = "",
           cosigners: Sequence[Person] = (), mode: str = "", needed: int | None = None,
           co_issuers: Sequence[Agency] = ()) -> OutgoingDocument:
    """The drafter sends the draft up the loop: unit head → (office format check) → signer. With
    ``cosigners`` or ``co_issuers`` (a joint document) the signing step has several signers, in
    ``mode`` "order", "parallel" or "quorum" (``needed`` of them): outgoing/cosigning.py."""
    document = OutgoingDocument.objects.select_for_update(no_key=True).get(pk=document.pk)
    person = by.effective
    if person is None or not rules.holds_draft(person, document):  # (holds_draft is False for no one)
        raise NotAllowed()
    if not document.versions.exists():
        raise ValidationError({"upload": _("Upload the draft (DOCX or PDF) before submitting it.")})
    authority = rules.can_sign(signer, document)
    if authority is None or not signer.is_active:
        raise ValidationError({"signer": _("This person may not sign this type of document in this field.")})
    several = cosigners or co_issuers
    signers = (cosigning.plan(document, signer=signer, cosigners=cosigners, mode=mode, needed=needed,
                              co_issuers=co_issuers) if several else [(signer, document.agency_id, authority.capacity)])
    round_ = (document.steps.aggregate(m=Max("round"))["m"] or 0) + 1
    chain: list[tuple[str, Person]] = []
    head = _unit_head(document.drafting_unit, exclude=person)
    if head is not None and head.pk != signer.pk:
        chain.append((ReviewStep.Kind.UNIT_HEAD, head))
    config = settings_for(document.agency)
    if (config.office_check and config.office_checker is not None
            and config.office_checker_id not in (person.pk, signer.pk)):
        chain.append((ReviewStep.Kind.OFFICE, config.office_checker))
    if several:
        cosigning.save_plan(document, signers, mode, needed, co_issuers)
    elif document.signing_mode:  # submitted again with one signer
        cosigning.save_plan(document, signers, "", None, ())
    orders = [(order, kind, reviewer) for order, (kind, reviewer) in enumerate(chain, start=1)]
    orders += [(order, ReviewStep.Kind.SIGNER, reviewer)
               for order, reviewer in cosigning.signer_steps(document, signers, len(chain) + 1)]
    chain += [(ReviewStep.Kind.SIGNER, reviewer) for reviewer, _agency, _capacity in signers]
    document.steps.filter(state__in=[ReviewStep.State.WAITING, ReviewStep.State.PENDING]).update(
        state=ReviewStep.State.SUPERSEDED)
    due = _due(document)
    ReviewStep.objects.bulk_create([
        ReviewStep(document=document, round=round_, order=order, kind=kind, reviewer=reviewer,
                   state=ReviewStep.State.PENDING if order == 1 else ReviewStep.State.WAITING,
                   due_date=due if order == 1 else None)
        for order, kind, reviewer in orders])
    _grant_all(document, [(reviewer, None) for _kind, reviewer in chain], "reviewer")
    document.signer = signer
    document.signing_capacity = authority.capacity
    document.status = OutgoingDocument.Status.IN_REVIEW
    document.save()
    data: dict[str, Any] = {"round": round_, "chain": [[kind, reviewer.pk] for kind, reviewer in chain],
                            "comment": comment.strip()[:500]}
    if several:
        data.update(mode=document.signing_mode, needed=document.signers_needed,
                    co_issuers=[agency.pk for agency in co_issuers])
    events.record(verb="outgoing.submitted", actor=by, agency=document.agency_id, target=document, data=data)
    return document


def _my_step(by: Actor, document: OutgoingDocument) -> ReviewStep:
    step = rules.pending_step(document, by.effective)
    if step is None:
        raise NotAllowed()
    return step


def _act(step: ReviewStep, by: Actor, state: str, opinion: str) -> None:
    step.state = state
    step.opinion = opinion.strip()
    step.acted_by, step.on_behalf_of, step.acted_at = by.person, by.on_behalf_of, timezone.now()
    step.version = step.document.versions.order_by("-number").first()
    step.save()


@transaction.atomic
def approve(*, by: Actor, document: OutgoingDocument, opinion: str = "", disagreement: str = "",
            initial: Any = None) -> OutgoingDocument:
    """The reviewer whose turn it is approves and forwards; a unit head may record that they
    disagree with the drafter — the signer sees it. ``initial`` (an ``initials.Request``): the
    reviewer's initial signature on the draft, made first (outgoing.initials); with a key at a
    signing service the approval waits for it and the document is returned unchanged."""
    from qlvb.outgoing import initials

    # A DOCX draft to initial takes LibreOffice seconds: converted before the document is locked.
    prepared = initials.prepare(by, document, initial)
    document = OutgoingDocument.objects.select_for_update(no_key=True).get(pk=document.pk)
    step = _my_step(by, document)
    if initials.before_approval(by=by, document=document, step=step, initial=initial, opinion=opinion,
                                disagreement=disagreement, prepared=prepared):
        return document
    _act(step, by, ReviewStep.State.APPROVED, opinion)
    if disagreement.strip():
        step.disagreement = disagreement.strip()
        step.save(update_fields=["disagreement"])
        events.record(verb="outgoing.disagreement", actor=by, agency=document.agency_id, target=document,
                      data={"step": step.pk, "text": step.disagreement[:500]})
    if cosigning.is_several(document):  # several signers: groups of steps, k of n (outgoing/cosigning.py)
        group, done = cosigning.after_approval(document, step, _due(document))
        following = group[0] if group else None
        if done:
            document.status = OutgoingDocument.Status.APPROVED
            document.save(update_fields=["status", "updated_at"])
    else:
        following = document.steps.filter(round=step.round, order__gt=step.order,
                                          state=ReviewStep.State.WAITING).order_by("order").first()
        if following is not None:
            following.state, following.due_date = ReviewStep.State.PENDING, _due(document)
            following.save(update_fields=["state", "due_date"])
        else:
            document.status = OutgoingDocument.Status.APPROVED
            document.save(update_fields=["status", "updated_at"])
    # Each approval is named for what it is: the signer approves the issuing, the office passes the format.
    verb = {ReviewStep.Kind.SIGNER: "outgoing.approved_for_issue",
            ReviewStep.Kind.OFFICE: "outgoing.format_checked"}.get(ReviewStep.Kind(step.kind), "outgoing.approved")
    events.record(verb=verb, actor=by, agency=document.agency_id, target=document,
                  data={"step": step.kind, "opinion": opinion.strip()[:500],
                        "next": following.reviewer_id if following else None})
    return document


@transaction.atomic
def return_draft(*, by: Actor, document: OutgoingDocument, opinion: str, to: str = "drafter") -> OutgoingDocument:
    """Send the draft back with comments: to the drafter, or to the previous reviewer."""
    document = OutgoingDocument.objects.select_for_update(no_key=True).get(pk=document.pk)
    step = _my_step(by, document)
    if not opinion.strip():
        raise ValidationError({"opinion": _("Write what should be changed.")})
    _act(step, by, ReviewStep.State.RETURNED, opinion)
    previous = document.steps.filter(round=step.round, order__lt=step.order,
                                     state=ReviewStep.State.APPROVED).order_by("-order").first()
    if step.kind == ReviewStep.Kind.SIGNER and cosigning.is_several(document):
        previous = None  # one of several signers refusing returns the draft to its drafter
    if to == "previous" and previous is not None:
        ReviewStep.objects.create(document=document, round=step.round, order=step.order, kind=previous.kind,
                                  reviewer=previous.reviewer, state=ReviewStep.State.PENDING, due_date=_due(document))
        # The returning reviewer sees it again after the previous one.
        ReviewStep.objects.create(document=document, round=step.round, order=step.order + 1, kind=step.kind,
                                  reviewer=step.reviewer, state=ReviewStep.State.WAITING)
        target = previous.reviewer
    else:
        document.steps.filter(state__in=[ReviewStep.State.WAITING, ReviewStep.State.PENDING]).update(
            state=ReviewStep.State.SUPERSEDED)
        document.status = OutgoingDocument.Status.RETURNED
        document.save(update_fields=["status", "updated_at"])
        target = document.drafter
    events.record(verb="outgoing.returned", actor=by, agency=document.agency_id, target=document,
                  data={"to": target.pk, "opinion": opinion.strip()[:500]})
    return document


# --- Signing and issuing -------------------------------------------------------------------

def current_version(document: OutgoingDocument) -> DraftVersion | None:
    return document.versions.order_by("-number").first()


@transaction.atomic
def authorise_signing(*, by: Actor, document: OutgoingDocument, certificate: Any, secret: str) -> OutgoingDocument:
    """The signer signs (R15): the certificate and passphrase/PIN are checked now, and the
    signature is applied when the clerk issues the document, over the numbered and dated text."""
    from qlvb.outgoing import issuing
    from qlvb.signatures.consent import check_credentials

    document = OutgoingDocument.objects.select_for_update(no_key=True).get(pk=document.pk)
    person = by.person  # signing is personal: never on someone's behalf
    several = cosigning.is_several(document)
    if person is None or by.on_behalf_of is not None or not (
            document.signer_id == person.pk if not several else cosigning.is_signer(person, document)):
        raise NotAllowed()
    if document.status != OutgoingDocument.Status.APPROVED:
        raise ValidationError(_("Only an approved draft can be signed."))
    if several and person.pk not in cosigning.approved_signers(document):
        raise ValidationError(_("Your approval is not among those needed: you do not sign this document."))
    check_credentials(by=by, certificate=certificate, secret=secret)
    version = current_version(document)
    assert version is not None  # approved, so submitted, which needs a version
    SigningAuthorisation.objects.filter(document=document, **({"signer": person} if several else {})).delete()
    SigningAuthorisation.objects.create(
        document=document, signer=person, certificate=certificate, version=version,
        secret=issuing.seal_secret(document.pk, secret),
        expires_at=timezone.now() + timedelta(hours=AUTHORISATION_HOURS))
    authorised = set(document.authorisations.values_list("signer_id", flat=True)) if several else {person.pk}
    if not several or not cosigning.missing_authorisations(document, authorised):
        document.status = OutgoingDocument.Status.SIGNED
        document.save(update_fields=["status", "updated_at"])
    events.record(verb="outgoing.signed", actor=by, agency=document.agency_id, target=document,
                  data={"version": version.number, "certificate": certificate.fingerprint[:16]})
    return document


def notation_for(document: OutgoingDocument) -> str:
    """NĐ30: `<type abbr>-<agency abbr>`, or for a Công văn `<agency abbr>-<drafting unit abbr>`;
    a joint document's carries every issuing agency's (outgoing/cosigning.py)."""
    if document.signing_mode:
        co_issuers = [c.agency for c in document.co_issuers.select_related("agency")]
        if co_issuers:
            return cosigning.joint_notation(document, co_issuers)
    agency = document.agency.abbreviation
    if document.doc_type in NO_ABBREVIATION:
        return f"{agency}-{document.drafting_unit.abbreviation}"
    return f"{document.doc_type}-{agency}"


def _default_register(document: OutgoingDocument) -> Register:
    return default_register(agency=document.agency, direction=Register.Direction.OUTGOING,
                            secret=bool(document.secrecy))


def _issuable(by: Actor, document: OutgoingDocument, register: Register | None) -> tuple[list[Any], Register]:
    """Refuse what cannot be issued (before anything is numbered): the signers' authorisations, in
    signing order, and the register the number will come from."""
    from qlvb.outgoing import issuing

    if document.status != OutgoingDocument.Status.SIGNED:
        raise ValidationError(_("Only a document signed by its signer can be issued."))
    authorisations = issuing.authorisations_in_order(document)
    if not authorisations or any(a.expires_at < timezone.now() for a in authorisations):
        raise ValidationError(_("The signer's signature has expired; ask the signer to sign again."))
    register = register or _default_register(document)
    check_register(register, agency=document.agency, direction=Register.Direction.OUTGOING)
    if document.secrecy and not register.is_secret:
        raise ValidationError({"register": _("A secret document must be numbered in the secret register.")})
    _refuse_secret_over_network(document)
    return authorisations, register


def preview_issue(*, by: Actor, document: OutgoingDocument, register: Register | None = None,
                  stamp_at: Any = None, signature_at: Any = None) -> bytes:
    """The PDF as issuing would make it now — the number the register would give (provisional),
    today's date, the signer's signature and the agency's seal drawn where they go — marked as a
    preview and signed by no one. Reads only: nothing is numbered, signed or recorded."""
    from qlvb.outgoing import issuing

    if not rules.is_clerk(by.effective, document.agency_id):
        raise NotAllowed()
    document = OutgoingDocument.objects.select_related("agency", "drafting_unit", "signer").get(pk=document.pk)
    authorisations, register = _issuable(by, document, register)
    now = timezone.now()
    document.register, document.year = register, timezone.localtime(now).year
    document.number = peek_number(register, document.year)
    document.notation = notation_for(document)
    document.issued_at = now
    document.verification_code = codes.new_code()  # shows where it goes; issuing gives another
    return issuing.preview(document=document, authorisation=authorisations[0], stamp_at=stamp_at,
                           signature_at=signature_at)


def waiting_signature(document: OutgoingDocument) -> Any:
    """The signing session of the document waiting for the signer's remote signature, if any."""
    session = signing_session(document)
    return session if session is not None and session.is_waiting else None


def signing_session(document: OutgoingDocument) -> Any:
    """The document's latest signing session (the signer's signature asked of a signing service)."""
    from qlvb.signatures import deferred
    from qlvb.signatures.models import SigningSession

    session = (SigningSession.objects.filter(target_kind=remote_issue.SIGNING_KIND, target_id=document.pk)
               .order_by("-created_at", "-pk").first())
    if session is not None:
        deferred.expire_if_due(session)
    return session


def issue(*, by: Actor, document: OutgoingDocument, register: Register | None = None,
          stamp_at: Any = None, agency_certificate: Any = None,
          agency_secret: str | None = None, signature_at: Any = None) -> OutgoingDocument:
    """The clerk numbers, dates, has both signatures applied, registers and sends the document (R14),
    all or nothing: a failure anywhere gives the number back and leaves no file behind.

    When the signer's or the agency's key is not on the server (a signing service, a USB token at
    the holder's computer), the document is numbered and dated and the signatures are asked one
    after the other (qlvb/outgoing/remote_issue.py); issuing finishes when the last comes back. If
    one is refused, the number stays with the document and issuing it again reuses it."""
    from qlvb.outgoing import issuing

    clerk = by.effective
    if not rules.is_clerk(clerk, document.agency_id):
        raise NotAllowed()
    with transaction.atomic():
        # of=self: lock the document only, not the agency and unit rows the join reads.
        document = (OutgoingDocument.objects.select_for_update(no_key=True, of=("self",))
                    .select_related("agency", "drafting_unit").get(pk=document.pk))
        reserved = document.register if document.number else None
        authorisations, register = _issuable(by, document, reserved or register)
        # Only a document numbered for a remote signature can have one waiting.
        if reserved is not None and waiting_signature(document) is not None:
            raise ValidationError(_("The signer's signature is being asked of the signing service; wait for it."))
        now = timezone.now()
        if reserved is None:
            document.register = register
            document.year = timezone.localtime(now).year
            document.number = next_number(register, document.year)
        document.notation = notation_for(document)
        document.issued_at, document.issued_by = now, by.person
        # 60 random bits: with ten million documents issued, a new code is taken with odds of one in
        # a hundred thousand million; the unique column then refuses the issue whole (number given back).
        document.verification_code = codes.new_code()
        agency_certificate = agency_certificate or issuing.agency_certificate_for(document)
        if (any(remote_issue.is_remote(a.certificate) for a in authorisations)
                or remote_issue.is_remote(agency_certificate)):
            return remote_issue.start(by, document, authorisations, stamp_at=stamp_at,
                                      agency_certificate=agency_certificate, agency_secret=agency_secret,
                                      signature_at=signature_at)
        # Signing appends to the agency's chain and distributing to the receivers' chains: take
        # them all now, in one order (lock order), or two agencies issuing to each other deadlock.
        events.lock_chains([document.agency_id], document.recipients.filter(kind=Recipient.Kind.AGENCY)
                           .values_list("agency_id", flat=True))
        produced = issuing.produce(document=document, authorisations=authorisations, stamp_at=stamp_at, clerk=by,
                                   agency_certificate=agency_certificate, agency_secret=agency_secret,
                                   signature_at=signature_at)
        _complete_issue(by, document, register, authorisations, produced)
    return document


def _complete_issue(by: Actor, document: OutgoingDocument, register: Register, authorisations: Sequence[Any],
                    produced: Any) -> None:
    with staged_uploads(produced.main) as main, staged_uploads(produced.attachments) as signed_attachments:
        document.issued_file = main[0].stored
        # A joint document waits for the co-issuing agencies' seals before it is sent (seal_joint).
        joint = bool(document.signing_mode) and document.co_issuers.exists()
        document.status = OutgoingDocument.Status.SEALING if joint else OutgoingDocument.Status.ISSUED
        document.save()
        for attachment, signed in zip(document.attachments.order_by("order", "id"), signed_attachments,
                                      strict=True):
            attachment.signed = signed.stored
            attachment.save(update_fields=["signed"])
        if len(authorisations) == 1:
            authorisations[0].delete()
        else:
            SigningAuthorisation.objects.filter(document=document).delete()
        data = {"register": register.pk, "number": document.number, "notation": document.notation,
                "year": document.year, "seconds": round(produced.seconds, 2),
                "stored_files": [s.stored.pk for s in (*main, *signed_attachments)]}
        if joint:
            events.record(verb="outgoing.sealed_by_lead", actor=by, agency=document.agency_id, target=document,
                          data={**data, "co_issuers": [c.agency_id for c in cosigning.waiting_seal(document)]})
            return
        _send(by, document, data)


def _send(by: Actor, document: OutgoingDocument, data: dict[str, Any]) -> None:
    _distribute(document, by)
    # The rows given before (drafter, reviewers) join the issued lists too (OutgoingAccess).
    OutgoingAccess.objects.filter(document=document).update(issued_at=document.issued_at)
    events.record(verb="outgoing.issued", actor=by, agency=document.agency_id, target=document, data=data)


def seal_joint(*, by: Actor, document: OutgoingDocument, register: Register | None = None,
               agency_certificate: Any = None, agency_secret: str | None = None) -> OutgoingDocument:
    """A co-issuing agency's clerk records the joint document in the agency's own outgoing register
    (its own number there; the document keeps the lead agency's number and notation) and seals it
    with the agency's key over its signer's signature. When the last agency sealed, it is sent.
    A failure gives the agency's number back."""
    from django.core.files.base import ContentFile

    from qlvb.outgoing import issuing

    clerk = by.effective
    with transaction.atomic():
        document = (OutgoingDocument.objects.select_for_update(no_key=True, of=("self",))
                    .select_related("agency", "register", "issued_file").get(pk=document.pk))
        mine = [c for c in cosigning.waiting_seal(document) if rules.is_clerk(clerk, c.agency_id)]
        if not mine:
            if document.co_issuers.filter(agency_id__in=roles_of(clerk).clerk_agency_ids).exists() if clerk else False:
                raise ValidationError(_("Your agency has already sealed this document."))
            raise NotAllowed()
        if document.status != OutgoingDocument.Status.SEALING:
            raise ValidationError(_("The lead agency has not numbered and sealed this document yet."))
        co_issuer = mine[0]
        register = register or default_register(agency=co_issuer.agency, direction=Register.Direction.OUTGOING,
                                                 secret=bool(document.secrecy))
        check_register(register, agency=co_issuer.agency, direction=Register.Direction.OUTGOING)
        if document.secrecy and not register.is_secret:
            raise ValidationError({"register": _("A secret document must be numbered in the secret register.")})
        certificate = agency_certificate or issuing.agency_certificate_for(document, agency=co_issuer.agency)
        if remote_issue.is_remote(certificate):
            raise ValidationError(_("Sealing a joint document with a key that is not on the server is not "
                                    "supported yet; use the agency's key on the server."))
        year = timezone.localtime(document.issued_at).year
        co_issuer.register, co_issuer.year = register, year
        co_issuer.number = next_number(register, year)
        co_issuer.sealed_at, co_issuer.sealed_by = timezone.now(), by.person
        co_issuer.save()
        last = len(cosigning.waiting_seal(document)) == 0
        # Events go to the co-issuer's chain, and when it is sent to the lead's and the receivers':
        # take them all first, in one order (lock order).
        events.lock_chains([co_issuer.agency_id, document.agency_id], document.recipients.filter(
            kind=Recipient.Kind.AGENCY).values_list("agency_id", flat=True) if last else [])
        assert document.issued_file is not None  # sealed by the lead agency (SEALING)
        pdf = issuing.seal_for(document, co_issuer, read_stored(document.issued_file), clerk=by,
                               certificate=certificate, secret=agency_secret)
        name = f"{document.reference.replace('/', '-')}.pdf"
        with staged_uploads([ContentFile(pdf, name=name)]) as staged:
            document.issued_file = staged[0].stored
            data = {"register": register.pk, "number": co_issuer.number, "year": year,
                    "reference": document.reference, "stored_files": [document.issued_file.pk]}
            events.record(verb="outgoing.co_sealed", actor=by, agency=co_issuer.agency_id, target=document,
                          data=data)
            if not last:
                document.save(update_fields=["issued_file", "updated_at"])
                return document
            document.status = OutgoingDocument.Status.ISSUED
            document.save(update_fields=["issued_file", "status", "updated_at"])
            _send(by, document, {"register": document.register_id, "number": document.number,
                             "notation": document.notation, "year": document.year,
                             "co_issuers": [[c.agency_id, c.number] for c in document.co_issuers.all()],
                             "stored_files": [document.issued_file.pk]})
    return document


def _distribute(document: OutgoingDocument, by: Actor) -> None:
    """Inside the agency recipients find it in their lists; other agencies of the installation get a
    delivery record their reception queue picks up; paper recipients wait in the postal register."""
    now = timezone.now()
    recipients = list(document.recipients.all())
    _grant_all(document, [(r.person_id, None) if r.kind == Recipient.Kind.PERSON else (None, r.unit_id)
                          for r in recipients if r.kind in (Recipient.Kind.UNIT, Recipient.Kind.PERSON)], "recipient")
    Delivery.objects.bulk_create([Delivery(document=document, recipient_agency_id=r.agency_id)
                                  for r in recipients if r.kind == Recipient.Kind.AGENCY
                                  and r.agency_id is not None],  # always: _set_recipients
                                 ignore_conflicts=True)
    document.recipients.exclude(kind=Recipient.Kind.PAPER).update(delivered_at=now)
    # The exchange app takes the pending deliveries when "outgoing.issued" is recorded (R8, R16).
    if document.reply_to_id:
        events.record(verb="incoming.replied", actor=by, agency=document.agency_id, target=document.reply_to,
                      data={"outgoing": document.pk, "reference": document.reference})


@transaction.atomic
def cancel(*, by: Actor, document: OutgoingDocument, reason: str) -> OutgoingDocument:
    """Cancel a draft, or an issued document issued in error (see rules.may_cancel for who). The
    reviews still waiting end, a signature not yet used is dropped; an issued document keeps its
    number, which the register book shows as cancelled and is never given again. The reason is
    recorded."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for cancelling.")})
    document = OutgoingDocument.objects.select_for_update(no_key=True).get(pk=document.pk)
    # Cancelling an issued document is an administrator's act on their own account, never a delegate's.
    person = by.person if document.status == OutgoingDocument.Status.ISSUED else by.effective
    if not rules.may_cancel(person, document):
        if document.status == OutgoingDocument.Status.CANCELLED:
            raise ValidationError(_("The document is already cancelled."))
        raise NotAllowed()
    was = document.status
    document.steps.filter(state__in=[ReviewStep.State.PENDING, ReviewStep.State.WAITING]).update(
        state=ReviewStep.State.SUPERSEDED)
    SigningAuthorisation.objects.filter(document=document).delete()
    document.status = OutgoingDocument.Status.CANCELLED
    document.save(update_fields=["status", "updated_at"])
    if was == OutgoingDocument.Status.ISSUED:  # out of the issued lists (OutgoingAccess.issued_at)
        OutgoingAccess.objects.filter(document=document).update(issued_at=None)
    events.record(verb="outgoing.cancelled", actor=by, agency=document.agency_id, target=document,
                  data={"reason": reason[:1000], "was": was, "number": document.number,
                        "reference": document.reference if document.number else ""})
    return document


def mark_delivered(*, delivery: Delivery) -> None:
    """The exchange put the copy into the receiver's reception queue or a peer's outbound queue."""
    delivery.state = Delivery.State.DELIVERED
    delivery.save(update_fields=["state"])


@transaction.atomic
def remind_overdue_reviews(today: Any = None) -> int:
    """Flag and remind reviews not given within the allowed working days (unless urgent)."""
    today = today or timezone.localdate()
    due = (ReviewStep.objects.filter(state=ReviewStep.State.PENDING, due_date__lt=today)
           .exclude(reminded_on=today).exclude(document__urgency__gt="").select_related("document"))
    count = 0
    for step in due:
        step.reminded_on = today
        step.save(update_fields=["reminded_on"])
        events.record(verb="outgoing.review_reminded", agency=step.document.agency_id, target=step.document,
                      data={"step": step.pk, "reviewer": step.reviewer_id, "due": step.due_date})
        count += 1
    return count


# --- Hand-over (000 Đ4.1.d; core.handover) ----------------------------------------------------

OPEN_STATUSES = (OutgoingDocument.Status.DRAFT, OutgoingDocument.Status.IN_REVIEW, OutgoingDocument.Status.RETURNED,
                 OutgoingDocument.Status.APPROVED, OutgoingDocument.Status.SIGNED)
OPEN_STEP_STATES = (ReviewStep.State.WAITING, ReviewStep.State.PENDING)


def open_drafts(person: Person, agency_id: int) -> Any:
    """The documents the person drafts that are neither issued nor cancelled."""
    return OutgoingDocument.objects.filter(drafter=person, agency_id=agency_id, status__in=OPEN_STATUSES)


def open_steps(person: Person, agency_id: int) -> Any:
    """The review steps waiting for the person or pending with him, on open documents."""
    return ReviewStep.objects.filter(reviewer=person, state__in=OPEN_STEP_STATES, document__agency_id=agency_id,
                                     document__status__in=OPEN_STATUSES)


def open_work_count(person: Person, agency_id: int) -> int:
    return open_drafts(person, agency_id).count() + open_steps(person, agency_id).count()


def hand_over(*, by: Actor, person: Person, successor: Person, agency_id: int, note: str = "") -> int:
    """Give the successor the person's open drafts (he becomes their drafter), his waiting and
    pending review steps, and the signature of open documents the person was to sign; the
    successor gets an access row on each, and each document records `outgoing.handed_over`.
    The caller checks who may and holds the transaction. Returns drafts + steps moved."""
    with transaction.atomic():
        drafts = list(open_drafts(person, agency_id).select_for_update().order_by("pk").values_list("pk", flat=True))
        steps = list(open_steps(person, agency_id).select_for_update(of=("self",)).order_by("pk")
                     .values_list("pk", "document_id"))
        signing = list(OutgoingDocument.objects.filter(signer=person, agency_id=agency_id, status__in=OPEN_STATUSES)
                       .order_by("pk").values_list("pk", flat=True))
        if not drafts and not steps:
            return 0
        OutgoingDocument.objects.filter(pk__in=drafts).update(drafter=successor)
        ReviewStep.objects.filter(pk__in=[pk for pk, _document in steps]).update(reviewer=successor)
        OutgoingDocument.objects.filter(pk__in=signing).update(signer=successor)
        documents = sorted(set(drafts) | {document for _pk, document in steps} | set(signing))
        OutgoingAccess.objects.bulk_create(
            [OutgoingAccess(document_id=pk, person=successor, reason="handed_over") for pk in documents],
            ignore_conflicts=True)
        data = {"from": person.pk, "from_name": str(person), "to": successor.pk, "to_name": str(successor),
                "note": note[:500]}
        draft_set, signing_set = set(drafts), set(signing)
        step_ids: dict[int, list[int]] = {}
        for pk, document_id in steps:
            step_ids.setdefault(document_id, []).append(pk)
        for document in OutgoingDocument.objects.filter(pk__in=documents).order_by("pk"):
            events.record(verb="outgoing.handed_over", actor=by, agency=document.agency_id, target=document,
                          data={**data, "drafter": document.pk in draft_set, "signer": document.pk in signing_set,
                                "steps": step_ids.get(document.pk, [])})
    return len(drafts) + len(steps)
