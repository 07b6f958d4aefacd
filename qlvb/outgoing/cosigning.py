"""Several signers and joint documents (docs/signing.md "Several signers and joint documents").

A document with ``signing_mode`` set has its signers as DocumentSigner rows, in signing order,
the first being ``document.signer``; each has a signer's ReviewStep:

- "order": all sign, one after the other (each step its own ``order``);
- "parallel": all sign, at the same time (the steps share one ``order``);
- "quorum": k of n (``signers_needed``) at the same time; once k approved, the others' steps are
  closed as not needed and only those k sign.

A joint document (văn bản liên tịch) names co-issuing agencies (CoIssuer): each one's head, or
someone who may sign for it, is one of the signers (all of them sign), the lead agency's clerk
numbers and seals it, then each co-issuing agency's clerk records it in its own register and
seals it; it is sent once every agency sealed it.

The usual one signer (``signing_mode`` "") takes none of this: no row, no query more."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from qlvb.org.models import Agency, Person, Position, Post
from qlvb.outgoing import rules
from qlvb.outgoing.models import CoIssuer, DocumentSigner, OutgoingDocument, ReviewStep

MODES = ("order", "parallel", "quorum")
NOTATION_MAX = 30


@dataclass(frozen=True)
class Signer:
    person: Person
    agency_id: int
    capacity: str
    order: int


def is_several(document: OutgoingDocument) -> bool:
    return bool(document.signing_mode)


def _agency_head(agency: Agency) -> Person | None:
    post = (Post.objects.filter(agency=agency, end_date__isnull=True, person__is_active=True,
                                position__kind=Position.Kind.AGENCY_HEAD).select_related("person")
            .order_by("is_concurrent", "id").first())
    return post.person if post else None


def plan(document: OutgoingDocument, *, signer: Person, cosigners: Sequence[Person], mode: str,
         needed: int | None, co_issuers: Sequence[Agency]) -> list[tuple[Person, int, str]]:
    """The signers in order as (person, agency id, capacity), checked: the first signs for the
    lead agency; each co-issuing agency gets its named signer, or else its head."""
    agencies = list(dict.fromkeys(co_issuers))
    if any(agency.pk == document.agency_id for agency in agencies):
        raise ValidationError({"co_issuers": _("The lead agency is not one of its co-issuing agencies.")})
    if any(not agency.is_active for agency in agencies):
        raise ValidationError({"co_issuers": _("Choose active agencies of the installation.")})
    people = list(dict.fromkeys([signer, *cosigners]))
    signers: list[tuple[Person, int, str]] = []
    covered: set[int] = set()
    for index, person in enumerate(people):
        if not person.is_active:
            raise ValidationError({"signers": _("%(name)s is not active.") % {"name": person.full_name}})
        authority = rules.can_sign(person, document)
        if authority is not None:
            signers.append((person, document.agency_id, authority.capacity))
            continue
        found = next(((a, c) for a in agencies if (c := rules.can_sign_for(person, a)) is not None), None)
        if found is None or index == 0:
            raise ValidationError({"signers": _("%(name)s may not sign this document.") % {"name": person.full_name}})
        signers.append((person, found[0].pk, found[1]))
        covered.add(found[0].pk)
    for agency in agencies:
        if agency.pk in covered:
            continue
        head = _agency_head(agency)
        if head is None or head.pk in {p.pk for p, _a, _c in signers}:
            raise ValidationError({"co_issuers": _("%(agency)s has no head to sign: name its signer.")
                                   % {"agency": agency.name}})
        signers.append((head, agency.pk, ""))
    if len(signers) > 1 or agencies:
        if mode not in MODES:
            mode = "order"
        if agencies and mode == "quorum":
            raise ValidationError({"mode": _("A joint document is signed by every agency: choose all signers, "
                                             "in order or at the same time.")})
        if mode == "quorum" and (needed is None or not 1 <= needed <= len(signers)):
            raise ValidationError({"needed": _("Give how many of the %(count)s signers must sign (1 to %(count)s).")
                                   % {"count": len(signers)}})
    if agencies:
        notation = joint_notation(document, agencies)
        if len(notation) > NOTATION_MAX:
            raise ValidationError({"co_issuers": _("The notation %(notation)s would be longer than %(max)s "
                                                   "characters: name fewer agencies.")
                                   % {"notation": notation, "max": NOTATION_MAX}})
    return signers


def joint_notation(document: OutgoingDocument, agencies: Sequence[Agency]) -> str:
    """NĐ30 Phụ lục I: the type's abbreviation with "LT" (liên tịch) and every issuing agency's
    abbreviation, the lead's first — e.g. TTLT-STTTT-SNV; a Công văn has no type abbreviation."""
    from qlvb.core.doctypes import NO_ABBREVIATION

    names = [document.agency.abbreviation, *[agency.abbreviation for agency in agencies]]
    if document.doc_type in NO_ABBREVIATION:
        return "-".join(names)
    return "-".join([f"{document.doc_type}LT", *names])


def save_plan(document: OutgoingDocument, signers: list[tuple[Person, int, str]], mode: str, needed: int | None,
              co_issuers: Sequence[Agency]) -> None:
    """The signers and co-issuing agencies of this submission, replacing the previous ones."""
    DocumentSigner.objects.filter(document=document).delete()
    CoIssuer.objects.filter(document=document).delete()
    several = len(signers) > 1 or bool(co_issuers)
    document.signing_mode = (mode if mode in MODES else "order") if several else ""
    document.signers_needed = needed if document.signing_mode == "quorum" else None
    if not several:
        return
    DocumentSigner.objects.bulk_create([DocumentSigner(document=document, order=order, person=person,
                                                       agency_id=agency_id, capacity=capacity)
                                        for order, (person, agency_id, capacity) in enumerate(signers, start=1)])
    CoIssuer.objects.bulk_create([CoIssuer(document=document, agency=agency, order=order)
                                  for order, agency in enumerate(dict.fromkeys(co_issuers), start=1)])


def signer_steps(document: OutgoingDocument, signers: list[tuple[Person, int, str]], first_order: int) -> list[
        tuple[int, Person]]:
    """(order, person) of each signer's step: one after the other, or all at one order."""
    if document.signing_mode == "order" or not document.signing_mode:
        return [(first_order + index, person) for index, (person, _a, _c) in enumerate(signers)]
    return [(first_order, person) for person, _a, _c in signers]


def after_approval(document: OutgoingDocument, step: ReviewStep, due: Any) -> tuple[list[ReviewStep], bool]:
    """What follows an approval on a document with several signers: the next steps made pending
    (all those of the next order), or nothing yet (others of a parallel group still to approve),
    or the document approved (the rule is met: True)."""
    steps = document.steps.filter(round=step.round)
    if step.kind == ReviewStep.Kind.SIGNER and document.signing_mode in ("parallel", "quorum"):
        group = steps.filter(kind=ReviewStep.Kind.SIGNER, order=step.order)
        if document.signing_mode == "quorum":
            approved = group.filter(state=ReviewStep.State.APPROVED).count()
            if approved >= (document.signers_needed or 0):
                group.filter(state__in=[ReviewStep.State.PENDING, ReviewStep.State.WAITING]).update(
                    state=ReviewStep.State.NOT_NEEDED)
                return [], True
            return [], False
        if group.filter(state__in=[ReviewStep.State.PENDING, ReviewStep.State.WAITING]).exists():
            return [], False
        return [], True
    following = list(steps.filter(order__gt=step.order, state=ReviewStep.State.WAITING).order_by("order", "id"))
    if not following:
        return [], True
    turn = [s for s in following if s.order == following[0].order]
    for waiting in turn:
        waiting.state, waiting.due_date = ReviewStep.State.PENDING, due
        waiting.save(update_fields=["state", "due_date"])
    return turn, False


def signing_order(document: OutgoingDocument) -> list[Signer]:
    """Who signs the issued document, in order: the one signer, or those of several whose
    approval counts (all; for k of n, the k who approved)."""
    if not is_several(document):
        assert document.signer is not None  # a document past approval has its signer
        return [Signer(document.signer, document.agency_id, document.signing_capacity, 1)]
    approved = approved_signers(document)
    return [Signer(row.person, row.agency_id, row.capacity, row.order)
            for row in document.signers.select_related("person") if row.person_id in approved]


def approved_signers(document: OutgoingDocument) -> set[int]:
    """The signers whose latest signer's step of the latest round is approved."""
    latest = document.steps.filter(kind=ReviewStep.Kind.SIGNER).order_by("-round").values_list("round",
                                                                                                flat=True).first()
    if latest is None:
        return set()
    state: dict[int, str] = {}
    for reviewer, step_state in (document.steps.filter(kind=ReviewStep.Kind.SIGNER, round=latest)
                                 .order_by("order", "id").values_list("reviewer_id", "state")):
        state[reviewer] = step_state
    return {pk for pk, value in state.items() if value == ReviewStep.State.APPROVED}


def is_signer(person: Person | None, document: OutgoingDocument) -> bool:
    if person is None:
        return False
    if not is_several(document):
        return document.signer_id == person.pk
    return document.signers.filter(person=person).exists()


def missing_authorisations(document: OutgoingDocument, authorised: set[int]) -> list[Person]:
    return [s.person for s in signing_order(document) if s.person.pk not in authorised]


def signer_rows_of(person: Person) -> Any:
    return DocumentSigner.objects.filter(person=person)


def waiting_seal(document: OutgoingDocument) -> list[CoIssuer]:
    return list(document.co_issuers.filter(sealed_at__isnull=True).select_related("agency"))


def back_to_signers(document: OutgoingDocument, last: ReviewStep, due: Any) -> None:
    """A change after the signers approved: every signer approves again, as submitted (all of them
    again for k of n too), after the steps of this round."""
    signers = [(row.person, row.agency_id, row.capacity) for row in document.signers.select_related("person")]
    ReviewStep.objects.bulk_create([
        ReviewStep(document=document, round=last.round, order=order, kind=ReviewStep.Kind.SIGNER, reviewer=person,
                   state=ReviewStep.State.PENDING if order == last.order + 1 else ReviewStep.State.WAITING,
                   due_date=due if order == last.order + 1 else None)
        for order, person in signer_steps(document, signers, last.order + 1)])
