"""Consultations (R26, 002 Đ22–Đ23) in a real browser: the Giám đốc consults the staff on the draft
internal rules, two answer (by name and anonymously), the results are compiled and published
(stories/consultations.py). Screenshots of each step."""

from __future__ import annotations

import pytest

from .stories.consultations import rules_consultation

pytestmark = pytest.mark.browser


def test_consultation_on_the_draft_rules(org, session, shot):
    consultation = rules_consultation(org, session, shot)
    assert consultation.published
