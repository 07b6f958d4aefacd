"""Demo exchange data: a package from another vendor's system (the national edXML sample) waiting
in UBND tỉnh's reception queue, as if it came by the official mailbox."""

from __future__ import annotations

from pathlib import Path

from qlvb.exchange.models import ReceptionItem
from qlvb.org.models import Agency

SAMPLE = Path(__file__).resolve().parent / "edxml" / "tests" / "samples" / "edoc_new.edxml"


def load_demo() -> str:
    from qlvb.exchange import transport

    receiver = Agency.objects.filter(code="000.00.00.H51").first()
    if receiver is None or not SAMPLE.exists():
        return "exchange: nothing (no UBND tỉnh or no sample)"
    if ReceptionItem.objects.filter(receiver=receiver, source=ReceptionItem.Source.MAILBOX).exists():
        return "exchange: demo package already there"
    result = transport.receive(SAMPLE.read_bytes(), source=ReceptionItem.Source.MAILBOX, require_signature=False,
                               default_receiver=receiver)
    return f"exchange: {len(result.items or [])} package(s) from another vendor waiting in UBND tỉnh's queue"
