"""Vietnamese text helpers."""

from __future__ import annotations

import unicodedata


def fold(text: str) -> str:
    """Lower-case, strip tone and vowel marks and turn đ into d, so 'ĐÔN ĐỐC' == 'don doc'."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


# Letters that look like Đ/đ and are typed for it (a Vietnamese keyboard never means them):
# Latin eth Ð ð (Windows' "Vietnamese" code page and some fonts), African D Ɖ ɖ.
_LOOK_ALIKES = str.maketrans({"\u00d0": "Đ", "\u0189": "Đ", "\u00f0": "đ", "\u0256": "đ"})


def clean(text: str) -> str:
    """Typed text as it is kept: NFC (macOS and some IMEs type decomposed marks), Đ look-alikes
    folded into Đ, and no spaces around it."""
    return unicodedata.normalize("NFC", text).translate(_LOOK_ALIKES).strip()


MAX_ID = 2**63 - 1  # the databases' bigint


def as_id(value: object) -> int | None:
    """A number typed or sent in a request (an id, a year, a count) as an int, or None: ASCII digits
    only ("²" and "١" are digits to str.isdigit(), not to int()) and within the databases' range."""
    text = str(value if value is not None else "").strip()
    if not text or not (text.isascii() and text.isdigit()) or len(text) > 19:
        return None
    number = int(text)
    return number if number <= MAX_ID else None


# Tone marks: one per Vietnamese syllable, written on one vowel or another by habit ("hoà", "hòa").
_TONES = frozenset("\u0300\u0301\u0303\u0309\u0323")


def spelling(word: str) -> str:
    """A word's exact spelling, whatever its case, its encoding (NFC or decomposed) and the vowel its
    tone mark sits on: spelling("Hoà") == spelling("hòa") != spelling("hoa") != spelling("hóa")."""
    decomposed = unicodedata.normalize("NFD", word.lower())
    tones = sorted(ch for ch in decomposed if ch in _TONES)
    base = unicodedata.normalize("NFC", "".join(ch for ch in decomposed if ch not in _TONES))
    return base + "".join(tones)


def has_marks(word: str) -> bool:
    """Typed with a tone or vowel mark or đ (folding would change more than its case)."""
    return fold(word) != unicodedata.normalize("NFC", word).lower()
