"""Agencies, their units, positions and people, fields of work, signing authority, delegation."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qlvb.core.text import fold

if TYPE_CHECKING:  # org.roles imports these models
    from qlvb.org.roles import Roles

agency_code_validator = RegexValidator(
    r"^[A-Z0-9]{3}(\.[A-Z0-9]{2}){2}\.[A-Z][0-9]{2}([.A-Z0-9]{0,22})$",
    _("The agency code must look like 000.00.00.H51 (QCVN 102:2016)."),
)
abbreviation_validator = RegexValidator(
    r"^[A-Za-zĐđ0-9][A-Za-zĐđ0-9&]*$", _("Use letters and digits only, without spaces or dashes.")
)
username_validator = RegexValidator(
    r"^[a-z0-9][a-z0-9._-]{2,149}$", _("Use 3–150 lower-case letters, digits, dots, dashes or underscores.")
)


class Agency(models.Model):
    code = models.CharField(_("agency code"), max_length=35, unique=True, validators=[agency_code_validator])
    abbreviation = models.CharField(_("abbreviation"), max_length=20, validators=[abbreviation_validator])
    name = models.CharField(_("name"), max_length=200)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children", verbose_name=_("parent")
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.URLField(_("website"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")

    def __str__(self) -> str:
        return self.name


class DirectoryAgency(models.Model):
    """The national directory of agency codes (mã định danh, QCVN 102:2016 and Quyết định
    20/2020/QĐ-TTg): every agency that may send a document, inside the installation or not. Loaded
    and refreshed from the published list (`manage.py load_agency_directory`); registration finds
    issuers in it, and suggestions read from a scan are matched against it."""

    code = models.CharField(_("agency code"), max_length=35, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_folded = models.CharField(max_length=200, editable=False, db_index=True)
    parent_code = models.CharField(_("parent agency code"), max_length=35, blank=True)
    is_current = models.BooleanField(_("in the current list"), default=True)
    # An old code kept as an alias of the code that replaced it (getAgenciesList's oldCode).
    replaced_by = models.CharField(_("replaced by the code"), max_length=35, blank=True)
    email = models.CharField(_("e-mail"), max_length=254, blank=True)
    # The national axis's own ids (getAgenciesList: id, pid), from which parent_code is set.
    axis_id = models.CharField(max_length=40, blank=True, db_index=True)
    axis_parent_id = models.CharField(max_length=40, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("directory agency")

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.name_folded = fold(self.name)
        super().save(*args, **kwargs)


class Unit(models.Model):
    class Kind(models.TextChoices):
        LEADERSHIP = "leadership", _("Leadership")
        OFFICE = "office", _("Office")
        INSPECTORATE = "inspectorate", _("Inspectorate")
        DEPARTMENT = "department", _("Department")
        CENTRE = "centre", _("Centre")
        SECTION = "section", _("Section")

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="units", verbose_name=_("agency"))
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children", verbose_name=_("parent unit")
    )
    name = models.CharField(_("name"), max_length=200)
    abbreviation = models.CharField(_("abbreviation"), max_length=20, validators=[abbreviation_validator])
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.DEPARTMENT)
    order = models.PositiveIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    # Set while it waits in the bin (core.bin): hidden from every list and choice.
    deleted_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["agency", "order", "name"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        constraints = [models.UniqueConstraint(fields=["agency", "name", "parent"], name="unit_unique_name")]

    def __str__(self) -> str:
        return self.name


class Position(models.Model):
    class Kind(models.TextChoices):
        AGENCY_HEAD = "agency_head", _("Agency head")
        AGENCY_DEPUTY = "agency_deputy", _("Agency deputy head")
        UNIT_HEAD = "unit_head", _("Unit head")
        UNIT_DEPUTY = "unit_deputy", _("Unit deputy head")
        SPECIALIST = "specialist", _("Specialist")
        CLERK = "clerk", _("Clerk")
        ACCOUNTANT = "accountant", _("Accountant")
        STAFF = "staff", _("Staff")

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="positions", verbose_name=_("agency"))
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.SPECIALIST)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["agency", "order", "name"]
        verbose_name = _("position")
        verbose_name_plural = _("positions")
        constraints = [models.UniqueConstraint(fields=["agency", "name"], name="position_unique_name")]

    def __str__(self) -> str:
        return self.name


class PersonManager(BaseUserManager["Person"]):
    use_in_migrations = True

    def get_by_natural_key(self, username: str | None) -> Person:
        return self.get(username=username)

    def create_superuser(self, username: str, password: str | None = None, **extra: object) -> Person:
        person = self.model(username=username, is_superuser=True, is_staff=True, **extra)
        person.set_password(password)
        person.save(using=self._db)
        return person


class Person(AbstractBaseUser):
    """A member of staff with their own account (R4: nobody uses another's account)."""

    username = models.CharField(_("username"), max_length=150, unique=True, validators=[username_validator])
    full_name = models.CharField(_("full name"), max_length=150)
    # fold(full_name), kept by save(): "nguyen van" finds "Nguyễn Văn" on SQLite and PostgreSQL alike.
    name_folded = models.CharField(max_length=150, blank=True, default="", editable=False)
    agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="people", verbose_name=_("agency")
    )
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    is_agency_admin = models.BooleanField(_("agency administrator"), default=False)
    # Installation administrators (Django superusers) manage every agency.
    is_superuser = models.BooleanField(_("installation administrator"), default=False)
    is_staff = models.BooleanField(default=False)
    must_change_password = models.BooleanField(default=True)
    failed_logins = models.PositiveIntegerField(default=0)
    locked_at = models.DateTimeField(null=True, blank=True)
    locked_reason = models.CharField(max_length=200, blank=True)
    password_changed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # Set while it waits in the bin (core.bin): hidden from every list and choice.
    deleted_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = PersonManager()

    USERNAME_FIELD = "username"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    # Caches on the instance, filled by org.roles.roles_of and org.permissions.member_agency_ids.
    _roles: Roles
    _member_agency_ids: set[int]

    class Meta:
        ordering = ["full_name"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        indexes = [models.Index(fields=["agency", "full_name"], name="person_agency_name")]

    def __str__(self) -> str:
        return self.full_name or self.username

    def save(self, *args: Any, **kwargs: Any) -> None:
        # A stored copy of the name, not a rule: it must follow every save of the name.
        self.name_folded = fold(self.full_name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "full_name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "name_folded"}
        super().save(*args, **kwargs)

    @property
    def is_locked(self) -> bool:
        return self.locked_at is not None

    # Django admin compatibility; the product's own permission checks live in org.permissions.
    def has_perm(self, perm: str, obj: object = None) -> bool:
        return self.is_active and self.is_superuser

    def has_module_perms(self, app_label: str) -> bool:
        return self.is_active and self.is_superuser

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split()[-1] if self.full_name else self.username


class Post(models.Model):
    """A position a person holds in a unit. A person may hold several (kiêm nhiệm)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="posts", verbose_name=_("person"))
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="posts", verbose_name=_("agency"))
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="posts", verbose_name=_("unit"))
    position = models.ForeignKey(Position, on_delete=models.PROTECT, related_name="posts", verbose_name=_("position"))
    is_concurrent = models.BooleanField(_("concurrent post"), default=False)
    start_date = models.DateField(_("from"), null=True, blank=True)
    end_date = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        ordering = ["is_concurrent", "id"]
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        indexes = [models.Index(fields=["unit", "person"], name="post_unit_person")]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "unit", "position"], condition=Q(end_date__isnull=True), name="post_unique_open"
            )
        ]

    def __str__(self) -> str:
        return f"{self.position} – {self.unit}"


class Field(models.Model):
    """A field of work (lĩnh vực), led by a leader who also supervises some units (R2)."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="fields", verbose_name=_("agency"))
    name = models.CharField(_("name"), max_length=200)
    abbreviation = models.CharField(_("abbreviation"), max_length=20, blank=True)
    leader = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="led_fields",
        verbose_name=_("leader in charge"),
    )
    units = models.ManyToManyField(Unit, blank=True, related_name="fields", verbose_name=_("supervised units"))

    class Meta:
        ordering = ["agency", "name"]
        verbose_name = _("field of work")
        verbose_name_plural = _("fields of work")
        constraints = [models.UniqueConstraint(fields=["agency", "name"], name="field_unique_name")]

    def __str__(self) -> str:
        return self.name


class SigningAuthority(models.Model):
    """Who may sign which documents, in which capacity (R3; NĐ30 signing prefixes)."""

    class Capacity(models.TextChoices):
        OWN = "", _("In own name")
        TM = "TM", _("TM. (on behalf of the collective)")
        KT = "KT", _("KT. (signing for the head)")
        TL = "TL", _("TL. (by order of the head)")
        TUQ = "TUQ", _("TUQ. (by written delegation)")
        Q = "Q", _("Q. (acting)")

    class Scope(models.TextChoices):
        AGENCY = "agency", _("Agency documents")
        UNIT = "unit", _("Unit documents")

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="signing_authorities")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="signing_authorities",
                               verbose_name=_("signer"))
    capacity = models.CharField(_("capacity"), max_length=3, choices=Capacity.choices, blank=True, default="")
    scope = models.CharField(_("scope"), max_length=10, choices=Scope.choices, default=Scope.AGENCY)
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.CASCADE, verbose_name=_("unit"))
    # Type abbreviations (NĐ30 Phụ lục III; "CV" for Công văn); empty means every type.
    document_types = models.JSONField(_("document types"), default=list, blank=True)
    fields = models.ManyToManyField(Field, blank=True, verbose_name=_("fields of work"))
    valid_from = models.DateField(_("from"), null=True, blank=True)
    valid_until = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        verbose_name = _("signing authority")
        verbose_name_plural = _("signing authorities")

    def __str__(self) -> str:
        return f"{self.capacity + '. ' if self.capacity else ''}{self.person}"


class Delegation(models.Model):
    """Ủy quyền (R5): the delegate acts with the delegator's authority for a period."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        REVOKED = "revoked", _("Revoked")

    class Scope(models.TextChoices):
        ALL = "all", _("All authority")
        INCOMING = "incoming", _("Incoming documents: routing and handling")
        OUTGOING = "outgoing", _("Outgoing documents: review and signing")
        UNIT = "unit", _("Managing the unit's work")

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="delegations")
    delegator = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="delegations_given",
                                  verbose_name=_("delegator"))
    delegate = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="delegations_received",
                                 verbose_name=_("delegate"))
    scopes = models.JSONField(_("scope"), default=list)
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("until"))
    reason = models.CharField(_("reason"), max_length=300)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    approver = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("approver"))
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(max_length=300, blank=True)
    ended_notified = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-starts_at"]
        verbose_name = _("delegation")
        verbose_name_plural = _("delegations")
        indexes = [
            models.Index(fields=["delegate", "status", "ends_at"], name="delegation_delegate"),
            models.Index(fields=["agency", "status", "ends_at"], name="delegation_agency"),
        ]

    def __str__(self) -> str:
        return f"{self.delegator} → {self.delegate}"

    def is_in_force(self, at: datetime | None = None) -> bool:
        at = at or timezone.now()
        return self.status == self.Status.APPROVED and self.starts_at <= at < self.ends_at
