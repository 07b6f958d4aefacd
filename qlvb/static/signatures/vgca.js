/* QLVB ↔ the VGCA signing plugin (VGCA Sign Service of the Government Cipher Committee) on the
 * signer's own computer. docs/signing-vgca.md describes the protocol and what was checked.
 *
 * The plugin listens on wss://127.0.0.1:8987/<endpoint>; each call opens a WebSocket of its own,
 * sends one message and reads one JSON answer ({Status: 0, …} when done), then closes it, as the
 * plugin's own vgcaplugin.js does.
 *
 *   QLVBVgca.available()        → Promise<boolean>                  the plugin answers
 *   QLVBVgca.certificate()      → Promise<{certificate}>            base64 DER of the token's certificate
 *   QLVBVgca.signHash(hashB64)  → Promise<{signature, certificate}> SignMsg over a SHA-256 digest
 *
 * Failures reject with an Error whose .code is "unavailable" | "cancelled" | "wrong_pin" | "error"
 * and whose message is Vietnamese, for the person.
 *
 * The page's Content Security Policy must allow connect-src wss://127.0.0.1:8987 (csp_update).
 * A <script data-vgca-base="wss://127.0.0.1:PORT"> attribute points it elsewhere (tests); the
 * texts below are Vietnamese by default and data-text-<name> attributes (data-text-unavailable,
 * -cancelled, -wrong-pin, -timeout, -unreadable, -refused, -bad-hash) replace them with the page's
 * own, translated by the server like the other scripts' texts.
 */
(function () {
  "use strict";

  const script = document.currentScript;
  const config = {
    base: (script && script.dataset.vgcaBase) || "wss://127.0.0.1:8987",
    probeTimeoutMs: 3000,     // connecting: the plugin is on this machine or not at all
    signTimeoutMs: 180000,    // the person finds the token, reads the dialog, types the PIN
  };

  // Statuses of the QLVB test agent (tools/vgca_agent). The real plugin's non-zero statuses are
  // not published (11 = cancelled is the one public claim): a status not listed here is read
  // from its Message below.
  const CANCELLED = [11];
  const WRONG_PIN = [12];

  const MESSAGES = {
    unavailable: "Không kết nối được phần mềm ký số của Ban Cơ yếu Chính phủ (VGCA Sign Service) trên máy này. " +
      "Hãy cài đặt hoặc mở lại phần mềm ký số, cắm USB Token rồi thử lại.",
    cancelled: "Bạn đã hủy thao tác ký số.",
    wrong_pin: "Mã PIN của USB Token không đúng. Hãy thử lại; nhập sai nhiều lần USB Token sẽ bị khóa.",
    timeout: "Phần mềm ký số không trả lời trong thời gian chờ. Hãy thử lại.",
    unreadable: "Phần mềm ký số trả lời không đúng định dạng.",
    refused: "Phần mềm ký số không ký được",
    bad_hash: "Giá trị băm cần ký không hợp lệ.",
  };
  // The page may give its own (server-translated) texts: <script data-text-wrong-pin="…">.
  if (script) {
    Object.keys(MESSAGES).forEach(function (name) {
      const key = "text" + name.split("_").map(function (part) {
        return part.charAt(0).toUpperCase() + part.slice(1);
      }).join("");
      if (script.dataset[key]) MESSAGES[name] = script.dataset[key];
    });
  }

  function failure(code, message) {
    const error = new Error(message);
    error.code = code;
    return error;
  }

  // One call: open, send `payload` once open, resolve with the parsed answer; never leaves the
  // socket open. `answerTimeoutMs` counts from the opening.
  function call(endpoint, payload, answerTimeoutMs) {
    return new Promise(function (resolve, reject) {
      let socket;
      let opened = false;
      let settled = false;
      let timer = null;

      function settle(fn, value) {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        try { socket.close(); } catch (ignored) { /* already closed */ }
        fn(value);
      }
      function lost() {
        settle(reject, opened ? failure("error", MESSAGES.unreadable) : failure("unavailable", MESSAGES.unavailable));
      }

      try {
        socket = new WebSocket(config.base + "/" + endpoint);
      } catch (error) {
        reject(failure("unavailable", MESSAGES.unavailable));
        return;
      }
      timer = setTimeout(lost, config.probeTimeoutMs);
      socket.onopen = function () {
        opened = true;
        clearTimeout(timer);
        timer = setTimeout(function () { settle(reject, failure("error", MESSAGES.timeout)); }, answerTimeoutMs);
        socket.send(payload);
      };
      socket.onmessage = function (event) {
        let answer;
        try {
          answer = JSON.parse(event.data);
        } catch (error) {
          settle(reject, failure("error", MESSAGES.unreadable));
          return;
        }
        if (answer === null || typeof answer !== "object") {
          settle(reject, failure("error", MESSAGES.unreadable));
          return;
        }
        settle(resolve, answer);
      };
      socket.onerror = lost;
      socket.onclose = lost;
    });
  }

  // An answer whose Status is not 0, as the Error the caller gets.
  function refusal(answer) {
    const status = Number(answer.Status);
    const text = String(answer.Message || answer.Error || "").trim();
    if (CANCELLED.indexOf(status) >= 0 || (WRONG_PIN.indexOf(status) < 0 && /hủy|huỷ|cancel/i.test(text))) {
      return failure("cancelled", MESSAGES.cancelled);
    }
    if (WRONG_PIN.indexOf(status) >= 0 || (/\bPIN\b/i.test(text) && /sai|không đúng|incorrect|wrong/i.test(text))) {
      return failure("wrong_pin", MESSAGES.wrong_pin);
    }
    return failure("error", MESSAGES.refused + (text ? ": " + text : "."));
  }

  function done(answer) {
    return answer.Status === 0 || answer.Status === "0";
  }

  const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

  window.QLVBVgca = {
    configure: function (options) {
      Object.assign(config, options || {});
    },

    available: function () {
      // GetVersion answers at once and shows nothing to the person: a probe that cannot pop up
      // the PIN dialog.
      return call("GetVersion", "get_version", config.probeTimeoutMs).then(
        function () { return true; },
        function (error) { return error.code !== "unavailable"; });
    },

    certificate: function () {
      return call("GetCertInfo", "get_cert_info", config.signTimeoutMs).then(function (answer) {
        if (!done(answer)) throw refusal(answer);
        const info = answer.CertInfo || {};
        const certificate = info.Base64Data || answer.CertBase64 || "";
        if (!certificate) throw failure("error", MESSAGES.unreadable);
        return { certificate: certificate };
      });
    },

    signHash: function (hashB64) {
      if (typeof hashB64 !== "string" || hashB64.length !== 44 || !BASE64.test(hashB64)) {
        return Promise.reject(failure("error", MESSAGES.bad_hash));   // a SHA-256 digest is 44 characters
      }
      const payload = JSON.stringify({ HashAlg: "SHA256", HashValue: hashB64, Encode: "RSA" });
      return call("SignMsg", payload, config.signTimeoutMs).then(function (answer) {
        if (!done(answer)) throw refusal(answer);
        if (!answer.Signature || !answer.CertBase64) throw failure("error", MESSAGES.unreadable);
        return { signature: String(answer.Signature), certificate: String(answer.CertBase64) };
      });
    },
  };
}());
