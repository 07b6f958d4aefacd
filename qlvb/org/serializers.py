from __future__ import annotations

from rest_framework import serializers

from qlvb.org.models import Agency, Delegation, Field, Person, Position, Post, SigningAuthority, Unit


class AgencySerializer(serializers.ModelSerializer):
    class Meta:
        model = Agency
        fields = ["id", "code", "abbreviation", "name", "parent", "address", "phone", "email", "website",
                  "is_active"]
        read_only_fields = ["id", "is_active"]


class UnitSerializer(serializers.ModelSerializer):
    class Meta:
        model = Unit
        fields = ["id", "agency", "parent", "name", "abbreviation", "kind", "order", "is_active"]
        read_only_fields = ["id", "agency"]


class PositionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Position
        fields = ["id", "agency", "name", "kind", "order"]
        read_only_fields = ["id", "agency"]


class PostSerializer(serializers.ModelSerializer):
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    position_name = serializers.CharField(source="position.name", read_only=True)

    class Meta:
        model = Post
        fields = ["id", "agency", "unit", "unit_name", "position", "position_name", "is_concurrent",
                  "start_date", "end_date"]


class PersonSerializer(serializers.ModelSerializer):
    posts = PostSerializer(source="open_posts", many=True, read_only=True)

    class Meta:
        model = Person
        fields = ["id", "username", "full_name", "agency", "email", "phone", "is_active", "posts"]


class FieldSerializer(serializers.ModelSerializer):
    class Meta:
        model = Field
        fields = ["id", "agency", "name", "abbreviation", "leader", "units"]


class SigningAuthoritySerializer(serializers.ModelSerializer):
    class Meta:
        model = SigningAuthority
        fields = ["id", "agency", "person", "capacity", "scope", "unit", "document_types", "fields", "valid_from",
                  "valid_until"]


class DelegationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Delegation
        fields = ["id", "agency", "delegator", "delegate", "scopes", "starts_at", "ends_at", "reason", "status",
                  "approver", "decided_at"]
