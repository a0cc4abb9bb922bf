/* Like / dislike buttons. They appear only when the page is served by `arxivbot serve` with
   an admin token configured: static/server.js (written as `null` for static hosts, answered
   by the server itself) says so. The bearer token (the server's ARXIVBOT_ADMIN_TOKEN) is
   asked for once and kept in this browser's localStorage, as is the state of each button
   (pressed = sent), so a reader sees what they already told the server. reader.js calls
   window.ArxivbotFeedback.send for the "s" key. */
(function () {
  "use strict";
  var script = document.currentScript;
  var root = (script && script.getAttribute("data-root")) || "";
  var TOKEN_KEY = "arxivbot-admin-token";
  var STATE_KEY = "arxivbot-feedback";
  var boxes = document.querySelectorAll(".feedback[data-arxiv-id]");
  if (boxes.length === 0 || !window.fetch || location.protocol === "file:") { return; }

  function say(box, text) { box.querySelector(".feedback-status").textContent = text; }

  function remembered() {
    try { return JSON.parse(window.localStorage.getItem(STATE_KEY) || "{}") || {}; } catch (e) { return {}; }
  }

  function remember(id, value) {
    var saved = remembered();
    if (value === "clear") { delete saved[id]; } else { saved[id] = value; }
    try { window.localStorage.setItem(STATE_KEY, JSON.stringify(saved)); } catch (e) { /* full */ }
  }

  function showState(box, value) {
    Array.prototype.forEach.call(box.querySelectorAll("button"), function (button) {
      button.setAttribute("aria-pressed", String(button.getAttribute("data-value") === value));
    });
  }

  function token() {
    var saved = window.localStorage.getItem(TOKEN_KEY);
    if (saved) { return saved; }
    var typed = window.prompt("Admin token of this arxivbot server (ARXIVBOT_ADMIN_TOKEN):");
    if (typed) { window.localStorage.setItem(TOKEN_KEY, typed.trim()); }
    return typed ? typed.trim() : "";
  }

  function send(box, value) {
    var id = box.getAttribute("data-arxiv-id");
    // pressing a pressed button takes the opinion back
    if (remembered()[id] === value) { value = "clear"; }
    var secret = token();
    if (!secret) { say(box, "no token given"); return; }
    var server = window.arxivbotServer || {};
    fetch((server.api || root) + "api/feedback/" + encodeURIComponent(id), {
      method: "POST",
      headers: { "Content-Type": "application/json", "Authorization": "Bearer " + secret },
      body: JSON.stringify(server.profile ? { value: value, profile: server.profile } : { value: value })
    }).then(function (response) {
      if (response.ok) {
        remember(id, value);
        showState(box, value);
        say(box, { like: "Noted: more like this.", dislike: "Noted: less like this.",
                   clear: "Opinion taken back." }[value]);
      } else if (response.status === 401) {
        window.localStorage.removeItem(TOKEN_KEY);
        say(box, "token refused; try again");
      } else {
        say(box, "feedback is off on this server (" + response.status + ")");
      }
    }).catch(function () { say(box, "could not reach the server"); });
  }

  var server = window.arxivbotServer;
  if (!server || !server.feedback) { return; }
  var saved = remembered();
  Array.prototype.forEach.call(boxes, function (box) {
    box.hidden = false;
    showState(box, saved[box.getAttribute("data-arxiv-id")] || "");
    Array.prototype.forEach.call(box.querySelectorAll("button"), function (button) {
      button.addEventListener("click", function () { send(box, button.getAttribute("data-value")); });
    });
  });
  window.ArxivbotFeedback = { send: send };
})();
