"""`make bench`, OCR part: the regulations in ../shared/seeds rendered as 200-dpi A4 scans (Noto
Sans 13 pt, 1° skew alternating, specks, slight blur), read by the product's OCR pipeline
(``qlvb.digitisation.engine.extract``: ocrmypdf -l vie with QLVB's plugin, in chunks,
tesseract one thread per job), then compared with the text that was rendered.

Prints
    bench ocr.pages_per_minute <v> pages/min      pages read per minute of wall time (whole pipeline)
    bench ocr.seconds_per_page <v> s
    bench ocr.cpu_seconds_per_page <v> s           CPU time (this process and its children) per page:
                                                    what a page costs whatever the machine's load
    bench ocr.cer.seeds <v> %                      character error rate: Levenshtein distance / length
                                                    of the reference, NFC, whitespace collapsed
    bench ocr.quick_first_page <v> s               the registration form's quick read of a first page
--scale full (default): every page of every seed; --scale small: the first 3 pages of one seed.

Then real-style mail (``bench/ocr_mail.py``: colour scans with a red seal over the signer and the
last lines, a blue signature, a faded photocopy, a phone photo, two columns, a table, a landscape
page), each read by ``engine.extract`` as the job does:
    bench ocr.cer.mail.<name> <v> %                CER of that scan
    bench ocr.cer.mail.mean <v> %                  mean of the scans' CERs
    bench ocr.mail.pages_per_minute <v> pages/min
    bench ocr.mail.cpu_seconds_per_page <v> s      process + children CPU time of engine.extract a page
                                                    (the primary figure: it does not depend on the load)
    bench ocr.mail.confidence.<name> <v>           tesseract's mean word confidence on the page
    bench ocr.quick_letter_top <v> %               CER of the quick read (registration form) of the
                                                    letter's first eight lines (header, number, date)
The seal rule: the seal's own ring text is not in the ground truth. Words of it read right are
taken out of the OCR text (each once) before comparing, so a clean reading of the seal costs
nothing; anything else read from the seal (broken letters, a ring word misread) stays in and
counts as inserted characters, so junk from the seal is measured, not hidden.
--only mail skips the seeds; --no-colour-filter and --preprocess "--deskew,--clean" (or "")
measure the pipeline without the colour filter or with other page preparation.
Scans are generated once and kept under bench/data/ocr/.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
import unicodedata
from collections import Counter
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = BASE_DIR / "bench" / "data" / "ocr"
# ../shared/seeds beside the checkout (a worktree or the main one), or one level up.
SEEDS = Path(os.environ.get("QLVB_SEEDS", next(
    (p for p in (BASE_DIR.parent / "shared" / "seeds", BASE_DIR.parent.parent / "shared" / "seeds") if p.is_dir()),
    BASE_DIR.parent / "shared" / "seeds")))
LINES_PER_PAGE = 38
WRAP = 78


def setup_django() -> None:
    sys.path.insert(0, str(BASE_DIR))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qlvb.settings")
    os.environ.setdefault("QLVB_VAR_DIR", str(BASE_DIR / "bench" / "data" / "var"))
    import django

    django.setup()


def seed_lines(path: Path) -> list[str]:
    """The seed as a typist would set it: Markdown marks dropped, paragraphs wrapped."""
    from qlvb.digitisation.scans import wrap_lines

    text = path.read_text(encoding="utf-8")
    text = re.sub(r"\*\*|__|(?<!\w)\*(?!\s)|(?<=\S)\*(?!\w)", "", text)
    text = re.sub(r"^#+\s*", "", text, flags=re.M)
    text = re.sub(r"[ \t]+\n", "\n", text)
    text = re.sub(r"\n{2,}", "\n", text).strip()
    return [line for line in wrap_lines(text, WRAP) if line.strip()]


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()


def levenshtein(a: str, b: str) -> int:
    """Exact edit distance, computed in a diagonal band that doubles until it holds the answer
    (the texts are close, so this is O(n·k) instead of O(n·m))."""
    if len(a) < len(b):
        a, b = b, a
    n, m = len(a), len(b)
    if m == 0:
        return n
    band = max(64, n - m + 16)
    while True:
        big = n + m + 1
        previous = [j if j <= band else big for j in range(m + 1)]
        for i in range(1, n + 1):
            lo, hi = max(1, i - band), min(m, i + band)
            current = [big] * (m + 1)
            current[0] = i if i <= band else big
            ai = a[i - 1]
            left = current[lo - 1]
            for j in range(lo, hi + 1):
                cost = previous[j - 1] + (ai != b[j - 1])
                up = previous[j] + 1
                left = min(cost, up, left + 1)
                current[j] = left
            previous = current
        distance = previous[m]
        if distance <= band or band >= n:
            return distance
        band *= 2


def without_seal_words(text: str, seal_text: str, truth: str) -> str:
    """``text`` without the words of the seal's ring read right: each ring word is taken out once,
    the last time it occurs, when it occurs more often than in the ground truth (the agency's
    name is often both in the header and on the seal)."""
    words = normalise(text).split(" ")
    expected = Counter(normalise(truth).split(" "))
    for word in seal_text.split():
        if len(word) > 1 and words.count(word) > expected[word]:
            del words[len(words) - 1 - words[::-1].index(word)]
    return " ".join(words)


def cer(reference: str, hypothesis: str) -> float:
    reference, hypothesis = normalise(reference), normalise(hypothesis)
    return 100 * levenshtein(reference, hypothesis) / max(1, len(reference))


def cpu() -> float:
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN), resource.getrusage(resource.RUSAGE_SELF)
    return sum(u.ru_utime + u.ru_stime for u in usage)


def bench_mail() -> None:
    sys.path.insert(0, str(BASE_DIR / "bench"))
    from ocr_mail import build

    from qlvb.digitisation import engine

    scans = build(SEEDS, DATA_DIR)
    colour = getattr(engine, "colour_filter", lambda: "absent")()  # absent: measuring an older engine
    print(f"# mail: colour filter {colour}, preparation {engine.preprocess()}, "
          f"jobs {engine.jobs()}, load average {os.getloadavg()[0]:.1f}", flush=True)
    rates = []
    seconds = cpu_seconds = 0.0
    for scan in scans:
        data = scan.path.read_bytes()
        cpu_started, started = cpu(), time.monotonic()
        result = engine.extract(data, "pdf")
        page_cpu = cpu() - cpu_started
        seconds, cpu_seconds = seconds + time.monotonic() - started, cpu_seconds + page_cpu
        print(f"# {scan.name}: {page_cpu:.2f} CPU-s, {result.seconds:.2f} s", flush=True)
        rate = cer(scan.truth, without_seal_words(result.text, scan.seal_text, scan.truth))
        rates.append(rate)
        print(f"bench ocr.cer.mail.{scan.name} {rate:.2f} %", flush=True)
        if getattr(result, "confidences", None):
            print(f"bench ocr.mail.confidence.{scan.name} {result.confidences[0] or 0:.1f}", flush=True)
    print(f"bench ocr.cer.mail.mean {sum(rates) / len(rates):.2f} %", flush=True)
    print(f"bench ocr.mail.pages_per_minute {60 * len(scans) / seconds:.1f} pages/min", flush=True)
    print(f"bench ocr.mail.cpu_seconds_per_page {cpu_seconds / len(scans):.2f} s", flush=True)
    letter = next(s for s in scans if s.name == "letter")
    quick = engine.quick_text(letter.path.read_bytes(), "pdf", pages=1)
    top = "\n".join(letter.truth.splitlines()[:8])
    print(f"bench ocr.quick_letter_top {cer(top, quick[:len(top)]):.2f} %", flush=True)


def make_scans(seeds: list[Path], pages_limit: int | None) -> list[tuple[str, list[list[str]], Path]]:
    from qlvb.digitisation.scans import paginate, scan_pdf

    DATA_DIR.mkdir(parents=True, exist_ok=True)
    made = []
    for seed in seeds:
        pages = paginate(seed_lines(seed), LINES_PER_PAGE)[:pages_limit]
        path = DATA_DIR / f"{seed.stem}-{len(pages)}p-200dpi.pdf"
        if not path.exists():
            path.write_bytes(scan_pdf(pages, dpi=200, skew=1.0, noise=0.002))
        made.append((seed.stem, pages, path))
    return made


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", choices=["small", "full"], default="full")
    parser.add_argument("--only", choices=["seeds", "mail"])
    parser.add_argument("--no-colour-filter", action="store_true")
    parser.add_argument("--preprocess", help="ocrmypdf page preparation, comma-separated")
    args = parser.parse_args()
    setup_django()
    from django.conf import settings

    from qlvb.digitisation import engine

    if args.no_colour_filter:
        settings.QLVB_OCR_COLOUR_FILTER = False
    if args.preprocess is not None:
        settings.QLVB_OCR_PREPROCESS = [step for step in args.preprocess.split(",") if step]

    if not engine.ocr_available():
        print("# OCR skipped: tesseract-ocr-vie and ghostscript are not installed", flush=True)
        return 0
    seeds = sorted(SEEDS.glob("0*.txt"))
    if not seeds:
        print(f"# OCR skipped: no seeds in {SEEDS}", flush=True)
        return 0
    if args.only != "seeds":
        bench_mail()
    if args.only == "mail":
        return 0
    if args.scale == "small":
        seeds, limit = seeds[-1:], 3
    else:
        limit = None
    started = time.monotonic()
    scans = make_scans(seeds, limit)
    print(f"# {sum(len(p) for _s, p, _f in scans)} pages rendered in {time.monotonic() - started:.1f} s "
          f"(kept in {DATA_DIR})", flush=True)

    print(f"# load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; "
          f"jobs per chunk {engine.jobs()}, {engine.CHUNK_PAGES} pages per chunk", flush=True)
    total_pages = total_seconds = 0.0
    cpu_started = cpu()
    errors = reference_chars = 0
    for name, pages, path in scans:
        data = path.read_bytes()
        t0 = time.monotonic()
        result = engine.extract(data, "pdf")
        seconds = time.monotonic() - t0
        read = result.text.split(engine.PAGE_SEPARATOR)
        seed_errors = seed_chars = 0
        for index, lines in enumerate(pages):
            reference = normalise("\n".join(lines))
            hypothesis = normalise(read[index] if index < len(read) else "")
            seed_errors += levenshtein(reference, hypothesis)
            seed_chars += len(reference)
        total_pages += len(pages)
        total_seconds += seconds
        errors += seed_errors
        reference_chars += seed_chars
        print(f"# {name}: {len(pages)} pages in {seconds:.1f} s ({seconds / len(pages):.2f} s/page), "
              f"CER {100 * seed_errors / max(1, seed_chars):.2f} %, failed pages {result.failed_pages}", flush=True)

    print(f"bench ocr.pages_per_minute {60 * total_pages / total_seconds:.1f} pages/min", flush=True)
    print(f"bench ocr.seconds_per_page {total_seconds / total_pages:.2f} s", flush=True)
    print(f"bench ocr.cpu_seconds_per_page {(cpu() - cpu_started) / total_pages:.2f} s", flush=True)
    print(f"# load average after: {os.getloadavg()[0]:.1f}", flush=True)
    print(f"bench ocr.cer.seeds {100 * errors / max(1, reference_chars):.2f} %", flush=True)

    _name, _pages, first = scans[0]
    t0 = time.monotonic()
    engine.quick_text(first.read_bytes(), "pdf", pages=1)
    print(f"bench ocr.quick_first_page {time.monotonic() - t0:.2f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
