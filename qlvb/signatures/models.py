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
        REMOTE = "remote", _("Remote signing service")

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

    # A remote signing service (CSC, SmartCA, MySign): which one, the holder's account there and
    # the service's id of the key; the key never comes here.
    remote_provider = models.CharField(_("signing service"), max_length=20, blank=True)
    remote_account = models.CharField(_("account at the service"), max_length=300, blank=True)
    remote_id = models.CharField(_("key at the service"), max_length=300, blank=True)

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
    """A certification authority verification trusts: a root (a trust anchor proper: the VGCA's
    "Cơ quan chứng thực số chuyên dùng Chính phủ", the national root CA of NEAC…) or an
    intermediate CA under one (used to build paths, trusted only through its root).

    The demo CA keeps its private key (encrypted) so ``create_demo_pki`` can issue more
    certificates; a real CA's row holds the certificate only."""

    class Kind(models.TextChoices):
        ROOT = "root", _("Root certification authority")
        INTERMEDIATE = "intermediate", _("Intermediate certification authority")

    name = models.CharField(_("name"), max_length=300)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.ROOT)
    subject = models.CharField(_("subject"), max_length=1000, blank=True)
    issuer = models.CharField(_("issuer"), max_length=1000, blank=True)
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


class AgencySigningSettings(models.Model):
    """How an agency's signatures are made, where it differs from the default (docs/signing.md)."""

    agency = models.OneToOneField("org.Agency", on_delete=models.CASCADE, related_name="signing_settings",
                                  verbose_name=_("agency"))
    # PAdES B-LT: after the agency's signature, the certificates and the CRLs/OCSP responses that
    # prove it valid are embedded (a DSS), so it can be checked years later without the CA.
    long_term_validation = models.BooleanField(_("embed long-term validation data (PAdES B-LT)"), default=False)

    class Meta:
        verbose_name = _("agency signing settings")
        verbose_name_plural = _("agency signing settings")

    def __str__(self) -> str:
        return str(self.agency_id)


class SigningSession(models.Model):
    """One signature being made in two halves (issue 21, docs/signing.md): the server prepared the
    PDF (appearance placed, field reserved) and the digest of the CMS signed attributes; a provider
    (the server's own key, a remote signing service, the VGCA token at the user's computer) signs
    that digest; the session then completes once, with exactly that signature, or ends refused or
    expired. The token is the session's name outside: a one-time, unguessable string."""

    class Purpose(models.TextChoices):
        SIGNER = "signer", _("The signer's signature")
        AGENCY = "agency", _("The agency's signature")
        ATTACHMENT = "attachment", _("The agency's signature on an attachment")
        INITIAL = "initial", _("A reviewer's initial signature (ký nháy) on a draft")

    class State(models.TextChoices):
        WAITING = "waiting", _("Waiting for the signature")
        COMPLETED = "completed", _("Signed")
        REFUSED = "refused", _("Refused")
        EXPIRED = "expired", _("Expired")

    token = models.CharField(max_length=64, unique=True, editable=False)
    # What is signed: "outgoing.outgoingdocument" and its id (any app's document, by its kind).
    target_kind = models.CharField(_("document kind"), max_length=100, blank=True)
    target_id = models.PositiveBigIntegerField(_("document"), null=True, blank=True)
    purpose = models.CharField(_("purpose"), max_length=12, choices=Purpose.choices)
    person = models.ForeignKey("org.Person", on_delete=models.PROTECT, related_name="signing_sessions",
                               verbose_name=_("person"))
    provider = models.CharField(_("provider"), max_length=20)
    certificate = models.ForeignKey(Certificate, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="signing_sessions", verbose_name=_("certificate"))
    certificate_der = models.BinaryField(editable=False)
    prepared = models.ForeignKey("files.StoredFile", on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("prepared revision"))
    reserved_start = models.PositiveBigIntegerField(editable=False)
    reserved_end = models.PositiveBigIntegerField(editable=False)
    document_digest = models.BinaryField(editable=False)  # SHA-256 of the /ByteRange
    signed_attributes = models.BinaryField(editable=False)  # DER of the CMS signed attributes
    digest = models.BinaryField(editable=False)  # SHA-256 of signed_attributes: what is signed
    hash_alg = models.CharField(max_length=10, default="sha256", editable=False)
    # How to record the signature once made (role, field, page, reason, signer's name, about).
    details = models.JSONField(default=dict, blank=True)
    # What the caller needs to go on when the session completes later (kept by the caller's app).
    continuation = models.JSONField(default=dict, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.WAITING)
    expires_at = models.DateTimeField(_("expires at"))
    provider_reference = models.CharField(_("provider's reference"), max_length=300, blank=True)
    provider_account = models.CharField(_("account at the provider"), max_length=300, blank=True)
    error_code = models.CharField(_("error code"), max_length=40, blank=True)
    error_message = models.CharField(_("error"), max_length=500, blank=True)
    signed = models.ForeignKey("files.StoredFile", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+", verbose_name=_("signed document"))
    created_at = models.DateTimeField(_("started at"), default=timezone.now, editable=False)
    completed_at = models.DateTimeField(_("ended at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("signing session")
        verbose_name_plural = _("signing sessions")
        indexes = [
            models.Index(fields=["state", "expires_at"], name="signing_session_waiting"),
            models.Index(fields=["target_kind", "target_id"], name="signing_session_target"),
        ]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} – {self.get_state_display()}"

    @property
    def is_waiting(self) -> bool:
        return self.state == self.State.WAITING

    @property
    def digest_b64(self) -> str:
        """What the provider signs, as the VGCA plugin's SignMsg takes it."""
        import base64

        return base64.b64encode(bytes(self.digest)).decode("ascii")

    @property
    def provider_label(self) -> str:
        from qlvb.signatures.providers import provider

        try:
            return str(provider(self.provider).label)
        except LookupError:
            return self.provider

    def may_see(self, person: object) -> bool:
        """The signer (or the clerk applying the seal) and whoever started it for them."""
        pk = getattr(person, "pk", None)
        return pk is not None and (pk == self.person_id or pk in self.details.get("watchers", []))

    @property
    def target(self) -> str:
        return f"{self.target_kind}:{self.target_id}" if self.target_kind else ""
