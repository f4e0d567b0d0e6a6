/* Live-chat widget of the contacts service: one plain script, no build step.
   Embed with <script src="https://YOUR-SERVICE/chat/widget.js" defer></script>.
   The visitor's token is kept in localStorage; it is sent in the X-Chat-Token header. */
(function () {
  "use strict";
  var script = document.currentScript;
  var base = (script && script.getAttribute("data-base")) || new URL(script.src).origin;
  var storeKey = "contactsChatToken:" + base;
  var lastId = 0;
  var pollTimer = null;
  var seen = {};

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text) { node.textContent = text; }
    return node;
  }

  function randomId() {
    var bytes = new Uint8Array(12);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) {
      return ("0" + b.toString(16)).slice(-2);
    }).join("");
  }

  function call(method, path, body) {
    var headers = { "Content-Type": "application/json" };
    var token = localStorage.getItem(storeKey);
    if (token) { headers["X-Chat-Token"] = token; }
    return fetch(base + path, {
      method: method, headers: headers, body: body ? JSON.stringify(body) : undefined
    }).then(function (response) {
      return response.json().then(function (data) {
        if (response.status === 401) { forget(); }
        if (!response.ok) { throw new Error(data.error || "the chat is unavailable"); }
        return data;
      });
    });
  }

  var style = el("style", {}, [
    ".cc-launch{position:fixed;right:20px;bottom:20px;z-index:2147483000;border:0;",
    "border-radius:24px;padding:12px 18px;background:#1f6feb;color:#fff;font:15px sans-serif;",
    "cursor:pointer}.cc-panel{position:fixed;right:20px;bottom:76px;width:320px;height:420px;",
    "z-index:2147483000;display:none;flex-direction:column;background:#fff;border:1px solid #ccc;",
    "border-radius:10px;font:14px sans-serif;box-shadow:0 4px 18px rgba(0,0,0,.18)}",
    ".cc-panel.cc-open{display:flex}.cc-head{padding:10px;background:#1f6feb;color:#fff;",
    "border-radius:10px 10px 0 0}.cc-log{flex:1;overflow-y:auto;padding:8px}",
    ".cc-msg{margin:4px 0;padding:6px 9px;border-radius:8px;max-width:80%;word-wrap:break-word}",
    ".cc-visitor{background:#e7f0ff;margin-left:auto}.cc-staff{background:#f1f1f1}",
    ".cc-form{display:flex;flex-direction:column;gap:6px;padding:8px}",
    ".cc-form input{padding:6px;border:1px solid #bbb;border-radius:6px}",
    ".cc-error{color:#b00020;padding:0 8px;min-height:1em}"
  ].join(""));
  var launch = el("button", { "class": "cc-launch", type: "button" }, "Chat with us");
  var panel = el("div", { "class": "cc-panel", role: "dialog", "aria-label": "Live chat" });
  var log = el("div", { "class": "cc-log", "aria-live": "polite" });
  var error = el("div", { "class": "cc-error" });
  var prechat = el("form", { "class": "cc-form" });
  var nameInput = el("input", { name: "name", placeholder: "Your name (optional)" });
  var emailInput = el("input", { name: "email", type: "email", placeholder: "Email (optional)" });
  prechat.append(nameInput, emailInput, el("button", { type: "submit" }, "Start chat"));
  var compose = el("form", { "class": "cc-form" });
  var textInput = el("input", { name: "text", placeholder: "Type a message…", maxlength: "2000" });
  compose.append(textInput);
  panel.append(el("div", { "class": "cc-head" }, "Chat with us"), log, error, prechat, compose);

  function showStage() {
    var started = !!localStorage.getItem(storeKey);
    prechat.style.display = started ? "none" : "flex";
    compose.style.display = started ? "flex" : "none";
  }

  function forget() {
    localStorage.removeItem(storeKey);
    showStage();
  }

  function show(message) {
    if (seen[message.id]) { return; }
    seen[message.id] = true;
    lastId = Math.max(lastId, message.id);
    log.append(el("div", { "class": "cc-msg cc-" + message.from }, message.text));
    log.scrollTop = log.scrollHeight;
  }

  function poll() {
    if (!localStorage.getItem(storeKey)) { return; }
    call("GET", "/chat/messages?after=" + lastId).then(function (data) {
      data.messages.forEach(show);
      error.textContent = "";
    }).catch(function (e) { error.textContent = e.message; });
  }

  prechat.addEventListener("submit", function (event) {
    event.preventDefault();
    var body = {};
    if (nameInput.value.trim()) { body.name = nameInput.value.trim(); }
    if (emailInput.value.trim()) { body.email = emailInput.value.trim(); }
    call("POST", "/chat/start", body).then(function (data) {
      localStorage.setItem(storeKey, data.token);
      error.textContent = "";
      showStage();
      textInput.focus();
    }).catch(function (e) { error.textContent = e.message; });
  });

  compose.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = textInput.value.trim();
    if (!text) { return; }
    // The same id on a retry makes the server store the message once.
    var body = { id: randomId(), text: text };
    var send = function () { return call("POST", "/chat/messages", body); };
    send().catch(send).then(function () {
      textInput.value = "";
      error.textContent = "";
      poll();
    }).catch(function (e) { error.textContent = e.message; });
  });

  launch.addEventListener("click", function () {
    var open = panel.classList.toggle("cc-open");
    clearInterval(pollTimer);
    if (open) {
      showStage();
      poll();
      pollTimer = setInterval(poll, 3000);
    }
  });

  document.head.append(style);
  document.body.append(panel, launch);
  window.ContactsChat = { open: function () { if (!panel.classList.contains("cc-open")) { launch.click(); } } };
})();
