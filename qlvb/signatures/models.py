"""Signing certificates, signature and seal images, and the certification authorities trusted
when signatures are verified.

Private keys never leave the server unencrypted at rest: a PKCS#12 file is kept encrypted with
a key derived from the installation's secret (``signatures.crypto``), and its passphrase is
asked at signing time unless the owner chose to store it (encrypted too). A key on a PKCS#11
token or HSM stays there; only where to find it is stored, and the PIN is asked at signing time.
"""

from __future__ import annotations

from datetime import datetime

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Certificate(models.Model):
    """A signing certificate with its key: a person's own, or the agency's (used by its clerks)."""

    class Kind(models.TextChoices):
        PKCS12 = "pkcs12", _("Key file (PKCS#12)")
        PKCS11 = "pkcs11", _("Token or HSM (PKCS#11)")

    person = models.ForeignKey("org.Person", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="certificates", verbose_name=_("person"))
    agency = models.ForeignKey("org.Agency", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="certificates", verbose_name=_("agency"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)

    subject_cn = models.CharField(_("holder"), max_length=300)
    subject = models.CharField(_("subject"), max_length=1000)
    issuer = models.CharField(_("issuer"), max_length=1000)
    serial = models.CharField(_("serial number"), max_length=80)
    not_before = models.DateTimeField(_("valid from"))
    not_after = models.DateTimeField(_("valid until"))
    fingerprint = models.CharField(_("SHA-256 fingerprint"), max_length=64, unique=True)
    certificate_pem = models.TextField(_("certificate (PEM)"))
    chain_pem = models.TextField(_("issuer certificates (PEM)"), blank=True)

    # PKCS#12: the file encrypted at rest; its passphrase only if the owner chose to store it.
    pkcs12_encrypted = models.BinaryField(null=True, blank=True, editable=False)
    passphrase_stored = models.BooleanField(_("passphrase stored"), default=False)
    passphrase_encrypted = models.BinaryField(null=True, blank=True, editable=False)

    # PKCS#11: where the key is; the PIN is asked at signing time.
    pkcs11_module = models.CharField(_("PKCS#11 module"), max_length=300, blank=True)
    pkcs11_token_label = models.CharField(_("token label"), max_length=100, blank=True)
    pkcs11_key_label = models.CharField(_("key label"), max_length=100, blank=True)

    is_active = models.BooleanField(_("active"), default=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revocation_reason = models.CharField(_("reason for revocation"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("added at"), default=timezone.now, editable=False)
    created_by = models.ForeignKey("org.Person", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("added by"))

    class Meta:
        ordering = ["-not_after"]
        verbose_name = _("signing certificate")
        verbose_name_plural = _("signing certificates")
        constraints = [
            models.CheckConstraint(
                condition=(Q(person__isnull=False, agency__isnull=True) | Q(person__isnull=True, agency__isnull=False)),
                name="certificate_one_owner",
            ),
        ]
        indexes = [
            models.Index(fields=["person", "is_active"], name="certificate_person"),
            models.Index(fields=["agency", "is_active"], name="certificate_agency"),
        ]

    def __str__(self) -> str:
        return f"{self.subject_cn} ({self.not_after:%d/%m/%Y})"

    @property
    def owner_agency_id(self) -> int | None:
        """The agency whose event chain records this certificate's use."""
        if self.agency_id:
            return self.agency_id
        return self.person.agency_id if self.person is not None else None

    def is_usable(self, at: datetime | None = None) -> bool:
        at = at or timezone.now()
        return self.is_active and self.revoked_at is None and self.not_before <= at <= self.not_after


class SignatureImage(models.Model):
    """A person's handwritten signature (blue, transparent PNG) or an agency's seal (red)."""

    class Kind(models.TextChoices):
        SIGNATURE = "signature", _("Handwritten signature")
        SEAL = "seal", _("Seal")

    person = models.ForeignKey("org.Person", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="signature_images", verbose_name=_("person"))
    agency = models.ForeignKey("org.Agency", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="signature_images", verbose_name=_("agency"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    stored_file = models.ForeignKey("files.StoredFile", on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("image"))
    width_px = models.PositiveIntegerField(_("width in pixels"))
    height_px = models.PositiveIntegerField(_("height in pixels"))
    # The printed size: a seal is shown at its real size (NĐ30 Phụ lục I).
    width_mm = models.DecimalField(_("width in millimetres"), max_digits=5, decimal_places=1)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("added at"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("signature image")
        verbose_name_plural = _("signature images")
        constraints = [
            models.CheckConstraint(
                condition=(Q(person__isnull=False, agency__isnull=True) | Q(person__isnull=True, agency__isnull=False)),
                name="signature_image_one_owner",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} – {self.person or self.agency}"


class TrustAnchor(models.Model):
    """A root certification authority whose certificates verification trusts.

    The demo CA keeps its private key (encrypted) so ``create_demo_pki`` can issue more
    certificates; a real CA's row holds the certificate only."""

    name = models.CharField(_("name"), max_length=300)
    certificate_pem = models.TextField(_("certificate (PEM)"))
    fingerprint = models.CharField(_("SHA-256 fingerprint"), max_length=64, unique=True)
    not_after = models.DateTimeField(_("valid until"))
    is_demo = models.BooleanField(_("demo authority"), default=False)
    private_key_encrypted = models.BinaryField(null=True, blank=True, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("added at"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("trusted certification authority")
        verbose_name_plural = _("trusted certification authorities")

    def __str__(self) -> str:
        return self.name
