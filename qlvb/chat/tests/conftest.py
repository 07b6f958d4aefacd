from __future__ import annotations

import pytest

from qlvb.core.actor import Actor
from qlvb.incoming.tests.conftest import _media, register_doc, registers  # noqa: F401  (fixtures)
from qlvb.org import services as org_services


@pytest.fixture
def two_posts(org):
    """The unit head of CNTT also holds a post in the office (kiêm nhiệm): he is in both rooms."""
    org_services.assign_post(by=Actor(org.admin), person=org.unit_head, unit=org.office,
                             position=org.positions["cv"])
    return org.unit_head
