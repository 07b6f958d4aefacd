"""The installable app in a real browser, installing nothing: the manifest is linked and parses,
its icons load, the service worker registers from /sw.js for the whole site and becomes active, the
offline page is cached at install and shown when the network is gone; the bell still counts live
under the service worker; the preferences page offers push on this device (at phone width).

Headless Chromium cannot subscribe to a real push service, and this test does not pretend to: the
push protocol itself is proven in qlvb/notifications/tests/test_push.py, against a push service the
test runs (VAPID signature checked, payload decrypted)."""

from __future__ import annotations

import json

import pytest

from qlvb.notifications import services

from .helpers import sign_in

pytestmark = pytest.mark.browser


def test_the_manifest_service_worker_and_offline_page(org, session, shot):
    page = session.new_page(phone=True)
    sign_in(page, org.head)
    href = page.get_attribute("link[rel=manifest]", "href")
    assert href == "/manifest.webmanifest"
    assert page.get_attribute("meta[name=theme-color]", "content") == "#8b1a1a"
    manifest = page.evaluate("""async (href) => {
        const response = await fetch(href);
        const manifest = await response.json();
        const icons = [];
        for (const icon of manifest.icons) {
            const image = await fetch(new URL(icon.src, location.href));
            const blob = await image.blob();
            const bitmap = await createImageBitmap(blob);
            icons.push({src: icon.src, status: image.status, type: blob.type, size: `${bitmap.width}x${bitmap.height}`,
                        declared: icon.sizes, purpose: icon.purpose});
        }
        return {type: response.headers.get("content-type"), manifest, icons};
    }""", href)
    assert manifest["type"] == "application/manifest+json"
    assert manifest["manifest"]["name"] == "QLVB – Quản lý văn bản"
    assert manifest["manifest"]["display"] == "standalone" and manifest["manifest"]["start_url"] == "/"
    assert {icon["purpose"] for icon in manifest["icons"]} == {"any", "maskable"}
    for icon in manifest["icons"]:
        assert icon["status"] == 200 and icon["type"] == "image/png" and icon["size"] == icon["declared"], icon

    # The service worker: registered by app.js from /sw.js, scope the whole site, active.
    worker = page.evaluate("""async () => {
        const registration = await navigator.serviceWorker.ready;
        return {scope: registration.scope, script: registration.active.scriptURL, state: registration.active.state};
    }""")
    origin = session.base_url.rstrip("/")
    assert worker == {"scope": f"{origin}/", "script": f"{origin}/sw.js", "state": "activated"}
    cached = page.evaluate("""async () => {
        const page = await caches.match("/offline/");
        return page ? await page.text() : null;
    }""")
    assert cached and "Không có kết nối" in cached and org.head.full_name not in cached

    # The page comes under the worker's control; then the network goes: a page load shows the offline page.
    page.reload()
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    page.context.set_offline(True)
    try:
        page.goto("/incoming/")
        page.get_by_role("heading", name="Không có kết nối").wait_for()
        shot(page, "offline-phone")
    finally:
        page.context.set_offline(False)
    page.goto("/")

    # The bell still counts live with the worker in place.
    badge = page.locator("#bell-count .badge")
    services.mark_all_read(person=org.head)
    services.notify([org.head], kind="presented", params={"reference": "15/UBND", "summary": "Họp giao ban"},
                    url="/", key="browser-installable")
    badge.wait_for(timeout=15_000)
    assert badge.inner_text().startswith("1")


def test_the_preferences_offer_notifications_on_this_device(org, session, shot):
    page = session.new_page(phone=True)
    sign_in(page, org.head)
    page.goto("/notifications/preferences/")
    box = page.locator("[data-push]")
    # This browser supports push; permission not asked yet: it is off, with the button to turn it on.
    page.wait_for_function("document.querySelector('[data-push]').dataset.pushState")
    state = box.get_attribute("data-push-state")
    assert state in {"off", "unsupported"}, state
    if state == "off":
        button = box.get_by_role("button", name="Bật thông báo trên thiết bị này")
        assert button.is_visible()
        assert "Đang tắt trên thiết bị này" in box.inner_text()
    shot(page, "preferences-phone")
    # Notifications refused in the browser's settings: the page says so, and how to allow them.
    blocked = session.new_page(phone=True)
    blocked.context.add_init_script('Object.defineProperty(Notification, "permission", {get: () => "denied"})')
    sign_in(blocked, org.head)
    blocked.goto("/notifications/preferences/")
    blocked.wait_for_function("document.querySelector('[data-push]').dataset.pushState === 'blocked'")
    assert "Đã bị chặn" in blocked.locator("[data-push]").inner_text()
    assert blocked.locator("[data-push-button]").is_hidden()
    shot(blocked, "preferences-blocked-phone")


def test_the_service_worker_shows_a_pushed_notification(org, session):
    """The push event of the service worker, given a push message as the browser's push service would
    hand it over (Chromium's DevTools protocol delivers it to the worker, as DevTools' "Push" button
    does): it shows the title, the text, the icon, the tag and keeps the link."""
    page = session.new_page(phone=True)
    page.context.grant_permissions(["notifications"])
    sign_in(page, org.head)
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")  # installed and active
    cdp = page.context.new_cdp_session(page)
    registrations: list[dict] = []
    cdp.on("ServiceWorker.workerRegistrationUpdated", lambda event: registrations.extend(event["registrations"]))
    cdp.send("ServiceWorker.enable")
    origin = session.base_url.rstrip("/")
    message = {"title": "KHẨN – QLVB", "body": "Trình anh/chị cho ý kiến chỉ đạo: 15/UBND – Họp giao ban",
               "url": "/notifications/7/", "tag": "qlvb-7"}
    # The message goes to every live registration of this origin, and again every two seconds until it
    # shows: in a long run the browser may still list the registration of an earlier test's (closed)
    # context, and a worker woken while it is being stopped can drop a push. The tag makes a repeat
    # replace the notification rather than add one.
    shown = None
    for attempt in range(300):  # up to 30 s on a busy machine
        if attempt % 20 == 0:
            for registration in registrations:
                if registration["scopeURL"] == f"{origin}/" and not registration["isDeleted"]:
                    cdp.send("ServiceWorker.deliverPushMessage", {
                        "origin": origin, "registrationId": registration["registrationId"],
                        "data": json.dumps(message, ensure_ascii=False)})
        shown = page.evaluate("""async () => {
            const registration = await navigator.serviceWorker.ready;
            const [n] = await registration.getNotifications({tag: "qlvb-7"});
            return n ? {title: n.title, body: n.body, icon: n.icon, tag: n.tag, url: n.data && n.data.url} : null;
        }""")
        if shown:
            break
        page.wait_for_timeout(100)
    icon = f"{origin}/static/qlvb/icons/icon-192.png"
    assert shown == {"title": message["title"], "body": message["body"], "icon": icon, "tag": "qlvb-7",
                     "url": "/notifications/7/"}
