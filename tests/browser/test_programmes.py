"""Work programmes in a real browser: a unit's quarterly programme from its draft to the Phó Giám
đốc's field view (stories/programmes.py). Screenshots of each step."""

from __future__ import annotations

import pytest

from .stories.programmes import quarterly_programme

pytestmark = pytest.mark.browser


def test_quarterly_programme_to_tasks_and_the_deputys_view(org, root, session, shot, local_storage):
    quarterly_programme(org, root, session, shot)
