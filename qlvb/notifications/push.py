"""Web Push (RFC 8030, 8291, 8292): the browsers and phones that receive a person's notifications,
and sending one to them.

A push is encrypted for the subscription's keys (aes128gcm) and signed with the site's VAPID key
(settings.QLVB_VAPID_*) by pywebpush. The push service's answer decides what follows: 404 or 410,
the subscription is dead and dropped; a 5xx, 429 or no answer at all, the job raises and the
worker tries again later; the notification is marked `pushed_at` once it is through, so a retry
after success sends nothing. The text is in the site's language and, for a secret document, names
it by its number alone (the notification's params never hold its summary).
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import json
import logging
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from qlvb.core.errors import NotAllowed
from qlvb.notifications.models import Notification, PushSubscription
from qlvb.org.models import Person

log = logging.getLogger(__name__)

TTL = 24 * 3600  # a phone that is off for a day still gets it when it comes back
TIMEOUT = 10  # seconds for a push service to answer
BODY_CHARS = 300  # a push's payload is limited (about 4 KB once encrypted)
MAX_FAILURES = 20  # failures in a row (no 404/410, but never through) after which a subscription is dropped
GONE = {404, 410}


class PushFailed(Exception):
    """A push service could not be reached or failed for now: the job is tried again."""


def _b64decode(value: str) -> bytes:
    return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))


def clean(data: Any) -> dict[str, str]:
    """A subscription as the browser's PushSubscription.toJSON() gives it ({endpoint, keys: {p256dh,
    auth}}), checked: an https endpoint on a known push service (settings.QLVB_PUSH_SERVICE_HOSTS),
    a P-256 public key and a 16-byte secret."""
    from cryptography.hazmat.primitives.asymmetric import ec

    if not isinstance(data, dict):
        raise ValidationError(_("The subscription is not valid."))
    endpoint = data.get("endpoint")
    keys = data.get("keys")
    if not isinstance(endpoint, str) or not endpoint or len(endpoint) > 1000:
        raise ValidationError(_("The subscription has no valid push service address."))
    parts = urlsplit(endpoint)
    host = parts.hostname or ""
    if parts.scheme != "https" or not host or _is_ip(host) or not _known_service(host):
        raise ValidationError(_("The subscription has no valid push service address."))
    if not isinstance(keys, dict) or not isinstance(keys.get("p256dh"), str) or not isinstance(keys.get("auth"), str):
        raise ValidationError(_("The subscription's keys are missing."))
    try:
        public = _b64decode(keys["p256dh"])
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), public)
        secret = _b64decode(keys["auth"])
    except (ValueError, binascii.Error):
        raise ValidationError(_("The subscription's keys are not valid.")) from None
    if len(public) != 65 or len(secret) != 16:
        raise ValidationError(_("The subscription's keys are not valid."))
    return {"endpoint": endpoint, "p256dh": keys["p256dh"].rstrip("="), "auth": keys["auth"].rstrip("=")}


def _known_service(host: str) -> bool:
    host = host.lower().rstrip(".")
    return any(host == known or host.endswith("." + known) for known in settings.QLVB_PUSH_SERVICE_HOSTS)


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def subscribe(*, person: Person, data: Any, user_agent: str = "") -> PushSubscription:
    """Registers (or renews) this browser's subscription for the person. An endpoint already
    registered is the same browser: it now receives the notifications of whoever subscribed it last
    (a shared computer where someone else has signed in)."""
    fields = clean(data)
    subscription, _created = PushSubscription.objects.update_or_create(
        endpoint=fields["endpoint"],
        defaults={"person": person, "p256dh": fields["p256dh"], "auth": fields["auth"],
                  "user_agent": user_agent[:300], "failures": 0})
    return subscription


def unsubscribe(*, person: Person, endpoint: Any = None, pk: int | None = None) -> None:
    """Removes one of the person's subscriptions (by its endpoint or id); someone else's: NotAllowed."""
    found = PushSubscription.objects.filter(person=person)
    if pk is not None:
        found = found.filter(pk=pk)
    elif isinstance(endpoint, str) and endpoint:
        found = found.filter(endpoint=endpoint)
    else:
        raise ValidationError(_("The subscription has no valid push service address."))
    if not found.delete()[0]:
        raise NotAllowed()


def payload(notification: Notification) -> dict[str, str]:
    """What the service worker shows: in the site's language, leading to the notification (which
    marks it read and opens its document)."""
    from qlvb.notifications.selectors import text

    with translation.override(settings.LANGUAGE_CODE):
        body = text(notification)
        title = f"{_('URGENT')} – QLVB" if notification.urgent else "QLVB"
    if len(body) > BODY_CHARS:
        body = body[:BODY_CHARS - 1] + "…"
    return {"title": title, "body": body, "url": f"/notifications/{notification.pk}/",
            "tag": f"qlvb-{notification.pk}"}


def send(notification_id: int) -> int:
    """The notification to each of its person's subscriptions, once. Returns how many received it
    now; raises PushFailed when a push service failed for now (the worker tries again: those that
    had it already get it again under the same tag, which replaces it on the device, not a second one)."""
    from pywebpush import WebPushException, webpush
    from requests import RequestException

    # No lock is held while the push services answer (up to TIMEOUT each): marking the
    # notification read must not wait on a slow service. One job per notification sends it; were
    # it ever sent twice, the device replaces it under the same tag.
    notification = (Notification.objects.select_related("person")
                    .filter(pk=notification_id, pushed_at__isnull=True).first())
    if notification is None or not notification.person.is_active:
        return 0
    message = json.dumps(payload(notification), ensure_ascii=False)
    headers = {"Urgency": "high" if notification.urgent else "normal"}
    delivered = 0
    failed: list[str] = []
    for subscription in PushSubscription.objects.filter(person=notification.person):
        status: int | None = None
        try:
            webpush({"endpoint": subscription.endpoint,
                     "keys": {"p256dh": subscription.p256dh, "auth": subscription.auth}},
                    data=message, vapid_private_key=settings.QLVB_VAPID_PRIVATE_KEY,
                    vapid_claims={"sub": settings.QLVB_VAPID_SUBJECT}, ttl=TTL, headers=headers,
                    timeout=TIMEOUT)
        except WebPushException as error:
            status = error.response.status_code if error.response is not None else None
        except RequestException:
            status = None
        else:
            delivered += 1
            PushSubscription.objects.filter(pk=subscription.pk).update(last_success=timezone.now(), failures=0)
            continue
        if status in GONE:
            log.info("push subscription %s gone (%s): dropped", subscription.pk, status)
            subscription.delete()
            continue
        subscription.failures += 1
        if subscription.failures >= MAX_FAILURES:
            log.warning("push subscription %s failed %s times in a row: dropped", subscription.pk, MAX_FAILURES)
            subscription.delete()
            continue
        PushSubscription.objects.filter(pk=subscription.pk).update(failures=F("failures") + 1)
        if status is None or status >= 500 or status == 429:
            failed.append(f"{subscription.pk}: {status or 'unreachable'}")
        else:  # refused (400, 403, 413…): trying again would not change the answer
            log.warning("push subscription %s refused with %s", subscription.pk, status)
    if not failed:
        Notification.objects.filter(pk=notification.pk, pushed_at__isnull=True).update(pushed_at=timezone.now())
    if failed:  # the failures stay counted, the notification unmarked: the worker tries again
        raise PushFailed(", ".join(failed))
    return delivered
