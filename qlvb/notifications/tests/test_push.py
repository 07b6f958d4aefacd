"""Web Push against the real protocol: a push service started by the test (an HTTP server on a free
port) receives what pywebpush sends, checks the VAPID signature (RFC 8292) and decrypts the body
(RFC 8291, aes128gcm) with the key pair and secret of a subscription the test made, as a browser
would. What a push service answers decides what follows (410: dropped; 500: the job raises and the
worker tries again; once through, never again). Only who wants push gets it. Subscribing and
unsubscribing, in the app and through the API; the manifest, the service worker and the offline page."""

from __future__ import annotations

import base64
import json
import os
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import http_ece
import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.conf import settings
from django.core.exceptions import ValidationError
from django.test import Client

from qlvb.accounts.services import create_api_token
from qlvb.notifications import push, services, tasks
from qlvb.notifications.models import Notification, Preference, PushSubscription

pytestmark = pytest.mark.django_db


def b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class Device:
    """What a browser keeps for its subscription: an ECDH P-256 key pair and a 16-byte auth secret."""

    def __init__(self) -> None:
        self.private_key = ec.generate_private_key(ec.SECP256R1())
        self.auth = os.urandom(16)
        self.p256dh = b64(self.private_key.public_key().public_bytes(Encoding.X962, PublicFormat.UncompressedPoint))

    def keys(self) -> dict[str, str]:
        return {"p256dh": self.p256dh, "auth": b64(self.auth)}

    def decrypt(self, body: bytes) -> dict[str, Any]:
        return json.loads(http_ece.decrypt(body, private_key=self.private_key, auth_secret=self.auth,
                                           version="aes128gcm"))


class PushService:
    """A push service on 127.0.0.1: keeps each request, answers with the next status of `answers`
    (201 when none is left)."""

    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []
        self.answers: list[int] = []
        self.stopped = False
        service = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                headers = {name.lower(): value for name, value in self.headers.items()}
                service.received.append({"path": self.path, "headers": headers, "body": body})
                status = service.answers.pop(0) if service.answers else 201
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.origin = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def subscribe(self, person, device: Device, name: str = "d1") -> PushSubscription:  # noqa: ANN001
        # Made directly: subscribe() accepts https endpoints on public hosts only, and this one is local.
        return PushSubscription.objects.create(person=person, endpoint=f"{self.origin}/push/{name}",
                                               p256dh=device.p256dh, auth=b64(device.auth))

    def stop(self) -> None:
        if self.stopped:
            return
        self.stopped = True
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def service():
    started = PushService()
    yield started
    started.stop()


@pytest.fixture
def queued(monkeypatch):
    """The push jobs queued (run by hand here, as the worker would); e-mail jobs left aside."""
    ids: list[int] = []
    monkeypatch.setattr(tasks, "send_push", lambda pk: ids.append(pk))
    monkeypatch.setattr(tasks, "send_email", lambda pk: None)
    return ids


def tell(person, *, secret=False, key="k1", urgent=False, kind="presented"):  # noqa: ANN001, ANN201
    params = {"reference": "12/QĐ-UBND", **({"secret": True} if secret else {"summary": "Kế hoạch chuyển đổi số"})}
    services.notify([person], kind=kind, params=params, url="/incoming/1/", urgent=urgent, key=key)
    return Notification.objects.get(person=person, key=key)


def vapid_claims(request: dict[str, Any]) -> dict[str, Any]:
    """The VAPID JWT of a request, its ES256 signature checked against the site's public key."""
    scheme, _space, params = request["headers"]["authorization"].partition(" ")
    assert scheme == "vapid"
    fields = dict(part.strip().split("=", 1) for part in params.split(","))
    assert fields["k"] == settings.QLVB_VAPID_PUBLIC_KEY
    header, claims, signature = fields["t"].split(".")
    assert json.loads(unb64(header)) == {"typ": "JWT", "alg": "ES256"}
    public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64(fields["k"]))
    raw = unb64(signature)
    der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
    public.verify(der, f"{header}.{claims}".encode(), ec.ECDSA(hashes.SHA256()))  # raises if forged
    return json.loads(unb64(claims))


def test_a_push_is_signed_with_the_vapid_key_and_encrypted_for_the_device(org, service, queued,
                                                                          django_capture_on_commit_callbacks):
    device = Device()
    subscription = service.subscribe(org.head, device)
    with django_capture_on_commit_callbacks(execute=True):
        note = tell(org.head, urgent=True)
    assert queued == [note.pk]
    assert push.send(note.pk) == 1
    [request] = service.received
    assert request["path"] == "/push/d1"
    headers = request["headers"]
    assert headers["content-encoding"] == "aes128gcm"
    assert headers["urgency"] == "high" and int(headers["ttl"]) == push.TTL
    claims = vapid_claims(request)
    assert claims["aud"] == service.origin
    assert claims["sub"] == settings.QLVB_VAPID_SUBJECT
    assert time.time() < claims["exp"] <= time.time() + 24 * 3600
    assert device.decrypt(request["body"]) == {
        "title": "KHẨN – QLVB",
        "body": "Trình anh/chị cho ý kiến chỉ đạo: 12/QĐ-UBND – Kế hoạch chuyển đổi số",
        "url": f"/notifications/{note.pk}/", "tag": f"qlvb-{note.pk}"}
    # Another device's keys cannot read it.
    with pytest.raises(Exception):  # noqa: B017 - http_ece raises the cipher's own error
        Device().decrypt(request["body"])
    note.refresh_from_db()
    subscription.refresh_from_db()
    assert note.pushed_at is not None and subscription.last_success is not None
    assert push.send(note.pk) == 0  # the job run again: nothing more
    assert len(service.received) == 1


def test_a_forged_signature_would_be_caught(org, service, queued):
    service.subscribe(org.head, Device())
    push.send(tell(org.head).pk)
    [request] = service.received
    auth = request["headers"]["authorization"]
    found = re.search(r"t=([^,]+)", auth)
    assert found
    token = found.group(1)
    header, claims, signature = token.split(".")
    forged = b64(json.dumps({**json.loads(unb64(claims)), "aud": "https://push.example.com"}).encode())
    request["headers"]["authorization"] = auth.replace(token, f"{header}.{forged}.{signature}")
    with pytest.raises(InvalidSignature):
        vapid_claims(request)


def test_a_secret_document_is_pushed_by_its_number_alone(org, service, queued):
    device = Device()
    service.subscribe(org.head, device)
    note = tell(org.head, secret=True)
    push.send(note.pk)
    said = device.decrypt(service.received[0]["body"])
    assert said["title"] == "QLVB" and service.received[0]["headers"]["urgency"] == "normal"
    assert said["body"] == "Trình anh/chị cho ý kiến chỉ đạo: văn bản mật 12/QĐ-UBND"
    assert "Kế hoạch" not in json.dumps(said, ensure_ascii=False)


def test_a_gone_subscription_is_dropped(org, service, queued):
    service.subscribe(org.head, Device(), "old")
    live = service.subscribe(org.head, device := Device(), "new")
    service.answers = [410]
    note = tell(org.head)
    assert push.send(note.pk) == 1
    assert list(PushSubscription.objects.filter(person=org.head)) == [live]
    assert device.decrypt(service.received[1]["body"])["url"] == f"/notifications/{note.pk}/"
    note.refresh_from_db()
    assert note.pushed_at is not None


def test_a_failing_push_service_is_tried_again_and_once_through_never_again(org, service):
    subscription = service.subscribe(org.head, Device())
    service.answers = [500]
    note = tell(org.head)
    with pytest.raises(push.PushFailed):
        tasks.send_push.call_local(note.pk)  # the worker's job: it raises, so huey tries again
    assert tasks.send_push.retries > 0
    subscription.refresh_from_db()
    note.refresh_from_db()
    assert subscription.failures == 1 and note.pushed_at is None
    assert push.send(note.pk) == 1  # the retry gets through
    subscription.refresh_from_db()
    assert subscription.failures == 0 and subscription.last_success is not None
    assert push.send(note.pk) == 0  # a retry after success sends nothing new
    assert len(service.received) == 2


def test_an_unreachable_push_service_is_tried_again(org, service, queued):
    subscription = service.subscribe(org.head, Device())
    service.stop()
    note = tell(org.head)
    with pytest.raises(push.PushFailed):
        push.send(note.pk)
    subscription.refresh_from_db()
    assert subscription.failures == 1


def test_only_who_wants_push_and_has_a_device_is_pushed(org, service, queued, django_capture_on_commit_callbacks):
    service.subscribe(org.head, Device(), "head")
    service.subscribe(org.specialist, Device(), "specialist")
    # The specialist wants presented documents by e-mail only; the deputy wants push but has no device.
    Preference.objects.create(person=org.specialist, kind="presented", channels=["email"])
    with django_capture_on_commit_callbacks(execute=True):
        services.notify([org.head, org.specialist, org.deputy], kind="presented", params={"reference": "1/UBND"},
                        key="k")
    assert queued == [Notification.objects.get(person=org.head, key="k").pk]
    # A reminder comes by push by default too (default_channels); a kind turned off is not pushed.
    Preference.objects.create(person=org.head, kind="overdue", channels=["digest"])
    with django_capture_on_commit_callbacks(execute=True):
        services.notify([org.head], kind="overdue", params={"reference": "2/UBND"}, key="r")
        services.notify([org.head], kind="due_soon", params={"reference": "3/UBND"}, key="d")
    assert queued[1:] == [Notification.objects.get(person=org.head, key="d").pk]
    # The subscriber run again: nothing new is written, and its job sends nothing twice.
    with django_capture_on_commit_callbacks(execute=True):
        services.notify([org.head], kind="presented", params={"reference": "1/UBND"}, key="k")
    assert Notification.objects.filter(person=org.head).count() == 3
    assert sum(push.send(pk) for pk in queued) == 2 and len(service.received) == 2


def test_reminders_written_in_a_batch_are_pushed_too(org, service, queued, django_capture_on_commit_callbacks):
    """The reminder run writes its notifications in batches (notify_batch): a reminder comes by push
    by default, to who has a device."""
    service.subscribe(org.head, Device())
    notices = [services.Notice(person_id=person.pk, kind="overdue", key="overdue:1:today",
                               params={"reference": "9/UBND"}) for person in (org.head, org.specialist)]
    with django_capture_on_commit_callbacks(execute=True):
        services.notify_batch(notices)
    note = Notification.objects.get(person=org.head, key="overdue:1:today")
    assert queued == [note.pk]
    with django_capture_on_commit_callbacks(execute=True):
        services.notify_batch(notices)  # the run repeated: nothing new
    assert queued == [note.pk]
    assert push.send(note.pk) == 1


# --- Subscribing: the app (this browser) and the API (a mobile client) ------------------------------
def browser_subscription(device: Device, endpoint: str = "https://fcm.googleapis.com/fcm/send/abc:123") -> dict:
    return {"endpoint": endpoint, "expirationTime": None, "keys": device.keys()}


BAD = [
    ("not json", "Đăng ký nhận thông báo không hợp lệ."),
    ({"endpoint": "http://push.example.com/x", "keys": {}}, "không có địa chỉ dịch vụ đẩy hợp lệ"),
    ({"endpoint": "https://127.0.0.1/x", "keys": {}}, "không có địa chỉ dịch vụ đẩy hợp lệ"),
    ({"endpoint": "https://localhost/x", "keys": {}}, "không có địa chỉ dịch vụ đẩy hợp lệ"),
    # Any other host: it might resolve to an address inside the agency's network.
    ({"endpoint": "https://push.example.com/x", "keys": {}}, "không có địa chỉ dịch vụ đẩy hợp lệ"),
    ({"endpoint": "https://fcm.googleapis.com.evil.example/x", "keys": {}}, "không có địa chỉ dịch vụ đẩy hợp lệ"),
    ({"endpoint": "https://fcm.googleapis.com/x"}, "thiếu khoá"),
    ({"endpoint": "https://fcm.googleapis.com/x", "keys": {"p256dh": "abc", "auth": "def"}}, "khoá của đăng ký"),
    ({"endpoint": "https://fcm.googleapis.com/x", "keys": {"p256dh": b64(b"\x04" + b"1" * 64),
                                                           "auth": b64(b"a" * 16)}},
     "khoá của đăng ký"),
]


def test_this_browser_subscribes_and_unsubscribes(org, login):
    client = login(org.head)
    device = Device()
    data = browser_subscription(device)
    response = client.post("/notifications/push/subscribe/", data, content_type="application/json",
                           HTTP_USER_AGENT="Mozilla/5.0 (Linux; Android 14) Chrome/131")
    assert response.status_code == 201
    subscription = PushSubscription.objects.get()
    assert (subscription.person, subscription.endpoint, subscription.p256dh) == (org.head, data["endpoint"],
                                                                                 device.p256dh)
    assert "Android" in subscription.user_agent
    # The same browser again (new keys): renewed, not doubled.
    renewed = browser_subscription(Device())
    assert client.post("/notifications/push/subscribe/", renewed, content_type="application/json").status_code == 201
    assert PushSubscription.objects.get().p256dh == renewed["keys"]["p256dh"]
    # Someone else cannot remove it.
    other = login(org.specialist)
    assert other.post("/notifications/push/unsubscribe/", {"endpoint": data["endpoint"]},
                      content_type="application/json").status_code == 404
    assert PushSubscription.objects.count() == 1
    assert client.post("/notifications/push/unsubscribe/", {"endpoint": data["endpoint"]},
                       content_type="application/json").status_code == 204
    assert not PushSubscription.objects.exists()
    assert client.get("/notifications/push/subscribe/").status_code == 405


@pytest.mark.parametrize(("body", "message"), BAD)
def test_a_bad_subscription_is_refused_in_vietnamese_and_nothing_written(org, login, body, message):
    client = login(org.head)
    raw = body if isinstance(body, str) else json.dumps(body)
    response = client.post("/notifications/push/subscribe/", raw, content_type="application/json")
    assert response.status_code == 400
    assert message in response.json()["detail"]
    assert not PushSubscription.objects.exists()
    assert client.post("/notifications/push/unsubscribe/", "[]", content_type="application/json").status_code == 400


@pytest.mark.parametrize("endpoint", ["https://fcm.googleapis.com/fcm/send/a:1",
                                      "https://updates.push.services.mozilla.com/wpush/v2/gAAAA",
                                      "https://web.push.apple.com/QGa1",
                                      "https://wns2-par02p.notify.windows.com/w/?token=BQY"])
def test_the_browsers_push_services_are_accepted(endpoint):
    assert push.clean(browser_subscription(Device(), endpoint))["endpoint"] == endpoint


def test_an_installation_names_its_own_push_service(settings):  # noqa: F811 - the fixture
    endpoint = "https://push.sonla.gov.vn/x"
    with pytest.raises(ValidationError):
        push.clean(browser_subscription(Device(), endpoint))
    settings.QLVB_PUSH_SERVICE_HOSTS = [*settings.QLVB_PUSH_SERVICE_HOSTS, "push.sonla.gov.vn"]
    assert push.clean(browser_subscription(Device(), endpoint))["endpoint"] == endpoint


def test_subscribing_needs_the_csrf_token_and_a_signed_in_person(org, login):
    data = browser_subscription(Device())
    response = Client().post("/notifications/push/subscribe/", data, content_type="application/json")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    guarded = login(org.head)
    guarded.handler.enforce_csrf_checks = True
    assert guarded.post("/notifications/push/subscribe/", data, content_type="application/json").status_code == 403
    assert not PushSubscription.objects.exists()


def test_a_mobile_client_registers_through_the_api(org):
    _token, key = create_api_token(person=org.head, name="Điện thoại")
    auth = {"Authorization": f"Bearer {key}"}
    client = Client()
    assert client.get("/api/v1/notifications/push-key/", headers=auth).json() == {
        "public_key": settings.QLVB_VAPID_PUBLIC_KEY}
    assert len(unb64(settings.QLVB_VAPID_PUBLIC_KEY)) == 65
    data = browser_subscription(Device(), "https://updates.push.services.mozilla.com/wpush/v2/gAAA")
    url = "/api/v1/notifications/push-subscriptions/"
    response = client.post(url, data, content_type="application/json", headers=auth)
    assert response.status_code == 201
    created = response.json()
    assert created["endpoint"] == data["endpoint"] and created["last_success"] is None
    for body, message in BAD[1:]:
        refused = client.post(url, body, content_type="application/json", headers=auth)
        assert refused.status_code == 400 and message in refused.json()["detail"]
    assert PushSubscription.objects.count() == 1
    # Someone else's subscription: 404, and it stays.
    _other, other_key = create_api_token(person=org.specialist, name="Điện thoại")
    assert client.delete(f"/api/v1/notifications/push-subscriptions/{created['id']}/",
                         headers={"Authorization": f"Bearer {other_key}"}).status_code == 404
    assert PushSubscription.objects.count() == 1
    assert client.delete(f"/api/v1/notifications/push-subscriptions/{created['id']}/", headers=auth).status_code == 204
    assert not PushSubscription.objects.exists()
    assert client.get("/api/v1/notifications/push-key/").status_code in (401, 403)


# --- The installable app --------------------------------------------------------------------------
def test_the_manifest_service_worker_and_offline_page_are_served_to_anyone(client):
    manifest = client.get("/manifest.webmanifest")
    assert manifest["Content-Type"] == "application/manifest+json"
    data = json.loads(manifest.content)
    assert data["name"] == "QLVB – Quản lý văn bản" and data["short_name"] == "QLVB"
    assert (data["start_url"], data["display"], data["theme_color"]) == ("/", "standalone", "#8b1a1a")
    assert {(icon["sizes"], icon["purpose"]) for icon in data["icons"]} == {
        ("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")}
    for icon in data["icons"]:
        found = client.get(icon["src"])
        image = b"".join(found.streaming_content) if found.streaming else found.content
        assert found.status_code == 200 and image.startswith(b"\x89PNG")
    worker = client.get("/sw.js")
    assert worker.status_code == 200 and worker["Content-Type"].startswith("text/javascript")
    assert worker["Service-Worker-Allowed"] == "/" and worker["Cache-Control"] == "no-cache"
    assert b'addEventListener("push"' in worker.content and b"notificationclick" in worker.content
    offline = client.get("/offline/")
    assert offline.status_code == 200 and "Không có kết nối" in offline.content.decode()


def test_the_pages_link_the_manifest_and_the_preferences_offer_push(org, login):
    page = login(org.head).get("/notifications/preferences/").content.decode()
    assert '<link rel="manifest" href="/manifest.webmanifest">' in page
    assert '<meta name="theme-color" content="#8b1a1a">' in page
    assert f'data-vapid-key="{settings.QLVB_VAPID_PUBLIC_KEY}"' in page
    assert "Bật thông báo trên thiết bị này" in page and "qlvb/push.js" in page
