"""What the REST endpoints that take files share."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from rest_framework import serializers

from qlvb.files.services import clean_name


class UploadField(serializers.FileField):
    """A file part: an empty one is refused naming the file, as the pages do (DRF's own message,
    "The submitted file is empty.", does not say which of several files it is)."""

    def to_internal_value(self, data: Any) -> Any:
        name, size = getattr(data, "name", None), getattr(data, "size", None)
        if name and size == 0:
            raise serializers.ValidationError(_("The file “%(name)s” is empty (0 bytes).") % {"name": clean_name(name)},
                                              code="empty")
        return super().to_internal_value(data)
