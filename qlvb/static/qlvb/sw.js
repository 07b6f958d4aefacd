// QLVB's service worker, served at /sw.js (scope: the whole site) by qlvb.notifications.views.service_worker.
// It shows the notifications pushed to this device (qlvb.notifications.push), opens the document when one is
// tapped, and shows the offline page when a page cannot be loaded. Nothing else is cached: every page and
// document is fetched from the server as without it (documents are the agency's, not the device's).

const CACHE = "qlvb-offline-v1";
const OFFLINE_URL = "/offline/";
const ICON = "/static/qlvb/icons/icon-192.png";
const BADGE = "/static/qlvb/icons/badge-96.png";
const PRECACHE = [OFFLINE_URL, "/static/vendor/bootstrap/bootstrap.min.css", "/static/qlvb/app.css", ICON];

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(PRECACHE)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((names) => Promise.all(names.filter((name) => name.startsWith("qlvb-") && name !== CACHE)
        .map((name) => caches.delete(name))))
      .then(() => self.clients.claim()),
  );
});

// Only page loads are watched, and only to answer a failed one with the offline page; everything else
// (forms sent, downloads, htmx requests, static files) goes to the network untouched.
self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.mode !== "navigate" || request.method !== "GET") return;
  event.respondWith(fetch(request).catch(() => caches.open(CACHE).then((cache) => cache.match(OFFLINE_URL))
    .then((page) => page || Response.error())));
});

self.addEventListener("push", (event) => {
  let data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch (error) {
    data = { body: event.data ? event.data.text() : "" };
  }
  const options = {
    body: data.body || "",
    icon: ICON,
    badge: BADGE,
    tag: data.tag || undefined,
    data: { url: data.url || "/notifications/" },
    lang: "vi",
  };
  event.waitUntil(self.registration.showNotification(data.title || "QLVB", options));
});

// A tap: the tab already showing QLVB is brought forward and led to the document, else one is opened.
self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const target = new URL((event.notification.data && event.notification.data.url) || "/", self.location.origin);
  if (target.origin !== self.location.origin) return;
  event.waitUntil(
    self.clients.matchAll({ type: "window", includeUncontrolled: true }).then((windows) => {
      // navigate() works on a window this worker controls; any other is opened anew.
      const open = windows.find((client) => new URL(client.url).origin === target.origin && "navigate" in client);
      if (!open) return self.clients.openWindow(target.href);
      return open.focus().then((client) => (client || open).navigate(target.href))
        .catch(() => self.clients.openWindow(target.href));
    }),
  );
});
