"""Relevance: the same order on SQLite and PostgreSQL, because it is computed here, not by FTS5's
bm25 or PostgreSQL's ts_rank_cd (which weigh different things and disagree).

The candidates (at most selectors.CANDIDATES matches the viewer may open) are scored from their
title and the beginning of their text, original spelling, by:

- **rarity**: each term weighs log(1 + N / df), df its documents among the newest entries
  (selectors.document_frequencies), so a word every letter holds ("Độc lập", "Giám đốc") weighs
  little and a rare one much;
- **where**: a term in the title (reference and summary) weighs TITLE times one in the text; more
  occurrences add less and less (tf / (tf + 1.2), as BM25 does);
- **nearness**: when a field holds every term, the closer they stand (and in the order typed), the
  more it adds: "Đôn đốc" beats "đơn … đọc";
- **spelling**: when words were typed with their marks, the documents holding each of them spelled
  so come first (`đồng` before dòng, động, đông, đóng).

Ties go to the newer document.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from qlvb.search.matching import Occurrence, occurrences, pattern
from qlvb.search.query import Query

TITLE = 4.0
NEAR = 2.0
TEXT_CHARS = 2000  # of the text looked at: the first page of a letter (the cost grows with it)
SATURATION = 1.2


def idf(documents: int, frequency: int) -> float:
    return math.log(1 + documents / (frequency + 0.5))


def nearness(found: Sequence[Occurrence], terms: int) -> float:
    """1 when the terms stand next to each other in the order typed, less the further apart; 0 when
    some term is missing. Measured on the smallest stretch of text holding every term."""
    if terms < 2:
        return 0.0
    best = 0.0
    last: dict[int, Occurrence] = {}
    for occurrence in found:  # in order of position
        last[occurrence.term] = occurrence
        if len(last) < terms:
            continue
        chosen = sorted(last.values())
        span = chosen[-1].end - chosen[0].start
        gap = max(0, span - sum(o.end - o.start for o in chosen) - (terms - 1))  # beyond one space each
        in_order = all(a.term < b.term for a, b in zip(chosen, chosen[1:], strict=False))
        value = (1.0 if in_order else 0.75) / (1 + gap / 6)
        best = max(best, value)
    return best


class Ranker:
    """Scores documents for one query; `weights` per term (its idf)."""

    def __init__(self, query: Query, weights: Sequence[float]):
        self.query = query
        self.weights = list(weights)
        self.total_weight = sum(self.weights)
        self.terms = len(query.terms)
        self.accented = {i for i, term in enumerate(query.terms) if term.accented}
        self.pattern = pattern(query)

    def _field(self, found: list[Occurrence], field: float) -> float:
        counts: dict[int, int] = {}
        for occurrence in found:
            counts[occurrence.term] = counts.get(occurrence.term, 0) + 1
        total = sum(field * self.weights[term] * count / (count + SATURATION) for term, count in counts.items())
        if len(counts) == self.terms and self.terms > 1:
            total += NEAR * field * nearness(found, self.terms) * self.total_weight
        return total

    def score(self, title: str, text: str) -> tuple[bool, float]:
        """(spelled as typed, relevance) of one document."""
        found_title = occurrences(title, self.query, compiled=self.pattern)
        found_text = occurrences(text[:TEXT_CHARS], self.query, compiled=self.pattern)
        total = self._field(found_title, TITLE) + self._field(found_text, 1.0)
        if not self.accented:
            return True, total
        exact = {o.term for o in found_title if o.exact} | {o.term for o in found_text if o.exact}
        return self.accented <= exact, total

