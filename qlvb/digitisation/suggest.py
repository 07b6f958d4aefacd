"""Suggested registration fields from the text of an incoming document (NĐ30 layout).

An administrative document starts with the issuing agency (upper case, top left, the parent
body above it), the national motto (top right), ``Số: 12/QĐ-UBND``, the place and date
``Sơn La, ngày 05 tháng 3 năm 2026``, then the type in capitals (QUYẾT ĐỊNH, THÔNG BÁO…) and
the summary under it — or, for an official letter (công văn), ``V/v …`` under the number.
OCR of the two header columns often puts the agency and the motto on one line; both orders are
handled. Everything found is a *suggestion*: the clerk confirms each one.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from datetime import date
from typing import Any

from qlvb.core.doctypes import DOCUMENT_TYPES
from qlvb.core.text import fold

# Markdown emphasis and heading marks in texts typed by hand; OCR noise at line starts.
_DECORATION = re.compile(r"^[#>*_\s|~•·\-–—]+|[*_|~\s]+$")
_MOTTO = [re.compile(p) for p in (
    r"cong\s*hoa\s*xa\s*hoi\s*chu\s*nghia\s*viet\s*nam",
    r"doc\s*lap\s*[-–—.,]*\s*tu\s*do\s*[-–—.,]*\s*hanh\s*phuc",
)]
_MOTTO_START = re.compile(r"\bcong\s*hoa\b|\bdoc\s*lap\s*[-–—]")
_NUMBER = re.compile(
    r"S[ốốoỐO]\s*(?:hiệu|hieu)?\s*[:.;]?\s*(\d{1,7})?\s*/\s*((?:\d{4}\s*/\s*)?[A-ZĐ][A-Za-zĐđ0-9]*(?:\s*[-–]\s*[A-ZĐ0-9][A-Za-zĐđ0-9]*)*)")
_DATE = re.compile(r"ng[àaả]y\s+(\d{1,2})\s*(?:th[áa]ng)\s+(\d{1,2})\s*(?:n[ăaâ]m)\s+(\d{4})", re.IGNORECASE)
_DATE_SLASHED = re.compile(r"ng[àa]y\s+(\d{1,2})\s*/\s*(\d{1,2})\s*/\s*(\d{4})", re.IGNORECASE)
_VV = re.compile(r"^\s*V\s*/\s*v\s*[:.]?\s*(.+)$", re.IGNORECASE)
_STOP = re.compile(r"^(căn cứ|kính gửi|thực hiện|theo |điều \d|chương |phần |nơi nhận|trên cơ sở|xét |"
                   r"để |sau khi|ngày \d)", re.IGNORECASE)
_LOCALITY = ("tinh", "thanh pho", "huyen", "quan", "thi xa", "xa", "phuong", "thi tran")
_ABBREVIATIONS = {"ubnd": "uy ban nhan dan", "hdnd": "hoi dong nhan dan", "tp": "thanh pho",
                  "tttt": "thong tin va truyen thong"}
# Type names by their folded form, longest first (so "giay moi" wins over shorter names).
# "Sở Nội vụ", "Bộ Tài chính", "Trung tâm Công nghệ thông tin và Truyền thông": a capital after these.
_HEADS = {"so", "bo", "cuc", "tam", "vien"}
_ACRONYMS = {"ubnd", "hdnd", "mttq", "tw", "cntt", "tttt"}
_TYPES = sorted(((fold(name), code) for code, name in DOCUMENT_TYPES), key=lambda item: -len(item[0]))
_TYPE_CODES = {code for code, _name in DOCUMENT_TYPES}
_TYPE_CODES_FOLDED = {fold(code): code for code in _TYPE_CODES}


def _clean_line(line: str) -> str:
    line = unicodedata.normalize("NFC", line).replace("**", "").replace("\u00a0", " ")
    line = _DECORATION.sub("", line)
    return re.sub(r"\s+", " ", line).strip()


def _strip_motto(line: str) -> str:
    """The line without the national motto (OCR often joins it to the agency's name)."""
    folded = fold(line)
    for pattern in _MOTTO:
        match = pattern.search(folded)
        if match:
            # fold() keeps one character per character for Vietnamese (NFD then dropped marks
            # shift nothing once recomposed), so positions in the folded text map back.
            if len(folded) == len(line):
                line = (line[:match.start()] + " " + line[match.end():]).strip()
                folded = fold(line)
            else:
                return ""
    # OCR cuts the motto short ("… CỘNG HÒA XÃ HỘI CHỦ NGHĨA VI"): what follows "Cộng hòa" is not the agency.
    partial = _MOTTO_START.search(folded)
    if partial and partial.start() > 0 and len(folded) == len(line):
        line = line[:partial.start()]
    return re.sub(r"^[\s\-–—]+|[\s\-–—]+$", "", line)


def _is_upper(line: str) -> bool:
    letters = [ch for ch in line if ch.isalpha()]
    return len(letters) >= 3 and sum(ch.isupper() for ch in letters) / len(letters) > 0.85


def _lines(text: str, limit: int = 80) -> list[str]:
    out = []
    for raw in (text or "").replace("\f", "\n").splitlines():
        line = _clean_line(raw)
        if line and not re.fullmatch(r"[\W_]+", line):
            out.append(line)
        if len(out) >= limit:
            break
    return out


def _valid_date(day: str, month: str, year: str) -> date | None:
    try:
        value = date(int(year), int(month), int(day))
    except ValueError:
        return None
    return value if 1945 <= value.year <= 2100 else None


def _type_of_line(line: str) -> str | None:
    folded = fold(line).strip(" :.")
    for name, code in _TYPES:
        if folded == name:
            return code
    return None


def sentence_case(text: str) -> str:
    """'ỦY BAN NHÂN DÂN TỈNH SƠN LA' → 'Ủy ban nhân dân tỉnh Sơn La': lower case, capitals for the
    first word and for the place name after tỉnh, huyện, thành phố…"""
    words = text.lower().split()
    if not words:
        return ""
    out = []
    capitalise_rest = head_seen = False
    i = 0
    while i < len(words):
        word = words[i]
        pair = fold(" ".join(words[i:i + 2]))
        if not capitalise_rest and (pair in _LOCALITY or fold(word) in _LOCALITY):
            step = 2 if pair in _LOCALITY else 1
            out.extend(words[i:i + step])
            i += step
            capitalise_rest = True
            continue
        if fold(word) in _ACRONYMS:
            out.append(word.upper())
            i += 1
            continue
        after_head = i > 0 and (fold(words[i - 1]) in _HEADS or fold(words[i - 1]) == "va" and head_seen)
        head_seen = head_seen or fold(word) in _HEADS
        out.append(word[:1].upper() + word[1:] if capitalise_rest or i == 0 or after_head else word)
        i += 1
    return " ".join(out)


def _tokens(text: str) -> set[str]:
    folded = fold(text)
    for short, long in _ABBREVIATIONS.items():
        folded = re.sub(rf"\b{short}\b", long, folded)
    return set(re.findall(r"[a-z0-9]+", folded))


def match_agency(header: Iterable[str], agencies: Iterable[Any], notation: str = "") -> Any | None:
    """The directory agency (objects with ``name`` and ``abbreviation``) whose name's words are all
    in the header lines; ties go to the one whose abbreviation ends the notation (QĐ-SNV)."""
    header_tokens = _tokens(" ".join(header))
    suffix = fold(notation.rsplit("-", 1)[-1]) if "-" in notation else ""
    best, best_score = None, 0.0
    for agency in agencies:
        words = _tokens(agency.name) - {"va", "cua"}
        if not words:
            continue
        score = len(words & header_tokens) / len(words)
        if suffix and fold(getattr(agency, "abbreviation", "") or "") == suffix:
            score += 0.25
        if score > best_score:
            best, best_score = agency, score
    return best if best_score >= 0.99 else None


def suggest_incoming_fields(text: str, agencies: Iterable[Any] = (), directory: Iterable[Any] = ()) -> dict[str, Any]:
    """Suggested values for the incoming registration form, by form field name: number,
    notation, document_date (a date), doc_type (a code of core.doctypes), issuer_name,
    issuer_agency (an agency of the installation, when ``agencies`` are given and one matches) or
    else issuer_code (with issuer_name as the national ``directory`` has them), summary, signer_name.
    Fields not found are left out."""
    lines = _lines(text)
    found: dict[str, Any] = {}
    number_at = date_at = type_at = None

    for index, line in enumerate(lines[:40]):
        match = _NUMBER.search(line)
        if match and not _STOP.match(line):
            if match.group(1):
                found["number"] = match.group(1)
            notation = re.sub(r"\s+", "", match.group(2)).replace("–", "-")
            found["notation"] = notation[:30]
            number_at = index
            break

    for index, line in enumerate(lines[:40]):
        if _is_upper(line) and _type_of_line(_strip_motto(line)):
            found["doc_type"] = _type_of_line(_strip_motto(line))
            type_at = index
            break

    # The place and date line is above the title; "Căn cứ … ngày …" lines below it are not it.
    for index, line in enumerate(lines[:type_at if type_at is not None else 15]):
        if _STOP.match(line):
            break
        match = _DATE.search(line) or _DATE_SLASHED.search(line)
        if match:
            value = _valid_date(*match.groups())
            if value:
                found["document_date"] = value
                date_at = index
                break

    notation = found.get("notation", "")
    if "doc_type" not in found and notation:
        head = notation.split("/")[-1].split("-")[0]
        code = _TYPE_CODES_FOLDED.get(fold(head)) if head not in _TYPE_CODES else head
        if code and "-" in notation.split("/")[-1]:
            found["doc_type"] = code
        elif notation:
            found["doc_type"] = "CV"  # 123/UBND-VP: an official letter's notation

    summary = _summary(lines, type_at, number_at)
    if summary:
        found["summary"] = summary
        if "doc_type" not in found and any(_VV.match(line) for line in lines[:30]):
            found["doc_type"] = "CV"

    header = _header(lines, number_at, date_at, type_at)
    if header:
        found["issuer_name"] = sentence_case(header[-1])
        if len(header) > 1 and not any(fold(w) in fold(header[-1]) for w in ("tinh", "thanh pho", "huyen")):
            # "SỞ NỘI VỤ" under "UBND TỈNH SƠN LA": name the place too.
            place = re.search(r"(tỉnh|thành phố|huyện)\s+(.+)$", sentence_case(header[-2]), re.IGNORECASE)
            if place:
                found["issuer_name"] = f"{found['issuer_name']} {place.group(1).lower()} {place.group(2)}"
        agency = match_agency(header, agencies, notation)
        if agency is not None:
            found["issuer_agency"] = agency
        else:  # an agency outside the installation: its name and code as the national directory has them
            entry = match_agency(header, directory, notation)
            if entry is not None:
                found["issuer_name"], found["issuer_code"] = entry.name, entry.code
    signer = _signer(text)
    if signer:
        found["signer_name"] = signer
    return found


def doubtful(found: dict[str, Any]) -> set[str]:
    """The suggested fields to check before use, never put in the form by "use all": an issuer not
    found in the directory, a notation with a cut-off part, a summary that runs into the body."""
    marked = set()
    if "issuer_name" in found and "issuer_agency" not in found and "issuer_code" not in found:
        marked.add("issuer_name")
    notation = found.get("notation", "")
    if notation and any(len(part) < 2 and not part.isdigit() for part in re.split(r"[-/]", notation)):
        marked.add("notation")
    summary = found.get("summary", "")
    if summary and (len(summary) > 250 or re.search(r"[.:;]\s+[A-ZĐÀ-Ỹ]", summary)):
        marked.add("summary")
    return marked


def _header(lines: list[str], number_at: int | None, date_at: int | None, type_at: int | None) -> list[str]:
    end = min(i for i in (number_at, date_at, type_at, 8) if i is not None)
    header: list[str] = []
    for line in lines[:end]:
        line = _strip_motto(line)
        if not line or not _is_upper(line) or _DATE.search(line) or _NUMBER.search(line):
            continue
        if header and fold(line).split(" ", 1)[0] in ("tinh", "thanh", "huyen", "quan", "xa", "phuong"):
            header[-1] = f"{header[-1]} {line}"  # ỦY BAN NHÂN DÂN / TỈNH BẮC GIANG: one name
            continue
        header.append(line)
    return header[-3:]


def _summary(lines: list[str], type_at: int | None, number_at: int | None) -> str:
    parts: list[str] = []
    for index, line in enumerate(lines[:30]):
        match = _VV.match(line)
        if match:
            parts.append(match.group(1))
            for follow in lines[index + 1:index + 4]:
                if _STOP.match(follow) or _is_upper(follow) or _DATE.search(follow) or _NUMBER.search(follow):
                    break
                if parts[-1].rstrip().endswith((".", ":")):  # a sentence ended: the body has begun
                    break
                parts.append(follow)
            break
    if not parts and type_at is not None:
        for follow in lines[type_at + 1:type_at + 5]:
            if _STOP.match(follow) or (_is_upper(follow) and parts) or _DATE.search(follow):
                break
            if _is_upper(follow) and not parts:
                break
            parts.append(follow)
    text = re.sub(r"\s+", " ", " ".join(parts)).strip(" .;:")
    text = re.sub(r"^(về việc|v/v)\s*[:.]?\s*", "", text, flags=re.IGNORECASE)
    if not text:
        return ""
    return (text[:1].upper() + text[1:])[:500]


_NAME = re.compile(r"^([A-ZĐÀ-Ỹ][a-zà-ỹđ]+)(\s+[A-ZĐÀ-Ỹ][a-zà-ỹđ]+){1,4}$")


def _signer(text: str) -> str:
    """The signer's name: a short line of capitalised words near the end, after 'Nơi nhận' or
    the signature block (KT. / TM. / GIÁM ĐỐC…)."""
    lines = _lines(text, limit=10_000)[-25:]
    for line in reversed(lines):
        candidate = re.sub(r"^\(?(đã ký|ký)\)?\s*", "", line, flags=re.IGNORECASE).strip()
        if _NAME.match(candidate) and fold(candidate) not in {fold(n) for _c, n in DOCUMENT_TYPES}:
            return candidate
    return ""
