// Notifications on this device (the preferences page): asks the browser's permission, subscribes to
// Web Push with the site's VAPID key and gives the subscription to the server; or undoes it. The
// texts come from the page (data-text-*), translated by the server. Loaded as a file: the Content
// Security Policy allows no inline script.
(() => {
  const box = document.querySelector("[data-push]");
  if (!box) return;
  const button = box.querySelector("[data-push-button]");
  const state = box.querySelector("[data-push-state]");
  const text = (name) => box.dataset[`text${name}`] || "";

  function show(name, { label = "", busy = false } = {}) {
    box.dataset.pushState = name;
    state.textContent = text(name.charAt(0).toUpperCase() + name.slice(1));
    button.hidden = !label;
    button.textContent = label;
    button.disabled = busy;
  }

  function keyBytes(base64url) {
    const base64 = (base64url + "=".repeat((4 - (base64url.length % 4)) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  }

  async function post(url, body) {
    const response = await fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": box.dataset.csrf },
      body: JSON.stringify(body),
    });
    if (!response.ok && response.status !== 404) throw new Error(`${response.status}`);
  }

  async function refresh() {
    if (!("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) {
      show("unsupported");
      return;
    }
    if (Notification.permission === "denied") {
      show("blocked");
      return;
    }
    const registration = await navigator.serviceWorker.ready;
    const subscription = await registration.pushManager.getSubscription();
    if (subscription) show("on", { label: text("TurnOff") });
    else show("off", { label: text("TurnOn") });
  }

  async function turnOn() {
    show("working", { label: text("TurnOn"), busy: true });
    const permission = await Notification.requestPermission();
    if (permission !== "granted") {
      await refresh();
      return;
    }
    const registration = await navigator.serviceWorker.ready;
    const subscription = await registration.pushManager.subscribe({
      userVisibleOnly: true, applicationServerKey: keyBytes(box.dataset.vapidKey),
    });
    await post(box.dataset.subscribeUrl, subscription.toJSON());
    await refresh();
  }

  async function turnOff() {
    show("working", { label: text("TurnOff"), busy: true });
    const registration = await navigator.serviceWorker.ready;
    const subscription = await registration.pushManager.getSubscription();
    if (subscription) {
      await post(box.dataset.unsubscribeUrl, { endpoint: subscription.endpoint });
      await subscription.unsubscribe();
    }
    await refresh();
  }

  button.addEventListener("click", () => {
    const action = box.dataset.pushState === "on" ? turnOff : turnOn;
    action().catch(() => show("failed", { label: text("TurnOn") }));
  });
  refresh().catch(() => show("unsupported"));
})();
