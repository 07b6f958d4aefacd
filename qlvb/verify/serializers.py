from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers


class SignatureSerializer(serializers.Serializer):
    signer_name = serializers.CharField(help_text="The signer's name in the certificate (its CN)")
    signing_time = serializers.DateTimeField(allow_null=True, help_text="As the signer's computer said")
    status = serializers.ChoiceField(choices=["valid", "untrusted", "modified", "invalid"])
    valid = serializers.BooleanField(source="ok", help_text="Intact, trusted, not revoked, unchanged since")
    summary = serializers.CharField(help_text="One sentence, in Vietnamese")
    revocation = serializers.ChoiceField(choices=["good", "revoked", "not_checked", "no_info"], help_text=(
        "What the certificate's CA says (CRL/OCSP): good, revoked, not_checked (unreachable, checking off, "
        "no trusted path), no_info (the certificate names no revocation service)"))
    revocation_text = serializers.CharField(help_text="The revocation state in one sentence, in Vietnamese")


class DocumentSerializer(serializers.Serializer):
    agency = serializers.CharField(source="agency.name")
    reference = serializers.CharField(help_text="Number and notation, e.g. 05/QĐ-STTTT")
    issued_on = serializers.SerializerMethodField()
    doc_type = serializers.CharField()
    doc_type_label = serializers.CharField(source="get_doc_type_display")
    summary = serializers.CharField()
    secrecy = serializers.CharField(help_text="Empty for a non-secret document")
    cancelled = serializers.SerializerMethodField(help_text="Cancelled by its agency after it was issued")

    @extend_schema_field(OpenApiTypes.DATE)
    def get_issued_on(self, document: Any) -> str:
        from django.utils import timezone

        return timezone.localdate(document.issued_at).isoformat()

    def get_cancelled(self, document: Any) -> bool:
        return document.status == "cancelled"


class VerificationSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="As printed, e.g. K7QM-3XPA-9DRT")
    exists = serializers.BooleanField(default=True)
    public = serializers.BooleanField(source="full", help_text=(
        "False for a secret or internal document the caller may not open: nothing but its existence is told"))
    document = serializers.SerializerMethodField()
    signatures = serializers.SerializerMethodField()
    all_valid = serializers.SerializerMethodField()

    @extend_schema_field(DocumentSerializer(allow_null=True))
    def get_document(self, found: Any) -> Any:
        return DocumentSerializer(found.document).data if found.full else None

    @extend_schema_field(SignatureSerializer(many=True, allow_null=True))
    def get_signatures(self, found: Any) -> Any:
        return SignatureSerializer(found.signatures, many=True).data if found.full else None

    def get_all_valid(self, found: Any) -> bool | None:
        return found.all_valid if found.full else None


class LimitedSerializer(serializers.Serializer):
    detail = serializers.CharField()
    retry_after = serializers.IntegerField(help_text="Seconds")
