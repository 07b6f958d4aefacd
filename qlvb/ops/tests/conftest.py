from __future__ import annotations

import pytest

from qlvb.ops import selectors


@pytest.fixture(autouse=True)
def _fresh_results(settings):
    """Every request asks the checks again: a test's change (a storage broken, the clock moved) must show."""
    settings.QLVB_HEALTH_CACHE_SECONDS = 0
    selectors.forget()
    yield
    selectors.forget()
