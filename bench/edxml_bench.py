"""`make bench`, edXML part: reading, building, signing and verifying QCVN 102:2016 packages.

No database. Figures (wall time on this machine, best of the runs' median and 95th percentile):
the national sample edoc_new.edxml (367 KB, one 270 KB attachment) parsed; a status package
parsed; a QLVB package with a 20 MB attachment (1 MB with --scale small) built, signed (ECDSA
P-256, the demo PKI's key type, and RSA 2048), verified and parsed; and the fuzz rate (mutated
packages per second through parse)."""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qlvb.settings")

SCALES = {"small": {"attachment_mb": 1, "runs": 20}, "full": {"attachment_mb": 20, "runs": 10}}


def timed(fn, runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def report(name: str, samples: list[float]) -> None:
    samples = sorted(samples)
    p95 = samples[min(len(samples) - 1, int(round(0.95 * (len(samples) - 1))))]
    print(f"bench edxml.{name}.p50 {statistics.median(samples):.1f} ms", flush=True)
    print(f"bench edxml.{name}.p95 {p95:.1f} ms", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", choices=sorted(SCALES), default="full")
    args = parser.parse_args()
    scale = SCALES[args.scale]

    import django

    django.setup()
    from cryptography.hazmat.primitives.asymmetric import rsa

    from qlvb.exchange.edxml import EdxmlError, build_document, dsig, parse
    from qlvb.exchange.edxml.tests.helpers import sample
    from qlvb.exchange.edxml.tests.test_samples import qlvb_package
    from qlvb.signatures import pki

    runs = scale["runs"]
    new = sample("edoc_new.edxml")
    status = sample("status_inbox_01.edxml")
    report("parse.edoc_new_367KB", timed(lambda: parse(new), runs * 10))
    report("parse.status", timed(lambda: parse(status), runs * 50))

    mb = scale["attachment_mb"]
    package = qlvb_package(os.urandom(mb * 1024 * 1024))
    report(f"build.{mb}MB", timed(lambda: build_document(package), runs))
    data = build_document(package)
    ca_key, ca_cert = pki.make_ca("Bench CA")
    ec_key, ec_cert = pki.issue(ca_key, ca_cert, common_name="Bench EC")
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    _k, rsa_cert = pki.issue(ca_key, ca_cert, common_name="Bench RSA", key=rsa_key)
    report(f"sign_ecdsa.{mb}MB", timed(lambda: dsig.sign(data, key=ec_key, cert=ec_cert), runs))
    report(f"sign_rsa.{mb}MB", timed(lambda: dsig.sign(data, key=rsa_key, cert=rsa_cert), runs))
    signed = dsig.sign(data, key=ec_key, cert=ec_cert)
    report(f"verify.{mb}MB", timed(lambda: dsig.verify(signed, trust_roots=[ca_cert]), runs))
    report(f"parse.{mb}MB", timed(lambda: parse(signed), runs))

    rng = random.Random(1)
    seed = build_document(qlvb_package(b"%PDF-1.7 tiny"))
    count, refused, start = 0, 0, time.perf_counter()
    while time.perf_counter() - start < 5:
        raw = bytearray(seed)
        for _ in range(rng.randint(1, 4)):
            raw[rng.randrange(len(raw))] ^= 1 << rng.randrange(8)
        try:
            parse(bytes(raw))
        except EdxmlError:
            refused += 1
        count += 1
    elapsed = time.perf_counter() - start
    print(f"bench edxml.fuzz.mutated_packages_per_s {count / elapsed:.0f} /s", flush=True)
    print(f"bench edxml.fuzz.refused_share {100 * refused / count:.1f} %", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
