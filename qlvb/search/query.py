"""The search language, parsed by us and never handed raw to the database.

- words are matched whatever their accents and case (`don doc` = `đôn đốc` = `ĐÔN ĐỐC`); a word typed
  with its marks keeps its spelling (`Term.spellings`), so that the documents holding it exactly rank
  first and only that spelling is highlighted in them (qlvb.search.matching);
- `"quy che lam viec"` is a phrase (the words next to each other, in that order);
- `quy*` is a prefix (quy, quyết, quyền…);
- everything else (quotes left open, operators such as AND/OR/NEAR, SQL, emoji, punctuation) is
  taken literally: only the letters and digits count, as in the index.

The parsed query is rendered for FTS5 (every word quoted) and for to_tsquery (every lexeme quoted),
made only of letters and digits, so no input can change the meaning of the expression.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from qlvb.core.text import clean, fold, has_marks, spelling

MAX_QUERY = 500  # characters looked at
MAX_TERMS = 24
TOKEN = re.compile(r"[^\W_]+")
CHUNK = re.compile(r'"([^"]*)"?(\*?)|(\S+)')


@dataclass(frozen=True)
class Term:
    words: tuple[str, ...]  # folded
    prefix: bool = False
    # per word: its exact spelling (qlvb.core.text.spelling) when typed with marks, else None
    spellings: tuple[str | None, ...] = ()

    @property
    def accented(self) -> bool:
        return any(s is not None for s in self.spellings)

    def replaced(self, index: int, word: str) -> Term:
        """The term with its index-th word replaced by a (folded) correction, typed without marks."""
        words = self.words[:index] + (word,) + self.words[index + 1:]
        return Term(words=words, prefix=self.prefix)

    @property
    def is_phrase(self) -> bool:
        return len(self.words) > 1


@dataclass
class Query:
    text: str
    terms: list[Term] = field(default_factory=list)
    truncated: bool = False

    def __bool__(self) -> bool:
        return bool(self.terms)

    def fts5(self, *, all_prefix: bool = False) -> str:
        parts = []
        for term in self.terms:
            phrase = '"' + " ".join(term.words) + '"'
            parts.append(phrase + ("*" if term.prefix or all_prefix else ""))
        return " ".join(parts)

    def tsquery(self, *, all_prefix: bool = False) -> str:
        parts = []
        for term in self.terms:
            lexemes = [f"'{w}'" for w in term.words]
            if term.prefix or all_prefix:
                lexemes[-1] += ":*"
            parts.append("(" + " <-> ".join(lexemes) + ")" if len(lexemes) > 1 else lexemes[0])
        return " & ".join(parts)

    def words(self) -> list[str]:
        return [w for term in self.terms for w in term.words]

    @property
    def accented(self) -> bool:
        return any(term.accented for term in self.terms)

    def typed(self) -> str:
        """The query as a person would type it again (a suggestion's link)."""
        parts = []
        for term in self.terms:
            text = " ".join(term.words)
            parts.append((f'"{text}"' if term.is_phrase else text) + ("*" if term.prefix else ""))
        return " ".join(parts)


def parse(text: str) -> Query:
    text = text or ""
    truncated = len(text) > MAX_QUERY
    query = Query(text=text[:MAX_QUERY], truncated=truncated)
    seen: set[tuple[tuple[str, ...], bool]] = set()
    for match in CHUNK.finditer(query.text):
        phrase, star, chunk = match.group(1), match.group(2), match.group(3)
        raw = phrase if phrase is not None else chunk
        prefix = bool(star) if phrase is not None else raw.endswith("*")
        words = tuple(TOKEN.findall(fold(raw)))
        if not words:
            continue
        if prefix and len(words[-1]) < 2:  # a one-letter prefix would match half the language
            prefix = False
        typed = TOKEN.findall(clean(raw))
        spellings = tuple(spelling(w) if has_marks(w) else None for w in typed) \
            if len(typed) == len(words) else ()
        term = Term(words=words, prefix=prefix, spellings=spellings if any(spellings) else ())
        if (term.words, term.prefix) not in seen:  # the same words typed twice count once
            seen.add((term.words, term.prefix))
            query.terms.append(term)
        if len(query.terms) >= MAX_TERMS:
            query.truncated = True
            break
    return query
