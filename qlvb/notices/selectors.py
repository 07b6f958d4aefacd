"""Reading notices: the person's list (unread first, pinned on top), the home page's box, one
notice with the links its reader may open, and who has read it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from qlvb.core import kinds
from qlvb.notices import rules
from qlvb.notices.models import Audience, Notice, NoticeLink, Receipt
from qlvb.org.models import Person, Post

LISTS = ("mine", "unread", "sent")
HOME_BOX = 5


def visible(person: Person) -> QuerySet[Notice]:
    return Notice.objects.filter(rules.visible_q(person, timezone.localdate()))


def _read(person: Person) -> Exists:
    return Exists(Receipt.objects.filter(notice_id=OuterRef("pk"), person_id=person.pk))


def _with_read(rows: QuerySet[Notice], person: Person) -> Any:
    """The rows with `is_read` (annotated: the type checker does not follow it)."""
    return rows.annotate(is_read=_read(person))


def addressed(person: Person) -> QuerySet[Notice]:
    """The current notices addressed to the person, in his agencies (his own sent ones too)."""
    today = timezone.localdate()
    agencies = sorted(rules.permissions.member_agency_ids(person))
    return Notice.objects.filter(rules.addressed_q(person), agency_id__in=agencies).filter(
        Q(expires_on__isnull=True) | Q(expires_on__gte=today))


def notice_rows(person: Person, name: str = "mine") -> QuerySet[Notice]:
    """The rows of a list (see notice_list), without what each row says of its reader: what a
    page counts (core.paging), asked of every row, not only of the page's."""
    if name == "sent":
        keeps = sorted(rules.keeper_agency_ids(person))
        condition = Q(created_by_id=person.pk) | (Q(agency_id__in=keeps) if keeps else Q(pk__in=[]))
        return Notice.objects.filter(condition).order_by("-published_at", "-id")
    rows = addressed(person)
    if name == "unread":
        rows = rows.filter(~_read(person))
    return rows.order_by("-pinned", "-published_at", "-id")


def notice_list(person: Person, name: str = "mine") -> QuerySet[Notice]:
    """`mine`: the notices to me, pinned on top, then newest first (unread ones marked);
    `unread`: only those not read yet; `sent`: those I sent, and for the office and leaders every
    notice of the agency (expired ones included). Whether each row is read is asked for the
    page's rows only: sorting the unread first made the database ask it of every notice the
    person ever received (50,000 in the benchmark) before taking a page."""
    rows = _with_read(notice_rows(person, name), person)
    if name == "sent":
        return rows.select_related("created_by")
    # The sender's name is read for the page's rows only.
    return rows.prefetch_related("created_by")


# The unread count stops here ("99+"): counting every unread notice of years asks every one.
UNREAD_CAP = 99


def unread_count(person: Person) -> int:
    """How many current notices the person has not read, up to UNREAD_CAP + 1 (shown "99+")."""
    return addressed(person).filter(~_read(person)).order_by()[: UNREAD_CAP + 1].count()


@dataclass
class HomeBox:
    rows: list[Notice]
    unread: int


def home_box(person: Person) -> HomeBox:
    """The home page's box: the first notices of the person's list, and how many are unread
    (two queries)."""
    return HomeBox(rows=list(notice_list(person, "mine")[:HOME_BOX]), unread=unread_count(person))


def get_notice(person: Person, pk: int) -> Notice:
    """The notice, if the person may open it; a 404 otherwise (like one that does not exist)."""
    notice = visible(person).filter(pk=pk).select_related("created_by", "agency").first()
    if notice is None:
        raise Http404()
    return notice


@dataclass
class Detail:
    notice: Notice
    audience: list[Audience]
    files: list[Any]
    links: list[tuple[NoticeLink, str]]  # only those the reader may open, with their address
    hidden_links: int  # links the reader may not open (not named)
    read_at: datetime | None = None
    receipts: Receipts | None = None


@dataclass
class Receipts:
    read: list[tuple[Person, datetime]] = field(default_factory=list)
    unread: list[Person] = field(default_factory=list)

    @property
    def read_count(self) -> int:
        return len(self.read)

    @property
    def unread_count(self) -> int:
        return len(self.unread)

    @property
    def total(self) -> int:
        return self.read_count + self.unread_count


def readable_links(person: Person, notice: Notice) -> tuple[list[tuple[NoticeLink, str]], int]:
    """The links the reader may follow (core.kinds decides, per document); how many others."""
    shown, hidden = [], 0
    for link in notice.links.all():
        try:
            kind = kinds.get(link.kind)
        except KeyError:
            hidden += 1
            continue
        document = kind.load(link.document_id)
        if document is not None and kind.rule(person).allows(document):
            shown.append((link, kind.url(link.document_id)))
        else:
            hidden += 1
    return shown, hidden


def detail(person: Person, notice: Notice) -> Detail:
    links, hidden = readable_links(person, notice)
    receipt = Receipt.objects.filter(notice=notice, person_id=person.pk).values_list("read_at", flat=True).first()
    return Detail(
        notice=notice, links=links, hidden_links=hidden, read_at=receipt,
        audience=list(notice.audience.select_related("unit", "position", "person")),
        files=list(notice.files.select_related("stored")),
        receipts=receipts(notice) if rules.may_see_receipts(person, notice) else None,
    )


def audience_posts(notice: Notice) -> QuerySet[Post]:
    """The open posts that make someone an addressee (the whole agency; the units and positions
    addressed)."""
    posts = Post.objects.filter(end_date__isnull=True, person__is_active=True, person__deleted_at__isnull=True)
    if notice.to_everyone:
        return posts.filter(agency_id=notice.agency_id)
    unit_ids = [a.unit_id for a in notice.audience.all() if a.unit_id]
    position_ids = [a.position_id for a in notice.audience.all() if a.position_id]
    if not unit_ids and not position_ids:
        return posts.none()
    return posts.filter(Q(unit_id__in=unit_ids) | Q(position_id__in=position_ids))


def audience_ids(notice: Notice) -> set[int]:
    """Every active person the notice is addressed to, now."""
    people = set(audience_posts(notice).values_list("person_id", flat=True))
    named = [a.person_id for a in notice.audience.all() if a.person_id]
    if named:
        people |= set(Person.objects.filter(pk__in=named, is_active=True).values_list("pk", flat=True))
    return people


def receipts(notice: Notice) -> Receipts:
    """Who has read it (with when) and who not yet, among the addressees (three queries)."""
    ids = audience_ids(notice)
    read = {r.person_id: r.read_at for r in Receipt.objects.filter(notice=notice)}
    people = {p.pk: p for p in Person.objects.filter(pk__in=sorted(ids | set(read))).only("pk", "full_name",
                                                                                          "username")}
    result = Receipts()
    result.read = sorted(((people[pk], at) for pk, at in read.items() if pk in people), key=lambda r: r[1])
    result.unread = sorted((people[pk] for pk in ids if pk not in read and pk in people), key=lambda p: p.full_name)
    return result
