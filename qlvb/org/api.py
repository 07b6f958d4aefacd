"""REST endpoints for the organisation. Read scoped to the caller's agencies (others get 404);
writes go through the same services as the pages."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import api_view
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from qlvb.core.actor import actor_from_request
from qlvb.core.errors import NotAllowed
from qlvb.org import permissions, selectors, services
from qlvb.org import serializers as s
from qlvb.org.http import signed_in
from qlvb.org.models import Agency, Delegation, Field, Person, Position, SigningAuthority, Unit


def _agency_ids(request: Request) -> set[int] | None:
    """None means every agency (installation administrator)."""
    person = signed_in(request.user)
    if permissions.is_installation_admin(person):
        return None
    return permissions.member_agency_ids(person)


def _scoped(queryset: QuerySet, request: Request, field: str = "agency_id") -> QuerySet:
    if not request.user.is_authenticated:  # schema generation
        return queryset.none()
    ids = _agency_ids(request)
    return queryset if ids is None else queryset.filter(**{f"{field}__in": ids})


def _service_call(action: Any) -> Any:
    try:
        return action()
    except NotAllowed as error:
        raise NotFound() from error
    except DjangoValidationError as error:
        detail = error.message_dict if hasattr(error, "error_dict") else error.messages
        raise serializers.ValidationError(detail) from error


class AgencyViewSet(mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = s.AgencySerializer
    filterset_fields = ["code", "parent"]
    http_method_names = ["get", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[Agency]:
        return _scoped(Agency.objects.all(), self.request, "pk").order_by("code")

    def perform_update(self, serializer: serializers.BaseSerializer[Agency]) -> None:
        agency = serializer.instance
        assert agency is not None  # an update has the object it updates
        serializer.instance = _service_call(lambda: services.update_agency(
            by=actor_from_request(self.request), agency=agency, **serializer.validated_data))


class UnitViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = s.UnitSerializer
    filterset_fields = ["agency", "parent", "kind", "is_active"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[Unit]:
        return _scoped(Unit.objects.filter(deleted_at__isnull=True), self.request).order_by("agency", "order", "name")

    def perform_create(self, serializer: serializers.BaseSerializer[Unit]) -> None:
        person = signed_in(self.request.user)
        agency = person.agency
        if agency is None:  # refused as services.create_unit refuses a unit without an agency
            if not permissions.can_manage_agency(person, None):
                raise NotFound()
            raise serializers.ValidationError({"agency": [_("This field cannot be null.")]})
        data = dict(serializer.validated_data)
        data.pop("is_active", None)
        serializer.instance = _service_call(lambda: services.create_unit(
            by=actor_from_request(self.request), agency=agency, **data))

    def perform_update(self, serializer: serializers.BaseSerializer[Unit]) -> None:
        unit = serializer.instance
        assert unit is not None  # an update has the object it updates
        serializer.instance = _service_call(lambda: services.update_unit(
            by=actor_from_request(self.request), unit=unit, **serializer.validated_data))


class PositionViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = s.PositionSerializer
    filterset_fields = ["agency", "kind"]

    def get_queryset(self) -> QuerySet[Position]:
        return _scoped(Position.objects.all(), self.request).order_by("agency", "order")


class PersonViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = s.PersonSerializer
    filterset_fields = ["agency", "is_active"]

    def get_queryset(self) -> QuerySet[Person]:
        from qlvb.org.selectors import _open_posts

        people = _scoped(Person.objects.filter(is_superuser=False, deleted_at__isnull=True), self.request)
        return people.order_by("full_name", "pk").prefetch_related(_open_posts())


class FieldViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = s.FieldSerializer
    filterset_fields = ["agency", "leader"]

    def get_queryset(self) -> QuerySet[Field]:
        return _scoped(Field.objects.all(), self.request).prefetch_related("units").order_by("agency", "name")


class SigningAuthorityViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = s.SigningAuthoritySerializer
    filterset_fields = ["agency", "person", "capacity", "scope"]

    def get_queryset(self) -> QuerySet[SigningAuthority]:
        return _scoped(SigningAuthority.objects.all(), self.request).prefetch_related("fields").order_by("pk")


class DelegationViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = s.DelegationSerializer
    filterset_fields = ["agency", "status", "delegator", "delegate"]

    def get_queryset(self) -> QuerySet[Delegation]:
        return _scoped(Delegation.objects.all(), self.request).order_by("-starts_at")


@extend_schema(responses=s.PersonSerializer)
@api_view(["GET"])
def me(request: Request) -> Response:
    """The caller's own record and posts."""
    user = signed_in(request.user)
    person = selectors.get_person(user, user.pk) if not user.is_superuser else user
    return Response(s.PersonSerializer(person).data, status=status.HTTP_200_OK)
