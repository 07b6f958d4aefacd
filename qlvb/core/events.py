"""The append-only event log: every state change, hash-chained per agency.

record() must run inside the same transaction as the change it describes, so the change and
its event are committed together or not at all.

It is also the one path by which apps learn what other apps did. An app registers subscribers in
its AppConfig.ready() (`subscribe`); record() hands them every event whose verb they asked for:
- in the transaction (`after_commit=False`) for what must agree with the change or be lost with
  it: tallies, the search index, the reception queue's state, outbox rows (a job row, a status
  package waiting for the outbound queue);
- after commit (`after_commit=True`) for what leaves the database and may run later: enqueuing
  jobs, mail, push. A failing after-commit subscriber is logged and never undoes the change.
In-transaction subscribers that only read the event's verb, target and data and record no event
(the search entry, the text-extraction rows) say `before_chain=True`: they run before the event
takes its place in the chain, so the agency's chain head — locked from there to the commit, for
every write of the agency — is not held while they work. A write that takes a shared counter for
the event (a register's number) passes `prepare` to record(): it runs after those subscribers and
just before the chain head is locked, so the counter too is held only for the end.
So the app that changes a document never imports the apps that react to it.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from qlvb.core import anchors, rows
from qlvb.core.actor import Actor, request_ip
from qlvb.core.models import ChainHead, Event

SYSTEM_CHAIN = "system"
logger = logging.getLogger(__name__)

Handler = Callable[[Event], None]


@dataclass(frozen=True)
class Subscription:
    """`verbs`: exact verbs or prefixes ending in "." ("incoming."); empty: every verb."""

    verbs: tuple[str, ...]
    handler: Handler
    after_commit: bool
    before_chain: bool = False

    def wants(self, verb: str) -> bool:
        return not self.verbs or any(verb == v or (v.endswith(".") and verb.startswith(v)) for v in self.verbs)

    @property
    def name(self) -> str:
        return f"{self.handler.__module__}.{getattr(self.handler, '__qualname__', self.handler)}"


_subscriptions: list[Subscription] = []


def subscribe(*verbs: str, after_commit: bool = False, before_chain: bool = False) -> Callable[[Handler], Handler]:
    """Register a subscriber (call from AppConfig.ready()): `@subscribe("incoming.registered")`.
    A handler receives the saved Event; `event.target_object` is the object passed to record().
    `before_chain`: it receives the event before it is saved (no seq, hash or time yet, and
    without what record()'s `prepare` adds to its data) and must record no event."""

    def decorator(handler: Handler) -> Handler:
        subscription = Subscription(tuple(verbs), handler, after_commit, before_chain and not after_commit)
        if not any(s.handler is handler and s.verbs == subscription.verbs for s in _subscriptions):
            _subscriptions.append(subscription)
        return handler

    return decorator


def subscriptions() -> list[Subscription]:
    """Who listens to what (for docs/architecture.md and the tests)."""
    return list(_subscriptions)


def _run_later(subscription: Subscription, event: Event) -> None:
    try:
        subscription.handler(event)
    except Exception:  # noqa: BLE001 - the change is committed; a late consequence must not undo it
        logger.exception("Subscriber %s failed on event %s (%s)", subscription.name, event.pk, event.verb)


def _dispatch(event: Event, *, before_chain: bool = False) -> None:
    for subscription in _subscriptions:
        if not subscription.wants(event.verb) or subscription.before_chain != before_chain:
            continue
        if subscription.after_commit:
            transaction.on_commit(lambda s=subscription: _run_later(s, event))  # type: ignore[misc]
        else:
            subscription.handler(event)


def actor_of(event: Event) -> Actor:
    """Who acted, as the services take it: for subscribers acting on an event's behalf."""
    return Actor(person=event.actor, on_behalf_of=event.on_behalf_of, ip=event.ip)


def chain_for(agency_id: int | None) -> str:
    return f"agency:{agency_id}" if agency_id else SYSTEM_CHAIN


def _normalise(data: dict[str, Any] | None) -> dict[str, Any]:
    # Round-trip through JSON so what we hash is exactly what the database gives back later.
    return json.loads(json.dumps(data or {}, cls=DjangoJSONEncoder, ensure_ascii=False))


def compute_hash(event: Event) -> str:
    payload = {
        "chain": event.chain,
        "seq": event.seq,
        "agency": event.agency_id,
        "actor": event.actor_id,
        "on_behalf_of": event.on_behalf_of_id,
        "verb": event.verb,
        "target_type": event.target_type,
        "target_id": event.target_id,
        "target_label": event.target_label,
        "data": event.data,
        "ip": event.ip,
        "at": event.at.astimezone(UTC).isoformat(timespec="microseconds"),
    }
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256((event.prev_hash + canonical).encode()).hexdigest()


def lock_chains(*groups: Iterable[Any]) -> None:
    """Lock the chain heads of several agencies at once, in the order of their names, before the
    first event of a transaction that appends to more than one chain (an issue going to other
    agencies, a recall): taken one by one as events come, two such transactions in opposite
    directions would each hold the chain the other waits for (docs/architecture.md, "Lock
    order"). Chain heads come last: lock everything else first. `groups` are iterables of agencies
    (or their ids), read only where row locks exist (querysets stay unread on SQLite)."""
    connection = transaction.get_connection()
    if not connection.features.has_select_for_update or not connection.in_atomic_block:
        return  # SQLite has one writer at a time; outside a transaction each record() is its own
    chains = sorted({chain_for(getattr(agency, "pk", agency)) for group in groups for agency in group})
    if len(chains) < 2:
        return  # one chain: record() takes it
    heads = ChainHead.objects.select_for_update().filter(chain__in=chains).order_by("chain")
    if len(list(heads)) < len(chains):  # an agency's first event: create its head, then lock all
        ChainHead.objects.bulk_create([ChainHead(chain=chain) for chain in chains], ignore_conflicts=True)
        list(heads.all())


def record(
    *,
    verb: str,
    actor: Actor | None = None,
    agency: Any = None,
    target: Any = None,
    data: dict[str, Any] | None = None,
    prepare: Callable[[], dict[str, Any] | None] | None = None,
) -> Event:
    """Append one event to the agency's chain (or the installation's when agency is None).
    `prepare` (see the module's docstring) runs last before the chain head is locked; what it
    returns is added to the event's data."""
    actor = actor or Actor.system()
    agency_id = getattr(agency, "pk", agency)
    chain = chain_for(agency_id)
    # No savepoint: an event that cannot be written fails the whole change anyway.
    with transaction.atomic(savepoint=False):
        event = Event(
            chain=chain,
            agency_id=agency_id,
            actor=actor.person,
            on_behalf_of=actor.on_behalf_of,
            verb=verb,
            target_type=target._meta.label_lower if target is not None else "",
            target_id=str(target.pk) if target is not None else "",
            data=_normalise(data),
            ip=actor.ip or request_ip.get(),
        )
        event.target_object = target  # type: ignore[attr-defined]
        _dispatch(event, before_chain=True)
        if prepare is not None:
            event.data = _normalise({**event.data, **(prepare() or {})})
        last_seq, last_hash = _lock_head(chain)
        event.seq, event.prev_hash, event.at = last_seq + 1, last_hash, timezone.now()
        event.target_label = str(target)[:300] if target is not None else ""
        event.hash = compute_hash(event)
        event.mac = anchors.sign(event.hash)  # the key is not in the database (core.anchors)
        _append(event)
        _dispatch(event)
    return event


# The chain's statements are written out (core.rows): every write of the installation makes them,
# and the ORM's compiler cost as much Python as the rest of an event.

def _lock_head(chain: str) -> tuple[int, str]:
    """The chain head's (last_seq, last_hash), locked until the commit; created at the agency's
    first event."""
    connection = transaction.get_connection()
    quote = connection.ops.quote_name
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    sql = (f"SELECT {quote('last_seq')}, {quote('last_hash')} FROM {quote(ChainHead._meta.db_table)} "  # noqa: S608
           f"WHERE {quote('chain')} = %s{lock}")
    with connection.cursor() as cursor:
        cursor.execute(sql, [chain])
        row = cursor.fetchone()
        if row is None:  # the agency's first event
            ChainHead.objects.get_or_create(chain=chain)
            cursor.execute(sql, [chain])
            row = cursor.fetchone()
    return int(row[0]), str(row[1])


def _append(event: Event) -> None:
    """Insert the event and move its chain's head to it: one statement on PostgreSQL."""
    connection = transaction.get_connection()
    quote = connection.ops.quote_name
    insert, params = rows.insert_sql(event)
    move = (f"UPDATE {quote(ChainHead._meta.db_table)} SET {quote('last_seq')} = %s, "  # noqa: S608
            f"{quote('last_hash')} = %s WHERE {quote('chain')} = %s")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"WITH added AS ({insert}) {move} RETURNING (SELECT id FROM added)",  # noqa: S608
                           [*params, event.seq, event.hash, event.chain])
            row = cursor.fetchone()  # none if the head is gone: the update found no row
        else:
            cursor.execute(insert, params)
            row = cursor.fetchone()
            cursor.execute(move, [event.seq, event.hash, event.chain])
    if row is None or row[0] is None:
        raise RuntimeError(f"the head of chain {event.chain} is gone")
    rows.saved(event, row[0])


@dataclass
class ChainReport:
    """`problems`: breaks of the chain itself (an edited row, deleted rows, a head ahead of the
    rows). `rewrites`: what only the anchors outside the database show (a row changed and its
    hashes recomputed, an end cut off with its head, a signature removed)."""

    chain: str
    events: int = 0
    unsigned: int = 0
    problems: list[str] = field(default_factory=list)
    rewrites: list[str] = field(default_factory=list)


def verify_chain(chain: str, checkpoints: list[anchors.Checkpoint] | None = None) -> ChainReport:
    """Walk one chain from its first event and report every break: an edited row (hash
    mismatch), a deleted row (gap in seq or broken link) or a cut tail (head ahead of rows); and
    every rewrite: a row whose signature does not match its hash (re-hashed after an edit, or
    inserted without the key), a signature removed, a row or an end that differs from the
    checkpoints written outside the database."""
    report = ChainReport(chain=chain)
    expected_seq, prev_hash = 1, ""
    points: dict[int, list[anchors.Checkpoint]] = {}
    for point in checkpoints or []:
        points.setdefault(point.seq, []).append(point)
    # Events were signed before the first checkpoint of the chain was written (both came in the
    # same version): an unsigned event after it had its signature removed.
    signed_seen = False
    signed_from = min(points) if points else None
    forged: list[int] = []
    for event in Event.objects.filter(chain=chain).order_by("seq").iterator(chunk_size=2000):
        report.events += 1
        if event.seq != expected_seq:
            report.problems.append(f"seq {expected_seq}..{event.seq - 1} missing (deleted rows)")
        if event.prev_hash != prev_hash:
            report.problems.append(f"seq {event.seq}: link to previous event broken")
        if compute_hash(event) != event.hash:
            report.problems.append(f"seq {event.seq}: content does not match its hash (edited row)")
        if event.mac:
            signed_seen = True
            if not anchors.signed_by_us(event.hash, event.mac):
                forged.append(event.seq)
        elif signed_seen or (signed_from is not None and event.seq > signed_from):
            forged.append(event.seq)
        else:
            report.unsigned += 1  # recorded before events were signed
        for point in points.pop(event.seq, []):
            if point.hash != event.hash:
                report.rewrites.append(f"seq {event.seq} differs from the checkpoint of {point.at} (rewritten)")
        expected_seq, prev_hash = event.seq + 1, event.hash
    if forged:
        report.rewrites.append(
            f"{len(forged)} event(s) from seq {forged[0]} not signed with the event key: changed and re-hashed "
            "by someone without the key (rewritten)"
            + (" — or this machine does not have the installation's QLVB_EVENT_KEY"
               if len(forged) == report.events - report.unsigned else ""))
    head = ChainHead.objects.filter(chain=chain).first()
    if head and (head.last_seq != expected_seq - 1 or head.last_hash != prev_hash):
        report.problems.append(f"chain head says seq {head.last_seq}, rows end at {expected_seq - 1}")
    beyond = [point for seq, found in points.items() if seq >= expected_seq for point in found]
    if beyond:
        last = max(beyond, key=lambda point: point.seq)
        report.rewrites.append(f"the checkpoint of {last.at} saw seq {last.seq}, rows end at {expected_seq - 1} "
                               "(the end of the chain was cut off)")
    return report


@dataclass
class Verification:
    chains: list[ChainReport]
    checkpoint_lines: int
    problems: list[str]  # about the installation: the checkpoint file, the trigger


def trigger_state() -> str | None:
    """On PostgreSQL, what is wrong with the trigger that keeps core_event append-only (None: it
    is there and enabled, or the database is not PostgreSQL)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT tgenabled FROM pg_trigger WHERE tgname = 'event_append_only' "
                       "AND tgrelid = 'core_event'::regclass")
        row = cursor.fetchone()
    if row is None:
        return "the trigger that keeps core_event append-only is missing: rows can be changed (rewritten)"
    if row[0] == "D":
        return "the trigger that keeps core_event append-only is disabled: rows can be changed (rewritten)"
    return None


def verify() -> Verification:
    """Every chain against its rows, signatures and checkpoints, and the installation's anchors."""
    read = anchors.read_checkpoints()
    chains = set(ChainHead.objects.values_list("chain", flat=True))
    chains |= set(Event.objects.values_list("chain", flat=True).distinct())
    chains |= set(read.by_chain)
    problems = list(read.problems)
    if state := trigger_state():
        problems.append(state)
    return Verification(chains=[verify_chain(chain, read.by_chain.get(chain)) for chain in sorted(chains)],
                        checkpoint_lines=read.lines, problems=problems)


def verify_all() -> list[ChainReport]:
    return verify().chains
