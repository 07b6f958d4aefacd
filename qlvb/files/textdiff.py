"""Word-level differences between two versions of a draft's text, shown with the reviewer's colour.

NĐ30 practice marks the unit head's edits in blue and the leader's (signer's) edits in red; the
drafter's own changes are shown in green. Typical use::

    ops = diff_versions(extract_text(old_file), extract_text(new_file))
    context = {"diff_html": render_html(ops, role="unit_head"), "old_label": ..., "new_label": ...,
               "role_label": ...}
    {% include "files/_diff.html" %}

The texts are compared paragraph by paragraph first, then word by word inside the paragraphs
that changed, so long documents stay fast. Words, runs of spaces and single punctuation marks
are the units; Vietnamese syllables with their marks are words (texts are NFC first, so a
decomposed copy from macOS compares equal).
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

__all__ = ["ROLE_STYLES", "DiffOp", "Attributed", "attributed_diff", "diff_context", "diff_versions", "has_changes",
           "render_attributed_html", "render_html", "role_style"]

Kind = Literal["equal", "insert", "delete"]
EQUAL: Kind = "equal"
INSERT: Kind = "insert"
DELETE: Kind = "delete"


@dataclass(frozen=True)
class DiffOp:
    kind: Kind
    text: str


_TOKEN = re.compile(r"\n|[^\S\n]+|\w+|[^\w\s]", re.UNICODE)


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


def _lines(text: str) -> list[str]:
    return text.splitlines(keepends=True)


def _normalise(text: str) -> str:
    return unicodedata.normalize("NFC", (text or "").replace("\r\n", "\n").replace("\r", "\n"))


def _word_ops(old: str, new: str) -> list[DiffOp]:
    a, b = _tokens(old), _tokens(new)
    ops: list[DiffOp] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            ops.append(DiffOp(EQUAL, "".join(a[i1:i2])))
            continue
        if i2 > i1:
            ops.append(DiffOp(DELETE, "".join(a[i1:i2])))
        if j2 > j1:
            ops.append(DiffOp(INSERT, "".join(b[j1:j2])))
    return ops


def _absorb_spaces(ops: list[DiffOp]) -> list[DiffOp]:
    """Fold a lone space between two changes into both, so "a b" → "c d" reads as one
    deletion and one insertion instead of a comb of tiny changes."""
    result: list[DiffOp] = []
    for index, op in enumerate(ops):
        between_changes = (
            op.kind == EQUAL and op.text and not op.text.strip(" \t\u00a0")
            and 0 < index < len(ops) - 1 and ops[index - 1].kind != EQUAL and ops[index + 1].kind != EQUAL
        )
        if between_changes:
            result += [DiffOp(DELETE, op.text), DiffOp(INSERT, op.text)]
        else:
            result.append(op)
    return result


def _tidy(ops: list[DiffOp]) -> list[DiffOp]:
    """Drop empty ops; inside each run of changes put all deletions before all insertions and
    join neighbours of the same kind."""
    result: list[DiffOp] = []
    pending_delete: list[str] = []
    pending_insert: list[str] = []

    def flush() -> None:
        if pending_delete:
            result.append(DiffOp(DELETE, "".join(pending_delete)))
        if pending_insert:
            result.append(DiffOp(INSERT, "".join(pending_insert)))
        pending_delete.clear()
        pending_insert.clear()

    for op in ops:
        if not op.text:
            continue
        if op.kind == DELETE:
            pending_delete.append(op.text)
        elif op.kind == INSERT:
            pending_insert.append(op.text)
        else:
            flush()
            if result and result[-1].kind == EQUAL:
                result[-1] = DiffOp(EQUAL, result[-1].text + op.text)
            else:
                result.append(op)
    flush()
    return result


def diff_versions(old: str, new: str) -> list[DiffOp]:
    """The changes from ``old`` to ``new`` as equal/insert/delete pieces of text, word by word.
    Joining the "equal" and "delete" pieces gives ``old``, the "equal" and "insert" ones
    ``new`` (both after NFC and newline normalisation)."""
    old, new = _normalise(old), _normalise(new)
    a, b = _lines(old), _lines(new)
    ops: list[DiffOp] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            ops.append(DiffOp(EQUAL, "".join(a[i1:i2])))
        elif tag == "delete":
            ops.append(DiffOp(DELETE, "".join(a[i1:i2])))
        elif tag == "insert":
            ops.append(DiffOp(INSERT, "".join(b[j1:j2])))
        else:
            ops.extend(_word_ops("".join(a[i1:i2]), "".join(b[j1:j2])))
    return _tidy(_absorb_spaces(_tidy(ops)))


@dataclass(frozen=True)
class Attributed:
    """A piece of the difference between two versions, with who made it: the ``label`` and
    ``role`` of the version that inserted or deleted it (empty for unchanged text)."""
    kind: Kind
    text: str
    label: str = ""
    role: str = ""


def attributed_diff(versions: list[tuple[str, str, str]]) -> list[Attributed]:
    """The changes from the first of ``versions`` (text, label, role — oldest first) to the last,
    each credited to the version that made it, however many versions lie between: every step is
    compared with the one before, and each character keeps where it came from. Text inserted and
    removed again between the two ends does not show; both ends are NFC-normalised."""
    if not versions:
        return []
    base = _normalise(versions[0][0])
    # Each character of the current text: its index in the base text, or the version that wrote it.
    current: list[tuple[str, int | tuple[str, str]]] = [(char, index) for index, char in enumerate(base)]
    deleted: dict[int, tuple[str, str]] = {}
    previous = base
    for text, label, role in versions[1:]:
        text = _normalise(text)
        following: list[tuple[str, int | tuple[str, str]]] = []
        position = 0
        for op in diff_versions(previous, text):
            if op.kind == INSERT:
                following.extend((char, (label, role)) for char in op.text)
                continue
            piece = current[position:position + len(op.text)]
            position += len(op.text)
            if op.kind == EQUAL:
                following.extend(piece)
            else:
                deleted.update({origin: (label, role) for _char, origin in piece if isinstance(origin, int)})
        current, previous = following, text
    pieces: list[Attributed] = []

    def add(kind: Kind, char: str, label: str = "", role: str = "") -> None:
        if pieces and (pieces[-1].kind, pieces[-1].label, pieces[-1].role) == (kind, label, role):
            last = pieces[-1]
            pieces[-1] = Attributed(kind, last.text + char, label, role)
        else:
            pieces.append(Attributed(kind, char, label, role))

    next_base = 0
    for char, origin in current:
        if isinstance(origin, int):
            for index in range(next_base, origin):  # base text deleted before this surviving character
                add(DELETE, base[index], *deleted.get(index, ("", "")))
            add(EQUAL, char)
            next_base = origin + 1
        else:
            add(INSERT, char, *origin)
    for index in range(next_base, len(base)):
        add(DELETE, base[index], *deleted.get(index, ("", "")))
    return pieces


def has_changes(ops: list[DiffOp]) -> bool:
    return any(op.kind != EQUAL for op in ops)


def diff_context(old: str, new: str, *, role: str, old_label: str, new_label: str, role_label: str = "") -> dict:
    """Everything ``files/_diff.html`` shows, for ``{% include "files/_diff.html" with ... %}``
    or to merge into a view's context."""
    ops = diff_versions(old, new)
    return {"diff_html": render_html(ops, role=role), "old_label": old_label, "new_label": new_label,
            "role_label": role_label, "role_style": role_style(role), "has_changes": has_changes(ops)}


# Bootstrap 5.3 utility classes (already in the page's CSS, so no inline style is needed) plus a
# class per role for finer styling. Roles not listed are shown neutral.
ROLE_STYLES: dict[str, str] = {
    "unit_head": "text-primary bg-primary-subtle",
    "office": "text-warning-emphasis bg-warning-subtle",
    "signer": "text-danger bg-danger-subtle",
    "leader": "text-danger bg-danger-subtle",
    "drafter": "text-success bg-success-subtle",
}
_NEUTRAL_STYLE = "text-body-emphasis bg-body-secondary"
_ROLE_NAME = re.compile(r"[^a-z0-9_-]")


def role_style(role: str) -> str:
    """The colour classes for a reviewer role: unit head blue, signer or leader red, drafter green."""
    return ROLE_STYLES.get(role, _NEUTRAL_STYLE)


def _role_title(role: str) -> str:
    titles = {
        "unit_head": _("Changed by the unit head"),
        "office": _("Changed by the office (format check)"),
        "signer": _("Changed by the signer"),
        "leader": _("Changed by the leader"),
        "drafter": _("Changed by the drafter"),
    }
    return titles.get(role, _("Changed"))


def _text_html(text: str, *, visible_breaks: bool) -> str:
    escaped = str(escape(text))
    if visible_breaks:  # an added or removed paragraph break would otherwise be invisible
        escaped = escaped.replace("\n", "¶\n")
    return escaped.replace("\t", "&emsp;").replace("\n", "<br>\n")


def _change_html(kind: Kind, text: str, role: str, title: str) -> str:
    role_class = "diff-role-" + (_ROLE_NAME.sub("", (role or "").lower().replace(" ", "_")) or "other")
    tag, label = ("ins", _("inserted:")) if kind == INSERT else ("del", _("deleted:"))
    decoration = "text-decoration-underline" if kind == INSERT else "text-decoration-line-through"
    return (f'<{tag} class="diff-{kind} {role_class} {role_style(role)} {decoration}" title="{escape(title)}">'
            f'<span class="visually-hidden">[{escape(label)} </span>{_text_html(text, visible_breaks=True)}'
            f'<span class="visually-hidden"> {escape(_("end of change"))}]</span></{tag}>')


def render_html(ops: list[DiffOp], *, role: str) -> SafeString:
    """The differences as HTML: insertions in ``<ins>``, deletions in ``<del>``, coloured by the
    reviewer ``role`` who made them ("unit_head" blue, "office" amber, "signer"/"leader" red,
    "drafter" green, others neutral) and marked for screen readers. Every piece of text is escaped."""
    title = _role_title(role)
    parts = [_text_html(op.text, visible_breaks=False) if op.kind == EQUAL
             else _change_html(op.kind, op.text, role, title) for op in ops]
    return mark_safe("".join(parts))  # noqa: S308 - every piece of text above is escaped


def render_attributed_html(pieces: list[Attributed]) -> SafeString:
    """Like ``render_html``, each change coloured by the role of the version that made it and
    titled with that version's label."""
    parts = [_text_html(piece.text, visible_breaks=False) if piece.kind == EQUAL else _change_html(
        piece.kind, piece.text, piece.role, f"{_role_title(piece.role)} ({piece.label})" if piece.label
        else _role_title(piece.role)) for piece in pieces]
    return mark_safe("".join(parts))  # noqa: S308 - every piece of text above is escaped
