"""The disclosures' tests use the notices' people (the Chánh Văn phòng, a planner, a person with two
posts) and their issued plan: one set of fixtures, defined in qlvb/notices/tests/conftest.py."""

from __future__ import annotations

from qlvb.notices.tests.conftest import _media, chief, issued, planner, register_doc, registers, two_posts  # noqa: F401
