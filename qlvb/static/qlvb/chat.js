// A chat room's page (qlvb/templates/chat/room.html): the room's socket shows new messages as they
// come, and a text message is sent through it; a message with files goes with the form (a POST).
// When the socket drops it reconnects and fetches what it missed from the REST API.
(function () {
  "use strict";
  const log = document.getElementById("chat-log");
  if (!log || log.dataset.live !== "1") return;
  const form = document.getElementById("chat-form");
  const text = form ? form.querySelector("textarea[name=body]") : null;
  const files = document.getElementById("chat-files");
  const error = document.getElementById("chat-error");
  const badge = document.getElementById("chat-live");
  const room = log.dataset.room;
  let last = parseInt(log.dataset.last || "0", 10);
  let socket = null;
  let delay = 500;

  function scrollDown() { log.scrollTop = log.scrollHeight; }

  function show(message) {
    if (document.getElementById("chat-message-" + message.id)) return;
    const empty = document.getElementById("chat-empty");
    if (empty) empty.remove();
    const item = document.createElement("div");
    item.className = "chat-message mb-2";
    item.id = "chat-message-" + message.id;
    item.dataset.id = message.id;
    const head = document.createElement("div");
    head.className = "small";
    const author = document.createElement("strong");
    author.className = "chat-author";
    author.textContent = message.author.name;
    const time = document.createElement("span");
    time.className = "text-body-secondary chat-time";
    time.textContent = message.time;
    head.append(author, " ", time);
    item.append(head);
    if (message.body) {
      const body = document.createElement("div");
      body.className = "chat-body";
      body.textContent = message.body;
      item.append(body);
    }
    for (const file of message.files || []) {
      const line = document.createElement("div");
      line.className = "small";
      const icon = document.createElement("i");
      icon.className = "bi bi-paperclip";
      icon.setAttribute("aria-hidden", "true");
      const link = document.createElement("a");
      link.href = file.url;
      link.textContent = file.name;
      line.append(icon, " ", link);
      item.append(line);
    }
    const near = log.scrollHeight - log.scrollTop - log.clientHeight < 80;
    log.append(item);
    last = Math.max(last, message.id);
    if (near) scrollDown();
  }

  function status(live) {
    if (!badge) return;
    badge.classList.remove("d-none", "text-bg-success", "text-bg-secondary");
    badge.classList.add(live ? "text-bg-success" : "text-bg-secondary");
    badge.textContent = live ? badge.dataset.liveText : badge.dataset.offText;
  }

  function catchUp() {
    fetch("/api/v1/chat/rooms/" + room + "/messages/?after=" + last, {credentials: "same-origin",
      headers: {"Accept": "application/json"}})
      .then((answer) => answer.ok ? answer.json() : null)
      .then((page) => { if (page) (page.results || []).forEach(show); })
      .catch(() => {});
  }

  function connect(again) {
    const scheme = location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + location.host + log.dataset.socket);
    socket.addEventListener("open", () => { delay = 500; status(true); if (again) catchUp(); });
    socket.addEventListener("message", (event) => {
      const data = JSON.parse(event.data);
      if (data.message) show(data.message);
      if (data.error && error) { error.textContent = data.error; error.classList.remove("d-none"); }
    });
    socket.addEventListener("close", (event) => {
      status(false);
      if (event.code === 4404) return; // no longer a member of the room
      setTimeout(() => connect(true), delay);
      delay = Math.min(delay * 2, 10000);
    });
  }

  if (form && text) {
    form.addEventListener("submit", (event) => {
      const hasFiles = files && files.files && files.files.length > 0;
      if (hasFiles || !socket || socket.readyState !== WebSocket.OPEN) return; // the form's own POST
      event.preventDefault();
      const body = text.value.trim();
      if (!body) return;
      if (error) error.classList.add("d-none");
      socket.send(JSON.stringify({body: body}));
      text.value = "";
      text.focus();
      scrollDown();
    });
    text.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        form.requestSubmit();
      }
    });
  }
  scrollDown();
  connect(false);
})();
