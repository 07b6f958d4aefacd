/* The pages where a person's own USB token signs, through the VGCA plugin (vgca.js):
 *
 * - a signing session's page (signatures/sign.html): [data-vgca-sign] signs the session's digest
 *   and posts {signature, certificate} to its complete URL; the server's answer (the session's
 *   state, or its refusal in Vietnamese) replaces the box;
 * - the certificates page: [data-vgca-register] has the token sign the server's one-time
 *   challenge, fills the hidden fields of its form with the signature and the certificate the
 *   plugin returned, and submits it (the server checks both before registering, tokens.py).
 *
 * Failures (no plugin, PIN cancelled or wrong) are shown next to the button, in Vietnamese. */
(function () {
  "use strict";

  function csrfToken() {
    const headers = document.body.getAttribute("hx-headers");
    try { return JSON.parse(headers)["X-CSRFToken"]; } catch (ignored) { return ""; }
  }

  async function signSession(button) {
    const box = button.closest(".signing-session");
    const status = box.querySelector("[data-vgca-status]");
    button.disabled = true;
    status.textContent = button.dataset.textBusy;
    let signed;
    try {
      signed = await window.QLVBVgca.signHash(button.dataset.hash);
    } catch (error) {
      status.textContent = error.message;
      status.dataset.code = error.code || "error";
      button.disabled = false;
      return;
    }
    status.textContent = button.dataset.textSending;
    const response = await fetch(button.dataset.completeUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/x-www-form-urlencoded", "X-CSRFToken": csrfToken() },
      body: new URLSearchParams({ signature: signed.signature, certificate: signed.certificate }),
    });
    const holder = document.createElement("div");
    holder.innerHTML = await response.text();
    const fresh = holder.firstElementChild;
    box.replaceWith(fresh);
    if (window.htmx) window.htmx.process(fresh);
  }

  async function registerToken(button) {
    const form = button.closest("form");
    const status = form.querySelector("[data-vgca-status]");
    button.disabled = true;
    status.textContent = button.dataset.textBusy;
    try {
      const signed = await window.QLVBVgca.signHash(button.dataset.challenge);
      form.querySelector("[name$='certificate']").value = signed.certificate;
      form.querySelector("[name$='signature']").value = signed.signature;
    } catch (error) {
      status.textContent = error.message;
      status.dataset.code = error.code || "error";
      button.disabled = false;
      return;
    }
    form.submit();  // add_token travels as a hidden field
  }

  document.addEventListener("click", function (event) {
    const sign = event.target.closest("[data-vgca-sign]");
    if (sign) { event.preventDefault(); signSession(sign); return; }
    const register = event.target.closest("[data-vgca-register]");
    if (register) { event.preventDefault(); registerToken(register); }
  });
})();
