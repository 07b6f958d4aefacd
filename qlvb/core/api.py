"""What the REST endpoints of every app share: the caller as an Actor, and the translation of
the services' outcomes into HTTP (NotAllowed → 404, a Django ValidationError → 400 keyed by field)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.settings import api_settings

from qlvb.core.actor import Actor, client_ip
from qlvb.core.errors import NotAllowed


def caller(request: Request) -> Actor:
    """The caller, with their own authority only (no delegation in the API)."""
    return Actor(person=request.user, ip=client_ip(request))


def service_call(action: Callable[[], Any], rename: dict[str, str] | None = None) -> Any:
    """Run a service; its refusals become 404 and 400 (`rename`: service field → API field)."""
    try:
        return action()
    except NotAllowed as error:
        raise NotFound() from error
    except DjangoValidationError as error:
        non_field = api_settings.NON_FIELD_ERRORS_KEY
        if hasattr(error, "error_dict"):
            detail: dict[str, list[str]] = {}
            for key, messages in error.message_dict.items():
                name = non_field if key == NON_FIELD_ERRORS else (rename or {}).get(key, key)
                detail.setdefault(name, []).extend(messages)
        else:
            detail = {non_field: error.messages}
        raise serializers.ValidationError(detail) from error


def validated(serializer_class: type[serializers.Serializer], request: Request, **context: Any) -> dict[str, Any]:
    serializer = serializer_class(data=request.data, context={"request": request, **context})
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def invalid(field: str, message: str) -> serializers.ValidationError:
    return serializers.ValidationError({field: [message]})


MAX_ID = 2**63 - 1  # the databases' largest integer key; a larger number fails in SQL (OverflowError), not 404


class ObjectId(serializers.IntegerField):
    """The id of an object, in a request body: a positive integer within the databases' keys."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(**kwargs)


def pk_or_404(value: Any) -> int:
    text = str(value)
    if not (text.isascii() and text.isdigit()) or int(text) > MAX_ID:  # "²" is a digit to isdigit(), not to int()
        raise NotFound()
    return int(text)


class NamedSerializer(serializers.Serializer):
    """A person or a unit as the API names it (one schema component for every app)."""

    id = serializers.IntegerField()
    name = serializers.CharField()


def named(obj: Any) -> dict[str, Any] | None:
    """A person (their full name) or a unit (its name) as NamedSerializer gives it; None for none."""
    if obj is None:
        return None
    return {"id": obj.pk, "name": getattr(obj, "full_name", None) or getattr(obj, "name", str(obj))}


def enum_field(component: str, values: list[str], description: str) -> Callable[..., serializers.ChoiceField]:
    """A ChoiceField class rendered as a reference to one named enum component of the OpenAPI
    schema, so apps' `status`, `role` or `kind` enums do not collide. It fills in its choices
    itself: call it with the field options only (read_only, required…)."""
    schema = {"type": "string", "enum": values, "description": description}

    @extend_schema_field(schema, component_name=component)
    class EnumField(serializers.ChoiceField):
        def __init__(self, **kwargs: Any) -> None:
            super().__init__(choices=[(v, v) for v in values], **kwargs)

    EnumField.__name__ = EnumField.__qualname__ = f"{component}Field"
    return EnumField


def choice_values(choices: Any) -> list[str]:
    return [value for value, _label in choices]


class PageSizeField(serializers.IntegerField):
    """`limit` as every list of the API takes it: any value answers (qlvb.core.paging.ApiPagination):
    one past the bounds is brought within them, one that is not a number is the default."""

    def to_internal_value(self, data: object) -> int:
        try:
            value = int(str(data).strip())
        except ValueError:
            return 25  # the default page
        return min(max(value, int(self.min_value or 1)), int(self.max_value or 100))


class PageOffsetField(serializers.IntegerField):
    """`offset` as every list of the API takes it: below zero or not a number is the first page."""

    def to_internal_value(self, data: object) -> int:
        try:
            return max(int(str(data).strip()), 0)
        except ValueError:
            return 0
