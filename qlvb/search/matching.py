"""Finding a query's terms in a document's original text: for ranking, highlighting and snippets.

The index matches folded words (no marks, đ→d, lower case). To find where they are in the original
text, each folded letter becomes the class of every letter that folds to it (`o` →
`[oòóỏõọôồốổỗộơờớởỡợOÒ…]`, followed by any decomposed marks), so the original is searched as it is,
without folding it first (folding in Python costs several times more than the search itself, and a
page of results ranks a thousand candidates).

Each occurrence says whether it is spelled as typed: a word typed with its marks (`đồng`) is found
in `dòng`, `động`, `đông` too, but only `đồng` (or `Đồng`, `đồng` with its tone mark elsewhere) is
*exact*. Documents holding every marked word exactly rank first (qlvb.search.ranking), and in them
only the exact spellings are highlighted.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import defaultdict
from typing import NamedTuple

from qlvb.core.text import fold, spelling
from qlvb.search.query import Query, Term

MARKS = "[\u0300-\u036f]*"  # decomposed marks after a letter (text typed on macOS, some OCR)
TOKEN = re.compile(r"[^\W_]+")


def _variants() -> dict[str, str]:
    """Folded letter → the regular-expression class of every letter folding to it."""
    spellings: dict[str, set[str]] = defaultdict(set)
    for start, end in ((0x20, 0x0600), (0x1E00, 0x2000)):
        for code in range(start, end):
            ch = chr(code)
            folded = fold(ch)
            if len(folded) == 1 and folded.isalnum():
                spellings[folded].update(c for c in (ch, folded, folded.upper()) if len(c) == 1)
    return {letter: "[" + "".join(re.escape(c) for c in sorted(chars)) + "]"
            for letter, chars in spellings.items() if len(chars) > 1}


VARIANTS = _variants()


def _letter(ch: str) -> str:
    return VARIANTS.get(ch) or re.escape(ch)


def _word(word: str) -> str:
    return "".join(_letter(ch) + MARKS for ch in word)


def term_pattern(term: Term) -> str:
    body = r"[\W_]+".join(_word(w) for w in term.words)
    return body + (r"(?:[^\W_]|[\u0300-\u036f])*" if term.prefix else r"(?![^\W_])")


class Occurrence(NamedTuple):
    start: int
    end: int
    term: int  # index in query.terms
    exact: bool  # spelled as typed (always True for a term typed without marks)


_compiled: dict[tuple[Term, ...], re.Pattern[str]] = {}


def pattern(query: Query) -> re.Pattern[str] | None:
    """One expression finding every term, the longest first; group `t<i>` is query.terms[i]."""
    if not query.terms:
        return None
    key = tuple(query.terms)
    if key not in _compiled:
        order = sorted(range(len(query.terms)), key=lambda i: -sum(len(w) for w in query.terms[i].words))
        if len(_compiled) > 500:
            _compiled.clear()
        # Led by the class of every term's first letter: the engine then skips the positions that
        # cannot start a term at C speed (six times faster than trying each alternative there).
        first = "".join(sorted({_letter(term.words[0][0]).strip("[]") if term.words[0][0] in VARIANTS
                                else re.escape(term.words[0][0]) for term in query.terms}))
        alternatives = "|".join(f"(?P<t{i}>{term_pattern(query.terms[i])})" for i in order)
        _compiled[key] = re.compile(rf"(?=[{first}])(?<![^\W_])(?:{alternatives})")
    return _compiled[key]


@functools.lru_cache(maxsize=65536)
def _spelling(word: str) -> str:
    return spelling(word)  # the same few thousand words recur in every letter


def _is_exact(term: Term, found: str) -> bool:
    if not term.spellings:
        return True
    words = TOKEN.findall(unicodedata.normalize("NFC", found))
    if len(words) != len(term.spellings):
        return False
    last = len(words) - 1
    for index, (word, wanted) in enumerate(zip(words, term.spellings, strict=True)):
        if wanted is None:
            continue
        if term.prefix and index == last:  # compare the typed beginning only
            typed_length = len(unicodedata.normalize("NFD", wanted)) - sum(
                1 for ch in unicodedata.normalize("NFD", wanted) if unicodedata.combining(ch))
            word = word[:typed_length]
        if _spelling(word) != wanted:
            return False
    return True


def occurrences(text: str, query: Query, limit: int = 200,
                compiled: re.Pattern[str] | None = None) -> list[Occurrence]:
    """Where the query's terms are in `text` (original spelling), in order of position."""
    compiled = compiled or pattern(query)
    if compiled is None or not text:
        return []
    found = []
    terms = query.terms
    for match in compiled.finditer(text):
        index = int(match.lastgroup[1:]) if match.lastgroup else 0
        term = terms[index]
        found.append(Occurrence(match.start(), match.end(), index,
                                _is_exact(term, match.group()) if term.spellings else True))
        if len(found) >= limit:
            break
    return found


def exact_terms(query: Query, *found: list[Occurrence]) -> set[int]:
    """The terms typed with marks that are spelled as typed somewhere in these occurrences."""
    return {o.term for occurrences_ in found for o in occurrences_ if o.exact and query.terms[o.term].accented}


def shown(query: Query, found: list[Occurrence], exact: set[int]) -> list[Occurrence]:
    """The occurrences to highlight: for a term typed with marks, only its exact spellings when the
    document holds one (else every spelling, so the reader sees why the document was found)."""
    return [o for o in found if o.exact or o.term not in exact]
