// Behaviour every page shares. The Content Security Policy (settings.py) allows no inline script
// and no onclick=/onchange= attributes: markup asks for behaviour with data- attributes instead.

// <select data-autosubmit>: choosing an option submits its form (the "act as" menu of the top bar).
document.addEventListener("change", (event) => {
  const field = event.target.closest("[data-autosubmit]");
  if (field && field.form) field.form.submit();
});

// The installable app: the service worker (/sw.js, the whole site its scope) shows the notifications
// pushed to this device and the offline page when a page cannot be loaded.
if ("serviceWorker" in navigator && window.isSecureContext) {
  window.addEventListener("load", () => {
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(() => {});
  });
}
