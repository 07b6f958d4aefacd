"""The search language, parsed by us and never handed raw to the database.

- words are matched whatever their accents and case (`don doc` = `đôn đốc` = `ĐÔN ĐỐC`);
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

from qlvb.core.text import fold

MAX_QUERY = 500  # characters looked at
MAX_TERMS = 24
TOKEN = re.compile(r"[^\W_]+")
CHUNK = re.compile(r'"([^"]*)"?(\*?)|(\S+)')
WORD = r"[^\W_]"


@dataclass(frozen=True)
class Term:
    words: tuple[str, ...]  # folded
    prefix: bool = False

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

    def tsquery(self) -> str:
        parts = []
        for term in self.terms:
            lexemes = [f"'{w}'" for w in term.words]
            if term.prefix:
                lexemes[-1] += ":*"
            parts.append("(" + " <-> ".join(lexemes) + ")" if len(lexemes) > 1 else lexemes[0])
        return " & ".join(parts)

    def words(self) -> list[str]:
        return [w for term in self.terms for w in term.words]

    def pattern(self) -> re.Pattern[str] | None:
        """A regular expression finding the terms in folded text (for highlighting)."""
        alternatives = []
        for term in sorted(self.terms, key=lambda t: -sum(len(w) for w in t.words)):
            body = r"[\W_]+".join(re.escape(w) for w in term.words)
            body += rf"{WORD}*" if term.prefix else rf"(?!{WORD})"
            alternatives.append(rf"(?<!{WORD}){body}")
        return re.compile("|".join(alternatives)) if alternatives else None


def parse(text: str) -> Query:
    text = text or ""
    truncated = len(text) > MAX_QUERY
    query = Query(text=text[:MAX_QUERY], truncated=truncated)
    seen: set[Term] = set()
    for match in CHUNK.finditer(query.text):
        phrase, star, chunk = match.group(1), match.group(2), match.group(3)
        raw = phrase if phrase is not None else chunk
        prefix = bool(star) if phrase is not None else raw.endswith("*")
        words = tuple(TOKEN.findall(fold(raw)))
        if not words:
            continue
        if prefix and len(words[-1]) < 2:  # a one-letter prefix would match half the language
            prefix = False
        term = Term(words=words, prefix=prefix)
        if term not in seen:
            seen.add(term)
            query.terms.append(term)
        if len(query.terms) >= MAX_TERMS:
            query.truncated = True
            break
    return query
