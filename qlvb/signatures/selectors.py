"""Reads: the certificates a person may sign with, and signature reports of stored PDFs."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from django.core.cache import cache
from django.db.models import Max, Q, QuerySet
from django.utils import timezone

from qlvb.org.roles import roles_of
from qlvb.signatures.models import Certificate, SignatureImage, TrustAnchor
from qlvb.signatures.verification import SignatureReport, verify_pdf

if TYPE_CHECKING:
    from qlvb.files.models import StoredFile
    from qlvb.org.models import Agency, Person

REPORT_CACHE_SECONDS = 3600


def usable_certificates(person: Person) -> QuerySet[Certificate]:
    """Certificates the person may sign with now: their own, and their agencies' if they are a
    clerk there."""
    now = timezone.now()
    owned = Q(person=person) | Q(agency_id__in=roles_of(person).clerk_agency_ids)
    return (Certificate.objects.filter(owned, is_active=True, revoked_at__isnull=True, not_before__lte=now,
                                       not_after__gt=now)
            .select_related("person", "agency").order_by("agency_id", "-not_after"))


def active_image(*, person: Person | None = None, agency: Agency | None = None) -> SignatureImage | None:
    """The person's handwritten signature or the agency's seal in use."""
    qs = SignatureImage.objects.filter(is_active=True).select_related("stored_file")
    qs = qs.filter(person=person, kind=SignatureImage.Kind.SIGNATURE) if person is not None else qs.filter(
        agency=agency, kind=SignatureImage.Kind.SEAL)
    return qs.order_by("-created_at", "-pk").first()


def _trust_version() -> str:
    """Changes whenever what verification trusts changes (an authority added or dropped, a
    certificate revoked), so cached reports are not stale."""
    anchors = ",".join(TrustAnchor.objects.filter(is_active=True).order_by("fingerprint")
                       .values_list("fingerprint", flat=True))
    revoked = Certificate.objects.aggregate(last=Max("revoked_at"))["last"]
    return hashlib.sha256(f"{anchors}|{revoked}".encode()).hexdigest()[:16]


def signature_reports(stored: StoredFile) -> list[SignatureReport]:
    """The signature reports of a stored PDF, cached by content for an hour (verifying costs
    about a tenth of a second per signature). Not a PDF or unreadable: an empty list."""
    from django.core.exceptions import ValidationError

    from qlvb.files.services import read_stored

    if stored.kind != "pdf":
        return []
    key = f"signatures:reports:{stored.sha256}:{_trust_version()}"
    reports = cache.get(key)
    if reports is None:
        try:
            reports = verify_pdf(read_stored(stored))
        except ValidationError:
            reports = []
        cache.set(key, reports, REPORT_CACHE_SECONDS)
    return reports
