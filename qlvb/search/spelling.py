"""Typing mistakes: "Có phải bạn muốn tìm …".

When a search finds nothing, each word the index does not hold is replaced by the words it does
hold one keystroke away (a letter swapped with its neighbour, left out, mistyped or added:
`dihn` → dinh, `kai` → khai, `hng` → hang/hong/hung, `4521` → 4512, `sttt` → stttt), and the
corrected queries are tried in that order, the first that finds something the viewer may open
winning (selectors.search). Numbers are corrected with digits, words with letters, so references
(`243/qd-sttt`) and names are corrected as well as words.

Which words the index holds is asked of the index itself: FTS5's vocabulary table on SQLite, the
GIN index of the vectors on PostgreSQL (one EXISTS per candidate, in one statement). Nothing is
suggested from documents the viewer may not open: a correction is offered only with its results.
"""

from __future__ import annotations

import itertools
import string

from django.db import connection

from qlvb.search.query import Query

LETTERS = string.ascii_lowercase
DIGITS = string.digits
MIN_LENGTH = 2  # one letter or digit is never corrected
MAX_LENGTH = 24  # nor a run of characters longer than any word
MAX_WORDS = 4  # unknown words corrected at most (more: the query is not a typing mistake)
PER_WORD = 4  # corrections kept for one word
TRIED = 8  # corrected queries tried at most


def edits(word: str) -> list[str]:
    """Every word one keystroke away, the likeliest mistakes first: two neighbours swapped, a
    letter left out, a wrong one, one too many."""
    alphabet = DIGITS if word.isdigit() else LETTERS
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    swapped = [a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1 and b[0] != b[1]]
    inserted = [a + c + b for a, b in splits for c in alphabet]
    replaced = [a + c + b[1:] for a, b in splits if b for c in alphabet if c != b[0]]
    deleted = [a + b[1:] for a, b in splits if b] if len(word) > MIN_LENGTH else []
    seen: set[str] = {word}
    ordered = []
    for candidate in swapped + inserted + replaced + deleted:
        if candidate not in seen:
            seen.add(candidate)
            ordered.append(candidate)
    return ordered


def known(words: list[str]) -> set[str]:
    """The words the index holds (folded, as indexed)."""
    words = sorted(set(words))
    if not words:
        return set()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            found: set[str] = set()
            for start in range(0, len(words), 500):
                chunk = words[start:start + 500]
                marks = ",".join(["%s"] * len(chunk))
                cursor.execute(f"SELECT term FROM search_fts_vocab WHERE term IN ({marks})", chunk)  # noqa: S608
                found.update(row[0] for row in cursor.fetchall())
            return found
        # One statement; each EXISTS is planned with its word (a common word found by the first
        # rows of a scan, a rare or absent one looked up in the GIN index).
        found = set()
        for start in range(0, len(words), 200):
            chunk = words[start:start + 200]
            parts = " UNION ALL ".join(
                ["SELECT %s WHERE EXISTS (SELECT 1 FROM search_searchentry "
                 "WHERE vector @@ to_tsquery('simple', quote_literal(%s)) LIMIT 1)"] * len(chunk))
            cursor.execute(parts, [value for word in chunk for value in (word, word)])
            found.update(row[0] for row in cursor.fetchall())
        return found


def corrections(query: Query) -> list[Query]:
    """Corrected queries, likeliest first (empty when every word is in the index)."""
    words = [w for term in query.terms for w in term.words]
    present = known(words)
    unknown = [w for w in dict.fromkeys(words) if w not in present]
    if not unknown or len(unknown) > MAX_WORDS or any(not MIN_LENGTH <= len(w) <= MAX_LENGTH for w in unknown):
        return []
    candidates = {word: edits(word) for word in unknown}
    present = known([c for options in candidates.values() for c in options])
    choices = []
    for word in unknown:
        options = [c for c in candidates[word] if c in present][:PER_WORD]
        if not options:
            return []
        choices.append(options)
    corrected = []
    for picked in itertools.islice(itertools.product(*choices), TRIED):
        replacement = dict(zip(unknown, picked, strict=True))
        terms = []
        for term in query.terms:
            for index, word in enumerate(term.words):
                if word in replacement:
                    term = term.replaced(index, replacement[word])
            terms.append(term)
        corrected.append(Query(text=query.text, terms=terms, truncated=query.truncated))
    return corrected
