"""Errors services raise. NotAllowed becomes a 404 at the edge, so an object someone may not
touch looks exactly like one that does not exist."""

from __future__ import annotations


class NotAllowed(Exception):
    pass
